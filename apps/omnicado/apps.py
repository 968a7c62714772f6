from django.apps import AppConfig


class OmnicadoConfig(AppConfig):
    name = "apps.omnicado"
    label = "omnicado"
    verbose_name = "Omnicado"

    def ready(self):
        from apps.core import registry
        from apps.core.registry import ProviderSpec
        from apps.omnicado import datasets
        from apps.omnicado.client import OmnicadoClient, test_connection
        from apps.omnicado.demo import demo
        from apps.omnicado.selectors import connection_summary
        from apps.omnicado.sync import InvoicesStream, OffsetsStream

        registry.register(ProviderSpec(
            key="omnicado",
            label="Omnicado",
            client_class=OmnicadoClient,
            streams={"invoices": InvoicesStream, "offsets": OffsetsStream},
            credential_fields=["client_id"],
            datasets=[datasets.invoices, datasets.offsets],
            nav=[("Invoices", "omnicado:invoices"), ("Offsets", "omnicado:offsets")],
            demo=demo,
            test_connection=test_connection,
            summary=connection_summary,
        ))
