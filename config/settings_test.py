"""Test settings: the sandbox on, fast hashing, quick retries, a file SQLite database so that
subprocesses (a killed sync, a q2 worker) share it."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-" + "t" * 40)
os.environ.setdefault("LEDGERDESK_SANDBOX", "1")
os.environ.setdefault("LEDGERDESK_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var"))

from config.settings import *
from config.settings import DATABASES, PROVIDER_HTTP, VAR_DIR

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "sandbox.invalid"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PROVIDER_HTTP = {**PROVIDER_HTTP, "backoff_base": 0.01, "backoff_cap": 0.05,
                 "retry_after_cap": 2, "timeout": 5}
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and "SQLITE_PATH" not in os.environ:
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
Q_CLUSTER = {**Q_CLUSTER, "poll": 0.2}
LOGGING["root"]["level"] = "WARNING"
INSTALLED_APPS = [*INSTALLED_APPS, "tests.kernelapp"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
