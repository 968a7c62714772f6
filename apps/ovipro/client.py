"""Ovipro Invoice API v1: the only module that talks to Ovipro.

Every method and path is in PATHS (the contract prints only one path; see README, Assumptions).
JSON is read with exact decimals (VAT 25.5 never becomes a float) and amounts are integer cents.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from apps.core.http import BaseClient, ResponseError
from apps.core.logging import register_secret
from apps.ovipro import jsonnum

INVOICE = "/invoice/v1"
PATHS = {
    "token": ("POST", "/authentication/v1/token"),
    "search": ("GET", INVOICE + "/invoices"),
    "create": ("POST", INVOICE + "/invoices"),
    "get": ("GET", INVOICE + "/invoices/{invoice_id}"),
    "update": ("PUT", INVOICE + "/invoices/{invoice_id}"),
    "delete": ("DELETE", INVOICE + "/invoices/{invoice_id}"),
    "action": ("POST", INVOICE + "/invoices/{invoice_id}/actions"),
    "credit_note": ("POST", INVOICE + "/invoices/{invoice_id}/creditNotes"),
    "preview": ("POST", INVOICE + "/invoices/{invoice_id}/previewDocument"),
    "final_status": ("POST", INVOICE + "/invoices/{invoice_id}/finalStatusOverride"),
    "settings_get": ("GET", INVOICE + "/agencyOfficeInvoiceSettings"),
    "settings_put": ("PUT", INVOICE + "/agencyOfficeInvoiceSettings"),
    "numbering": ("GET", INVOICE + "/invoiceNumbering"),
    "numbering_reset": ("POST", INVOICE + "/invoiceNumbering/reset"),
    "document": ("GET", "/document/v1/documents/{document_id}/content"),
}
_NO_AUTH = "X-Ledgerdesk-No-Auth"  # internal marker: the token request itself


class Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class Cost(Model):
    amount: int
    cost_type_code: str | None = None
    description: str | None = None
    vat_percentage: Decimal
    includes_vat: bool
    included_in_commission: bool = False


class Discount(Model):
    amount: int
    includes_vat: bool = True
    vat_percentage: Decimal = Decimal(0)
    description: str | None = None


class Party(Model):
    party_id: str


class InvoicedParties(Model):
    primary_id: str | None = None
    parties: list[Party] = []


class PaymentAccount(Model):
    bank_name: str | None = None
    bic: str | None = None
    iban: str | None = None
    account_holder: str | None = None


class EInvoicing(Model):
    e_invoicing_address: str | None = None
    operator_id: str | None = None
    operator_name: str | None = None


class Invoicing(Model):
    invoicing_method_code: str
    e_invoicing: EInvoicing | None = None


class PaymentTerms(Model):
    payment_terms_code: str | None = None
    other_payment_terms_description: str | None = None


class Terms(Model):
    payment_terms: PaymentTerms | None = None
    late_payment_fee_percentage: Decimal | None = None
    notice_period: int | None = None
    invoicing: Invoicing | None = None


class BillingAddress(Model):
    recipient: str | None = None
    street_address: str | None = None
    postcode: str | None = None
    postal_area: str | None = None
    country_code: str | None = None


class Totals(Model):
    vat_included: int
    vat_excluded: int


class Links(Model):
    assignment_id: str | None = None
    trade_settlement_id: str | None = None
    rental_settlement_id: str | None = None
    realty_id: str | None = None


class InvoiceSummary(Links):
    """A search item (flat)."""

    invoice_id: str
    responsible_agent_id: str | None = None
    agency_office_id: str | None = None
    invoice_type_code: str
    invoicing_reason_code: str
    invoice_number: str | None = None
    reference_number: str | None = None
    status_code: str
    is_paid: bool = False
    issue_date: date | None = None
    due_date: date | None = None
    invoicing_date: date | None = None
    invoiced_parties: InvoicedParties | None = None
    source_system_code: str | None = None
    source_system_creation_time: datetime | None = None
    payment_accounts: list[PaymentAccount] = []
    costs: list[Cost] = []
    billing_address: BillingAddress | None = None
    invoice_document_id: str | None = None
    total_invoiced_amount: Totals | None = None
    creation_time: datetime | None = None
    modification_time: datetime


class SearchResult(Model):
    total_count: int
    invoices: list[InvoiceSummary]


class InvoiceContent(Model):
    """The nested `invoice` object of a get response."""

    agency_office_id: str | None = None
    responsible_agent_id: str | None = None
    currency_code: str = "EUR"
    invoicing_date: date | None = None
    issue_date: date | None = None
    due_date: date | None = None
    invoice_number: str | None = None
    reference_number: str | None = None
    discount: Discount | None = None
    costs: list[Cost] = []
    invoiced_parties: InvoicedParties | None = None
    source_system_code: str | None = None
    source_system_creation_time: datetime | None = None
    payment_accounts: list[PaymentAccount] = []
    terms: Terms | None = None
    down_payment: int | None = None
    commission_id: str | None = None
    billing_address: BillingAddress | None = None


class CreditNoteInfo(Model):
    credit_note_reason: str | None = None
    credited_invoice_id: str | None = None


class InvoiceDetail(Links):
    invoice_id: str
    status_code: str
    invoice_type_code: str
    invoicing_reason_code: str
    invoice_document_id: str | None = None
    preview_invoice_document_id: str | None = None
    credit_note: CreditNoteInfo | None = None
    creation_time: datetime | None = None
    modification_time: datetime
    invoice: InvoiceContent


class CreatedId(Model):
    invoice_id: str


class PreviewId(Model):
    preview_invoice_document_id: str


class Numbering(Model):
    agency_office_id: str
    office_identifier: str
    next_sequence_number_to_be_issued: int


class NonCommissionCosts(Model):
    included_in_commission: bool = False
    subject_to_royalty: bool = False
    separate_lines_to_invoice_pdf: bool = False


class InvoiceSettings(Model):
    non_commission_costs: NonCommissionCosts = NonCommissionCosts()


class OfficeSettings(Model):
    agency_office_id: str
    invoice_settings: InvoiceSettings


class Token(Model):
    access_token: str
    expires_in: int | None = None


class OviproClient(BaseClient):
    provider = "ovipro"
    correlation_header = "Request-ID"

    def __init__(self, connection, **kwargs):
        super().__init__(connection, **kwargs)
        self._token = None
        self._fetching_token = False
        self.last_request_id = ""

    # --- auth and errors ---------------------------------------------------------------------
    def auth(self, kwargs):
        headers = kwargs["headers"]
        # A fresh Request-ID for every HTTP request, retries included (it names one request).
        self.last_request_id = headers["Request-ID"] = str(uuid.uuid4())
        if headers.pop(_NO_AUTH, None):
            return
        if self._token is None:
            self._token = self._fetch_token()
        headers["Authorization"] = f"Bearer {self._token}"

    def refresh_auth(self) -> bool:
        if self._fetching_token:
            return False
        self._token = self._fetch_token()
        return True

    def _fetch_token(self) -> str:
        self._fetching_token = True
        try:
            body = self._call("token", json_body={"username": self.credentials["username"],
                                                  "password": self.credentials["password"]},
                              headers={_NO_AUTH: "1"}, idempotent=True)
        finally:
            self._fetching_token = False
        token = self.parse(Token, body).access_token
        register_secret(token)
        return token

    def error_details(self, response):
        try:
            body = jsonnum.loads(response.content)
        except ValueError:
            return (response.text[:300] or response.reason_phrase, "", {})
        if not isinstance(body, dict):
            return (response.reason_phrase, "", {})
        fields = {}
        for error in body.get("errors") or []:
            if isinstance(error, dict) and error.get("target"):
                fields.setdefault(str(error["target"]), []).append(str(error.get("message", "")))
        message = str(body.get("message") or response.reason_phrase)
        if body.get("description"):
            message += f": {body['description']}"
        return (message, str(body.get("errorCode", "")), fields)

    # --- plumbing ------------------------------------------------------------------------------
    def _call(self, name, *, path_args=None, params=None, json_body=None, headers=None,
              idempotent=None):
        method, template = PATHS[name]
        headers = dict(headers or {})
        content = None
        if json_body is not None:
            content = jsonnum.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        response = self.request(method, template.format(**(path_args or {})), params=params,
                                content=content, headers=headers, idempotent=idempotent)
        if not response.content:
            return {}
        try:
            return jsonnum.loads(response.content)
        except ValueError:
            raise ResponseError(f"ovipro answered {method} {template} with malformed JSON",
                                status=response.status_code,
                                correlation_id=self.last_request_id) from None

    # --- invoices -----------------------------------------------------------------------------
    def search(self, **params) -> SearchResult:
        """Search parameters by their API names; lists are sent as repeated keys."""
        query = {k: v for k, v in params.items() if v not in (None, "", [])}
        return self.parse(SearchResult, self._call("search", params=query))

    def get(self, invoice_id: str) -> InvoiceDetail:
        return self.parse(InvoiceDetail, self._call("get", path_args={"invoice_id": invoice_id}))

    def create(self, body: dict) -> str:
        """Never retried once sent (no idempotency key in the API): see services.invoice_create."""
        return self.parse(CreatedId, self._call("create", json_body=body,
                                                idempotent=False)).invoice_id

    def update(self, invoice_id: str, body: dict) -> None:
        self._call("update", path_args={"invoice_id": invoice_id}, json_body=body)

    def delete(self, invoice_id: str) -> None:
        self._call("delete", path_args={"invoice_id": invoice_id})

    def action(self, invoice_id: str, action: str) -> None:
        self._call("action", path_args={"invoice_id": invoice_id},
                   json_body={"actionTypeCode": action}, idempotent=False)

    def credit_note(self, invoice_id: str, body: dict) -> str:
        return self.parse(CreatedId, self._call("credit_note", path_args={"invoice_id": invoice_id},
                                                json_body=body, idempotent=False)).invoice_id

    def preview(self, invoice_id: str) -> str:
        # Safe to repeat: an unchanged invoice gets its existing preview back.
        body = self._call("preview", path_args={"invoice_id": invoice_id}, json_body={},
                          idempotent=True)
        return self.parse(PreviewId, body).preview_invoice_document_id

    def final_status_override(self, invoice_id: str, body: dict) -> None:
        self._call("final_status", path_args={"invoice_id": invoice_id}, json_body=body,
                   idempotent=True)

    def document(self, document_id: str) -> bytes:
        method, template = PATHS["document"]
        response = self.request(method, template.format(document_id=document_id),
                                headers={"Accept": "application/pdf"})
        return response.content

    # --- offices --------------------------------------------------------------------------------
    def office_settings(self, office_id: str) -> OfficeSettings:
        body = self._call("settings_get", params={"agencyOfficeId": office_id})
        return self.parse(OfficeSettings, body)

    def office_settings_save(self, office_id: str, settings: dict) -> None:
        self._call("settings_put", json_body={"agencyOfficeId": office_id,
                                              "invoiceSettings": settings})

    def numbering(self, office_id: str) -> Numbering:
        return self.parse(Numbering, self._call("numbering", params={"agencyOfficeId": office_id}))

    def numbering_reset(self, office_id: str) -> None:
        # Repeating a reset leaves the same state, so a retry is harmless.
        self._call("numbering_reset", params={"agencyOfficeId": office_id}, idempotent=True)


def test_connection(client: OviproClient) -> str:
    result = client.search(size=1)
    return f"Ovipro Invoice API reached: {result.total_count} invoices"
