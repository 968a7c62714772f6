"""The base client against the sandbox's fault injection: each retry and error class."""

import logging

import pytest

from apps.core.connections import connection_add
from apps.core.http import (
    ConfigurationError,
    ProviderError,
    ResponseError,
    TransientError,
    parse_retry_after,
)
from apps.sandbox import faults
from apps.sandbox.accounts import account_create
from tests.kernelapp.provider import BASE_URL, KernelClient

SECRET = "s3cr3t-api-key-value"


@pytest.fixture
def connection(db):
    account_create(provider="kernel", key=SECRET, seed=1, scale=5)
    return connection_add(provider="kernel", name="kernel-http", base_url=BASE_URL,
                          credentials={"api_key": SECRET})


@pytest.fixture
def client(connection):
    sleeps = []
    with KernelClient(connection, sleep=sleeps.append) as client:
        client.sleeps = sleeps
        yield client


def test_a_clean_call_needs_one_attempt(client):
    assert len(client.items()["items"]) == 5
    assert client.sleeps == []


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_then_succeed(client, status):
    faults.inject(provider="kernel", status=status, times=2)
    assert len(client.items()["items"]) == 5
    assert len(client.sleeps) == 2


def test_retry_after_is_honoured_and_capped(client, settings):
    faults.inject(provider="kernel", status=429, retry_after="1", times=1)
    faults.inject(provider="kernel", status=429, retry_after="3600", times=1)
    client.items()
    assert client.sleeps == [1.0, settings.PROVIDER_HTTP["retry_after_cap"]]


def test_backoff_grows_exponentially_with_jitter(client, settings):
    faults.inject(provider="kernel", status=503, times=3)
    client.items()
    base = settings.PROVIDER_HTTP["backoff_base"]
    for attempt, slept in enumerate(client.sleeps, start=1):
        ceiling = min(settings.PROVIDER_HTTP["backoff_cap"], base * 2 ** (attempt - 1))
        assert ceiling / 2 <= slept <= ceiling


def test_retries_run_out_into_a_transient_error(client, settings):
    faults.inject(provider="kernel", status=503, times=-1)
    with pytest.raises(TransientError) as error:
        client.items()
    assert error.value.status == 503
    assert len(client.sleeps) == settings.PROVIDER_HTTP["max_attempts"] - 1


@pytest.mark.parametrize("kind", ["timeout", "drop"])
def test_timeouts_and_dropped_connections_are_retried_for_reads(client, kind):
    faults.inject(provider="kernel", kind=kind, times=2)
    assert len(client.items()["items"]) == 5
    assert len(client.sleeps) == 2


def test_a_dropped_write_is_not_retried(client):
    faults.inject(provider="kernel", kind="drop", times=1)
    with pytest.raises(TransientError):
        client.request("POST", "/items", json={})
    assert client.sleeps == []


def test_unauthorized_is_a_configuration_error(connection):
    connection.credentials = {"api_key": "wrong-key-000"}
    with KernelClient(connection, sleep=lambda s: None) as client:
        with pytest.raises(ConfigurationError) as error:
            client.items()
    assert error.value.status == 401 and error.value.kind == "configuration"


def test_other_4xx_carry_the_providers_message_and_code(client):
    faults.inject(provider="kernel", status=400, times=1)
    with pytest.raises(ProviderError) as error:
        client.items()
    assert type(error.value) is ProviderError
    assert error.value.message == "Sandbox fault" and error.value.code == "SANDBOX_400"
    assert client.sleeps == []


def test_malformed_json_is_a_response_error(client):
    faults.inject(provider="kernel", kind="malformed", times=1)
    with pytest.raises(ResponseError, match="malformed JSON"):
        client.items()


def test_per_request_fault_header(client):
    with pytest.raises(ProviderError) as error:
        client.items(headers={"X-Sandbox-Fault": "status=418"})
    assert error.value.status == 418


def test_retry_after_accepts_seconds_and_http_dates():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None


def test_no_secret_in_logs_or_error_messages(connection, caplog):
    caplog.set_level(logging.INFO, logger="ledgerdesk.http")
    faults.inject(provider="kernel", status=400, times=1)
    with KernelClient(connection, sleep=lambda s: None) as client:
        with pytest.raises(ProviderError) as error:
            client.request("GET", f"/items?client_id={SECRET}&token=abc12345",
                           headers={"Authorization": f"Bearer {SECRET}"})
    logged = caplog.text
    assert "/items" in logged and "400" in logged
    assert SECRET not in logged and "abc12345" not in logged
    assert SECRET not in str(error.value)
    assert SECRET not in connection.credentials_encrypted  # encrypted at rest


def test_scrub_filter_cleans_any_logger_and_tracebacks():
    from apps.core.logging import ScrubSecretsFilter, register_secret

    register_secret("another-secret-xyz")
    try:
        raise RuntimeError("failed with another-secret-xyz")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "calling %s",
                                   ("https://h/v1?client_id=another-secret-xyz",), sys.exc_info())
    ScrubSecretsFilter().filter(record)
    assert "another-secret-xyz" not in record.getMessage()
    assert "another-secret-xyz" not in record.exc_text
