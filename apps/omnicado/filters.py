import django_filters
from django import forms
from django.db import connection
from django.db.models import Q

from apps.core.models import Connection
from apps.omnicado.models import Invoice, InvoiceItem, Offset, OffsetInvoice

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def _distinct(model, field):
    """Choices from the values synced so far, by a loose index scan: one index seek per
    distinct value instead of reading 100k index entries (SQLite and PostgreSQL)."""
    def choices():
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.get_field(field).column)
        sql = (f"WITH RECURSIVE v(x) AS (SELECT MIN({column}) FROM {table} UNION ALL "
               f"SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > v.x) FROM v "
               f"WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL AND x <> ''")
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [(value, value) for (value,) in cursor.fetchall()]
    return choices


def _connections(request=None):
    return Connection.objects.filter(provider="omnicado")


def _number(text: str) -> int | None:
    text = text.strip().replace(" ", "")
    return int(text) if text.isdigit() and len(text) <= 18 else None


class InvoiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Number, VS or order id",
                                  widget=forms.TextInput(attrs={"type": "search"}))
    connection = django_filters.ModelChoiceFilter(queryset=_connections)
    partner = django_filters.ChoiceFilter(choices=_distinct(Invoice, "partner"))
    customer = django_filters.ChoiceFilter(field_name="customer_name", label="Customer",
                                           choices=_distinct(Invoice, "customer_name"))
    currency = django_filters.ChoiceFilter(choices=_distinct(Invoice, "currency"))
    invoice_type = django_filters.ChoiceFilter(choices=_distinct(Invoice, "invoice_type"),
                                               label="Invoice type")
    document_type = django_filters.ChoiceFilter(choices=_distinct(Invoice, "document_type"),
                                                label="Document type")
    created_from = django_filters.DateFilter(field_name="created_on", lookup_expr="gte",
                                             label="Created from", **DATE)
    created_to = django_filters.DateFilter(field_name="created_on", lookup_expr="lte",
                                           label="Created to", **DATE)
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte",
                                         label="Due from", **DATE)
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label="Due to",
                                       **DATE)
    delivered_from = django_filters.DateFilter(field_name="delivered_on", lookup_expr="gte",
                                               label="Delivered from", **DATE)
    delivered_to = django_filters.DateFilter(field_name="delivered_on", lookup_expr="lte",
                                             label="Delivered to", **DATE)
    total_min = django_filters.NumberFilter(field_name="total", lookup_expr="gte",
                                            label="Total from")
    total_max = django_filters.NumberFilter(field_name="total", lookup_expr="lte",
                                            label="Total to")
    consistent = django_filters.BooleanFilter(
        label="Adds up", widget=forms.Select(choices=[("", "any"), ("true", "yes"),
                                                      ("false", "no: mismatch")]))

    class Meta:
        model = Invoice
        fields = []

    def search(self, queryset, name, value):
        """Exact matches on the invoice number, the purchase no. (variable symbol) and the order
        id of any item: each one an index look-up."""
        value = value.strip()
        if not value:
            return queryset
        match = Q(purch_no_c=value)
        number = _number(value)
        if number is not None:
            match |= Q(invoice_number=number) | Q(
                pk__in=InvoiceItem.objects.filter(order_id=number).values("invoice_id"))
        return queryset.filter(match)


class OffsetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Document, VS or invoice no.",
                                  widget=forms.TextInput(attrs={"type": "search"}))
    connection = django_filters.ModelChoiceFilter(queryset=_connections)
    partner = django_filters.ChoiceFilter(choices=_distinct(Offset, "partner"))
    currency = django_filters.ChoiceFilter(choices=_distinct(Offset, "currency"))
    created_from = django_filters.DateFilter(field_name="created_on", lookup_expr="gte",
                                             label="Created from", **DATE)
    created_to = django_filters.DateFilter(field_name="created_on", lookup_expr="lte",
                                           label="Created to", **DATE)
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte",
                                         label="Due from", **DATE)
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label="Due to",
                                       **DATE)
    balance_min = django_filters.NumberFilter(field_name="diff_price", lookup_expr="gte",
                                              label="Balance from")
    balance_max = django_filters.NumberFilter(field_name="diff_price", lookup_expr="lte",
                                              label="Balance to")

    class Meta:
        model = Offset
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = Q(document_number=value)
        number = _number(value)
        if number is not None:
            match |= Q(variable_symbol=number) | Q(pk__in=OffsetInvoice.objects.filter(
                invoice_number=number).values("offset_id"))
        return queryset.filter(match)
