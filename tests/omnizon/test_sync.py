from datetime import timedelta

from django.utils import timezone

from apps.core.models import AuditEvent, SyncRun, SyncState
from apps.core.sync import sync_run_now
from apps.omnizon.models import ArchiveUsage, Document, DocumentFile, UsageMonth
from apps.sandbox import faults
from apps.sandbox.accounts import account_create
from apps.sandbox.omnizon.models import Document as Remote
from tests.omnizon.conftest import API_KEY, make_connection, remote_docs


def within_window(account):
    """What the inbox shows: received documents modified in the last 60 days."""
    return remote_docs(account, direction="in",
                       modified__gte=timezone.now() - timedelta(days=60) + timedelta(hours=1))


def run(connection, stream="inbox", **kwargs):
    return sync_run_now(connection=connection, stream=stream, **kwargs)


def test_inbox_discovers_downloads_stores_then_acknowledges_each_once(connection, account):
    expected = within_window(account)
    result = run(connection)

    assert result.status == SyncRun.Status.SUCCEEDED, result.error_message
    docs = Document.objects.filter(connection=connection, direction="in")
    assert set(docs.values_list("document_id", flat=True)) == set(
        expected.values_list("document_id", flat=True))
    assert result.created == expected.count()
    assert set(docs.values_list("state", flat=True)) == {Document.State.ACKNOWLEDGED}
    assert DocumentFile.objects.filter(document__in=docs, kind="xml").count() == docs.count()
    assert DocumentFile.objects.filter(document__in=docs, kind="pdf").count() == \
        expected.filter(has_pdf=True).count()
    for remote in expected:
        assert (remote.fetch_count, remote.ack_count, remote.fetched_by) == (1, 1, "Ledgerdesk")
        assert remote.ack_reason == "Stored by Ledgerdesk"
    doc = docs.first()
    assert doc.lines.exists() and doc.vat.exists() and doc.issue_date and doc.tax_amount is not None
    assert doc.external_status == "ACKNOWLEDGED" and doc.fiscalization["successful"]
    assert list(doc.events.values_list("kind", flat=True)) == ["discovered", "status", "stored",
                                                              "acknowledged"]
    assert AuditEvent.objects.filter(action="omnizon.document.acknowledge",
                                     outcome="ok").count() == expected.count()


def test_the_first_run_reaches_back_60_days_and_no_further(connection, account):
    older = remote_docs(account, direction="in",
                        modified__lt=timezone.now() - timedelta(days=60))
    assert older.exists()
    result = run(connection)
    assert result.window_start is None  # a full run: the stream clamps it to the inbox limit
    assert not Document.objects.filter(document_id__in=older.values("document_id")).exists()
    assert not older.filter(fetch_count__gt=0).exists()


def test_an_incremental_run_after_a_long_outage_stays_inside_60_days(connection, account):
    run(connection)
    SyncState.objects.filter(connection=connection, stream="inbox").update(
        cursor=(timezone.now() - timedelta(days=90)).isoformat(), last_full_at=timezone.now())
    again = run(connection)
    assert again.status == SyncRun.Status.SUCCEEDED, again.error_message
    assert again.window_start < timezone.now() - timedelta(days=89)


def test_a_second_run_downloads_and_acknowledges_nothing_again(connection, account):
    first = run(connection)
    echo = run(connection, full=True)  # our own acks changed `modified` at Omnizon
    assert (echo.created, echo.updated) == (0, first.created)
    again = run(connection, full=True)
    assert again.status == SyncRun.Status.SUCCEEDED
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert not remote_docs(account).filter(fetch_count__gt=1).exists()
    assert not remote_docs(account).filter(ack_count__gt=1).exists()


def test_failure_between_store_and_ack_loses_nothing_and_acks_nothing_twice(connection, account):
    faults.inject(provider="omnizon", status=500, path_contains="/documents/ack", times=1)
    failed = run(connection)

    assert failed.status == SyncRun.Status.FAILED
    assert "the next run acknowledges them" in failed.error_message
    docs = Document.objects.filter(connection=connection, direction="in")
    assert set(docs.values_list("state", flat=True)) == {Document.State.STORED}
    assert not remote_docs(account).filter(ack_count__gt=0).exists()
    assert docs.filter(ack_uncertain=True).count() == 1

    resumed = run(connection)
    assert resumed.status == SyncRun.Status.SUCCEEDED and resumed.resumed
    assert set(docs.values_list("state", flat=True)) == {Document.State.ACKNOWLEDGED}
    expected = within_window(account)
    assert list(expected.values_list("fetch_count", "ack_count").distinct()) == [(1, 1)]


def test_an_ack_whose_answer_was_lost_is_checked_not_repeated(connection, account):
    faults.inject(provider="omnizon", kind="drop", path_contains="/documents/ack", times=1)
    assert run(connection).status == SyncRun.Status.FAILED
    assert remote_docs(account, ack_count=1).count() == 1  # Omnizon did acknowledge it

    assert run(connection).status == SyncRun.Status.SUCCEEDED
    assert not remote_docs(account).filter(ack_count__gt=1).exists()
    assert within_window(account).filter(ack_count=1).count() == within_window(account).count()
    checked = Document.objects.get(document_id=remote_docs(account, ack_count=1)
                                   .order_by("acknowledged_at").first().document_id)
    assert "earlier attempt had reached Omnizon" in checked.events.last().message


def test_a_failed_download_is_recorded_never_acknowledged_and_retried(connection, account):
    faults.inject(provider="omnizon", status=404, path_contains="/documents/get", method="POST",
                  times=1, skip=0)
    result = run(connection)
    assert result.status == SyncRun.Status.SUCCEEDED
    failed = Document.objects.get(state=Document.State.FAILED)
    assert "Download failed" in failed.error and failed.acknowledged_at is None
    assert remote_docs(account, document_id=failed.document_id).get().ack_count == 0

    run(connection)
    failed.refresh_from_db()
    assert failed.state == Document.State.ACKNOWLEDGED and failed.error == ""


def test_an_unreachable_provider_stops_the_run_and_the_next_one_resumes(connection, account):
    faults.inject(provider="omnizon", status=503, path_contains="/documents/getPdf", times=-1)
    failed = run(connection)
    assert failed.status == SyncRun.Status.FAILED and failed.error_kind == "transient"
    assert not Document.objects.exclude(state=Document.State.DISCOVERED).exists()
    assert not remote_docs(account).filter(ack_count__gt=0).exists()
    faults.clear("omnizon")
    assert run(connection).status == SyncRun.Status.SUCCEEDED
    assert not Document.objects.exclude(state=Document.State.ACKNOWLEDGED).exists()


def test_hostile_xml_is_a_document_error_stored_and_left_unacknowledged(db):
    account = account_create(provider="omnizon", key=API_KEY, seed=11, scale=15,
                             options={"companies": 2, "broken": {"0": "xxe", "2": "billion_laughs",
                                                                 "4": "not_ubl", "6": "malformed"}})
    connection = make_connection(account)
    for stream in ("inbox", "outbox"):
        assert run(connection, stream).status == SyncRun.Status.SUCCEEDED
    broken = Document.objects.exclude(error="")
    assert broken.count() == 4
    assert {d.state for d in broken} <= {Document.State.STORED}
    assert all("could not be read" in d.error for d in broken)
    assert not remote_docs(account).exclude(broken="").filter(ack_count__gt=0).exists()
    assert not broken.filter(lines__isnull=False).exists()


def test_a_document_changed_at_omnizon_is_read_again(connection, account):
    run(connection)
    run(connection)  # absorbs the echo of our own acknowledgements
    remote = within_window(account).first()
    Remote.objects.filter(pk=remote.pk).update(internal_status="FAILED", modified=timezone.now())
    again = run(connection)
    assert again.updated == 1
    doc = Document.objects.get(document_id=remote.document_id)
    assert doc.internal_status == "FAILED" and doc.events.filter(kind="status").count() == 2
    assert remote_docs(account, pk=remote.pk).get().fetch_count == 1


def test_auto_ack_can_be_limited_to_some_companies(account, vats):
    connection = make_connection(account, auto_ack=[f"HR{vats[0]}"])
    run(connection)
    assert not Document.objects.filter(company_vat=vats[1]).exclude(
        state=Document.State.STORED).exists()
    assert not Document.objects.filter(company_vat=vats[0]).exclude(
        state=Document.State.ACKNOWLEDGED).exists()


def test_outbox_stores_sent_documents_with_statuses_and_never_acks(connection, account):
    result = run(connection, "outbox")
    assert result.status == SyncRun.Status.SUCCEEDED
    remote = remote_docs(account, direction="out")
    docs = Document.objects.filter(direction="out")
    assert docs.count() == remote.count() == result.created
    for doc in docs:
        assert doc.state == Document.State.STORED and doc.lines.exists()
        r = remote.get(document_id=doc.document_id)
        assert (doc.internal_status, doc.external_status) == (r.internal_status, r.external_status)
    failed = docs.filter(internal_status="FAILED").first()
    if failed:
        assert "[BR-CO-15]" in failed.status_details[0]["errorMessage"]
    assert not remote.filter(ack_count__gt=0).exists()


def test_usage_stream_keeps_twelve_months_and_archive_bytes(connection, account, vats):
    result = run(connection, "usage")
    assert result.status == SyncRun.Status.SUCCEEDED, result.error_message
    assert UsageMonth.objects.filter(company_vat=vats[0]).count() == 12
    total = sum(UsageMonth.objects.filter(company_vat=vats[0]).values_list("documents_total",
                                                                            flat=True))
    recent = remote_docs(account, company__vat_number=vats[0],
                         created__date__gte=UsageMonth.objects.order_by("month").first().month)
    assert total == recent.count()
    assert ArchiveUsage.objects.get(company_vat=vats[0]).archive_bytes == 0


def test_a_connection_without_companies_fails_with_a_clear_message(account):
    connection = make_connection(account, companies=[])
    result = run(connection)
    assert result.status == SyncRun.Status.FAILED and result.error_kind == "configuration"
    assert "lists no companies" in result.error_message
