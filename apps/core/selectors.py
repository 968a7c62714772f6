from dataclasses import dataclass, field

from django_q.models import Schedule

from apps.core import registry
from apps.core.models import Connection, SyncRun


@dataclass
class ConnectionCard:
    connection: Connection
    provider_label: str
    streams: list[str]
    last_runs: dict = field(default_factory=dict)  # stream -> latest SyncRun
    schedule: Schedule | None = None
    figures: list = field(default_factory=list)  # [(label, text)] from the provider's summary()

    @property
    def active(self):
        return [r for r in self.last_runs.values() if r.is_active]

    @property
    def failed(self):
        return [r for r in self.last_runs.values() if r.status in ("failed", "stale")]

    @property
    def outcome(self):
        runs = list(self.last_runs.values())
        if not runs:
            return "never"
        if any(r.is_active for r in runs):
            return "running"
        if any(r.status in ("failed", "stale") for r in runs):
            return "failed"
        return "succeeded"


def connection_cards(connections=None) -> list[ConnectionCard]:
    """One card per connection, with the latest run of each stream: three queries in all."""
    connections = list(connections if connections is not None else Connection.objects.all())
    if not connections:
        return []
    latest = {}
    runs = (SyncRun.objects.filter(connection__in=connections)
            .order_by("connection_id", "stream", "-created_at")
            .select_related("started_by"))
    # DISTINCT ON is PostgreSQL-only; per (connection, stream) we only need the newest rows.
    for run in runs.filter(pk__in=_latest_run_ids(connections)):
        latest.setdefault((run.connection_id, run.stream), run)
    schedules = {s.name: s for s in Schedule.objects.filter(
        name__in=[f"sync:{c.name}" for c in connections])}
    cards = []
    for connection in connections:
        try:
            spec = registry.get(connection.provider)
            label, streams = spec.label, list(spec.streams)
            figures = spec.summary(connection) if spec.summary else []
        except LookupError:
            label, streams, figures = connection.provider, [], []
        cards.append(ConnectionCard(
            connection=connection, provider_label=label, streams=streams,
            last_runs={s: latest[(connection.pk, s)] for s in streams
                       if (connection.pk, s) in latest},
            schedule=schedules.get(f"sync:{connection.name}"), figures=figures,
        ))
    return cards


def _latest_run_ids(connections):
    from django.db.models import Max

    return (SyncRun.objects.filter(connection__in=connections)
            .values("connection_id", "stream").annotate(last=Max("id")).values("last"))


def connection_card(connection) -> ConnectionCard:
    return connection_cards([connection])[0]
