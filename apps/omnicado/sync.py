"""Invoices and offsets: incremental on `createdAt` with an overlap, plus a weekly full sweep.

The API has no update timestamp, so an incremental run asks for documents created since
min(the run window's start, the newest synced createdAt − overlap) and a periodic full run
re-reads everything; `content_hash` decides which rows are rewritten. Position (resume point):
{"since": date or None, "page": n}.
"""

from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from apps.core.sync import Page, Stream, content_hash, replace_children, upsert_rows
from apps.omnicado import checks
from apps.omnicado.client import PAGE_SIZE, ge
from apps.omnicado.models import (
    Invoice,
    InvoiceItem,
    InvoicePayload,
    InvoiceTax,
    Offset,
    OffsetInvoice,
    OffsetOrder,
    OffsetPayload,
)


class DocumentStream(Stream):
    lookback = timedelta(days=7)
    full_sweep_every = timedelta(days=7)
    model = None
    payload_model = None  # its foreign key is named after `model`
    key = ""
    sort_by = ""

    def fetch(self, client, **kwargs):
        raise NotImplementedError

    def pages(self, ctx):
        position = ctx.position or {"since": self.since(ctx), "page": 1}
        since, page = position["since"], position["page"]
        filters = {"createdAt": ge(since)} if since else {}
        page_size = int(ctx.connection.options.get("page_size") or PAGE_SIZE)
        while True:
            listing = self.fetch(ctx.client, filters=filters, sort_by=self.sort_by, page=page,
                                 page_size=page_size)
            following = None if listing.is_last else {"since": since, "page": page + 1}
            yield Page(items=list(zip(listing.documents, listing.raw, strict=True)), next_position=following)
            if following is None:
                return
            page += 1

    def since(self, ctx) -> str | None:
        """First createdAt (ISO date) this run asks for; None: everything."""
        start = ctx.connection.options.get("start_date") or None  # bounds every run
        if ctx.window_start is None:
            return start
        day = timezone.localtime(ctx.window_start).date()  # as staff typed --since
        if not ctx.run.since:  # an explicit --since is taken as given
            newest = self.model.objects.filter(connection=ctx.connection).aggregate(
                newest=Max("created_on"))["newest"]
            if newest is not None:
                day = min(day, newest - self.lookback)
        return max(day.isoformat(), start) if start else day.isoformat()

    def upsert(self, ctx, page, row_of):
        """Upsert the page's documents; returns (counts, {key: pk} of the rewritten ones,
        {key: document})."""
        documents, payloads, rows = {}, {}, []
        for document, raw in page.items:
            row = row_of(document)
            row.update(content_hash=content_hash(raw), synced_at=ctx.synced_at,
                       first_seen_at=ctx.synced_at)
            rows.append(row)
            documents[row[self.key]] = document
            payloads[row[self.key]] = raw
        counts, changed = upsert_rows(model=self.model, connection=ctx.connection, rows=rows,
                                      key=self.key)
        pks = dict(self.model.objects.filter(connection=ctx.connection, **{
            f"{self.key}__in": changed}).values_list(self.key, "pk")) if changed else {}
        parent = f"{self.model._meta.model_name}_id"
        replace_children(model=self.payload_model, parent_field=parent, parents=list(pks.values()),
                         children=[self.payload_model(**{parent: pk, "raw": payloads[key]})
                                   for key, pk in pks.items()])
        return counts, pks, documents


def party_fields(prefix: str, party) -> dict:
    return {
        f"{prefix}_name": party.name,
        f"{prefix}_registration_number": party.registrationNumber,
        f"{prefix}_tax_id": party.taxIdentification,
        f"{prefix}_vat_number": party.vatNumber,
        f"{prefix}_note": party.note,
        f"{prefix}_street": party.address.street,
        f"{prefix}_city": party.address.city,
        f"{prefix}_zip": party.address.zip,
        f"{prefix}_country": party.address.country,
    }


def document_checks(doc) -> list[checks.Check]:
    recap = doc.taxRecap
    return checks.invoice_checks(
        total=doc.total,
        items=[(item.vatRate, item.priceWithoutVat, item.totalPrice) for item in doc.items],
        recap_total=recap.total if recap else None,
        taxes=[(t.tax, t.base, t.price, t.total) for t in recap.taxes] if recap else [],
    )


def invoice_row(doc) -> dict:
    bank = doc.supplier.bank
    return {
        "invoice_number": doc.invoiceNumber,
        "partner": doc.partner,
        "origin_document_id": doc.originDocumentId,
        "created_on": doc.createdAt,
        "delivered_on": doc.deliveryAt,
        "due_on": doc.dueDate,
        "currency": doc.currency,
        "total": doc.total,
        "items_total": sum((item.totalPrice for item in doc.items), 0),
        "tax_recap_total": doc.taxRecap.total if doc.taxRecap else None,
        "consistent": checks.all_ok(document_checks(doc)),
        "file_path": doc.filePath,
        "note": doc.note,
        "purch_no_c": doc.purchNoC,
        "invoice_type": doc.invoiceType,
        "invoice_indicator": doc.invoiceIndicator,
        "document_type": doc.documentType,
        "invoice_type_tag": doc.invoiceTypeTag,
        "bank_account": bank.bankAccount if bank else "",
        "bank_name": bank.bankName if bank else "",
        "iban": bank.iban if bank else "",
        "swift": bank.swift if bank else "",
        **party_fields("supplier", doc.supplier),
        **party_fields("customer", doc.customer),
    }


def invoice_children(pk, doc) -> tuple[list, list]:
    items = [InvoiceItem(
        invoice_id=pk, position=n, product_id=item.id, article_id=item.articleId,
        order_id=item.orderId, title=item.title, title_en=item.titleEn, quantity=item.quantity,
        unit=item.unit, unit_price=item.unitPrice, price_without_vat=item.priceWithoutVat,
        vat_price=item.vatPrice, vat_rate=item.vatRate, total_price=item.totalPrice,
    ) for n, item in enumerate(doc.items, start=1)]
    taxes = [InvoiceTax(invoice_id=pk, rate=checks.tax_key(t.tax), base=t.base, vat=t.price,
                        total=t.total)
             for t in (doc.taxRecap.taxes if doc.taxRecap else [])]
    return items, taxes


class InvoicesStream(DocumentStream):
    name = "invoices"
    model = Invoice
    payload_model = InvoicePayload
    key = "invoice_number"
    sort_by = "createdAt:asc,invoiceNumber:asc"

    def fetch(self, client, **kwargs):
        return client.invoices(**kwargs)

    def write(self, ctx, page):
        counts, pks, documents = self.upsert(ctx, page, invoice_row)
        items, taxes = [], []
        for number, pk in pks.items():
            more_items, more_taxes = invoice_children(pk, documents[number])
            items += more_items
            taxes += more_taxes
        parents = list(pks.values())
        replace_children(model=InvoiceItem, parent_field="invoice_id", parents=parents,
                         children=items)
        replace_children(model=InvoiceTax, parent_field="invoice_id", parents=parents,
                         children=taxes)
        return counts


def offset_row(doc) -> dict:
    return {
        "document_number": doc.documentNumber,
        "partner": doc.partner,
        "created_on": doc.createdAt,
        "due_on": doc.dueDate,
        "currency": doc.currency,
        "diff_price": doc.diffPrice,
        "variable_symbol": doc.variableSymbol,
        "invoice_count": len(doc.invoices),
        "order_count": len(doc.orders),
        "attachment_filename": doc.attachment.filename if doc.attachment else "",
        "attachment_mime": doc.attachment.mime if doc.attachment else "",
        **party_fields("supplier", doc.supplier),
        **party_fields("customer", doc.customer),
    }


def _settlement(line) -> dict:
    return {"created_on": line.created, "due_on": line.dueDate, "sum_price": line.sumPrice,
            "offset_price": line.offsetPrice, "remain_price": line.remainPrice,
            "currency": line.currency}


class OffsetsStream(DocumentStream):
    name = "offsets"
    model = Offset
    payload_model = OffsetPayload
    key = "document_number"
    sort_by = "createdAt:asc,documentNumber:asc"

    def fetch(self, client, **kwargs):
        return client.offsets(**kwargs)

    def write(self, ctx, page):
        counts, pks, documents = self.upsert(ctx, page, offset_row)
        invoices, orders = [], []
        for number, pk in pks.items():
            doc = documents[number]
            invoices += [OffsetInvoice(
                offset_id=pk, position=n, invoice_number=line.id,
                invoice_number_text=line.invoiceNumber, purch_no_c=line.purchNoC,
                note=line.note, **_settlement(line),
            ) for n, line in enumerate(doc.invoices, start=1)]
            orders += [OffsetOrder(offset_id=pk, position=n, order_id=line.id, **_settlement(line))
                       for n, line in enumerate(doc.orders, start=1)]
        parents = list(pks.values())
        replace_children(model=OffsetInvoice, parent_field="offset_id", parents=parents,
                         children=invoices)
        replace_children(model=OffsetOrder, parent_field="offset_id", parents=parents,
                         children=orders)
        return counts
