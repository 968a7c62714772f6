from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from apps.core.http import ConfigurationError, ProviderError
from apps.core.tables import dataset_view
from apps.omnizon import selectors, services
from apps.omnizon.charts import usage_chart
from apps.omnizon.forms import AcknowledgeForm, SendForm, UsageForm
from apps.omnizon.models import Document, Upload


@permission_required("core.browse", raise_exception=True)
def document_list(request):
    return dataset_view(request, selectors.documents, "omnizon/document_list.html")


def _detail(pk):
    try:
        return selectors.document_detail(pk)
    except Document.DoesNotExist:
        raise Http404("No such document.") from None


@permission_required("core.browse", raise_exception=True)
def document_detail(request, pk):
    doc = _detail(pk)
    template = "omnizon/document_detail.html"
    if request.htmx:
        template += "#side"
    return render(request, template, {"doc": doc, "ack_form": AcknowledgeForm()})


def _provider_message(request, exc: ProviderError):
    text = f"Omnizon: {exc}"
    if isinstance(exc, ConfigurationError):
        text += " — check the credentials of the connection."
    messages.error(request, text)


def _act(request, pk, action):
    doc = get_object_or_404(Document.objects.select_related("connection"), pk=pk)
    try:
        messages.success(request, action(doc))
    except services.ActionRefused as exc:
        messages.warning(request, str(exc))
    except ProviderError as exc:
        _provider_message(request, exc)
    if request.htmx:
        return render(request, "omnizon/document_detail.html#side",
                      {"doc": _detail(pk), "ack_form": AcknowledgeForm()})
    return redirect("omnizon:document", pk=pk)


@require_POST
@permission_required("core.act_documents", raise_exception=True)
def document_acknowledge(request, pk):
    form = AcknowledgeForm(request.POST)

    def acknowledge(doc):
        if not form.is_valid():
            raise services.ActionRefused("Give a reason for the acknowledgement.")
        return services.document_acknowledge(document=doc, reason=form.cleaned_data["reason"],
                                             user=request.user)

    return _act(request, pk, acknowledge)


@require_POST
@permission_required("core.act_documents", raise_exception=True)
def document_archive(request, pk):
    return _act(request, pk, lambda doc: services.document_archive(document=doc,
                                                                   user=request.user))


def _file_response(doc, kind, content_type, disposition):
    content = selectors.document_file(doc, kind)
    if content is None:
        raise Http404(f"No {kind.upper()} stored for this document.")
    response = HttpResponse(content, content_type=content_type)
    name = f"omnizon-{doc.document_id}.{kind}"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@xframe_options_sameorigin
@permission_required("core.browse", raise_exception=True)
def document_pdf(request, pk):
    doc = get_object_or_404(Document, pk=pk)
    return _file_response(doc, "pdf", "application/pdf", "inline")


@permission_required("core.browse", raise_exception=True)
def document_xml(request, pk):
    doc = get_object_or_404(Document, pk=pk)
    # An attachment, never rendered: the file is the provider's, not ours.
    return _file_response(doc, "xml", "application/xml", "attachment")


def _picked_connection(request, connections):
    wanted = request.POST.get("connection") or request.GET.get("connection")
    return next((c for c in connections if str(c.pk) == wanted), connections[0] if connections
                else None)


@permission_required("core.act_documents", raise_exception=True)
def send(request):
    connections = list(selectors.omnizon_connections())
    connection = _picked_connection(request, connections)
    companies = selectors.company_choices(connection) if connection else []
    initial = {"connection": connection.pk if connection else None}
    form = SendForm(request.POST or None, request.FILES or None, connections=connections,
                    companies=companies, initial=initial)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            upload, text = services.document_send(
                connection=connection, company_vat=form.cleaned_data["company"],
                file_name=upload_file.name, content=upload_file.read(), user=request.user)
        except services.UploadRefused as exc:
            problems = exc.problems
        except services.ActionRefused as exc:
            messages.warning(request, str(exc))
        except ProviderError as exc:
            _provider_message(request, exc)
        else:
            (messages.success if upload.state == Upload.State.SENT else messages.error)(
                request, text)
            return redirect("omnizon:upload", pk=upload.pk)
    template = "omnizon/send.html"
    if request.htmx and request.method == "GET":
        template += "#send-form"
    return render(request, template, {"form": form, "problems": problems,
                                      "uploads": Upload.objects.select_related(
                                          "document", "created_by")[:10]})


@permission_required("core.browse", raise_exception=True)
def upload_detail(request, pk):
    upload = get_object_or_404(Upload.objects.select_related("document", "connection",
                                                             "created_by"), pk=pk)
    doc = upload.document
    if request.htmx and doc is not None and not services.is_settled(doc):
        try:
            services.document_refresh_status(document=doc)
        except ProviderError as exc:
            _provider_message(request, exc)
    template = "omnizon/upload_detail.html"
    if request.htmx:
        template += "#status"
    events = doc.events.select_related("user") if doc else []
    return render(request, template, {"upload": upload, "doc": doc, "events": events,
                                      "settled": doc is None or services.is_settled(doc)})


@permission_required("core.browse", raise_exception=True)
def usage(request):
    connections = list(selectors.omnizon_connections())
    connection = _picked_connection(request, connections)
    companies = selectors.company_choices(connection) if connection else []
    vats = [vat for vat, _ in companies]
    company = request.GET.get("company") if request.GET.get("company") in vats else \
        (vats[0] if vats else None)
    form = UsageForm(initial={"connection": connection.pk if connection else None,
                              "company": company},
                     connections=connections, companies=companies)
    data = selectors.usage_for(connection, company) if company else {"months": []}
    return render(request, "omnizon/usage.html", {
        "form": form, "usage": data, "chart": usage_chart(data["months"]),
        "connection": connection, "company": company,
        "sync_url": reverse("core:sync_start", args=[connection.pk]) if connection else "",
    })
