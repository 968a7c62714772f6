from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Ledgerdesk"

    def ready(self):
        from apps.core import checks, registry  # noqa: F401 (checks register themselves)
        from apps.core.datasets import audit_events, sync_runs
        from apps.core.roles import grant_administrator_everything

        registry.register_datasets([sync_runs, audit_events])
        post_migrate.connect(grant_administrator_everything, sender=self)
