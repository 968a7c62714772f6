import pytest

from tests.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_then_dashboard(logged_in_page):
    page = logged_in_page
    assert page.locator("h1").inner_text() == "Dashboard"
    assert page.locator(".sidebar").is_visible()
    screenshot(page, "dashboard-empty")
