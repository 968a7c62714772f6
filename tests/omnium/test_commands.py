"""`manage.py sync` and `manage.py export` against an Omnium at any base URL: here the emulator
behind pytest-django's live server, over real HTTP."""

import csv
import io

import pytest
from django.core.management import call_command

from apps.omnium.models import LedgerLine, Posting
from tests.omnium.conftest import emulator_postings, make_account, make_connection

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
COUNTED = {"Posted", "Exported", "Reconciled"}


def test_sync_then_export_over_real_http(live_server, capsys):
    account = make_account(scale=600, days=10)
    base_url = f"{live_server.url}/sandbox/omnium/api/Accounting"
    assert not base_url.startswith("http://sandbox.invalid")
    make_connection("omnium-http", base_url=base_url)

    call_command("sync", "omnium-http")
    summary = capsys.readouterr().out
    assert "omnium-http/postings: succeeded" in summary

    postings = emulator_postings(account)
    assert Posting.objects.count() == len(postings)
    call_command("export", "omnium.ledger_lines", "--connection", "omnium-http",
                 "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    counted = [p for p in postings if p.status in COUNTED]
    assert len(rows) == sum(len(p.lines) for p in counted) == LedgerLine.objects.filter(
        in_totals=True).count()
    assert {r["posting"] for r in rows} == {p.id for p in counted if p.lines}
    assert {"debit", "credit", "account", "vat_code", "dimensions"} <= set(rows[0])


def test_export_with_filters_and_a_bad_filter(live_server, capsys):
    make_account(scale=300, days=5)
    make_connection("omnium-http2", base_url=f"{live_server.url}/sandbox/omnium/api/Accounting")
    call_command("sync", "omnium-http2")
    capsys.readouterr()
    call_command("export", "omnium.postings", "--connection", "omnium-http2", "--filter",
                 "source=WebFulfillment", "--filter", "include_superseded=true", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and {r["source"] for r in rows} == {"WebFulfillment"}
    assert len(rows) == Posting.objects.filter(source="WebFulfillment").count()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Bad filter"):
        call_command("export", "omnium.postings", "--filter", "status=Draft")
