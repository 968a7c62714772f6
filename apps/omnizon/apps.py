from django.apps import AppConfig


class OmnizonConfig(AppConfig):
    name = "apps.omnizon"
    label = "omnizon"
    verbose_name = "Omnizon"
