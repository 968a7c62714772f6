import pytest

from apps.core.connections import connection_add
from apps.omnizon.demo import BASE_URL
from apps.sandbox.accounts import account_create
from apps.sandbox.omnizon import generate, state
from apps.sandbox.omnizon.models import Document as Remote

API_KEY = "omz-test-key-123"


@pytest.fixture
def account(db):
    """Two companies, 15 documents spread over the last 90 days (a third older than 60)."""
    return account_create(provider="omnizon", key=API_KEY, seed=11, scale=15,
                          options={"companies": 2, "span_days": 90, "send_step_seconds": 3600})


@pytest.fixture
def vats(account):
    return [vat for vat, _ in state.companies_of(account)]


def make_connection(account, *, name="omz", base_url=BASE_URL, **options):
    companies = [f"HR{vat}" for vat, _ in state.companies_of(account)]
    return connection_add(provider="omnizon", name=name, base_url=base_url,
                          credentials={"api_key": API_KEY},
                          options={"companies": companies, **options})


@pytest.fixture
def connection(account):
    return make_connection(account)


def remote_docs(account, **filters):
    state.ensure_seeded(account)
    return Remote.objects.filter(account=account, **filters)


def outgoing_ubl(account, company_vat: str) -> bytes:
    """A valid UBL invoice issued by `company_vat` (an outbound document of the emulator)."""
    companies = state.companies_of(account)
    for index in range(200):
        spec = state.spec(account, index)
        if spec.direction == "out" and spec.company.vat == company_vat and \
                spec.doc_type == "Invoice":
            spec.number = f"TEST-{index}"
            return generate.build_ubl(spec)
    raise AssertionError(f"no outbound invoice for {company_vat} among {companies}")


@pytest.fixture
def roles(db):
    """The role groups, as migration core.0002 makes them. Transactional tests flush the
    database between tests, and with a live server the serialized copy is not always restored
    in time, so browser tests make sure the roles exist before logging in."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    from apps.core.models import Connection
    from apps.core.roles import ROLE_PERMISSIONS

    content_type = ContentType.objects.get_for_model(Connection)
    names = dict(Connection._meta.permissions)
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*[Permission.objects.get_or_create(
            content_type=content_type, codename=code, defaults={"name": names[code]})[0]
            for code in codenames])
