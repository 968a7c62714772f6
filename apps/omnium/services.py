"""Writes to our own Omnium tables (the API is read-only, so nothing here writes to Omnium)."""

from collections import defaultdict
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from apps.core.sync import Counts, content_hash, upsert_rows
from apps.omnium.models import COUNTED_STATUSES, Account, LedgerLine, Posting
from apps.omnium.selectors import exact_sum

DEFAULT_TIME_ZONE = "Europe/Oslo"


def posting_day(moment: datetime, connection):
    """The accounting day of a wire `postingDate`. Omnium's encoding is undocumented: UTC
    midnight is read as that date; any other time is converted to the tenant's zone first (the
    'local midnight in UTC' reading), so both encodings give the same day."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc = moment.astimezone(UTC)
    if utc.time() == time.min:
        return utc.date()
    zone = ZoneInfo((connection.options or {}).get("time_zone", DEFAULT_TIME_ZONE))
    return moment.astimezone(zone).date()


def _day(moment, connection):
    return posting_day(moment, connection) if moment else None


def _source_key(posting) -> str:
    if posting.z_report_id:
        return f"z:{posting.z_report_id}"
    store = posting.store_ids[0] if posting.store_ids else ""
    return f"{posting.source}:{store}:{posting.posting_date.date().isoformat()}"


def posting_row(posting, *, connection, synced_at) -> dict:
    return {
        "provider_id": posting.id,
        "source": posting.source,
        "status": posting.status,
        "posting_date": posting_day(posting.posting_date, connection),
        "created_at": posting.created_at,
        "store_id": posting.store_ids[0] if posting.store_ids else "",
        "store_ids": posting.store_ids,
        "register_id": posting.register_ids[0] if posting.register_ids else "",
        "register_ids": posting.register_ids,
        "accounting_company_code": posting.accounting_company_code or "",
        "z_report_id": posting.z_report_id or "",
        "z_report_number": posting.z_report_number,
        "order_ids": posting.order_ids,
        "currency": posting.currency_code,
        "supersedes_posting_id": posting.supersedes_posting_id or "",
        "external_reference": posting.external_reference or "",
        "exported_at": posting.exported_at,
        "total_debit": posting.total_debit,
        "total_credit": posting.total_credit,
        "imbalance": posting.imbalance,
        "auto_balanced": posting.auto_balanced,
        "line_count": posting.line_count,
        "warnings": posting.warnings,
        "rejection_reason": posting.rejection_reason or "",
        "posting_hash": posting.posting_hash or "",
        "source_key": _source_key(posting),
        "raw": posting.raw,
        "content_hash": content_hash(posting.raw),
        "synced_at": synced_at,
    }


def line_row(line, *, parent: Posting, connection, synced_at) -> dict:
    return {
        "provider_id": line.id,
        "posting_id": parent.pk,
        "line_sequence": line.line_sequence,
        "posting_date": _day(line.posting_date, connection) or parent.posting_date,
        "source": parent.source,
        "store_id": line.store_id or parent.store_id,
        "register_id": line.register_id or "",
        "accounting_company_code": line.accounting_company_code or "",
        "account_number": line.account_number,
        "account_name": line.account_name or "",
        "category": line.category,
        "debit": line.debit,
        "credit": line.credit,
        "currency": line.currency_code,
        "vat_code": line.vat_code or "",
        "vat_rate": line.vat_rate,
        "vat_amount": line.vat_amount,
        "tax_group_code": line.tax_group_code or "",
        "description": line.description or "",
        "customer_number": line.customer_number or "",
        "invoice_number": line.invoice_number or "",
        "credit_note_number": line.credit_note_number or "",
        "invoice_date": _day(line.invoice_date, connection),
        "due_date": _day(line.due_date, connection),
        "kid_number": line.kid_number or "",
        "dimensions": line.dimensions,
        "in_totals": parent.in_totals,
        "raw": line.raw,
        "content_hash": content_hash(line.raw),
        "synced_at": synced_at,
    }


def postings_store(*, connection, postings, synced_at) -> Counts:
    """Upsert one page of postings, then settle which posting of each event counts."""
    rows = [posting_row(p, connection=connection, synced_at=synced_at) for p in postings]
    counts, _ = upsert_rows(model=Posting, connection=connection, rows=rows, key="provider_id")
    postings_reconcile_current(connection=connection,
                               source_keys={row["source_key"] for row in rows})
    return counts


def postings_reconcile_current(*, connection, source_keys) -> None:
    """At most one posting per source event counts in totals: the newest one Omnium calls
    current that no other posting supersedes. Older ones get `superseded_by`, even when their
    own Superseded status has not reached us yet, so a corrected Z-report never counts twice."""
    groups = defaultdict(list)
    for posting in Posting.objects.filter(connection=connection, source_key__in=source_keys).only(
            "pk", "provider_id", "status", "supersedes_posting_id", "created_at", "source_key",
            "in_totals", "superseded_by"):
        groups[posting.source_key].append(posting)
    changed = []
    for group in groups.values():
        replaced = {p.supersedes_posting_id: p.provider_id for p in group
                    if p.supersedes_posting_id}
        candidates = [p for p in group
                      if p.status in COUNTED_STATUSES and p.provider_id not in replaced]
        winner = max(candidates, key=_newest, default=None)
        for posting in group:
            in_totals = posting is winner
            successor = replaced.get(posting.provider_id, "")
            if not successor and winner is not None and not in_totals:
                successor = winner.provider_id
            if (posting.in_totals, posting.superseded_by) != (in_totals, successor):
                posting.in_totals, posting.superseded_by = in_totals, successor
                changed.append(posting)
    if changed:
        Posting.objects.bulk_update(changed, ["in_totals", "superseded_by"], batch_size=500)
        for flag in (True, False):
            LedgerLine.objects.filter(
                posting_id__in=[p.pk for p in changed if p.in_totals is flag]
            ).update(in_totals=flag)


def _newest(posting):
    return (posting.created_at or datetime.min.replace(tzinfo=UTC), posting.provider_id)


def lines_store(*, connection, lines, synced_at) -> Counts:
    """Upsert one page of ledger lines under their postings, then refresh the postings' line
    tallies (count, Σ debit, Σ credit) that the data checks compare with the header."""
    parents = {p.provider_id: p for p in Posting.objects.filter(
        connection=connection, provider_id__in={line.posting_id for line in lines}
    ).only("pk", "provider_id", "posting_date", "source", "store_id", "in_totals")}
    # A line whose posting we have not seen yet (built after this window's postings were read)
    # is left for the next run, which will see the posting as new and fetch its lines.
    rows = [line_row(line, parent=parents[line.posting_id], connection=connection,
                     synced_at=synced_at)
            for line in lines if line.posting_id in parents]
    counts, _ = upsert_rows(model=LedgerLine, connection=connection, rows=rows, key="provider_id")
    posting_line_tallies_refresh(posting_ids={row["posting_id"] for row in rows})
    accounts_remember(connection=connection, rows=rows)
    return counts


def accounts_remember(*, connection, rows) -> None:
    seen = {(r["currency"], r["account_number"]): (r["account_name"], r["category"]) for r in rows}
    Account.objects.bulk_create(
        [Account(connection=connection, currency=currency, account_number=number,
                 account_name=name, category=category)
         for (currency, number), (name, category) in seen.items()],
        update_conflicts=True, unique_fields=["connection", "currency", "account_number"],
        update_fields=["account_name", "category"])


def posting_line_tallies_refresh(*, posting_ids) -> None:
    """Line count, Σ debit and Σ credit of each posting's synced lines, in one UPDATE."""
    lines = LedgerLine.objects.filter(posting=OuterRef("pk")).order_by().values("posting")
    Posting.objects.filter(pk__in=posting_ids).update(
        lines_synced=Coalesce(Subquery(lines.annotate(n=Count("id")).values("n")), 0),
        lines_debit_units=Subquery(lines.annotate(s=exact_sum("debit")).values("s")),
        lines_credit_units=Subquery(lines.annotate(s=exact_sum("credit")).values("s")),
    )
