from django.apps import AppConfig


class SandboxOmniumConfig(AppConfig):
    name = "apps.sandbox.omnium"
    label = "sandbox_omnium"
    verbose_name = "Sandbox: Omnium emulator"
