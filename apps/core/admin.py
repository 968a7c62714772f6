from django.contrib import admin, messages
from django.utils.html import format_html

from apps.core.connections import connection_test
from apps.core.forms import ConnectionForm
from apps.core.models import AuditEvent, Connection, SyncRun, SyncState
from apps.core.services import connection_schedule, connection_schedule_set, sync_enqueue


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    form = ConnectionForm
    list_display = ["name", "provider", "base_url", "enabled", "credentials_stored", "schedule"]
    list_filter = ["provider", "enabled"]
    search_fields = ["name", "base_url"]
    actions = ["start_sync", "test_connection"]
    readonly_fields = ["credentials_stored", "created_at", "updated_at"]

    @admin.display(description="Credentials")
    def credentials_stored(self, obj):
        names = obj.credential_names
        return ", ".join(f"{n}=***" for n in names) if names else "none"

    @admin.display(description="Schedule")
    def schedule(self, obj):
        schedule = connection_schedule(obj)
        if not schedule:
            return "—"
        return format_html('<a href="/admin/django_q/schedule/{}/change/">every {} min</a>',
                           schedule.pk, schedule.minutes)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        schedule = connection_schedule(obj) if obj else None
        form.base_fields["schedule_minutes"].initial = schedule.minutes if schedule else None
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        connection_schedule_set(connection=obj, minutes=form.cleaned_data.get("schedule_minutes"))

    @admin.action(description="Sync now (queue on the worker)")
    def start_sync(self, request, queryset):
        for connection in queryset.filter(enabled=True):
            queued, busy = sync_enqueue(connection=connection, user=request.user)
            if queued:
                self.message_user(request, f"{connection.name}: queued "
                                           f"{', '.join(r.stream for r in queued)}.")
            if busy:
                self.message_user(request, f"{connection.name}: already running "
                                           f"{', '.join(r.stream for r in busy)}.", messages.WARNING)

    @admin.action(description="Test connection")
    def test_connection(self, request, queryset):
        for connection in queryset:
            ok, text = connection_test(connection=connection, user=request.user)
            self.message_user(request, f"{connection.name}: {text}",
                              messages.SUCCESS if ok else messages.ERROR)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Synced and logged rows: browsable, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "connection", "stream", "status", "pages", "created", "updated",
                    "unchanged", "created_at", "error_kind", "started_by"]
    list_filter = ["status", "stream", "connection", "error_kind", "trigger"]
    search_fields = ["error_message", "connection__name"]
    date_hierarchy = "created_at"
    list_select_related = ["connection", "started_by"]


@admin.register(SyncState)
class SyncStateAdmin(admin.ModelAdmin):
    list_display = ["connection", "stream", "cursor", "last_success_at", "last_full_at", "resume"]
    list_filter = ["connection", "stream"]
    readonly_fields = ["connection", "stream", "last_success_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "connection", "target_type", "target_id", "outcome",
                    "correlation_id"]
    list_filter = ["outcome", "action", "connection"]
    search_fields = ["target_id", "correlation_id", "message"]
    date_hierarchy = "at"
    list_select_related = ["user", "connection"]

    def has_delete_permission(self, request, obj=None):
        return False
