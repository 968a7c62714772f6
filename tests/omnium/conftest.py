from datetime import date, timedelta

import pytest

from apps.core.connections import connection_add
from apps.sandbox.accounts import account_create
from apps.sandbox.omnium import generator
from apps.sandbox.omnium.views import reset_rate_limits

BASE_URL = "http://sandbox.invalid/sandbox/omnium/api/Accounting"
CLIENT_ID = "erp-sync-7f3a"
CLIENT_SECRET = "s3cret-omnium-9"
END = date.today() - timedelta(days=2)  # the tenant's latest accounting day


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    reset_rate_limits()
    yield
    reset_rate_limits()


def make_account(*, seed=11, scale=1500, days=20, end=END, key=CLIENT_ID, **options):
    return account_create(provider="omnium", key=key, seed=seed, scale=scale,
                          options={"client_secret": CLIENT_SECRET, "days": days,
                                   "end": end.isoformat(), **options})


@pytest.fixture
def omnium_account(db):
    return make_account()


@pytest.fixture
def omnium_connection(omnium_account):
    return connection_add(provider="omnium", name="omnium-test", base_url=BASE_URL,
                          credentials={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
                          options={"backfill_days": 60})


def emulator_postings(account):
    """Every posting the emulator exposes (drafts excluded), computed from its pure functions."""
    params = generator.params_for(account)
    return [p for day in generator.days(params) for p in generator.day_postings(params, day)
            if p.visible]


def make_connection(name, *, key=CLIENT_ID, base_url=BASE_URL, **options):
    return connection_add(provider="omnium", name=name, base_url=base_url,
                          credentials={"client_id": key, "client_secret": CLIENT_SECRET},
                          options={"backfill_days": 60, **options})


@pytest.fixture(scope="module")
def synced_module(django_db_setup, django_db_blocker):
    """One synced tenant shared by a module's read-only tests (each test still runs in its own
    rolled-back transaction); removed at the end of the module."""
    from apps.core.models import Connection
    from apps.core.sync import sync_run_now
    from apps.sandbox.models import SandboxAccount

    with django_db_blocker.unblock():
        account = make_account(key="shared-module-tenant")
        connection = make_connection("omnium-shared", key="shared-module-tenant")
        run = sync_run_now(connection=connection, stream="postings")
        assert run.status == "succeeded", run.error_message
    yield account
    with django_db_blocker.unblock():
        Connection.objects.filter(pk=connection.pk).delete()
        SandboxAccount.objects.filter(pk=account.pk).delete()


def ensure_roles():
    """The role groups come from a data migration, which a transactional test's flush removes."""
    import importlib

    from django.apps import apps

    importlib.import_module("apps.core.migrations.0002_roles").create_roles(apps, None)


@pytest.fixture(scope="module")
def roles_after_flush(django_db_blocker):
    """For modules of transactional tests that cannot use serialized_rollback (Playwright's
    greenlet gives the test body another connection object): put the roles back afterwards,
    so later tests on this worker still find them."""
    yield
    with django_db_blocker.unblock():
        ensure_roles()
