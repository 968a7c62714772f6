"""Writes to Omnizon and staff actions: acknowledge, archive, send. Keyword-only, audited.

Acknowledge and send are never blindly repeated: an attempt whose outcome is unknown (timeout,
dropped connection, 5xx) is checked with Omnizon before anything is sent again.
"""

import hashlib
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core import registry
from apps.core.audit import audit_record
from apps.core.http import ProviderError
from apps.core.models import AuditEvent
from apps.omnizon import store, ubl
from apps.omnizon.client import vat_digits
from apps.omnizon.models import Document, DocumentEvent, Upload

CLAIM_STALE_AFTER = timedelta(minutes=10)  # an attempt older than this died with its process
AUTO_ACK_REASON = "Stored by Ledgerdesk"


class ActionRefused(Exception):
    """The action cannot run (state, permission of the moment, concurrent attempt)."""


def outcome_unknown(exc: ProviderError) -> bool:
    """True when the provider may have done the work although we saw an error."""
    return exc.status is None or exc.status >= 500 or exc.status in (408, 429)


def _client(connection, client):
    return client or registry.get(connection.provider).client_class(connection)


# --- acknowledge ---------------------------------------------------------------------------------

def document_acknowledge(*, document: Document, reason: str, user=None, client=None) -> str:
    """Acknowledge a stored received document once. Returns what staff should read."""
    if document.direction != Document.Direction.IN:
        raise ActionRefused("Only received documents can be acknowledged.")
    if document.acknowledged_at:
        return f"{document.number} was already acknowledged."
    if document.state != Document.State.STORED:
        raise ActionRefused("Only a stored document can be acknowledged: download it first "
                            "(the next sync retries).")
    now = timezone.now()
    seen = document.ack_attempted_at
    free = Q(ack_attempted_at__isnull=True) if seen is None else Q(ack_attempted_at=seen)
    if seen is not None and now - seen < CLAIM_STALE_AFTER:
        raise ActionRefused("An acknowledgement of this document is already in progress.")
    claimed = Document.objects.filter(free, pk=document.pk, acknowledged_at__isnull=True) \
        .update(ack_attempted_at=now)
    if not claimed:
        raise ActionRefused("An acknowledgement of this document is already in progress.")
    uncertain = document.ack_uncertain or seen is not None
    own_client = client is None
    client = _client(document.connection, client)
    try:
        if uncertain and client.internal_status(document_id=document.document_id).acknowledged:
            return _acknowledged(document, reason, user, "An earlier attempt had reached "
                                 "Omnizon; recorded without acknowledging again.")
        result = client.ack(document_id=document.document_id, reason=reason)
    except ProviderError as exc:
        unknown = outcome_unknown(exc)
        Document.objects.filter(pk=document.pk).update(ack_attempted_at=None,
                                                       ack_uncertain=unknown)
        document.ack_attempted_at, document.ack_uncertain = None, unknown
        _audit_ack(document, user, AuditEvent.Outcome.FAILED, str(exc), exc.correlation_id)
        raise
    finally:
        if own_client:
            client.close()
    return _acknowledged(document, reason, user, result.message or "Acknowledged.")


def _acknowledged(document, reason, user, message) -> str:
    now = timezone.now()
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(
            acknowledged_at=now, ack_reason=reason[:500], ack_attempted_at=None,
            ack_uncertain=False, state=Document.State.ACKNOWLEDGED,
            external_status="ACKNOWLEDGED")
        document.refresh_from_db()
        DocumentEvent.objects.create(document=document, kind="acknowledged", user=user,
                                     internal_status=document.internal_status,
                                     external_status=document.external_status,
                                     message=f"{message} Reason: {reason}" if reason else message)
        _audit_ack(document, user, AuditEvent.Outcome.OK, message)
    return f"{document.number} acknowledged."


def _audit_ack(document, user, outcome, message, correlation_id=""):
    audit_record(action="omnizon.document.acknowledge", user=user, connection=document.connection,
                 target=document, outcome=outcome, message=message, correlation_id=correlation_id,
                 details={"document_id": document.document_id, "reason": document.ack_reason})


# --- archive -------------------------------------------------------------------------------------

def document_archive(*, document: Document, user=None, client=None) -> str:
    if document.archived_at:
        return f"{document.number} is already in the archive."
    if not document.can_archive:
        raise ActionRefused("Only a stored document can be archived.")
    own_client = client is None
    client = _client(document.connection, client)
    try:
        client.archive(document_id=document.document_id, company=document.company_vat)
    except ProviderError as exc:
        audit_record(action="omnizon.document.archive", user=user, target=document,
                     connection=document.connection, outcome=AuditEvent.Outcome.FAILED,
                     message=str(exc), correlation_id=exc.correlation_id)
        raise
    finally:
        if own_client:
            client.close()
    with transaction.atomic():
        Document.objects.filter(pk=document.pk).update(archived_at=timezone.now())
        document.refresh_from_db()
        DocumentEvent.objects.create(document=document, kind="archived", user=user,
                                     internal_status=document.internal_status,
                                     external_status=document.external_status,
                                     message="Moved to the Omnizon archive.")
        audit_record(action="omnizon.document.archive", user=user, target=document,
                     connection=document.connection, message="archived")
    return f"{document.number} archived."


# --- send ----------------------------------------------------------------------------------------

class UploadRefused(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def upload_check(*, content: bytes, company_vat: str) -> ubl.Invoice:
    """Before anything is sent: well-formed, a UBL Invoice/CreditNote, required fields present,
    and issued by the company it is sent for."""
    try:
        invoice = ubl.parse(content)
    except ubl.UBLError as exc:
        raise UploadRefused([str(exc)]) from None
    problems = list(invoice.problems)
    if invoice.supplier.vat and vat_digits(invoice.supplier.vat) != vat_digits(company_vat):
        problems.append(f"The supplier's VAT number ({invoice.supplier.vat}) is not the "
                        f"company it is sent for (HR{vat_digits(company_vat)}).")
    if problems:
        raise UploadRefused(problems)
    return invoice


def document_send(*, connection, company_vat: str, file_name: str, content: bytes, user=None,
                  client=None) -> tuple[Upload, str]:
    """Send a checked UBL file once (double submit, retry and timeout never send twice).
    Returns the upload and a sentence for staff."""
    invoice = upload_check(content=content, company_vat=company_vat)
    company_vat = vat_digits(company_vat)
    now = timezone.now()
    upload, created = Upload.objects.get_or_create(
        connection=connection, company_vat=company_vat,
        sha256=hashlib.sha256(content).hexdigest(),
        defaults={"file_name": file_name[:200], "content": content, "number": invoice.number,
                  "created_by": user if getattr(user, "is_authenticated", False) else None,
                  "attempted_at": now})
    if not created:
        if upload.state == Upload.State.SENT:
            return upload, f"This file was already sent on {upload.created_at:%Y-%m-%d %H:%M}."
        if not _claim_upload(upload, now):
            raise ActionRefused("This file is being sent right now.")
    own_client = client is None
    client = _client(connection, client)
    try:
        if not created and upload.state in (Upload.State.UNKNOWN, Upload.State.SENDING):
            found = _find_sent(client, upload)
            if found:
                _mark_sent(upload, found, invoice, user, "Found at Omnizon by its number "
                                                         "(an earlier attempt had arrived).")
                return upload, f"{upload.number} had already reached Omnizon; now followed here."
        try:
            document_id = client.send(company=company_vat, content=content, file_name=file_name)
        except ProviderError as exc:
            unknown = outcome_unknown(exc)
            upload.state = Upload.State.UNKNOWN if unknown else Upload.State.REFUSED
            upload.error = str(exc) + (" Omnizon may have received it: sending again first "
                                       "looks it up by its number." if unknown else "")
            upload.save(update_fields=["state", "error"])
            audit_record(action="omnizon.document.send", user=user, connection=connection,
                         target=upload, outcome=AuditEvent.Outcome.FAILED, message=upload.error,
                         correlation_id=exc.correlation_id)
            return upload, upload.error
    finally:
        if own_client:
            client.close()
    _mark_sent(upload, document_id, invoice, user, "Sent to Omnizon.")
    return upload, f"{upload.number} sent to Omnizon; its status follows below."


def _claim_upload(upload, now) -> bool:
    if upload.state == Upload.State.SENDING and now - upload.attempted_at < CLAIM_STALE_AFTER:
        return False
    return bool(Upload.objects.filter(pk=upload.pk, state=upload.state,
                                      attempted_at=upload.attempted_at)
                .update(attempted_at=now, error=""))


def _find_sent(client, upload) -> str | None:
    known = set(Document.objects.filter(connection=upload.connection, upload__isnull=False)
                .values_list("document_id", flat=True))
    refs = client.by_number(company=upload.company_vat, number=upload.number).items
    return next((ref.document_id for ref in refs if ref.document_id not in known), None)


def _mark_sent(upload, document_id, invoice, user, message):
    with transaction.atomic():
        doc, _ = Document.objects.get_or_create(
            connection=upload.connection, document_id=document_id,
            defaults={"direction": Document.Direction.OUT, "company_vat": upload.company_vat,
                      "internal_status": "NEW", "content_hash": "", "raw": {},
                      "created_at": timezone.now(), "modified_at": timezone.now()})
        DocumentEvent.objects.create(document=doc, kind="sent", user=user, message=message,
                                     internal_status=doc.internal_status)
        event = store.store_files(doc, xml=bytes(upload.content), pdf=None)
        event.save()
        doc.status_stale = True
        doc.save()
        upload.document, upload.state, upload.error = doc, Upload.State.SENT, ""
        upload.save(update_fields=["document", "state", "error"])
        audit_record(action="omnizon.document.send", user=user, connection=upload.connection,
                     target=doc, message=f"{invoice.number}: {message}",
                     details={"upload": upload.pk, "document_id": document_id})


def document_refresh_status(*, document: Document, client=None) -> Document:
    """Re-read one document's status (the send page follows it until it settles)."""
    own_client = client is None
    client = _client(document.connection, client)
    try:
        status = client.status(document_id=document.document_id, company=document.company_vat)
    finally:
        if own_client:
            client.close()
    with transaction.atomic():
        event = store.apply_status(document, status)
        document.save()
        if event:
            event.save()
    return document


def is_settled(document: Document) -> bool:
    return document.internal_status == "FAILED" or document.external_status == "ACKNOWLEDGED"

