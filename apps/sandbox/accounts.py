"""Emulated provider accounts: a credential, a seed and a scale."""

from apps.sandbox.models import SandboxAccount


def account_create(*, provider: str, key: str, seed: int = 1, scale: int = 100,
                   options: dict | None = None) -> SandboxAccount:
    account, _ = SandboxAccount.objects.update_or_create(
        provider=provider, key=key,
        defaults={"seed": seed, "scale": scale, "options": options or {}},
    )
    return account


def account_for(provider: str, key: str | None) -> SandboxAccount | None:
    """The account a request's credential selects; None means 'refuse it' (401)."""
    if not key:
        return None
    return SandboxAccount.objects.filter(provider=provider, key=key).first()
