"""Deterministic starting data of an emulated Ovipro account.

Record i is a pure function of (seed, i). Statuses cycle through SLOTS so that every status
(and a paid and an unpaid approved invoice, and a credit note) exists from scale 7 up.
Rows are written in batches, so a large scale is never built in memory at once.
"""

import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache

from django.db import transaction

from apps.sandbox import data
from apps.sandbox.ovipro import rules
from apps.sandbox.ovipro.models import EmuInvoice, EmuOffice, EmuParty, EmuSeed

EPOCH = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)
FIRST_DAY = date(2025, 1, 6)
BATCH = 1000
OFFICE_NAMES = ["LKV Kotipiste Helsinki", "Tampereen Välitys Oy", "Äänekosken Asunnot Oy"]
# (status, isPaid) per slot; slot 6 is the credit note of the CREDITED invoice in slot 5.
SLOTS = [("DRAFT", False), ("READY_FOR_APPROVAL", False), ("APPROVED", False),
         ("APPROVED", True), ("REJECTED", False), ("CREDITED", False), ("CREDIT_NOTE", False)]
ACCOUNTS = [("Nordea Bank Abp", "NDEAFIHH", "FI2112345600000785"),
            ("Danske Bank A/S", "DABAFIHH", "FI0215903000412783"),
            ("OP Osuuspankki", "OKOYFIHH", "FI4950009420028730")]
COSTS = [("COMMISSION", "Välityspalkkio"), ("MARKETING", "Ilmoitukset ja valokuvaus"),
         ("DOCUMENT_MANAGEMENT", "Asiakirjojen hankinta")]
STREETS = ["Kalevankatu 8 B 12", "Hämeenkatu 20 A 3", "Yliopistonkatu 55", "Mannerheimintie 12 A 5"]
VAT_RATES = [Decimal("25.5"), Decimal("25.5"), Decimal("14"), Decimal("10")]
TOWNS = [("00100", "Helsinki"), ("33100", "Tampere"), ("40100", "Jyväskylä")]


def det_uuid(seed: int, *keys) -> str:
    """A lower-case v4 UUID derived from the keys (passes the strict Request-ID pattern)."""
    return str(uuid.UUID(int=data.rng(seed, "uuid", *keys).getrandbits(128), version=4))


@lru_cache(maxsize=16)
def offices(seed: int) -> tuple:
    return tuple({"office_id": det_uuid(seed, "office", k), "name": OFFICE_NAMES[k],
                  "office_identifier": f"{k + 1:03d}"} for k in range(len(OFFICE_NAMES)))


@lru_cache(maxsize=16)
def agents(seed: int) -> tuple:
    return tuple(det_uuid(seed, "agent", k) for k in range(4))


@lru_cache(maxsize=16)
def parties(seed: int) -> tuple:
    out = []
    for k in range(8):
        r = data.rng(seed, "party", k)
        out.append({"party_id": det_uuid(seed, "party", k),
                    "name": data.pick_name(r, data.FINNISH_NAMES, markup_rate=0.15)})
    return tuple(out)


def slot(i: int, scale: int) -> tuple[str, bool]:
    status, paid = SLOTS[i % len(SLOTS)]
    if status == "CREDITED" and i + 1 >= scale:  # its credit note would fall outside the scale
        return "APPROVED", False
    return status, paid


def invoice_body(seed: int, i: int) -> tuple[str, dict, dict]:
    """(reason, links, BaseInvoice body) of record i."""
    r = data.rng(seed, "invoice", i)
    office = offices(seed)[r.randrange(3)]["office_id"]
    agent = r.choice(agents(seed))
    all_parties = parties(seed)
    billed = r.sample(all_parties, r.choice([1, 1, 2]))
    reason = r.choice(["ASSIGNMENT", "ASSIGNMENT", "CLEARING_SALE", "CLEARING_RENTAL",
                       "ASSIGNMENT_INITIAL_FEE", "OTHER"])
    link = rules.REASON_LINK[reason]
    links = {link: det_uuid(seed, "link", i)} if link else {}
    issue = FIRST_DAY + timedelta(days=i // 4)
    costs = []
    for n in range(r.choice([1, 2, 2, 3])):
        kind, text = COSTS[n]
        costs.append({
            "amount": r.randrange(5_000, 900_000), "costTypeCode": kind,
            "description": text, "vatPercentage": r.choice(VAT_RATES),
            "includesVat": r.random() < 0.6, "includedInCommission": kind == "COMMISSION",
        })
    bank, bic, iban = r.choice(ACCOUNTS)
    postcode, town = r.choice(TOWNS)
    body = {
        "responsibleAgentId": agent, "agencyOfficeId": office, "currencyCode": "EUR",
        "invoicingDate": (issue + timedelta(days=1)).isoformat(), "issueDate": issue.isoformat(),
        "dueDate": (issue + timedelta(days=15)).isoformat(),
        "costs": costs,
        "invoicedParties": {"primaryId": billed[0]["party_id"],
                            "parties": [{"partyId": p["party_id"]} for p in billed]},
        "sourceSystemCode": "INTERNAL",
        "sourceSystemCreationTime": stamp(EPOCH + timedelta(minutes=i)),
        "paymentAccounts": [{"bankName": bank, "bic": bic, "iban": iban,
                             "accountHolder": OFFICE_NAMES[0]}],
        "terms": {"paymentTerms": {"paymentTermsCode": "NET_14"},
                  "latePaymentFeePercentage": Decimal("11.5"), "noticePeriod": 8,
                  "invoicing": {"invoicingMethodCode": "EINVOICING",
                                "eInvoicing": {"eInvoicingAddress": "003712345671",
                                               "operatorId": "NDEAFIHH", "operatorName": "Nordea"}}},
        "billingAddress": {"recipient": billed[0]["name"], "streetAddress": r.choice(STREETS),
                           "postcode": postcode, "postalArea": town, "countryCode": "FI"},
    }
    if r.random() < 0.2:
        body["discount"] = {"amount": r.randrange(1_000, 20_000), "includesVat": True,
                            "vatPercentage": Decimal("25.5"), "description": "Kanta-asiakasalennus"}
    if reason == "CLEARING_SALE" and r.random() < 0.5:
        body["downPayment"] = 250_000
    return reason, links, body


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def search_fields(body: dict, invoice_number: str, names: dict) -> dict:
    ids = [p["partyId"] for p in body["invoicedParties"]["parties"]]
    party_names = " | ".join(names.get(pid, "") for pid in ids) + " | " + \
        (body.get("billingAddress") or {}).get("recipient", "")
    street = (body.get("billingAddress") or {}).get("streetAddress", "")
    return {
        "office_id": body["agencyOfficeId"], "agent_id": body.get("responsibleAgentId") or "",
        "party_ids": "|" + "|".join(ids) + "|", "party_names": party_names.lower(),
        "search_text": f"{party_names} | {invoice_number} | {street}".lower(),
        "issue_date": body["issueDate"], "due_date": body["dueDate"],
        "invoicing_date": body["invoicingDate"],
    }


def ensure_seeded(account) -> None:
    state = EmuSeed.objects.filter(account=account).first()
    if state and (state.seed, state.scale) == (account.seed, account.scale):
        return
    with transaction.atomic():
        for model in (EmuInvoice, EmuOffice, EmuParty):
            model.objects.filter(account=account).delete()
        EmuSeed.objects.update_or_create(account=account,
                                         defaults={"seed": account.seed, "scale": account.scale})
        _build(account)


def _build(account) -> None:
    seed, scale = account.seed, account.scale
    office_rows = {o["office_id"]: EmuOffice(account=account, **o) for o in offices(seed)}
    names = {p["party_id"]: p["name"] for p in parties(seed)}
    EmuParty.objects.bulk_create(EmuParty(account=account, party_id=k, name=v)
                                 for k, v in names.items())
    batch = []
    for i in range(scale):
        batch.append(_record(account, i, scale, office_rows, names))
        if len(batch) >= BATCH:
            EmuInvoice.objects.bulk_create(batch)
            batch = []
    EmuInvoice.objects.bulk_create(batch)
    EmuOffice.objects.bulk_create(office_rows.values())


def _record(account, i, scale, office_rows, names) -> EmuInvoice:
    seed = account.seed
    status, paid = slot(i, scale)
    source = i - 1 if status == "CREDIT_NOTE" else i
    reason, links, body = invoice_body(seed, source)
    created = EPOCH + timedelta(minutes=i)
    invoice_type, credit_note = "INVOICE", None
    if status == "CREDIT_NOTE":
        invoice_type, status = "CREDIT_NOTE", "DRAFT"
        credit_note = {"creditNoteReason": "Laskutettu väärää osapuolta",
                       "creditedInvoiceId": det_uuid(seed, "invoice", source)}
    number = reference = document = ""
    if status in ("APPROVED", "CREDITED") or invoice_type == "CREDIT_NOTE":
        office = office_rows[body["agencyOfficeId"]]
        number, reference = rules.compose_numbers(2025, office.office_identifier,
                                                  office.next_sequence)
        office.next_sequence += 1
        document = det_uuid(seed, "document", i)
    return EmuInvoice(
        account=account, invoice_id=det_uuid(seed, "invoice", i), status=status,
        invoice_type=invoice_type, reason=reason, links=links, body=body,
        invoice_number=number, reference_number=reference, is_paid=paid,
        paid_date=date.fromisoformat(body["dueDate"]) if paid else None,
        approved_date=date.fromisoformat(body["issueDate"]) if number and invoice_type == "INVOICE" else None,
        invoice_document_id=document, credit_note=credit_note,
        creation_time=created, modification_time=created + timedelta(minutes=30),
        **search_fields(body, number, names),
    )
