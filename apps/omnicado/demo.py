"""`manage.py demo`: an Omnicado sandbox account with a few hundred invoices, and its connection."""

from apps.core.connections import connection_add
from apps.core.models import Connection
from apps.sandbox.accounts import account_create

DEMO_NAME = "omnicado-demo"
DEMO_CLIENT_ID = "omnicado-demo-client-id"
SANDBOX_URL = "http://sandbox.invalid/sandbox/omnicado/v1"


def demo(*, base_url: str = SANDBOX_URL) -> Connection:
    account_create(provider="omnicado", key=DEMO_CLIENT_ID, seed=2024, scale=400)
    existing = Connection.objects.filter(name=DEMO_NAME).first()
    if existing:
        return existing
    return connection_add(provider="omnicado", name=DEMO_NAME, base_url=base_url,
                          credentials={"client_id": DEMO_CLIENT_ID})
