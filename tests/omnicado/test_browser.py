import pytest

from apps.core.sync import sync_run_now
from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def synced(connection):
    for stream in ("invoices", "offsets"):
        assert sync_run_now(connection=connection, stream=stream).status == "succeeded"


def test_filter_invoices_open_one_and_download_both_pdfs(synced, logged_in_page):
    page = logged_in_page
    page.click("text=Invoices")
    page.wait_for_url("**/omnicado/invoices/")
    assert "60 rows" in page.locator(".table-bar .count").inner_text()

    page.select_option("select[name=currency]", "EUR")
    page.wait_for_function("document.querySelector('.table-bar .count').innerText !== '60 rows'")
    assert "currency=EUR" in page.url
    currencies = page.locator("table.data tbody tr td:nth-child(9)").all_inner_texts()
    assert currencies and set(currencies) == {"EUR"}
    assert "EUR" in page.locator(".table-bar .totals").inner_text()
    screenshot(page, "omnicado-invoices-filtered")

    page.locator("table.data tbody tr td:first-child a").first.click()
    page.wait_for_url("**/omnicado/invoices/*/")
    assert page.locator("#items tbody tr").count() >= 1
    assert page.locator("#checks").is_visible()
    screenshot(page, "omnicado-invoice-detail")

    for which in ("provider", "print"):
        with page.expect_download() as info:
            page.click(f"a[data-pdf={which}]")
        download = info.value
        path = download.path()
        with open(path, "rb") as pdf:
            assert pdf.read(4) == b"%PDF", which
        assert download.suggested_filename.endswith(".pdf")

    page.locator("#settlements a").first.click() if page.locator("#settlements a").count() else None
    screenshot(page, "omnicado-after-downloads")


def test_offset_page_links_back_to_invoices(synced, logged_in_page):
    page = logged_in_page
    page.goto("/omnicado/offsets/")
    page.locator("table.data tbody tr td:first-child a").first.click()
    page.wait_for_url("**/omnicado/offsets/*/")
    assert page.locator("#balance").get_attribute("data-ok") == "true"
    screenshot(page, "omnicado-offset-detail")
    page.locator("#settled-invoices a").first.click()
    page.wait_for_url("**/omnicado/invoices/*/")
    assert page.locator("#settlements a").count() >= 1
