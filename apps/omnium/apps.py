from django.apps import AppConfig

SANDBOX_BASE_URL = "http://sandbox.invalid/sandbox/omnium/api/Accounting"
DEMO_NAME = "omnium-demo"
DEMO_CLIENT_ID = "ledgerdesk-demo-omnium"
DEMO_CLIENT_SECRET = "omnium-demo-secret-5d1c"
DEMO_DAYS = 92
DEMO_SCALE = 10_000  # ledger lines over DEMO_DAYS: four stores, one per country


class OmniumConfig(AppConfig):
    name = "apps.omnium"
    label = "omnium"
    verbose_name = "Omnium"

    def ready(self):
        from apps.core import registry
        from apps.omnium import datasets
        from apps.omnium.client import OmniumClient
        from apps.omnium.selectors import connection_summary
        from apps.omnium.sync import PostingsStream

        registry.register(registry.ProviderSpec(
            key="omnium",
            label="Omnium",
            client_class=OmniumClient,
            streams={"postings": PostingsStream},
            credential_fields=["client_id", "client_secret"],
            datasets=[datasets.postings, datasets.ledger_lines],
            nav=[("Postings", "omnium:postings"), ("Ledger lines", "omnium:ledger_lines"),
                 ("Account summary", "omnium:account_summary"), ("Data checks", "omnium:checks")],
            demo=demo,
            test_connection=test_connection,
            summary=connection_summary,
        ))


def demo():
    """A sandbox Omnium tenant with a few months of postings up to today, and its connection."""
    from django.utils import timezone

    from apps.core.connections import connection_add
    from apps.core.models import Connection
    from apps.sandbox.accounts import account_create

    account_create(provider="omnium", key=DEMO_CLIENT_ID, seed=2026, scale=DEMO_SCALE,
                   options={"client_secret": DEMO_CLIENT_SECRET, "days": DEMO_DAYS,
                            "end": timezone.localdate().isoformat()})
    existing = Connection.objects.filter(name=DEMO_NAME).first()
    if existing:
        return existing
    return connection_add(provider="omnium", name=DEMO_NAME, base_url=SANDBOX_BASE_URL,
                          credentials={"client_id": DEMO_CLIENT_ID,
                                       "client_secret": DEMO_CLIENT_SECRET},
                          options={"backfill_days": 120})


def test_connection(client) -> str:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    total, _ = client.search_postings(take=1, posting_date_from=now - timedelta(days=35),
                                      posting_date_to=now)
    return f"token accepted; {total} current postings in the last 35 days"
