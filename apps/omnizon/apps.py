from django.apps import AppConfig


class OmnizonConfig(AppConfig):
    name = "apps.omnizon"
    label = "omnizon"
    verbose_name = "Omnizon"

    def ready(self):
        from apps.core import registry
        from apps.core.registry import ProviderSpec
        from apps.omnizon import demo, selectors
        from apps.omnizon.client import OmnizonClient
        from apps.omnizon.selectors import connection_summary
        from apps.omnizon.sync import InboxStream, OutboxStream, UsageStream

        registry.register(ProviderSpec(
            key="omnizon", label="Omnizon", client_class=OmnizonClient,
            streams={"inbox": InboxStream, "outbox": OutboxStream, "usage": UsageStream},
            credential_fields=["api_key"],
            datasets=[selectors.documents],
            nav=[("Documents", "omnizon:documents"), ("Send", "omnizon:send"),
                 ("Usage", "omnizon:usage")],
            summary=connection_summary,
            demo=demo.demo_connection, test_connection=demo.test_connection,
        ))
