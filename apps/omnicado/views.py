from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from apps.core.http import ProviderError
from apps.core.tables import dataset_view
from apps.omnicado import datasets, selectors, services
from apps.omnicado.models import Invoice, Offset


@permission_required("core.browse", raise_exception=True)
def invoice_list(request):
    return dataset_view(request, datasets.invoices, "omnicado/invoice_list.html")


@permission_required("core.browse", raise_exception=True)
def invoice_detail(request, pk):
    return render(request, "omnicado/invoice_detail.html",
                  {"detail": selectors.invoice_detail(pk)})


@permission_required("core.browse", raise_exception=True)
def offset_list(request):
    return dataset_view(request, datasets.offsets, "omnicado/offset_list.html")


@permission_required("core.browse", raise_exception=True)
def offset_detail(request, pk):
    return render(request, "omnicado/offset_detail.html", {"detail": selectors.offset_detail(pk)})


def _pdf_response(content: bytes, filename: str, *, inline=False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _provider_pdf(request, document, back: str):
    try:
        pdf = services.provider_pdf_get(document=document, user=request.user)
    except ProviderError as exc:
        hint = " Check the connection's credentials." if exc.kind == "configuration" else ""
        messages.error(request, f"The provider's PDF could not be fetched: {exc}.{hint}")
        return redirect(back)
    return _pdf_response(bytes(pdf.content), pdf.filename)


@permission_required("core.browse", raise_exception=True)
def invoice_provider_pdf(request, pk):
    invoice = get_object_or_404(Invoice.objects.select_related("connection"), pk=pk)
    return _provider_pdf(request, invoice, invoice.get_absolute_url())


@permission_required("core.browse", raise_exception=True)
def offset_provider_pdf(request, pk):
    offset = get_object_or_404(Offset.objects.select_related("connection"), pk=pk)
    return _provider_pdf(request, offset, offset.get_absolute_url())


@permission_required("core.browse", raise_exception=True)
def invoice_print(request, pk):
    invoice, checks = selectors.invoice_for_print(pk)
    content = services.invoice_print_render(invoice=invoice, checks=checks)
    return _pdf_response(content, f"invoice-{invoice.invoice_number}.pdf",
                         inline=request.GET.get("inline") == "1")
