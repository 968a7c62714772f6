"""The posting voucher as a PDF, from our own template and data (WeasyPrint)."""

from django.template.loader import render_to_string
from django.utils import timezone


def voucher_pdf(*, posting, lines, related, base_url: str) -> bytes:
    import weasyprint  # imported here: Pango loads only when a PDF is asked for

    html = render_to_string("omnium/voucher.html", {
        "posting": posting, "lines": lines, "related": related, "printed_at": timezone.now(),
    })
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()
