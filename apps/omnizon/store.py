"""Payload -> rows: listing items, downloaded files and parsed UBL become Document data.

Called inside the sync's page transactions and by services; no provider calls here.
"""

import hashlib
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from django.utils import timezone

from apps.core.sync import content_hash, replace_children, upsert_rows
from apps.omnizon import ubl
from apps.omnizon.client import ListedDocument, vat_digits
from apps.omnizon.models import Document, DocumentEvent, DocumentFile, DocumentLine, DocumentVat

EDI_TYPES = {"Invoice": "INVOICE", "CreditNote": "CREDIT_NOTE"}


def listed_row(*, company_vat: str, item: ListedDocument, direction: str, synced_at) -> dict:
    raw = item.model_dump(mode="json", by_alias=True)
    inbound = direction == Document.Direction.IN
    row = {
        "document_id": item.document_id, "direction": direction,
        "company_vat": vat_digits(company_vat), "doc_type": item.edi_type or "",
        "number": item.number or "",
        "supplier_name": (item.sender_name if inbound else item.supplier_name) or "",
        "customer_name": (item.customer_name if inbound else item.receiver_name) or "",
        "supplier_vat": vat_digits(item.supplier_vat or ""),
        "customer_vat": vat_digits(item.customer_vat or ""),
        "amount": item.amount, "currency": (item.currency or "")[:3],
        "created_at": item.created, "modified_at": item.modified, "status_stale": True,
        "raw": raw, "content_hash": content_hash(raw), "synced_at": synced_at,
    }
    if not inbound:  # the outbox listing carries the statuses (the inbox one does not)
        row["internal_status"] = item.internal_status or ""
        row["external_status"] = item.external_status if isinstance(item.external_status, str) \
            else ""
    return row


def listed_write(*, connection, rows: list[dict]):
    """Upsert one listing page; log discoveries and status changes in the history."""
    keys = [row["document_id"] for row in rows]
    before = {d: (i, e) for d, i, e in Document.objects.filter(
        connection=connection, document_id__in=keys).values_list(
        "document_id", "internal_status", "external_status")}
    counts, changed = upsert_rows(model=Document, connection=connection, rows=rows,
                                  key="document_id")
    events = []
    for doc in Document.objects.filter(connection=connection, document_id__in=changed):
        if doc.document_id not in before:
            events.append(DocumentEvent(document=doc, kind="discovered",
                                        internal_status=doc.internal_status,
                                        external_status=doc.external_status,
                                        message="Listed by Omnizon."))
        elif before[doc.document_id] != (doc.internal_status, doc.external_status):
            events.append(status_event(doc, "Outbox listing"))
    DocumentEvent.objects.bulk_create(events)
    return counts


def status_event(doc, source: str, user=None) -> DocumentEvent:
    return DocumentEvent(document=doc, kind="status", internal_status=doc.internal_status,
                         external_status=doc.external_status, message=source, user=user)


def apply_status(doc: Document, status) -> DocumentEvent | None:
    """Set the statuses of a getStatus answer; an event when something changed."""
    new = (status.internal_status or "", status.external_status or "")
    changed = new != (doc.internal_status, doc.external_status)
    doc.internal_status, doc.external_status = new
    doc.fiscalization = status.fiscalization
    doc.status_details = [d.model_dump(mode="json", by_alias=True) for d in status.details]
    doc.status_stale = False
    return status_event(doc, "Status from Omnizon") if changed else None


def store_files(doc: Document, *, xml: bytes, pdf: bytes | None) -> DocumentEvent:
    """Keep the files exactly as downloaded, then read the XML (a bad one is a document
    error, never an exception)."""
    _keep(doc, DocumentFile.Kind.XML, xml)
    if pdf is not None:
        _keep(doc, DocumentFile.Kind.PDF, pdf)
    doc.has_pdf = pdf is not None
    doc.state = Document.State.STORED if doc.acknowledged_at is None else doc.state
    doc.stored_at = timezone.now()
    message = f"Stored XML ({len(xml):,} bytes) and " + (
        f"PDF ({len(pdf):,} bytes)." if pdf is not None else "no PDF (none attached).")
    try:
        apply_invoice(doc, ubl.parse(xml))
        doc.error = ""
    except ubl.UBLError as exc:
        doc.error = f"The XML could not be read: {exc}"
        replace_children(model=DocumentLine, parent_field="document", parents=[doc], children=[])
        replace_children(model=DocumentVat, parent_field="document", parents=[doc], children=[])
        message += " " + doc.error
    return DocumentEvent(document=doc, kind="stored", internal_status=doc.internal_status,
                         external_status=doc.external_status, message=message)


def _keep(doc, kind, content: bytes):
    DocumentFile.objects.update_or_create(
        document=doc, kind=kind,
        defaults={"content": content, "size": len(content),
                  "sha256": hashlib.sha256(content).hexdigest(), "stored_at": timezone.now()})


def apply_invoice(doc: Document, inv: ubl.Invoice) -> None:
    """Parsed UBL -> the document's columns (blanks only for listing fields), lines, VAT."""
    doc.doc_type = EDI_TYPES[inv.doc_type]
    doc.issue_date, doc.due_date = inv.issue_date, inv.due_date
    doc.tax_amount = inv.totals.get("tax")
    doc.number = doc.number or inv.number[:200]
    doc.currency = doc.currency or inv.currency[:3]
    doc.amount = doc.amount if doc.amount is not None else inv.payable
    doc.supplier_name = doc.supplier_name or inv.supplier.name[:300]
    doc.customer_name = doc.customer_name or inv.customer.name[:300]
    doc.supplier_vat = doc.supplier_vat or vat_digits(inv.supplier.vat)[:30]
    doc.customer_vat = doc.customer_vat or vat_digits(inv.customer.vat)[:30]
    doc.details = _jsonable({
        "supplier": asdict(inv.supplier), "customer": asdict(inv.customer),
        "payment": inv.payment, "totals": inv.totals, "allowances": inv.allowances,
        "note": inv.note, "billing_reference": inv.billing_reference,
        "type_code": inv.type_code, "currency": inv.currency, "problems": inv.problems,
    })
    replace_children(model=DocumentLine, parent_field="document", parents=[doc], children=[
        DocumentLine(document=doc, position=line.position[:20], description=line.description[:500],
                     quantity=line.quantity, unit=line.unit[:10], unit_price=line.unit_price,
                     net_amount=line.net_amount, vat_category=line.vat_category[:5],
                     vat_rate=line.vat_rate)
        for line in inv.lines])
    replace_children(model=DocumentVat, parent_field="document", parents=[doc], children=[
        DocumentVat(document=doc, category=g.category[:5], rate=g.rate,
                    taxable_amount=g.taxable_amount, tax_amount=g.tax_amount,
                    exemption_reason=g.exemption_reason[:500])
        for g in inv.vat])


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (Decimal, date)):
        return str(value)
    return value
