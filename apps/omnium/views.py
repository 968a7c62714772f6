from datetime import date

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from apps.core.charts import Bar
from apps.core.money import format_money
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
        context.update(blocks=blocks, chart=_bar_chart(days, chart_currency), chart_currency=chart_currency)
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


def _bar_chart(days, currency) -> dict | None:
    """The period's daily debit turnover for the kernel's SVG bar chart, with its total and peak."""
    if not days:
        return None
    bars = [Bar(label=f"{d['day'].day}.{d['day'].month}", value=d["amount"],
                title=f"{d['day']:%a %Y-%m-%d}: {format_money(d['amount'], currency)}")
            for d in days]
    return {"bars": bars, "total": sum(d["amount"] for d in days),
            "peak": max(d["amount"] for d in days)}


@permission_required("core.browse", raise_exception=True)
def checks(request):
    return render(request, "omnium/checks.html", {"checks": selectors.checks_overview()})
