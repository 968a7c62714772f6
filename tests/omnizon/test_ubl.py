from datetime import UTC, datetime
from decimal import Decimal

import pytest

from apps.omnizon import ubl
from apps.sandbox.omnizon import generate

ANCHOR = datetime(2026, 3, 1, tzinfo=UTC)


def specs(seed=4, count=60):
    companies = generate.company_list(seed, 3)
    return [generate.spec_for(seed, i, companies, ANCHOR, 90, count) for i in range(count)]


@pytest.mark.parametrize("spec", specs(), ids=lambda s: f"{s.index}-{s.doc_type}-{s.currency}")
def test_every_generated_invoice_reads_back_exactly(spec):
    inv = ubl.parse(generate.build_ubl(spec))

    assert (inv.doc_type, inv.number, inv.currency) == (spec.doc_type, spec.number, spec.currency)
    assert (inv.issue_date, inv.due_date) == (spec.issue_date, spec.due_date)
    assert inv.supplier.name == spec.supplier.name and inv.customer.name == spec.customer.name
    assert inv.supplier.vat == f"HR{spec.supplier.vat}"
    assert [line.net_amount for line in inv.lines] == [line.net for line in spec.lines]
    assert [(g.rate, g.taxable_amount, g.tax_amount) for g in inv.vat] == [
        (Decimal(g["rate"]).quantize(Decimal("0.01")), g["taxable"], g["tax"])
        for g in spec.totals["breakdown"]]
    assert inv.totals["payable"] == spec.totals["payable"]
    assert inv.totals["tax"] == spec.totals["tax"]  # the document-currency TaxTotal
    assert inv.payment["iban"] == spec.iban and inv.problems == []


def test_credit_note_with_reference_foreign_currency_and_allowance_are_read():
    all_specs = specs(count=120)
    credit = next(s for s in all_specs if s.doc_type == "CreditNote")
    inv = ubl.parse(generate.build_ubl(credit))
    assert inv.billing_reference == credit.billing_reference and inv.type_code == "381"

    foreign = next(s for s in all_specs if s.currency != "EUR")
    inv = ubl.parse(generate.build_ubl(foreign))
    assert inv.currency == foreign.currency and inv.totals["tax"] == foreign.totals["tax"]

    discounted = next(s for s in all_specs if s.allowance)
    inv = ubl.parse(generate.build_ubl(discounted))
    assert inv.allowances[0]["amount"] == discounted.allowance
    assert inv.totals["allowances"] == discounted.allowance
    assert inv.totals["exclusive"] == inv.totals["lines"] - discounted.allowance


def test_exempt_vat_keeps_its_reason_and_all_four_rates_appear():
    groups = [g for s in specs(count=120) for g in ubl.parse(generate.build_ubl(s)).vat]
    assert {g.rate for g in groups} == {Decimal("25.00"), Decimal("13.00"), Decimal("5.00"),
                                        Decimal("0.00")}
    exempt = next(g for g in groups if g.category == "E")
    assert "Oslobođeno" in exempt.exemption_reason


def test_markup_and_diacritics_come_back_as_plain_text():
    spec = specs()[0]
    spec.counterparty.name = '<script>alert("x")</script> Đurđevac & Čakovec'
    inv = ubl.parse(generate.build_ubl(spec))
    party = inv.supplier if spec.direction == "in" else inv.customer
    assert party.name == '<script>alert("x")</script> Đurđevac & Čakovec'


@pytest.mark.parametrize("kind, message", [
    ("xxe", "Refused: the XML declares a DTD"),
    ("billion_laughs", "Refused: the XML declares a DTD"),
    ("not_ubl", "Not a UBL 2.1 Invoice or CreditNote (the root element is <order>)"),
    ("malformed", "Not well-formed XML"),
])
def test_hostile_or_foreign_xml_is_refused_with_a_readable_reason(kind, message):
    with pytest.raises(ubl.UBLError) as refused:
        ubl.parse(generate.HOSTILE[kind])
    assert message in str(refused.value)


def test_an_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "file://{secret}">]>'
           f'<Invoice xmlns="{ubl.NS["inv"]}"><ID xmlns="{ubl.NS["cbc"]}">&s;</ID></Invoice>')
    with pytest.raises(ubl.UBLError) as refused:
        ubl.parse(xml.encode())
    assert "TOP-SECRET" not in str(refused.value)


def test_empty_and_oversized_files_are_refused():
    with pytest.raises(ubl.UBLError, match="empty"):
        ubl.parse(b"  ")
    with pytest.raises(ubl.UBLError, match="10 MB"):
        ubl.parse(b"<a>" + b" " * (ubl.MAX_BYTES + 1) + b"</a>")


def test_missing_fields_and_absurd_numbers_are_listed_not_raised():
    xml = (f'<Invoice xmlns="{ubl.NS["inv"]}" xmlns:cbc="{ubl.NS["cbc"]}" '
           f'xmlns:cac="{ubl.NS["cac"]}"><cbc:ID>X-1</cbc:ID><cbc:IssueDate>2026-02-30'
           f'</cbc:IssueDate><cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">1e99'
           f'</cbc:PayableAmount></cac:LegalMonetaryTotal></Invoice>')
    inv = ubl.parse(xml.encode())
    assert inv.number == "X-1" and inv.issue_date is None and inv.payable is None
    text = " ".join(inv.problems)
    for expected in ["IssueDate is not a date", "PayableAmount is not a usable number",
                     "Missing the supplier's name (BT-27)", "Missing at least one line (BG-25)",
                     "Missing the currency (BT-5)", "Missing the amount due (BT-115)"]:
        assert expected in text
