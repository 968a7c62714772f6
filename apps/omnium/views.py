from datetime import date

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from apps.core.tables import dataset_view
from apps.omnium import datasets, selectors
from apps.omnium.filters import AccountSummaryForm
from apps.omnium.models import Posting
from apps.omnium.voucher import voucher_pdf


@permission_required("core.browse", raise_exception=True)
def postings(request):
    return dataset_view(request, datasets.postings, "omnium/postings.html")


@permission_required("core.browse", raise_exception=True)
def ledger_lines(request):
    return dataset_view(request, datasets.ledger_lines, "omnium/ledger_lines.html")


def _posting_or_404(pk) -> Posting:
    try:
        return selectors.posting_detail(pk)
    except Posting.DoesNotExist:
        raise Http404("No such posting.") from None


@permission_required("core.browse", raise_exception=True)
def posting(request, pk):
    posting = _posting_or_404(pk)
    return render(request, "omnium/posting_detail.html", {
        "posting": posting,
        "lines": selectors.posting_lines(posting),
        "related": selectors.posting_related(posting),
    })


@permission_required("core.browse", raise_exception=True)
def posting_voucher(request, pk):
    posting = _posting_or_404(pk)
    pdf = voucher_pdf(posting=posting, lines=list(selectors.posting_lines(posting)),
                      related=selectors.posting_related(posting),
                      base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="voucher-{posting.provider_id}.pdf"'
    return response


@permission_required("core.browse", raise_exception=True)
def account_summary(request):
    form = AccountSummaryForm(_summary_data(request))
    context = {"form": form, "blocks": [], "chart": None}
    if form.is_valid():
        period = {k: form.cleaned_data[k] for k in ("connection", "currency")}
        first, last = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        blocks = selectors.account_summary(first=first, last=last, **period)
        chart_currency = form.cleaned_data["currency"] or (blocks[0].currency if blocks else "")
        days = selectors.daily_totals(connection=period["connection"], first=first, last=last,
                                      currency=chart_currency) if chart_currency else []
        _add_drill_links(blocks, form.cleaned_data)
        context.update(blocks=blocks, chart=_bar_chart(days), chart_currency=chart_currency)
    template = "omnium/account_summary.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


def _summary_data(request):
    """The query string, with the month of the latest posting as the default period."""
    data = request.GET.dict()
    if not data.get("date_from") and not data.get("date_to"):
        _, latest = selectors.ledger_bounds()
        latest = latest or date.today()
        data.update(date_from=latest.replace(day=1).isoformat(), date_to=latest.isoformat())
    return data


def _add_drill_links(blocks, cleaned) -> None:
    """Each account row links to exactly its lines in the ledger lines explorer."""
    base = {"date_from": cleaned["date_from"].isoformat(), "date_to": cleaned["date_to"].isoformat()}
    if cleaned["connection"]:
        base["connection"] = cleaned["connection"].pk
    url = reverse("omnium:ledger_lines")
    for block in blocks:
        for account in block.accounts:
            query = {**base, "currency": block.currency, "account": account.account_number}
            account.drill_url = f"{url}?{urlencode(query)}"


CHART_WIDTH, CHART_HEIGHT, CHART_TOP = 960, 200, 16


def _bar_chart(days) -> dict | None:
    """Bar geometry for the inline SVG (no script, no CDN)."""
    if not days:
        return None
    peak = max((d["amount"] for d in days), default=0) or 1
    slot = CHART_WIDTH / len(days)
    bars = []
    for i, day in enumerate(days):
        height = float(day["amount"] / peak) * (CHART_HEIGHT - CHART_TOP)
        bars.append({"x": round(i * slot + slot * 0.1, 1), "width": round(slot * 0.8, 1),
                     "y": round(CHART_HEIGHT - height, 1), "height": round(height, 1),
                     "day": day["day"], "amount": day["amount"],
                     "label": len(days) <= 31 or day["day"].day in (1, 15)})
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "peak": peak,
            "total": sum(d["amount"] for d in days)}


@permission_required("core.browse", raise_exception=True)
def checks(request):
    return render(request, "omnium/checks.html", {"checks": selectors.checks_overview()})
