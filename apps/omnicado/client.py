"""Omnicado MALL marketplace proxy: the only code that talks to it.

Every contract choice that is a guess (paging names, the download paths, the taxRecap shape)
lives here and is listed in README.md, "Assumptions".
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from apps.core.http import BaseClient, ProviderError, ResponseError
from apps.core.logging import scrub

APPLICATION_NAME = "Ledgerdesk invoice sync"
PAGE_SIZE = 100        # the official MALL client's default; the proxy's maximum is unknown
EXEMPT = "osvobozeno"  # taxRecap key of VAT-exempt lines


def _date(value):
    """Date-only strings on the wire; tolerate 'YYYY-MM-DD HH:MM:SS' and empty values."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        return value[:10]
    return value


def _text(value):
    """Fields declared as strings that arrive as JSON numbers (partner, purchNoC)."""
    if value is None:
        return ""
    return str(value)


Day = Annotated[date | None, BeforeValidator(_date)]
Text = Annotated[str, BeforeValidator(_text)]


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Address(Model):
    street: Text = ""
    city: Text = ""
    zip: Text = ""
    country: Text = ""


class Party(Model):
    name: Text
    registrationNumber: Text = ""
    taxIdentification: Text = ""
    vatNumber: Text = ""
    note: Text = ""
    address: Address = Address()


class Bank(Model):
    bankAccount: Text = ""
    bankName: Text = ""
    iban: Text = ""
    swift: Text = ""


class Supplier(Party):
    bank: Bank | None = None


class Item(Model):
    id: Text = ""
    articleId: int | None = None
    orderId: int | None = None
    title: Text = ""
    titleEn: Text = ""
    quantity: Decimal = Decimal(1)
    unit: Text = ""
    unitPrice: Decimal = Decimal(0)
    priceWithoutVat: Decimal = Decimal(0)
    vatPrice: Decimal | None = None
    vatRate: Decimal = Decimal(0)
    totalPrice: Decimal = Decimal(0)

    @property
    def tax_key(self) -> str:
        """The taxRecap key this line belongs to: '21', '15', or 'osvobozeno' for 0 %."""
        return EXEMPT if self.vatRate == 0 else format(self.vatRate.normalize(), "f")


class Tax(Model):
    tax: Text
    base: Decimal = Decimal(0)
    price: Decimal = Decimal(0)
    total: Decimal = Decimal(0)


class TaxRecap(Model):
    total: Decimal = Decimal(0)
    taxes: list[Tax] = []

    @field_validator("taxes", mode="before")
    @classmethod
    def keyed_or_listed(cls, value):
        """The proxy sends an object keyed by rate ({"21": {...}, "osvobozeno": {...}}); the
        MALL client knows a list of {tax, ...}. Accept both."""
        if isinstance(value, dict):
            return [{**(entry or {}), "tax": key} for key, entry in value.items()]
        return value or []


class Invoice(Model):
    partner: Text
    invoiceNumber: int
    originDocumentId: Text = ""
    createdAt: Day = None
    deliveryAt: Day = None
    dueDate: Day = None
    currency: Text
    total: Decimal
    supplier: Supplier
    customer: Party
    items: list[Item] = []
    filePath: Text = ""
    taxRecap: TaxRecap | None = None
    note: Text = ""
    purchNoC: Text = ""
    invoiceType: Text = ""
    invoiceIndicator: Text = ""
    documentType: Text = ""
    invoiceTypeTag: Text = ""


class OffsetOrder(Model):
    id: int
    created: Day = None
    dueDate: Day = None
    sumPrice: Decimal
    offsetPrice: Decimal
    remainPrice: Decimal
    currency: Text = ""


class OffsetInvoice(OffsetOrder):
    purchNoC: Text = ""
    note: Text = ""
    invoiceNumber: Text = ""


class Attachment(Model):
    filename: Text = ""
    mime: Text = ""


class Offset(Model):
    partner: Text
    documentNumber: Text
    createdAt: Day = None
    dueDate: Day = None
    currency: Text
    diffPrice: Decimal
    variableSymbol: int | None = None
    supplier: Party
    customer: Party
    invoices: list[OffsetInvoice] = []
    orders: list[OffsetOrder] = []
    attachment: Attachment | None = None


class Paging(Model):
    pages: int = 1
    size: int = 0
    page: int = 1
    total: int | None = None  # present on MALL, maybe not on the proxy


@dataclass(frozen=True)
class Listing:
    """One page of a list endpoint: the validated documents and their raw payloads."""

    documents: list
    raw: list[dict]
    paging: Paging | None = None

    @property
    def is_last(self) -> bool:
        return (not self.documents or self.paging is None
                or self.paging.page >= self.paging.pages)


class Envelope(Model):
    data: Any = None
    result: dict = Field(default_factory=dict)
    paging: Paging | None = None


# --- filter values ---------------------------------------------------------------------------

def _value(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def eq(value) -> str:
    return _value(value)


def gt(value) -> str:
    return f"gt:{_value(value)}"


def ge(value) -> str:
    return f"ge:{_value(value)}"


def lt(value) -> str:
    return f"lt:{_value(value)}"


def le(value) -> str:
    return f"le:{_value(value)}"


def in_(values) -> str:
    return "in:" + ",".join(_value(v) for v in values)


def sort(*keys: str) -> str:
    """sort("createdAt", "-total") -> "createdAt:asc,total:desc"."""
    return ",".join(f"{k[1:]}:desc" if k.startswith("-") else f"{k}:asc" for k in keys)


# --- the client --------------------------------------------------------------------------------

class OmnicadoClient(BaseClient):
    provider = "omnicado"

    def auth(self, kwargs):
        kwargs["params"]["client_id"] = self.credentials["client_id"]
        kwargs["headers"]["X-Application-Name"] = APPLICATION_NAME

    def error_details(self, response):
        try:
            body = json.loads(response.content)
        except ValueError:
            return (response.text[:300] or response.reason_phrase, "", {})
        if not isinstance(body, dict):
            return (response.reason_phrase, "", {})
        result = body.get("result") or {}
        message = str(result.get("message") or response.reason_phrase)
        codes = body.get("errorCodes") or []
        code = str(codes[0].get("errorCode", "")) if codes and isinstance(codes[0], dict) else ""
        if not code and result.get("status") == "LIMITED":
            code = "LIMITED"
        fields = {}
        for entry in codes:
            attributes = entry.get("errorAttributes") if isinstance(entry, dict) else None
            if isinstance(attributes, dict) and attributes.get("field"):
                fields.setdefault(str(attributes["field"]), []).append(str(entry.get("message")))
        return (message, code, fields)

    def _get(self, path: str, params=None) -> Envelope:
        response = self.request("GET", path, params=params)
        try:
            # parse_float=Decimal: money never passes through a binary float
            body = json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise ResponseError(f"omnicado answered GET {scrub(path)} with malformed JSON",
                                status=response.status_code) from None
        envelope = self.parse(Envelope, body if isinstance(body, dict) else {"data": body})
        status = envelope.result.get("status", "OK")
        if status != "OK":
            raise ProviderError(str(envelope.result.get("message") or status),
                                status=response.status_code, code=str(status))
        return envelope

    def _list(self, path, model, *, filters=None, sort_by="", page=1, page_size=PAGE_SIZE):
        params = {**(filters or {}), "page": page, "page_size": page_size}
        if sort_by:
            params["_sort"] = sort_by
        envelope = self._get(path, params)
        raw = envelope.data or []
        if not isinstance(raw, list):
            raise ResponseError(f"omnicado sent a {type(raw).__name__} where a list was expected")
        documents = [self.parse(model, item) for item in raw]
        return Listing(documents=documents, raw=raw, paging=envelope.paging)

    def invoices(self, *, filters=None, sort_by="", page=1, page_size=PAGE_SIZE) -> Listing:
        """One page of invoices. `filters`: {"createdAt": ge(day), "currency": in_([...])}."""
        return self._list("/invoices", Invoice, filters=filters, sort_by=sort_by, page=page,
                          page_size=page_size)

    def offsets(self, *, filters=None, sort_by="", page=1, page_size=PAGE_SIZE) -> Listing:
        return self._list("/offsets", Offset, filters=filters, sort_by=sort_by, page=page,
                          page_size=page_size)

    def invoice(self, invoice_number: int) -> tuple[Invoice, dict]:
        data = self._get(f"/invoices/{int(invoice_number)}").data
        return self.parse(Invoice, data), data

    def offset(self, document_number: str) -> tuple[Offset, dict]:
        data = self._get(f"/offsets/{_segment(document_number)}").data
        return self.parse(Offset, data), data

    def invoice_pdf(self, invoice_number: int) -> bytes:
        return self._pdf(f"/invoices/{int(invoice_number)}/download")

    def offset_pdf(self, document_number: str) -> bytes:
        return self._pdf(f"/offsets/{_segment(document_number)}/download")

    def _pdf(self, path: str) -> bytes:
        response = self.request("GET", path, headers={"Accept": "application/pdf"})
        content = response.content
        if not content.startswith(b"%PDF"):
            raise ResponseError(f"omnicado sent no PDF for {scrub(path)} "
                                f"({response.headers.get('Content-Type', 'no content type')})")
        return content


def _segment(text: str) -> str:
    """Document numbers are digits and a hyphen; anything else is refused, not sent."""
    if not text or not all(c.isdigit() or c == "-" for c in text):
        raise ValueError(f"Not an offset document number: {text!r}")
    return text


def test_connection(client: OmnicadoClient) -> str:
    listing = client.invoices(page_size=1)
    total = listing.paging.total if listing.paging else None
    if total is not None:
        return f"{total} invoices reachable"
    return f"invoices reachable ({listing.paging.pages if listing.paging else 1} pages of 1)"
