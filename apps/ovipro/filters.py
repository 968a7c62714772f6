import django_filters
from django import forms
from django.db.models import Exists, OuterRef

from apps.core.models import Connection
from apps.ovipro.forms import UUID_RE
from apps.ovipro.models import Invoice, InvoiceParty, InvoiceType, Reason, Status


def distinct_choices(field):
    def choices():
        values = (Invoice.objects.order_by(field).values_list(field, flat=True).distinct())
        return [(v, v[:8] + "…") for v in values if v]
    return choices


def date_filter(field, lookup, label):
    return django_filters.DateFilter(field_name=field, lookup_expr=lookup, label=label,
                                     widget=forms.DateInput(attrs={"type": "date"}))


class ListOrCommaSelect(forms.SelectMultiple):
    """Several values from a query string (repeated keys) or one "A,B" value (the export
    command's --filter status=A,B)."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = data.getlist(name)
        else:
            values = data.get(name)
        if isinstance(values, str):
            values = [values]
        return [v for value in values or [] for v in value.split(",") if v]


class InvoiceFilter(django_filters.FilterSet):
    connection = django_filters.ModelChoiceFilter(
        queryset=Connection.objects.filter(provider="ovipro"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices,
                                                 widget=ListOrCommaSelect(attrs={"size": 3}))
    invoice_type = django_filters.ChoiceFilter(choices=InvoiceType.choices, label="Type")
    reason = django_filters.ChoiceFilter(choices=Reason.choices)
    office = django_filters.ChoiceFilter(field_name="agency_office_id", label="Office",
                                         choices=distinct_choices("agency_office_id"))
    agent = django_filters.ChoiceFilter(field_name="responsible_agent_id", label="Agent",
                                        choices=distinct_choices("responsible_agent_id"))
    party = django_filters.CharFilter(method="filter_party", label="Party (name or id)")
    number = django_filters.CharFilter(field_name="invoice_number", lookup_expr="startswith",
                                       label="Number")
    issued_from = date_filter("issue_date", "gte", "Issued from")
    issued_to = date_filter("issue_date", "lte", "Issued to")
    due_from = date_filter("due_date", "gte", "Due from")
    due_to = date_filter("due_date", "lte", "Due to")
    paid = django_filters.BooleanFilter(field_name="is_paid", label="Paid", widget=forms.Select(
        choices=[("", "Any"), ("true", "Paid"), ("false", "Unpaid")]))

    class Meta:
        model = Invoice
        fields = []

    def filter_party(self, queryset, name, value):
        value = value.strip()
        if UUID_RE.match(value.lower()):
            return queryset.filter(Exists(InvoiceParty.objects.filter(
                invoice=OuterRef("pk"), party_id=value.lower())))
        return queryset.filter(billing_recipient__icontains=value)
