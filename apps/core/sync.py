"""The sync engine.

A stream yields pages; each page is written in one transaction together with the checkpoint,
so a run that dies loses at most the page in flight and the next run resumes after the last
checkpoint. A partial unique index on SyncRun keeps two runs of one connection+stream apart.
"""

import hashlib
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import registry
from apps.core.http import ProviderError
from apps.core.logging import scrub
from apps.core.models import SyncRun, SyncState

logger = logging.getLogger("ledgerdesk.sync")
HOST = socket.gethostname()[:100]


class SyncAlreadyRunning(Exception):
    def __init__(self, run: SyncRun):
        self.run = run
        super().__init__(
            f"A sync of {run.connection.name}/{run.stream} is already {run.status} "
            f"(run #{run.pk}, since {timezone.localtime(run.created_at):%Y-%m-%d %H:%M:%S})."
        )


@dataclass
class Page:
    """One page of provider records and where the next page starts (None: stream finished)."""

    items: list
    next_position: Any = None


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other):
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


@dataclass
class SyncContext:
    connection: Any
    client: Any
    run: SyncRun
    window_start: datetime | None  # None: everything the provider has (full run)
    window_end: datetime
    position: Any = None           # resume point inside the window, from the last checkpoint
    full: bool = False
    synced_at: datetime = field(default_factory=timezone.now)


class Stream:
    """Subclass per provider stream: `pages()` reads, `write()` upserts one page."""

    name = ""
    lookback = timedelta(0)
    full_sweep_every: timedelta | None = None  # e.g. pick up changed documents without a timestamp

    def pages(self, ctx: SyncContext) -> Iterator[Page]:
        raise NotImplementedError

    def write(self, ctx: SyncContext, page: Page) -> Counts:
        raise NotImplementedError


# --- upsert helpers ---------------------------------------------------------------------------

def content_hash(payload) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()
    ).hexdigest()


def upsert_rows(*, model, connection, rows: list[dict], key: str) -> tuple[Counts, list]:
    """Insert new rows, rewrite changed ones (by `content_hash`), leave the rest untouched.

    Returns the counts and the keys that were created or updated (children to rewrite).
    """
    by_key = {row[key]: row for row in rows}  # a key twice in one page: the last one wins
    existing = dict(
        model.objects.filter(connection=connection, **{f"{key}__in": list(by_key)})
        .values_list(key, "content_hash")
    )
    changed = [k for k, row in by_key.items() if existing.get(k) != row["content_hash"]]
    counts = Counts(
        created=sum(1 for k in changed if k not in existing),
        updated=sum(1 for k in changed if k in existing),
        unchanged=len(by_key) - len(changed),
    )
    if changed:
        objs = [model(connection=connection, **by_key[k]) for k in changed]
        update_fields = [f for f in by_key[changed[0]] if f != key and f != "first_seen_at"]
        model.objects.bulk_create(
            objs, update_conflicts=True, unique_fields=["connection", key],
            update_fields=update_fields, batch_size=500,
        )
    return counts, changed


def replace_children(*, model, parent_field: str, parents, children: list) -> None:
    """Rewrite the child rows (items, lines) of changed parents."""
    if parents:
        model.objects.filter(**{f"{parent_field}__in": parents}).delete()
    if children:
        model.objects.bulk_create(children, batch_size=1000)


# --- claiming and running ---------------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child that was not reaped yet still answers kill(0)
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return True


def _is_dead(run: SyncRun, now) -> bool:
    if run.status == SyncRun.Status.RUNNING and run.worker_host == HOST and run.worker_pid:
        if not _pid_alive(run.worker_pid):
            return True
    last_sign = run.heartbeat_at or run.created_at
    return now - last_sign > timedelta(seconds=settings.SYNC_STALE_AFTER_SECONDS)


def expire_dead_runs(*, connection=None, stream=None) -> int:
    """Mark active runs whose process died as stale, so they no longer block new runs."""
    now = timezone.now()
    runs = SyncRun.objects.filter(status__in=SyncRun.ACTIVE)
    if connection is not None:
        runs = runs.filter(connection=connection)
    if stream:
        runs = runs.filter(stream=stream)
    dead = [run.pk for run in runs if _is_dead(run, now)]
    if dead:
        SyncRun.objects.filter(pk__in=dead, status__in=SyncRun.ACTIVE).update(
            status=SyncRun.Status.STALE, finished_at=now, error_kind="stale",
            error_message="The process running this sync stopped before it finished. "
                          "The next run resumes from the last checkpoint.",
        )
    return len(dead)


def sync_claim(*, connection, stream: str, user=None, trigger="manual", full=False,
               since=None) -> SyncRun:
    """Create the run row, or raise SyncAlreadyRunning if this stream is busy."""
    spec = registry.get(connection.provider)
    if stream not in spec.streams:
        raise ValueError(
            f"{spec.label} has no stream '{stream}'. Streams: {', '.join(spec.streams)}."
        )
    expire_dead_runs(connection=connection, stream=stream)
    try:
        with transaction.atomic():
            return SyncRun.objects.create(
                connection=connection, stream=stream, status=SyncRun.Status.QUEUED, full=full,
                since=since,
                started_by=user if getattr(user, "is_authenticated", False) else None,
                trigger=trigger,
            )
    except IntegrityError:
        active = SyncRun.objects.filter(
            connection=connection, stream=stream, status__in=SyncRun.ACTIVE
        ).first()
        if active is None:  # it finished between our insert and this look-up
            return sync_claim(connection=connection, stream=stream, user=user, trigger=trigger,
                              full=full, since=since)
        raise SyncAlreadyRunning(active) from None


def _window(run: SyncRun, state: SyncState, stream: Stream):
    """(start, end, position, full, resumed) for this run."""
    if state.resume and not run.full and not run.since:
        r = state.resume
        start = datetime.fromisoformat(r["window_start"]) if r.get("window_start") else None
        return start, datetime.fromisoformat(r["window_end"]), r.get("position"), r.get("full"), True
    end = run.created_at
    full = run.full or not state.cursor
    if not full and stream.full_sweep_every and (
        state.last_full_at is None or end - state.last_full_at >= stream.full_sweep_every
    ):
        full = True
    if run.since:
        return run.since, end, None, False, False
    if full:
        return None, end, None, True, False
    return datetime.fromisoformat(state.cursor) - stream.lookback, end, None, False, False


def sync_execute(*, run: SyncRun) -> SyncRun:
    """Run one claimed stream to the end. Never raises for provider or data errors: the
    outcome is on the run row."""
    connection = run.connection
    spec = registry.get(connection.provider)
    stream = spec.streams[run.stream]()
    now = timezone.now()
    started = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.RUNNING, started_at=now, heartbeat_at=now,
        worker_host=HOST, worker_pid=os.getpid(),
    )
    run.refresh_from_db()
    if not started:  # a duplicated task delivery, or the run expired while queued
        return run
    state, _ = SyncState.objects.get_or_create(connection=connection, stream=run.stream)
    try:
        start, end, position, full, resumed = _window(run, state, stream)
        SyncRun.objects.filter(pk=run.pk).update(
            window_start=start, window_end=end, resumed=resumed, full=bool(full)
        )
        run.refresh_from_db()
        with spec.client_class(connection) as client:
            ctx = SyncContext(connection=connection, client=client, run=run, window_start=start,
                              window_end=end, position=position, full=bool(full))
            _run_pages(ctx, stream, state)
        with transaction.atomic():
            state.cursor = end.isoformat()
            state.resume = None
            state.last_success_at = timezone.now()
            if full:
                state.last_full_at = end
            state.save()
            run.status = SyncRun.Status.SUCCEEDED
            run.finished_at = timezone.now()
            run.save()
    except ProviderError as exc:
        _fail(run, exc.kind, str(exc))
    except Exception as exc:  # a bug or bad data must still leave a readable failed run
        logger.exception("sync %s failed", run)
        _fail(run, "internal", f"{type(exc).__name__}: {exc}")
    return run


def _run_pages(ctx: SyncContext, stream: Stream, state: SyncState) -> None:
    run = ctx.run
    pages = iter(stream.pages(ctx))
    while True:
        fetch_started = time.monotonic()
        page = next(pages, None)
        run.fetch_seconds += time.monotonic() - fetch_started
        if page is None:
            return
        write_started = time.monotonic()
        with transaction.atomic():
            counts = stream.write(ctx, page)
            state.resume = {
                "window_start": ctx.window_start.isoformat() if ctx.window_start else None,
                "window_end": ctx.window_end.isoformat(),
                "position": page.next_position,
                "full": ctx.full,
            }
            state.save(update_fields=["resume"])
            run.pages += 1
            run.created += counts.created
            run.updated += counts.updated
            run.unchanged += counts.unchanged
            run.heartbeat_at = timezone.now()
            run.write_seconds += time.monotonic() - write_started
            run.save(update_fields=["pages", "created", "updated", "unchanged", "heartbeat_at",
                                    "fetch_seconds", "write_seconds"])


def _fail(run: SyncRun, kind: str, message: str) -> None:
    run.status = SyncRun.Status.FAILED
    run.error_kind = kind
    run.error_message = scrub(message)[:2000]
    run.finished_at = timezone.now()
    run.save()
    logger.warning("sync %s failed: %s %s", run, kind, run.error_message)


def sync_run_now(*, connection, stream: str, user=None, trigger="command", full=False,
                 since=None) -> SyncRun:
    """Claim and execute in this process (commands, scheduled tasks)."""
    run = sync_claim(connection=connection, stream=stream, user=user, trigger=trigger, full=full,
                     since=since)
    return sync_execute(run=run)
