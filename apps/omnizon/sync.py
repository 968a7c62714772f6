"""Omnizon streams: inbox (discover -> download -> store -> acknowledge), outbox, usage.

Per company, a document stream lists its window (pages of metadata), then downloads what is
new or failed before (XML, PDF, status) and stores it page by page; the inbox then acknowledges
what was stored. Every step reads its work from our own rows, so a run that stops anywhere
resumes without downloading or acknowledging anything twice.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from apps.core.http import ConfigurationError, ProviderError, TransientError
from apps.core.sync import Counts, Page, Stream, content_hash, upsert_rows
from apps.omnizon import services, store
from apps.omnizon.client import DocumentStatus, ListedDocument, vat_digits
from apps.omnizon.models import ArchiveUsage, Document, DocumentEvent, UsageMonth

INBOX_MAX_LOOKBACK = timedelta(days=60)  # the inbox refuses an older dateFrom
LOOKBACK_SAFETY = timedelta(hours=1)     # stay clear of that limit (clock skew, slow runs)


def company_vats(connection) -> list[str]:
    vats = [vat_digits(v) for v in connection.options.get("companies", []) if str(v).strip()]
    if not vats:
        raise ConfigurationError(f"Connection {connection.name} lists no companies: set "
                                 f'options {{"companies": ["HR…"]}}.')
    return vats


def auto_ack(connection, vat: str) -> bool:
    """options.auto_ack: true (default), false, or the list of companies to acknowledge for."""
    setting = connection.options.get("auto_ack", True)
    if isinstance(setting, list):
        return vat in {vat_digits(v) for v in setting}
    return bool(setting)


@dataclass
class Listed:
    company_vat: str
    item: ListedDocument


@dataclass
class Fetched:
    pk: int
    status: DocumentStatus | None = None
    xml: bytes | None = None
    pdf: bytes | None = None
    error: str = ""


class DocumentStream(Stream):
    direction = ""
    lookback = timedelta(minutes=15)
    full_sweep_every = timedelta(days=1)
    page_size = 500
    fetch_batch = 20

    def listing(self, client, **kwargs):
        raise NotImplementedError

    def window(self, ctx):
        return ctx.window_start, ctx.window_end

    def pages(self, ctx):
        position = ctx.position or {}
        vats = company_vats(ctx.connection)
        for index in range(position.get("company", 0), len(vats)):
            resume = position if position.get("company") == index else {}
            if resume.get("phase", "list") == "list":
                yield from self._list(ctx, index, vats[index], resume.get("page", 1))
            yield from self._fetch(ctx, index, vats[index])
            yield from self.after_fetch(ctx, index, vats[index])

    def after_fetch(self, ctx, index, vat):
        return iter(())

    def _list(self, ctx, index, vat, page):
        date_from, date_to = self.window(ctx)
        while True:
            envelope = self.listing(ctx.client, company=vat, date_from=date_from, date_to=date_to,
                                    page=page, page_size=self.page_size)
            done = envelope.last or envelope.empty or page >= envelope.total_pages
            yield Page(items=[Listed(vat, item) for item in envelope.items],
                       next_position={"company": index, "phase": "fetch" if done else "list",
                                      "page": page + 1})
            if done:
                return
            page += 1

    def _fetch(self, ctx, index, vat):
        """New, failed and changed documents of this company, a batch per page."""
        todo = Document.objects.filter(connection=ctx.connection, direction=self.direction,
                                       company_vat=vat).filter(
            Q(state__in=[Document.State.DISCOVERED, Document.State.FAILED]) | Q(status_stale=True))
        after = 0
        while True:
            batch = list(todo.filter(pk__gt=after).order_by("pk")[:self.fetch_batch])
            if not batch:
                return
            after = batch[-1].pk
            yield Page(items=[self._download(ctx.client, doc) for doc in batch],
                       next_position={"company": index, "phase": "fetch"})

    def _download(self, client, doc) -> Fetched:
        needs_files = doc.state in (Document.State.DISCOVERED, Document.State.FAILED)
        try:
            fetched = Fetched(pk=doc.pk, status=client.status(document_id=doc.document_id,
                                                              company=doc.company_vat))
            if needs_files:
                fetched.xml = client.document_xml(document_id=doc.document_id,
                                                  company=doc.company_vat)
                fetched.pdf = client.document_pdf(document_id=doc.document_id,
                                                  company=doc.company_vat)
            return fetched
        except (TransientError, ConfigurationError):
            raise  # Omnizon unreachable or refusing us: stop; the next run picks up from here
        except ProviderError as exc:  # this document only (e.g. 404): recorded, retried later
            return Fetched(pk=doc.pk, error=f"Download failed: {exc}")

    def write(self, ctx, page):
        listed = [item for item in page.items if isinstance(item, Listed)]
        fetched = [item for item in page.items if isinstance(item, Fetched)]
        counts = Counts()
        if listed:
            counts += store.listed_write(connection=ctx.connection, rows=[
                store.listed_row(company_vat=i.company_vat, item=i.item,
                                 direction=self.direction, synced_at=ctx.synced_at)
                for i in listed])
        if fetched:
            _write_fetched(fetched)
        return counts


def _write_fetched(fetched: list[Fetched]) -> None:
    docs = Document.objects.in_bulk([f.pk for f in fetched])
    events = []
    for f in fetched:
        doc = docs[f.pk]
        if f.error:
            if doc.state == Document.State.DISCOVERED:
                doc.state = Document.State.FAILED
            doc.error = f.error
            events.append(DocumentEvent(document=doc, kind="error", message=f.error,
                                        internal_status=doc.internal_status,
                                        external_status=doc.external_status))
        else:
            events.append(store.apply_status(doc, f.status))
            if f.xml is not None:
                events.append(store.store_files(doc, xml=f.xml, pdf=f.pdf))
        doc.save()
    DocumentEvent.objects.bulk_create([e for e in events if e is not None])


class InboxStream(DocumentStream):
    name = "inbox"
    direction = Document.Direction.IN

    def listing(self, client, **kwargs):
        return client.inbox(**kwargs)

    def window(self, ctx):
        """Never further back than the inbox allows (60 days), even on a first run."""
        oldest = timezone.now() - INBOX_MAX_LOOKBACK + LOOKBACK_SAFETY
        start = ctx.window_start or oldest
        return max(start, oldest), ctx.window_end

    def after_fetch(self, ctx, index, vat):
        """Acknowledge only what was stored (and read), one page each: recorded at once."""
        if not auto_ack(ctx.connection, vat):
            return
        stored = Document.objects.filter(
            connection=ctx.connection, direction=self.direction, company_vat=vat,
            state=Document.State.STORED, acknowledged_at__isnull=True, error="",
        )
        # Ids first: acknowledging changes the very rows a live cursor would be reading.
        for pk in list(stored.order_by("pk").values_list("pk", flat=True)):
            doc = Document.objects.select_related("connection").get(pk=pk)
            try:
                services.document_acknowledge(document=doc, reason=services.AUTO_ACK_REASON,
                                              client=ctx.client)
            except services.ActionRefused:
                continue  # another process is acknowledging it right now
            except ProviderError as exc:
                if services.outcome_unknown(exc):
                    raise TransientError(
                        f"Acknowledging {doc.number or doc.document_id} failed ({exc}). Stored "
                        f"documents stay unacknowledged; the next run acknowledges them "
                        f"without downloading again.", status=exc.status) from None
                continue  # refused for this document: audited; retried next run
            yield Page(items=[], next_position={"company": index, "phase": "ack"})


class OutboxStream(DocumentStream):
    name = "outbox"
    direction = Document.Direction.OUT

    def listing(self, client, **kwargs):
        return client.outbox_status(**kwargs)


# --- usage --------------------------------------------------------------------------------------

@dataclass
class Usage:
    company_vat: str
    months: list[tuple[date, dict]]
    archive_bytes: int


def last_months(end: date, count: int) -> list[date]:
    months, current = [], end.replace(day=1)
    for _ in range(count):
        months.append(current)
        current = (current - timedelta(days=1)).replace(day=1)
    return months[::-1]


class UsageStream(Stream):
    name = "usage"
    months = 12

    def pages(self, ctx):
        position = ctx.position or {}
        vats = company_vats(ctx.connection)
        for index in range(position.get("company", 0), len(vats)):
            vat = vats[index]
            months = [(m, ctx.client.monthly_usage(company=vat, year=m.year, month=m.month))
                      for m in last_months(timezone.localdate(ctx.window_end), self.months)]
            yield Page(items=[Usage(vat, months, ctx.client.archive_usage(company=vat))],
                       next_position={"company": index + 1})

    def write(self, ctx, page):
        counts = Counts()
        for usage in page.items:
            rows = [{"key": f"{usage.company_vat}:{month:%Y-%m}", "company_vat": usage.company_vat,
                     "month": month, "documents_in": metrics.get("documents-in", 0),
                     "documents_out": metrics.get("documents-out", 0),
                     "documents_total": metrics.get(
                         "documents-total",
                         metrics.get("documents-in", 0) + metrics.get("documents-out", 0)),
                     "raw": metrics, "content_hash": content_hash(metrics),
                     "synced_at": ctx.synced_at}
                    for month, metrics in usage.months]
            counts += upsert_rows(model=UsageMonth, connection=ctx.connection, rows=rows,
                                  key="key")[0]
            raw = {"archive-bytes": usage.archive_bytes}
            counts += upsert_rows(model=ArchiveUsage, connection=ctx.connection, rows=[{
                "company_vat": usage.company_vat, "archive_bytes": usage.archive_bytes,
                "raw": raw, "content_hash": content_hash(raw), "synced_at": ctx.synced_at,
            }], key="company_vat")[0]
        return counts
