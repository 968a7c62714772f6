"""The Omnium sync: every posting and line once, window splitting at the 10 000 limit,
corrections that supersede, a killed run resumed."""

from collections import Counter

from apps.core.models import SyncRun, SyncState
from apps.core.sync import sync_run_now
from apps.omnium import client as api
from apps.omnium import selectors, services, sync
from apps.omnium.models import LedgerLine, Posting
from apps.sandbox import faults
from apps.sandbox.omnium import generator, search
from tests.omnium.conftest import END, emulator_postings, make_account, make_connection

COUNTED = {"Posted", "Exported", "Reconciled"}


def run(connection, **kwargs):
    result = sync_run_now(connection=connection, stream="postings", **kwargs)
    assert result.status == SyncRun.Status.SUCCEEDED, result.error_message
    return result


def expected_lines(account):
    return {generator.line_id(p, line) for p in emulator_postings(account) for line in p.lines}


def assert_same_as_emulator(account):
    postings = emulator_postings(account)
    assert set(Posting.objects.values_list("provider_id", flat=True)) == {p.id for p in postings}
    assert Posting.objects.count() == len(postings)
    assert set(LedgerLine.objects.values_list("provider_id", flat=True)) == expected_lines(account)
    assert LedgerLine.objects.count() == len(expected_lines(account))


def test_a_full_run_stores_every_posting_and_line_once(omnium_connection, omnium_account):
    result = run(omnium_connection)
    assert_same_as_emulator(omnium_account)
    assert result.created == Posting.objects.count() + LedgerLine.objects.count()
    posting = Posting.objects.exclude(line_count=0).first()
    assert posting.lines_synced == posting.line_count and posting.lines_match_header
    line = LedgerLine.objects.exclude(dimensions={}).first()
    assert line.dimensions["Avdeling"] == line.store_id and line.raw["id"] == line.provider_id


def test_only_current_postings_count_one_per_event(omnium_connection, omnium_account):
    run(omnium_connection)
    counted = Posting.objects.filter(in_totals=True)
    assert not counted.filter(status="Superseded").exists()
    assert max(Counter(counted.values_list("source_key", flat=True)).values()) == 1
    expected = {p.id for p in emulator_postings(omnium_account) if p.status in COUNTED}
    assert set(counted.values_list("provider_id", flat=True)) == expected
    assert not LedgerLine.objects.filter(in_totals=True, posting__in_totals=False).exists()
    assert not LedgerLine.objects.filter(in_totals=False, posting__in_totals=True).exists()


def test_an_incremental_run_reads_postings_again_but_no_lines(omnium_connection, monkeypatch):
    run(omnium_connection)
    line_calls = []
    for name in ("search_lines", "posting_lines"):
        original = getattr(api.OmniumClient, name)
        monkeypatch.setattr(api.OmniumClient, name,
                            lambda self, *a, _o=original, **k: line_calls.append(1) or _o(self, *a, **k))
    again = run(omnium_connection)
    assert again.window_start is not None and not again.resumed
    assert (again.created, again.updated) == (0, 0) and again.unchanged == Posting.objects.count()
    assert line_calls == []


def test_a_correction_supersedes_the_old_posting_and_totals_count_it_once(
        omnium_connection, omnium_account):
    run(omnium_connection)
    old = next(p for p in emulator_postings(omnium_account)
               if p.source == "PosZReport" and p.status in COUNTED and p.lines
               and (END - p.day).days < 10)
    before = _account_total(old.currency)
    corrected_account = make_account(corrections={old.z_report_id: 1})  # Omnium rebuilds it

    run(omnium_connection)

    stored_old = Posting.objects.get(provider_id=old.id)
    new = Posting.objects.get(supersedes_posting_id=old.id)
    assert stored_old.status == "Superseded" and not stored_old.in_totals
    assert stored_old.superseded_by == new.provider_id and new.in_totals
    assert not LedgerLine.objects.filter(posting=stored_old, in_totals=True).exists()
    assert LedgerLine.objects.filter(posting=new).count() == new.line_count
    corrected = next(p for p in emulator_postings(corrected_account) if p.id == new.provider_id)
    assert _account_total(old.currency) == before - old.total_debit + corrected.total_debit


def _account_total(currency):
    first, last = selectors.ledger_bounds()
    blocks = selectors.account_summary(first=first, last=last, currency=currency)
    return blocks[0].debit


def test_a_posting_still_called_current_is_excluded_when_a_newer_one_replaces_it(
        omnium_connection):
    """Omnium's Superseded status of the old posting may arrive later than the new posting."""
    run(omnium_connection)
    old = Posting.objects.filter(in_totals=True, source="PosZReport").first()
    newer = Posting.objects.get(pk=old.pk)
    newer.pk, newer.provider_id = None, old.provider_id + "-x"
    newer.supersedes_posting_id = old.provider_id
    newer.save()

    services.postings_reconcile_current(connection=omnium_connection, source_keys={old.source_key})

    old.refresh_from_db()
    newer.refresh_from_db()
    assert newer.in_totals and not old.in_totals
    assert old.superseded_by == newer.provider_id and old.superseded_pending
    assert not LedgerLine.objects.filter(posting=old, in_totals=True).exists()
    assert selectors.check_queryset("superseded_pending").filter(pk=old.pk).exists()


def test_a_killed_run_resumes_with_no_duplicate_and_no_lost_row(omnium_connection,
                                                                omnium_account):
    faults.inject(provider="omnium", kind="status", status=400, path_contains="/Search", skip=3)
    killed = sync_run_now(connection=omnium_connection, stream="postings")
    assert killed.status == SyncRun.Status.FAILED and killed.pages >= 3
    partial_postings, partial_lines = Posting.objects.count(), LedgerLine.objects.count()
    assert 0 < partial_postings + partial_lines < len(expected_lines(omnium_account))
    assert SyncState.objects.get(connection=omnium_connection).resume["position"]["stack"]

    resumed = run(omnium_connection)

    assert resumed.resumed
    assert_same_as_emulator(omnium_account)
    assert resumed.created == (Posting.objects.count() + LedgerLine.objects.count()
                               - partial_postings - partial_lines)


def test_a_window_over_the_limit_is_split_by_date_then_source_then_category(db, monkeypatch):
    """The same splitting as at 10 000, with the limit lowered on both sides to keep it quick."""
    omnium_account = make_account(scale=700, days=8)
    omnium_connection = make_connection("omnium-split")
    for name, value in (("MAX_WINDOW", 60), ("POSTINGS_TAKE", 20), ("LINES_TAKE", 30)):
        monkeypatch.setattr(api, name, value)
    monkeypatch.setattr(search, "MAX_WINDOW", 60)
    monkeypatch.setattr(sync, "BY_POSTING_LIMIT", 0)  # always search lines, never one by one
    searches = []
    original = api.OmniumClient._search

    def spy(self, path, page, take, criteria):
        total, items = original(self, path, page, take, criteria)
        searches.append({"path": path, "page": page, "total": total, **criteria})
        return total, items

    monkeypatch.setattr(api.OmniumClient, "_search", spy)
    run(omnium_connection)

    assert_same_as_emulator(omnium_account)
    first = searches[0]
    assert first["total"] > 60
    postings = [s for s in searches if s["path"] == "/Postings/Search"]
    lines = [s for s in searches if s["path"] == "/LedgerLines/Search"]
    assert any(s["posting_date_to"] - s["posting_date_from"] < first["posting_date_to"]
               - first["posting_date_from"] for s in postings)
    assert any(s["source"] for s in lines) and any(s["category"] for s in lines)
    assert all(s["total"] <= 60 for s in searches if s["page"] > 1)


def test_split_at_the_real_10000_limit(db):
    """One day with more than 10 000 ledger lines: the line search is split (by source,
    then category) and nothing is lost."""
    account = make_account(scale=12_500, days=1, seed=5)
    params = generator.params_for(account)
    lines_that_day = sum(len(p.lines) for p in generator.day_postings(params, END) if p.visible)
    assert lines_that_day > 10_000
    from apps.core.connections import connection_add
    from tests.omnium.conftest import BASE_URL, CLIENT_ID, CLIENT_SECRET

    connection = connection_add(provider="omnium", name="omnium-big", base_url=BASE_URL,
                                credentials={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
                                options={"backfill_days": 5})
    result = run(connection)
    assert LedgerLine.objects.count() == lines_that_day
    assert result.pages < 60  # whole searches (~30 pages of 1 000 lines or 100 postings + splits),
    # not ~1 500 requests posting by posting

