"""The one way to talk to a provider: timeouts, retries with backoff, typed errors, clean logs.

Each provider's client.py subclasses BaseClient and adds its auth and its endpoints.
"""

import email.utils
import logging
import random
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import pydantic
from django.conf import settings

from apps.core.logging import register_secret, scrub

logger = logging.getLogger("ledgerdesk.http")

RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
# Errors raised before the request reached the server: always safe to retry, even for writes.
NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Errors after the request may have been processed: retried only where the call is idempotent.
IN_FLIGHT_ERRORS = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError,
                    httpx.RemoteProtocolError)


class ProviderError(Exception):
    """The provider refused a request; carries its own code and message."""

    kind = "provider"

    def __init__(self, message, *, status=None, code="", correlation_id="", field_errors=None):
        self.message = scrub(message)
        self.status = status
        self.code = code or ""
        self.correlation_id = correlation_id or ""
        self.field_errors = field_errors or {}  # {field path: [messages]}
        super().__init__(self.message)

    def __str__(self):
        parts = [self.message]
        if self.code:
            parts.append(f"[{self.code}]")
        if self.status:
            parts.append(f"(HTTP {self.status})")
        return " ".join(parts)


class NotFoundError(ProviderError):
    kind = "not_found"


class ConfigurationError(ProviderError):
    """401/403: the credentials or the account's access are wrong. Staff: check the credentials."""

    kind = "configuration"


class TransientError(ProviderError):
    """Timeouts, dropped connections, 429 and 5xx that outlasted every retry."""

    kind = "transient"


class ResponseError(ProviderError):
    """The provider answered with something we cannot read (malformed JSON, wrong shape)."""

    kind = "bad_response"


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class BaseClient:
    """One httpx.Client per connection. Subclasses set `provider` and override the hooks."""

    provider = ""
    correlation_header = ""  # e.g. Ovipro's "Request-ID": logged and kept on errors
    default_headers = {"Accept": "application/json", "User-Agent": "Ledgerdesk/1.0"}

    def __init__(self, connection, *, transport=None, sleep=time.sleep):
        self.connection = connection
        self.config = settings.PROVIDER_HTTP
        self.sleep = sleep
        self.credentials = connection.credentials
        for value in self.credentials.values():
            register_secret(value)
        self.http = httpx.Client(
            base_url=connection.base_url.rstrip("/"),
            timeout=httpx.Timeout(self.config["timeout"], connect=self.config["connect_timeout"]),
            transport=transport or transport_for(connection.base_url),
            headers=self.default_headers,
            follow_redirects=False,
        )

    def close(self):
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # --- hooks -------------------------------------------------------------------------------
    def auth(self, request_kwargs: dict) -> None:
        """Add credentials to the outgoing request (headers or params)."""

    def refresh_auth(self) -> bool:
        """Called once on a 401; return True if new credentials were obtained (token renewal)."""
        return False

    def error_details(self, response: httpx.Response) -> tuple[str, str, dict]:
        """(message, code, field errors) from an error response. Override per provider."""
        try:
            body = response.json()
        except ValueError:
            return (response.text[:300] or response.reason_phrase, "", {})
        if isinstance(body, dict):
            message = body.get("message") or body.get("error") or body.get("title") or ""
            return (str(message) or response.reason_phrase, str(body.get("code", "")), {})
        return (response.reason_phrase, "", {})

    # --- requests ----------------------------------------------------------------------------
    def request(self, method, path, *, params=None, json=None, content=None, files=None,
                headers=None, idempotent=None) -> httpx.Response:
        """Send with retries. Writes are retried only when `idempotent` (or never sent)."""
        method = method.upper()
        if idempotent is None:
            idempotent = method in {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
        max_attempts = self.config["max_attempts"]
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            kwargs = {"params": dict(params or {}), "headers": dict(headers or {})}
            if json is not None:
                kwargs["json"] = json
            if content is not None:
                kwargs["content"] = content
            if files is not None:
                kwargs["files"] = files
            self.auth(kwargs)
            correlation_id = kwargs["headers"].get(self.correlation_header, "")
            started = time.monotonic()
            try:
                response = self.http.request(method, path, **kwargs)
            except (*NOT_SENT_ERRORS, *IN_FLIGHT_ERRORS) as exc:
                self._log(method, path, None, started, attempt, correlation_id, error=exc)
                retryable = idempotent or isinstance(exc, NOT_SENT_ERRORS)
                if retryable and attempt < max_attempts:
                    self.sleep(self._backoff(attempt))
                    continue
                raise TransientError(
                    f"{self.provider or 'Provider'} did not answer: {type(exc).__name__}",
                    correlation_id=correlation_id,
                ) from None
            correlation_id = correlation_id or response.headers.get(
                self.correlation_header or "X-Request-ID", ""
            )
            self._log(method, path, response.status_code, started, attempt, correlation_id)
            status = response.status_code
            if status < 400:
                return response
            if status == 401 and not refreshed and self.refresh_auth():
                refreshed = True
                continue
            if status in RETRY_STATUSES and (idempotent or status in (429, 503)):
                if attempt < max_attempts:
                    wait = parse_retry_after(response.headers.get("Retry-After"))
                    self.sleep(min(wait, self.config["retry_after_cap"]) if wait is not None
                               else self._backoff(attempt))
                    continue
            raise self._error(response, correlation_id)

    def _error(self, response, correlation_id) -> ProviderError:
        message, code, field_errors = self.error_details(response)
        status = response.status_code
        cls = ProviderError
        if status in (401, 403):
            cls = ConfigurationError
        elif status == 404:
            cls = NotFoundError
        elif status in RETRY_STATUSES:
            cls = TransientError
        return cls(message, status=status, code=code, correlation_id=correlation_id,
                   field_errors=field_errors)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.config["backoff_cap"], self.config["backoff_base"] * 2 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _log(self, method, path, status, started, attempt, correlation_id, error=None):
        logger.info(
            "%s %s %s %s %.0fms attempt=%d id=%s",
            self.provider, method, scrub(path), status if status else type(error).__name__,
            (time.monotonic() - started) * 1000, attempt, correlation_id or "-",
        )

    def json(self, method, path, **kwargs):
        response = self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise ResponseError(
                f"{self.provider} answered {method} {scrub(path)} with malformed JSON",
                status=response.status_code,
            ) from None

    def parse(self, model, data):
        """Validate a payload into a pydantic model; a bad shape becomes a ResponseError."""
        try:
            return model.model_validate(data)
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ResponseError(
                f"{self.provider} sent an unexpected {model.__name__}: {where}: {first['msg']}"
                f" ({exc.error_count()} problem(s))"
            ) from None


def transport_for(base_url: str):
    """The in-process sandbox transport for `http://sandbox.invalid/...` URLs, else real HTTP."""
    if urlsplit(base_url).hostname == SANDBOX_HOST and settings.SANDBOX_ENABLED:
        from apps.sandbox.transport import SandboxTransport

        return SandboxTransport()
    return None


SANDBOX_HOST = "sandbox.invalid"
