"""Real processes: a sync killed half-way, and two syncs of one stream started at once."""

import multiprocessing
import os
import re
import signal
import time

import pytest
from django.db import connections

from apps.core.connections import connection_add
from apps.core.models import Connection, SyncRun
from apps.core.sync import SyncAlreadyRunning, sync_run_now
from apps.sandbox import faults
from apps.sandbox.accounts import account_create
from tests.kernelapp.models import Item
from tests.kernelapp.provider import BASE_URL

pytestmark = pytest.mark.django_db(transaction=True)
fork = multiprocessing.get_context("fork")


@pytest.fixture
def kernel_connection():
    account_create(provider="kernel", key="proc-key-123", seed=3, scale=35)
    return connection_add(provider="kernel", name="kernel-proc", base_url=BASE_URL,
                          credentials={"api_key": "proc-key-123"})


def _sync_in_child(connection_id, outcomes=None):
    connections.close_all()  # never share the parent's database socket
    connection = Connection.objects.get(pk=connection_id)
    try:
        run = sync_run_now(connection=connection, stream="items")
        result = f"ran:{run.status}"
    except SyncAlreadyRunning as exc:
        result = f"refused:{exc}"
    if outcomes is not None:
        outcomes.put(result)


def _wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_sync_killed_half_way_is_resumed_with_nothing_lost_or_duplicated(kernel_connection):
    # Pages 1 and 2 answer at once; page 3 hangs, and the process is killed while it waits.
    faults.inject(provider="kernel", kind="slow", delay=60, skip=2, times=1)
    connections.close_all()
    child = fork.Process(target=_sync_in_child, args=(kernel_connection.pk,))
    child.start()
    assert _wait_for(lambda: SyncRun.objects.filter(pages=2).exists())
    os.kill(child.pid, signal.SIGKILL)
    child.join()

    killed = SyncRun.objects.get()
    assert killed.status == SyncRun.Status.RUNNING  # it died without a word
    assert Item.objects.count() == 20

    resumed = sync_run_now(connection=kernel_connection, stream="items")

    killed.refresh_from_db()
    assert killed.status == SyncRun.Status.STALE
    assert resumed.status == SyncRun.Status.SUCCEEDED and resumed.resumed
    assert (resumed.pages, resumed.created) == (2, 15)
    ids = list(Item.objects.values_list("external_id", flat=True))
    assert len(ids) == len(set(ids)) == 35
    assert sorted(ids) == [5_000_000_000 + i for i in range(35)]


def test_two_syncs_of_one_stream_started_at_once_run_once(kernel_connection):
    faults.inject(provider="kernel", kind="slow", delay=1, times=1)
    connections.close_all()
    outcomes = fork.Queue()
    children = [fork.Process(target=_sync_in_child, args=(kernel_connection.pk, outcomes))
                for _ in range(2)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=60)
    results = sorted(outcomes.get(timeout=5) for _ in children)

    assert results[0] == "ran:succeeded"
    assert re.match(r"refused:A sync of kernel-proc/items is already (queued|running) \(run #\d+", results[1])
    assert SyncRun.objects.count() == 1
    assert Item.objects.count() == 35
