"""The demo connection (sandbox account + Connection) and the connection test."""

from apps.core.models import Connection

BASE_URL = "http://sandbox.invalid/sandbox/omnizon"
DEMO_NAME = "omnizon-demo"
DEMO_KEY = "omnizon-demo-api-key"


def demo_connection(*, base_url: str = BASE_URL) -> Connection:
    """An emulated account with three companies and 150 documents over 90 days. The sync
    acknowledges automatically for the first two companies; the third is left to staff."""
    from apps.sandbox.accounts import account_create
    from apps.sandbox.omnizon.state import companies_of

    account = account_create(provider="omnizon", key=DEMO_KEY, seed=2026, scale=150,
                             options={"companies": 3, "broken": {"7": "xxe", "19": "not_ubl"}})
    vats = [f"HR{vat}" for vat, _ in companies_of(account)]
    connection = Connection.objects.filter(name=DEMO_NAME).first()
    if connection is None:
        connection = Connection(provider="omnizon", name=DEMO_NAME)
    connection.base_url = base_url
    connection.credentials = {"api_key": DEMO_KEY}
    connection.options = {"companies": vats, "auto_ack": vats[:2], "software_id": "Ledgerdesk"}
    connection.save()
    return connection


def test_connection(client) -> str:
    from apps.omnizon.sync import company_vats

    parts = []
    for vat in company_vats(client.connection):
        page = client.inbox(company=vat, page=1, page_size=1)
        parts.append(f"HR{vat}: {page.total_elements} documents in the inbox (60 days)")
    return "; ".join(parts)
