"""Tests that need committed data (a live server thread, commit visibility). Kept in their
own file: under xdist --dist loadfile a file mixing them with ordinary tests would flush the
database in the middle of a worker's run."""

import uuid

import pytest

from apps.ovipro import services
from apps.ovipro.client import OviproClient
from apps.ovipro.models import PendingWrite
from tests.ovipro.conftest import SCALE, USERNAME, create_body

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_client_works_over_real_http(live_server, account):
    """Any base URL: the same emulator over a socket."""
    from apps.core.connections import connection_add
    from tests.ovipro.conftest import PASSWORD

    conn = connection_add(provider="ovipro", name="ovi-live", base_url=f"{live_server.url}/sandbox/ovipro",
                          credentials={"username": USERNAME, "password": PASSWORD})
    with OviproClient(conn) as client:
        assert client.search(size=2).total_count == SCALE
        assert uuid.UUID(client.last_request_id)


def test_pending_row_is_committed_before_the_call(connection, office_id, party_id, monkeypatch):
    from django.db import connection as db

    seen = []
    original = services.OviproClient.create

    def create(self, body):
        seen.append((db.in_atomic_block, PendingWrite.objects.filter(state="sending").count()))
        return original(self, body)

    monkeypatch.setattr(services.OviproClient, "create", create)
    services.invoice_create(connection=connection, user=None, key=uuid.uuid4(),
                            payload=create_body(office_id, party_id))
    assert seen == [(False, 1)]
