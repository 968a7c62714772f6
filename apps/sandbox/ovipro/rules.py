"""The Ovipro emulator's rules: validation, the lifecycle, numbering and totals.

This module is deliberately independent of apps.ovipro: the dashboard's totals preview is
tested against what the emulator answers, so the two must not share code.
"""

import hashlib
import json
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

STRICT_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
LOOSE_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

STATUSES = ["DRAFT", "READY_FOR_APPROVAL", "APPROVED", "REJECTED", "CREDITED"]
TYPES = ["INVOICE", "CREDIT_NOTE"]
REASONS = ["ASSIGNMENT", "CLEARING_SALE", "CLEARING_RENTAL", "OFFER_DOWN_PAYMENT",
           "ASSIGNMENT_INITIAL_FEE", "REALTY", "DOCUMENT_MANAGEMENT", "OTHER"]
ACTIONS = ["LOCK", "APPROVE", "REJECT", "UNLOCK", "MARK_AS_PAID", "MARK_AS_UNPAID"]
# The link id each reason needs (None: no link id required).
REASON_LINK = {
    "ASSIGNMENT": "assignmentId", "ASSIGNMENT_INITIAL_FEE": "assignmentId",
    "CLEARING_SALE": "tradeSettlementId", "CLEARING_RENTAL": "rentalSettlementId",
    "REALTY": "realtyId", "OFFER_DOWN_PAYMENT": None, "DOCUMENT_MANAGEMENT": None, "OTHER": None,
}
LINK_FIELDS = ["assignmentId", "tradeSettlementId", "rentalSettlementId", "realtyId"]
SORT_FIELDS = {"modificationTime": "modification_time", "invoicingDate": "invoicing_date",
               "issueDate": "issue_date", "dueDate": "due_date",
               "invoiceNumber": "invoice_number", "statusCode": "status"}


class Refused(Exception):
    """An API error: HTTP status, errorCode, message and per-field errors."""

    def __init__(self, status, code, message, errors=None, description=""):
        self.status, self.code, self.message = status, code, message
        self.errors = errors or []
        self.description = description
        super().__init__(message)

    def body(self):
        body = {"errorCode": self.code, "message": self.message}
        if self.description:
            body["description"] = self.description
        if self.errors:
            body["errors"] = [{"target": t, "errorCode": c, "message": m}
                              for t, c, m in self.errors]
        return body


def bad_body(errors):
    return Refused(400, "BAD_REQUEST_BODY", "Invalid request body", errors,
                   "One or more fields are missing or have an invalid value.")


def bad_params(errors):
    return Refused(400, "BAD_REQUEST_PARAMETERS", "Invalid request parameters", errors,
                   "Request parameters are missing or have invalid type.")


def invalid_status(message):
    return Refused(400, "INVALID_STATUS", message)


# --- totals ------------------------------------------------------------------------------------

def _cents(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def line_both_bases(amount: int, vat_percentage, includes_vat: bool) -> tuple[int, int]:
    """(VAT included, VAT excluded) of one line: the entered basis kept, the other derived."""
    factor = Decimal(1) + Decimal(str(vat_percentage)) / Decimal(100)
    if includes_vat:
        return amount, _cents(Decimal(amount) / factor)
    return _cents(Decimal(amount) * factor), amount


def total_invoiced_amount(body: dict) -> dict:
    gross = net = 0
    for cost in body.get("costs") or []:
        g, n = line_both_bases(cost["amount"], cost["vatPercentage"], cost["includesVat"])
        gross, net = gross + g, net + n
    discount = body.get("discount")
    if discount and discount.get("amount"):
        g, n = line_both_bases(discount["amount"], discount.get("vatPercentage", 0),
                               discount.get("includesVat", True))
        gross, net = gross - g, net - n
    return {"vatIncluded": gross, "vatExcluded": net}


# --- numbering -------------------------------------------------------------------------------

def reference_check_digit(base: str) -> str:
    """Finnish reference number (viitenumero): weights 7-3-1 from the right."""
    weights = [7, 3, 1]
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def compose_numbers(year: int, office_identifier: str, sequence: int) -> tuple[str, str]:
    number = f"{year}{office_identifier}{sequence:04d}"
    return number, number + reference_check_digit(number)


# --- lifecycle -------------------------------------------------------------------------------

def action_target(action: str, status: str, is_paid: bool) -> tuple[str, bool]:
    """(new status, new isPaid) or Refused when the action is not allowed in this state."""
    if action == "LOCK" and status == "DRAFT":
        return "READY_FOR_APPROVAL", is_paid
    if action == "UNLOCK" and status in ("READY_FOR_APPROVAL", "REJECTED"):
        return "DRAFT", is_paid
    if action in ("APPROVE", "REJECT") and status == "READY_FOR_APPROVAL":
        return ("APPROVED" if action == "APPROVE" else "REJECTED"), is_paid
    if action == "MARK_AS_PAID" and status == "APPROVED" and not is_paid:
        return status, True
    if action == "MARK_AS_UNPAID" and status == "APPROVED" and is_paid:
        return status, False
    paid = " and paid" if is_paid else ""
    raise invalid_status(f"Action {action} is not allowed for an invoice in status {status}{paid}")


def fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


# --- validation ------------------------------------------------------------------------------

class Checker:
    """Collects (target, code, message) errors while walking a body."""

    def __init__(self):
        self.errors = []

    def add(self, target, code, message):
        self.errors.append((target, code, message))

    def required(self, obj, key, target):
        if not isinstance(obj, dict) or obj.get(key) in (None, ""):
            self.add(target, "VALUE_REQUIRED", f"{target} is mandatory")
            return False
        return True

    def uuid(self, obj, key, target, *, required=False, loose=False):
        if obj.get(key) in (None, ""):
            if required:
                self.add(target, "VALUE_REQUIRED", f"{target} is mandatory")
            return
        pattern = LOOSE_UUID if loose else STRICT_UUID
        if not isinstance(obj[key], str) or not pattern.match(obj[key]):
            self.add(target, "INVALID_TYPE", f"{target} must be a UUID")

    def date(self, obj, key, target, *, required=True):
        value = obj.get(key)
        if value in (None, ""):
            if required:
                self.add(target, "VALUE_REQUIRED", f"{target} is mandatory")
            return None
        return self.parse_date(value, target)

    def parse_date(self, value, target):
        try:
            if not isinstance(value, str) or not DATE.match(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.add(target, "INVALID_TYPE", f"{target} must be a date in format YYYY-MM-DD")
            return None

    def integer(self, obj, key, target, *, required=False):
        value = obj.get(key)
        if value is None:
            if required:
                self.add(target, "VALUE_REQUIRED", f"{target} is mandatory")
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(target, "INVALID_TYPE", f"{target} must be an integer in minor units")
        elif value < 0:
            self.add(target, "INVALID_VALUE", f"{target} must not be negative")

    def percentage(self, obj, key, target, *, required=False):
        value = obj.get(key)
        if value is None:
            if required:
                self.add(target, "VALUE_REQUIRED", f"{target} is mandatory")
            return
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            self.add(target, "INVALID_TYPE", f"{target} must be a number")
        elif not 0 <= value <= 100:
            self.add(target, "INVALID_VALUE", f"{target} must be between 0 and 100")

    def boolean(self, obj, key, target):
        if key in obj and not isinstance(obj[key], bool):
            self.add(target, "INVALID_TYPE", f"{target} must be a boolean")

    def text(self, obj, key, target, *, max_length=200, required=False):
        value = obj.get(key)
        if value in (None, ""):
            if required:
                self.add(target, "VALUE_REQUIRED", f"{target} is mandatory")
            return
        if not isinstance(value, str):
            self.add(target, "INVALID_TYPE", f"{target} must be a string")
        elif len(value) > max_length:
            self.add(target, "INVALID_VALUE", f"{target} must be at most {max_length} characters")


def check_invoicing(c: Checker, invoicing, prefix: str, *, required: bool):
    if not isinstance(invoicing, dict):
        if required:
            c.add(prefix, "VALUE_REQUIRED", f"{prefix} is mandatory")
        return
    if not c.required(invoicing, "invoicingMethodCode", f"{prefix}.invoicingMethodCode"):
        return
    if invoicing["invoicingMethodCode"] == "EINVOICING":
        e = invoicing.get("eInvoicing")
        if not isinstance(e, dict):
            c.add(f"{prefix}.eInvoicing", "VALUE_REQUIRED",
                  "eInvoicing is mandatory when invoicingMethodCode is EINVOICING")
            return
        c.required(e, "eInvoicingAddress", f"{prefix}.eInvoicing.eInvoicingAddress")
        c.required(e, "operatorId", f"{prefix}.eInvoicing.operatorId")


def check_invoice(c: Checker, inv, known_offices: set, prefix="invoice"):
    """Validate a BaseInvoice / BasePutInvoice object."""
    if not isinstance(inv, dict):
        c.add(prefix, "VALUE_REQUIRED", f"{prefix} is mandatory")
        return
    p = prefix + "."
    c.uuid(inv, "agencyOfficeId", p + "agencyOfficeId", required=True)
    office = inv.get("agencyOfficeId")
    if isinstance(office, str) and STRICT_UUID.match(office) and office not in known_offices:
        c.add(p + "agencyOfficeId", "INVALID_ID", "Unknown agency office")
    c.uuid(inv, "responsibleAgentId", p + "responsibleAgentId")
    currency = inv.get("currencyCode", "EUR")
    if not (isinstance(currency, str) and re.match(r"^[A-Z]{3}$", currency)):
        c.add(p + "currencyCode", "INVALID_TYPE", "currencyCode must be an ISO 4217 code")
    c.date(inv, "invoicingDate", p + "invoicingDate")
    issue = c.date(inv, "issueDate", p + "issueDate")
    due = c.date(inv, "dueDate", p + "dueDate")
    if issue and due and due < issue:
        c.add(p + "dueDate", "INVALID_VALUE", "dueDate must not be before issueDate")
    costs = inv.get("costs")
    if not isinstance(costs, list) or not costs:
        c.add(p + "costs", "VALUE_REQUIRED", "At least one cost is mandatory")
    else:
        for i, cost in enumerate(costs):
            t = f"{p}costs[{i}]."
            if not isinstance(cost, dict):
                c.add(t[:-1], "INVALID_TYPE", "A cost must be an object")
                continue
            c.integer(cost, "amount", t + "amount", required=True)
            c.percentage(cost, "vatPercentage", t + "vatPercentage", required=True)
            if c.required(cost, "includesVat", t + "includesVat"):
                c.boolean(cost, "includesVat", t + "includesVat")
            c.boolean(cost, "includedInCommission", t + "includedInCommission")
            c.text(cost, "costTypeCode", t + "costTypeCode", max_length=50, required=True)
            c.text(cost, "description", t + "description")
    discount = inv.get("discount")
    if discount is not None:
        if not isinstance(discount, dict):
            c.add(p + "discount", "INVALID_TYPE", "discount must be an object")
        else:
            c.integer(discount, "amount", p + "discount.amount", required=True)
            c.percentage(discount, "vatPercentage", p + "discount.vatPercentage", required=True)
            c.boolean(discount, "includesVat", p + "discount.includesVat")
            c.text(discount, "description", p + "discount.description")
    c.integer(inv, "downPayment", p + "downPayment")
    parties = inv.get("invoicedParties")
    if c.required(inv, "invoicedParties", p + "invoicedParties"):
        c.uuid(parties, "primaryId", p + "invoicedParties.primaryId", required=True)
        listed = parties.get("parties") if isinstance(parties, dict) else None
        if not isinstance(listed, list) or not listed:
            c.add(p + "invoicedParties.parties", "VALUE_REQUIRED", "At least one party is mandatory")
        else:
            for i, party in enumerate(listed):
                c.uuid(party if isinstance(party, dict) else {}, "partyId",
                       f"{p}invoicedParties.parties[{i}].partyId", required=True)
            ids = [x.get("partyId") for x in listed if isinstance(x, dict)]
            if parties.get("primaryId") and parties["primaryId"] not in ids:
                c.add(p + "invoicedParties.primaryId", "INVALID_VALUE",
                      "primaryId must be one of the invoiced parties")
    for i, account in enumerate(inv.get("paymentAccounts") or []):
        t = f"{p}paymentAccounts[{i}]."
        if not isinstance(account, dict):
            c.add(t[:-1], "INVALID_TYPE", "A payment account must be an object")
            continue
        c.text(account, "iban", t + "iban", max_length=34, required=True)
        c.text(account, "bic", t + "bic", max_length=11)
        c.text(account, "bankName", t + "bankName")
        c.text(account, "accountHolder", t + "accountHolder")
    terms = inv.get("terms")
    if isinstance(terms, dict):
        c.percentage(terms, "latePaymentFeePercentage", p + "terms.latePaymentFeePercentage")
        c.integer(terms, "noticePeriod", p + "terms.noticePeriod")
        check_invoicing(c, terms.get("invoicing"), p + "terms.invoicing", required=False)
    address = inv.get("billingAddress")
    if isinstance(address, dict):
        for key in ("recipient", "streetAddress", "postcode", "postalArea"):
            c.text(address, key, f"{p}billingAddress.{key}")
        country = address.get("countryCode")
        if country is not None and not (isinstance(country, str) and re.match(r"^[A-Z]{2}$", country)):
            c.add(p + "billingAddress.countryCode", "INVALID_TYPE",
                  "countryCode must be an ISO 3166-1 alpha-2 code")


def check_create(body, known_offices: set) -> tuple[str, dict]:
    """(reason, links) of a valid create body, or Refused with every problem found."""
    c = Checker()
    if not isinstance(body, dict):
        raise bad_body([("body", "INVALID_TYPE", "The body must be a JSON object")])
    reason = body.get("invoicingReasonCode")
    if reason in (None, ""):
        c.add("invoicingReasonCode", "VALUE_REQUIRED", "invoicingReasonCode is mandatory")
    elif reason not in REASONS:
        c.add("invoicingReasonCode", "INVALID_VALUE", f"Unknown invoicingReasonCode {reason}")
    needed = REASON_LINK.get(reason)
    for field in LINK_FIELDS:
        c.uuid(body, field, field, required=field == needed, loose=field == "realtyId")
    check_invoice(c, body.get("invoice"), known_offices)
    if c.errors:
        raise bad_body(c.errors)
    links = {f: body[f] for f in LINK_FIELDS if body.get(f)}
    return reason, links


def check_update(body, known_offices: set, invoice_type: str):
    c = Checker()
    if not isinstance(body, dict):
        raise bad_body([("body", "INVALID_TYPE", "The body must be a JSON object")])
    kind = body.get("invoiceTypeCode")
    if kind in (None, ""):
        c.add("invoiceTypeCode", "VALUE_REQUIRED", "invoiceTypeCode is mandatory")
    elif kind != invoice_type:
        c.add("invoiceTypeCode", "INVALID_VALUE",
              f"invoiceTypeCode {kind} does not match the invoice ({invoice_type})")
    check_invoice(c, body.get("invoice"), known_offices)
    if c.errors:
        raise bad_body(c.errors)


def check_credit_note(body):
    c = Checker()
    if not isinstance(body, dict):
        raise bad_body([("body", "INVALID_TYPE", "The body must be a JSON object")])
    dates = {k: c.date(body, k, k) for k in ("invoicingDate", "issueDate", "dueDate")}
    if dates["issueDate"] and dates["dueDate"] and dates["dueDate"] < dates["issueDate"]:
        c.add("dueDate", "INVALID_VALUE", "dueDate must not be before issueDate")
    c.text(body, "creditNoteReason", "creditNoteReason", required=True)
    c.text(body, "paymentTerms", "paymentTerms", max_length=500)
    check_invoicing(c, body.get("invoicing"), "invoicing", required=True)
    if c.errors:
        raise bad_body(c.errors)


def check_settings(body):
    c = Checker()
    if not isinstance(body, dict):
        raise bad_body([("body", "INVALID_TYPE", "The body must be a JSON object")])
    c.uuid(body, "agencyOfficeId", "agencyOfficeId", required=True)
    settings = body.get("invoiceSettings")
    if not isinstance(settings, dict):
        c.add("invoiceSettings", "VALUE_REQUIRED", "invoiceSettings is mandatory")
    else:
        costs = settings.get("nonCommissionCosts") or {}
        if not isinstance(costs, dict):
            c.add("invoiceSettings.nonCommissionCosts", "INVALID_TYPE", "must be an object")
        else:
            for key in ("includedInCommission", "subjectToRoyalty", "separateLinesToInvoicePdf"):
                c.boolean(costs, key, f"invoiceSettings.nonCommissionCosts.{key}")
    if c.errors:
        raise bad_body(c.errors)


def check_override(body):
    c = Checker()
    if not isinstance(body, dict):
        raise bad_body([("body", "INVALID_TYPE", "The body must be a JSON object")])
    if body.get("invoiceTypeCode") not in TYPES:
        c.add("invoiceTypeCode", "VALUE_REQUIRED", "invoiceTypeCode is mandatory")
    inv = body.get("invoice")
    if not isinstance(inv, dict):
        c.add("invoice", "VALUE_REQUIRED", "invoice is mandatory")
    else:
        if inv.get("statusCode") not in STATUSES:
            c.add("invoice.statusCode", "INVALID_VALUE", "statusCode must be an invoice status")
        c.uuid(inv, "invoiceDocumentId", "invoice.invoiceDocumentId")
        c.boolean(inv, "isPaid", "invoice.isPaid")
        for key in ("paidDate", "approvedDate", "issueDate"):
            c.date(inv, key, f"invoice.{key}", required=False)
        c.text(inv, "invoiceNumber", "invoice.invoiceNumber", max_length=100)
        c.text(inv, "referenceNumber", "invoice.referenceNumber", max_length=100)
    if c.errors:
        raise bad_body(c.errors)
