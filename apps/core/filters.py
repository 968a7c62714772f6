import django_filters

from apps.core.models import AuditEvent, Connection, SyncRun


class SyncRunFilter(django_filters.FilterSet):
    connection = django_filters.ModelChoiceFilter(queryset=Connection.objects.all())
    stream = django_filters.CharFilter()
    status = django_filters.ChoiceFilter(choices=SyncRun.Status.choices)
    error_kind = django_filters.CharFilter(label="Error kind")
    created_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte",
                                             label="From")
    created_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte",
                                           label="To")

    class Meta:
        model = SyncRun
        fields = []


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(lookup_expr="startswith")
    outcome = django_filters.ChoiceFilter(choices=AuditEvent.Outcome.choices)
    connection = django_filters.ModelChoiceFilter(queryset=Connection.objects.all())
    target_id = django_filters.CharFilter(label="Target id")
    at_from = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label="From")
    at_to = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label="To")

    class Meta:
        model = AuditEvent
        fields = []
