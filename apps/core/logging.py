"""Secret scrubbing for logs, error messages and stored URLs.

Every credential value a client loads is registered here; anything written to a log or shown
to staff passes through `scrub()`, which also masks the usual secret-bearing URL parameters
and headers even when their value was never registered.
"""

import logging
import re
import threading

MASK = "***"
_lock = threading.Lock()
_secrets: set[str] = set()

_PATTERNS = [
    re.compile(r"(?i)\b(client_id|api_key|apikey|access_token|token|password|secret)=([^&\s\"']+)"),
    re.compile(r"(?i)\b(authorization|x-api-key)(\"?\s*[:=]\s*\"?)(bearer\s+|basic\s+)?([^\s\"',}]+)"),
]


def register_secret(value) -> None:
    if isinstance(value, str) and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def scrub(text) -> str:
    text = str(text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _PATTERNS[0].sub(lambda m: f"{m.group(1)}={MASK}", text)
    text = _PATTERNS[1].sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3) or ''}{MASK}", text)
    return text


class ScrubSecretsFilter(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        return True
