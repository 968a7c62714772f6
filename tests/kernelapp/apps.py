from django.apps import AppConfig


class KernelAppConfig(AppConfig):
    """Test-only: a provider that syncs the sandbox's generic items (no migrations: the test
    database creates its table directly)."""

    name = "tests.kernelapp"
    label = "kernelapp"

    def ready(self):
        from apps.core import registry
        from tests.kernelapp.provider import SPEC

        registry.register(SPEC)
