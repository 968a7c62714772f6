from django.apps import AppConfig


class SandboxOviproConfig(AppConfig):
    name = "apps.sandbox.ovipro"
    label = "sandbox_ovipro"
    verbose_name = "Sandbox: Ovipro emulator"
