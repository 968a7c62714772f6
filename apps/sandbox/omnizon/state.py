"""Seeding, content and the send lifecycle of the Omnizon emulator."""

from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.db import transaction
from django.utils import timezone

from apps.sandbox.models import SandboxAccount
from apps.sandbox.omnizon import generate
from apps.sandbox.omnizon.models import Company, Document

SEED_BATCH = 1000
DEFAULT_STEP_SECONDS = 2


def anchor_of(account: SandboxAccount) -> datetime:
    anchor = account.options.get("anchor")
    return datetime.fromisoformat(anchor) if anchor else account.created_at


def companies_of(account: SandboxAccount) -> list[tuple[str, str]]:
    return generate.company_list(account.seed, int(account.options.get("companies", 3)))


def spec(account: SandboxAccount, index: int) -> generate.Spec:
    return generate.spec_for(account.seed, index, companies_of(account), anchor_of(account),
                             int(account.options.get("span_days", 90)), account.scale)


def ensure_seeded(account: SandboxAccount) -> None:
    """Create the account's companies and documents once (in batches: flat memory)."""
    if account.omnizon_companies.exists():
        return
    with transaction.atomic():
        companies = {vat: Company.objects.create(account=account, vat_number=vat, name=name)
                     for vat, name in companies_of(account)}
        broken = {int(k): v for k, v in account.options.get("broken", {}).items()}
        for start in range(0, account.scale, SEED_BATCH):
            rows = [_row(account, companies, spec(account, i), broken.get(i, ""))
                    for i in range(start, min(start + SEED_BATCH, account.scale))]
            Document.objects.bulk_create(rows)


def _row(account, companies, s: generate.Spec, broken: str) -> Document:
    return Document(
        account=account, company=companies[s.company.vat], document_id=s.document_id,
        index=s.index, direction=s.direction, doc_type=s.doc_type, number=s.number,
        sender_name=s.supplier.name, sender_vat=s.supplier.vat, receiver_name=s.customer.name,
        receiver_vat=s.customer.vat, amount=s.totals["payable"], currency=s.currency,
        created=s.created, modified=s.modified, internal_status=s.internal_status,
        external_status=s.external_status, has_pdf=s.has_pdf, broken=broken,
        internal_details=_failure_details(s.created) if s.internal_status == "FAILED" else [],
    )


def _failure_details(at) -> list[dict]:
    return [{"timestamp": _iso(at + timedelta(seconds=40)),
             "errorMessage": "[BR-CO-15] Invoice total amount with VAT = Invoice total amount "
                             "without VAT + Invoice total VAT amount at /*:Invoice[1]"}]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def xml_of(doc: Document) -> bytes:
    if doc.broken:
        return generate.HOSTILE[doc.broken]
    if doc.content is not None:
        return bytes(doc.content)
    return generate.build_ubl(spec(doc.account, doc.index))


def pdf_of(doc: Document) -> bytes | None:
    if not doc.has_pdf or doc.index is None:
        return None
    return generate.build_pdf(spec(doc.account, doc.index))


def fiscalization_of(doc: Document) -> dict | None:
    if doc.internal_status != "OK":
        return None
    return {"successful": True, "shouldRetry": False, "timestamp": _iso(doc.created),
            "fiscalizationRequestId": f"FR-{doc.document_id[:8]}",
            "fiscalizationResponseId": f"{doc.document_id[:8]}-0000-4e5f-9a8b-"
                                       f"{doc.document_id[-12:]}",
            "fiscalizationType": "FISCALIZATION"}


# --- send: NEW -> OK | FAILED, then SENT -> DELIVERED -> ACKNOWLEDGED ---------------------------

UBL_ROOTS = {f"{{{generate.NS['Invoice']}}}Invoice", f"{{{generate.NS['CreditNote']}}}CreditNote"}
CBC = f"{{{generate.NS['cbc']}}}"
CAC = f"{{{generate.NS['cac']}}}"


def validate(content: bytes) -> tuple[dict, list[str]]:
    """The platform's own checks: (fields it read, EN 16931-style errors)."""
    try:
        root = SafeET.fromstring(content, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as exc:  # not well-formed, or DTD/entities
        return {}, [f"[XML] document is not well-formed or not allowed: {exc}"]
    if root.tag not in UBL_ROOTS:
        return {}, ["[UBL] root element must be a UBL 2.1 Invoice or CreditNote"]
    kind = root.tag.split("}")[1]

    def text(path):
        node = root.find(path)
        return (node.text or "").strip() if node is not None else ""

    fields = {
        "doc_type": kind, "number": text(f"{CBC}ID"),
        "currency": text(f"{CBC}DocumentCurrencyCode") or "EUR",
        "receiver_name": text(f"{CAC}AccountingCustomerParty/{CAC}Party/{CAC}PartyName/{CBC}Name"),
        "receiver_vat": text(f"{CAC}AccountingCustomerParty/{CAC}Party/{CAC}PartyLegalEntity/"
                             f"{CBC}CompanyID"),
        "amount": text(f"{CAC}LegalMonetaryTotal/{CBC}PayableAmount"),
    }
    errors = []
    for rule, value, what in [("BR-02", fields["number"], "an Invoice number"),
                              ("BR-03", text(f"{CBC}IssueDate"), "an issue date"),
                              ("BR-06", text(f"{CAC}AccountingSupplierParty/{CAC}Party/"
                                             f"{CAC}PartyName/{CBC}Name"), "a Seller name"),
                              ("BR-07", fields["receiver_name"], "a Buyer name"),
                              ("BR-14", fields["amount"], "an amount due for payment")]:
        if not value:
            errors.append(f"[{rule}] An {kind} shall have {what} at /*:{kind}[1]")
    return fields, errors


def advance(doc: Document, now=None) -> Document:
    """Move an uploaded document along its lifecycle as time passes (one step per interval)."""
    if doc.submitted_at is None or doc.internal_status == "FAILED" or \
            doc.external_status == "ACKNOWLEDGED":
        return doc
    now = now or timezone.now()
    interval = float(doc.account.options.get("send_step_seconds", DEFAULT_STEP_SECONDS))
    steps = 99 if interval <= 0 else int((now - doc.submitted_at).total_seconds() // interval)
    internal, external = "NEW", ""
    if steps >= 1:
        internal = "FAILED" if doc.will_fail else "OK"
    if internal == "OK" and steps >= 2:
        external = ["SENT", "DELIVERED", "ACKNOWLEDGED"][min(steps, 4) - 2]
    if (internal, external) != (doc.internal_status, doc.external_status):
        doc.internal_status, doc.external_status, doc.modified = internal, external, now
        doc.save(update_fields=["internal_status", "external_status", "modified"])
    return doc


def advance_company(company: Company) -> None:
    in_flight = company.documents.filter(submitted_at__isnull=False,
                                         internal_status__in=["NEW", "OK"]).exclude(
        external_status="ACKNOWLEDGED").select_related("account")
    for doc in in_flight:
        advance(doc)
