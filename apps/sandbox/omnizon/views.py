"""The Omnizon Public REST API, emulated: every operation is a POST under /rest/v1/.

Errors answer `{statusCode, resultMessage}` (the shape `reject` documents). Listings filter
their window on `modified` and page with `pageNumber`/`pageSize` in the Spring-style envelope.
"""

import json
import math
import secrets
from datetime import UTC, timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.db.models import Count, F, Q, Sum
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.sandbox.accounts import account_for
from apps.sandbox.faults import emulator
from apps.sandbox.omnizon import state
from apps.sandbox.omnizon.models import Company, Document

INBOX_MAX_DAYS = 60
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ApiError(Exception):
    def __init__(self, status, message):
        self.status, self.message = status, message
        super().__init__(message)


def error_body(status: int, message: str):
    return JsonResponse({"statusCode": status, "resultMessage": message}, status=status)


def api(raw_body=False):
    """Auth (`Authorization: <api key>`, no Bearer), the JSON body, errors as JSON."""

    def decorator(view):
        @emulator("omnizon", error_response=error_body)
        @wraps(view)
        def wrapper(request):
            if request.method != "POST":
                return error_body(405, "Every operation is a POST.")
            account = account_for("omnizon", request.headers.get("Authorization", "").strip())
            if account is None:
                return error_body(401, "Invalid or missing API key.")
            state.ensure_seeded(account)
            try:
                body = request.body if raw_body else _json_body(request)
                return view(request, account, body)
            except ApiError as exc:
                return error_body(exc.status, exc.message)

        return wrapper

    return decorator


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return body


# --- helpers ------------------------------------------------------------------------------------

def iso(moment):
    return state._iso(moment) if moment else None


def vat_digits(value) -> str:
    text = str(value or "").strip().upper().removeprefix("HR")
    if not (len(text) == 11 and text.isdigit()):
        raise ApiError(400, f"'{value}' is not a Croatian VAT number (OIB, 11 digits).")
    return text


def company_of(account, value, field="companyVatNumber") -> Company:
    if not value:
        raise ApiError(400, f"{field} is required.")
    company = account.omnizon_companies.filter(vat_number=vat_digits(value)).first()
    if company is None:
        raise ApiError(403, f"This API key has no access to company {value}.")
    return company


def document_of(account, body, company=None) -> Document:
    document_id = body.get("documentId")
    if not document_id:
        raise ApiError(400, "documentId is required.")
    docs = Document.objects.filter(account=account, document_id=str(document_id))
    if company is not None:
        docs = docs.filter(company=company)
    doc = docs.select_related("account", "company").first()
    if doc is None:
        raise ApiError(404, f"Document {document_id} not found.")
    return state.advance(doc)


def moment(body, field, required=False):
    value = body.get(field)
    if value in (None, ""):
        if required:
            raise ApiError(400, f"{field} is required.")
        return None
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ApiError(400, f"{field} must be an ISO-8601 date-time.")
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def windowed(queryset, body, required=False, max_days=None):
    start, end = moment(body, "dateFrom", required), moment(body, "dateTo", required)
    if max_days:
        oldest = timezone.now() - timedelta(days=max_days)
        if start is None:
            start = oldest
        elif start < oldest:
            raise ApiError(400, f"dateFrom may reach back at most {max_days} days.")
    if start:
        queryset = queryset.filter(modified__gte=start)
    if end:
        queryset = queryset.filter(modified__lte=end)
    return queryset


def paged(request, queryset, serialize, order=("modified", "document_id")):
    try:
        number = int(request.GET.get("pageNumber", 1))
        size = int(request.GET.get("pageSize", 50))
    except ValueError:
        raise ApiError(400, "pageNumber and pageSize must be integers.") from None
    if number < 1 or not 1 <= size <= 1000:
        raise ApiError(400, "pageNumber must be >= 1 and pageSize between 1 and 1000.")
    total = queryset.count()
    rows = list(queryset.order_by(*order)[(number - 1) * size: number * size])
    pages = math.ceil(total / size)
    return JsonResponse({
        "items": [serialize(row) for row in rows], "totalElements": total, "totalPages": pages,
        "size": size, "number": number, "numberOfElements": len(rows), "first": number == 1,
        "last": number >= pages, "empty": not rows,
    })


def edi_type(doc):
    return "CREDIT_NOTE" if doc.doc_type == "CreditNote" else "INVOICE"


def common(doc) -> dict:
    return {"documentId": doc.document_id, "documentNumber": doc.number,
            "supplierVatNumber": doc.sender_vat, "customerVatNumber": doc.receiver_vat,
            "supplierGln": None, "customerGln": None, "supplierBusinessUnit": None,
            "customerBusinessUnit": None,
            "amount": f"{doc.amount:.2f}" if doc.amount is not None else None,
            "currency": doc.currency, "created": iso(doc.created), "modified": iso(doc.modified),
            "documentEdiType": edi_type(doc)}


def inbox_item(doc):
    return {**common(doc), "documentSenderName": doc.sender_name, "customerName": doc.receiver_name}


def inbox_status_item(doc):
    fiscal = state.fiscalization_of(doc) or {}
    return {**inbox_item(doc), "internalStatus": doc.internal_status, "externalStatus": {
        "responseId": fiscal.get("fiscalizationResponseId") or f"rsp-{doc.document_id[:6]}",
        "requestId": fiscal.get("fiscalizationRequestId") or f"req-{doc.document_id[:6]}",
        "responseDateTime": iso(doc.created + timedelta(seconds=20)),
        "successful": bool(fiscal), "retryRecommended": False}}


def outbox_item(doc):
    return {**common(doc), "supplierName": doc.sender_name,
            "documentReceiverName": doc.receiver_name, "internalStatus": doc.internal_status,
            "externalStatus": doc.external_status or None}


def details(doc):
    return doc.internal_details if doc.internal_status == "FAILED" else []


def binary(content: bytes, content_type: str, name: str):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- documents: lists ---------------------------------------------------------------------------

@api()
def inbox(request, account, body):
    company = company_of(account, body.get("companyVatNumber"))
    docs = windowed(company.documents.filter(direction="in"), body, max_days=INBOX_MAX_DAYS)
    return paged(request, docs, inbox_item)


@api()
def inbox_status(request, account, body):
    company = company_of(account, body.get("companyVatNumber"))
    return paged(request, windowed(company.documents.filter(direction="in"), body),
                 inbox_status_item)


@api()
def outbox_status(request, account, body):
    company = company_of(account, body.get("companyVatNumber"))
    state.advance_company(company)
    return paged(request, windowed(company.documents.filter(direction="out"), body), outbox_item)


@api()
def by_external_status(request, account, body):
    if not body.get("status"):
        raise ApiError(400, "status is required.")
    company = company_of(account, body.get("companyVatNumber"))
    state.advance_company(company)
    docs = windowed(company.documents.filter(external_status__iexact=body["status"]), body,
                    required=True)
    return paged(request, docs, lambda doc: {"documentId": doc.document_id})


@api()
def by_number(request, account, body):
    if not body.get("documentNumber"):
        raise ApiError(400, "documentNumber is required.")
    company = company_of(account, body.get("companyVatNumber"))
    docs = company.documents.filter(number=body["documentNumber"])
    year = str(body.get("issueYear") or "")
    if year:
        if not (len(year) == 4 and year.isdigit()):
            raise ApiError(400, "issueYear must have four digits.")
        docs = docs.filter(created__year=int(year))
    if request.GET.get("sortBy", "created") != "created":
        raise ApiError(400, "sortBy supports only 'created'.")
    direction = request.GET.get("sortDirection", "desc")
    if direction not in ("asc", "desc"):
        raise ApiError(400, "sortDirection must be asc or desc.")
    prefix = "-" if direction == "desc" else ""
    return paged(request, docs, lambda doc: {"documentId": doc.document_id},
                 order=(f"{prefix}created", f"{prefix}document_id"))


# --- documents: one document --------------------------------------------------------------------

@api()
def get_document(request, account, body):
    doc = document_of(account, body, company_of(account, body.get("companyVatNumber")))
    Document.objects.filter(pk=doc.pk).update(
        fetch_count=F("fetch_count") + 1, fetched_by=request.headers.get("x-software-id", ""))
    return binary(state.xml_of(doc), "application/octet-stream", f"{doc.document_id}.xml")


@api()
def get_pdf(request, account, body):
    doc = document_of(account, body, company_of(account, body.get("companyVatNumber")))
    pdf = state.pdf_of(doc)
    if pdf is None:
        raise ApiError(404, f"Document {doc.document_id} has no PDF attachment.")
    Document.objects.filter(pk=doc.pk).update(
        pdf_fetch_count=F("pdf_fetch_count") + 1,
        fetched_by=request.headers.get("x-software-id", ""))
    return binary(pdf, "application/pdf", f"{doc.document_id}.pdf")


@api()
def get_status(request, account, body):
    doc = document_of(account, body, company_of(account, body.get("companyVatNumber")))
    return JsonResponse({
        "documentId": doc.document_id, "documentSenderName": doc.sender_name,
        "documentReceiverName": doc.receiver_name, "documentSenderVatNumber": doc.sender_vat,
        "documentReceiverVatNumber": doc.receiver_vat, "documentNumber": doc.number,
        "internalStatus": doc.internal_status, "externalStatus": doc.external_status or None,
        "fiscalizationDetails": state.fiscalization_of(doc), "reportingDetails": None,
        "internalStatusDetails": details(doc),
    })


@api()
def get_internal_status(request, account, body):
    doc = document_of(account, body)
    status = "acknowledged" if doc.acknowledged_at else doc.internal_status
    return JsonResponse({"documentId": doc.document_id, "status": status,
                         "internalStatusDetails": details(doc)})


@api()
def latest_fiscalization(request, account, body):
    doc = document_of(account, body)
    fiscal = state.fiscalization_of(doc)
    if fiscal is None:
        raise ApiError(404, f"Document {doc.document_id} has no fiscalization attempt yet.")
    return JsonResponse(fiscal)


@api()
def ack(request, account, body):
    doc = document_of(account, body)
    reason = str(body.get("reason") or "")[:500]
    Document.objects.filter(pk=doc.pk).update(ack_count=F("ack_count") + 1)
    if doc.direction != "in":
        raise ApiError(400, "Only received documents can be acknowledged.")
    if doc.acknowledged_at:
        return JsonResponse({"statusCode": 200, "resultMessage": "Document already acknowledged."})
    now = timezone.now()
    Document.objects.filter(pk=doc.pk).update(acknowledged_at=now, ack_reason=reason,
                                              external_status="ACKNOWLEDGED", modified=now)
    return JsonResponse({"statusCode": 200, "resultMessage": "Document acknowledged."})


@api()
def archive(request, account, body):
    doc = document_of(account, body, company_of(account, body.get("companyVatNumber")))
    if not doc.archived_at:
        Document.objects.filter(pk=doc.pk).update(
            archived_at=timezone.now(), archived_bytes=len(state.xml_of(doc)))
    return JsonResponse({"documentId": doc.document_id, "status": "archived"})


@api()
def get_from_archive(request, account, body):
    doc = document_of(account, body)
    if not doc.archived_at:
        raise ApiError(404, f"Document {doc.document_id} is not in the archive.")
    return binary(state.xml_of(doc), "application/octet-stream", f"{doc.document_id}.xml")


@api(raw_body=True)
def send(request, account, content):
    company = company_of(account, request.headers.get("companyVatNumber"), "companyVatNumber header")
    if not content:
        raise ApiError(400, "The request body must be the UBL XML document.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "The document is larger than 10 MB.")
    fields, errors = state.validate(content)
    now = timezone.now()
    doc = Document.objects.create(
        account=account, company=company, document_id=secrets.token_hex(12), direction="out",
        doc_type=fields.get("doc_type", "Invoice"), number=fields.get("number", "")[:100],
        sender_name=company.name, sender_vat=company.vat_number,
        receiver_name=fields.get("receiver_name", "")[:300],
        receiver_vat=fields.get("receiver_vat", "").removeprefix("HR")[:20],
        amount=_decimal(fields.get("amount")), currency=fields.get("currency", "EUR")[:3],
        created=now, modified=now, internal_status="NEW", external_status="", content=content,
        file_name=request.headers.get("x-fileName", "")[:200], has_pdf=False,
        submitted_at=now, will_fail=bool(errors),
        software_id=request.headers.get("x-software-id", "")[:100],
        internal_details=[{"timestamp": iso(now), "errorMessage": e} for e in errors],
    )
    return JsonResponse({"documentId": doc.document_id})


def _decimal(text):
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


# --- billing ------------------------------------------------------------------------------------

@api()
def monthly_usage(request, account, body):
    company = company_of(account, body.get("vatNumber"), "vatNumber")
    try:
        year, month = int(body.get("year")), int(body.get("month"))
    except (TypeError, ValueError):
        raise ApiError(400, "year and month are required integers.") from None
    if not (2020 <= year <= 2100 and 1 <= month <= 12):
        raise ApiError(400, "year must be 2020-2100 and month 1-12.")
    counts = company.documents.filter(created__year=year, created__month=month).aggregate(
        out=Count("pk", filter=Q(direction="out")), into=Count("pk", filter=Q(direction="in")))
    return JsonResponse([
        {"metricName": "documents-out", "metricUsage": str(counts["out"])},
        {"metricName": "documents-in", "metricUsage": str(counts["into"])},
        {"metricName": "documents-total", "metricUsage": str(counts["out"] + counts["into"])},
    ], safe=False)


@api()
def archive_usage(request, account, body):
    company = company_of(account, body.get("vatNumber"), "vatNumber")
    size = company.documents.aggregate(total=Sum("archived_bytes"))["total"] or 0
    return JsonResponse({"metricName": "archive-bytes", "metricUsage": str(size)})
