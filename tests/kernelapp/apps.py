from django.apps import AppConfig


class KernelAppConfig(AppConfig):
    """Test-only: a provider that syncs the sandbox's generic items. It has a migration so that
    PostgreSQL creates its table after core_connection, which it references."""

    name = "tests.kernelapp"
    label = "kernelapp"

    def ready(self):
        from apps.core import registry
        from tests.kernelapp.provider import SPEC

        registry.register(SPEC)
