"""Reads for the Omnicado pages, exports and PDFs."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404

from apps.core.money import format_count
from apps.omnicado import checks
from apps.omnicado.models import Invoice, Offset, OffsetInvoice, ProviderPdf

ZERO = Decimal(0)


def invoice_queryset():
    return Invoice.objects.select_related("connection")


def offset_queryset():
    return Offset.objects.select_related("connection")


def totals_by_currency(queryset, field: str) -> list[dict]:
    """One total per currency over the whole filtered set (one GROUP BY query)."""
    rows = (queryset.order_by().values("currency")
            .annotate(amount=Sum(field), count=Count("pk")).order_by("currency"))
    return [{"currency": r["currency"], "amount": r["amount"], "count": r["count"]} for r in rows]


def invoice_checks(invoice: Invoice) -> list[checks.Check]:
    return checks.invoice_checks(
        total=invoice.total,
        items=[(i.vat_rate, i.price_without_vat, i.total_price) for i in invoice.items.all()],
        recap_total=invoice.tax_recap_total,
        taxes=[(t.rate, t.base, t.vat, t.total) for t in invoice.taxes.all()],
    )


@dataclass
class InvoiceDetail:
    invoice: Invoice
    checks: list
    settlements: list  # OffsetInvoice rows (with their offset) that settle this invoice
    provider_pdf: ProviderPdf | None

    @property
    def consistent(self) -> bool:
        return checks.all_ok(self.checks)


def invoice_detail(pk: int) -> InvoiceDetail:
    invoice = get_object_or_404(
        Invoice.objects.select_related("connection").prefetch_related("items", "taxes"), pk=pk)
    settlements = list(OffsetInvoice.objects.filter(
        offset__connection_id=invoice.connection_id, invoice_number=invoice.invoice_number,
    ).select_related("offset").order_by("offset__created_on", "pk"))
    return InvoiceDetail(invoice=invoice, checks=invoice_checks(invoice), settlements=settlements,
                         provider_pdf=provider_pdf_info(invoice.connection_id,
                                                        ProviderPdf.Kind.INVOICE,
                                                        str(invoice.invoice_number)))


@dataclass
class Balance:
    """How an offset's balance (diffPrice) comes about."""

    invoices: Decimal        # settled parts of invoices
    orders: Decimal          # settled parts of orders (fees, returns: usually negative)
    provider: Decimal        # diffPrice as the provider states it
    invoices_open: Decimal   # what the settled invoices still leave open

    @property
    def computed(self) -> Decimal:
        return self.invoices + self.orders

    @property
    def difference(self) -> Decimal:
        return self.provider - self.computed

    @property
    def ok(self) -> bool:
        return abs(self.difference) <= checks.TOLERANCE


@dataclass
class OffsetDetail:
    offset: Offset
    settled: list            # [(OffsetInvoice, Invoice pk or None)]
    orders: list
    balance: Balance
    provider_pdf: ProviderPdf | None


def offset_detail(pk: int) -> OffsetDetail:
    offset = get_object_or_404(
        Offset.objects.select_related("connection")
        .prefetch_related("settled_invoices", "orders"), pk=pk)
    lines = list(offset.settled_invoices.all())
    orders = list(offset.orders.all())
    synced = dict(Invoice.objects.filter(
        connection_id=offset.connection_id,
        invoice_number__in=[line.invoice_number for line in lines],
    ).values_list("invoice_number", "pk"))
    balance = Balance(
        invoices=sum((line.offset_price for line in lines), ZERO),
        orders=sum((order.offset_price for order in orders), ZERO),
        provider=offset.diff_price,
        invoices_open=sum((line.remain_price for line in lines), ZERO),
    )
    return OffsetDetail(
        offset=offset, settled=[(line, synced.get(line.invoice_number)) for line in lines],
        orders=orders, balance=balance,
        provider_pdf=provider_pdf_info(offset.connection_id, ProviderPdf.Kind.OFFSET,
                                       offset.document_number),
    )


def provider_pdf_info(connection_id, kind, key) -> ProviderPdf | None:
    """The stored PDF's metadata, without loading its bytes."""
    return (ProviderPdf.objects.defer("content")
            .filter(connection_id=connection_id, kind=kind, document_key=key).first())


def invoice_for_print(pk: int) -> tuple[Invoice, list]:
    detail = invoice_detail(pk)
    return detail.invoice, detail.checks


def connection_summary(connection) -> list[tuple[str, str]]:
    """Key figures for the dashboard card: three indexed counts."""
    invoices = Invoice.objects.filter(connection=connection)
    return [
        ("Invoices", format_count(invoices.count())),
        ("Not adding up", format_count(invoices.filter(consistent=False).count())),
        ("Offsets", format_count(Offset.objects.filter(connection=connection).count())),
    ]
