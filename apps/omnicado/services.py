"""Omnicado actions: fetch a provider PDF once and keep it; render our own printable PDF."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from apps.core import registry
from apps.core.audit import audit_record
from apps.core.http import ProviderError
from apps.core.models import AuditEvent
from apps.omnicado.models import Invoice, Offset, ProviderPdf


def provider_pdf_get(*, document: Invoice | Offset, user=None) -> ProviderPdf:
    """The provider's PDF of `document`: fetched on first use (and again only after the
    document changed), then served from our database. Raises ProviderError."""
    kind, key, filename = _pdf_identity(document)
    stored = ProviderPdf.objects.filter(connection_id=document.connection_id, kind=kind,
                                        document_key=key).first()
    if stored and stored.document_hash == document.content_hash:
        return stored
    connection = document.connection
    try:
        with registry.get("omnicado").client_class(connection) as client:
            content = (client.invoice_pdf(document.invoice_number) if kind == ProviderPdf.Kind.INVOICE
                       else client.offset_pdf(document.document_number))
    except ProviderError as exc:
        audit_record(action="omnicado.pdf.fetch", user=user, connection=connection,
                     target=document, outcome=AuditEvent.Outcome.FAILED,
                     correlation_id=exc.correlation_id, message=str(exc))
        raise
    pdf, _ = ProviderPdf.objects.update_or_create(
        connection_id=document.connection_id, kind=kind, document_key=key,
        defaults={"filename": filename, "content": content, "fetched_at": timezone.now(),
                  "document_hash": document.content_hash},
    )
    audit_record(action="omnicado.pdf.fetch", user=user, connection=connection, target=document,
                 message=f"{filename}: {len(content)} bytes kept")
    return pdf


def _pdf_identity(document) -> tuple[str, str, str]:
    if isinstance(document, Invoice):
        number = str(document.invoice_number)
        return ProviderPdf.Kind.INVOICE, number, f"omnicado-invoice-{number}.pdf"
    filename = document.attachment_filename or f"MP_offset_{document.document_number}.pdf"
    return ProviderPdf.Kind.OFFSET, document.document_number, filename


def invoice_print_render(*, invoice: Invoice, checks: list) -> bytes:
    """Our own printable invoice, rendered by WeasyPrint from the synced data."""
    import weasyprint

    html = render_to_string("omnicado/invoice_print.html", {
        "invoice": invoice, "items": invoice.items.all(), "taxes": invoice.taxes.all(),
        "checks": checks, "printed_at": timezone.localtime(),
    })
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
