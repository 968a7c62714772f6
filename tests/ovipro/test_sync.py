
from django.core.management import call_command
from django.utils import timezone

from apps.core.models import SyncRun
from apps.core.sync import sync_run_now
from apps.ovipro.models import Invoice, InvoiceCost, PaymentAccount, StatusChange
from apps.sandbox.ovipro.models import EmuInvoice
from tests.ovipro.conftest import SCALE, create_body, seeded_in, seeded_records


def run(connection, **kwargs):
    result = sync_run_now(connection=connection, stream="invoices", **kwargs)
    assert result.status == SyncRun.Status.SUCCEEDED, result.error_message
    return result


def test_first_sync_stores_every_invoice_with_children(connection):
    result = run(connection)
    assert (result.created, result.updated) == (SCALE, 0)
    assert Invoice.objects.count() == SCALE
    records = {r["id"]: r for r in seeded_records()}
    for invoice in Invoice.objects.prefetch_related("costs", "parties"):
        record = records[invoice.invoice_id]
        assert (invoice.status, invoice.is_paid, invoice.invoice_type) == (
            record["status"], record["paid"], record["type"])
        assert [c.amount for c in invoice.costs.all()] == [c["amount"] for c in record["body"]["costs"]]
        assert invoice.total_vat_included is not None
        assert invoice.primary_party_id == record["body"]["invoicedParties"]["primaryId"]
    assert InvoiceCost.objects.count() == sum(len(r["body"]["costs"]) for r in records.values())
    assert PaymentAccount.objects.count() == SCALE
    for note in Invoice.objects.filter(invoice_type="CREDIT_NOTE"):
        assert Invoice.objects.get(invoice_id=note.credited_invoice_id).status == "CREDITED"
    assert StatusChange.objects.count() == SCALE  # first sight of each


def test_second_sync_only_reads_what_changed(connection, ovipro, monkeypatch):
    run(connection)
    ovipro.action(seeded_in("DRAFT"), "LOCK")
    gets = []
    original = type(ovipro).get
    monkeypatch.setattr(type(ovipro), "get", lambda self, i: gets.append(i) or original(self, i))
    result = run(connection)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert gets == [seeded_in("DRAFT")]
    locked = Invoice.objects.get(invoice_id=seeded_in("DRAFT"))
    assert locked.status == "READY_FOR_APPROVAL"
    assert list(locked.status_changes.values_list("from_status", "to_status")) == [
        ("", "DRAFT"), ("DRAFT", "READY_FOR_APPROVAL")]


def test_full_sync_rewrites_nothing_unchanged(connection):
    run(connection)
    again = run(connection, full=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, SCALE)


def test_paging_survives_invoices_modified_while_reading(connection, ovipro, monkeypatch, office_id,
                                                         party_id):
    """An invoice edited between two pages moves to the end; nothing is skipped."""
    monkeypatch.setattr("apps.ovipro.sync.PAGE_SIZE", 4)
    for _ in range(6):
        ovipro.create(create_body(office_id, party_id))
    first = EmuInvoice.objects.order_by("modification_time").first()
    pages = []
    original = type(ovipro).search

    def search(self, **params):
        result = original(self, **params)
        pages.append(params)
        if len(pages) == 1:  # touch the first invoice after the first page was read
            EmuInvoice.objects.filter(pk=first.pk).update(modification_time=timezone.now())
        return result

    monkeypatch.setattr(type(ovipro), "search", search)
    run(connection)
    assert Invoice.objects.count() == SCALE + 6
    assert len(pages) > 4


def test_a_deleted_draft_is_marked_after_a_full_sweep(connection, ovipro):
    run(connection)
    ovipro.delete(seeded_in("DRAFT"))
    run(connection)  # incremental: a deletion leaves no trace in modifiedAfter
    assert not Invoice.objects.get(invoice_id=seeded_in("DRAFT")).removed_at_provider
    run(connection, full=True)
    assert Invoice.objects.get(invoice_id=seeded_in("DRAFT")).removed_at_provider
    assert Invoice.objects.filter(removed_at_provider=True).count() == 1


def test_a_failed_page_resumes(connection, monkeypatch):
    from apps.sandbox import faults

    monkeypatch.setattr("apps.ovipro.sync.PAGE_SIZE", 5)
    faults.inject(provider="ovipro", kind="status", status=400, path_contains="/invoices",
                  method="GET", skip=12)
    failed = sync_run_now(connection=connection, stream="invoices")
    assert failed.status == SyncRun.Status.FAILED and failed.pages >= 1
    resumed = run(connection)
    assert resumed.resumed and Invoice.objects.count() == SCALE


def test_sync_and_export_commands(connection, capsys):
    call_command("sync", connection.name)
    out = capsys.readouterr().out
    assert f"{connection.name}/invoices: succeeded" in out and f"{SCALE} new" in out
    call_command("export", "ovipro.invoices", "--connection", connection.name, "--format", "csv",
                 "--filter", "status=APPROVED")
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("invoice_number,status")
    approved = sum(1 for r in seeded_records() if r["status"] == "APPROVED")
    assert len(lines) == 1 + approved
    assert all(",APPROVED," in line for line in lines[1:])


def test_export_values_are_euros_not_cents(connection, capsys):
    run(connection)
    call_command("export", "ovipro.invoices", "--connection", connection.name, "--format", "json")
    import json

    rows = json.loads(capsys.readouterr().out)
    from apps.core.money import from_minor

    for row in rows:
        invoice = Invoice.objects.get(invoice_id=row["invoice_id"])
        assert row["total_vat_included"] == str(from_minor(invoice.total_vat_included, "EUR"))


def test_demo_is_idempotent_and_has_every_status(db):
    from apps.core import registry

    spec = registry.get("ovipro")
    connection = spec.demo()
    assert spec.demo().pk == connection.pk
    run(connection)
    seen = set(Invoice.objects.values_list("status", "invoice_type", "is_paid"))
    assert {("DRAFT", "INVOICE", False), ("READY_FOR_APPROVAL", "INVOICE", False),
            ("APPROVED", "INVOICE", False), ("APPROVED", "INVOICE", True),
            ("REJECTED", "INVOICE", False), ("CREDITED", "INVOICE", False),
            ("DRAFT", "CREDIT_NOTE", False)} <= seen
    with spec.client_class(connection) as client:
        assert "invoices" in spec.test_connection(client)
