"""Our own draft preview PDF (WeasyPrint), and the per-line amounts the pages show."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

from apps.core.money import from_minor
from apps.ovipro.totals import Line


@dataclass
class ShownLine:
    cost: object
    vat_included: object  # Decimal, currency units
    vat_excluded: object


def preview_lines(invoice) -> list[ShownLine]:
    """Each cost in both bases (the entered one as is, the other derived)."""
    out = []
    for cost in invoice.costs.all():
        line = Line(amount=cost.amount, vat_percentage=cost.vat_percentage,
                    includes_vat=cost.includes_vat)
        out.append(ShownLine(cost=cost, vat_included=from_minor(line.vat_included, invoice.currency),
                             vat_excluded=from_minor(line.vat_excluded, invoice.currency)))
    return out


def draft_pdf_bytes(invoice, request=None) -> bytes:
    import weasyprint

    html = render_to_string("ovipro/invoice_pdf.html", {
        "invoice": invoice, "lines": preview_lines(invoice),
        "amounts": _amounts(invoice),
    }, request=request)
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def _amounts(invoice) -> dict:
    def major(cents):
        return None if cents is None else from_minor(cents, invoice.currency)

    return {"gross": major(invoice.total_vat_included), "net": major(invoice.total_vat_excluded),
            "vat": major(invoice.vat_amount), "discount": major(invoice.discount_amount),
            "down_payment": major(invoice.down_payment)}
