from apps.core.filters import AuditEventFilter, SyncRunFilter
from apps.core.models import AuditEvent, SyncRun
from apps.core.tables import Column, Dataset

sync_runs = Dataset(
    name="core.sync_runs",
    label="Sync history",
    queryset=lambda: SyncRun.objects.select_related("connection", "started_by"),
    filterset=SyncRunFilter,
    default_sort="-created_at",
    columns=[
        Column("id", "Run", field="pk", kind="number",
               link=lambda run: f"/syncs/{run.pk}/"),
        Column("connection", "Connection", field="connection__name"),
        Column("stream", "Stream"),
        Column("status", "Status", kind="badge"),
        Column("created_at", "Queued", kind="datetime"),
        Column("pages", "Pages", kind="number"),
        Column("created", "New", kind="number"),
        Column("updated", "Changed", kind="number"),
        Column("unchanged", "Unchanged", kind="number"),
        Column("error_kind", "Error"),
        Column("started_by", "By", field="started_by__username"),
        Column("trigger", "Trigger"),
    ],
)

audit_events = Dataset(
    name="core.audit",
    label="Audit log",
    queryset=lambda: AuditEvent.objects.select_related("user", "connection"),
    filterset=AuditEventFilter,
    default_sort="-at",
    columns=[
        Column("at", "When", kind="datetime"),
        Column("user", "User", field="user__username"),
        Column("action", "Action"),
        Column("connection", "Connection", field="connection__name"),
        Column("target_type", "Target"),
        Column("target_id", "Id"),
        Column("outcome", "Outcome", kind="badge"),
        Column("correlation_id", "Correlation id", sortable=False),
        Column("message", "Message", sortable=False),
    ],
)
