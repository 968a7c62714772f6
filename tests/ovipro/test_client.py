from decimal import Decimal

import pytest
from django.core import signing

from apps.core.http import ConfigurationError, NotFoundError, ProviderError, TransientError
from apps.ovipro.client import PATHS, OviproClient
from apps.sandbox import faults
from apps.sandbox.ovipro.rules import STRICT_UUID
from tests.ovipro.conftest import SCALE, USERNAME, create_body, seeded_in


def test_search_pages_and_parses_decimals_exactly(ovipro):
    result = ovipro.search(size=5, sort=["issueDate|asc"])
    assert result.total_count == SCALE and len(result.invoices) == 5
    vat = {c.vat_percentage for i in ovipro.search(size=100).invoices for c in i.costs}
    assert Decimal("25.5") in vat and all(isinstance(v, Decimal) for v in vat)


def test_list_parameters_are_sent_as_repeated_keys(ovipro):
    both = ovipro.search(statusCode=["DRAFT", "REJECTED"], size=100)
    assert {i.status_code for i in both.invoices} == {"DRAFT", "REJECTED"}


def test_each_request_has_its_own_lower_case_request_id(ovipro, monkeypatch):
    seen = []
    original = ovipro.http.request

    def spy(method, url, **kwargs):
        seen.append(kwargs["headers"]["Request-ID"])
        return original(method, url, **kwargs)

    monkeypatch.setattr(ovipro.http, "request", spy)
    ovipro.search(size=1)
    ovipro.search(size=1)
    assert len(set(seen)) == len(seen) == 3  # token, search, search
    assert all(STRICT_UUID.match(rid) for rid in seen)
    assert ovipro.last_request_id == seen[-1]


def test_create_get_update_delete(ovipro, office_id, party_id):
    invoice_id = ovipro.create(create_body(office_id, party_id))
    detail = ovipro.get(invoice_id)
    assert detail.status_code == "DRAFT" and detail.invoice.costs[0].vat_percentage == Decimal("25.5")
    body = create_body(office_id, party_id)["invoice"]
    body["dueDate"] = "2025-07-01"
    ovipro.update(invoice_id, {"invoiceTypeCode": "INVOICE", "invoice": body})
    assert str(ovipro.get(invoice_id).invoice.due_date) == "2025-07-01"
    ovipro.delete(invoice_id)
    with pytest.raises(NotFoundError):
        ovipro.get(invoice_id)


def test_provider_errors_carry_code_fields_and_request_id(ovipro, office_id, party_id):
    body = create_body(office_id, party_id)
    body["invoice"]["dueDate"] = "2025-13-01"
    with pytest.raises(ProviderError) as refused:
        ovipro.create(body)
    error = refused.value
    assert error.status == 400 and error.code == "BAD_REQUEST_BODY"
    assert error.field_errors == {"invoice.dueDate": ["invoice.dueDate must be a date in format YYYY-MM-DD"]}
    assert STRICT_UUID.match(error.correlation_id)


def test_invalid_status_is_a_provider_error(ovipro):
    with pytest.raises(ProviderError) as refused:
        ovipro.action(seeded_in("APPROVED"), "LOCK")
    assert refused.value.code == "INVALID_STATUS"


def test_an_expired_token_is_renewed_once(ovipro, monkeypatch):
    ovipro.search(size=1)
    expired = signing.TimestampSigner(salt="sandbox.ovipro.token").sign(USERNAME)
    monkeypatch.setattr("apps.sandbox.ovipro.views.TOKEN_SECONDS", -1)
    ovipro._token = expired
    with pytest.raises(ConfigurationError):  # every token is expired now: renewal cannot help
        ovipro.search(size=1)
    monkeypatch.undo()
    ovipro._token = expired + "x"
    assert ovipro.search(size=1).total_count == SCALE  # 401 -> new token -> success


def test_wrong_password_is_a_configuration_error(connection):
    connection.credentials = {"username": USERNAME, "password": "wrong"}
    with OviproClient(connection) as client, pytest.raises(ConfigurationError):
        client.search(size=1)


def test_429_is_retried_after_retry_after(ovipro):
    faults.inject(provider="ovipro", kind="status", status=429, retry_after="0",
                  path_contains="/invoices", method="GET", times=2)
    assert ovipro.search(size=1).total_count == SCALE


def test_a_create_is_never_resent_after_a_lost_answer(ovipro, office_id, party_id):
    from apps.sandbox.ovipro.models import EmuInvoice

    faults.inject(provider="ovipro", kind="drop", path_contains="/invoices", method="POST")
    with pytest.raises(TransientError):
        ovipro.create(create_body(office_id, party_id))
    assert EmuInvoice.objects.count() == SCALE + 1  # created once, not retried


def test_malformed_answer_is_a_response_error(ovipro):
    faults.inject(provider="ovipro", kind="malformed", path_contains="/invoices", method="GET")
    with pytest.raises(ProviderError) as failed:
        ovipro.search(size=1)
    assert failed.value.kind == "bad_response"


def test_preview_document_and_office_calls(ovipro, office_id):
    invoice_id = seeded_in("DRAFT")
    document_id = ovipro.preview(invoice_id)
    assert ovipro.preview(invoice_id) == document_id
    assert ovipro.document(document_id).startswith(b"%PDF")
    assert ovipro.numbering(office_id).office_identifier == "001"
    ovipro.office_settings_save(office_id, {"nonCommissionCosts": {"subjectToRoyalty": True}})
    assert ovipro.office_settings(office_id).invoice_settings.non_commission_costs.subject_to_royalty
    ovipro.numbering_reset(office_id)
    assert ovipro.numbering(office_id).next_sequence_number_to_be_issued == 1


def test_every_path_is_in_one_table():
    assert PATHS["credit_note"] == ("POST", "/invoice/v1/invoices/{invoice_id}/creditNotes")
    assert all(method in {"GET", "POST", "PUT", "DELETE"} for method, _ in PATHS.values())
