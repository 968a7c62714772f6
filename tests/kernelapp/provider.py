"""A small provider used by the kernel's own tests: it syncs the sandbox's generic items."""

from datetime import datetime

from apps.core.http import BaseClient
from apps.core.money import to_decimal
from apps.core.registry import ProviderSpec
from apps.core.sync import Page, Stream, content_hash, upsert_rows

BASE_URL = "http://sandbox.invalid/sandbox/kernel"


class KernelClient(BaseClient):
    provider = "kernel"

    def auth(self, kwargs):
        kwargs["headers"]["X-Api-Key"] = self.credentials["api_key"]

    def items(self, *, page=1, page_size=10, updated_since=None, headers=None):
        params = {"page": page, "page_size": page_size}
        if updated_since:
            params["updated_since"] = updated_since.isoformat()
        return self.json("GET", "/items", params=params, headers=headers)


class ItemsStream(Stream):
    name = "items"
    page_size = 10

    def pages(self, ctx):
        page = ctx.position or 1
        while True:
            body = ctx.client.items(page=page, page_size=self.page_size,
                                    updated_since=ctx.window_start)
            done = page >= body["pages"] or not body["items"]
            yield Page(items=body["items"], next_position=None if done else page + 1)
            if done:
                return
            page += 1

    def write(self, ctx, page):
        from tests.kernelapp.models import Item

        rows = [{
            "external_id": item["id"], "name": item["name"],
            "amount": to_decimal(item["amount"]), "currency": item["currency"],
            "updated_at": datetime.fromisoformat(item["updated_at"]),
            "raw": item, "content_hash": content_hash(item), "synced_at": ctx.synced_at,
        } for item in page.items]
        counts, _ = upsert_rows(model=Item, connection=ctx.connection, rows=rows,
                                key="external_id")
        return counts


SPEC = ProviderSpec(key="kernel", label="Kernel test provider", client_class=KernelClient,
                    streams={"items": ItemsStream}, credential_fields=["api_key"],
                    test_connection=lambda client: f"reachable, {client.items()['total']} items")


