"""Omnium's accounting data, generated.

Every posting of one (store, day) is a pure function of the account's seed, scale and options,
so a date-window search generates only the days of its window, and a test can recompute exactly
what the provider holds. A day's postings are cached (a few days at a time, bounded) because a
paged search asks for the same window once per page.

Scale is the approximate number of ledger lines over the account's `days`: the number of stores
grows with it (a large chain has hundreds of stores), the days do not.
"""

import hashlib
import threading
from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from apps.sandbox import data

LINES_PER_STORE_DAY = 28  # average of the generator below: stores = scale / days / this
DEFAULT_DAYS = 120
DEFAULT_END = date(2026, 1, 31)
ZREPORT_EPOCH = date(2020, 1, 1)  # Z-report numbers count days from here, per register

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

Vat = namedtuple("Vat", "code rate group sales_account output_account label")
Tender = namedtuple("Tender", "key account name")


@dataclass(frozen=True)
class Country:
    currency: str
    company: str
    group: str
    cities: tuple
    vat: tuple          # Vat rows; the first is the standard rate
    tenders: tuple      # card, cash, mobile
    cash_rounding: Decimal


COUNTRIES = {
    "NO": Country("NOK", "NO01", "region-norway",
                  (("OSL", "Oslo Storo"), ("BRG", "Bergen Lagunen"), ("TRD", "Trondheim Solsiden"),
                   ("TOS", "Tromsø Jekta"), ("BOD", "Bodø Glasshuset"), ("ALE", "Ålesund Moa")),
                  (Vat("3", Decimal(25), "HIGH", "3000", "2700", "Salg høy sats"),
                   Vat("31", Decimal(15), "FOOD", "3010", "2710", "Salg middels sats"),
                   Vat("5", Decimal(0), "ZERO", "3050", "", "Salg fritatt")),
                  (Tender("card", "1580", "Kortoppgjør"), Tender("cash", "1900", "Kasse"),
                   Tender("mobile", "1581", "Vipps oppgjør")), Decimal(1)),
    "SE": Country("SEK", "SE01", "region-sweden",
                  (("STO", "Stockholm Söder"), ("GOT", "Göteborg Nordstan"),
                   ("MAL", "Malmö Triangeln"), ("UPP", "Uppsala Gränby"), ("LUL", "Luleå Storheden")),
                  (Vat("10", Decimal(25), "HIGH", "3001", "2611", "Försäljning 25 %"),
                   Vat("11", Decimal(12), "FOOD", "3002", "2621", "Försäljning 12 %"),
                   Vat("12", Decimal(6), "BOOKS", "3003", "2631", "Försäljning 6 %")),
                  (Tender("card", "1580", "Kortinbetalningar"), Tender("cash", "1910", "Kassa"),
                   Tender("mobile", "1582", "Swish")), Decimal(1)),
    "DK": Country("DKK", "DK01", "region-denmark",
                  (("CPH", "København Fisketorvet"), ("AAR", "Århus Bruuns"),
                   ("ODE", "Odense Rosengårdcentret")),
                  (Vat("I25", Decimal(25), "HIGH", "1010", "6901", "Salg moms 25 %"),),
                  (Tender("card", "5820", "Dankort-afregning"), Tender("cash", "5810", "Kasse"),
                   Tender("mobile", "5825", "MobilePay")), Decimal("0.50")),
    "FI": Country("EUR", "FI01", "region-finland",
                  (("HEL", "Helsinki Kämp"), ("ESP", "Espoo Iso Omena"), ("TKU", "Turku Hansa"),
                   ("JYV", "Jyväskylä Väinönkatu")),
                  (Vat("25.5", Decimal("25.5"), "HIGH", "3000", "2939", "Myynti 25,5 %"),
                   Vat("14", Decimal(14), "FOOD", "3010", "2940", "Myynti 14 %"),
                   Vat("10", Decimal(10), "BOOKS", "3020", "2941", "Myynti 10 %")),
                  (Tender("card", "1710", "Korttimaksut"), Tender("cash", "1700", "Kassa"),
                   Tender("mobile", "1715", "MobilePay")), Decimal("0.05")),
}
FIRST_COUNTRIES = ["NO", "SE", "FI", "DK"]  # the first stores cover every currency
COUNTRY_WEIGHTS = [("NO", 45), ("SE", 30), ("FI", 15), ("DK", 10)]

# Accounts shared by every chart (number, name)
ACCOUNTS = {
    "Rounding": ("7790", "Øreavrunding"),
    "OverShort": ("7795", "Kassedifferanse"),
    "CashInTransit": ("1950", "Kontanter underveis til bank"),
    "InternalTransferOut": ("1901", "Overføring fra kasse"),
    "GiftCardLiability": ("2960", "Gavekort – utestående"),
    "RefundPaymentMethod": ("1585", "Refusjon kort"),
    "Tip": ("2965", "Tips til ansatte"),
    "Shipping": ("3100", "Fraktinntekter"),
    "Discount": ("4390", "Rabatter nettbutikk"),
    "Receivable": ("1500", "Kundefordringer"),
    "PaymentProviderFee": ("7770", "Betalingsgebyr PSP"),
    "WebPayment": ("1583", "Klarna-oppgjør"),
    "Suspense": ("2990", "Hengekonto (suspense)"),
}
SUSPENSE_TOLERANCE = Decimal("0.005")

Line = namedtuple(
    "Line", "seq account name category debit credit vat_code vat_rate vat_amount tax_group "
            "description extra")


@dataclass(frozen=True)
class Params:
    """Everything the data depends on: hashable, so generated days can be cached."""

    seed: int
    scale: int
    days: int
    end: date
    corrections: tuple = ()  # ((source key, extra versions), ...)

    @property
    def start(self) -> date:
        return self.end - timedelta(days=self.days - 1)

    def extra_versions(self, key: str) -> int:
        return dict(self.corrections).get(key, 0)


def params_for(account) -> Params:
    options = account.options or {}
    end = options.get("end")
    return Params(
        seed=account.seed, scale=account.scale,
        days=int(options.get("days", DEFAULT_DAYS)),
        end=date.fromisoformat(end) if end else DEFAULT_END,
        corrections=tuple(sorted((k, int(v)) for k, v in options.get("corrections", {}).items())),
    )


@dataclass(frozen=True)
class Store:
    index: int
    id: str
    name: str
    country: str
    registers: tuple
    web: bool

    @property
    def info(self) -> Country:
        return COUNTRIES[self.country]


@dataclass
class Posting:
    id: str
    source: str
    status: str
    day: date
    store: Store
    register: str | None
    source_key: str
    version: int
    created_at: datetime
    z_report_id: str | None = None
    z_report_number: int | None = None
    order_ids: list = field(default_factory=list)
    supersedes: str | None = None
    lines: list = field(default_factory=list)
    auto_balanced: bool = False
    warnings: list = field(default_factory=list)
    rejection_reason: str | None = None

    @property
    def currency(self) -> str:
        return self.store.info.currency

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def visible(self) -> bool:
        return self.status != "Draft"

    @property
    def current(self) -> bool:
        return self.status not in ("Draft", "Superseded")


# --- the chain ---------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def stores(params: Params) -> tuple:
    count = max(4, round(params.scale / params.days / LINES_PER_STORE_DAY))
    result = []
    per_city: dict = {}
    for i in range(count):
        r = data.rng(params.seed, "store", i)
        country = FIRST_COUNTRIES[i] if i < len(FIRST_COUNTRIES) else _weighted(r, COUNTRY_WEIGHTS)
        code, city = r.choice(COUNTRIES[country].cities)
        n = per_city[code] = per_city.get(code, 0) + 1
        store_id = f"{code}{n:02d}"
        registers = tuple(f"{store_id}-R{k}" for k in range(1, 2 + r.randrange(4)))
        name = city if n == 1 else f"{city} {n}"
        result.append(Store(i, store_id, name, country, registers, web=r.random() < 0.8))
    return tuple(result)


@lru_cache(maxsize=64)
def stores_by_id(params: Params) -> dict:
    return {store.id: store for store in stores(params)}


def store_groups(params: Params) -> dict:
    groups: dict = {}
    for store in stores(params):
        groups.setdefault(store.info.group, set()).add(store.id)
    return groups


def days(params: Params):
    return [params.start + timedelta(days=i) for i in range(params.days)]


class _DayCache:
    """The most recently used days, bounded by how many postings they hold (not by days: a
    search window of a small tenant spans many days, a large tenant's day is big)."""

    budget = 30_000  # postings (~250 000 lines, roughly 80 MB at the largest scale)

    def __init__(self):
        self.days: dict = {}
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key, build):
        with self.lock:
            if key in self.days:
                self.days[key] = self.days.pop(key)  # most recent last
                return self.days[key]
        value = build()
        with self.lock:
            if key not in self.days:
                self.days[key] = value
                self.size += len(value)
            while self.size > self.budget and len(self.days) > 1:
                oldest = next(iter(self.days))
                self.size -= len(self.days.pop(oldest))
        return value


_days = _DayCache()


def day_postings(params: Params, day: date) -> tuple:
    """Every posting (all versions, drafts included) of every store on one day."""
    if not params.start <= day <= params.end:
        return ()
    return _days.get((params, day), lambda: _build_day(params, day))


def _build_day(params: Params, day: date) -> tuple:
    out = []
    for store in stores(params):
        for register in store.registers:
            out.extend(_zreport_chain(params, store, register, day))
        if store.web and data.rng(params.seed, "web-day", store.id, day).random() < 0.75:
            out.extend(_web_chain(params, store, day))
    return tuple(out)


def _chain_length(params, r, key) -> tuple[int, bool]:
    roll = r.random()
    versions = 1 + (roll < 0.04) + (roll < 0.01) + params.extra_versions(key)
    draft = r.random() < 0.02  # a rebuild is in progress: a Draft never leaves Omnium
    return versions, draft


def _zreport_chain(params, store, register, day):
    number = (day - ZREPORT_EPOCH).days + 1
    z_id = f"zr-{register}-{number}"
    r = data.rng(params.seed, "zchain", z_id)
    versions, draft = _chain_length(params, r, z_id)
    base_id = f"pst-{day.isoformat()}-{register}-{number:06d}"
    empty = versions == 1 and r.random() < 0.005  # opened and closed without a sale
    chain = []
    for v in range(versions + draft):
        posting = Posting(
            id=base_id + _suffix(v), source="PosZReport", status="", day=day, store=store,
            register=register, source_key=z_id, version=v,
            created_at=_created(params, z_id, day, v), z_report_id=z_id,
            z_report_number=number, supersedes=chain[-1].id if chain else None,
        )
        if not empty:
            _pos_lines(posting, data.rng(params.seed, "pos", posting.id))
        chain.append(posting)
    _set_statuses(params, chain, draft)
    return chain


def _web_chain(params, store, day):
    key = f"web-{store.id}-{day.isoformat()}"
    r = data.rng(params.seed, "wchain", key)
    versions, draft = _chain_length(params, r, key)
    chain = []
    for v in range(versions + draft):
        r_v = data.rng(params.seed, "web", key, v)
        orders = [f"WO-{store.id}-{day:%y%m%d}-{k:03d}" for k in range(1, 3 + r_v.randrange(20))]
        posting = Posting(
            id=f"pst-{day.isoformat()}-{store.id}-WEB{_suffix(v)}", source="WebFulfillment",
            status="", day=day, store=store, register=None, source_key=key, version=v,
            created_at=_created(params, key, day, v, hour=1), order_ids=orders,
            supersedes=chain[-1].id if chain else None,
        )
        _web_lines(posting, r_v, len(orders))
        chain.append(posting)
    _set_statuses(params, chain, draft)
    return chain


def _suffix(version: int) -> str:
    return "" if version == 0 else "-" + "bcdefghij"[version - 1]


def _created(params, key, day, version, hour=20) -> datetime:
    r = data.rng(params.seed, "created", key, version)
    moment = datetime(day.year, day.month, day.day, hour) + timedelta(
        days=version + (hour < 12), seconds=r.randrange(3 * 3600), microseconds=r.randrange(10**6))
    return moment


def _set_statuses(params, chain, draft):
    last = len(chain) - 1 - draft
    for posting in chain[:last]:
        posting.status = "Superseded"
    if draft:
        chain[-1].status = "Draft"
    current = chain[last]
    if current.rejection_reason:
        current.status = "Rejected"
        return
    age = (params.end - current.day).days
    roll = data.rng(params.seed, "status", current.id).random()
    if roll < 0.02:
        current.status = "Rejected"
        current.rejection_reason = "ERP refused the voucher: the period is closed for posting."
    elif age > 20:
        current.status = "Reconciled" if roll < 0.6 else "Exported"
    elif age > 3:
        current.status = "Exported" if roll < 0.7 else "Posted"
    else:
        current.status = "Posted"


def _weighted(r, weights):
    total = sum(w for _, w in weights)
    pick = r.randrange(total)
    for value, weight in weights:
        if pick < weight:
            return value
        pick -= weight
    return weights[-1][0]


# --- lines -------------------------------------------------------------------------------------

class _Lines:
    """Collects one posting's lines; amounts are Decimals with two places, one side zero."""

    def __init__(self, posting):
        self.posting = posting

    def add(self, category, account, name, *, debit=ZERO, credit=ZERO, vat=None, vat_amount=None,
            description="", extra=None):
        if debit == ZERO and credit == ZERO:
            return
        self.posting.lines.append(Line(
            seq=len(self.posting.lines) + 1, account=account, name=name, category=category,
            debit=debit, credit=credit, vat_code=vat.code if vat else None,
            vat_rate=vat.rate if vat else None, vat_amount=vat_amount,
            tax_group=vat.group if vat else None, description=description, extra=extra))

    def shared(self, category, debit=ZERO, credit=ZERO, description=""):
        account, name = ACCOUNTS[category]
        self.add(category, account, name, debit=debit, credit=credit, description=description)


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _sales(lines, vat, net, *, credit=True, what="Varesalg"):
    vat_amount = _money(net * vat.rate / 100)
    side = "credit" if credit else "debit"
    lines.add("Sales", vat.sales_account, vat.label, **{side: net}, vat=vat, vat_amount=vat_amount,
              description=f"{what} {vat.rate:f} %")
    if vat_amount:
        lines.add("OutputVat", vat.output_account, f"Utgående mva {vat.rate:f} %",
                  **{side: vat_amount}, vat=vat, description=f"Mva {vat.rate:f} %")
    return net + vat_amount


def _pos_lines(posting, r):
    info = posting.store.info
    lines = _Lines(posting)
    card, cash, mobile = info.tenders
    rates = [info.vat[0]] + [v for v in info.vat[1:] if r.random() < 0.6]
    gross = sum((_sales(lines, vat, data.amount(r, 150, 9000)) for vat in rates), ZERO)
    if r.random() < 0.1:  # goods returned and refunded to the card
        refund = _sales(lines, rates[0], data.amount(r, 20, 400), credit=False, what="Retur")
        lines.add("RefundPaymentMethod", *ACCOUNTS["RefundPaymentMethod"], credit=refund,
                  description="Refusjon til kort")
    extra_card = ZERO
    if r.random() < 0.05:
        tip = data.amount(r, 10, 200)
        lines.shared("Tip", credit=tip, description="Tips via kort")
        extra_card += tip
    if r.random() < 0.03:
        sold = data.amount(r, 100, 1000, places=0).quantize(CENT)
        lines.shared("GiftCardLiability", credit=sold, description="Gavekort solgt")
        extra_card += sold
    redeemed = ZERO
    if r.random() < 0.05:
        redeemed = min(data.amount(r, 50, 500), gross / 2).quantize(CENT)
        lines.shared("GiftCardLiability", debit=redeemed, description="Gavekort innløst")
    to_pay = gross - redeemed
    card_amount = _money(to_pay * Decimal(r.randrange(55, 80)) / 100)
    mobile_amount = _money(to_pay * Decimal(r.randrange(0, 15)) / 100)
    cash_exact = to_pay - card_amount - mobile_amount
    steps = (cash_exact / info.cash_rounding).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    cash_counted = (steps * info.cash_rounding).quantize(CENT)
    rounding = cash_counted - cash_exact
    difference = ZERO
    if r.random() < 0.03:  # till count differs from what the register expected
        difference = max(data.amount(r, -50, 50), -cash_counted)
    lines.add("PaymentMethod", card.account, card.name, debit=card_amount + extra_card,
              description="Bankkort")
    lines.add("PaymentMethod", mobile.account, mobile.name, debit=mobile_amount,
              description=mobile.name)
    lines.add("PaymentMethod", cash.account, cash.name, debit=cash_counted + difference,
              description="Kontant")
    lines.shared("Rounding", credit=max(rounding, ZERO), debit=max(-rounding, ZERO),
                 description="Øreavrunding kontant")
    lines.shared("OverShort", credit=max(difference, ZERO), debit=max(-difference, ZERO),
                 description="Kassedifferanse ved telling")
    if r.random() < 0.2:
        drop = data.amount(r, 500, 5000, places=0).quantize(CENT)
        lines.shared("CashInTransit", debit=drop, description="Kontanter til bank (safebag)")
        lines.shared("InternalTransferOut", credit=drop, description="Uttak fra kasse")
    _maybe_unbalanced(posting, lines, r, card)


def _maybe_unbalanced(posting, lines, r, card):
    """A rare builder glitch: a tender that does not match the sales. Usually Omnium books the
    residual to suspense (auto-balanced); when no suspense account is set, the voucher stays
    unbalanced and is rejected."""
    roll = r.random()
    if roll >= 0.013:
        return
    residual = data.amount(r, 1, 300)
    lines.add("PaymentMethod", card.account, card.name, debit=residual,
              description="Terminaloppgjør uten kvittering")
    if roll < 0.01:
        lines.add("Other", *ACCOUNTS["Suspense"], credit=residual,
                  description="Automatisk balansering")
        posting.auto_balanced = True
        posting.warnings = [(f"Auto-balanced: residual {residual} (debit − credit) booked to "
                             f"suspense account {ACCOUNTS['Suspense'][0]}.")]
    else:
        posting.warnings = [(f"Imbalance {residual} exceeds the tolerance {SUSPENSE_TOLERANCE}; "
                             f"no suspense account is configured for store {posting.store.id}.")]
        posting.rejection_reason = f"The voucher does not balance (debit − credit = {residual})."


def _web_lines(posting, r, orders):
    info = posting.store.info
    lines = _Lines(posting)
    rates = [info.vat[0]] + [v for v in info.vat[1:] if r.random() < 0.5]
    gross = sum((_sales(lines, vat, data.amount(r, 100 * orders, 900 * orders),
                        what="Nettsalg") for vat in rates), ZERO)
    shipping = _money(Decimal(49) * orders)
    shipping_vat = _money(shipping * info.vat[0].rate / 100)
    lines.add("Shipping", *ACCOUNTS["Shipping"], credit=shipping, vat=info.vat[0],
              vat_amount=shipping_vat, description="Frakt")
    lines.add("OutputVat", info.vat[0].output_account, "Utgående mva frakt", credit=shipping_vat,
              vat=info.vat[0], description="Mva frakt")
    gross += shipping + shipping_vat
    if r.random() < 0.2:
        discount = _money(gross * Decimal(r.randrange(2, 10)) / 100)
        lines.shared("Discount", debit=discount, description="Kampanjerabatt")
        gross -= discount
    invoiced = ZERO
    if r.random() < 0.3:
        invoiced = _money(gross * Decimal(r.randrange(5, 30)) / 100)
        customer = f"K{r.randrange(10000, 99999)}"
        invoice = f"F{posting.day:%y%m}{r.randrange(1000, 9999)}"
        lines.add("Receivable", *ACCOUNTS["Receivable"], debit=invoiced,
                  description="Faktura " + data.pick_name(r, data.FINNISH_NAMES + [
                      "Nordlys Handel AS", "Fjellgården Café", "Søstrene Ødegård"], 0.15),
                  extra={"customerNumber": customer, "invoiceNumber": invoice,
                         "invoiceDate": posting.day, "dueDate": posting.day + timedelta(days=14),
                         "kidNumber": _kid(customer[1:] + invoice[1:])})
    paid = gross - invoiced
    fee = _money(paid * Decimal("0.018"))
    lines.add("PaymentMethod", *ACCOUNTS["WebPayment"], debit=paid - fee,
              description="Klarna utbetaling")
    lines.shared("PaymentProviderFee", debit=fee, description="Klarna gebyr 1,8 %")


def _kid(digits: str) -> str:
    """A Norwegian KID with its MOD10 (Luhn) check digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return digits + str((10 - total % 10) % 10)


# --- wire format -------------------------------------------------------------------------------

def _stamp(moment: datetime) -> str:
    """.NET style: seven fractional digits and Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def _day_stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def posting_hash(posting: Posting) -> str:
    identity = [posting.source, posting.source_key, posting.day.isoformat()] + [
        (line.account, str(line.debit), str(line.credit)) for line in posting.lines]
    return hashlib.sha256(repr(identity).encode()).hexdigest()[:32]


def external_reference(posting: Posting) -> str | None:
    if posting.status not in ("Exported", "Reconciled"):
        return None
    number = int(hashlib.sha256(posting.id.encode()).hexdigest()[:6], 16) % 1_000_000
    return f"ERP-VCH-{posting.day.year}-{number:06d}"


def posting_json(posting: Posting) -> dict:
    reference = external_reference(posting)
    debit, credit = posting.total_debit, posting.total_credit
    return {
        "id": posting.id,
        "source": posting.source,
        "zReportId": posting.z_report_id,
        "zReportNumber": posting.z_report_number,
        "orderIds": posting.order_ids,
        "storeIds": [posting.store.id],
        "registerIds": [posting.register] if posting.register else [],
        "accountingCompanyCode": posting.store.info.company,
        "postingDate": _day_stamp(posting.day),
        "createdAt": _stamp(posting.created_at),
        "currencyCode": posting.currency,
        "status": posting.status,
        "supersedesPostingId": posting.supersedes,
        "externalReference": reference,
        "exportedAt": _stamp(posting.created_at + timedelta(hours=9)) if reference else None,
        "totalDebit": debit,
        "totalCredit": credit,
        "imbalance": debit - credit,
        "autoBalanced": posting.auto_balanced,
        "lineCount": len(posting.lines),
        "warnings": posting.warnings,
        "rejectionReason": posting.rejection_reason if posting.status == "Rejected" else None,
        "postingHash": posting_hash(posting),
    }


def line_id(posting: Posting, line: Line) -> str:
    return f"ln-{posting.id[4:]}-{line.seq:02d}"


def line_json(posting: Posting, line: Line) -> dict:
    extra = line.extra or {}
    dimensions = {"Avdeling": posting.store.id, "Kanal": "Butikk" if posting.register else "Nett",
                  "Kostnadssted": f"K{100 + posting.store.index}"}
    if posting.register:
        dimensions["Kasse"] = posting.register
    return {
        "id": line_id(posting, line),
        "postingId": posting.id,
        "lineSequence": line.seq,
        "postingDate": _day_stamp(posting.day),
        "registerId": posting.register,
        "storeId": posting.store.id,
        "accountingCompanyCode": posting.store.info.company,
        "accountNumber": line.account,
        "accountName": line.name,
        "category": line.category,
        "debit": line.debit,
        "credit": line.credit,
        "currencyCode": posting.currency,
        "vatCode": line.vat_code,
        "vatRate": line.vat_rate,
        "vatAmount": line.vat_amount,
        "taxGroupCode": line.tax_group,
        "description": line.description,
        "customerNumber": extra.get("customerNumber"),
        "invoiceNumber": extra.get("invoiceNumber"),
        "creditNoteNumber": extra.get("creditNoteNumber"),
        "invoiceDate": _day_stamp(extra["invoiceDate"]) if extra.get("invoiceDate") else None,
        "dueDate": _day_stamp(extra["dueDate"]) if extra.get("dueDate") else None,
        "kidNumber": extra.get("kidNumber"),
        "dimensions": dimensions,
    }


# --- look-ups ----------------------------------------------------------------------------------

def postings_between(params: Params, first: date, last: date):
    """Every posting (drafts included) with a posting date in [first, last]."""
    day = max(first, params.start)
    while day <= min(last, params.end):
        yield from day_postings(params, day)
        day += timedelta(days=1)


def day_of_posting_id(posting_id: str) -> date | None:
    try:
        return date.fromisoformat(posting_id[4:14]) if posting_id.startswith("pst-") else None
    except ValueError:
        return None


def find_posting(params: Params, posting_id: str) -> Posting | None:
    day = day_of_posting_id(posting_id)
    if day is None:
        return None
    return next((p for p in day_postings(params, day) if p.id == posting_id and p.visible), None)


def find_by_zreport(params: Params, z_report_id: str) -> Posting | None:
    try:
        number = int(z_report_id.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return None
    day = ZREPORT_EPOCH + timedelta(days=number - 1)
    return next((p for p in day_postings(params, day)
                 if p.z_report_id == z_report_id and p.current), None)
