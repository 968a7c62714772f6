from datetime import timedelta

import pytest

from apps.core.connections import connection_add
from apps.core.models import SyncRun, SyncState
from apps.core.sync import SyncAlreadyRunning, sync_claim, sync_run_now
from apps.sandbox import faults
from apps.sandbox.accounts import account_create
from tests.kernelapp.models import Item
from tests.kernelapp.provider import BASE_URL


@pytest.fixture
def kernel_connection(db):
    account_create(provider="kernel", key="key-secret-123", seed=7, scale=35)
    return connection_add(provider="kernel", name="kernel-test", base_url=BASE_URL,
                          credentials={"api_key": "key-secret-123"})


def test_first_run_fetches_every_page_and_stores_every_row(kernel_connection):
    run = sync_run_now(connection=kernel_connection, stream="items")

    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    assert (run.pages, run.created, run.updated, run.unchanged) == (4, 35, 0, 0)
    assert Item.objects.count() == 35
    assert Item.objects.order_by("external_id").first().external_id == 5_000_000_000
    state = SyncState.objects.get(connection=kernel_connection, stream="items")
    assert state.resume is None and state.cursor == run.window_end.isoformat()


def test_second_run_is_incremental_and_rewrites_nothing_unchanged(kernel_connection):
    sync_run_now(connection=kernel_connection, stream="items")
    again = sync_run_now(connection=kernel_connection, stream="items", full=True)

    assert again.status == SyncRun.Status.SUCCEEDED
    assert (again.created, again.updated, again.unchanged) == (0, 0, 35)


def test_changed_record_is_updated_not_duplicated(kernel_connection):
    sync_run_now(connection=kernel_connection, stream="items")
    account_create(provider="kernel", key="key-secret-123", seed=7, scale=35,
                   options={"versions": {"3": 1}})
    run = sync_run_now(connection=kernel_connection, stream="items", full=True)

    assert (run.created, run.updated, run.unchanged) == (0, 1, 34)
    assert Item.objects.count() == 35


def test_failed_page_leaves_a_failed_run_and_the_next_run_resumes(kernel_connection):
    faults.inject(provider="kernel", kind="status", status=400, skip=2, times=1)
    failed = sync_run_now(connection=kernel_connection, stream="items")

    assert failed.status == SyncRun.Status.FAILED
    assert failed.error_kind == "provider" and failed.pages == 2
    assert Item.objects.count() == 20

    resumed = sync_run_now(connection=kernel_connection, stream="items")
    assert resumed.status == SyncRun.Status.SUCCEEDED and resumed.resumed
    assert resumed.pages == 2 and resumed.created == 15
    assert Item.objects.count() == 35


def test_a_second_claim_of_a_busy_stream_is_refused(kernel_connection):
    first = sync_claim(connection=kernel_connection, stream="items")
    with pytest.raises(SyncAlreadyRunning) as refused:
        sync_claim(connection=kernel_connection, stream="items")
    assert refused.value.run == first
    assert "already queued" in str(refused.value)


def test_a_run_without_a_heartbeat_for_too_long_is_stale_and_frees_the_stream(
        kernel_connection, settings):
    first = sync_claim(connection=kernel_connection, stream="items")
    SyncRun.objects.filter(pk=first.pk).update(
        created_at=first.created_at - timedelta(seconds=settings.SYNC_STALE_AFTER_SECONDS + 5))
    second = sync_claim(connection=kernel_connection, stream="items")

    first.refresh_from_db()
    assert first.status == SyncRun.Status.STALE
    assert second.pk != first.pk


def test_a_duplicated_task_delivery_does_not_run_the_sync_twice(kernel_connection):
    from apps.core.tasks import run_queued_sync

    run = sync_claim(connection=kernel_connection, stream="items")
    assert run_queued_sync(run.pk) == "succeeded"
    assert run_queued_sync(run.pk) == "succeeded"  # the same finished run, untouched
    run.refresh_from_db()
    assert run.pages == 4 and Item.objects.count() == 35


def test_scheduled_sync_runs_every_stream_and_skips_a_busy_one(kernel_connection):
    from apps.core.tasks import scheduled_sync

    assert scheduled_sync(kernel_connection.pk) == "items:succeeded"
    sync_claim(connection=kernel_connection, stream="items")
    assert scheduled_sync(kernel_connection.pk) == "items:busy"
