"""Omnicado's invoices and offsets as pure functions of (account, index).

Invoice i is created on START + i // per_day, so `createdAt` (and the invoice number) never
decrease with i: a createdAt range is an index range found by bisection, and a page in the
natural order is a slice. Offset j nets one partner's week: offset j covers week j // P of
partner j % P (P partners) and is created the day after that week.

Account options (all optional):
  partners     list of partner ids (default [4120, 4121]); invoice i belongs to partners[i % P]
  per_day      invoices per day (default: spread `scale` over two years)
  changed      {"invoices": {"<i>": version}, "offsets": {"<j>": version}}: documents that were
               corrected after they were first served (same createdAt, different content)
"""

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from apps.sandbox import data

START = date(2024, 11, 1)
SPAN_DAYS = 730
INVOICE_BASE = 5_412_000_000      # invoice numbers beyond 32 bits
ORDER_BASE = 412_300_000_000
ARTICLE_BASE = 100_004_500_000
PURCH_BASE = 30_030_000_000_000
CENT = Decimal("0.01")
EXEMPT = "osvobozeno"

PRODUCTS = [
    ("KAV-X200", "Kávovar X200"), ("POUKAZ-150", "Dárkový poukaz 150 Kč"),
    ("ZEH-S300", "Žehlička Š-300"), ("CAJ-KONV", "Čajová konvice 1,7 l"),
    ("AUTOSED-9", "Dětská autosedačka Ňuf 9–18 kg"), ("MIX-RUC", "Ruční mixér Říp"),
    ("REPRO-P1", "Přenosný reproduktor Účko"), ("VAHA-K", "Kuchyňská váha Ďas"),
    ("PRIS-12", "Příslušenství – sada 12 ks"), ("KNIHA-CZ", "Kniha: Žluťoučký kůň"),
]
CUSTOMERS = [
    # (weight, party, currency)
    (70, {"name": "Internet Mall, a.s.", "registrationNumber": "26204967",
          "taxIdentification": "CZ26204967", "vatNumber": "CZ26204967", "note": "",
          "address": {"street": "U Garáží 1611/1", "city": "Praha 7", "zip": "170 00",
                      "country": "CZ"}}, "CZK"),
    (20, {"name": "Internet Mall Slovakia s.r.o.", "registrationNumber": "35948191",
          "taxIdentification": "SK2022091457", "vatNumber": "SK2022091457", "note": "",
          "address": {"street": "Prievozská 4D", "city": "Bratislava", "zip": "821 09",
                      "country": "SK"}}, "EUR"),
    (10, {"name": "Mimovrste d.o.o.", "registrationNumber": "3661059",
          "taxIdentification": "SI75386186", "vatNumber": "SI75386186", "note": "",
          "address": {"street": "Letališka cesta 3č", "city": "Ljubljana", "zip": "1000",
                      "country": "SI"}}, "EUR"),
]
BANKS = [("Česká spořitelna", "0800", "GIBACZPX"), ("Fio banka", "2010", "FIOBCZPP"),
         ("Komerční banka", "0100", "KOMBCZPP")]
INVOICE_KIND = {"invoice": ("SB", "I", "invoice", "SB"),
                "credit_note": ("DB", "C", "credit_note", "DB")}


@dataclass(frozen=True)
class Account:
    seed: int
    scale: int
    per_day: int
    partners: tuple
    changed_invoices: dict
    changed_offsets: dict

    @classmethod
    def of(cls, account) -> "Account":
        options = account.options or {}
        changed = options.get("changed", {})
        return cls(
            seed=account.seed, scale=account.scale,
            per_day=int(options.get("per_day") or max(1, -(-account.scale // SPAN_DAYS))),
            partners=tuple(sorted(int(p) for p in options.get("partners", [4120, 4121]))),
            changed_invoices={int(k): int(v) for k, v in changed.get("invoices", {}).items()},
            changed_offsets={int(k): int(v) for k, v in changed.get("offsets", {}).items()},
        )


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def tax_key(rate: int) -> str:
    return str(rate) if rate else EXEMPT


# --- invoices ------------------------------------------------------------------------------------

def invoice_count(acc: Account) -> int:
    return acc.scale


def invoice_created(acc: Account, i: int) -> str:
    return (START + timedelta(days=i // acc.per_day)).isoformat()


def invoice_number(acc: Account, i: int) -> int:
    return INVOICE_BASE + i


def invoice_index(acc: Account, number: int) -> int | None:
    i = number - INVOICE_BASE
    return i if 0 <= i < acc.scale else None


def supplier(acc: Account, partner: int, *, with_bank: bool) -> dict:
    return _supplier(acc.seed, partner, with_bank)


@functools.lru_cache(maxsize=256)
def _supplier(seed: int, partner: int, with_bank: bool) -> dict:
    """The partner's company (shared by its documents: read-only)."""
    r = data.rng(seed, "partner", partner)
    number = f"{r.randrange(10_000_000, 99_999_999)}"
    party = {
        "name": data.pick_name(r, data.CZECH_COMPANIES, markup_rate=0.15),
        "registrationNumber": number, "taxIdentification": f"CZ{number}",
        "vatNumber": f"CZ{number}", "note": "",
        "address": {"street": f"Nádražní {r.randint(1, 99)}", "city": r.choice(
            ["Brno", "Plzeň", "České Budějovice", "Ústí nad Labem"]),
            "zip": f"{r.randint(100, 799)} {r.randint(0, 99):02d}", "country": "CZ"},
    }
    if with_bank:
        bank, code, swift = r.choice(BANKS)
        account_no = f"{r.randrange(10**9, 10**10)}"
        party["bank"] = {"bankAccount": f"{account_no}/{code}", "bankName": bank,
                         "iban": f"CZ{r.randint(10, 99)}{code}000000{account_no}",
                         "swift": swift}
    return party


def _items(r, credit: bool, order_id: int) -> list[dict]:
    items = []
    for _ in range(r.randint(1, 4)):
        k = r.randrange(len(PRODUCTS))
        product_id, title = PRODUCTS[k]
        if r.random() < 0.05:
            title = r.choice(data.MARKUP_SAMPLES)
        rate = r.choices([21, 15, 0], weights=[70, 20, 10])[0]
        quantity = r.randint(1, 3)
        unit_price = data.amount(r, 40, 4000) * (-1 if credit else 1)
        base = unit_price * quantity
        vat = money(base * rate / 100)
        items.append({
            "articleId": ARTICLE_BASE + k,
            "id": product_id, "orderId": order_id, "title": title,
            "priceWithoutVat": base, "quantity": quantity, "totalPrice": base + vat,
            "unit": "KS", "unitPrice": unit_price, "vatRate": rate,
        })
    return items


def _tax_recap(items: list[dict]) -> dict:
    taxes: dict[str, dict] = {}
    for item in items:
        line = taxes.setdefault(tax_key(item["vatRate"]), {"base": Decimal(0), "price": Decimal(0),
                                                           "total": Decimal(0)})
        line["base"] += item["priceWithoutVat"]
        line["price"] += item["totalPrice"] - item["priceWithoutVat"]
        line["total"] += item["totalPrice"]
    return {"total": sum((t["total"] for t in taxes.values()), Decimal(0)), "taxes": taxes}


def invoice_customer(acc: Account, i: int) -> tuple[dict, str]:
    r = data.rng(acc.seed, "invoice-customer", i)
    _, customer, currency = r.choices(CUSTOMERS, weights=[c[0] for c in CUSTOMERS])[0]
    return customer, currency


def invoice_is_inconsistent(acc: Account, i: int) -> bool:
    return i % 40 == 7  # one in forty: a few in any account


def invoice(acc: Account, i: int) -> dict:
    r = data.rng(acc.seed, "invoice", i)
    partner = acc.partners[i % len(acc.partners)]
    created = START + timedelta(days=i // acc.per_day)
    credit = r.random() < 0.06
    customer, currency = invoice_customer(acc, i)
    order_id = ORDER_BASE + i * 7 + r.randint(0, 6)
    items = _items(r, credit, order_id)
    recap = _tax_recap(items)
    total = recap["total"]
    if invoice_is_inconsistent(acc, i):
        # The provider's own numbers disagree: the document total or one VAT line is off.
        delta = data.amount(r, 1, 90)
        if r.random() < 0.5:
            total += delta
        else:
            line = next(iter(recap["taxes"].values()))
            line["base"] += delta
            line["total"] += delta
    kind = "credit_note" if credit else "invoice"
    invoice_type, indicator, document_type, tag = INVOICE_KIND[kind]
    number = invoice_number(acc, i)
    note = ""
    if r.random() < 0.1:
        note = r.choice(["Zboží převzato bez výhrad", "Platba převodem",
                         *data.MARKUP_SAMPLES])
    body = {
        "partner": partner,  # a JSON number, as in the provider's own example
        "invoiceNumber": number,
        "originDocumentId": str(number - r.randint(1, 50)) if credit else None,
        "createdAt": created.isoformat(),
        "deliveryAt": (created - timedelta(days=r.randint(0, 3))).isoformat(),
        "dueDate": (created + timedelta(days=14)).isoformat(),
        "currency": currency,
        "total": total,
        "supplier": supplier(acc, partner, with_bank=True),
        "customer": customer,
        "items": items,
        "taxRecap": recap,
        "note": note,
        "filePath": f"{partner}/invoice_{number}.pdf",
        "purchNoC": PURCH_BASE + i if r.random() < 0.6 else "",
        "invoiceType": invoice_type,
        "invoiceIndicator": indicator,
        "documentType": document_type,
        "invoiceTypeTag": tag,
    }
    version = acc.changed_invoices.get(i, 0)
    if version:
        body["note"] = f"Opravný záznam č. {version}"
        body["dueDate"] = (created + timedelta(days=14 + 7 * version)).isoformat()
    return body


# --- offsets -------------------------------------------------------------------------------------

def offset_count(acc: Account) -> int:
    if not acc.scale:
        return 0
    days = (acc.scale - 1) // acc.per_day + 1
    return days // 7 * len(acc.partners)  # one per partner and completed week


def _offset_week_partner(acc: Account, j: int) -> tuple[int, int]:
    return j // len(acc.partners), j % len(acc.partners)


def offset_created(acc: Account, j: int) -> str:
    week, _ = _offset_week_partner(acc, j)
    return (START + timedelta(days=7 * (week + 1))).isoformat()


def offset_document_number(acc: Account, j: int) -> str:
    _, p = _offset_week_partner(acc, j)
    created = date.fromisoformat(offset_created(acc, j))
    return f"{acc.partners[p]:010d}-{created:%d%m%Y}"


def offset_index(acc: Account, document_number: str) -> int | None:
    partner_text, _, day_text = document_number.partition("-")
    try:
        p = acc.partners.index(int(partner_text))
        day = date(int(day_text[4:8]), int(day_text[2:4]), int(day_text[0:2]))
    except (ValueError, IndexError):
        return None
    week, rest = divmod((day - START).days - 7, 7)
    j = week * len(acc.partners) + p
    if rest or not 0 <= j < offset_count(acc) or offset_document_number(acc, j) != document_number:
        return None
    return j


def offset_invoice_indexes(acc: Account, j: int) -> list[int]:
    """The invoices offset j settles: up to four of its partner's invoices of its week, all
    with the same MALL company (so in one currency)."""
    week, p = _offset_week_partner(acc, j)
    first = 7 * week * acc.per_day
    last = min(acc.scale, 7 * (week + 1) * acc.per_day)
    own = list(range(first + (p - first) % len(acc.partners), last, len(acc.partners)))
    if not own:
        return []
    r = data.rng(acc.seed, "offset-invoices", j)
    customer = invoice_customer(acc, r.choice(own))[0]
    own = [i for i in own if invoice_customer(acc, i)[0] is customer]
    return sorted(r.sample(own, min(len(own), r.randint(1, 4))))


def offset(acc: Account, j: int) -> dict:
    r = data.rng(acc.seed, "offset", j)
    week, p = _offset_week_partner(acc, j)
    partner = acc.partners[p]
    created = date.fromisoformat(offset_created(acc, j))
    version = acc.changed_offsets.get(j, 0)
    settled, orders = [], []
    indexes = offset_invoice_indexes(acc, j)
    customer, currency = invoice_customer(acc, indexes[0]) if indexes else CUSTOMERS[0][1:]
    for position, i in enumerate(indexes):
        inv = invoice(acc, i)
        part = inv["total"] if r.random() < 0.7 or (version and position == 0) else money(
            inv["total"] * Decimal(r.randint(20, 80)) / 100)
        settled.append({
            "id": inv["invoiceNumber"], "created": inv["createdAt"], "dueDate": inv["dueDate"],
            "sumPrice": inv["total"], "offsetPrice": part, "remainPrice": inv["total"] - part,
            "currency": inv["currency"],
            "purchNoC": inv["purchNoC"],  # a JSON number or "", as in the provider's example
            "note": r.choice(["", "", "Zápočet", data.MARKUP_SAMPLES[1]]),
            "invoiceNumber": r.choice(["", str(inv["invoiceNumber"])]),
        })
        if r.random() < 0.6:
            fee = -data.amount(r, 20, 400)
            orders.append({
                "id": inv["items"][0]["orderId"], "created": inv["createdAt"],
                "dueDate": inv["dueDate"], "sumPrice": fee, "offsetPrice": fee,
                "remainPrice": Decimal(0), "currency": inv["currency"],
            })
    document_number = offset_document_number(acc, j)
    due = created + timedelta(days=14) if r.random() < 0.9 else created - timedelta(days=30)
    if version:
        due += timedelta(days=version)
    return {
        "partner": partner,
        "documentNumber": document_number,
        "createdAt": created.isoformat(),
        "dueDate": due.isoformat(),
        "currency": currency,
        "diffPrice": sum((x["offsetPrice"] for x in settled + orders), Decimal(0)),
        "variableSymbol": int(f"{partner}{created:%d%m%Y}"),
        "supplier": supplier(acc, partner, with_bank=False),
        "customer": customer,
        "invoices": settled,
        "orders": orders,
        "attachment": {
            "filename": (f"MP_offset_{document_number}.PDF" if r.random() < 0.5
                         else f"MP_{document_number}.pdf"),
            "mime": "application/pdf",
        },
    }
