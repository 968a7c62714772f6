from django.apps import AppConfig


class SandboxOmnicadoConfig(AppConfig):
    name = "apps.sandbox.omnicado"
    label = "sandbox_omnicado"
    verbose_name = "Sandbox: Omnicado emulator"
