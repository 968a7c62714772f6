"""A minimal generic emulator the kernel's own tests sync from: paged items with an update
time, an API key, the shared fault injection. The provider emulators live in subpackages."""

from datetime import UTC, datetime, timedelta

from django.http import JsonResponse

from apps.sandbox import data
from apps.sandbox.accounts import account_for
from apps.sandbox.faults import emulator

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def kernel_item(seed: int, i: int, version: int = 0) -> dict:
    r = data.rng(seed, "item", i, version)
    return {
        "id": 5_000_000_000 + i,  # beyond 32 bits, like real provider ids
        "name": data.pick_name(r, data.CZECH_COMPANIES),
        "amount": str(data.amount(r, -500, 5000)),
        "currency": r.choice(["CZK", "EUR"]),
        "updated_at": (EPOCH + timedelta(minutes=i)).isoformat(),
    }


@emulator("kernel")
def kernel_items(request):
    account = account_for("kernel", request.headers.get("X-Api-Key"))
    if account is None:
        return JsonResponse({"message": "Invalid API key"}, status=401)
    try:
        page = int(request.GET.get("page", 1))
        size = min(int(request.GET.get("page_size", 100)), 500)
    except ValueError:
        return JsonResponse({"message": "page and page_size must be integers"}, status=400)
    since = request.GET.get("updated_since")
    start = 0
    if since:
        minutes = (datetime.fromisoformat(since) - EPOCH).total_seconds() / 60
        start = max(0, min(account.scale, int(minutes)))
    total = account.scale - start
    pages = max(1, -(-total // size))
    versions = {int(k): v for k, v in account.options.get("versions", {}).items()}
    first = start + (page - 1) * size
    items = [kernel_item(account.seed, i, versions.get(i, 0))
             for i in range(first, min(first + size, account.scale))]
    return JsonResponse({"items": items, "page": page, "pages": pages, "total": total})
