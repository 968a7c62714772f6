from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, Count, F, Sum, When
from django.urls import reverse

from apps.core.money import from_minor
from apps.core.tables import Column, Dataset
from apps.ovipro.filters import InvoiceFilter
from apps.ovipro.models import Invoice, InvoiceType


@dataclass
class CentsColumn(Column):
    """Sorted on the integer cents in the database, shown and exported in currency units."""

    kind: str = "money"
    currency_field: str = "currency"

    def value(self, obj):
        cents = super().value(obj)
        return None if cents is None else from_minor(cents, getattr(obj, self.currency_field))


def detail_url(invoice):
    return reverse("ovipro:invoice", args=[invoice.pk])


def signed_totals(queryset):
    """Invoiced total per currency; credit notes count negative."""
    signed = Case(When(invoice_type=InvoiceType.CREDIT_NOTE, then=-F("total_vat_included")),
                  default=F("total_vat_included"), output_field=BigIntegerField())
    rows = queryset.order_by().values("currency").annotate(cents=Sum(signed), count=Count("pk"))
    return [{"currency": r["currency"], "amount": from_minor(r["cents"] or 0, r["currency"]),
             "count": r["count"]} for r in rows]


invoices = Dataset(
    name="ovipro.invoices",
    label="Ovipro invoices",
    queryset=lambda: Invoice.objects.select_related("connection"),
    filterset=InvoiceFilter,
    default_sort="-issue_date",
    totals=signed_totals,
    columns=[
        Column("id", "Invoice", field="short_id", sortable=False, link=detail_url, in_export=False),
        Column("invoice_number", "Number"),
        Column("status", "Status", kind="badge"),
        Column("invoice_type", "Type"),
        Column("reason", "Reason"),
        Column("billing_recipient", "Billed to"),
        Column("issue_date", "Issued", kind="date"),
        Column("due_date", "Due", kind="date"),
        CentsColumn("total_vat_included", "Total (VAT incl.)"),
        CentsColumn("total_vat_excluded", "VAT excl.", in_table=False),
        Column("is_paid", "Paid", kind="bool"),
        Column("connection", "Connection", field="connection__name", in_table=False),
        Column("invoice_id", "Ovipro id", in_table=False),
        Column("reference_number", "Reference", in_table=False, sortable=False),
        Column("agency_office_id", "Office", in_table=False),
        Column("responsible_agent_id", "Agent", in_table=False),
        Column("modification_time", "Modified", kind="datetime"),
    ],
)
