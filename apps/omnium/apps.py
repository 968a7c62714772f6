from django.apps import AppConfig


class OmniumConfig(AppConfig):
    name = "apps.omnium"
    label = "omnium"
    verbose_name = "Omnium"
