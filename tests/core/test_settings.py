import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "LEDGERDESK_", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True,
                          text=True, env={**base, "DJANGO_SETTINGS_MODULE": "config.settings",
                                          **env}, timeout=120)


def test_production_settings_pass_the_deploy_check_without_a_warning(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SECRET_KEY="x" * 20 + "prod-secret-for-the-check-only-" + "y" * 20,
        DJANGO_ALLOWED_HOSTS="ledgerdesk.example.com",
        LEDGERDESK_CREDENTIALS_KEYS=Fernet.generate_key().decode(),
        LEDGERDESK_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage("check", LEDGERDESK_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_missing_credentials_key_is_a_deploy_warning(tmp_path):
    result = manage("check", "--deploy", DJANGO_SECRET_KEY="z" * 60,
                    DJANGO_ALLOWED_HOSTS="example.com", LEDGERDESK_VAR_DIR=str(tmp_path))
    assert "ledgerdesk.W001" in result.stdout + result.stderr


def test_sqlite_is_configured_against_database_is_locked(settings, db):
    from django.db import connection

    if connection.vendor != "sqlite":
        return  # the PostgreSQL run checks nothing SQLite-specific here
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 20
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
