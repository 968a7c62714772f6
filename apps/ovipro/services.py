"""Writes to Ovipro: each one audited (user, Request-ID, outcome), none inside a DB transaction.

Creates (invoices and credit notes) go through a PendingWrite row committed before the call:
the form's idempotency key finds it again on a double submit or a retry, and a retry first
looks the invoice up at the provider (the API has no idempotency key; README, Assumptions).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError
from django.db.models import F, Q
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.http import NotFoundError, ProviderError, TransientError
from apps.core.models import AuditEvent
from apps.ovipro.client import OviproClient
from apps.ovipro.lifecycle import ACTIONS
from apps.ovipro.models import Invoice, InvoiceDocument, PendingWrite
from apps.ovipro.sync import iso_utc, store_invoices

logger = logging.getLogger("ledgerdesk.ovipro")
OK, FAILED, REFUSED, PENDING = (AuditEvent.Outcome.OK, AuditEvent.Outcome.FAILED,
                                AuditEvent.Outcome.REFUSED, AuditEvent.Outcome.PENDING)
STALE_SENDING = timedelta(minutes=2)  # a "sending" row older than this lost its process
LINK_PARAMS = ("assignmentId", "tradeSettlementId", "rentalSettlementId", "realtyId")


class ActionRefused(Exception):
    """The action is not allowed in the invoice's current state (nothing was sent)."""


class AnswerLost(Exception):
    """The provider did not answer and we could not tell whether the write happened."""


@dataclass
class Created:
    invoice: Invoice | None
    replayed: bool = False  # True: this key had already created it; nothing was sent again


def client_for(connection) -> OviproClient:
    return OviproClient(connection)


def _audit(action, *, user, connection, outcome, request_id="", invoice=None, target=None,
           message="", details=None):
    audit_record(action=f"ovipro.{action}", user=user, connection=connection,
                 target=invoice or target, outcome=outcome, correlation_id=request_id,
                 message=message, details=details)


# --- reading back ------------------------------------------------------------------------------

def invoice_refresh(*, connection, invoice_id: str, client=None) -> Invoice | None:
    """Re-read one invoice (get + its search summary for isPaid and totals) and store it."""
    own = client is None
    client = client or client_for(connection)
    try:
        detail = client.get(invoice_id)
        summary = _find_summary(client, detail)
    except NotFoundError:
        Invoice.objects.filter(connection=connection, invoice_id=invoice_id).update(
            removed_at_provider=True)
        return None
    finally:
        if own:
            client.close()
    store_invoices(connection=connection, pairs=[(summary, detail)], synced_at=timezone.now())
    return Invoice.objects.get(connection=connection, invoice_id=invoice_id)


def _find_summary(client, detail):
    number = detail.invoice.invoice_number
    if number:
        params = {"invoiceNumber": number}
    else:
        params = {"agencyOfficeId": [detail.invoice.agency_office_id],
                  "modifiedAfter": iso_utc(detail.modification_time - timedelta(seconds=1)),
                  "sort": ["modificationTime|asc"]}
    for page in range(5):
        result = client.search(**params, startIndex=page * 100, size=100)
        for summary in result.invoices:
            if summary.invoice_id == detail.invoice_id:
                return summary
        if len(result.invoices) < 100:
            break
    logger.warning("ovipro: no search summary found for invoice %s", detail.invoice_id)
    return None


# --- exactly-once creates ---------------------------------------------------------------------

def _pending_claim(pending: PendingWrite, payload) -> bool:
    """Take the row for this attempt; False if another request is sending it right now."""
    now = timezone.now()
    claimable = Q(state__in=[PendingWrite.State.NEW, PendingWrite.State.UNKNOWN,
                             PendingWrite.State.FAILED]) | Q(
        state=PendingWrite.State.SENDING, updated_at__lt=now - STALE_SENDING)
    changes = {"state": PendingWrite.State.SENDING, "attempts": F("attempts") + 1,
               "updated_at": now}
    if pending.state in (PendingWrite.State.NEW, PendingWrite.State.FAILED):
        changes["payload"] = payload  # a refused submission may be corrected and sent again
    taken = PendingWrite.objects.filter(Q(pk=pending.pk) & claimable).update(**changes)
    pending.refresh_from_db()
    return bool(taken)


def _send_once(pending: PendingWrite, *, user, connection, send, look_up, action) -> Created:
    """Send a create at most once per pending row; after a lost answer, find what it made."""
    may_exist = pending.attempts > 1
    with client_for(connection) as client:
        found = look_up(client) if may_exist else None
        if found is None:
            try:
                found = send(client)
                request_id = client.last_request_id
            except TransientError as exc:
                request_id = exc.correlation_id
                found = _look_up_quietly(look_up, client)
                if found is None:
                    pending.state, pending.last_request_id = PendingWrite.State.UNKNOWN, request_id
                    pending.error = str(exc)
                    pending.save(update_fields=["state", "last_request_id", "error", "updated_at"])
                    _audit(action, user=user, connection=connection, target=pending,
                           outcome=PENDING, request_id=request_id,
                           message=f"No answer from Ovipro ({exc}); a retry looks it up first.")
                    raise AnswerLost(str(exc)) from None
            except ProviderError as exc:
                pending.state, pending.error = PendingWrite.State.FAILED, str(exc)
                pending.last_request_id = exc.correlation_id
                pending.save(update_fields=["state", "error", "last_request_id", "updated_at"])
                _audit(action, user=user, connection=connection, target=pending,
                       outcome=REFUSED if exc.status and exc.status < 500 else FAILED,
                       request_id=exc.correlation_id, message=str(exc),
                       details={"field_errors": exc.field_errors})
                raise
        else:
            request_id = client.last_request_id
        pending.provider_invoice_id, pending.state = found, PendingWrite.State.DONE
        pending.last_request_id = request_id
        pending.save(update_fields=["provider_invoice_id", "state", "last_request_id",
                                    "updated_at"])
        invoice = invoice_refresh(connection=connection, invoice_id=found, client=client)
    _audit(action, user=user, connection=connection, invoice=invoice, outcome=OK,
           request_id=request_id, message=f"Created {found}" + (
               " (found at Ovipro after a lost answer)" if may_exist else ""),
           details={"idempotency_key": str(pending.key), "attempts": pending.attempts})
    return Created(invoice=invoice)


def _look_up_quietly(look_up, client):
    try:
        return look_up(client)
    except ProviderError as exc:
        logger.warning("ovipro: look-up after a lost answer failed: %s", exc)
        return None


def _replay(pending: PendingWrite, connection) -> Created | None:
    """The key was already used: give back what it produced, or None to carry on."""
    if pending.state == PendingWrite.State.DONE:
        invoice = Invoice.objects.filter(connection=connection,
                                         invoice_id=pending.provider_invoice_id).first()
        return Created(invoice=invoice or invoice_refresh(
            connection=connection, invoice_id=pending.provider_invoice_id), replayed=True)
    return None


def invoice_create(*, connection, user, payload: dict, key) -> Created:
    """Create an invoice once per idempotency key (the form's hidden `key`)."""
    pending, _ = PendingWrite.objects.get_or_create(
        key=key, defaults={"connection": connection, "payload": payload, "user": user,
                           "marker": iso_utc(timezone.now())})
    if pending.connection_id != connection.pk:
        raise ValueError("This form key belongs to another connection.")
    if (done := _replay(pending, connection)) is not None:
        return done
    if not _pending_claim(pending, payload):
        raise AnswerLost("This invoice is being created right now; refresh in a moment.")
    body = _with_marker(pending.payload, pending.marker)

    def look_up(client):
        return _find_created(client, body, pending)

    return _send_once(pending, user=user, connection=connection, action="invoice.create",
                      send=lambda client: client.create(body), look_up=look_up)


def _with_marker(payload: dict, marker: str) -> dict:
    """sourceSystemCreationTime = our pending row's creation: the look-up key at Ovipro."""
    return {**payload, "invoice": {**payload["invoice"], "sourceSystemCreationTime": marker}}


def _find_created(client, body, pending) -> str | None:
    content = body["invoice"]
    params = {"agencyOfficeId": [content["agencyOfficeId"]],
              "invoicingReasonCode": [body["invoicingReasonCode"]],
              "invoiceTypeCode": ["INVOICE"],
              "modifiedAfter": iso_utc(pending.created_at - timedelta(minutes=1)),
              "sort": ["modificationTime|asc"], "size": 100}
    params.update({k: body[k] for k in LINK_PARAMS if body.get(k)})
    marker = _parse_marker(pending.marker)
    result = client.search(**params)
    for summary in result.invoices:
        if summary.source_system_creation_time == marker:
            return summary.invoice_id
    return None


def _parse_marker(marker):
    return datetime.fromisoformat(marker.replace("Z", "+00:00"))


def invoice_credit(*, connection, user, invoice: Invoice, body: dict, key) -> Created:
    """Create the credit note of an approved invoice, once (per key, and per invoice)."""
    try:
        pending, _ = PendingWrite.objects.get_or_create(
            key=key, defaults={"connection": connection, "payload": body, "user": user,
                               "kind": PendingWrite.Kind.CREDIT_NOTE,
                               "target_invoice_id": invoice.invoice_id,
                               "marker": iso_utc(timezone.now())})
    except IntegrityError:  # another submission already credits this invoice
        pending = PendingWrite.objects.get(connection=connection, target_invoice_id=invoice.invoice_id,
                                           kind=PendingWrite.Kind.CREDIT_NOTE,
                                           state__in=[s for s in PendingWrite.State.values
                                                      if s != PendingWrite.State.FAILED])
    if (done := _replay(pending, connection)) is not None:
        return done
    if not _pending_claim(pending, body):
        raise AnswerLost("A credit note for this invoice is being created right now.")

    def look_up(client):
        return _find_credit_note(client, invoice, pending)

    created = _send_once(pending, user=user, connection=connection, action="invoice.credit",
                         send=lambda client: client.credit_note(invoice.invoice_id, pending.payload),
                         look_up=look_up)
    invoice_refresh(connection=connection, invoice_id=invoice.invoice_id)
    return created


def _find_credit_note(client, invoice, pending) -> str | None:
    if client.get(invoice.invoice_id).status_code != "CREDITED":
        return None
    result = client.search(invoiceTypeCode=["CREDIT_NOTE"], agencyOfficeId=[invoice.agency_office_id],
                           modifiedAfter=iso_utc(pending.created_at - timedelta(minutes=1)), size=100)
    for summary in result.invoices:
        note = client.get(summary.invoice_id)
        if note.credit_note and note.credit_note.credited_invoice_id == invoice.invoice_id:
            return note.invoice_id
    return None


# --- drafts and actions ---------------------------------------------------------------------------

def invoice_update(*, connection, user, invoice: Invoice, payload: dict) -> Invoice:
    """Replace a draft's content (PUT: a full replacement, so a retry is harmless)."""
    body = {"invoiceTypeCode": invoice.invoice_type, "invoice": payload["invoice"]}
    with client_for(connection) as client:
        try:
            client.update(invoice.invoice_id, body)
        except ProviderError as exc:
            _audit("invoice.update", user=user, connection=connection, invoice=invoice,
                   outcome=REFUSED if exc.status and exc.status < 500 else FAILED,
                   request_id=exc.correlation_id, message=str(exc),
                   details={"field_errors": exc.field_errors})
            raise
        request_id = client.last_request_id
        refreshed = invoice_refresh(connection=connection, invoice_id=invoice.invoice_id,
                                    client=client)
    _audit("invoice.update", user=user, connection=connection, invoice=invoice, outcome=OK,
           request_id=request_id, message="Draft updated")
    return refreshed


def invoice_delete(*, connection, user, invoice: Invoice) -> None:
    if not invoice.deletable:
        raise ActionRefused("Only a draft without an invoice or reference number can be deleted.")
    with client_for(connection) as client:
        try:
            client.delete(invoice.invoice_id)
            message = "Draft deleted"
        except NotFoundError:  # a retried DELETE whose first attempt succeeded
            message = "Draft was already gone at Ovipro"
        except ProviderError as exc:
            _audit("invoice.delete", user=user, connection=connection, invoice=invoice,
                   outcome=REFUSED, request_id=exc.correlation_id, message=str(exc))
            raise
        request_id = client.last_request_id
    _audit("invoice.delete", user=user, connection=connection, invoice=invoice, outcome=OK,
           request_id=request_id, message=f"{message}: {invoice.invoice_id}")
    invoice.delete()


def invoice_act(*, connection, user, invoice: Invoice, action: str) -> Invoice:
    """Run a lifecycle action, then re-read the invoice (the answer carries no state)."""
    rule = ACTIONS[action]
    if not rule.allowed(invoice):
        raise ActionRefused(f"{rule.label} is not possible for an invoice that is "
                            f"{invoice.get_status_display().lower()}"
                            f"{' and paid' if invoice.is_paid else ''}.")
    audit_action = f"invoice.{action.lower()}"
    with client_for(connection) as client:
        try:
            client.action(invoice.invoice_id, action)
            request_id = client.last_request_id
        except TransientError as exc:
            refreshed = invoice_refresh(connection=connection, invoice_id=invoice.invoice_id,
                                        client=client)
            if refreshed is None or not rule.done(refreshed):
                _audit(audit_action, user=user, connection=connection, invoice=invoice,
                       outcome=FAILED, request_id=exc.correlation_id, message=str(exc))
                raise
            _audit(audit_action, user=user, connection=connection, invoice=invoice, outcome=OK,
                   request_id=exc.correlation_id, message="Done (confirmed by re-reading after "
                                                          "a lost answer)")
            return refreshed
        except ProviderError as exc:
            invoice_refresh(connection=connection, invoice_id=invoice.invoice_id, client=client)
            _audit(audit_action, user=user, connection=connection, invoice=invoice,
                   outcome=REFUSED, request_id=exc.correlation_id, message=str(exc))
            raise
        refreshed = invoice_refresh(connection=connection, invoice_id=invoice.invoice_id,
                                    client=client)
    _audit(audit_action, user=user, connection=connection, invoice=invoice, outcome=OK,
           request_id=request_id, message=f"{rule.label}: now {refreshed.get_status_display()}"
                                          f"{', paid' if refreshed.is_paid else ''}")
    return refreshed


# --- documents ------------------------------------------------------------------------------------

def invoice_preview(*, connection, user, invoice: Invoice) -> str:
    """Ask Ovipro for its preview PDF (it reuses the last one while the invoice is unchanged)."""
    with client_for(connection) as client:
        try:
            document_id = client.preview(invoice.invoice_id)
        except ProviderError as exc:
            _audit("invoice.preview", user=user, connection=connection, invoice=invoice,
                   outcome=FAILED, request_id=exc.correlation_id, message=str(exc))
            raise
        request_id = client.last_request_id
    reused = document_id == invoice.preview_document_id
    Invoice.objects.filter(pk=invoice.pk).update(preview_document_id=document_id)
    InvoiceDocument.objects.get_or_create(invoice=invoice, document_id=document_id,
                                          defaults={"kind": InvoiceDocument.Kind.PREVIEW})
    _audit("invoice.preview", user=user, connection=connection, invoice=invoice, outcome=OK,
           request_id=request_id, message=f"Preview {document_id}" + (" (reused)" if reused else ""))
    return document_id


def document_fetch(*, connection, document_id: str) -> bytes:
    with client_for(connection) as client:
        return client.document(document_id)


# --- offices --------------------------------------------------------------------------------------

def office_settings_get(*, connection, office_id: str):
    with client_for(connection) as client:
        return client.office_settings(office_id)


def office_numbering_get(*, connection, office_id: str):
    with client_for(connection) as client:
        return client.numbering(office_id)


def office_settings_save(*, connection, user, office_id: str, settings: dict) -> None:
    _office_write("office.settings", connection=connection, user=user, office_id=office_id,
                  call=lambda c: c.office_settings_save(office_id, settings),
                  message=f"Settings of office {office_id}: {settings}")


def office_numbering_reset(*, connection, user, office_id: str) -> None:
    _office_write("office.numbering_reset", connection=connection, user=user, office_id=office_id,
                  call=lambda c: c.numbering_reset(office_id),
                  message=f"Invoice numbering of office {office_id} reset")


def _office_write(action, *, connection, user, office_id, call, message):
    with client_for(connection) as client:
        try:
            call(client)
        except ProviderError as exc:
            audit_record(action=f"ovipro.{action}", user=user, connection=connection,
                         target_type="ovipro.office", target_id=office_id, outcome=FAILED,
                         correlation_id=exc.correlation_id, message=str(exc))
            raise
        audit_record(action=f"ovipro.{action}", user=user, connection=connection,
                     target_type="ovipro.office", target_id=office_id, outcome=OK,
                     correlation_id=client.last_request_id, message=message)
