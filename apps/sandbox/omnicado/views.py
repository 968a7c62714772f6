"""The Omnicado (MALL marketplace proxy) emulator: invoices, offsets and their PDFs.

Answers like the proxy: `client_id` in the query string selects the account, every JSON body is
the `data`/`result`/`paging` envelope, money goes out as JSON numbers (never through float).
"""

import json
import re
from decimal import Decimal

from django.http import HttpResponse

from apps.sandbox.accounts import account_for
from apps.sandbox.faults import emulator
from apps.sandbox.omnicado import documents as docs
from apps.sandbox.omnicado.pdf import simple_pdf
from apps.sandbox.omnicado.query import Collection, QueryError, run

PROVIDER = "omnicado"
_NUMBER_MARK = "\ue000"
_NUMBER = re.compile(f'"{_NUMBER_MARK}(-?[0-9.]+){_NUMBER_MARK}"')


def _plain_number(value: Decimal) -> str:
    """1452.00 -> 1452, 200.20 -> 200.2: how the provider's JSON numbers look."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def dumps(body) -> str:
    def number(value):
        if isinstance(value, Decimal):
            return f"{_NUMBER_MARK}{_plain_number(value)}{_NUMBER_MARK}"
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    return _NUMBER.sub(r"\1", json.dumps(body, default=number, ensure_ascii=False))


def envelope(status: int, *, data=None, paging=None, message="", code="", attribute=""):
    body = {}
    if data is not None:
        body["data"] = data
    result = {"code": status, "status": "OK" if status < 400 else
              "LIMITED" if status == 429 else "ERROR"}
    if message:
        result["message"] = message
    body["result"] = result
    if paging is not None:
        body["paging"] = paging
    if code:
        body["errorCodes"] = [{"errorCode": code, "message": message,
                               "errorAttributes": {"field": attribute} if attribute else {}}]
    return HttpResponse(dumps(body), status=status, content_type="application/json; charset=UTF-8")


def error_response(status: int, message: str):
    if status == 429:
        message = "Daily API limit exceeded"
    return envelope(status, message=message)


def _account(request):
    account = account_for(PROVIDER, request.GET.get("client_id"))
    return docs.Account.of(account) if account else None


def _endpoint(view):
    """Authenticate by client_id, then run the view with the account's data spec."""

    @emulator(PROVIDER, error_response=error_response)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET":
            return envelope(405, message="Only GET is supported")
        acc = _account(request)
        if acc is None:
            return envelope(401, message="Invalid or missing client_id")
        try:
            return view(request, acc, *args, **kwargs)
        except QueryError as exc:
            return envelope(400, message=str(exc), code=exc.code, attribute=exc.attribute)

    wrapper.__name__ = view.__name__
    return wrapper


def invoices_collection(acc) -> Collection:
    return Collection(
        count=docs.invoice_count(acc),
        record=lambda i: docs.invoice(acc, i),
        monotone={"createdAt": lambda i: docs.invoice_created(acc, i),
                  "invoiceNumber": lambda i: docs.invoice_number(acc, i)},
        natural_sort=("createdAt", "invoiceNumber"),
    )


def offsets_collection(acc) -> Collection:
    return Collection(
        count=docs.offset_count(acc),
        record=lambda j: docs.offset(acc, j),
        monotone={"createdAt": lambda j: docs.offset_created(acc, j)},
        natural_sort=("createdAt", "documentNumber"),
    )


def _list(collection, request):
    result = run(collection, request.GET)
    return envelope(200, data=result.records, paging=result.paging)


@_endpoint
def invoice_list(request, acc):
    return _list(invoices_collection(acc), request)


@_endpoint
def offset_list(request, acc):
    return _list(offsets_collection(acc), request)


def _invoice_index(acc, number: str):
    return docs.invoice_index(acc, int(number)) if number.isdigit() else None


@_endpoint
def invoice_detail(request, acc, number):
    i = _invoice_index(acc, number)
    if i is None:
        return envelope(404, message=f"Invoice {number} not found")
    return envelope(200, data=docs.invoice(acc, i))


@_endpoint
def offset_detail(request, acc, document_number):
    j = docs.offset_index(acc, document_number)
    if j is None:
        return envelope(404, message=f"Offset {document_number} not found")
    return envelope(200, data=docs.offset(acc, j))


def _pdf(content: bytes, filename: str):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    return response


@_endpoint
def invoice_download(request, acc, number):
    i = _invoice_index(acc, number)
    if i is None:
        return envelope(404, message=f"Invoice {number} not found")
    inv = docs.invoice(acc, i)
    lines = [f"Supplier: {inv['supplier']['name']}", f"Customer: {inv['customer']['name']}",
             f"Created {inv['createdAt']}, due {inv['dueDate']}", ""]
    lines += [f"{item['quantity']} x {item['title']}: {item['totalPrice']}" for item in inv["items"]]
    lines += ["", f"Total: {inv['total']} {inv['currency']}"]
    return _pdf(simple_pdf(f"MALL invoice {number}", lines), f"invoice_{number}.pdf")


@_endpoint
def offset_download(request, acc, document_number):
    j = docs.offset_index(acc, document_number)
    if j is None:
        return envelope(404, message=f"Offset {document_number} not found")
    off = docs.offset(acc, j)
    lines = [f"Created {off['createdAt']}, due {off['dueDate']}", ""]
    lines += [f"Invoice {x['id']}: {x['offsetPrice']}" for x in off["invoices"]]
    lines += [f"Order {x['id']}: {x['offsetPrice']}" for x in off["orders"]]
    lines += ["", f"Balance: {off['diffPrice']} {off['currency']}"]
    return _pdf(simple_pdf(f"MALL offset {document_number}", lines),
                off["attachment"]["filename"])
