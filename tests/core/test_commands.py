import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.models import Connection
from apps.sandbox.accounts import account_create
from tests.kernelapp.provider import BASE_URL

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def added():
    account_create(provider="kernel", key="cmd-key-12345", seed=4, scale=23)
    run("connections", "add", "--provider", "kernel", "--name", "cmd-shop", "--base-url",
        BASE_URL, "--credential", "api_key=cmd-key-12345")
    return Connection.objects.get(name="cmd-shop")


def test_add_list_and_test(added):
    assert added.credentials == {"api_key": "cmd-key-12345"}
    listing, _ = run("connections", "list")
    assert "cmd-shop" in listing and "api_key=***" in listing and "cmd-key" not in listing
    out, _ = run("connections", "test", "cmd-shop")
    assert out.startswith("OK")


def test_add_refuses_a_duplicate_and_missing_credentials(added):
    with pytest.raises(CommandError, match="already exists"):
        run("connections", "add", "--provider", "kernel", "--name", "cmd-shop",
            "--base-url", BASE_URL, "--credential", "api_key=x")
    with pytest.raises(CommandError, match="needs credential"):
        run("connections", "add", "--provider", "kernel", "--name", "other",
            "--base-url", BASE_URL)
    with pytest.raises(CommandError, match="Enter a valid URL"):
        run("connections", "add", "--provider", "kernel", "--name", "bad-url",
            "--base-url", "not a url", "--credential", "api_key=x")


def test_test_reports_bad_credentials(added):
    added.credentials = {"api_key": "nope-nope"}
    added.save()
    with pytest.raises(CommandError, match="configuration: .*check the credentials"):
        run("connections", "test", "cmd-shop")


def test_sync_prints_a_summary(added):
    out, _ = run("sync", "cmd-shop")
    assert "cmd-shop/items: succeeded — 3 pages, 23 new, 0 changed, 0 unchanged" in out
    out, _ = run("sync", "cmd-shop", "--stream", "items", "--full")
    assert "0 new, 0 changed, 23 unchanged" in out


def test_sync_since_limits_the_window(added):
    out, _ = run("sync", "cmd-shop", "--since", "2026-01-01T00:20:00+00:00")
    assert "3 new" in out


def test_sync_failure_exits_non_zero(added):
    added.credentials = {"api_key": "nope-nope"}
    added.save()
    with pytest.raises(CommandError) as error:
        run("sync", "cmd-shop")
    assert error.value.returncode == 1


@pytest.mark.parametrize("args, message", [
    (["sync", "nobody"], "No connection named 'nobody'"),
    (["sync", "cmd-shop", "--stream", "nope"], "has no stream 'nope'"),
    (["sync", "cmd-shop", "--since", "yesterday"], "is not a date"),
    (["export", "nope.things"], "Unknown dataset 'nope.things'"),
    (["export", "core.sync_runs", "--filter", "colour=red"], "Unknown filter(s) colour"),
    (["export", "core.sync_runs", "--filter", "created_from=soon"], "Bad filter: created_from"),
    (["export", "core.sync_runs", "--connection", "ghost"], "No connection named 'ghost'"),
])
def test_bad_arguments_are_one_line_errors(added, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_export_writes_exactly_the_filtered_rows(added, capsys):
    run("sync", "cmd-shop")
    capsys.readouterr()
    call_command("export", "core.sync_runs", "--connection", "cmd-shop", "--filter",
                 "status=succeeded", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert [(r["connection"], r["status"], r["created"]) for r in rows] == [("cmd-shop", "succeeded", 23)]


def test_a_bad_command_line_prints_no_traceback():
    result = subprocess.run([sys.executable, "manage.py", "sync"], cwd=ROOT, capture_output=True,
                            text=True, env={"DJANGO_SETTINGS_MODULE": "config.settings_test",
                                            "PATH": "/usr/bin:/bin"}, timeout=60)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "the following arguments are required: name" in result.stderr


def test_export_into_a_closed_pipe_ends_quietly(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings_test", "PATH": "/usr/bin:/bin",
           "SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=120)
    fill = ("from apps.core.models import AuditEvent; AuditEvent.objects.bulk_create("
            "AuditEvent(action='x', message='m' * 200) for _ in range(20000))")
    subprocess.run([sys.executable, "manage.py", "shell", "-c", fill], cwd=ROOT, env=env,
                   check=True, timeout=120)
    result = subprocess.run(f"{sys.executable} manage.py export core.audit --format json | head -c1",
                            shell=True, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.stdout == "[" and "Traceback" not in result.stderr
