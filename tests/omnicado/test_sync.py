"""Sync runs against the emulator: first, incremental, sweep, resume after a killed run."""

from datetime import timedelta

from django.utils import timezone

from apps.core.models import SyncRun, SyncState
from apps.core.sync import sync_run_now
from apps.omnicado.models import Invoice, InvoiceItem, InvoiceTax, Offset, OffsetInvoice
from apps.sandbox import faults
from apps.sandbox.omnicado import documents
from tests.omnicado.conftest import SCALE, make_account, provider_data


def run(connection, stream="invoices", **kwargs):
    result = sync_run_now(connection=connection, stream=stream, **kwargs)
    assert result.status in (SyncRun.Status.SUCCEEDED, SyncRun.Status.FAILED)
    return result


def counts(r):
    return r.created, r.updated, r.unchanged


def test_first_run_stores_every_invoice_with_items_vat_recap_and_raw(connection, invoices):
    first = run(connection)

    assert first.status == "succeeded", first.error_message
    assert first.full and counts(first) == (SCALE, 0, 0)
    assert Invoice.objects.count() == SCALE
    assert InvoiceItem.objects.count() == sum(len(d["items"]) for d in invoices)
    assert InvoiceTax.objects.count() == sum(len(d["taxRecap"]["taxes"]) for d in invoices)
    row = Invoice.objects.get(invoice_number=invoices[0]["invoiceNumber"])
    assert row.total == invoices[0]["total"] and row.partner == str(invoices[0]["partner"])
    assert row.raw["invoiceNumber"] == invoices[0]["invoiceNumber"]
    assert row.supplier_name == invoices[0]["supplier"]["name"]


def test_inconsistent_invoices_are_flagged(connection, account):
    run(connection)
    acc = provider_data(account)
    expected = {documents.invoice_number(acc, i) for i in range(SCALE)
                if documents.invoice_is_inconsistent(acc, i)}
    flagged = set(Invoice.objects.filter(consistent=False).values_list("invoice_number", flat=True))
    assert flagged == expected and expected, "seed 7 must hold at least one bad invoice"


def test_incremental_run_asks_only_for_the_overlap_window(connection):
    run(connection)
    second = run(connection)

    assert not second.full and second.window_start is not None
    # newest createdAt is day 59; the overlap is 7 days: days 52..59, one invoice a day
    assert counts(second) == (0, 0, 8) and second.pages == 1


def test_new_invoices_are_picked_up_and_nothing_is_rewritten(connection):
    run(connection)
    make_account(scale=SCALE + 10, options={"per_day": 1})
    later = run(connection)

    assert counts(later) == (10, 0, 8)
    assert Invoice.objects.count() == SCALE + 10


def test_a_changed_invoice_is_picked_up_by_the_periodic_sweep(connection, account):
    run(connection)
    make_account(options={"changed": {"invoices": {"3": 1}}})
    acc = provider_data(make_account(options={"changed": {"invoices": {"3": 1}}}))
    number = documents.invoice_number(acc, 3)

    incremental = run(connection)
    assert counts(incremental) == (0, 0, 8)  # day 3 is outside the overlap window
    assert Invoice.objects.get(invoice_number=number).note != "Opravný záznam č. 1"

    SyncState.objects.filter(connection=connection, stream="invoices").update(
        last_full_at=timezone.now() - timedelta(days=8))
    sweep = run(connection)
    assert sweep.full and counts(sweep) == (0, 1, SCALE - 1)
    changed = Invoice.objects.get(invoice_number=number)
    assert changed.note == "Opravný záznam č. 1"
    assert changed.due_on == changed.created_on + timedelta(days=21)
    assert changed.items.count() == len(documents.invoice(acc, 3)["items"])  # not doubled


def test_a_killed_run_resumes_with_no_duplicate_and_no_lost_row(connection, invoices):
    connection.options = {"page_size": 7}
    connection.save()
    faults.inject(provider="omnicado", kind="status", status=500, skip=3, times=-1,
                  path_contains="/invoices")
    killed = run(connection)

    assert killed.status == "failed" and killed.error_kind == "transient"
    assert killed.pages == 3 and Invoice.objects.count() == 21

    faults.clear("omnicado")
    resumed = run(connection)
    assert resumed.status == "succeeded" and resumed.resumed
    assert resumed.pages == 6 and counts(resumed) == (SCALE - 21, 0, 0)
    stored = list(Invoice.objects.order_by("invoice_number").values_list("invoice_number",
                                                                         flat=True))
    assert stored == [d["invoiceNumber"] for d in invoices]
    assert InvoiceItem.objects.count() == sum(len(d["items"]) for d in invoices)
    state = SyncState.objects.get(connection=connection, stream="invoices")
    assert state.resume is None


def test_explicit_since_is_taken_as_given(connection, invoices):
    since = timezone.make_aware(timezone.datetime.fromisoformat(invoices[40]["createdAt"]))
    result = run(connection, since=since)
    assert counts(result) == (SCALE - 40, 0, 0)


def test_start_date_option_bounds_the_first_run(connection, invoices):
    connection.options = {"start_date": invoices[50]["createdAt"]}
    connection.save()
    assert counts(run(connection)) == (SCALE - 50, 0, 0)


def test_offsets_sync_with_their_invoices_and_orders(connection, account):
    run(connection)
    result = run(connection, "offsets")
    acc = provider_data(account)

    assert result.status == "succeeded", result.error_message
    assert counts(result) == (documents.offset_count(acc), 0, 0)
    first = documents.offset(acc, 0)
    offset = Offset.objects.get(document_number=first["documentNumber"])
    assert offset.diff_price == first["diffPrice"]
    assert offset.variable_symbol == first["variableSymbol"]
    assert list(offset.settled_invoices.values_list("invoice_number", flat=True)) == [
        x["id"] for x in first["invoices"]]
    assert offset.orders.count() == len(first["orders"])
    settled = set(OffsetInvoice.objects.values_list("invoice_number", flat=True))
    assert settled <= set(Invoice.objects.values_list("invoice_number", flat=True))


def test_a_changed_offset_is_rewritten_on_a_full_run(connection):
    run(connection, "offsets")
    make_account(options={"changed": {"offsets": {"2": 1}}})
    full = run(connection, "offsets", full=True)
    assert full.updated == 1 and full.created == 0


def test_a_bad_credential_fails_the_run_readably(connection):
    connection.credentials = {"client_id": "wrong"}
    connection.save()
    failed = run(connection)
    assert failed.status == "failed" and failed.error_kind == "configuration"
    assert "wrong" not in failed.error_message
