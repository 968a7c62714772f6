"""The client against the emulator: the contract's grammar, quirks and errors."""

from datetime import date
from decimal import Decimal

import pytest

from apps.core.http import ConfigurationError, NotFoundError, ProviderError, TransientError
from apps.omnicado.client import OmnicadoClient, ge, gt, in_, le, lt, sort
from apps.sandbox import faults
from apps.sandbox.omnicado import documents
from tests.omnicado.conftest import SCALE, provider_data


def numbers(listing):
    return [doc.invoiceNumber for doc in listing.documents]


def everything(api, **filters):
    return api.invoices(filters=filters, page_size=1000)


def test_a_page_parses_every_quirk_exactly(api, invoices):
    listing = api.invoices(page_size=5)
    first = listing.documents[0]

    assert listing.paging.total == SCALE and listing.paging.pages == SCALE // 5
    assert first.invoiceNumber == invoices[0]["invoiceNumber"] > 2**32
    assert first.partner == str(invoices[0]["partner"])  # a JSON number on the wire
    assert first.total == invoices[0]["total"] and isinstance(first.total, Decimal)
    assert first.createdAt == date.fromisoformat(invoices[0]["createdAt"])
    assert first.supplier.bank.iban == invoices[0]["supplier"]["bank"]["iban"]
    assert listing.raw[0]["invoiceNumber"] == first.invoiceNumber


def test_numbers_sent_for_strings_and_exempt_vat_keys_are_read():
    with_number = next(d for d in map(_invoice, range(SCALE)) if isinstance(d["purchNoC"], int))
    exempt = next(d for d in map(_invoice, range(SCALE)) if "osvobozeno" in d["taxRecap"]["taxes"])
    from apps.omnicado.client import Invoice

    assert Invoice.model_validate(with_number).purchNoC == str(with_number["purchNoC"])
    recap = Invoice.model_validate(exempt).taxRecap
    assert "osvobozeno" in {tax.tax for tax in recap.taxes}


def test_tax_recap_also_accepted_as_a_list():
    from apps.omnicado.client import TaxRecap

    recap = TaxRecap.model_validate({"total": 200, "taxes": [
        {"tax": "21", "base": 190, "price": 19, "total": 200}]})
    assert recap.taxes[0].tax == "21" and recap.taxes[0].base == Decimal(190)


def _invoice(i):
    acc = documents.Account(seed=7, scale=SCALE, per_day=1, partners=(4120, 4121),
                            changed_invoices={}, changed_offsets={})
    return documents.invoice(acc, i)


@pytest.mark.parametrize("modifier, keep", [
    (gt, lambda v, x: v > x), (ge, lambda v, x: v >= x),
    (lt, lambda v, x: v < x), (le, lambda v, x: v <= x),
])
def test_every_comparison_modifier_on_dates_and_amounts(api, invoices, modifier, keep):
    day = invoices[20]["createdAt"]
    by_date = everything(api, createdAt=modifier(day))
    assert numbers(by_date) == [d["invoiceNumber"] for d in invoices if keep(d["createdAt"], day)]

    amount = invoices[10]["total"]
    by_total = everything(api, total=modifier(amount))
    assert sorted(numbers(by_total)) == [d["invoiceNumber"] for d in invoices
                                         if keep(d["total"], amount)]
    assert by_total.documents, "the filter must select something to prove anything"


def test_equality_and_in(api, invoices):
    eur = everything(api, currency="EUR")
    assert numbers(eur) == [d["invoiceNumber"] for d in invoices if d["currency"] == "EUR"]
    picked = [invoices[3]["invoiceNumber"], invoices[41]["invoiceNumber"]]
    assert numbers(everything(api, invoiceNumber=in_(picked))) == picked
    both = everything(api, currency=in_(["CZK", "EUR"]))
    assert len(both.documents) == SCALE
    assert numbers(everything(api, partner="4121")) == [
        d["invoiceNumber"] for d in invoices if d["partner"] == 4121]


def test_filters_combine(api, invoices):
    listing = everything(api, createdAt=ge(invoices[10]["createdAt"]), currency="CZK",
                         total=gt(0))
    assert numbers(listing) == [d["invoiceNumber"] for d in invoices[10:]
                                if d["currency"] == "CZK" and d["total"] > 0]


def test_multi_field_sort_ascending_and_descending(api, invoices):
    listing = api.invoices(sort_by=sort("currency", "-total"), page_size=1000)
    expected = sorted(invoices, key=lambda d: (d["currency"], -d["total"]))
    assert numbers(listing) == [d["invoiceNumber"] for d in expected]

    newest_first = api.invoices(sort_by="createdAt:desc,invoiceNumber:desc", page_size=7)
    assert numbers(newest_first) == [d["invoiceNumber"] for d in reversed(invoices)][:7]


def test_paging_to_the_last_page(api, invoices):
    seen, page = [], 1
    while True:
        listing = api.invoices(page=page, page_size=7, sort_by=sort("createdAt", "invoiceNumber"))
        seen += numbers(listing)
        if listing.is_last:
            break
        page += 1
    assert page == 9 and listing.paging.pages == 9 and len(listing.documents) == SCALE - 8 * 7
    assert seen == [d["invoiceNumber"] for d in invoices]
    beyond = api.invoices(page=10, page_size=7)
    assert beyond.documents == [] and beyond.is_last


def test_offsets_list_detail_and_pdf(api, account):
    acc = provider_data(account)
    listing = api.offsets(page_size=100)
    assert len(listing.documents) == documents.offset_count(acc) == 16
    first = listing.documents[0]
    assert first.documentNumber.startswith("0000004120-")  # leading zeros kept
    assert first.variableSymbol > 2**32
    assert first.diffPrice == sum(x.offsetPrice for x in first.invoices + first.orders)
    detail, raw = api.offset(first.documentNumber)
    assert detail == first and raw["documentNumber"] == first.documentNumber
    assert api.offset_pdf(first.documentNumber).startswith(b"%PDF")


def test_invoice_detail_and_pdf(api, invoices):
    number = invoices[5]["invoiceNumber"]
    invoice, _ = api.invoice(number)
    assert invoice.invoiceNumber == number and invoice.total == invoices[5]["total"]
    assert api.invoice_pdf(number).startswith(b"%PDF")


def test_unknown_documents_are_not_found(api):
    with pytest.raises(NotFoundError, match="not found"):
        api.invoice(9_999_999_999)
    with pytest.raises(NotFoundError):
        api.offset("0000004120-01011999")
    with pytest.raises(NotFoundError):
        api.invoice_pdf(1)


def test_a_wrong_client_id_is_refused(connection):
    connection.credentials = {"client_id": "not-the-right-one"}
    with OmnicadoClient(connection) as api, pytest.raises(ConfigurationError) as refused:
        api.invoices()
    assert refused.value.status == 401 and "client_id" in str(refused.value)
    assert "not-the-right-one" not in str(refused.value)


def test_a_bad_filter_gets_the_providers_message(api):
    with pytest.raises(ProviderError) as bad:
        api.invoices(filters={"createdAt": "gte:2024-01-01"})
    assert bad.value.status == 400 and bad.value.code == "INVALID_FILTER"
    assert "gte" in bad.value.message and bad.value.field_errors == {"createdAt": [bad.value.message]}
    with pytest.raises(ProviderError, match="Unknown field"):
        api.invoices(filters={"nosuchfield": "1"})


def test_429_is_retried_after_the_wait_the_provider_asks_for(connection):
    waits = []
    faults.inject(provider="omnicado", kind="status", status=429, retry_after=1, times=2)
    with OmnicadoClient(connection, sleep=waits.append) as api:
        listing = api.invoices(page_size=3)
    assert len(listing.documents) == 3 and waits == [1.0, 1.0]


def test_429_that_never_ends_is_a_transient_error_with_limited_status(api):
    faults.inject(provider="omnicado", kind="status", status=429, times=-1)
    with pytest.raises(TransientError) as limited:
        api.invoices()
    assert limited.value.status == 429 and limited.value.code == "LIMITED"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_then_reported(api, status):
    faults.inject(provider="omnicado", kind="status", status=status, times=1)
    assert api.invoices(page_size=2).documents  # one failure, then the retry succeeds
    faults.inject(provider="omnicado", kind="status", status=status, times=-1)
    with pytest.raises(TransientError) as failed:
        api.invoices()
    assert failed.value.status == status


def test_malformed_json_is_a_bad_response(api):
    faults.inject(provider="omnicado", kind="malformed", times=1)
    with pytest.raises(ProviderError) as bad:
        api.invoices()
    assert bad.value.kind == "bad_response"


def test_a_bad_shape_names_the_field(api, monkeypatch):
    from apps.omnicado import client as module

    broken = {**_invoice(0), "invoiceNumber": "abc"}
    monkeypatch.setattr(module.OmnicadoClient, "_get", lambda self, path, params=None:
                        module.Envelope(data=[broken], result={"status": "OK"}))
    with pytest.raises(ProviderError) as bad:
        api.invoices()
    assert bad.value.kind == "bad_response" and "invoiceNumber" in str(bad.value)


def test_client_id_never_appears_in_logs(api, caplog):
    caplog.set_level("INFO", logger="ledgerdesk.http")
    api.invoices(page_size=1)
    assert caplog.records and "omnicado-test-client-id" not in caplog.text
