"""The invoice and offset pages: filters, sort, totals, export, detail, PDFs, escaping."""

import csv
import io
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.core.models import AuditEvent
from apps.core.sync import sync_run_now
from apps.omnicado import datasets
from apps.omnicado.models import Invoice, Offset, OffsetInvoice, ProviderPdf
from apps.sandbox import faults
from apps.sandbox.data import MARKUP_SAMPLES
from apps.sandbox.omnicado import documents
from tests.omnicado.conftest import provider_data

INVOICES = reverse("omnicado:invoices")
OFFSETS = reverse("omnicado:offsets")


@pytest.fixture
def synced(connection):
    for stream in ("invoices", "offsets"):
        assert sync_run_now(connection=connection, stream=stream).status == "succeeded"
    return connection


@pytest.fixture
def viewer(client_as, synced):
    return client_as("viewer")


def listed(response) -> list[int]:
    return [row.invoice_number for row in response.context["page"].object_list]


def exported(client, url, params) -> list[dict]:
    response = client.get(url, {**params, "export": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def numbers_where(invoices, keep) -> list[int]:
    """Expected rows in the page's default order (newest first)."""
    return sorted((d["invoiceNumber"] for d in invoices if keep(d)), reverse=True)


FILTERS = [
    ({"currency": "EUR"}, lambda d: d["currency"] == "EUR"),
    ({"partner": "4121"}, lambda d: d["partner"] == 4121),
    ({"customer": "Internet Mall Slovakia s.r.o."},
     lambda d: d["customer"]["name"] == "Internet Mall Slovakia s.r.o."),
    ({"invoice_type": "DB"}, lambda d: d["invoiceType"] == "DB"),
    ({"document_type": "invoice"}, lambda d: d["documentType"] == "invoice"),
    ({"created_from": "2024-11-10", "created_to": "2024-11-20"},
     lambda d: "2024-11-10" <= d["createdAt"] <= "2024-11-20"),
    ({"due_from": "2024-12-01"}, lambda d: d["dueDate"] >= "2024-12-01"),
    ({"delivered_to": "2024-11-15"}, lambda d: d["deliveryAt"] <= "2024-11-15"),
    ({"total_min": "1000", "total_max": "5000"}, lambda d: 1000 <= d["total"] <= 5000),
    ({"total_max": "0"}, lambda d: d["total"] <= 0),
    ({"consistent": "false"}, lambda d: d["invoiceNumber"] % 40 == 7),
]


@pytest.mark.parametrize("params, keep", FILTERS, ids=[",".join(f[0]) for f in FILTERS])
def test_each_filter_selects_exactly_the_matching_invoices_and_exports_them(
        viewer, invoices, params, keep):
    expected = numbers_where(invoices, keep)
    assert expected, "a filter that selects nothing proves nothing"
    page = viewer.get(INVOICES, {**params, "sort": "-invoice_number"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == len(expected)
    assert listed(page) == expected[:50]
    rows = exported(viewer, INVOICES, {**params, "sort": "-invoice_number"})
    assert [int(r["invoice_number"]) for r in rows] == expected


def test_free_search_finds_number_purchase_no_and_order_id(viewer, invoices):
    doc = next(d for d in invoices if d["purchNoC"] != "")
    for text in (doc["invoiceNumber"], doc["purchNoC"], doc["items"][0]["orderId"]):
        response = viewer.get(INVOICES, {"q": str(text)})
        assert listed(response) == [doc["invoiceNumber"]], text
    assert listed(viewer.get(INVOICES, {"q": "no such thing"})) == []


def test_totals_per_currency_cover_the_whole_filtered_set(viewer, invoices):
    response = viewer.get(INVOICES, {"partner": "4120"})
    expected = {}
    for d in invoices:
        if d["partner"] == 4120:
            amount, count = expected.get(d["currency"], (Decimal(0), 0))
            expected[d["currency"]] = (amount + d["total"], count + 1)
    totals = {t["currency"]: (t["amount"], t["count"]) for t in response.context["totals"]}
    assert totals == expected


@pytest.mark.parametrize("column", [c for c in datasets.invoices.columns if c.sortable],
                         ids=lambda c: c.key)
def test_every_column_sorts_both_ways(viewer, column):
    for sort in (column.key, f"-{column.key}"):
        response = viewer.get(INVOICES, {"sort": sort})
        assert response.status_code == 200 and response.context["sort"] == sort
        shown = [column.value(row) for row in response.context["page"].object_list]
        assert shown == sorted(shown, reverse=sort.startswith("-")), sort


def test_sort_by_total_orders_the_export_too(viewer, invoices):
    rows = exported(viewer, INVOICES, {"currency": "CZK", "sort": "-total"})
    totals = [Decimal(r["total"]) for r in rows]
    assert totals == sorted(totals, reverse=True)
    assert len(rows) == sum(1 for d in invoices if d["currency"] == "CZK")


def test_htmx_gets_only_the_table(viewer):
    response = viewer.get(INVOICES, {"currency": "EUR"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="table"') and "<html" not in html


def test_a_bad_filter_value_is_explained_not_a_500(viewer):
    response = viewer.get(INVOICES, {"created_from": "yesterday", "total_min": "lots"})
    assert response.status_code == 200
    assert "Check the filters" in response.content.decode() and listed(response) == []


def test_list_pages_use_a_fixed_number_of_queries(viewer, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        viewer.get(INVOICES, {"sort": "-total"})
    with django_assert_max_num_queries(16):
        viewer.get(OFFSETS)


def test_provider_markup_is_escaped_everywhere(viewer, invoices):
    doc = next(d for d in invoices if any(i["title"] in MARKUP_SAMPLES for i in d["items"]))
    invoice = Invoice.objects.get(invoice_number=doc["invoiceNumber"])
    html = viewer.get(invoice.get_absolute_url()).content.decode()
    title = next(i["title"] for i in doc["items"] if i["title"] in MARKUP_SAMPLES)
    assert title not in html
    assert title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        '"', "&quot;").replace("'", "&#x27;") in html

    offset = OffsetInvoice.objects.filter(note=MARKUP_SAMPLES[1]).first().offset
    offset_html = viewer.get(offset.get_absolute_url()).content.decode()
    assert "<b>Bold</b>" not in offset_html and "&lt;b&gt;Bold&lt;/b&gt; &amp; Sons" in offset_html


def test_invoice_detail_shows_parties_bank_items_recap_and_offsets(viewer, invoices, account,
                                                                   django_assert_max_num_queries):
    acc = provider_data(account)
    off = documents.offset(acc, 0)
    doc = next(d for d in invoices if d["invoiceNumber"] == off["invoices"][0]["id"])
    invoice = Invoice.objects.get(invoice_number=doc["invoiceNumber"])
    with django_assert_max_num_queries(12):
        response = viewer.get(invoice.get_absolute_url())
    html = response.content.decode()
    assert doc["supplier"]["bank"]["iban"] in html and "Internet Mall" in html
    assert response.context["detail"].consistent == (doc["invoiceNumber"] % 40 != 7)
    offset = Offset.objects.get(document_number=off["documentNumber"])
    assert offset.get_absolute_url() in html


def test_an_inconsistent_invoice_is_flagged_with_the_difference(viewer):
    invoice = Invoice.objects.filter(consistent=False).first()
    response = viewer.get(invoice.get_absolute_url())
    html = response.content.decode()
    assert 'data-consistent="false"' in html and "does not add up" in html
    failing = [c for c in response.context["detail"].checks if not c.ok]
    assert failing and all(c.difference for c in failing)


def test_offset_detail_links_its_invoices_and_explains_the_balance(viewer, account):
    acc = provider_data(account)
    off = documents.offset(acc, 1)
    offset = Offset.objects.get(document_number=off["documentNumber"])
    response = viewer.get(offset.get_absolute_url())
    html = response.content.decode()
    for line in off["invoices"]:
        invoice = Invoice.objects.get(invoice_number=line["id"])
        assert invoice.get_absolute_url() in html
    balance = response.context["detail"].balance
    assert balance.ok and balance.computed == off["diffPrice"]
    assert 'data-ok="true"' in html


def test_offset_list_filters_and_exports(viewer, account):
    acc = provider_data(account)
    all_offsets = [documents.offset(acc, j) for j in range(documents.offset_count(acc))]
    expected = {o["documentNumber"] for o in all_offsets if o["diffPrice"] < 0}
    rows = exported(viewer, OFFSETS, {"balance_max": "-0.01"})
    assert {r["document_number"] for r in rows} == expected
    settled = all_offsets[3]["invoices"][0]["id"]
    found = viewer.get(OFFSETS, {"q": str(settled)}).context["page"].object_list
    assert all_offsets[3]["documentNumber"] in {o.document_number for o in found}


def test_provider_pdf_is_fetched_once_and_kept(viewer, invoices):
    invoice = Invoice.objects.get(invoice_number=invoices[2]["invoiceNumber"])
    url = reverse("omnicado:invoice_provider_pdf", args=[invoice.pk])
    first = viewer.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert first["Content-Disposition"].startswith("attachment")

    faults.inject(provider="omnicado", kind="status", status=503, times=-1)  # provider down
    again = viewer.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert ProviderPdf.objects.count() == 1
    assert AuditEvent.objects.filter(action="omnicado.pdf.fetch").count() == 1


def test_offset_provider_pdf(viewer):
    offset = Offset.objects.first()
    response = viewer.get(reverse("omnicado:offset_provider_pdf", args=[offset.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert offset.attachment_filename in response["Content-Disposition"]


def test_a_provider_pdf_failure_is_a_message_not_a_500(viewer):
    faults.inject(provider="omnicado", kind="status", status=401, times=-1)
    invoice = Invoice.objects.first()
    response = viewer.get(reverse("omnicado:invoice_provider_pdf", args=[invoice.pk]),
                          follow=True)
    assert response.status_code == 200
    assert "could not be fetched" in response.content.decode()
    assert AuditEvent.objects.get(action="omnicado.pdf.fetch").outcome == "failed"


def test_printable_pdf_is_rendered_from_synced_data(viewer, invoices, tmp_path):
    doc = invoices[7]  # an inconsistent one: the print says so
    invoice = Invoice.objects.get(invoice_number=doc["invoiceNumber"])
    response = viewer.get(reverse("omnicado:invoice_print", args=[invoice.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert str(doc["invoiceNumber"]) in text and doc["supplier"]["name"] in text
    assert "✗" in text


def test_pages_need_the_browse_permission(client, make_user, synced):
    client.force_login(make_user(role=None, username="nobody"))
    invoice = Invoice.objects.first()
    for url in (INVOICES, OFFSETS, invoice.get_absolute_url(),
                reverse("omnicado:invoice_print", args=[invoice.pk])):
        assert client.get(url).status_code == 403


def test_admin_lists_and_shows_synced_documents_read_only(client, make_user, synced):
    from django.contrib.auth.models import Permission

    user = make_user("administrator", username="admin-staff", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="omnicado"))
    client.force_login(user)
    invoice, offset = Invoice.objects.first(), Offset.objects.first()
    for url in ("/admin/omnicado/invoice/?currency__exact=EUR", "/admin/omnicado/offset/",
                f"/admin/omnicado/invoice/{invoice.pk}/change/",
                f"/admin/omnicado/offset/{offset.pk}/change/",
                f"/admin/omnicado/invoice/?q={invoice.invoice_number}"):
        response = client.get(url)
        assert response.status_code == 200, url
    change = client.get(f"/admin/omnicado/invoice/{invoice.pk}/change/").content.decode()
    assert 'name="total"' not in change  # read-only: no inputs for synced fields


def test_dashboard_card_shows_key_figures(viewer):
    html = viewer.get("/").content.decode()
    assert "Not adding up" in html and "omnicado-test" in html
