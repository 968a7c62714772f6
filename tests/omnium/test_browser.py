"""A person filters ledger lines by account and date, opens a posting, downloads its voucher."""

from datetime import timedelta

import pytest

from apps.core.sync import sync_run_now
from apps.omnium.models import LedgerLine
from tests.conftest import screenshot
from tests.omnium.conftest import END, ensure_roles, make_account, make_connection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("roles_after_flush", "roles")]


@pytest.fixture
def roles(transactional_db):
    ensure_roles()


def test_filter_lines_open_a_posting_download_its_voucher(logged_in_page, tmp_path):
    make_account(scale=800, days=10)
    assert sync_run_now(connection=make_connection("omnium-ui"), stream="postings"
                        ).status == "succeeded"
    day = (END - timedelta(days=3)).isoformat()
    expected = LedgerLine.objects.filter(account_number="1580", posting_date=day, in_totals=True)
    page = logged_in_page

    page.goto("/omnium/lines/")
    page.select_option("select[name=account]", "1580")
    page.fill("input[name=date_from]", day)
    page.fill("input[name=date_to]", day)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(lambda url: "account=1580" in url and f"date_to={day}" in url,
                      wait_until="commit")  # HTMX pushes the filtered URL
    page.wait_for_selector(f"text={expected.count()} row")
    rows = page.locator("#table tbody tr")
    assert rows.count() == expected.count()
    assert set(page.locator("#table tbody tr td:nth-child(6)").all_inner_texts()) == {"1580"}
    screenshot(page, "omnium-ledger-lines")

    line = expected.order_by("-posting_date", "-pk").first()
    page.locator("#table tbody tr").first.locator("td:nth-child(2) a").click()
    page.wait_for_url(f"**/omnium/postings/{line.posting_id}/")
    assert line.posting.provider_id in page.locator("h1").inner_text()
    assert page.locator("#posting-lines tbody tr").count() == line.posting.line_count
    screenshot(page, "omnium-posting")

    with page.expect_download() as download_info:
        page.click("#voucher-download")
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert download.suggested_filename == f"voucher-{line.posting.provider_id}.pdf"
    assert target.read_bytes().startswith(b"%PDF")


def test_account_summary_page(logged_in_page):
    make_account(scale=800, days=10)
    assert sync_run_now(connection=make_connection("omnium-ui2"), stream="postings"
                        ).status == "succeeded"
    page = logged_in_page
    page.goto("/omnium/accounts/")
    assert page.locator("table.trial-balance").count() == 4
    assert page.locator(".chart svg rect.bar").count() > 0
    screenshot(page, "omnium-account-summary")
    page.locator("table.trial-balance a").first.click()
    page.wait_for_url("**/omnium/lines/?**account=**")
    assert page.locator("#table tbody tr").count() > 0
