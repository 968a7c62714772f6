from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.core.http import ConfigurationError, NotFoundError, ProviderError, TransientError
from apps.omnizon.client import OmnizonClient
from apps.sandbox import faults
from apps.sandbox.omnizon.models import Document as Remote
from tests.omnizon.conftest import make_connection, outgoing_ubl, remote_docs


@pytest.fixture
def client(connection):
    with OmnizonClient(connection, sleep=lambda s: None) as c:
        yield c


def test_inbox_items_are_typed_with_decimal_amounts(client, account, vats):
    page = client.inbox(company=vats[0], page=1, page_size=2)
    first = page.items[0]
    remote = remote_docs(account, document_id=first.document_id).get()
    assert page.number == 1 and page.total_elements > 2 and not page.last
    assert isinstance(first.amount, Decimal) and first.amount == remote.amount
    assert first.sender_name == remote.sender_name and first.created.tzinfo is not None


def test_outbox_status_and_get_status(client, account, vats):
    item = client.outbox_status(company=vats[1]).items[0]
    assert item.internal_status in {"OK", "FAILED"}
    status = client.status(document_id=item.document_id, company=vats[1])
    assert status.number == item.number and status.internal_status == item.internal_status


def test_files_download_and_a_missing_pdf_is_none(client, account, vats):
    doc = remote_docs(account, company__vat_number=vats[0]).first()
    assert client.document_xml(document_id=doc.document_id, company=vats[0]).startswith(b"<?xml")
    Remote.objects.filter(pk=doc.pk).update(has_pdf=False)
    assert client.document_pdf(document_id=doc.document_id, company=vats[0]) is None
    doc.refresh_from_db()
    assert doc.fetched_by == "Ledgerdesk"


def test_provider_messages_and_codes_reach_the_error(client, vats):
    with pytest.raises(NotFoundError) as missing:
        client.status(document_id="f" * 24, company=vats[0])
    assert missing.value.message == f"Document {'f' * 24} not found."
    assert missing.value.code == "404"
    with pytest.raises(ProviderError, match="60 days"):
        client.inbox(company=vats[0], date_from=timezone.now() - timedelta(days=70))


def test_a_wrong_api_key_is_a_configuration_error(account):
    connection = make_connection(account, name="wrong")
    connection.credentials = {"api_key": "not-the-key"}
    with OmnizonClient(connection, sleep=lambda s: None) as bad, \
            pytest.raises(ConfigurationError):
        bad.inbox(company="HR12345678901")


def test_reads_are_retried_through_server_errors(client, vats):
    faults.inject(provider="omnizon", status=500, path_contains="/inbox", times=2)
    assert client.inbox(company=vats[0]).total_elements > 0


def test_ack_is_not_retried_when_the_answer_is_lost(client, account):
    doc = remote_docs(account, direction="in").first()
    faults.inject(provider="omnizon", kind="drop", path_contains="/documents/ack")
    with pytest.raises(TransientError):
        client.ack(document_id=doc.document_id, reason="x")
    doc.refresh_from_db()
    assert doc.ack_count == 1 and doc.acknowledged_at is not None
    assert client.internal_status(document_id=doc.document_id).acknowledged


def test_send_returns_the_document_id_and_usage_is_read(client, account, vats):
    document_id = client.send(company=vats[0], content=outgoing_ubl(account, vats[0]),
                              file_name="račun.xml")
    sent = Remote.objects.get(document_id=document_id)
    assert sent.software_id == "Ledgerdesk" and sent.file_name == "ra?un.xml"
    now = timezone.now()
    usage = client.monthly_usage(company=vats[0], year=now.year, month=now.month)
    assert usage["documents-out"] >= 1
    assert client.archive_usage(company=vats[0]) == 0
