"""Scale measurements (make bench): the invoice list on 100k rows, and sync throughput."""

import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.core.sync import sync_run_now
from apps.ovipro.models import Invoice
from apps.sandbox.accounts import account_create

pytestmark = pytest.mark.slow
ROWS = 100_000
STATUSES = ["DRAFT", "READY_FOR_APPROVAL", "APPROVED", "REJECTED", "CREDITED"]


def _fill(connection):
    now = timezone.now()
    batch = []
    for i in range(ROWS):
        batch.append(Invoice(
            connection=connection, invoice_id=f"{i:08d}-0000-4000-8000-000000000000",
            status=STATUSES[i % 5], invoice_type="INVOICE" if i % 9 else "CREDIT_NOTE",
            reason="ASSIGNMENT", agency_office_id=f"office-{i % 40}",
            responsible_agent_id=f"agent-{i % 200}", invoice_number=f"2025{i:07d}",
            is_paid=bool(i % 2), issue_date=date(2024, 1, 1) + timedelta(days=i % 700),
            due_date=date(2024, 1, 15) + timedelta(days=i % 700),
            total_vat_included=1000 + i * 7, total_vat_excluded=800 + i * 5,
            billing_recipient=f"Asiakas {i}", content_hash="x", synced_at=now,
            modification_time=now))
        if len(batch) == 5000:
            Invoice.objects.bulk_create(batch)
            batch = []


def test_list_on_100k_invoices(client_as, connection):
    started = time.monotonic()
    _fill(connection)
    print(f"\nfilled {ROWS} invoices in {time.monotonic() - started:.1f}s")
    web = client_as("viewer")
    for query in ["", "status=APPROVED", "sort=-total_vat_included", "sort=due_date&paid=false",
                  "office=office-7&status=DRAFT", "party=Asiakas 99999", "page=1500"]:
        times = []
        for _ in range(3):
            t = time.monotonic()
            reply = web.get(f"/ovipro/invoices/?{query}", HTTP_HX_REQUEST="true")
            times.append(time.monotonic() - t)
            assert reply.status_code == 200
        print(f"  list ?{query:35} best {min(times) * 1000:7.0f} ms")
    t = time.monotonic()
    reply = web.get("/ovipro/invoices/?status=APPROVED&export=csv")
    lines = sum(chunk.count(b"\n") for chunk in reply.streaming_content)
    print(f"  CSV export of {lines - 1} rows in {time.monotonic() - t:.1f}s")
    assert lines - 1 == ROWS // 5


def test_sync_throughput(connection):
    account_create(provider="ovipro", key="bench-user", seed=9, scale=2000,
                   options={"password": "pw"})
    connection.credentials = {"username": "bench-user", "password": "pw"}
    connection.save()
    started = time.monotonic()
    run = sync_run_now(connection=connection, stream="invoices")
    elapsed = time.monotonic() - started
    print(f"\nsync of {run.rows} invoices (with emulator seeding): {elapsed:.1f}s, "
          f"fetch {run.fetch_seconds:.1f}s, write {run.write_seconds:.1f}s, {run.pages} pages")
    again = sync_run_now(connection=connection, stream="invoices", full=True)
    print(f"full re-sync, nothing changed: {again.elapsed.total_seconds():.1f}s "
          f"({again.unchanged} unchanged)")
    assert run.created == 2000 and again.unchanged == 2000
