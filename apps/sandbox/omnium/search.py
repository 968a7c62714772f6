"""The two search requests of the Accounting API: parse and validate the body the way Omnium
documents it, then filter, sort and page the generated postings of the requested window."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from apps.sandbox.omnium import generator

MAX_WINDOW = 10_000
STATUSES = {"Posted", "Exported", "Reconciled", "Rejected", "Superseded"}
SOURCES = {"PosZReport", "WebFulfillment"}
CATEGORIES = {
    "Sales", "OutputVat", "PaymentMethod", "Shipping", "Discount", "Rounding",
    "RefundPaymentMethod", "InternalTransferOut", "InternalTransferIn", "Receivable",
    "GiftCardLiability", "PaymentProviderFee", "Other", "CashFloat", "CashInTransit", "OverShort",
    "Tip",
}
LINE_SORTS = {
    "postingdate": lambda pl: (pl[0].day, pl[0].id, pl[1].seq),
    "accountnumber": lambda pl: (pl[1].account, pl[0].day, pl[0].id, pl[1].seq),
    "postingid": lambda pl: (pl[0].id, pl[1].seq),
}


class BadRequest(Exception):
    """A validation failure: answered 400 with this message."""


@dataclass
class Criteria:
    take: int
    page: int
    date_from: datetime | None = None
    date_to: datetime | None = None
    stores: set | None = None
    register: str | None = None
    company: str | None = None
    status: str | None = None
    source: str | None = None
    include_superseded: bool = False
    order_ids: set | None = None
    posting_id: str | None = None
    accounts: set | None = None
    category: str | None = None
    tax_group: str | None = None
    vat_code: str | None = None
    currency: str | None = None
    sort_by: str = "postingdate"
    descending: bool = False

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.take


def read_body(raw: bytes) -> dict:
    """JSON object with case-insensitive property names (ASP.NET model binding)."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return {str(key).lower(): value for key, value in body.items()}


def posting_criteria(body: dict, params) -> Criteria:
    criteria = _common(body, params, default_take=50, max_take=100)
    criteria.register = _text(body, "registerid")
    criteria.company = _text(body, "accountingcompanycode")
    criteria.status = _choice(body, "status", STATUSES)
    criteria.order_ids = set(_list(body, "orderids")) or None
    return criteria


def line_criteria(body: dict, params) -> Criteria:
    criteria = _common(body, params, default_take=200, max_take=1000)
    criteria.posting_id = _text(body, "postingid")
    criteria.register = _text(body, "registerid")
    account = _text(body, "accountnumber")
    accounts = _list(body, "accountnumbers")
    criteria.accounts = {account} if account else (set(accounts) or None)
    criteria.category = _choice(body, "category", CATEGORIES)
    criteria.tax_group = _text(body, "taxgroupcode")
    criteria.vat_code = _text(body, "vatcode")
    criteria.currency = _text(body, "currencycode")
    sort_by = (_text(body, "sortby") or "PostingDate")
    if sort_by.lower() not in LINE_SORTS:
        raise BadRequest("SortBy must be one of PostingDate, AccountNumber, PostingId.")
    criteria.sort_by = sort_by.lower()
    criteria.descending = bool(body.get("sortdescending"))
    return criteria


def _common(body, params, *, default_take, max_take) -> Criteria:
    take = _int(body, "take", default_take)
    page = _int(body, "page", 1)
    if not 1 <= take <= max_take:
        raise BadRequest(f"Take must be between 1 and {max_take}.")
    if page < 1:
        raise BadRequest("Page must be 1 or greater.")
    if take * page > MAX_WINDOW:
        raise BadRequest(f"Take * Page must be less than or equal to {MAX_WINDOW:,}.")
    store, group = _text(body, "storeid"), _text(body, "storegroupid")
    if store and group:
        raise BadRequest("Specify either StoreId or StoreGroupId, not both.")
    stores = None
    if store:
        stores = {store}
    elif group:
        stores = generator.store_groups(params).get(group, set())
    criteria = Criteria(take=take, page=page, stores=stores,
                        date_from=_datetime(body, "postingdatefrom"),
                        date_to=_datetime(body, "postingdateto"),
                        source=_choice(body, "source", SOURCES),
                        include_superseded=bool(body.get("includesuperseded")))
    if criteria.date_from and criteria.date_to and criteria.date_from > criteria.date_to:
        raise BadRequest("PostingDateFrom must be on or before PostingDateTo.")
    return criteria


def _int(body, key, default) -> int:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"'{key}' must be an integer.")
    return value


def _text(body, key) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRequest(f"'{key}' must be a string.")
    return value


def _list(body, key) -> list:
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest(f"'{key}' must be a list of strings.")
    return value


def _choice(body, key, allowed) -> str | None:
    value = _text(body, key)
    if value is None:
        return None
    match = next((a for a in allowed if a.lower() == value.lower()), None)
    if match is None:
        raise BadRequest(f"'{value}' is not a valid {key}.")
    return match


def _datetime(body, key) -> datetime | None:
    value = _text(body, key)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"'{key}' is not a valid date-time: {value!r}.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- answering ---------------------------------------------------------------------------------

def _day_moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _window_postings(params, c: Criteria):
    first = c.date_from.astimezone(UTC).date() if c.date_from else params.start
    last = c.date_to.astimezone(UTC).date() if c.date_to else params.end
    for posting in generator.postings_between(params, first, last):
        moment = _day_moment(posting.day)
        if c.date_from and moment < c.date_from or c.date_to and moment > c.date_to:
            continue
        if not posting.visible or (posting.status == "Superseded" and not c.include_superseded):
            continue
        if c.stores is not None and posting.store.id not in c.stores:
            continue
        if c.register and posting.register != c.register:
            continue
        if c.source and posting.source != c.source:
            continue
        if c.company and posting.store.info.company != c.company:
            continue
        yield posting


def search_postings(params, c: Criteria) -> dict:
    hits = [
        p for p in _window_postings(params, c)
        if (not c.status or p.status == c.status)
        and (not c.order_ids or c.order_ids.intersection(p.order_ids))
    ]
    hits.sort(key=lambda p: (p.day, p.id))
    page = hits[c.offset:c.offset + c.take]
    return {"totalHits": len(hits), "result": [generator.posting_json(p) for p in page]}


def search_lines(params, c: Criteria) -> dict:
    hits = []
    for posting in _window_postings(params, c):
        if c.posting_id and posting.id != c.posting_id:
            continue
        if c.currency and posting.currency != c.currency:
            continue
        for line in posting.lines:
            if c.accounts and line.account not in c.accounts:
                continue
            if c.category and line.category != c.category:
                continue
            if c.tax_group and line.tax_group != c.tax_group:
                continue
            if c.vat_code and line.vat_code != c.vat_code:
                continue
            hits.append((posting, line))
    hits.sort(key=LINE_SORTS[c.sort_by], reverse=c.descending)
    page = hits[c.offset:c.offset + c.take]
    return {"totalHits": len(hits), "result": [generator.line_json(posting, line) for posting, line in page]}
