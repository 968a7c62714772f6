import pytest

from apps.core.sync import sync_run_now
from apps.omnizon.models import Document
from apps.sandbox.omnizon.models import Document as Remote
from tests.conftest import screenshot
from tests.omnizon.conftest import make_connection

# serialized_rollback: the role groups (a data migration) survive the flush between tests
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def synced(account):
    connection = make_connection(account, auto_ack=False)
    for stream in ("inbox", "outbox", "usage"):
        sync_run_now(connection=connection, stream=stream)
    return connection


def test_open_a_document_see_pdf_and_lines_then_acknowledge(roles, logged_in_page, synced):
    page = logged_in_page
    doc = Document.objects.filter(direction="in", has_pdf=True, error="").order_by("pk").first()
    page.goto("/omnizon/documents/?direction=in")
    page.click(f"a[href='/omnizon/documents/{doc.pk}/']")
    page.wait_for_url(f"**/omnizon/documents/{doc.pk}/")
    screenshot(page, "omnizon-document-before-ack")

    frame = page.locator("iframe.pdf-frame")
    assert frame.is_visible()
    pdf = page.request.get(frame.get_attribute("src"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")
    rows = page.locator("table.lines tbody tr")
    assert rows.count() == doc.lines.count()
    assert rows.first.inner_text().startswith(doc.lines.first().position)

    page.on("dialog", lambda dialog: dialog.accept())
    page.fill("#doc-side input[name=reason]", "Booked in ERP")
    page.click("#doc-side button:has-text('Acknowledge')")
    page.wait_for_selector("#doc-side[data-state=acknowledged]")
    assert "Booked in ERP" in page.locator("#doc-side").inner_text()
    assert page.locator("#messages").inner_text().strip().endswith("acknowledged.")
    screenshot(page, "omnizon-document-acknowledged")

    remote = Remote.objects.get(document_id=doc.document_id)
    assert (remote.ack_count, remote.ack_reason) == (1, "Booked in ERP")


def test_documents_usage_and_send_pages_render(roles, logged_in_page, synced):
    page = logged_in_page
    page.goto("/omnizon/documents/")
    assert page.locator("table.data tbody tr").count() == min(
        50, Document.objects.count())
    screenshot(page, "omnizon-documents")
    page.goto("/omnizon/usage/")
    assert page.locator("svg rect.bar").count() == 24
    screenshot(page, "omnizon-usage")
    page.goto("/omnizon/send/")
    assert page.locator("#send-form input[type=file]").is_visible()
    screenshot(page, "omnizon-send")
