"""The cents arithmetic of the dashboard's preview, against the seed's printed numbers and
against what the emulator answers (two separate implementations)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.core.money import to_minor
from apps.ovipro.forms import EuroField
from apps.ovipro.totals import Line, invoice_totals
from apps.sandbox import data
from tests.ovipro.conftest import create_body

D = Decimal


def test_seed_example_two_lines():
    totals = invoice_totals([Line(10000, D("25.5"), True), Line(750, D("25.5"), False)])
    assert (totals.vat_included, totals.vat_excluded, totals.vat) == (10941, 8718, 2223)


def test_seed_example_one_line():
    totals = invoice_totals([Line(10000, D("25.5"), True)])
    assert (totals.vat_included, totals.vat_excluded) == (10000, 7968)


def test_discount_is_a_negative_line():
    costs = [Line(1000000, D("25.5"), True), Line(50000, D("25.5"), True),
             Line(75000, D("25.5"), True)]
    totals = invoice_totals(costs, Line(100000, D("25.5"), True))
    assert (totals.vat_included, totals.vat_excluded) == (1025000, 816734)


def test_net_discount_on_net_lines():
    totals = invoice_totals([Line(20000, D("24"), False)], Line(5000, D("24"), False))
    assert (totals.vat_included, totals.vat_excluded) == (24800 - 6200, 15000)


@pytest.mark.parametrize("lines,expected", [
    ([Line(300, D("25.5"), False)], (377, 300)),          # 376.5 -> half up
    ([Line(10, D("25.5"), False)], (13, 10)),             # 12.55 -> 13, not truncated
    ([Line(10, D("25.5"), False)] * 2, (26, 20)),         # rounded per line, not per invoice
    ([Line(1, D("25.5"), True)], (1, 1)),                 # 0.797 -> 1
    ([Line(0, D("25.5"), True)], (0, 0)),
    ([Line(12345, D("0"), False)], (12345, 12345)),
])
def test_rounding_rule(lines, expected):
    totals = invoice_totals(lines)
    assert (totals.vat_included, totals.vat_excluded) == expected


def test_float_would_be_wrong_where_decimal_is_right():
    assert round(300 * 1.255) == 376  # the float trap the contract warns about
    assert Line(300, D("25.5"), False).vat_included == 377


@pytest.mark.parametrize("typed,cents", [("1234.50", 123450), ("1 234,50", 123450),
                                         ("0.01", 1), ("100", 10000), ("19.99", 1999),
                                         ("12345678.99", 1234567899), ("7,5", 750)])
def test_euros_typed_become_exact_cents(typed, cents):
    assert to_minor(EuroField().clean(typed), "EUR") == cents


@pytest.mark.parametrize("typed", ["1.234,50", "12.345", "-5", "abc", "1e3x", "NaN"])
def test_bad_euro_amounts_are_refused(typed):
    with pytest.raises(ValidationError):
        EuroField().clean(typed)


def test_preview_agrees_with_the_emulator_to_the_cent(emu, office_id, party_id):
    """Random lines (deterministic), each invoice created at the emulator and its
    totalInvoicedAmount compared with the preview."""
    r = data.rng(99, "totals")
    created = {}
    for n in range(12):
        costs = []
        for _ in range(r.randint(1, 4)):
            costs.append({"amount": r.randrange(1, 2_000_000), "costTypeCode": "COMMISSION",
                          "description": "x", "vatPercentage": r.choice([D("25.5"), D("24"), D("14"),
                                                                         D("10"), D("13.5"), D("0")]),
                          "includesVat": r.random() < 0.5})
        discount = None
        if n % 3 == 0:
            discount = {"amount": r.randrange(1, 50_000), "includesVat": r.random() < 0.5,
                        "vatPercentage": D("25.5"), "description": "d"}
        extra = {"discount": discount} if discount else {}
        invoice_id = emu.create(create_body(office_id, party_id, costs=costs, **extra))
        ours = invoice_totals([Line(c["amount"], c["vatPercentage"], c["includesVat"]) for c in costs],
                              Line(discount["amount"], discount["vatPercentage"],
                                   discount["includesVat"]) if discount else None)
        created[invoice_id] = {"vatIncluded": ours.vat_included, "vatExcluded": ours.vat_excluded}
    answered = {i["invoiceId"]: i["totalInvoicedAmount"]
                for i in emu.search("size=200")["invoices"] if i["invoiceId"] in created}
    assert answered == created
