"""Exactly once: double submits, retries and lost answers never make two invoices."""

import uuid

import pytest

from apps.core.http import ProviderError, TransientError
from apps.core.models import AuditEvent
from apps.core.sync import sync_run_now
from apps.ovipro import services
from apps.ovipro.models import Invoice, PendingWrite
from apps.sandbox import faults
from apps.sandbox.ovipro.models import EmuInvoice
from apps.sandbox.ovipro.rules import STRICT_UUID
from tests.ovipro.conftest import SCALE, create_body, seeded_in
from tests.ovipro.test_emulator import CREDIT


def created_at_emulator():
    return EmuInvoice.objects.count() - SCALE


def drop_next(path="/invoices", method="POST", **kwargs):
    faults.inject(provider="ovipro", kind="drop", path_contains=path, method=method, **kwargs)


@pytest.fixture
def user(make_user):
    return make_user("approver")


def test_create_audits_with_request_id(connection, user, office_id, party_id):
    created = services.invoice_create(connection=connection, user=user, key=uuid.uuid4(),
                                      payload=create_body(office_id, party_id))
    assert created.invoice.status == "DRAFT" and created.invoice.total_vat_included == 10000
    event = AuditEvent.objects.get(action="ovipro.invoice.create")
    assert event.user == user and event.outcome == "ok" and STRICT_UUID.match(event.correlation_id)
    assert event.target_id == str(created.invoice.pk)


def test_connection_dropped_after_create_gives_one_invoice_after_retry(connection, user, office_id,
                                                                      party_id):
    """The emulator creates the invoice, then the answer is lost; the look-up that follows
    fails too. The retry (same key) finds it instead of creating a second one."""
    key = uuid.uuid4()
    drop_next()
    faults.inject(provider="ovipro", kind="status", status=503, path_contains="/invoices",
                  method="GET", times=5)  # the immediate look-up cannot reach Ovipro either
    with pytest.raises(services.AnswerLost):
        services.invoice_create(connection=connection, user=user, key=key,
                                payload=create_body(office_id, party_id))
    assert created_at_emulator() == 1 and Invoice.objects.count() == 0
    assert PendingWrite.objects.get(key=key).state == "unknown"
    assert AuditEvent.objects.get(action="ovipro.invoice.create").outcome == "pending"

    retried = services.invoice_create(connection=connection, user=user, key=key,
                                      payload=create_body(office_id, party_id))
    assert created_at_emulator() == 1 and Invoice.objects.count() == 1
    assert retried.invoice.invoice_id == PendingWrite.objects.get(key=key).provider_invoice_id
    assert list(AuditEvent.objects.filter(action="ovipro.invoice.create")
                .order_by("at").values_list("outcome", flat=True)) == ["pending", "ok"]


def test_drop_then_immediate_look_up_needs_no_retry(connection, user, office_id, party_id):
    drop_next()
    created = services.invoice_create(connection=connection, user=user, key=uuid.uuid4(),
                                      payload=create_body(office_id, party_id))
    assert created.invoice is not None
    assert created_at_emulator() == 1 and Invoice.objects.count() == 1


def test_same_key_twice_sends_once(connection, user, office_id, party_id):
    key = uuid.uuid4()
    first = services.invoice_create(connection=connection, user=user, key=key,
                                    payload=create_body(office_id, party_id))
    second = services.invoice_create(connection=connection, user=user, key=key,
                                     payload=create_body(office_id, party_id))
    assert second.replayed and second.invoice.pk == first.invoice.pk
    assert created_at_emulator() == 1 and Invoice.objects.count() == 1


def test_a_key_being_sent_is_not_sent_again(emu, connection, user, office_id, party_id):
    key = uuid.uuid4()
    PendingWrite.objects.create(connection=connection, key=key, payload={}, marker="x",
                                state=PendingWrite.State.SENDING)
    with pytest.raises(services.AnswerLost):
        services.invoice_create(connection=connection, user=user, key=key,
                                payload=create_body(office_id, party_id))
    assert created_at_emulator() == 0


def test_a_refused_create_can_be_corrected_with_the_same_key(connection, user, office_id, party_id):
    key = uuid.uuid4()
    bad = create_body(office_id, party_id)
    bad["invoice"]["agencyOfficeId"] = str(uuid.uuid4())
    with pytest.raises(ProviderError) as refused:
        services.invoice_create(connection=connection, user=user, key=key, payload=bad)
    assert "invoice.agencyOfficeId" in refused.value.field_errors
    assert AuditEvent.objects.get(action="ovipro.invoice.create").outcome == "refused"
    fixed = services.invoice_create(connection=connection, user=user, key=key,
                                    payload=create_body(office_id, party_id))
    assert fixed.invoice.agency_office_id == office_id and created_at_emulator() == 1


def test_credit_note_once_even_after_a_drop(connection, user):
    sync_run_now(connection=connection, stream="invoices")
    original = Invoice.objects.get(invoice_id=seeded_in("APPROVED"))
    drop_next(path="/creditNotes")
    key = uuid.uuid4()
    created = services.invoice_credit(connection=connection, user=user, invoice=original,
                                      body=CREDIT, key=key)
    assert created.invoice.invoice_type == "CREDIT_NOTE"
    assert created.invoice.credited_invoice_id == original.invoice_id
    original.refresh_from_db()
    assert original.status == "CREDITED"
    again = services.invoice_credit(connection=connection, user=user, invoice=original,
                                    body=CREDIT, key=uuid.uuid4())  # another form, same invoice
    assert again.replayed and again.invoice.pk == created.invoice.pk
    assert EmuInvoice.objects.filter(credit_note__creditedInvoiceId=original.invoice_id).count() == 1


def test_action_with_a_lost_answer_is_confirmed_by_re_reading(connection, user):
    sync_run_now(connection=connection, stream="invoices")
    invoice = Invoice.objects.get(invoice_id=seeded_in("DRAFT"))
    drop_next(path="/actions")
    locked = services.invoice_act(connection=connection, user=user, invoice=invoice, action="LOCK")
    assert locked.status == "READY_FOR_APPROVAL"
    event = AuditEvent.objects.get(action="ovipro.invoice.lock")
    assert event.outcome == "ok" and "lost answer" in event.message


def test_action_refused_locally_sends_nothing(connection, user):
    sync_run_now(connection=connection, stream="invoices")
    invoice = Invoice.objects.get(invoice_id=seeded_in("APPROVED"))
    with pytest.raises(services.ActionRefused):
        services.invoice_act(connection=connection, user=user, invoice=invoice, action="LOCK")


def test_action_refused_by_ovipro_is_audited_and_state_re_read(connection, user, ovipro):
    sync_run_now(connection=connection, stream="invoices")
    invoice = Invoice.objects.get(invoice_id=seeded_in("DRAFT"))
    ovipro.action(invoice.invoice_id, "LOCK")  # someone else locked it meanwhile
    with pytest.raises(ProviderError):
        services.invoice_act(connection=connection, user=user, invoice=invoice, action="LOCK")
    invoice.refresh_from_db()
    assert invoice.status == "READY_FOR_APPROVAL"
    assert AuditEvent.objects.get(action="ovipro.invoice.lock").outcome == "refused"


def test_lifecycle_through_services(connection, user, office_id, party_id):
    invoice = services.invoice_create(connection=connection, user=user, key=uuid.uuid4(),
                                      payload=create_body(office_id, party_id)).invoice
    for action, status, paid in [("LOCK", "READY_FOR_APPROVAL", False),
                                 ("APPROVE", "APPROVED", False), ("MARK_AS_PAID", "APPROVED", True),
                                 ("MARK_AS_UNPAID", "APPROVED", False)]:
        invoice = services.invoice_act(connection=connection, user=user, invoice=invoice,
                                       action=action)
        assert (invoice.status, invoice.is_paid) == (status, paid)
    assert invoice.invoice_number and invoice.reference_number and invoice.invoice_document_id
    assert [c.to_status for c in invoice.status_changes.all()] == [
        "DRAFT", "READY_FOR_APPROVAL", "APPROVED", "APPROVED", "APPROVED"]


def test_update_and_delete_of_a_draft(connection, user, office_id, party_id):
    invoice = services.invoice_create(connection=connection, user=user, key=uuid.uuid4(),
                                      payload=create_body(office_id, party_id)).invoice
    body = create_body(office_id, party_id)
    body["invoice"]["costs"][0]["amount"] = 20000
    updated = services.invoice_update(connection=connection, user=user, invoice=invoice, payload=body)
    assert updated.total_vat_included == 20000
    services.invoice_delete(connection=connection, user=user, invoice=updated)
    assert not Invoice.objects.filter(pk=invoice.pk).exists() and created_at_emulator() == 0
    assert AuditEvent.objects.filter(action="ovipro.invoice.delete", outcome="ok").count() == 1


def test_delete_retried_after_a_lost_answer_is_fine(connection, user, office_id, party_id):
    invoice = services.invoice_create(connection=connection, user=user, key=uuid.uuid4(),
                                      payload=create_body(office_id, party_id)).invoice
    drop_next(method="DELETE")
    services.invoice_delete(connection=connection, user=user, invoice=invoice)
    assert created_at_emulator() == 0


def test_preview_is_audited_and_reused(connection, user):
    sync_run_now(connection=connection, stream="invoices")
    invoice = Invoice.objects.get(invoice_id=seeded_in("DRAFT"))
    first = services.invoice_preview(connection=connection, user=user, invoice=invoice)
    invoice.refresh_from_db()
    assert services.invoice_preview(connection=connection, user=user, invoice=invoice) == first
    messages = list(AuditEvent.objects.filter(action="ovipro.invoice.preview")
                    .order_by("at").values_list("message", flat=True))
    assert messages[1].endswith("(reused)")


def test_transient_error_other_than_create(connection, user):
    sync_run_now(connection=connection, stream="invoices")
    invoice = Invoice.objects.get(invoice_id=seeded_in("DRAFT"))
    faults.inject(provider="ovipro", kind="status", status=503, times=-1)
    with pytest.raises(TransientError):
        services.invoice_act(connection=connection, user=user, invoice=invoice, action="LOCK")
