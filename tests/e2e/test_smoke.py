import re

import pytest
from playwright.sync_api import expect

from apps.core.connections import connection_add
from apps.core.models import SyncRun
from apps.sandbox import faults
from apps.sandbox.accounts import account_create
from tests.conftest import screenshot
from tests.kernelapp.models import Item
from tests.kernelapp.provider import BASE_URL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_visitors_are_sent_to_the_login_page(page):
    page.goto("/")
    assert "/login/" in page.url
    expect(page.locator("input[name=username]")).to_be_visible()


def test_start_a_sync_from_the_dashboard_and_watch_it_finish(logged_in_page, q_worker):
    account_create(provider="kernel", key="ui-key-1234", seed=5, scale=60)
    connection = connection_add(provider="kernel", name="shop-eu", base_url=BASE_URL,
                                credentials={"api_key": "ui-key-1234"})
    # Every page answers after 0.4 s so that the progress is there to be watched.
    faults.inject(provider="kernel", kind="slow", delay=0.4, times=-1)
    page = logged_in_page
    page.goto("/")
    card = page.locator(f"#conn-{connection.pk}")
    expect(card).to_contain_text("never synced")

    card.get_by_role("button", name="Sync now").click()
    expect(page.locator("#messages")).to_contain_text("Sync of shop-eu queued")
    expect(card.get_by_role("button")).to_have_text("Syncing…")
    expect(card).to_have_attribute("data-outcome", "running")
    screenshot(page, "dashboard-sync-running")

    card.get_by_role("link", name=re.compile(r"\d+s|ago")).first.click()
    progress = page.locator("#run-progress")
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=30000)
    expect(progress.locator("[data-rows]")).to_have_text("60")
    expect(progress.locator("[data-pages]")).to_have_text("6")
    screenshot(page, "sync-run-finished")

    run = SyncRun.objects.get()
    assert run.status == "succeeded" and run.started_by.username == "admin-ui"
    assert Item.objects.count() == 60
