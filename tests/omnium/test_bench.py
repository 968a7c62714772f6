"""Scale measurements (make bench): a sync of ~1 000 000 emulator ledger lines with flat memory,
then the ledger lines explorer and the account summary at that size.

OMNIUM_BENCH_SCALE sets the size (default 1 000 000 lines over 120 days, ~300 stores)."""

import os
import statistics
import threading
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.core.models import SyncRun
from apps.core.sync import sync_run_now
from apps.omnium.models import LedgerLine, Posting
from tests.omnium.conftest import END, ensure_roles, make_account, make_connection

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("roles_after_flush")]
SCALE = int(os.environ.get("OMNIUM_BENCH_SCALE", "1000000"))
DAYS = 120


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class MemorySampler(threading.Thread):
    """RSS every half second, with the number of sync pages done at that moment."""

    def __init__(self, connection):
        super().__init__(daemon=True)
        self.connection, self.samples, self.stop = connection, [], threading.Event()

    def run(self):
        from django.db import connection as db

        while not self.stop.wait(0.5):
            self.samples.append((time.monotonic(), rss_mb()))
        db.close()


def timed(client, url, params, repeat):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(times), response


def test_sync_a_million_lines_then_explore_and_summarise(client, make_user):
    make_account(scale=SCALE, days=DAYS, seed=2026)
    connection = make_connection("omnium-bench", backfill_days=DAYS + 10)
    sampler = MemorySampler(connection)
    baseline = rss_mb()
    started = time.monotonic()
    sampler.start()
    run = sync_run_now(connection=connection, stream="postings")
    sampler.stop.set()
    elapsed = time.monotonic() - started
    assert run.status == SyncRun.Status.SUCCEEDED, run.error_message
    lines, postings = LedgerLine.objects.count(), Posting.objects.count()
    rss = [mb for _, mb in sampler.samples] or [rss_mb()]
    quarters = [rss[min(len(rss) - 1, len(rss) * q // 4)] for q in (1, 2, 3, 4)]
    print(f"\nOMNIUM BENCH sync: {lines:,} lines + {postings:,} postings in {elapsed:.0f}s "
          f"({lines / elapsed:,.0f} lines/s), {run.pages:,} pages, fetch {run.fetch_seconds:.0f}s "
          f"write {run.write_seconds:.0f}s")
    print(f"OMNIUM BENCH memory: RSS before {baseline:.0f} MB, at 25/50/75/100% of the run "
          + " / ".join(f"{mb:.0f}" for mb in quarters) + f" MB, peak {max(rss):.0f} MB")
    assert lines > SCALE * 0.8
    assert max(rss) - quarters[0] < 150, "memory keeps growing with the number of lines"

    ensure_roles()
    client.force_login(make_user("viewer"))
    day_to = END - timedelta(days=3)
    explorer, response = timed(client, reverse("omnium:ledger_lines"), {
        "account": "3000", "date_from": (day_to - timedelta(days=30)).isoformat(),
        "date_to": day_to.isoformat(), "sort": "-debit"}, repeat=5)
    rows = response.context["page"].paginator.count
    month = END.replace(day=1) - timedelta(days=1)
    summary, response = timed(client, reverse("omnium:account_summary"), {
        "date_from": month.replace(day=1).isoformat(), "date_to": month.isoformat()}, repeat=3)
    counted = sum(len(b.accounts) for b in response.context["blocks"])
    print(f"OMNIUM BENCH explorer (account 3000, 31 days, sort -debit, {rows:,} matching rows): "
          f"{explorer * 1000:.0f} ms median of 5, server side (Django test client, in process)")
    print(f"OMNIUM BENCH account summary {month:%Y-%m} ({counted} account rows): "
          f"{summary * 1000:.0f} ms median of 3")
    assert explorer < 0.2
    assert summary < 1.0
