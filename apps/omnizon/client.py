"""The Omnizon Public REST API (every operation is a POST under /rest/v1).

Contract choices live here, once: the raw API key in `Authorization`, company VAT numbers sent
with the `HR` prefix, `x-software-id` on get/getPdf/send, errors read as {statusCode,
resultMessage}. Read-only POSTs are retried; ack and send are not (see services/sync).
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from apps.core.http import BaseClient, NotFoundError, ResponseError

T = TypeVar("T")
DEFAULT_SOFTWARE_ID = "Ledgerdesk"


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Envelope(_Model, Generic[T]):
    items: list[T]
    total_elements: int = Field(alias="totalElements")
    total_pages: int = Field(alias="totalPages")
    number: int
    last: bool
    empty: bool = False


class ListedDocument(_Model):
    """An item of inbox, inbox/status or outbox/status (their fields overlap)."""
    document_id: str = Field(alias="documentId")
    number: str = Field("", alias="documentNumber")
    sender_name: str | None = Field(None, alias="documentSenderName")
    supplier_name: str | None = Field(None, alias="supplierName")
    customer_name: str | None = Field(None, alias="customerName")
    receiver_name: str | None = Field(None, alias="documentReceiverName")
    supplier_vat: str | None = Field(None, alias="supplierVatNumber")
    customer_vat: str | None = Field(None, alias="customerVatNumber")
    amount: Decimal | None = None
    currency: str | None = None
    created: datetime | None = None
    modified: datetime | None = None
    edi_type: str | None = Field(None, alias="documentEdiType")
    internal_status: str | None = Field(None, alias="internalStatus")
    external_status: str | dict | None = Field(None, alias="externalStatus")


class DocumentRef(_Model):
    document_id: str = Field(alias="documentId")


class StatusDetail(_Model):
    timestamp: datetime | None = None
    error_message: str = Field("", alias="errorMessage")


class DocumentStatus(_Model):
    document_id: str = Field(alias="documentId")
    sender_name: str | None = Field(None, alias="documentSenderName")
    receiver_name: str | None = Field(None, alias="documentReceiverName")
    number: str | None = Field(None, alias="documentNumber")
    internal_status: str | None = Field(None, alias="internalStatus")
    external_status: str | None = Field(None, alias="externalStatus")
    fiscalization: dict | None = Field(None, alias="fiscalizationDetails")
    details: list[StatusDetail] = Field(default_factory=list, alias="internalStatusDetails")


class InternalStatus(_Model):
    document_id: str = Field(alias="documentId")
    status: str
    details: list[StatusDetail] = Field(default_factory=list, alias="internalStatusDetails")

    @property
    def acknowledged(self) -> bool:
        return self.status.lower() == "acknowledged"


class Result(_Model):
    status_code: int = Field(alias="statusCode")
    message: str = Field("", alias="resultMessage")


class Archived(_Model):
    document_id: str = Field(alias="documentId")
    status: str


class Sent(_Model):
    document_id: str = Field(alias="documentId")


class Metric(_Model):
    name: str = Field(alias="metricName")
    usage: int = Field(alias="metricUsage")


def company_param(vat: str) -> str:
    """Company VAT numbers go out as `HR` + OIB (the examples mix both forms)."""
    return "HR" + vat_digits(vat)


def vat_digits(vat: str) -> str:
    return str(vat or "").strip().upper().removeprefix("HR")


def instant(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds (whole seconds would drop the window's last second)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class OmnizonClient(BaseClient):
    provider = "omnizon"

    def auth(self, kwargs):
        kwargs["headers"]["Authorization"] = self.credentials["api_key"]  # no "Bearer"

    @property
    def software_id(self) -> str:
        return self.connection.options.get("software_id") or DEFAULT_SOFTWARE_ID

    def error_details(self, response):
        try:
            body = response.json()
        except ValueError:
            return super().error_details(response)
        if isinstance(body, dict) and "resultMessage" in body:
            return str(body["resultMessage"]), str(body.get("statusCode", "")), {}
        return super().error_details(response)

    def _post(self, path, body, model, *, params=None, idempotent=True):
        data = self.json("POST", "/rest/v1" + path, json=body, params=params,
                         idempotent=idempotent)
        return self.parse(model, data)

    def _file(self, path, body, *, tagged=True) -> bytes:
        headers = {"x-software-id": self.software_id, "Accept": "*/*"} if tagged else \
            {"Accept": "*/*"}
        return self.request("POST", "/rest/v1" + path, json=body, headers=headers,
                            idempotent=True).content

    # --- listings -------------------------------------------------------------------------
    def _listing(self, path, *, company, date_from, date_to, page, page_size):
        body = {"companyVatNumber": company_param(company)}
        if date_from:
            body["dateFrom"] = instant(date_from)
        if date_to:
            body["dateTo"] = instant(date_to)
        return self._post(path, body, Envelope[ListedDocument],
                          params={"pageNumber": page, "pageSize": page_size})

    def inbox(self, *, company, date_from=None, date_to=None, page=1, page_size=500):
        return self._listing("/documents/inbox", company=company, date_from=date_from,
                             date_to=date_to, page=page, page_size=page_size)

    def inbox_status(self, *, company, date_from=None, date_to=None, page=1, page_size=500):
        return self._listing("/documents/inbox/status", company=company, date_from=date_from,
                             date_to=date_to, page=page, page_size=page_size)

    def outbox_status(self, *, company, date_from=None, date_to=None, page=1, page_size=500):
        return self._listing("/documents/outbox/status", company=company, date_from=date_from,
                             date_to=date_to, page=page, page_size=page_size)

    def by_external_status(self, *, company, status, date_from, date_to, page=1, page_size=500):
        body = {"status": status, "companyVatNumber": company_param(company),
                "dateFrom": instant(date_from), "dateTo": instant(date_to)}
        return self._post("/documents/getByExternalStatus", body, Envelope[DocumentRef],
                          params={"pageNumber": page, "pageSize": page_size})

    def by_number(self, *, company, number, issue_year=None, page=1, page_size=50):
        body = {"documentNumber": number, "companyVatNumber": company_param(company)}
        if issue_year:
            body["issueYear"] = str(issue_year)
        return self._post("/documents/getByNumber", body, Envelope[DocumentRef],
                          params={"pageNumber": page, "pageSize": page_size,
                                  "sortBy": "created", "sortDirection": "desc"})

    # --- one document ---------------------------------------------------------------------
    def document_xml(self, *, document_id, company) -> bytes:
        return self._file("/documents/get", {"documentId": document_id,
                                             "companyVatNumber": company_param(company)})

    def document_pdf(self, *, document_id, company) -> bytes | None:
        """The PDF attachment, or None when the document has none (the API answers 404)."""
        try:
            content = self._file("/documents/getPdf", {"documentId": document_id,
                                                       "companyVatNumber": company_param(company)})
        except NotFoundError:
            return None
        if not content.startswith(b"%PDF-"):
            raise ResponseError(f"omnizon getPdf of {document_id} did not return a PDF")
        return content

    def status(self, *, document_id, company) -> DocumentStatus:
        return self._post("/documents/getStatus", {"documentId": document_id,
                                                   "companyVatNumber": company_param(company)},
                          DocumentStatus)

    def internal_status(self, *, document_id) -> InternalStatus:
        return self._post("/documents/getInternalStatus", {"documentId": document_id},
                          InternalStatus)

    def ack(self, *, document_id, reason="") -> Result:
        """Not retried: a second ack must be a decision (services check the status first)."""
        body = {"documentId": document_id}
        if reason:
            body["reason"] = reason
        return self._post("/documents/ack", body, Result, idempotent=False)

    def archive(self, *, document_id, company) -> Archived:
        return self._post("/documents/archive", {"documentId": document_id,
                                                 "companyVatNumber": company_param(company)},
                          Archived, idempotent=True)

    def from_archive(self, *, document_id) -> bytes:
        return self._file("/documents/getFromArchive", {"documentId": document_id},
                          tagged=False)

    def send(self, *, company, content: bytes, file_name="") -> str:
        headers = {"Content-Type": "application/octet-stream",
                   "companyVatNumber": company_param(company),
                   "x-software-id": self.software_id}
        if file_name:
            headers["x-fileName"] = file_name.encode("ascii", "replace").decode()
        data = self.json("POST", "/rest/v1/documents/send", content=content, headers=headers,
                         idempotent=False)
        return self.parse(Sent, data).document_id

    # --- billing --------------------------------------------------------------------------
    def monthly_usage(self, *, company, year, month) -> dict[str, int]:
        data = self.json("POST", "/rest/v1/billing/monthly-usage", idempotent=True,
                         json={"vatNumber": company_param(company), "year": year, "month": month})
        if isinstance(data, dict):  # tolerate a single metric object
            data = [data]
        return {m.name: m.usage for m in (self.parse(Metric, item) for item in data)}

    def archive_usage(self, *, company) -> int:
        data = self.json("POST", "/rest/v1/billing/archive-usage", idempotent=True,
                         json={"vatNumber": company_param(company)})
        metrics = data if isinstance(data, list) else [data]
        return sum(self.parse(Metric, item).usage for item in metrics)
