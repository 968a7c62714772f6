"""The Omnium sync: postings and their ledger lines, window by window.

Omnium has no "modified since" and no scroll: a search reaches at most 10 000 results
(Take × Page ≤ 10 000), and corrections arrive as new postings on the original accounting day.
So a run walks posting-date windows, depth first:

- `postings`: search the window (superseded included). More than 10 000 hits: split the window
  (halve the dates; a single day by source) and walk the halves instead.
- `lines`: which of the window's postings still lack lines here? None: done. A few: fetch each
  posting's lines. Many: search the window's ledger lines, split the same way when over the
  limit (a day by source, then by store and register, known from the postings just stored),
  then fetch any posting the search did not complete.

The position (a small stack of windows plus a page number) is checkpointed after every page, so
a killed run resumes where it stopped. Incremental runs re-scan `lookback` days, which is where
corrections land.
"""

import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from apps.core.http import NotFoundError, ProviderError
from apps.core.sync import Page, Stream
from apps.omnium import client as api
from apps.omnium import selectors, services
from apps.omnium.models import CATEGORIES, PostingSource, PostingStatus

BY_POSTING_LIMIT = 10   # up to this many postings short of lines: fetch them one by one
VERIFY_LIMIT = 500      # postings fetched one by one after a window's line search
MAX_RESTARTS = 3        # a window whose totalHits keeps moving while we page it
DEFAULT_BACKFILL_DAYS = 730


@dataclass
class LedgerPage(Page):
    kind: str = "postings"  # or "lines"


class PostingsStream(Stream):
    name = "postings"
    lookback = timedelta(days=35)

    def pages(self, ctx):
        state = ctx.position or {"stack": [_first_window(ctx)], "page": api.PAGE_BASE}
        while state["stack"]:
            window = state["stack"][-1]
            page = getattr(self, f"_{window['stage']}")(ctx, state, window)
            if page is not None:
                page.next_position = copy.deepcopy(state)
                yield page

    def write(self, ctx, page):
        store = services.postings_store if page.kind == "postings" else services.lines_store
        key = "postings" if page.kind == "postings" else "lines"
        return store(connection=ctx.connection, synced_at=ctx.synced_at, **{key: page.items})

    # --- stages ---------------------------------------------------------------------------------
    def _postings(self, ctx, state, window):
        total, items = ctx.client.search_postings(page=state["page"], take=api.POSTINGS_TAKE,
                                                  include_superseded=True, **_criteria(window))
        if _over_limit(state, total):
            _replace_top(state, _split(window, "postings"))
            return LedgerPage([], kind="postings")
        if _advance(state, total, len(items), api.POSTINGS_TAKE):
            if window.get("status"):  # a part of a window: its parent fetches the lines
                state["stack"].pop()
            else:
                window["stage"] = "lines"
        return LedgerPage(items, kind="postings")

    def _lines(self, ctx, state, window):
        """Decide how this window's missing lines are fetched (no request)."""
        missing = selectors.postings_missing_lines(ctx.connection, window,
                                                   limit=BY_POSTING_LIMIT + 1)
        if not missing:
            state["stack"].pop()
        elif len(missing) <= BY_POSTING_LIMIT:
            window.update(stage="by_posting", ids=missing)
        else:
            window["stage"] = "line_search"

    def _line_search(self, ctx, state, window):
        total, items = ctx.client.search_lines(page=state["page"], take=api.LINES_TAKE,
                                               include_superseded=True, **_criteria(window))
        if _over_limit(state, total):
            _replace_top(state, _split(window, "lines", ctx.connection))
            return LedgerPage([], kind="lines")
        if _advance(state, total, len(items), api.LINES_TAKE):
            if window.get("category"):  # a part of a window: its parent verifies the whole
                state["stack"].pop()
            else:
                window["stage"] = "verify"
        return LedgerPage(items, kind="lines")

    def _verify(self, ctx, state, window):
        """After a line search: fetch one by one whatever it did not complete (a posting built
        meanwhile, or dated across a window edge by another date encoding)."""
        missing = selectors.postings_missing_lines(ctx.connection, window, limit=VERIFY_LIMIT)
        if missing:
            window.update(stage="by_posting", ids=missing)
        else:
            state["stack"].pop()

    def _by_posting(self, ctx, state, window):
        posting_id = window["ids"].pop(0)
        if not window["ids"]:
            state["stack"].pop()
        try:
            lines = ctx.client.posting_lines(posting_id)
        except NotFoundError:  # gone since it was listed; the next scan settles it
            lines = []
        return LedgerPage(lines, kind="lines")


# --- windows -------------------------------------------------------------------------------------

def _first_window(ctx) -> dict:
    """Posting dates from the run's window start (a day earlier, for time zones) to a day past
    its end; a full run goes back `backfill_days` (connection option)."""
    last = ctx.window_end.date() + timedelta(days=1)
    if ctx.window_start is not None:
        first = ctx.window_start.date() - timedelta(days=1)
    else:
        days = int((ctx.connection.options or {}).get("backfill_days", DEFAULT_BACKFILL_DAYS))
        first = last - timedelta(days=days)
    return {"from": first.isoformat(), "to": last.isoformat(), "stage": "postings"}


def _criteria(window) -> dict:
    first, last = date.fromisoformat(window["from"]), date.fromisoformat(window["to"])
    return {
        "posting_date_from": datetime.combine(first, time.min, tzinfo=UTC),
        "posting_date_to": datetime.combine(last, time(23, 59, 59), tzinfo=UTC),
        "source": window.get("source"),
        "status": window.get("status"),
        "category": window.get("category"),
        "store_id": window.get("store"),
        "register_id": window.get("register"),
    }


def _over_limit(state, total) -> bool:
    """True when the window holds more than one search can reach (checked on its first page)."""
    return state["page"] == api.PAGE_BASE and total > api.MAX_WINDOW


def _advance(state, total, received, take) -> bool:
    """Next page, or True when the window is done. If totalHits moved while paging (results
    added or removed under us), page the window again from the start."""
    if state["page"] == api.PAGE_BASE:
        state["hits"] = total
    elif total != state.get("hits"):
        state["restarts"] = state.get("restarts", 0) + 1
        if state["restarts"] > MAX_RESTARTS:
            raise ProviderError("Omnium's results kept changing while this window was paged; "
                                "try the sync again later.")
        state["page"] = api.PAGE_BASE
        return False
    reached = (state["page"] - api.PAGE_BASE + 1) * take
    if received < take or reached >= total:
        state.update(page=api.PAGE_BASE, hits=None, restarts=0)
        return True
    state["page"] += 1
    return False


def _replace_top(state, children) -> None:
    state["stack"].pop()
    state["stack"].extend(reversed(children))  # the first child is walked first
    state.update(page=api.PAGE_BASE, hits=None)


def _split(window, stage, connection=None) -> list[dict]:
    """Smaller windows that together hold the same results, walked in order.

    Dates are halved down to one day, then a day is split by source. Beyond that, postings by
    status (followed by the parent's `lines`), and lines by category (then store and register,
    known from the stored postings) followed by the parent's `verify`, which fetches any
    posting whose lines are still incomplete: even a category Omnium adds later loses nothing.
    """
    first, last = date.fromisoformat(window["from"]), date.fromisoformat(window["to"])
    base = {k: v for k, v in window.items() if k != "ids"} | {"stage": stage}
    if first < last:
        middle = first + (last - first) // 2
        return [base | {"to": middle.isoformat()},
                base | {"from": (middle + timedelta(days=1)).isoformat()}]
    if not window.get("source"):
        return [base | {"source": source} for source in PostingSource.values]
    if stage == "postings" and not window.get("status"):
        parts = [base | {"status": status} for status in PostingStatus.values]
        return [*parts, base | {"stage": "lines"}]
    if stage == "lines" and not window.get("category"):
        parts = [base | {"category": c, "stage": "line_search"} for c in CATEGORIES]
        return [*parts, base | {"stage": "verify"}]
    if stage == "lines":
        for key, field in (("store", "store_id"), ("register", "register_id")):
            if not window.get(key):
                values = selectors.window_values(connection, window, field)
                if len(values) > 1:
                    return [base | {key: value, "stage": "line_search"} for value in values]
    raise ProviderError(
        f"Omnium holds more than {api.MAX_WINDOW:,} {stage} on {window['from']} even for "
        f"{_describe(window)}, and the search cannot be split further.")


def _describe(window) -> str:
    parts = [f"{key} {window[key]}" for key in ("source", "status", "category", "store",
                                                 "register") if window.get(key)]
    return ", ".join(parts) or "the whole day"
