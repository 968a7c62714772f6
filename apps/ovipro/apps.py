from django.apps import AppConfig


class OviproConfig(AppConfig):
    name = "apps.ovipro"
    label = "ovipro"
    verbose_name = "Ovipro"

    def ready(self):
        from apps.core import registry
        from apps.core.registry import ProviderSpec
        from apps.ovipro.client import OviproClient, test_connection
        from apps.ovipro.datasets import invoices
        from apps.ovipro.demo import demo
        from apps.ovipro.selectors import connection_summary
        from apps.ovipro.sync import InvoicesStream

        registry.register(ProviderSpec(
            key="ovipro", label="Ovipro", client_class=OviproClient,
            streams={"invoices": InvoicesStream}, credential_fields=["username", "password"],
            datasets=[invoices],
            nav=[("Invoices", "ovipro:invoices"), ("New invoice", "ovipro:invoice_new"),
                 ("Offices", "ovipro:offices")],
            summary=connection_summary,
            demo=demo, test_connection=test_connection,
        ))
