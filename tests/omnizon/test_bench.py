"""Scale: the documents page and its export on 100 000 documents (`make bench`)."""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.omnizon.models import Document
from tests.omnizon.conftest import make_connection

ROWS = 100_000


def timed(label, func):
    started = time.perf_counter()
    result = func()
    print(f"{label}: {(time.perf_counter() - started) * 1000:.0f} ms")
    return result


@pytest.mark.slow
def test_documents_page_and_export_on_100k_rows(client_as, account, django_assert_max_num_queries):
    connection = make_connection(account)
    r = random.Random(7)
    now = timezone.now()
    names = ["Đurđevac d.o.o.", "Šibenik Čistoća d.d.", "Kraš Čokolade d.d.", "Opatija Džep"]

    def build():
        for start in range(0, ROWS, 5000):
            Document.objects.bulk_create([Document(
                connection=connection, document_id=f"{i:024x}", direction=r.choice(["in", "out"]),
                company_vat="48291037465", number=f"R-{i}/2026", supplier_name=r.choice(names),
                customer_name=r.choice(names), amount=Decimal(r.randrange(100, 10_000_00)) / 100,
                currency=r.choice(["EUR", "EUR", "USD"]), issue_date=date(2026, 1, 1) +
                timedelta(days=i % 300), created_at=now - timedelta(minutes=i),
                internal_status="OK", external_status="DELIVERED", state="acknowledged",
                content_hash="x") for i in range(start, min(start + 5000, ROWS))])

    timed(f"insert {ROWS} documents", build)
    viewer = client_as("viewer")
    url = reverse("omnizon:documents")
    with django_assert_max_num_queries(8):
        first = timed("first page, newest first", lambda: viewer.get(url))
    assert "100,000 rows" in first.content.decode()
    filtered = timed("amount 500-600 EUR, sorted by supplier", lambda: viewer.get(
        url, {"amount_min": 500, "amount_max": 600, "currency": "EUR", "sort": "supplier"}))
    assert filtered.status_code == 200
    last = timed("last page", lambda: viewer.get(url, {"page": ROWS // 50}))
    assert last.status_code == 200
    export = viewer.get(url, {"export": "csv", "direction": "in"})
    lines = timed("CSV export of the received half", lambda: sum(
        chunk.count(b"\n") for chunk in export.streaming_content))
    assert lines == Document.objects.filter(direction="in").count() + 1
