import pytest

from apps.core.connections import connection_add
from apps.omnicado.client import OmnicadoClient
from apps.sandbox.accounts import account_create
from apps.sandbox.models import SandboxAccount
from apps.sandbox.omnicado import documents

SANDBOX_URL = "http://sandbox.invalid/sandbox/omnicado/v1"
CLIENT_ID = "omnicado-test-client-id"
SCALE = 60  # per_day 1: 60 days of invoices, 8 completed weeks x 2 partners = 16 offsets


def make_account(*, scale=SCALE, seed=7, options=None, key=CLIENT_ID) -> SandboxAccount:
    return account_create(provider="omnicado", key=key, seed=seed, scale=scale,
                          options=options or {})


def provider_data(account: SandboxAccount) -> documents.Account:
    """What the emulator holds for this account (the same pure functions it serves from)."""
    return documents.Account.of(account)


@pytest.fixture
def account(db):
    return make_account()


@pytest.fixture
def connection(account):
    return connection_add(provider="omnicado", name="omnicado-test", base_url=SANDBOX_URL,
                          credentials={"client_id": CLIENT_ID})


@pytest.fixture
def api(connection):
    with OmnicadoClient(connection, sleep=lambda seconds: None) as api:
        yield api


@pytest.fixture
def invoices(account):
    acc = provider_data(account)
    return [documents.invoice(acc, i) for i in range(acc.scale)]
