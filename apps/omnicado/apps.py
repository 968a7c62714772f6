from django.apps import AppConfig


class OmnicadoConfig(AppConfig):
    name = "apps.omnicado"
    label = "omnicado"
    verbose_name = "Omnicado"
