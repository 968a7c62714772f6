"""django-q2 entry points. Outcomes live on our SyncRun rows, not in the queue."""

import logging

from apps.core import registry
from apps.core.models import Connection, SyncRun
from apps.core.sync import SyncAlreadyRunning, sync_execute, sync_run_now

logger = logging.getLogger("ledgerdesk.tasks")


def run_queued_sync(run_id: int) -> str:
    run = SyncRun.objects.select_related("connection").filter(pk=run_id).first()
    if run is None:
        return "missing"
    return sync_execute(run=run).status  # runs only if still queued


def scheduled_sync(connection_id: int) -> str:
    connection = Connection.objects.filter(pk=connection_id, enabled=True).first()
    if connection is None:
        return "disabled"
    outcomes = []
    for stream in registry.get(connection.provider).streams:
        try:
            run = sync_run_now(connection=connection, stream=stream, trigger="schedule")
            outcomes.append(f"{stream}:{run.status}")
        except SyncAlreadyRunning as exc:
            logger.info("%s", exc)
            outcomes.append(f"{stream}:busy")
    return " ".join(outcomes)
