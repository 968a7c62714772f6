import re
import uuid

import pytest
from django.urls import reverse

from apps.core.http import ProviderError
from apps.core.models import AuditEvent
from apps.core.sync import sync_run_now
from apps.ovipro.forms import InvoiceBundle
from apps.ovipro.models import Invoice
from apps.sandbox import faults
from apps.sandbox.ovipro.models import EmuInvoice, EmuOffice
from tests.ovipro.conftest import SCALE, create_body, form_data, seeded_in

NEW = reverse("ovipro:invoice_new")


@pytest.fixture
def synced(connection):
    sync_run_now(connection=connection, stream="invoices")
    return connection


def local(invoice_id):
    return Invoice.objects.get(invoice_id=invoice_id)


def actions_shown(response) -> set:
    return set(re.findall(r'data-action="([A-Z_]+)"', response.content.decode()))


# --- the create form ----------------------------------------------------------------------------

def test_create_form_renders_with_one_cost_row(client_as, connection):
    page = client_as("operator").get(NEW)
    assert page.status_code == 200
    assert page.context["bundle"].costs.total_form_count() == 1
    assert b'name="key"' in page.content


def test_form_creates_the_invoice_with_exact_cents(client_as, connection, office_id, party_id):
    web = client_as("operator")
    reply = web.post(NEW, form_data(connection, office_id, party_id))
    assert reply.status_code == 302
    invoice = Invoice.objects.get()
    assert reply["Location"] == reverse("ovipro:invoice", args=[invoice.pk])
    assert [(c.amount, c.includes_vat) for c in invoice.costs.all()] == [(10000, True), (750, False)]
    # the seed's own example, typed as euros: 10941 / 8718
    assert (invoice.total_vat_included, invoice.total_vat_excluded) == (10941, 8718)
    assert invoice.late_payment_fee_percentage == pytest.approx(11.5)
    assert EmuInvoice.objects.count() == SCALE + 1


def test_double_submitted_form_creates_one_invoice(client_as, connection, office_id, party_id):
    web = client_as("operator")
    data = form_data(connection, office_id, party_id)
    first = web.post(NEW, data)
    second = web.post(NEW, data, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "already sent" in second.content.decode()
    assert EmuInvoice.objects.count() == SCALE + 1 and Invoice.objects.count() == 1


def test_dropped_create_then_form_retry_gives_one_invoice(client_as, connection, office_id,
                                                         party_id):
    web = client_as("operator")
    data = form_data(connection, office_id, party_id)
    faults.inject(provider="ovipro", kind="drop", path_contains="/invoices", method="POST")
    faults.inject(provider="ovipro", kind="status", status=503, path_contains="/invoices",
                  method="GET", times=5)
    lost = web.post(NEW, data)
    assert lost.status_code == 503 and "never created twice" in lost.content.decode()
    assert lost.context["bundle"].form["key"].value() == data["key"]  # the retry reuses the key
    assert EmuInvoice.objects.count() == SCALE + 1 and Invoice.objects.count() == 0
    retry = web.post(NEW, data)
    assert retry.status_code == 302
    assert EmuInvoice.objects.count() == SCALE + 1 and Invoice.objects.count() == 1


@pytest.mark.parametrize("overrides,field", [
    ({"assignment_id": ""}, "assignment_id"),
    ({"due_date": "2025-05-01"}, "due_date"),
    ({"agency_office_id": "not-an-id"}, "agency_office_id"),
    ({"e_invoicing_address": ""}, "e_invoicing_address"),
    ({"primary_party_id": ""}, "primary_party_id"),
    ({"other_party_ids": "abc"}, "other_party_ids"),
    ({"invoicing_reason": "CLEARING_SALE"}, "trade_settlement_id"),
    ({"discount_amount": "10", "discount_vat_percentage": ""}, "discount_vat_percentage"),
])
def test_invalid_invoice_fields(client_as, connection, office_id, party_id, overrides, field):
    reply = client_as("operator").post(NEW, form_data(connection, office_id, party_id, **overrides))
    assert reply.status_code == 400
    assert field in reply.context["bundle"].form.errors
    assert Invoice.objects.count() == 0


@pytest.mark.parametrize("row,field", [
    ({"amount": "12.345"}, "amount"), ({"amount": "-1"}, "amount"),
    ({"vat_percentage": "101"}, "vat_percentage"), ({"description": ""}, "description"),
])
def test_invalid_cost_rows(client_as, connection, office_id, party_id, row, field):
    costs = [{"description": "x", "cost_type": "COMMISSION", "amount": "1", "vat_percentage": "24",
              **row}]
    reply = client_as("operator").post(NEW, form_data(connection, office_id, party_id, costs=costs))
    assert reply.status_code == 400
    assert field in reply.context["bundle"].costs.forms[0].errors


def test_at_least_one_cost_is_needed(client_as, connection, office_id, party_id):
    reply = client_as("operator").post(NEW, form_data(connection, office_id, party_id, costs=[]))
    assert reply.status_code == 400 and reply.context["bundle"].costs.non_form_errors()


@pytest.mark.parametrize("account,field", [
    ({"iban": "FI21 1234 5600 0007 86"}, "iban"),  # check digits wrong
    ({"iban": "NOT AN IBAN"}, "iban"),
    ({"iban": "FI2112345600000785", "bic": "NDEA"}, "bic"),
])
def test_payment_accounts_are_validated(client_as, connection, office_id, party_id, account, field):
    reply = client_as("operator").post(NEW, form_data(connection, office_id, party_id,
                                                      accounts=[account]))
    assert reply.status_code == 400
    assert field in reply.context["bundle"].accounts.forms[0].errors


def test_provider_error_lands_on_the_field_it_names(client_as, connection, party_id):
    unknown_office = str(uuid.uuid4())  # well-formed: only Ovipro knows it is not an office
    reply = client_as("operator").post(NEW, form_data(connection, unknown_office, party_id))
    assert reply.status_code == 400
    assert reply.context["bundle"].form.errors["agency_office_id"] == ["Unknown agency office"]
    assert "Request-ID" in reply.content.decode()
    assert Invoice.objects.count() == 0


def test_provider_errors_on_cost_rows_and_accounts_land_on_those_rows(ovipro, connection,
                                                                     office_id, party_id):
    """A real error body from the emulator, mapped onto a bound form."""
    body = create_body(office_id, party_id)
    body["invoice"]["costs"].append({"amount": "7.5", "costTypeCode": "X", "vatPercentage": 25.5,
                                     "includesVat": True})
    body["invoice"]["paymentAccounts"][0]["bic"] = "B" * 12
    with pytest.raises(ProviderError) as refused:
        ovipro.create(body)
    costs = [{"description": "a", "cost_type": "COMMISSION", "amount": "1", "vat_percentage": "24"},
             {"description": "b", "cost_type": "MARKETING", "amount": "2", "vat_percentage": "24"}]
    bundle = InvoiceBundle(form_data(connection, office_id, party_id, costs=costs))
    assert bundle.is_valid()
    bundle.add_provider_errors({**refused.value.field_errors, "invoice.somethingNew": ["odd"]})
    assert bundle.costs.forms[1].errors["amount"] == [
        "invoice.costs[1].amount must be an integer in minor units"]
    assert bundle.accounts.forms[0].errors["bic"]
    assert "invoice.somethingNew: odd" in bundle.form.non_field_errors()


# --- totals preview (HTMX) --------------------------------------------------------------------

def _preview(web, data):
    reply = web.post(reverse("ovipro:invoice_totals"), data, HTTP_HX_REQUEST="true")
    gross, net = re.search(r'data-gross="(-?\d+)" data-net="(-?\d+)"', reply.content.decode()).groups()
    return int(gross), int(net)


def test_preview_shows_the_seed_example(client_as, connection, office_id, party_id):
    web = client_as("operator")
    assert _preview(web, form_data(connection, office_id, party_id)) == (10941, 8718)


def test_preview_equals_the_emulators_answer_with_a_discount(client_as, connection, office_id,
                                                            party_id):
    web = client_as("operator")
    costs = [{"description": "a", "cost_type": "COMMISSION", "amount": "3,00", "vat_percentage": "25.5"},
             {"description": "b", "cost_type": "MARKETING", "amount": "1234.57", "vat_percentage": "14",
              "includes_vat": "on"},
             {"description": "c", "cost_type": "MARKETING", "amount": "0.10", "vat_percentage": "25.5"}]
    data = form_data(connection, office_id, party_id, costs=costs, discount_amount="12.34",
                     discount_vat_percentage="25.5", discount_includes_vat="on",
                     discount_description="Alennus")
    shown = _preview(web, data)
    assert web.post(NEW, data).status_code == 302
    invoice = Invoice.objects.get()
    assert shown == (invoice.total_vat_included, invoice.total_vat_excluded)  # the emulator's answer


def test_preview_skips_incomplete_lines(client_as, connection, office_id, party_id):
    costs = [{"description": "a", "cost_type": "COMMISSION", "amount": "10", "vat_percentage": "24"},
             {"description": "b", "cost_type": "COMMISSION", "amount": "oops", "vat_percentage": "24"}]
    web = client_as("operator")
    assert _preview(web, form_data(connection, office_id, party_id, costs=costs)) == (1240, 1000)


# --- detail, buttons and permissions ---------------------------------------------------------------

EXPECTED_BUTTONS = {
    # (status, paid): {role: buttons}
    ("DRAFT", False): {"viewer": set(), "operator": {"LOCK", "EDIT", "DELETE"},
                       "approver": {"LOCK", "EDIT", "DELETE"}},
    ("READY_FOR_APPROVAL", False): {"viewer": set(), "operator": {"UNLOCK"},
                                    "approver": {"UNLOCK", "APPROVE", "REJECT"}},
    ("APPROVED", False): {"viewer": set(), "operator": set(),
                          "approver": {"MARK_AS_PAID", "CREDIT"}},
    ("APPROVED", True): {"viewer": set(), "operator": set(),
                         "approver": {"MARK_AS_UNPAID", "CREDIT"}},
    ("REJECTED", False): {"viewer": set(), "operator": {"UNLOCK"}, "approver": {"UNLOCK"}},
    ("CREDITED", False): {"viewer": set(), "operator": set(), "approver": set()},
}
ALWAYS = {"PREVIEW", "DRAFT_PDF"}


@pytest.mark.parametrize("state", EXPECTED_BUTTONS)
@pytest.mark.parametrize("role", ["viewer", "operator", "approver"])
def test_buttons_follow_status_and_role(client_as, synced, state, role):
    invoice = local(seeded_in(state[0], paid=state[1]))
    page = client_as(role).get(reverse("ovipro:invoice", args=[invoice.pk]))
    assert page.status_code == 200
    assert actions_shown(page) == EXPECTED_BUTTONS[state][role] | ALWAYS


def test_a_draft_credit_note_with_a_number_has_no_delete_button(client_as, synced):
    note = local(seeded_in("DRAFT", kind="CREDIT_NOTE"))
    page = client_as("approver").get(reverse("ovipro:invoice", args=[note.pk]))
    assert actions_shown(page) == {"LOCK", "EDIT"} | ALWAYS
    assert "Credits" in page.content.decode()


@pytest.mark.parametrize("role,action,allowed", [
    ("viewer", "LOCK", False), ("operator", "LOCK", True), ("operator", "APPROVE", False),
    ("approver", "APPROVE", True), ("operator", "MARK_AS_PAID", False),
])
def test_action_permissions(client_as, synced, role, action, allowed):
    status = {"LOCK": "DRAFT", "APPROVE": "READY_FOR_APPROVAL", "MARK_AS_PAID": "APPROVED"}[action]
    invoice = local(seeded_in(status))
    reply = client_as(role).post(reverse("ovipro:invoice_action", args=[invoice.pk, action]))
    assert reply.status_code == (302 if allowed else 403)
    invoice.refresh_from_db()
    assert (invoice.status != status or invoice.is_paid) == allowed


def test_action_over_htmx_answers_with_the_refreshed_fragment(client_as, synced):
    invoice = local(seeded_in("READY_FOR_APPROVAL"))
    reply = client_as("approver").post(reverse("ovipro:invoice_action", args=[invoice.pk, "APPROVE"]),
                                       HTTP_HX_REQUEST="true")
    body = reply.content.decode()
    assert reply.status_code == 200 and body.lstrip().startswith('<div id="invoice-main"')
    assert 'data-status="APPROVED"' in body and "now approved" in body
    event = AuditEvent.objects.get(action="ovipro.invoice.approve")
    assert event.user.username == "approver-user" and event.correlation_id in body


def test_action_in_the_wrong_state_shows_a_message(client_as, synced):
    invoice = local(seeded_in("APPROVED"))
    reply = client_as("approver").post(reverse("ovipro:invoice_action", args=[invoice.pk, "APPROVE"]),
                                       follow=True)
    assert "not possible" in reply.content.decode()


def test_get_is_not_an_action(client_as, synced):
    invoice = local(seeded_in("DRAFT"))
    assert client_as("administrator").get(
        reverse("ovipro:invoice_action", args=[invoice.pk, "LOCK"])).status_code == 405


@pytest.mark.parametrize("role,code", [("viewer", 403), ("operator", 200)])
def test_who_may_open_the_create_form(client_as, connection, role, code):
    assert client_as(role).get(NEW).status_code == code


def test_edit_a_draft_through_the_form(client_as, synced, office_id, party_id):
    invoice = local(seeded_in("DRAFT"))
    web = client_as("operator")
    page = web.get(reverse("ovipro:invoice_edit", args=[invoice.pk]))
    assert page.status_code == 200 and "connection" not in page.context["bundle"].form.fields
    data = form_data(synced, office_id, party_id, due_date="2025-06-30")
    reply = web.post(reverse("ovipro:invoice_edit", args=[invoice.pk]), data)
    assert reply.status_code == 302
    invoice.refresh_from_db()
    assert str(invoice.due_date) == "2025-06-30" and invoice.total_vat_included == 10941
    assert invoice.reason == EmuInvoice.objects.get(invoice_id=invoice.invoice_id).reason


def test_editing_outside_draft_is_refused(client_as, synced):
    invoice = local(seeded_in("APPROVED"))
    reply = client_as("operator").get(reverse("ovipro:invoice_edit", args=[invoice.pk]))
    assert reply.status_code == 302


def test_delete_a_draft(client_as, synced):
    invoice = local(seeded_in("DRAFT"))
    reply = client_as("operator").post(reverse("ovipro:invoice_delete", args=[invoice.pk]))
    assert reply.status_code == 302 and not Invoice.objects.filter(pk=invoice.pk).exists()
    assert not EmuInvoice.objects.filter(invoice_id=invoice.invoice_id).exists()


def test_credit_note_form(client_as, synced):
    invoice = local(seeded_in("APPROVED"))
    web = client_as("approver")
    url = reverse("ovipro:invoice_credit", args=[invoice.pk])
    form = web.get(url).context["form"]
    data = {**{k: form[k].value() for k in form.fields}, "credit_note_reason": "Väärä osapuoli"}
    data = {k: ("" if v is None else str(v)) for k, v in data.items()}
    bad = web.post(url, {**data, "credit_note_reason": ""})
    assert bad.status_code == 400 and "credit_note_reason" in bad.context["form"].errors
    reply = web.post(url, data)
    note = Invoice.objects.get(credited_invoice_id=invoice.invoice_id)
    assert reply["Location"] == reverse("ovipro:invoice", args=[note.pk])
    invoice.refresh_from_db()
    assert invoice.status == "CREDITED" and note.credit_note_reason == "Väärä osapuoli"
    assert client_as("operator", username="op2").get(url).status_code == 403


# --- documents -------------------------------------------------------------------------------------

def test_draft_pdf_and_provider_preview(client_as, synced):
    invoice = local(seeded_in("DRAFT"))
    web = client_as("viewer")
    pdf = web.get(reverse("ovipro:draft_pdf", args=[invoice.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    made = web.post(reverse("ovipro:provider_preview", args=[invoice.pk]))
    document_id = made["Location"].split("preview=")[1].split("#")[0]
    page = web.get(made["Location"])
    assert f"/documents/{document_id}.pdf" in page.content.decode()
    shown = web.get(reverse("ovipro:provider_document", args=[invoice.pk, document_id]))
    assert shown.content.startswith(b"%PDF")
    assert shown["X-Frame-Options"] == "SAMEORIGIN"  # the page shows it in an <iframe>
    assert web.get(reverse("ovipro:provider_document",
                           args=[invoice.pk, str(uuid.uuid4())])).status_code == 404


# --- offices ---------------------------------------------------------------------------------------

def test_office_page_settings_and_numbering_reset(client_as, synced, office_id):
    url = reverse("ovipro:office", args=[synced.pk, office_id])
    reset = reverse("ovipro:office_numbering_reset", args=[synced.pk, office_id])
    approver = client_as("approver")
    page = approver.get(url)
    assert page.status_code == 200 and b"data-next-sequence" in page.content
    assert b"reset-numbering" not in page.content
    assert approver.post(reset, {"confirm": "on"}).status_code == 403
    assert approver.post(url, {"subject_to_royalty": "on"}).status_code == 403
    admin = client_as("administrator", username="admin2")
    assert b"reset-numbering" in admin.get(url).content
    admin.post(reset, {})  # not confirmed: nothing happens
    assert EmuOffice.objects.get(office_id=office_id).next_sequence > 1
    admin.post(reset, {"confirm": "on"})
    assert EmuOffice.objects.get(office_id=office_id).next_sequence == 1
    admin.post(url, {"subject_to_royalty": "on"})
    assert EmuOffice.objects.get(office_id=office_id).settings["nonCommissionCosts"][
        "subjectToRoyalty"] is True
    assert AuditEvent.objects.filter(action__startswith="ovipro.office", outcome="ok").count() == 2


def test_offices_list_and_an_unknown_office(client_as, synced):
    web = client_as("viewer")
    assert web.get(reverse("ovipro:offices")).context["offices"]
    unknown = web.get(reverse("ovipro:office", args=[synced.pk, str(uuid.uuid4())]))
    assert unknown.status_code == 200 and "not found" in unknown.content.decode()


# --- the list --------------------------------------------------------------------------------------

LIST = reverse("ovipro:invoices")


def rows(reply):
    return {o.invoice_id for o in reply.context["page"].object_list}


@pytest.mark.parametrize("query,predicate", [
    ("status=DRAFT&status=REJECTED", lambda i: i.status in ("DRAFT", "REJECTED")),
    ("invoice_type=CREDIT_NOTE", lambda i: i.invoice_type == "CREDIT_NOTE"),
    ("reason=ASSIGNMENT", lambda i: i.reason == "ASSIGNMENT"),
    ("paid=true", lambda i: i.is_paid),
    ("issued_from=2025-01-07&issued_to=2025-01-08",
     lambda i: "2025-01-07" <= str(i.issue_date) <= "2025-01-08"),
    ("due_from=2025-01-22", lambda i: str(i.due_date) >= "2025-01-22"),
])
def test_list_filters(client_as, synced, query, predicate):
    expected = {i.invoice_id for i in Invoice.objects.all() if predicate(i)}
    assert expected
    assert rows(client_as("viewer").get(f"{LIST}?{query}")) == expected


def test_list_filters_by_office_agent_and_party(client_as, synced):
    sample = Invoice.objects.order_by("pk")[3]
    web = client_as("viewer")
    for query, field in [(f"office={sample.agency_office_id}", "agency_office_id"),
                         (f"agent={sample.responsible_agent_id}", "responsible_agent_id")]:
        assert rows(web.get(f"{LIST}?{query}")) == set(
            Invoice.objects.filter(**{field: getattr(sample, field)}).values_list("invoice_id", flat=True))
    assert sample.invoice_id in rows(web.get(f"{LIST}?party={sample.primary_party_id}"))
    assert sample.invoice_id in rows(web.get(f"{LIST}?party={sample.billing_recipient[:4]}"))


def test_list_sorts_and_exports_exactly_the_filtered_rows(client_as, synced):
    web = client_as("viewer")
    page = web.get(f"{LIST}?sort=-total_vat_included")
    totals = [o.total_vat_included for o in page.context["page"].object_list]
    assert totals == sorted(totals, reverse=True)
    csv = web.get(f"{LIST}?status=APPROVED&export=csv")
    text = b"".join(csv.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(text) == 1 + Invoice.objects.filter(status="APPROVED").count()


def test_list_is_a_fixed_number_of_queries(client_as, synced, django_assert_max_num_queries):
    web = client_as("viewer")
    web.get(LIST)
    with django_assert_max_num_queries(12):
        reply = web.get(f"{LIST}?status=APPROVED", HTTP_HX_REQUEST="true")
    assert reply.status_code == 200


def test_provider_text_is_escaped(client_as, synced, ovipro, office_id, party_id):
    body = create_body(office_id, party_id)
    body["invoice"]["billingAddress"]["recipient"] = '<script>alert("x")</script>Oy'
    body["invoice"]["costs"][0]["description"] = "<img src=x onerror=alert(1)>"
    invoice_id = ovipro.create(body)
    sync_run_now(connection=synced, stream="invoices")
    web = client_as("viewer")
    listing = web.get(LIST).content.decode()
    detail = web.get(reverse("ovipro:invoice", args=[local(invoice_id).pk])).content.decode()
    for html in (listing, detail):
        assert '<script>alert("x")' not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in detail
