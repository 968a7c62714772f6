from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def credentials_keys_configured(app_configs, **kwargs):
    if settings.CREDENTIALS_KEYS:
        return []
    return [Warning(
        "LEDGERDESK_CREDENTIALS_KEYS is not set: provider credentials are encrypted with a key "
        "derived from SECRET_KEY, so rotating SECRET_KEY makes them unreadable.",
        hint="Set LEDGERDESK_CREDENTIALS_KEYS to a Fernet key (python -c 'from cryptography."
             "fernet import Fernet; print(Fernet.generate_key().decode())').",
        id="ledgerdesk.W001",
    )]


@register(Tags.security, deploy=True)
def sandbox_off_in_production(app_configs, **kwargs):
    if settings.SANDBOX_ENABLED and not settings.DEBUG:
        return [Warning("The provider emulators (/sandbox/) are enabled in production.",
                        hint="Unset LEDGERDESK_SANDBOX.", id="ledgerdesk.W002")]
    return []
