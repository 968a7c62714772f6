"""A person's flow in Chromium: create with two costs, lock, approve, mark paid, credit."""

import re

import pytest

from apps.core.connections import connection_add
from apps.sandbox.accounts import account_create
from apps.sandbox.ovipro import seed as emu_seed
from tests.conftest import screenshot
from tests.ovipro.conftest import BASE_URL, PASSWORD, SEED, USERNAME

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def status_of(page):
    return page.locator("#invoice-main").get_attribute("data-status")


def click_action(page, code, expected_status):
    page.click(f'button[data-action="{code}"]')
    page.wait_for_selector(f'#invoice-main[data-status="{expected_status}"]')


def test_create_lock_approve_pay_credit(logged_in_page):
    account_create(provider="ovipro", key=USERNAME, seed=SEED, scale=7,
                   options={"password": PASSWORD})
    connection_add(provider="ovipro", name="ovi-browser", base_url=BASE_URL,
                   credentials={"username": USERNAME, "password": PASSWORD})
    page = logged_in_page
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/ovipro/invoices/new/")
    page.fill("#id_assignment_id", "9531985d-5d9d-49f8-9818-e811892f902b")
    page.fill("#id_agency_office_id", emu_seed.offices(SEED)[0]["office_id"])
    page.fill("#id_primary_party_id", emu_seed.parties(SEED)[0]["party_id"])
    page.fill("#id_billing_recipient", "Aino Laaksonen")
    page.fill("#id_e_invoicing_address", "003712345671")
    page.fill("#id_e_invoicing_operator_id", "NDEAFIHH")
    page.fill("#id_costs-0-description", "Välityspalkkio")
    page.fill("#id_costs-0-amount", "100,00")
    page.click("#add-cost")
    page.fill("#id_costs-1-description", "Ilmoitukset")
    page.select_option("#id_costs-1-cost_type", "MARKETING")
    page.fill("#id_costs-1-amount", "7.50")
    page.uncheck("#id_costs-1-includes_vat")
    page.fill("#id_accounts-0-iban", "FI21 1234 5600 0007 85")
    page.fill("#id_accounts-0-bic", "NDEAFIHH")
    page.locator("#id_accounts-0-bank_name").click()  # leave the amount field: preview updates
    page.wait_for_selector('#totals[data-gross="10941"][data-net="8718"]')
    assert page.locator("#totals [data-total-gross]").inner_text() == "109.41 EUR"
    screenshot(page, "ovipro-form")
    page.click("#save-invoice")
    page.wait_for_selector("#invoice-main")
    assert status_of(page) == "DRAFT"
    assert page.locator("[data-total-gross]").inner_text() == "109.41 EUR"
    assert page.locator("[data-total-net]").inner_text() == "87.18 EUR"
    assert page.locator("#cost-table tbody tr").count() == 2

    click_action(page, "LOCK", "READY_FOR_APPROVAL")
    click_action(page, "APPROVE", "APPROVED")
    heading = page.locator("h1").first.inner_text()
    assert re.search(r"Invoice \d{11}", heading), heading
    assert "Unpaid" in heading
    click_action(page, "MARK_AS_PAID", "APPROVED")
    page.wait_for_selector('#invoice-main[data-paid="true"]')
    assert "Paid" in page.locator("h1").first.inner_text()
    assert page.locator("[data-total-gross]").inner_text() == "109.41 EUR"
    screenshot(page, "ovipro-approved")

    page.click('a[data-action="CREDIT"]')
    page.fill("#id_credit_note_reason", "Laskutettu väärää osapuolta")
    page.click("#create-credit-note")
    page.wait_for_selector('#invoice-main[data-status="DRAFT"]')
    assert page.locator("h1").first.inner_text().startswith("Credit note")
    assert page.locator("[data-total-gross]").inner_text() == "109.41 EUR"
    page.click("text=Credits >> xpath=following-sibling::dd[1]/a")
    page.wait_for_selector('#invoice-main[data-status="CREDITED"]')
    assert page.locator("[data-credit-note]").count() == 1
    screenshot(page, "ovipro-credited")

    page.goto("/ovipro/invoices/?status=CREDITED")
    assert page.locator("table.data tbody tr").count() >= 1
    screenshot(page, "ovipro-list")
