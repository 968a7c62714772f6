"""Staff-facing actions of the kernel: keyword-only, audited."""

from django.db import transaction
from django_q.models import Schedule
from django_q.tasks import async_task

from apps.core import registry
from apps.core.audit import audit_record
from apps.core.models import AuditEvent, Connection
from apps.core.sync import SyncAlreadyRunning, sync_claim


def sync_enqueue(*, connection: Connection, user=None, streams=None, full=False) -> tuple[list, list]:
    """Queue one run per stream on django-q2. Returns (queued runs, busy runs)."""
    queued, busy = [], []
    for stream in streams or registry.get(connection.provider).streams:
        try:
            run = sync_claim(connection=connection, stream=stream, user=user, full=full)
        except SyncAlreadyRunning as exc:
            busy.append(exc.run)
            continue
        transaction.on_commit(
            lambda run_id=run.pk: async_task(
                "apps.core.tasks.run_queued_sync", run_id, task_name=f"sync-{run_id}",
                group="sync",
            )
        )
        queued.append(run)
    audit_record(
        action="sync.start", user=user, connection=connection, target=connection,
        outcome=AuditEvent.Outcome.OK if queued else AuditEvent.Outcome.REFUSED,
        message=(f"queued {', '.join(r.stream for r in queued) or 'nothing'}"
                 + (f"; already running: {', '.join(r.stream for r in busy)}" if busy else "")),
        details={"runs": [r.pk for r in queued], "busy": [r.pk for r in busy], "full": full},
    )
    return queued, busy


def connection_schedule_set(*, connection: Connection, minutes: int | None) -> Schedule | None:
    """Keep one django-q2 Schedule per connection (editable in the admin afterwards)."""
    name = f"sync:{connection.name}"
    if not minutes:
        Schedule.objects.filter(name=name).delete()
        return None
    schedule, _ = Schedule.objects.update_or_create(
        name=name,
        defaults={"func": "apps.core.tasks.scheduled_sync", "args": str(connection.pk),
                  "schedule_type": Schedule.MINUTES, "minutes": minutes, "repeats": -1},
    )
    return schedule


def connection_schedule(connection: Connection) -> Schedule | None:
    return Schedule.objects.filter(name=f"sync:{connection.name}").first()
