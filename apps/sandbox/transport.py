"""Reach the emulators in process: httpx -> Django's WSGI handler, no sockets.

Used for base URLs on the host `sandbox.invalid` (see core.http.transport_for). Fault actions
that a socket would show (a read timeout, a dropped connection) become the same httpx errors.
"""

import httpx
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from apps.sandbox.faults import ACTION_HEADER

_handler = None


def _app(environ, start_response):
    global _handler
    _handler = _handler or WSGIHandler()
    environ["ledgerdesk.in_process"] = True
    # Like Django's test client: the emulated request must not close the caller's database
    # connection (it may be inside a transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = _handler(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return [body]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


class SandboxTransport(httpx.BaseTransport):
    def __init__(self):
        self._wsgi = httpx.WSGITransport(app=_app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._wsgi.handle_request(request)
        action = response.headers.get(ACTION_HEADER)
        if action == "timeout":
            raise httpx.ReadTimeout("sandbox: the read timed out", request=request)
        if action == "drop":
            raise httpx.RemoteProtocolError("sandbox: server disconnected without a complete "
                                            "response", request=request)
        return response
