"""Invoices from Ovipro: search on `modifiedAfter`, then a get for each new or changed one.

Search items lack the currency, discount, terms, down payment, documents and the credit-note
link, so a changed summary is completed with the get operation (unchanged ones cost nothing).
Paging is keyed on modificationTime (see `next_position`) so invoices edited while we read move
to the end of the list instead of shifting an unread one past us.
"""

from datetime import timedelta, timezone

from apps.core.http import NotFoundError
from apps.core.sync import Counts, Page, Stream, content_hash, replace_children, upsert_rows
from apps.ovipro.client import InvoiceDetail, InvoiceSummary
from apps.ovipro.models import (
    Invoice,
    InvoiceCost,
    InvoiceDocument,
    InvoiceParty,
    PaymentAccount,
    StatusChange,
)

PAGE_SIZE = 100
ONE_MS = timedelta(milliseconds=1)


def _dump(model) -> dict:
    return model.model_dump(by_alias=True, exclude_none=True)


def summary_hash(summary: InvoiceSummary) -> str:
    return content_hash(_dump(summary))


def invoice_row(summary: InvoiceSummary | None, detail: InvoiceDetail, synced_at) -> dict:
    """One Invoice row from the get payload, with `isPaid` and totals from the search summary."""
    content = detail.invoice
    terms = content.terms
    invoicing = terms.invoicing if terms else None
    e_invoicing = invoicing.e_invoicing if invoicing else None
    payment = terms.payment_terms if terms else None
    address = content.billing_address
    discount = content.discount
    totals = summary.total_invoiced_amount if summary else None
    parties = content.invoiced_parties
    return {
        "invoice_id": detail.invoice_id,
        "status": detail.status_code,
        "invoice_type": detail.invoice_type_code,
        "reason": detail.invoicing_reason_code,
        "assignment_id": detail.assignment_id or "",
        "trade_settlement_id": detail.trade_settlement_id or "",
        "rental_settlement_id": detail.rental_settlement_id or "",
        "realty_id": detail.realty_id or "",
        "agency_office_id": content.agency_office_id or "",
        "responsible_agent_id": content.responsible_agent_id or "",
        "invoice_number": content.invoice_number or (summary and summary.invoice_number) or "",
        "reference_number": content.reference_number or (summary and summary.reference_number) or "",
        "is_paid": bool(summary and summary.is_paid),
        "currency": content.currency_code or "EUR",
        "invoicing_date": content.invoicing_date,
        "issue_date": content.issue_date,
        "due_date": content.due_date,
        "total_vat_included": totals.vat_included if totals else None,
        "total_vat_excluded": totals.vat_excluded if totals else None,
        "down_payment": content.down_payment,
        "discount_amount": discount.amount if discount else None,
        "discount_includes_vat": discount.includes_vat if discount else True,
        "discount_vat_percentage": discount.vat_percentage if discount else None,
        "discount_description": (discount.description or "") if discount else "",
        "primary_party_id": (parties.primary_id or "") if parties else "",
        "payment_terms_code": (payment.payment_terms_code or "") if payment else "",
        "payment_terms_description": (payment.other_payment_terms_description or "") if payment else "",
        "late_payment_fee_percentage": terms.late_payment_fee_percentage if terms else None,
        "notice_period": terms.notice_period if terms else None,
        "invoicing_method": invoicing.invoicing_method_code if invoicing else "",
        "e_invoicing_address": (e_invoicing.e_invoicing_address or "") if e_invoicing else "",
        "e_invoicing_operator_id": (e_invoicing.operator_id or "") if e_invoicing else "",
        "e_invoicing_operator_name": (e_invoicing.operator_name or "") if e_invoicing else "",
        "billing_recipient": (address.recipient or "") if address else "",
        "billing_street": (address.street_address or "") if address else "",
        "billing_postcode": (address.postcode or "") if address else "",
        "billing_area": (address.postal_area or "") if address else "",
        "billing_country": (address.country_code or "") if address else "",
        "invoice_document_id": detail.invoice_document_id or "",
        "preview_document_id": detail.preview_invoice_document_id or "",
        "commission_id": content.commission_id or "",
        "credited_invoice_id": (detail.credit_note.credited_invoice_id or "") if detail.credit_note else "",
        "credit_note_reason": (detail.credit_note.credit_note_reason or "") if detail.credit_note else "",
        "source_system_code": content.source_system_code or "",
        "source_system_creation_time": content.source_system_creation_time,
        "creation_time": detail.creation_time,
        "modification_time": detail.modification_time,
        "removed_at_provider": False,
        "raw": {"summary": _dump(summary) if summary else None, "detail": _dump(detail)},
        "content_hash": summary_hash(summary) if summary else content_hash(_dump(detail)),
        "synced_at": synced_at,
    }


def _children(invoice: Invoice, detail: InvoiceDetail):
    content = detail.invoice
    costs = [InvoiceCost(invoice=invoice, position=i, amount=c.amount,
                         cost_type=c.cost_type_code or "", description=c.description or "",
                         vat_percentage=c.vat_percentage, includes_vat=c.includes_vat,
                         included_in_commission=c.included_in_commission)
             for i, c in enumerate(content.costs)]
    listed = content.invoiced_parties
    parties = [InvoiceParty(invoice=invoice, party_id=p.party_id,
                            is_primary=p.party_id == listed.primary_id)
               for p in (listed.parties if listed else [])]
    accounts = [PaymentAccount(invoice=invoice, bank_name=a.bank_name or "", bic=a.bic or "",
                               iban=a.iban or "", account_holder=a.account_holder or "")
                for a in content.payment_accounts]
    return costs, parties, accounts


def store_invoices(*, connection, pairs, synced_at) -> Counts:
    """Upsert (summary, detail) pairs with their children, documents and status history.
    Pairs whose detail is None are unchanged summaries: nothing to rewrite."""
    complete = [(s, d) for s, d in pairs if d is not None]
    before = dict((k, (st, paid)) for k, st, paid in Invoice.objects.filter(
        connection=connection, invoice_id__in=[d.invoice_id for _, d in complete]
    ).values_list("invoice_id", "status", "is_paid"))
    rows = [invoice_row(s, d, synced_at) for s, d in complete]
    counts, changed = upsert_rows(model=Invoice, connection=connection, rows=rows, key="invoice_id")
    counts.unchanged += len(pairs) - len(complete)
    if not changed:
        return counts
    details = {d.invoice_id: d for _, d in complete}
    invoices = list(Invoice.objects.filter(connection=connection, invoice_id__in=changed))
    costs, parties, accounts, documents, history = [], [], [], [], []
    for invoice in invoices:
        c, p, a = _children(invoice, details[invoice.invoice_id])
        costs += c
        parties += p
        accounts += a
        documents += [InvoiceDocument(invoice=invoice, document_id=doc_id, kind=kind)
                      for doc_id, kind in ((invoice.preview_document_id, "preview"),
                                           (invoice.invoice_document_id, "invoice")) if doc_id]
        old = before.get(invoice.invoice_id)
        if old != (invoice.status, invoice.is_paid):
            history.append(StatusChange(invoice=invoice, at=invoice.modification_time,
                                        from_status=old[0] if old else "",
                                        to_status=invoice.status, is_paid=invoice.is_paid))
    replace_children(model=InvoiceCost, parent_field="invoice", parents=invoices, children=costs)
    replace_children(model=InvoiceParty, parent_field="invoice", parents=invoices, children=parties)
    replace_children(model=PaymentAccount, parent_field="invoice", parents=invoices,
                     children=accounts)
    InvoiceDocument.objects.bulk_create(documents, ignore_conflicts=True)
    StatusChange.objects.bulk_create(history)
    return counts


class InvoicesStream(Stream):
    name = "invoices"
    lookback = timedelta(minutes=5)
    full_sweep_every = timedelta(days=1)  # notices drafts deleted at the provider

    def pages(self, ctx):
        position = ctx.position or {"after": iso_utc(ctx.window_start), "index": 0}
        while True:
            result = ctx.client.search(modifiedAfter=position["after"],
                                       sort=["modificationTime|asc"],
                                       startIndex=position["index"], size=PAGE_SIZE)
            items = result.invoices
            already = set(position.get("seen", []))  # the overlap, written on the last page
            pairs = self._complete(ctx, [s for s in items if s.invoice_id not in already])
            done = len(items) < PAGE_SIZE
            yield Page(items=pairs, next_position=None if done else next_position(position, items))
            if done:
                return
            position = next_position(position, items)

    def _complete(self, ctx, summaries):
        """Fetch the details of the summaries that are new or changed."""
        known = dict(Invoice.objects.filter(
            connection=ctx.connection, invoice_id__in=[s.invoice_id for s in summaries]
        ).values_list("invoice_id", "content_hash"))
        pairs = []
        for summary in summaries:
            if known.get(summary.invoice_id) == summary_hash(summary):
                pairs.append((summary, None))
                continue
            try:
                pairs.append((summary, ctx.client.get(summary.invoice_id)))
            except NotFoundError:  # deleted between the search and the get
                continue
        return pairs

    def write(self, ctx, page):
        counts = store_invoices(connection=ctx.connection, pairs=page.items,
                                synced_at=ctx.synced_at)
        if ctx.full:
            ids = [s.invoice_id for s, _ in page.items]
            Invoice.objects.filter(connection=ctx.connection, invoice_id__in=ids).update(
                seen_at=ctx.window_end, removed_at_provider=False)
            if page.next_position is None:
                _mark_removed(ctx)
        return counts


def next_position(position, items) -> dict:
    """Continue just before the last modificationTime read (the rows read at that instant are
    remembered and skipped); step by index only when a whole page shares one timestamp."""
    newest = items[-1].modification_time
    last = iso_utc(newest - ONE_MS)
    if position["after"] is None or last > position["after"]:
        seen = [s.invoice_id for s in items if s.modification_time == newest]
        return {"after": last, "index": 0, "seen": seen}
    return {"after": position["after"], "index": position["index"] + len(items), "seen": []}


def _mark_removed(ctx):
    """After a full sweep: rows the provider no longer lists (deleted drafts)."""
    Invoice.objects.filter(connection=ctx.connection, creation_time__lt=ctx.window_end).exclude(
        seen_at=ctx.window_end).update(removed_at_provider=True)


def iso_utc(moment):
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
