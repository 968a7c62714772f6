"""Reads for the Ovipro pages."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from apps.core.models import AuditEvent, Connection
from apps.core.money import format_count
from apps.ovipro.models import Invoice, InvoiceParty, Status, StatusChange


def invoice_get(pk: int) -> Invoice:
    return get_object_or_404(
        Invoice.objects.select_related("connection").prefetch_related(
            "costs", "payment_accounts", "documents",
            Prefetch("parties", queryset=InvoiceParty.objects.order_by("-is_primary", "pk"))),
        pk=pk)


@dataclass
class HistoryEntry:
    at: datetime
    kind: str          # "status" (seen at Ovipro) or "action" (done here)
    title: str
    outcome: str = ""
    user: str = ""
    request_id: str = ""
    message: str = ""


def invoice_history(invoice: Invoice) -> list[HistoryEntry]:
    """The lifecycle: status changes seen at Ovipro and the writes made from here."""
    entries = [HistoryEntry(at=c.at, kind="status",
                            title=(f"{c.from_status or 'new'} → {c.to_status}"
                                   + (" (paid)" if c.is_paid else "")))
               for c in StatusChange.objects.filter(invoice=invoice)]
    events = AuditEvent.objects.filter(target_type="ovipro.invoice",
                                       target_id=str(invoice.pk)).select_related("user")
    entries += [HistoryEntry(at=e.at, kind="action", title=e.action.removeprefix("ovipro."),
                             outcome=e.outcome, user=e.user.username if e.user else "",
                             request_id=e.correlation_id, message=e.message) for e in events]
    return sorted(entries, key=lambda e: e.at, reverse=True)


def credit_links(invoice: Invoice) -> dict:
    """The credited original (of a credit note) and the credit notes (of an original)."""
    same = Invoice.objects.filter(connection_id=invoice.connection_id)
    return {
        "credited": same.filter(invoice_id=invoice.credited_invoice_id).first()
        if invoice.credited_invoice_id else None,
        "credit_notes": list(same.filter(credited_invoice_id=invoice.invoice_id)),
    }


def known_ids(limit: int = 50) -> dict:
    """Offices, agents and parties seen in synced invoices: suggestions for the forms."""
    def distinct(queryset, field):
        return list(queryset.order_by(field).values_list(field, flat=True).distinct()[:limit])

    return {"offices": [v for v in distinct(Invoice.objects, "agency_office_id") if v],
            "agents": [v for v in distinct(Invoice.objects, "responsible_agent_id") if v],
            "parties": distinct(InvoiceParty.objects, "party_id")}


def offices_known() -> list[dict]:
    """Each (connection, office) with its invoice count: the offices page."""
    rows = (Invoice.objects.exclude(agency_office_id="").order_by()
            .values("connection_id", "connection__name", "agency_office_id")
            .annotate(invoices=Count("pk")).order_by("connection__name", "agency_office_id"))
    return list(rows)


def connection_get(pk: int) -> Connection:
    return get_object_or_404(Connection, pk=pk, provider="ovipro")


def connection_summary(connection) -> list[tuple[str, str]]:
    """Key figures for the dashboard card, in one aggregate query."""
    counts = Invoice.objects.filter(connection=connection).aggregate(
        drafts=Count("pk", filter=Q(status=Status.DRAFT)),
        waiting=Count("pk", filter=Q(status=Status.READY_FOR_APPROVAL)),
        unpaid=Count("pk", filter=Q(status=Status.APPROVED, is_paid=False)),
    )
    return [("Drafts", format_count(counts["drafts"])),
            ("Awaiting approval", format_count(counts["waiting"])),
            ("Approved, unpaid", format_count(counts["unpaid"]))]
