"""What each provider app tells the kernel about itself (registered in its AppConfig.ready)."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ProviderSpec:
    key: str                      # "omnicado" (matches core.models.Provider)
    label: str
    client_class: type            # BaseClient subclass
    streams: dict                 # name -> Stream subclass, in sync order
    credential_fields: list[str]  # e.g. ["client_id"]
    datasets: list = field(default_factory=list)        # core.datasets.Dataset
    nav: list[tuple[str, str]] = field(default_factory=list)  # (label, url name)
    demo: Callable | None = None  # demo(*, base_url) -> Connection: sandbox account + connection
    test_connection: Callable | None = None  # test(client) -> str describing what was reached
    summary: Callable | None = None  # summary(connection) -> [(label, text)]: the card's key figures


_providers: dict[str, ProviderSpec] = {}
_datasets: dict = {}


def register(spec: ProviderSpec) -> None:
    _providers[spec.key] = spec
    register_datasets(spec.datasets)


def register_datasets(datasets) -> None:
    for ds in datasets:
        _datasets[ds.name] = ds


def get(key: str) -> ProviderSpec:
    try:
        return _providers[key]
    except KeyError:
        raise LookupError(f"No provider integration is installed for '{key}'.") from None


def all_providers() -> list[ProviderSpec]:
    return list(_providers.values())


def dataset(name: str):
    try:
        return _datasets[name]
    except KeyError:
        known = ", ".join(sorted(_datasets))
        raise LookupError(f"Unknown dataset '{name}'. Known: {known or 'none'}.") from None
