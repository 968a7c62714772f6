"""The emulator's invoice PDFs (what the provider's Document API would hand out)."""

from django.template.loader import render_to_string

from apps.sandbox.ovipro import rules


def euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}".replace(",", " ") + f",{part:02d} €"


def render_pdf(document) -> bytes:
    import weasyprint

    snapshot = document.snapshot
    content = snapshot["invoice"]
    lines = []
    for cost in content.get("costs") or []:
        gross, net = rules.line_both_bases(cost["amount"], cost["vatPercentage"], cost["includesVat"])
        lines.append({**cost, "gross": euros(gross), "net": euros(net)})
    totals = rules.total_invoiced_amount(content)
    html = render_to_string("sandbox_ovipro/document.html", {
        "doc": document, "invoice": snapshot, "content": content, "lines": lines,
        "discount": euros(content["discount"]["amount"]) if content.get("discount") else "",
        "gross": euros(totals["vatIncluded"]), "net": euros(totals["vatExcluded"]),
        "vat": euros(totals["vatIncluded"] - totals["vatExcluded"]),
    })
    return weasyprint.HTML(string=html).write_pdf()
