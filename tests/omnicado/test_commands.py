"""The management commands against a provider at an ordinary base URL, over real HTTP."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from apps.omnicado.models import Invoice, Offset
from tests.omnicado.conftest import CLIENT_ID, SCALE, make_account

pytestmark = pytest.mark.django_db(transaction=True)


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_sync_and_export_a_connection_at_any_base_url(live_server, capsys):
    make_account()
    added = command("connections", "add", "--provider", "omnicado", "--name", "acme",
                    "--base-url", f"{live_server.url}/sandbox/omnicado/v1",
                    "--credential", f"client_id={CLIENT_ID}")
    assert "Added acme" in added and CLIENT_ID not in added
    assert "OK:" in command("connections", "test", "acme")

    summary = command("sync", "acme")
    assert f"acme/invoices: succeeded — 1 pages, {SCALE} new" in summary
    assert "acme/offsets: succeeded" in summary
    assert Invoice.objects.count() == SCALE and Offset.objects.count() == 16

    capsys.readouterr()
    call_command("export", "omnicado.invoices", "--connection", "acme", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == SCALE
    assert {int(r["invoice_number"]) for r in rows} == set(
        Invoice.objects.values_list("invoice_number", flat=True))

    call_command("export", "omnicado.invoices", "--connection", "acme", "--filter",
                 "currency=EUR", "--format", "csv")
    eur = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert eur and len(eur) == Invoice.objects.filter(currency="EUR").count()
    assert {r["currency"] for r in eur} == {"EUR"}


def test_a_wrong_client_id_fails_the_sync_command_readably(live_server):
    make_account()
    command("connections", "add", "--provider", "omnicado", "--name", "wrong",
            "--base-url", f"{live_server.url}/sandbox/omnicado/v1",
            "--credential", "client_id=not-valid")
    out = io.StringIO()
    with pytest.raises(CommandError, match="Sync failed"):
        call_command("sync", "wrong", "--stream", "invoices", stdout=out)
    assert "configuration" in out.getvalue() and "not-valid" not in out.getvalue()


def test_demo_creates_one_sandbox_connection_that_syncs():
    from apps.core.sync import sync_run_now
    from apps.omnicado.demo import demo

    connection = demo()
    assert demo() == connection and connection.base_url.startswith("http://sandbox.invalid/")
    run = sync_run_now(connection=connection, stream="invoices")
    assert run.status == "succeeded" and run.created == 400
