"""`manage.py sync` and `manage.py export` against Omnizon at an ordinary base URL, over real
HTTP (the emulator served by live_server)."""

import csv
import io

import pytest
from django.core.management import call_command

from apps.omnizon.models import Document
from apps.sandbox.omnizon.models import Document as Remote
from tests.omnizon.conftest import make_connection

# serialized_rollback: keep the role groups (a data migration) for the tests that follow
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_sync_and_export_over_http(account, live_server, capsys):
    connection = make_connection(account, name="omz-http",
                                 base_url=f"{live_server.url}/sandbox/omnizon")
    out = io.StringIO()
    call_command("sync", "omz-http", stdout=out)
    summary = out.getvalue()
    assert "omz-http/inbox: succeeded" in summary and "omz-http/outbox: succeeded" in summary
    assert "omz-http/usage: succeeded" in summary
    docs = Document.objects.filter(connection=connection)
    assert docs.filter(direction="in", state="acknowledged").exists()
    assert not Remote.objects.filter(ack_count__gt=1).exists()

    capsys.readouterr()
    call_command("export", "omnizon.documents", "--connection", "omz-http", "--format", "csv",
                 "--filter", "direction=in")  # the command writes to sys.stdout
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == docs.filter(direction="in").count()
    assert {r["connection"] for r in rows} == {"omz-http"}
    assert all(r["state"] == "acknowledged" for r in rows)
    assert rows[0]["amount"] and rows[0]["document_id"]


def test_sync_of_an_unreachable_base_url_fails_cleanly(account):
    make_connection(account, name="omz-down", base_url="http://127.0.0.1:9/omnizon")
    with pytest.raises(Exception) as failed:
        call_command("sync", "omz-down", "--stream", "inbox", stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert "Sync failed" in str(failed.value)
