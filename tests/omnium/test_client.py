"""The Omnium client: token fetched once and renewed, 429 honoured, paging, typed errors."""

from decimal import Decimal

import pytest

from apps.core.http import ConfigurationError, ProviderError, TransientError
from apps.omnium.client import MAX_WINDOW, OmniumClient
from apps.sandbox import faults
from apps.sandbox.omnium.views import expire_tokens
from tests.omnium.conftest import emulator_postings


class Recorder:
    def __init__(self):
        self.sleeps = []

    def __call__(self, seconds):
        self.sleeps.append(seconds)


@pytest.fixture
def sleeps():
    return Recorder()


@pytest.fixture
def client(omnium_connection, sleeps):
    with OmniumClient(omnium_connection, sleep=sleeps) as client:
        yield client


def _token_requests(monkeypatch, client):
    calls = []
    original = client._fetch_token

    def counting():
        calls.append(1)
        original()

    monkeypatch.setattr(client, "_fetch_token", counting)
    return calls


def test_the_token_is_fetched_once_and_reused(client, monkeypatch):
    calls = _token_requests(monkeypatch, client)
    client.search_postings(take=1)
    client.search_postings(take=1)
    assert len(calls) == 1


def test_an_expired_token_is_renewed_once_and_the_call_succeeds(client, omnium_account,
                                                               monkeypatch):
    client.search_postings(take=1)
    first_token = client._token
    calls = _token_requests(monkeypatch, client)
    expire_tokens(omnium_account)
    total, _ = client.search_postings(take=1)
    assert total > 0 and len(calls) == 1 and client._token != first_token


def test_a_token_near_its_expiry_is_renewed_before_the_call(client, monkeypatch):
    client.search_postings(take=1)
    client._token_expires = 0
    calls = _token_requests(monkeypatch, client)
    client.search_postings(take=1)
    assert len(calls) == 1


def test_wrong_credentials_are_a_configuration_error(omnium_connection):
    omnium_connection.credentials = {"client_id": "erp-sync-7f3a", "client_secret": "bad-secret-42"}
    with OmniumClient(omnium_connection) as client, pytest.raises(ConfigurationError) as error:
        client.search_postings(take=1)
    assert "Omnium refused the API user" in str(error.value) and error.value.status == 401
    assert "bad-secret-42" not in str(error.value)


def test_429_waits_retry_after_then_succeeds(client, sleeps):
    faults.inject(provider="omnium", kind="status", status=429, retry_after=2,
                  path_contains="/Postings/Search", times=2)
    total, items = client.search_postings(take=5)
    assert total > 0 and len(items) == 5
    assert sleeps.sleeps == [2, 2]


def test_429_from_the_token_bucket_is_retried_after_a_real_wait(omnium_connection,
                                                                 omnium_account):
    import time

    omnium_account.options = {**omnium_account.options,
                              "rate_limit": {"capacity": 1, "per_second": 2}}
    omnium_account.save()
    waited = Recorder()
    with OmniumClient(omnium_connection, sleep=lambda s: (waited(s), time.sleep(s))) as client:
        client.search_postings(take=1)
        total, _ = client.search_postings(take=1)  # the bucket is empty: 429, wait, retry
    assert total > 0 and waited.sleeps == [1.0]


def test_429_that_never_ends_is_a_transient_error(client):
    faults.inject(provider="omnium", kind="status", status=429, retry_after=1, times=-1)
    with pytest.raises(TransientError):
        client.search_postings(take=1)


def test_a_validation_error_carries_omniums_message(client):
    with pytest.raises(ProviderError) as error:
        client.search_postings(take=1, store_id="OSL01", store_group_id="region-norway")
    assert "Specify either StoreId or StoreGroupId" in str(error.value)
    assert error.value.status == 400


def test_paging_reaches_every_posting_and_never_asks_past_the_window(client, omnium_account):
    seen, page = [], 1
    while True:
        total, items = client.search_postings(page=page, take=40, include_superseded=True)
        seen += items
        if len(items) < 40:
            break
        page += 1
    assert len(seen) == total == len(emulator_postings(omnium_account))
    with pytest.raises(ProviderError):
        client.search_postings(page=MAX_WINDOW // 100 + 1, take=100)


def test_amounts_are_decimals_and_the_payload_is_kept(client, omnium_account):
    expected = emulator_postings(omnium_account)[0]
    posting = client.posting(expected.id)
    assert posting.total_debit == expected.total_debit and isinstance(posting.total_debit, Decimal)
    assert posting.raw["id"] == expected.id
    lines = client.posting_lines(expected.id)
    assert [line.line_sequence for line in lines] == list(range(1, len(expected.lines) + 1))
    assert client.posting_line(expected.id, lines[0].id).debit == lines[0].debit


def test_malformed_payload_is_a_response_error(client):
    from apps.core.http import ResponseError

    faults.inject(provider="omnium", kind="malformed", path_contains="/Search")
    with pytest.raises(ResponseError):
        client.search_postings(take=1)
