"""Fault injection for the emulators, per connection (rules in the database, so they reach a
server in another process) or per request (the X-Sandbox-Fault header)."""

import json
import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from apps.sandbox.models import SandboxFault

FAULT_HEADER = "X-Sandbox-Fault"
ACTION_HEADER = "X-Sandbox-Fault-Action"  # read by the in-process transport


def inject(*, provider: str, kind: str = "status", status: int = 503, retry_after="",
           delay: float = 0, path_contains: str = "", method: str = "", account: str = "",
           skip: int = 0, times: int = 1) -> SandboxFault:
    return SandboxFault.objects.create(
        provider=provider, kind=kind, status=status, retry_after=str(retry_after), delay=delay,
        path_contains=path_contains, method=method.upper(), account=account, skip=skip,
        remaining=times,
    )


def clear(provider: str | None = None) -> None:
    faults = SandboxFault.objects.all()
    if provider:
        faults = faults.filter(provider=provider)
    faults.delete()


def _credentials_text(request) -> str:
    return request.META.get("QUERY_STRING", "") + " " + " ".join(
        str(v) for k, v in request.META.items() if k.startswith("HTTP_")
    )


def take(provider: str, request) -> SandboxFault | None:
    """The first matching rule that fires for this request (consuming one of its uses)."""
    header = request.headers.get(FAULT_HEADER)
    if header:
        return _from_header(provider, header)
    rules = SandboxFault.objects.filter(provider=provider).exclude(remaining=0).order_by("pk")
    creds = None
    for rule in rules:
        if rule.path_contains and rule.path_contains not in request.path:
            continue
        if rule.method and rule.method != request.method:
            continue
        if rule.account:
            creds = creds if creds is not None else _credentials_text(request)
            if rule.account not in creds:
                continue
        if rule.skip > 0:
            SandboxFault.objects.filter(pk=rule.pk, skip__gt=0).update(skip=F("skip") - 1)
            continue
        consumed = SandboxFault.objects.filter(pk=rule.pk).exclude(remaining=0)
        if rule.remaining > 0:
            consumed = consumed.filter(remaining=rule.remaining)
            updated = consumed.update(remaining=F("remaining") - 1, hits=F("hits") + 1)
        else:
            updated = consumed.update(hits=F("hits") + 1)
        if updated:
            return rule
    return None


def _from_header(provider, header) -> SandboxFault:
    """`X-Sandbox-Fault: status=429;retry_after=2` or `timeout` or `slow;delay=0.5`."""
    parts = [p.strip() for p in header.split(";") if p.strip()]
    fields = dict(p.split("=", 1) for p in parts if "=" in p)
    kind = next((p for p in parts if "=" not in p), "status")
    if kind.isdigit():
        kind, fields["status"] = "status", kind
    return SandboxFault(provider=provider, kind=kind, status=int(fields.get("status", 503)),
                        retry_after=fields.get("retry_after", ""),
                        delay=float(fields.get("delay", 0)))


def default_error(status: int, message: str):
    return JsonResponse({"message": message, "code": f"SANDBOX_{status}"}, status=status)


def emulator(provider: str, *, error_response=default_error):
    """Wrap an emulator view: no login, no CSRF, faults applied around the real work."""

    def decorator(view):
        @csrf_exempt
        @login_not_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            fault = take(provider, request)
            if fault is None:
                return view(request, *args, **kwargs)
            return _apply(fault, view, request, args, kwargs, error_response)

        return wrapper

    return decorator


def _apply(fault, view, request, args, kwargs, error_response):
    if fault.kind == SandboxFault.Kind.STATUS:
        message = "Too many requests" if fault.status == 429 else "Sandbox fault"
        response = error_response(fault.status, message)
        if fault.retry_after:
            response["Retry-After"] = fault.retry_after
        return response
    if fault.kind == SandboxFault.Kind.TIMEOUT:
        response = HttpResponse(status=504)
        response[ACTION_HEADER] = "timeout"
        if not request.META.get("ledgerdesk.in_process"):
            time.sleep(fault.delay or settings.PROVIDER_HTTP["timeout"] + 1)
        return response
    if fault.kind == SandboxFault.Kind.SLOW:
        time.sleep(fault.delay or 1)
        return view(request, *args, **kwargs)
    if fault.kind == SandboxFault.Kind.MALFORMED:
        return HttpResponse('{"data": [{"unterminated": ', content_type="application/json")
    if fault.kind == SandboxFault.Kind.DROP:
        view(request, *args, **kwargs)  # the provider did the work; the answer never arrives
        # Over a socket, a Content-Length longer than the body makes the client see the
        # connection close mid-response; in process the transport raises the same error.
        response = HttpResponse(json.dumps({"partial": True}), content_type="application/json")
        response[ACTION_HEADER] = "drop"
        response["Content-Length"] = "100000"
        return response
    raise ValueError(f"Unknown sandbox fault kind {fault.kind!r}")
