"""The Omnium Accounting API, emulated: token endpoint, bearer auth, a token-bucket rate limit,
the six read-only accounting endpoints. Errors are RFC 7807 ProblemDetails like ASP.NET's."""

import base64
import hashlib
import hmac
import json
import math
import re
import threading
import time
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_POST

from apps.sandbox.accounts import account_for
from apps.sandbox.faults import emulator
from apps.sandbox.models import SandboxAccount
from apps.sandbox.omnium import generator, search

PROVIDER = "omnium"
TOKEN_LIFETIME = 864_000  # ten days, as documented
BUCKET = {"capacity": 12_000, "per_second": 100.0}  # 1 000 tokens per 10 s, as documented
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


# --- responses ---------------------------------------------------------------------------------

_DECIMAL_MARK = "\u0000D"
_DECIMAL_STRING = re.compile(r'"\\u0000D(-?[0-9]+(?:\.[0-9]+)?)"')


def _encode_decimal(value):
    if isinstance(value, Decimal):
        return f"{_DECIMAL_MARK}{value}"
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_response(payload, status=200) -> HttpResponse:
    """Amounts go out as JSON numbers with their exact decimals (never through float)."""
    text = json.dumps(payload, default=_encode_decimal, ensure_ascii=False)
    return HttpResponse(_DECIMAL_STRING.sub(r"\1", text), status=status,
                        content_type="application/json; charset=utf-8")


def problem(status: int, detail: str) -> HttpResponse:
    body = {"type": f"https://tools.ietf.org/html/rfc9110#section-15.{5 if status < 500 else 6}.1",
            "title": TITLES.get(status, "Error"), "status": status, "detail": detail,
            "traceId": f"00-{hashlib.sha1(str(time.time_ns()).encode()).hexdigest()[:32]}-01"}
    response = json_response(body, status=status)
    response["Content-Type"] = "application/problem+json; charset=utf-8"
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


# --- tokens ------------------------------------------------------------------------------------

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signature(message: str) -> str:
    key = ("omnium-sandbox:" + settings.SECRET_KEY).encode()
    return _b64(hmac.new(key, message.encode(), hashlib.sha256).digest())


def issue_token(account: SandboxAccount) -> tuple[str, int]:
    lifetime = int(account.options.get("token_lifetime", TOKEN_LIFETIME))
    now = time.time()
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = _b64(json.dumps({"sub": account.key, "iat": now, "exp": int(now) + lifetime,
                              "role": "AccountingRead"}).encode())
    return f"{header}.{claims}.{_signature(header + '.' + claims)}", lifetime


def expire_tokens(account: SandboxAccount) -> None:
    """Every token issued so far stops working (tests force expiry with this)."""
    account.options = {**account.options, "tokens_valid_after": time.time()}
    account.save(update_fields=["options"])


def _account_from_token(request) -> SandboxAccount | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    token = header[7:].strip()
    try:
        header_part, claims_part, signature = token.split(".")
        if not hmac.compare_digest(signature, _signature(header_part + "." + claims_part)):
            return None
        claims = json.loads(base64.urlsafe_b64decode(claims_part + "=" * (-len(claims_part) % 4)))
    except (ValueError, TypeError):
        return None
    account = account_for(PROVIDER, claims.get("sub"))
    if account is None or claims.get("exp", 0) <= time.time():
        return None
    if claims.get("iat", 0) < account.options.get("tokens_valid_after", 0):
        return None
    return account


# --- rate limit --------------------------------------------------------------------------------

_buckets: dict = {}
_buckets_lock = threading.Lock()


def _rate_limited(account: SandboxAccount) -> int | None:
    """Seconds to wait when the account's token bucket is empty, else None (one token taken)."""
    limits = {**BUCKET, **account.options.get("rate_limit", {})}
    capacity, per_second = float(limits["capacity"]), float(limits["per_second"])
    now = time.monotonic()
    with _buckets_lock:
        tokens, seen = _buckets.get(account.pk, (capacity, now))
        tokens = min(capacity, tokens + (now - seen) * per_second)
        if tokens < 1:
            _buckets[account.pk] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / per_second))
        _buckets[account.pk] = (tokens - 1, now)
    return None


def reset_rate_limits() -> None:
    with _buckets_lock:
        _buckets.clear()


def api(view):
    """Bearer auth and the rate limit around an accounting endpoint; 400s from validation."""

    def wrapper(request, *args, **kwargs):
        account = _account_from_token(request)
        if account is None:
            return problem(401, "The bearer token is missing, invalid or expired.")
        wait = _rate_limited(account)
        if wait is not None:
            response = problem(429, "API rate limit exceeded.")
            response["Retry-After"] = str(wait)
            return response
        try:
            return view(request, generator.params_for(account), *args, **kwargs)
        except search.BadRequest as exc:
            return problem(400, str(exc))

    wrapper.__name__ = view.__name__
    return emulator(PROVIDER, error_response=problem)(wrapper)


# --- endpoints ---------------------------------------------------------------------------------

@emulator(PROVIDER, error_response=problem)
@require_POST
def token(request):
    client_id = request.GET.get("clientId") or request.POST.get("client_id")
    client_secret = request.GET.get("clientSecret") or request.POST.get("client_secret")
    account = account_for(PROVIDER, client_id)
    expected = account.options.get("client_secret", "") if account else ""
    if not account or not client_secret or not hmac.compare_digest(expected, client_secret):
        return problem(401, "Unknown client id or wrong client secret.")
    access_token, lifetime = issue_token(account)
    if request.GET.get("returnAsJson", "").lower() == "true":
        return json_response({"accessToken": access_token, "tokenType": "Bearer",
                              "expiresIn": lifetime})
    return HttpResponse(access_token, content_type="text/plain")


@api
@require_GET
def posting_detail(request, params, posting_id):
    posting = generator.find_posting(params, posting_id)
    if posting is None:
        return problem(404, f"Posting '{posting_id}' was not found.")
    return json_response(generator.posting_json(posting))


@api
@require_GET
def posting_by_zreport(request, params, z_report_id):
    posting = generator.find_by_zreport(params, z_report_id)
    if posting is None:
        return problem(404, f"No posting exists for Z-report '{z_report_id}'.")
    return json_response(generator.posting_json(posting))


@api
@require_GET
def posting_lines(request, params, posting_id):
    posting = generator.find_posting(params, posting_id)
    if posting is None:
        return problem(404, f"Posting '{posting_id}' was not found.")
    return json_response([generator.line_json(posting, line) for line in posting.lines])


@api
@require_GET
def posting_line(request, params, posting_id, line_id):
    posting = generator.find_posting(params, posting_id)
    line = next((ln for ln in (posting.lines if posting else [])
                 if generator.line_id(posting, ln) == line_id), None)
    if line is None:
        return problem(404, f"Ledger line '{line_id}' does not exist on posting '{posting_id}'.")
    return json_response(generator.line_json(posting, line))


@api
@require_POST
def postings_search(request, params):
    criteria = search.posting_criteria(search.read_body(request.body), params)
    return json_response(search.search_postings(params, criteria))


@api
@require_POST
def lines_search(request, params):
    criteria = search.line_criteria(search.read_body(request.body), params)
    return json_response(search.search_lines(params, criteria))


@emulator(PROVIDER, error_response=problem)
def missing_id(request):
    return problem(400, "The posting id is required.")
