"""Reads for pages and exports: the documents dataset, one document, usage."""

from django.db.models import Count, Q, Sum

from apps.core.http import ConfigurationError
from apps.core.models import Connection
from apps.core.money import format_count
from apps.core.tables import Column, Dataset
from apps.omnizon.filters import DocumentFilter
from apps.omnizon.models import ArchiveUsage, Document, DocumentFile, UsageMonth


def document_list():
    return Document.objects.select_related("connection").defer(
        "raw", "details", "fiscalization", "status_details")


def _detail_url(doc):
    return f"/omnizon/documents/{doc.pk}/"


def document_totals(queryset):
    """Per currency over every filtered document (the counts are the table's row count)."""
    rows = (queryset.order_by().values("currency")
            .annotate(amount=Sum("amount"), count=Count("pk")).order_by("currency"))
    return [dict(row) for row in rows]


documents = Dataset(
    name="omnizon.documents",
    label="E-invoice documents",
    queryset=document_list,
    filterset=DocumentFilter,
    default_sort="-created",
    totals=document_totals,
    columns=[
        Column("number", "Number", link=_detail_url),
        Column("direction", "Direction", kind="badge"),
        Column("company", "Company", field="company_vat"),
        Column("supplier", "Supplier", field="supplier_name"),
        Column("customer", "Customer", field="customer_name"),
        Column("issue_date", "Issued", kind="date"),
        Column("due_date", "Due", kind="date"),
        Column("amount", "Amount", kind="money", currency_field="currency"),
        Column("currency", "Currency", in_table=False),
        Column("internal_status", "Internal", kind="badge"),
        Column("external_status", "External", kind="badge"),
        Column("state", "Ours", kind="badge"),
        Column("created", "Created", field="created_at", kind="datetime"),
        Column("document_id", "Omnizon id", in_table=False),
        Column("doc_type", "Type", in_table=False),
        Column("supplier_vat", "Supplier VAT", in_table=False),
        Column("customer_vat", "Customer VAT", in_table=False),
        Column("tax_amount", "VAT amount", kind="money", currency_field="currency",
               in_table=False),
        Column("acknowledged_at", "Acknowledged", kind="datetime", in_table=False),
        Column("error", "Error", in_table=False, sortable=False),
        Column("connection", "Connection", field="connection__name", in_table=False),
    ],
)


def document_detail(pk: int) -> Document:
    return (Document.objects.select_related("connection")
            .prefetch_related("lines", "vat", "events__user")
            .annotate(xml_size=Sum("files__size", filter=Q(files__kind="xml")))
            .get(pk=pk))


def document_file(document: Document, kind: str) -> bytes | None:
    content = DocumentFile.objects.filter(document=document, kind=kind) \
        .values_list("content", flat=True).first()
    return bytes(content) if content is not None else None


def omnizon_connections():
    return Connection.objects.filter(provider="omnizon", enabled=True).order_by("name")


def company_choices(connection) -> list[tuple[str, str]]:
    """The connection's companies, named after what their documents call them."""
    from apps.omnizon.sync import company_vats

    try:
        vats = company_vats(connection)
    except ConfigurationError:
        return []
    names = {}
    for vat, name in (Document.objects.filter(connection=connection, company_vat__in=vats,
                                              direction="in")
                      .exclude(customer_name="").values_list("company_vat", "customer_name")
                      .distinct()[:50]):
        names.setdefault(vat, name)
    return [(vat, f"{names.get(vat, 'Company')} (HR{vat})") for vat in vats]


def usage_for(connection, company_vat: str) -> dict:
    months = list(UsageMonth.objects.filter(connection=connection, company_vat=company_vat)
                  .order_by("month"))
    archive = ArchiveUsage.objects.filter(connection=connection, company_vat=company_vat).first()
    return {"months": months, "archive": archive,
            "synced_at": max((m.synced_at for m in months), default=None)}



def connection_summary(connection) -> list[tuple[str, str]]:
    """Key figures for the dashboard card, in one aggregate query."""
    counts = Document.objects.filter(connection=connection).aggregate(
        received=Count("pk", filter=Q(direction=Document.Direction.IN)),
        sent=Count("pk", filter=Q(direction=Document.Direction.OUT)),
        problems=Count("pk", filter=Q(state=Document.State.FAILED) | ~Q(error="")),
    )
    return [("Received", format_count(counts["received"])),
            ("Sent", format_count(counts["sent"])),
            ("With errors", format_count(counts["problems"]))]
