"""The Omnium Accounting API: token, postings, ledger lines. Nothing else talks to Omnium.

Contract choices live here, once: where the token endpoint is, the page base, page limits.
"""

import json
import time
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from apps.core.http import (
    BaseClient,
    ConfigurationError,
    ProviderError,
    ResponseError,
    TransientError,
)
from apps.core.logging import register_secret, scrub

PAGE_BASE = 1             # the seed: "Page — default 1"
MAX_WINDOW = 10_000       # Take × Page ≤ 10 000 for both searches
POSTINGS_TAKE = 100       # the maximum
LINES_TAKE = 1_000        # the maximum
TOKEN_RENEW_MARGIN = 300  # seconds before expiry


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")
    raw: Any = Field(default=None, exclude=True)

    @field_validator("order_ids", "store_ids", "register_ids", "warnings", "dimensions",
                     mode="before", check_fields=False)
    @classmethod
    def _null_is_empty(cls, value, info):
        """Omnium marks most lists nullable: null is read as empty."""
        if value is None:
            return {} if info.field_name == "dimensions" else []
        return value


class PostingModel(_Model):
    id: str = Field(min_length=1)
    source: str
    status: str
    posting_date: datetime
    created_at: datetime | None = None
    z_report_id: str | None = None
    z_report_number: int | None = None
    order_ids: list[str] = Field(default_factory=list)
    store_ids: list[str] = Field(default_factory=list)
    register_ids: list[str] = Field(default_factory=list)
    accounting_company_code: str | None = None
    currency_code: str = Field(min_length=3, max_length=3)
    supersedes_posting_id: str | None = None
    external_reference: str | None = None
    exported_at: datetime | None = None
    total_debit: Decimal
    total_credit: Decimal
    imbalance: Decimal = Decimal(0)
    auto_balanced: bool = False
    line_count: int | None = None
    warnings: list[str] = Field(default_factory=list)
    rejection_reason: str | None = None
    posting_hash: str | None = None


class LedgerLineModel(_Model):
    id: str = Field(min_length=1)
    posting_id: str = Field(min_length=1)
    line_sequence: int
    posting_date: datetime | None = None
    register_id: str | None = None
    store_id: str | None = None
    accounting_company_code: str | None = None
    account_number: str
    account_name: str | None = None
    category: str
    debit: Decimal
    credit: Decimal
    currency_code: str = Field(min_length=3, max_length=3)
    vat_code: str | None = None
    vat_rate: Decimal | None = None
    vat_amount: Decimal | None = None
    tax_group_code: str | None = None
    description: str | None = None
    customer_number: str | None = None
    invoice_number: str | None = None
    credit_note_number: str | None = None
    invoice_date: datetime | None = None
    due_date: datetime | None = None
    kid_number: str | None = None
    dimensions: dict[str, str | None] = Field(default_factory=dict)


class SearchResult(BaseModel):
    total_hits: int = Field(alias="totalHits", ge=0)
    result: list[Any] = Field(default_factory=list)


class OmniumClient(BaseClient):
    provider = "omnium"
    correlation_header = "traceparent"
    default_headers = {**BaseClient.default_headers, "Content-Type": "application/json"}

    def __init__(self, connection, **kwargs):
        super().__init__(connection, **kwargs)
        self._token = ""
        self._token_expires = 0.0

    # --- auth ----------------------------------------------------------------------------------
    @property
    def token_url(self) -> str:
        """The token endpoint sits beside Accounting: …/api/Accounting -> …/api/Token."""
        custom = (self.connection.options or {}).get("token_url")
        if custom:
            return custom
        base = self.connection.base_url.rstrip("/")
        root = base.removesuffix("/Accounting")
        return root + "/Token"

    def auth(self, kwargs):
        if not self._token or time.time() > self._token_expires - TOKEN_RENEW_MARGIN:
            self._fetch_token()
        kwargs["headers"]["Authorization"] = f"Bearer {self._token}"

    def refresh_auth(self) -> bool:
        self._fetch_token()
        return True

    def _fetch_token(self) -> None:
        params = {"clientId": self.credentials.get("client_id", ""),
                  "clientSecret": self.credentials.get("client_secret", ""),
                  "returnAsJson": "true"}
        try:
            response = self.http.post(self.token_url, params=params)
        except httpx.HTTPError as exc:
            raise TransientError(f"Omnium token endpoint did not answer: {type(exc).__name__}"
                                 ) from None
        if response.status_code in (400, 401, 403):
            message, _, _ = self.error_details(response)
            raise ConfigurationError(f"Omnium refused the API user: {message}",
                                     status=response.status_code)
        if response.status_code >= 400:
            raise TransientError("Omnium token endpoint failed", status=response.status_code)
        try:
            body = response.json()
            access_token, lifetime = body["accessToken"], int(body.get("expiresIn") or 3600)
        except (ValueError, KeyError, TypeError):
            raise ResponseError("Omnium sent an unreadable token response") from None
        register_secret(access_token)
        self._token = access_token
        self._token_expires = time.time() + lifetime

    def error_details(self, response):
        """ProblemDetails JSON (detail/title, errors map) or a plain-text message."""
        try:
            body = response.json()
        except ValueError:
            return (scrub(response.text[:300]) or response.reason_phrase, "", {})
        if isinstance(body, str):
            return (body[:300], "", {})
        if not isinstance(body, dict):
            return (response.reason_phrase, "", {})
        errors = body.get("errors") if isinstance(body.get("errors"), dict) else {}
        message = body.get("detail") or body.get("title") or body.get("message") or ""
        if not message and errors:
            message = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in errors.items())
        return (str(message) or response.reason_phrase, str(body.get("traceId", "")),
                {k: [str(m) for m in v] for k, v in errors.items() if isinstance(v, list)})

    # --- requests ------------------------------------------------------------------------------
    def parse(self, model, data):
        """The validated model, with the payload as Omnium sent it kept on `raw`."""
        parsed = super().parse(model, data)
        if isinstance(parsed, _Model):
            parsed.raw = data
        return parsed

    def _get(self, method, path, **kwargs):
        """JSON with amounts parsed as Decimal (never through float)."""
        response = self.request(method, path, **kwargs)
        try:
            return json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise ResponseError(f"Omnium answered {method} {path} with malformed JSON",
                                status=response.status_code) from None

    def posting(self, posting_id: str) -> PostingModel:
        return self.parse(PostingModel, self._get("GET", f"/Postings/{_segment(posting_id)}"))

    def posting_by_zreport(self, z_report_id: str) -> PostingModel:
        path = f"/Postings/ByZReport/{_segment(z_report_id)}"
        return self.parse(PostingModel, self._get("GET", path))

    def posting_lines(self, posting_id: str) -> list[LedgerLineModel]:
        data = self._get("GET", f"/Postings/{_segment(posting_id)}/Lines")
        if isinstance(data, dict) and "result" in data:  # tolerate the search envelope too
            data = data["result"]
        if not isinstance(data, list):
            raise ResponseError("Omnium sent posting lines that are not a list")
        return [self.parse(LedgerLineModel, item) for item in data]

    def posting_line(self, posting_id: str, line_id: str) -> LedgerLineModel:
        path = f"/Postings/{_segment(posting_id)}/Lines/{_segment(line_id)}"
        return self.parse(LedgerLineModel, self._get("GET", path))

    def search_postings(self, *, page: int = PAGE_BASE, take: int = POSTINGS_TAKE, **criteria
                        ) -> tuple[int, list[PostingModel]]:
        total, items = self._search("/Postings/Search", page, take, criteria)
        return total, [self.parse(PostingModel, item) for item in items]

    def search_lines(self, *, page: int = PAGE_BASE, take: int = LINES_TAKE, **criteria
                     ) -> tuple[int, list[LedgerLineModel]]:
        total, items = self._search("/LedgerLines/Search", page, take, criteria)
        return total, [self.parse(LedgerLineModel, item) for item in items]

    def _search(self, path, page, take, criteria):
        if take * page > MAX_WINDOW:
            raise ProviderError(f"Take × Page must stay within {MAX_WINDOW} (asked {take}×{page})")
        body = {to_camel(k): _wire(v) for k, v in criteria.items() if v not in (None, "", [])}
        body.update(take=take, page=page)
        result = self.parse(SearchResult, self._get("POST", path, json=body, idempotent=True))
        return result.total_hits, result.result


def _wire(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _segment(value: str) -> str:
    return quote(value, safe="")
