from apps.core import registry


def navigation(request):
    return {"provider_nav": [(p.label, p.nav) for p in registry.all_providers() if p.nav]}
