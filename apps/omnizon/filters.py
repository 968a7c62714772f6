import django_filters
from django import forms

from apps.core.models import Connection
from apps.omnizon.models import Document

DATE = forms.DateInput(attrs={"type": "date"})
STATUS_INTERNAL = [(s, s) for s in ("NEW", "OK", "FAILED")]
STATUS_EXTERNAL = [(s, s) for s in ("SENT", "DELIVERED", "ACKNOWLEDGED")]


class DocumentFilter(django_filters.FilterSet):
    connection = django_filters.ModelChoiceFilter(
        queryset=Connection.objects.filter(provider="omnizon"))
    direction = django_filters.ChoiceFilter(choices=Document.Direction.choices)
    company = django_filters.CharFilter(field_name="company_vat", label="Company (OIB)",
                                        method="filter_company")
    internal_status = django_filters.ChoiceFilter(choices=STATUS_INTERNAL, label="Internal")
    external_status = django_filters.ChoiceFilter(choices=STATUS_EXTERNAL, label="External")
    state = django_filters.ChoiceFilter(choices=Document.State.choices, label="Our state")
    supplier = django_filters.CharFilter(field_name="supplier_name", lookup_expr="icontains")
    customer = django_filters.CharFilter(field_name="customer_name", lookup_expr="icontains")
    number = django_filters.CharFilter(lookup_expr="icontains")
    issue_from = django_filters.DateFilter(field_name="issue_date", lookup_expr="gte",
                                           label="Issued from", widget=DATE)
    issue_to = django_filters.DateFilter(field_name="issue_date", lookup_expr="lte",
                                         label="Issued to", widget=DATE)
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte",
                                         label="Due from", widget=DATE)
    due_to = django_filters.DateFilter(field_name="due_date", lookup_expr="lte",
                                       label="Due to", widget=DATE)
    amount_min = django_filters.NumberFilter(field_name="amount", lookup_expr="gte",
                                             label="Amount ≥")
    amount_max = django_filters.NumberFilter(field_name="amount", lookup_expr="lte",
                                             label="Amount ≤")
    currency = django_filters.CharFilter(method="filter_currency")
    has_error = django_filters.BooleanFilter(
        method="filter_error", label="Errors",
        widget=forms.Select(choices=[("", "Any"), ("true", "With errors"), ("false", "Without")]))

    class Meta:
        model = Document
        fields = []

    def filter_company(self, queryset, name, value):
        return queryset.filter(company_vat=value.strip().upper().removeprefix("HR"))

    def filter_currency(self, queryset, name, value):
        return queryset.filter(currency=value.strip().upper())

    def filter_error(self, queryset, name, value):
        return queryset.exclude(error="") if value else queryset.filter(error="")
