from django.apps import AppConfig


class OviproConfig(AppConfig):
    name = "apps.ovipro"
    label = "ovipro"
    verbose_name = "Ovipro"
