from django.apps import AppConfig


class SandboxOmnizonConfig(AppConfig):
    name = "apps.sandbox.omnizon"
    label = "sandbox_omnizon"
    verbose_name = "Sandbox: Omnizon emulator"
