from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core import crypto


def provider_choices():
    from apps.core import registry

    return [(spec.key, spec.label) for spec in registry.all_providers()]


class Connection(models.Model):
    """One provider account. Several per provider are normal (companies, offices, client ids)."""

    provider = models.CharField(max_length=20, choices=provider_choices, db_index=True)
    name = models.SlugField(max_length=60, unique=True, help_text="Short name used by commands.")
    base_url = models.URLField(max_length=300)
    credentials_encrypted = models.TextField(blank=True, editable=False)
    options = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider", "name"]
        permissions = [
            ("browse", "Browse synced data"),
            ("export", "Export data"),
            ("run_sync", "Start syncs"),
            ("act_documents", "Act on documents (acknowledge, archive, send)"),
            ("edit_invoices", "Create and edit invoice drafts"),
            ("approve_invoices", "Approve, reject, mark paid and credit invoices"),
            ("administer", "Administer connections and numbering"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_provider_display()})"

    @property
    def credentials(self) -> dict:
        return crypto.decrypt_json(self.credentials_encrypted)

    @credentials.setter
    def credentials(self, value: dict) -> None:
        self.credentials_encrypted = crypto.encrypt_json(value or {})

    @property
    def credential_names(self) -> list[str]:
        try:
            return sorted(self.credentials)
        except crypto.CredentialsUnreadable:
            return []

    def latest_runs(self):
        return self.sync_runs.order_by("-created_at")


class SyncState(models.Model):
    """Where a stream stands: the high-water cursor of finished runs and the resume point of
    an unfinished one (checkpointed after every page)."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="sync_states")
    stream = models.CharField(max_length=40)
    cursor = models.CharField(max_length=100, blank=True)
    resume = models.JSONField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_full_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "stream"], name="syncstate_unique")
        ]

    def __str__(self):
        return f"{self.connection.name}/{self.stream}"


class SyncRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        STALE = "stale", "Stale (process died)"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="sync_runs")
    stream = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    full = models.BooleanField(default=False)
    since = models.DateTimeField(null=True, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    resumed = models.BooleanField(default=False)
    pages = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    fetch_seconds = models.FloatField(default=0)
    write_seconds = models.FloatField(default=0)
    error_kind = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    trigger = models.CharField(max_length=20, default="manual")  # manual | schedule | command
    worker_host = models.CharField(max_length=100, blank=True)
    worker_pid = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The database itself refuses a second active run of one connection+stream.
            models.UniqueConstraint(
                fields=["connection", "stream"],
                condition=Q(status__in=["queued", "running"]),
                name="syncrun_one_active_per_stream",
            )
        ]
        indexes = [
            models.Index(fields=["connection", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["stream", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.connection.name}/{self.stream} #{self.pk} {self.status}"

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def elapsed(self):
        if not self.started_at:
            return None
        return (self.finished_at or timezone.now()) - self.started_at


class AuditEvent(models.Model):
    """Every staff action and every write to a provider."""

    class Outcome(models.TextChoices):
        OK = "ok", "OK"
        FAILED = "failed", "Failed"
        REFUSED = "refused", "Refused"
        PENDING = "pending", "Pending"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=60, db_index=True)
    connection = models.ForeignKey(Connection, null=True, blank=True, on_delete=models.SET_NULL)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OK)
    correlation_id = models.CharField(max_length=100, blank=True)
    message = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.outcome}"
