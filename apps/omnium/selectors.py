"""Reads of the synced Omnium data: querysets for pages and exports, the trial balance, the
daily chart, the data checks."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import BigIntegerField, F, Q, Sum
from django.db.models.functions import Cast, Coalesce, Round

from apps.core.money import format_count
from apps.omnium.models import Account, LedgerLine, Posting, PostingStatus

UNITS = 10_000  # amounts carry at most four decimals


def exact_sum(field: str):
    """Σ of a money column as an integer count of 1/10 000: exact on PostgreSQL and on SQLite
    (which keeps decimals as floating point and would sum them as floats)."""
    return Coalesce(Sum(_units(field)), 0)


def _units(field: str):
    return Cast(Round(F(field) * UNITS), BigIntegerField())


def units_to_decimal(units) -> Decimal:
    return Decimal(int(units or 0)).scaleb(-4)


# --- querysets -----------------------------------------------------------------------------------

def postings_queryset():
    return Posting.objects.select_related("connection").defer("raw")


LINE_TABLE_FIELDS = (
    "connection__name", "posting__provider_id", "posting__status", "line_sequence",
    "posting_date", "source", "store_id", "register_id", "accounting_company_code",
    "account_number", "account_name", "category", "description", "debit", "credit", "currency",
    "vat_code", "vat_rate", "vat_amount", "tax_group_code", "customer_number", "invoice_number",
    "kid_number", "dimensions", "in_totals", "provider_id",
)


def lines_queryset():
    return (LedgerLine.objects.select_related("posting", "connection")
            .only(*LINE_TABLE_FIELDS))


def posting_detail(pk: int) -> Posting:
    return Posting.objects.select_related("connection").get(pk=pk)


def posting_lines(posting: Posting):
    return posting.lines.order_by("line_sequence")


def posting_related(posting: Posting) -> dict:
    """The postings this one replaced and was replaced by (same source event)."""
    ids = {posting.supersedes_posting_id, posting.superseded_by} - {""}
    found = {p.provider_id: p for p in Posting.objects.filter(
        connection=posting.connection_id, provider_id__in=ids).only(
        "pk", "provider_id", "status", "total_debit", "currency", "created_at")}
    history = Posting.objects.filter(connection=posting.connection_id,
                                     source_key=posting.source_key).only(
        "pk", "provider_id", "status", "in_totals", "created_at", "total_debit", "currency"
    ).order_by("created_at", "provider_id")
    return {
        "supersedes": found.get(posting.supersedes_posting_id),
        "supersedes_id": posting.supersedes_posting_id,
        "superseded_by": found.get(posting.superseded_by),
        "superseded_by_id": posting.superseded_by,
        "history": list(history) if len(history) > 1 else [],
    }


def postings_totals(queryset) -> list[dict]:
    """Σ debit per currency of the postings that count (never a superseded one)."""
    rows = (queryset.filter(in_totals=True).order_by().values("currency")
            .annotate(units=exact_sum("total_debit")))
    return [{"currency": r["currency"], "amount": units_to_decimal(r["units"]), "count": None}
            for r in rows.order_by("currency")]


def lines_totals(queryset) -> list[dict]:
    """Net (debit − credit) per currency of the filtered lines that count."""
    rows = (queryset.filter(in_totals=True).order_by().values("currency")
            .annotate(debit=exact_sum("debit"), credit=exact_sum("credit")))
    return [{"currency": r["currency"], "amount": units_to_decimal(r["debit"] - r["credit"]),
             "count": None} for r in rows.order_by("currency")]


# --- the trial balance ---------------------------------------------------------------------------

@dataclass
class AccountRow:
    currency: str
    account_number: str
    account_name: str
    debit: Decimal
    credit: Decimal
    drill_url: str = ""

    @property
    def net(self) -> Decimal:
        return self.debit - self.credit


@dataclass
class CurrencyBlock:
    currency: str
    accounts: list
    debit: Decimal
    credit: Decimal

    @property
    def net(self) -> Decimal:
        return self.debit - self.credit


def _counted_lines(*, connection=None, first: date, last: date, currency: str = ""):
    lines = LedgerLine.objects.filter(in_totals=True, posting_date__gte=first,
                                      posting_date__lte=last)
    if connection is not None:
        lines = lines.filter(connection=connection)
    if currency:
        lines = lines.filter(currency=currency)
    return lines.order_by()


def account_summary(*, connection=None, first: date, last: date, currency: str = ""
                    ) -> list[CurrencyBlock]:
    """Debit, credit and net per account over [first, last], per currency (a trial balance).
    Only lines of postings that count: a corrected Z-report is in it once."""
    rows = (_counted_lines(connection=connection, first=first, last=last, currency=currency)
            .values("currency", "account_number")
            .annotate(debit=exact_sum("debit"), credit=exact_sum("credit")))
    names = _account_names(connection)
    blocks: dict[str, CurrencyBlock] = {}
    for row in rows:
        block = blocks.setdefault(row["currency"], CurrencyBlock(row["currency"], [],
                                                                 Decimal(0), Decimal(0)))
        account = AccountRow(row["currency"], row["account_number"],
                             names.get((row["currency"], row["account_number"]), ""),
                             units_to_decimal(row["debit"]), units_to_decimal(row["credit"]))
        block.accounts.append(account)
        block.debit += account.debit
        block.credit += account.credit
    for block in blocks.values():
        block.accounts.sort(key=lambda a: a.account_number)
    return [blocks[c] for c in sorted(blocks)]


def _account_names(connection) -> dict:
    accounts = Account.objects.all()
    if connection is not None:
        accounts = accounts.filter(connection=connection)
    return {(a.currency, a.account_number): a.account_name for a in accounts}


def account_choices() -> list[tuple[str, str]]:
    """Account numbers with their names (a number can carry a name per chart/currency)."""
    names: dict[str, list[str]] = {}
    for number, name in Account.objects.order_by("account_number", "account_name").values_list(
            "account_number", "account_name").distinct():
        names.setdefault(number, [])
        if name not in names[number]:
            names[number].append(name)
    return [(number, f"{number} {' / '.join(n[:40] for n in labels[:2])}")
            for number, labels in names.items()]


def daily_totals(*, connection=None, first: date, last: date, currency: str) -> list[dict]:
    """Σ debit (the vouchers' turnover) per day of the period, days without postings as zero."""
    rows = (_counted_lines(connection=connection, first=first, last=last, currency=currency)
            .values("posting_date").annotate(debit=exact_sum("debit")))
    by_day = {r["posting_date"]: units_to_decimal(r["debit"]) for r in rows}
    days = (last - first).days + 1
    return [{"day": first + timedelta(days=i),
             "amount": by_day.get(first + timedelta(days=i), Decimal(0))} for i in range(days)]


def ledger_bounds(connection=None) -> tuple[date | None, date | None]:
    postings = Posting.objects.order_by()
    if connection is not None:
        postings = postings.filter(connection=connection)
    first = postings.order_by("posting_date").values_list("posting_date", flat=True).first()
    last = postings.order_by("-posting_date").values_list("posting_date", flat=True).first()
    return first, last


def ledger_currencies(connection=None) -> list[str]:
    postings = Posting.objects.order_by()
    if connection is not None:
        postings = postings.filter(connection=connection)
    return sorted(postings.values_list("currency", flat=True).distinct())


# --- data checks ---------------------------------------------------------------------------------

CHECKS = {
    "imbalanced": ("Imbalanced postings", "Debit and credit differ on the header (imbalance ≠ 0)."),
    "lines_mismatch": ("Lines do not add up", "Σ of the synced lines differs from the header totals."),
    "without_lines": ("Postings without lines",
                      "No ledger lines here (an empty Z-report, or lines not synced yet)."),
    "auto_balanced": ("Auto-balanced postings",
                      "Omnium booked a residual to a suspense account: clear it in the ERP."),
    "rejected": ("Rejected postings", "Refused by validation or the ERP; excluded from totals."),
    "superseded_pending": ("Superseded, not confirmed",
                           "Omnium still calls these current, but a newer posting replaces them."),
}


def check_queryset(name: str, queryset=None):
    postings = queryset if queryset is not None else postings_queryset()
    visible = postings.exclude(status=PostingStatus.SUPERSEDED)
    if name == "imbalanced":
        return visible.exclude(imbalance=0)
    if name == "lines_mismatch":
        return visible.filter(lines_synced__gte=F("line_count"), lines_synced__gt=0).filter(
            ~Q(lines_debit_units=_units("total_debit")) | ~Q(lines_credit_units=_units("total_credit")))
    if name == "without_lines":
        return visible.filter(lines_synced=0)
    if name == "auto_balanced":
        return visible.filter(auto_balanced=True)
    if name == "rejected":
        return postings.filter(status=PostingStatus.REJECTED)
    if name == "superseded_pending":
        return visible.filter(in_totals=False, status__in=[
            PostingStatus.POSTED, PostingStatus.EXPORTED, PostingStatus.RECONCILED]
        ).exclude(superseded_by="")
    raise KeyError(name)


def checks_overview(connection=None) -> list[dict]:
    postings = postings_queryset()
    if connection is not None:
        postings = postings.filter(connection=connection)
    return [{"name": name, "label": label, "help": help_text,
             "count": check_queryset(name, postings).count()}
            for name, (label, help_text) in CHECKS.items()]


# --- sync helpers --------------------------------------------------------------------------------

def _window_postings(connection, window):
    postings = Posting.objects.filter(connection=connection, posting_date__gte=window["from"],
                                      posting_date__lte=window["to"])
    for key, field in (("source", "source"), ("store", "store_id"), ("register", "register_id")):
        if window.get(key):
            postings = postings.filter(**{field: window[key]})
    return postings


def postings_missing_lines(connection, window, *, limit: int) -> list[str]:
    """Provider ids of the window's postings that have fewer lines here than Omnium says."""
    return list(_window_postings(connection, window)
                .filter(line_count__gt=F("lines_synced"))
                .order_by("posting_date", "provider_id")
                .values_list("provider_id", flat=True)[:limit])


def window_values(connection, window, field: str) -> list[str]:
    return sorted(v for v in _window_postings(connection, window).order_by()
                  .values_list(field, flat=True).distinct() if v)


def connection_summary(connection) -> list[tuple[str, str]]:
    """Key figures for the dashboard card: the size of the ledger and what needs a look."""
    postings = Posting.objects.filter(connection=connection)
    attention = sum(check_queryset(name, postings).count()
                    for name in ("imbalanced", "without_lines", "lines_mismatch"))
    return [("Postings", format_count(postings.count())),
            ("Ledger lines", format_count(LedgerLine.objects.filter(connection=connection).count())),
            ("Data checks", format_count(attention))]
