"""The Ovipro Invoice API v1 emulator (paths: apps/ovipro/README.md, "Assumptions").

Every view: bearer token -> account, a valid lower-case UUID `Request-ID` (echoed back), JSON
bodies with exact decimals, the Ovipro error body. The rules live in rules.py.
"""

import uuid
from datetime import date, datetime, timezone
from functools import wraps

from django.core import signing
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone as dj_timezone
from django.views.decorators.http import require_http_methods

from apps.ovipro import jsonnum
from apps.sandbox.accounts import account_for
from apps.sandbox.faults import emulator
from apps.sandbox.ovipro import rules
from apps.sandbox.ovipro.models import EmuDocument, EmuInvoice, EmuOffice, EmuParty
from apps.sandbox.ovipro.rules import Refused
from apps.sandbox.ovipro.seed import ensure_seeded, search_fields, stamp

PROVIDER = "ovipro"
TOKEN_SALT = "sandbox.ovipro.token"
TOKEN_SECONDS = 900


def respond(body, status=200, request_id=""):
    response = HttpResponse(jsonnum.dumps(body), status=status, content_type="application/json")
    if request_id:
        response["Request-ID"] = request_id
    return response


def error_response(status, message):
    """Faults (429, 5xx) in the Ovipro error shape."""
    code = {429: "TOO_MANY_REQUESTS", 401: "UNAUTHORIZED", 404: "NOT_FOUND"}.get(
        status, "TECHNICAL_ERROR" if status >= 500 else "BAD_REQUEST")
    return respond({"errorCode": code, "message": message}, status)


def api(*methods):
    """Auth, Request-ID, JSON body and errors around an emulator view(request, account, ...)."""

    def decorator(view):
        @emulator(PROVIDER, error_response=error_response)
        @require_http_methods(list(methods))
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request_id = request.headers.get("Request-ID", "")
            try:
                _check_request_id(request_id)
                account = _account(request)
                ensure_seeded(account)
                body = _body(request)
                result = view(request, account, body, *args, **kwargs)
            except Refused as refused:
                return respond(refused.body(), refused.status, request_id)
            if isinstance(result, HttpResponse):
                result["Request-ID"] = request_id
                return result
            status, payload = result
            if status == 204:
                response = HttpResponse(status=204)
                response["Request-ID"] = request_id
                return response
            return respond(payload, status, request_id)

        return wrapper

    return decorator


def _check_request_id(value):
    if not value:
        raise rules.bad_params([("Request-ID", "VALUE_REQUIRED",
                                 "Mandatory request header Request-ID is missing")])
    if not rules.STRICT_UUID.match(value):
        raise rules.bad_params([("Request-ID", "INVALID_TYPE",
                                 "Request header Request-ID must be a lower-case UUID")])


def _account(request):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer" or not token:
        raise Refused(401, "UNAUTHORIZED", "Missing bearer token")
    try:
        key = signing.TimestampSigner(salt=TOKEN_SALT).unsign(token, max_age=TOKEN_SECONDS)
    except signing.SignatureExpired:
        raise Refused(401, "UNAUTHORIZED", "The token has expired") from None
    except signing.BadSignature:
        raise Refused(401, "UNAUTHORIZED", "Invalid token") from None
    account = account_for(PROVIDER, key)
    if account is None:
        raise Refused(401, "UNAUTHORIZED", "Invalid token")
    return account


def _body(request):
    if request.method not in ("POST", "PUT") or not request.body:
        return None
    if request.content_type != "application/json":
        raise Refused(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json")
    try:
        return jsonnum.loads(request.body)
    except ValueError:
        raise rules.bad_body([("body", "INVALID_TYPE", "The body is not valid JSON")]) from None


def _now():
    return dj_timezone.now()


# --- authentication ----------------------------------------------------------------------------

@emulator(PROVIDER, error_response=error_response)
@require_http_methods(["POST"])
def token(request):
    """Authentication API "Create a token": {username, password} -> a 15-minute bearer token."""
    try:
        body = jsonnum.loads(request.body or b"{}")
    except ValueError:
        body = {}
    account = account_for(PROVIDER, body.get("username"))
    expected = account.options.get("password") if account else None
    if account is None or (expected and body.get("password") != expected):
        return respond({"errorCode": "UNAUTHORIZED", "message": "Invalid username or password"}, 401)
    value = signing.TimestampSigner(salt=TOKEN_SALT).sign(account.key)
    return respond({"token_type": "Bearer", "access_token": value, "expires_in": TOKEN_SECONDS})


# --- invoices ---------------------------------------------------------------------------------

def _office_ids(account) -> set:
    return set(EmuOffice.objects.filter(account=account).values_list("office_id", flat=True))


def _party_names(account) -> dict:
    return dict(EmuParty.objects.filter(account=account).values_list("party_id", "name"))


def _invoice(account, invoice_id) -> EmuInvoice:
    if not rules.STRICT_UUID.match(invoice_id):
        raise rules.bad_params([("invoiceId", "INVALID_TYPE", "invoiceId must be a UUID")])
    invoice = EmuInvoice.objects.filter(account=account, invoice_id=invoice_id).first()
    if invoice is None:
        raise Refused(404, "INVALID_ID", f"Invoice {invoice_id} not found")
    return invoice


def _store_body(account, invoice, body):
    invoice.body = body
    for field, value in search_fields(body, invoice.invoice_number,
                                      _party_names(account)).items():
        setattr(invoice, field, value)


@api("GET", "POST")
def invoices(request, account, body):
    if request.method == "POST":
        return _create(account, body)
    return 200, _search(account, request.GET)


def _create(account, body):
    reason, links = rules.check_create(body, _office_ids(account))
    now = _now()
    invoice = EmuInvoice(account=account, invoice_id=str(uuid.uuid4()), status="DRAFT",
                         invoice_type="INVOICE", reason=reason, links=links,
                         creation_time=now, modification_time=now)
    _store_body(account, invoice, body["invoice"])
    invoice.save()
    return 201, {"invoiceId": invoice.invoice_id}


@api("GET", "PUT", "DELETE")
def invoice_detail(request, account, body, invoice_id):
    invoice = _invoice(account, invoice_id)
    if request.method == "GET":
        return 200, detail(invoice)
    if invoice.status != "DRAFT":
        verb = "updated" if request.method == "PUT" else "deleted"
        raise rules.invalid_status(f"Only a DRAFT invoice can be {verb}; this one is {invoice.status}")
    if request.method == "DELETE":
        if invoice.invoice_number or invoice.reference_number:
            raise rules.invalid_status("An invoice that has an invoice number or a reference "
                                       "number cannot be deleted")
        invoice.delete()
        return 204, None
    rules.check_update(body, _office_ids(account), invoice.invoice_type)
    _store_body(account, invoice, body["invoice"])
    invoice.modification_time = _now()
    invoice.save()
    return 200, {}


@api("POST")
def actions(request, account, body, invoice_id):
    invoice = _invoice(account, invoice_id)
    action = (body or {}).get("actionTypeCode")
    if action not in rules.ACTIONS:
        raise rules.bad_body([("actionTypeCode", "VALUE_REQUIRED" if not action else "INVALID_VALUE",
                               f"actionTypeCode must be one of {', '.join(rules.ACTIONS)}")])
    with transaction.atomic():
        invoice = EmuInvoice.objects.select_for_update().get(pk=invoice.pk)
        invoice.status, invoice.is_paid = rules.action_target(action, invoice.status,
                                                              invoice.is_paid)
        invoice.modification_time = _now()
        if action == "APPROVE":
            _approve(account, invoice)
        if action in ("MARK_AS_PAID", "MARK_AS_UNPAID"):
            invoice.paid_date = date.today() if invoice.is_paid else None
        invoice.save()
    return 200, {}


def _approve(account, invoice):
    if not invoice.invoice_number:
        _assign_numbers(account, invoice)
    invoice.approved_date = date.today()
    invoice.invoice_document_id = _document(account, invoice, "invoice").document_id


def _assign_numbers(account, invoice):
    office = EmuOffice.objects.select_for_update().get(account=account, office_id=invoice.office_id)
    invoice.invoice_number, invoice.reference_number = rules.compose_numbers(
        date.today().year, office.office_identifier, office.next_sequence)
    invoice.search_text += f" | {invoice.invoice_number}"
    office.next_sequence += 1
    office.save(update_fields=["next_sequence"])


def _document(account, invoice, kind) -> EmuDocument:
    return EmuDocument.objects.create(account=account, document_id=str(uuid.uuid4()),
                                      invoice_id=invoice.invoice_id, kind=kind,
                                      snapshot=detail(invoice))


@api("POST")
def credit_notes(request, account, body, invoice_id):
    original = _invoice(account, invoice_id)
    rules.check_credit_note(body)
    with transaction.atomic():
        original = EmuInvoice.objects.select_for_update().get(pk=original.pk)
        if original.invoice_type != "INVOICE" or original.status != "APPROVED":
            raise rules.invalid_status(
                f"Only an APPROVED invoice can be credited; this {original.invoice_type} is "
                f"{original.status}")
        now = _now()
        content = dict(original.body)
        content.update({k: body[k] for k in ("invoicingDate", "issueDate", "dueDate")})
        terms = dict(content.get("terms") or {})
        terms["invoicing"] = body["invoicing"]
        if body.get("paymentTerms"):
            terms["paymentTerms"] = {**(terms.get("paymentTerms") or {}),
                                     "otherPaymentTermsDescription": body["paymentTerms"]}
        content["terms"] = terms
        note = EmuInvoice(account=account, invoice_id=str(uuid.uuid4()), status="DRAFT",
                          invoice_type="CREDIT_NOTE", reason=original.reason,
                          links=original.links, creation_time=now, modification_time=now,
                          credit_note={"creditNoteReason": body["creditNoteReason"],
                                       "creditedInvoiceId": original.invoice_id})
        _store_body(account, note, content)
        _assign_numbers(account, note)
        note.save()
        original.status, original.modification_time = "CREDITED", now
        original.save(update_fields=["status", "modification_time"])
    return 201, {"invoiceId": note.invoice_id}


@api("POST")
def preview(request, account, body, invoice_id):
    invoice = _invoice(account, invoice_id)
    current = rules.fingerprint(detail(invoice, with_preview=False))
    if not invoice.preview_document_id or invoice.preview_fingerprint != current:
        invoice.preview_document_id = _document(account, invoice, "preview").document_id
        invoice.preview_fingerprint = current
        invoice.save(update_fields=["preview_document_id", "preview_fingerprint"])
    return 200, {"previewInvoiceDocumentId": invoice.preview_document_id}


@api("POST")
def final_status(request, account, body, invoice_id):
    if not account.options.get("migration_user"):
        raise Refused(403, "FORBIDDEN", "Only migration users can override the final status")
    invoice = _invoice(account, invoice_id)
    rules.check_override(body)
    if body["invoiceTypeCode"] != invoice.invoice_type:
        raise rules.bad_body([("invoiceTypeCode", "INVALID_VALUE", "Does not match the invoice")])
    final = body["invoice"]
    invoice.status = final["statusCode"]
    invoice.is_paid = bool(final.get("isPaid", invoice.is_paid))
    for attr, key in (("invoice_number", "invoiceNumber"), ("reference_number", "referenceNumber"),
                      ("invoice_document_id", "invoiceDocumentId")):
        if final.get(key):
            setattr(invoice, attr, final[key])
    for attr, key in (("paid_date", "paidDate"), ("approved_date", "approvedDate"),
                      ("issue_date", "issueDate")):
        if final.get(key):
            setattr(invoice, attr, final[key])
    if final.get("issueDate"):
        invoice.body = {**invoice.body, "issueDate": final["issueDate"]}
    invoice.modification_time = _now()
    invoice.save()
    return 200, {}


# --- offices -----------------------------------------------------------------------------------

def _office(account, params) -> EmuOffice:
    office_id = params.get("agencyOfficeId", "")
    if not office_id:
        raise rules.bad_params([("agencyOfficeId", "VALUE_REQUIRED",
                                 "Mandatory request parameter agencyOfficeId is missing")])
    if not rules.STRICT_UUID.match(office_id):
        raise rules.bad_params([("agencyOfficeId", "INVALID_TYPE", "agencyOfficeId must be a UUID")])
    office = EmuOffice.objects.filter(account=account, office_id=office_id).first()
    if office is None:
        raise Refused(404, "INVALID_ID", f"Agency office {office_id} not found")
    return office


DEFAULT_SETTINGS = {"nonCommissionCosts": {"includedInCommission": False,
                                           "subjectToRoyalty": False,
                                           "separateLinesToInvoicePdf": False}}


@api("GET", "PUT")
def office_settings(request, account, body):
    if request.method == "GET":
        office = _office(account, request.GET)
        return 200, {"agencyOfficeId": office.office_id,
                     "invoiceSettings": office.settings or DEFAULT_SETTINGS}
    rules.check_settings(body)
    office = _office(account, {"agencyOfficeId": body["agencyOfficeId"]})
    costs = {**DEFAULT_SETTINGS["nonCommissionCosts"],
             **(body["invoiceSettings"].get("nonCommissionCosts") or {})}
    office.settings = {"nonCommissionCosts": costs}
    office.save(update_fields=["settings"])
    return 200, {"agencyOfficeId": office.office_id, "invoiceSettings": office.settings}


@api("GET")
def numbering(request, account, body):
    office = _office(account, request.GET)
    return 200, {"agencyOfficeId": office.office_id, "officeIdentifier": office.office_identifier,
                 "nextSequenceNumberToBeIssued": office.next_sequence}


@api("POST")
def numbering_reset(request, account, body):
    office = _office(account, request.GET)
    office.next_sequence = 1
    office.save(update_fields=["next_sequence"])
    return 200, {}


# --- documents (the slice of the Document API the dashboard needs) -----------------------------

@api("GET")
def document_content(request, account, body, document_id):
    if not rules.LOOSE_UUID.match(document_id):
        raise rules.bad_params([("documentId", "INVALID_TYPE", "documentId must be a UUID")])
    document = EmuDocument.objects.filter(account=account, document_id=document_id).first()
    if document is None:
        raise Refused(404, "INVALID_ID", f"Document {document_id} not found")
    from apps.sandbox.ovipro.documents import render_pdf

    response = HttpResponse(render_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.kind}-{document_id}.pdf"'
    return response


# --- search and serialisation -------------------------------------------------------------------

def _search(account, params):
    queryset, start, size, order = _search_query(account, params)
    total = queryset.count()
    page = queryset.order_by(*order)[start:start + size]
    return {"totalCount": total, "invoices": [summary(inv) for inv in page]}


def _search_query(account, params):
    errors = []
    qs = EmuInvoice.objects.filter(account=account)

    def listed(name, allowed=None, pattern=None):
        values = [v for v in params.getlist(name) if v != ""]
        for value in values:
            if (allowed and value not in allowed) or (pattern and not pattern.match(value)):
                errors.append((name, "INVALID_VALUE", f"{name} has an invalid value: {value}"))
        return values

    def single_uuid(name, loose=False):
        value = params.get(name, "")
        if value and not (rules.LOOSE_UUID if loose else rules.STRICT_UUID).match(value):
            errors.append((name, "INVALID_TYPE", f"{name} must be a UUID"))
            return ""
        return value

    def day(name):
        value = params.get(name, "")
        if not value:
            return None
        checker = rules.Checker()
        parsed = checker.parse_date(value, name)
        errors.extend(checker.errors)
        return parsed

    def integer(name, default, minimum):
        value = params.get(name, "")
        if value == "":
            return default
        if not value.isdigit() or int(value) < minimum:
            errors.append((name, "INVALID_TYPE", f"{name} must be an integer >= {minimum}"))
            return default
        return int(value)

    if statuses := listed("statusCode", rules.STATUSES):
        qs = qs.filter(status__in=statuses)
    if types := listed("invoiceTypeCode", rules.TYPES):
        qs = qs.filter(invoice_type__in=types)
    if reasons := listed("invoicingReasonCode", rules.REASONS):
        qs = qs.filter(reason__in=reasons)
    if offices := listed("agencyOfficeId", pattern=rules.STRICT_UUID):
        qs = qs.filter(office_id__in=offices)
    number = params.get("invoiceNumber", "")
    if number:
        if len(number) > 100:
            errors.append(("invoiceNumber", "INVALID_VALUE", "invoiceNumber is 1..100 characters"))
        qs = qs.filter(invoice_number=number)
    if name := params.get("partyName", ""):
        qs = qs.filter(party_names__contains=name.lower())
    for link in ("assignmentId", "tradeSettlementId", "rentalSettlementId"):
        if value := single_uuid(link):
            qs = qs.filter(**{f"links__{link}": value})
    if realty := single_uuid("realtyId", loose=True):
        qs = qs.filter(links__realtyId=realty)
    if party := single_uuid("partyId"):
        qs = qs.filter(party_ids__contains=f"|{party}|")
    if agent := single_uuid("responsibleAgentId"):
        qs = qs.filter(agent_id=agent)
    text = params.get("freeTextSearch", "")
    if text:
        if not 3 <= len(text) <= 50:
            errors.append(("freeTextSearch", "INVALID_VALUE", "freeTextSearch is 3..50 characters"))
        qs = qs.filter(search_text__contains=text.lower())
    if modified := params.get("modifiedAfter", ""):
        moment = _parse_timestamp(modified)
        if moment is None:
            errors.append(("modifiedAfter", "INVALID_TYPE",
                           "modifiedAfter must be a date-time such as 2021-09-21T17:32:28Z"))
        else:
            qs = qs.filter(modification_time__gt=moment)
    for name, lookup in (("issueDateAfter", "issue_date__gte"), ("issueDateBefore", "issue_date__lt"),
                         ("dueDateAfter", "due_date__gt"), ("dueDateBefore", "due_date__lt")):
        if (value := day(name)) is not None:
            qs = qs.filter(**{lookup: value})
    start = integer("startIndex", 0, 0)
    size = integer("size", 40, 1)
    order = []
    for item in params.getlist("sort"):
        field, _, direction = item.partition("|")
        if field not in rules.SORT_FIELDS or direction not in ("asc", "desc"):
            errors.append(("sort", "INVALID_VALUE", f"sort item '{item}' must be <field>|asc|desc"))
            continue
        order.append(("-" if direction == "desc" else "") + rules.SORT_FIELDS[field])
    order = (order or ["-modification_time"]) + ["invoice_id"]
    if errors:
        raise rules.bad_params(errors)
    return qs, start, size, order


def _parse_timestamp(value):
    try:
        moment = datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _links(invoice):
    return {k: v for k, v in (invoice.links or {}).items() if v}


def summary(invoice: EmuInvoice) -> dict:
    body = invoice.body
    out = {
        "invoiceId": invoice.invoice_id,
        "responsibleAgentId": body.get("responsibleAgentId"),
        "agencyOfficeId": body.get("agencyOfficeId"),
        **_links(invoice),
        "invoiceTypeCode": invoice.invoice_type,
        "invoicingReasonCode": invoice.reason,
        "invoiceNumber": invoice.invoice_number or None,
        "referenceNumber": invoice.reference_number or None,
        "statusCode": invoice.status,
        "isPaid": invoice.is_paid,
        "issueDate": str(invoice.issue_date) if invoice.issue_date else body.get("issueDate"),
        "dueDate": body.get("dueDate"),
        "invoicingDate": body.get("invoicingDate"),
        "invoicedParties": body.get("invoicedParties"),
        "sourceSystemCode": body.get("sourceSystemCode"),
        "sourceSystemCreationTime": body.get("sourceSystemCreationTime"),
        "paymentAccounts": body.get("paymentAccounts") or [],
        "costs": body.get("costs") or [],
        "billingAddress": body.get("billingAddress"),
        "totalInvoicedAmount": rules.total_invoiced_amount(body),
        "creationTime": stamp(invoice.creation_time.astimezone(timezone.utc)),
        "modificationTime": stamp(invoice.modification_time.astimezone(timezone.utc)),
    }
    if invoice.invoice_document_id:
        out["invoiceDocumentId"] = invoice.invoice_document_id
    return {k: v for k, v in out.items() if v is not None}


def detail(invoice: EmuInvoice, with_preview=True) -> dict:
    content = {k: v for k, v in invoice.body.items()}
    if invoice.invoice_number:
        content["invoiceNumber"] = invoice.invoice_number
        content["referenceNumber"] = invoice.reference_number
    if invoice.issue_date:
        content["issueDate"] = str(invoice.issue_date)
    out = {
        "invoiceId": invoice.invoice_id, "statusCode": invoice.status,
        "invoiceTypeCode": invoice.invoice_type, "invoicingReasonCode": invoice.reason,
        **_links(invoice),
        "creationTime": stamp(invoice.creation_time.astimezone(timezone.utc)),
        "modificationTime": stamp(invoice.modification_time.astimezone(timezone.utc)),
        "invoice": content,
    }
    if invoice.invoice_document_id:
        out["invoiceDocumentId"] = invoice.invoice_document_id
    if with_preview and invoice.preview_document_id:
        out["previewInvoiceDocumentId"] = invoice.preview_document_id
    if invoice.credit_note:
        out["creditNote"] = invoice.credit_note
    return out
