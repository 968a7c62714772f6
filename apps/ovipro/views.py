import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from apps.core.http import ProviderError
from apps.core.models import Connection
from apps.core.money import to_minor
from apps.core.tables import dataset_view
from apps.ovipro import lifecycle, selectors, services
from apps.ovipro.datasets import invoices as invoices_dataset
from apps.ovipro.forms import (
    CREDIT_TARGETS,
    CreditNoteForm,
    InvoiceBundle,
    NumberingResetForm,
    OfficeLookupForm,
    OfficeSettingsForm,
    clean_uuid,
    invoice_initial,
    kept_forms,
    map_provider_errors,
)
from apps.ovipro.models import Invoice
from apps.ovipro.pdf import draft_pdf_bytes, preview_lines
from apps.ovipro.totals import Line, invoice_totals

BROWSE, EDIT, APPROVE, ADMINISTER = ("core.browse", lifecycle.EDIT, lifecycle.APPROVE,
                                     lifecycle.ADMINISTER)


def _provider_message(request, exc: ProviderError, doing: str):
    text = f"Ovipro refused to {doing}: {exc.message}"
    if exc.code:
        text += f" [{exc.code}]"
    if exc.correlation_id:
        text += f" (Request-ID {exc.correlation_id})"
    if exc.kind == "configuration":
        text += " — check the connection's credentials."
    messages.error(request, text)


@permission_required(BROWSE, raise_exception=True)
def invoice_list(request):
    return dataset_view(request, invoices_dataset, "ovipro/invoice_list.html")


# --- create and edit ------------------------------------------------------------------------------

def _new_initial(request) -> dict:
    today = timezone.localdate()
    connection = Connection.objects.filter(provider="ovipro", enabled=True).order_by("name")
    chosen = request.GET.get("connection")
    return {"key": uuid.uuid4(), "connection": chosen or getattr(connection.first(), "pk", None),
            "invoicing_date": today, "issue_date": today, "due_date": today + timedelta(days=14),
            "invoicing_reason": "ASSIGNMENT", "payment_terms_code": "NET_14",
            "late_payment_fee_percentage": "11.5", "notice_period": 8,
            "invoicing_method": "EINVOICING", "billing_country": "FI",
            "discount_vat_percentage": "25.5", "discount_includes_vat": True}


def _form_page(request, bundle, *, invoice=None, status=200):
    return render(request, "ovipro/invoice_form.html", {
        "bundle": bundle, "invoice": invoice, "known": selectors.known_ids(),
        "totals": _bundle_totals(bundle) if bundle.form.is_bound else None,
    }, status=status)


@permission_required(EDIT, raise_exception=True)
def invoice_new(request):
    if request.method != "POST":
        bundle = InvoiceBundle(initial=_new_initial(request), costs=[{}])
        return _form_page(request, bundle)
    bundle = InvoiceBundle(request.POST)
    if not bundle.is_valid():
        return _form_page(request, bundle, status=400)
    connection = bundle.form.cleaned_data["connection"]
    try:
        created = services.invoice_create(connection=connection, user=request.user,
                                          payload=bundle.payload(),
                                          key=bundle.form.cleaned_data["key"])
    except services.AnswerLost as exc:
        messages.warning(request, f"Ovipro did not confirm the invoice ({exc}). Send the form "
                                  f"again: it will be looked up first, never created twice.")
        return _form_page(request, bundle, status=503)
    except ProviderError as exc:
        bundle.add_provider_errors(exc.field_errors)
        _provider_message(request, exc, "create the invoice")
        return _form_page(request, bundle, status=400)
    if created.invoice is None:
        raise Http404("The created invoice could not be read back from Ovipro.")
    if created.replayed:
        messages.info(request, "This form was already sent; here is the invoice it created.")
    else:
        messages.success(request, "Draft invoice created at Ovipro.")
    return redirect("ovipro:invoice", pk=created.invoice.pk)


@permission_required(EDIT, raise_exception=True)
def invoice_edit(request, pk):
    invoice = selectors.invoice_get(pk)
    if not lifecycle.can_edit(invoice, request.user):
        messages.error(request, "Only a draft can be edited.")
        return redirect("ovipro:invoice", pk=pk)
    if request.method != "POST":
        initial, costs, accounts = invoice_initial(invoice)
        return _form_page(request, InvoiceBundle(initial=initial, costs=costs, accounts=accounts,
                                                 editing=True), invoice=invoice)
    bundle = InvoiceBundle(request.POST, editing=True)
    if not bundle.is_valid():
        return _form_page(request, bundle, invoice=invoice, status=400)
    try:
        services.invoice_update(connection=invoice.connection, user=request.user, invoice=invoice,
                                payload=bundle.payload())
    except ProviderError as exc:
        bundle.add_provider_errors(exc.field_errors)
        _provider_message(request, exc, "save the draft")
        return _form_page(request, bundle, invoice=invoice, status=400)
    messages.success(request, "Draft saved at Ovipro.")
    return redirect("ovipro:invoice", pk=pk)


def _bundle_totals(bundle):
    """The live preview: the lines that are valid so far, the discount if it is."""
    bundle.is_valid()
    lines = [f.line() for f in kept_forms(bundle.costs) if f.is_valid()]
    data = bundle.form.cleaned_data
    discount = None
    if data.get("discount_amount") and data.get("discount_vat_percentage") is not None:
        discount = Line(amount=to_minor(data["discount_amount"], "EUR"),
                        vat_percentage=data["discount_vat_percentage"],
                        includes_vat=bool(data.get("discount_includes_vat")))
    return {"lines": lines, "totals": invoice_totals(lines, discount), "discount": discount,
            "currency": data.get("currency") or "EUR",
            "skipped": len(kept_forms(bundle.costs)) - len(lines)}


@require_POST
@permission_required(BROWSE, raise_exception=True)
def invoice_totals_preview(request):
    bundle = InvoiceBundle(request.POST, editing="connection" not in request.POST)
    return render(request, "ovipro/_totals.html", {"totals": _bundle_totals(bundle)})


# --- detail and actions ---------------------------------------------------------------------------

def _detail_context(request, invoice):
    user = request.user
    return {
        "invoice": invoice, "history": selectors.invoice_history(invoice),
        "actions": lifecycle.available_actions(invoice, user),
        "can_edit": lifecycle.can_edit(invoice, user) and not invoice.removed_at_provider,
        "can_delete": lifecycle.can_delete(invoice, user) and not invoice.removed_at_provider,
        "can_credit": lifecycle.can_credit(invoice, user) and not invoice.removed_at_provider,
        "lines": preview_lines(invoice), "links": selectors.credit_links(invoice),
        "preview_id": request.GET.get("preview") or "",
    }


@permission_required(BROWSE, raise_exception=True)
def invoice_detail(request, pk):
    invoice = selectors.invoice_get(pk)
    return render(request, "ovipro/invoice_detail.html", _detail_context(request, invoice))


def _after_action(request, pk):
    if request.htmx:
        invoice = selectors.invoice_get(pk)
        return render(request, "ovipro/invoice_detail.html#main", _detail_context(request, invoice))
    return redirect("ovipro:invoice", pk=pk)


@require_POST
def invoice_action(request, pk, action):
    rule = lifecycle.ACTIONS.get(action)
    if rule is None:
        raise Http404("No such action")
    if not request.user.has_perm(rule.permission):
        raise PermissionDenied(f"Your role cannot {rule.label.lower()}.")
    invoice = selectors.invoice_get(pk)
    try:
        refreshed = services.invoice_act(connection=invoice.connection, user=request.user,
                                         invoice=invoice, action=action)
        messages.success(request, f"{rule.label}: the invoice is now "
                                  f"{refreshed.get_status_display().lower()}"
                                  f"{' and paid' if refreshed.is_paid else ''}.")
    except services.ActionRefused as exc:
        messages.error(request, str(exc))
    except ProviderError as exc:
        _provider_message(request, exc, rule.label.lower())
    return _after_action(request, pk)


@require_POST
@permission_required(EDIT, raise_exception=True)
def invoice_delete(request, pk):
    invoice = selectors.invoice_get(pk)
    try:
        services.invoice_delete(connection=invoice.connection, user=request.user, invoice=invoice)
    except services.ActionRefused as exc:
        messages.error(request, str(exc))
        return redirect("ovipro:invoice", pk=pk)
    except ProviderError as exc:
        _provider_message(request, exc, "delete the draft")
        return redirect("ovipro:invoice", pk=pk)
    messages.success(request, "Draft deleted at Ovipro.")
    return redirect("ovipro:invoices")


@require_POST
@permission_required("core.run_sync", raise_exception=True)
def invoice_refresh(request, pk):
    invoice = selectors.invoice_get(pk)
    try:
        if services.invoice_refresh(connection=invoice.connection,
                                    invoice_id=invoice.invoice_id) is None:
            messages.warning(request, "Ovipro no longer has this invoice.")
        else:
            messages.success(request, "Re-read from Ovipro.")
    except ProviderError as exc:
        _provider_message(request, exc, "send the invoice")
    return _after_action(request, pk)


@permission_required(APPROVE, raise_exception=True)
def invoice_credit(request, pk):
    invoice = selectors.invoice_get(pk)
    if not lifecycle.can_credit(invoice, request.user):
        messages.error(request, "Only an approved invoice can be credited.")
        return redirect("ovipro:invoice", pk=pk)
    form = CreditNoteForm(request.POST or None, initial=_credit_initial(invoice))
    if request.method == "POST" and form.is_valid():
        try:
            created = services.invoice_credit(connection=invoice.connection, user=request.user,
                                              invoice=invoice, body=form.payload(),
                                              key=form.cleaned_data["key"])
        except services.AnswerLost as exc:
            messages.warning(request, f"Ovipro did not confirm the credit note ({exc}). Send "
                                      f"again: it is looked up first, never created twice.")
        except ProviderError as exc:
            map_provider_errors(exc.field_errors, form, targets=CREDIT_TARGETS)
            _provider_message(request, exc, "create the credit note")
        else:
            messages.success(request, "Credit note created; the invoice is now credited.")
            return redirect("ovipro:invoice", pk=created.invoice.pk)
    return render(request, "ovipro/credit_form.html", {"form": form, "invoice": invoice},
                  status=400 if form.is_bound else 200)


def _credit_initial(invoice):
    today = timezone.localdate()
    return {"key": uuid.uuid4(), "invoicing_date": today, "issue_date": today,
            "due_date": today + timedelta(days=14),
            "invoicing_method": invoice.invoicing_method or "EINVOICING",
            "e_invoicing_address": invoice.e_invoicing_address,
            "e_invoicing_operator_id": invoice.e_invoicing_operator_id,
            "e_invoicing_operator_name": invoice.e_invoicing_operator_name}


# --- documents ------------------------------------------------------------------------------------

@require_POST
@permission_required(BROWSE, raise_exception=True)
def provider_preview(request, pk):
    invoice = selectors.invoice_get(pk)
    try:
        document_id = services.invoice_preview(connection=invoice.connection, user=request.user,
                                               invoice=invoice)
    except ProviderError as exc:
        _provider_message(request, exc, "make a preview")
        return redirect("ovipro:invoice", pk=pk)
    return redirect(reverse("ovipro:invoice", args=[pk]) + f"?preview={document_id}#document")


@xframe_options_sameorigin  # shown in an <iframe> on the invoice page
@permission_required(BROWSE, raise_exception=True)
def provider_document(request, pk, document_id):
    invoice = selectors.invoice_get(pk)
    known = {d.document_id for d in invoice.documents.all()}
    if document_id not in known:
        raise Http404("This document does not belong to the invoice.")
    try:
        content = services.document_fetch(connection=invoice.connection, document_id=document_id)
    except ProviderError as exc:
        return HttpResponse(f"Ovipro did not hand out the document: {exc}", status=502,
                            content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ovipro-{document_id}.pdf"'
    return response


@permission_required(BROWSE, raise_exception=True)
def draft_pdf(request, pk):
    invoice = selectors.invoice_get(pk)
    response = HttpResponse(draft_pdf_bytes(invoice, request), content_type="application/pdf")
    name = invoice.invoice_number or invoice.short_id
    response["Content-Disposition"] = f'inline; filename="invoice-{name}.pdf"'
    return response


# --- offices --------------------------------------------------------------------------------------

@permission_required(BROWSE, raise_exception=True)
def offices(request):
    form = OfficeLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("ovipro:office", connection_id=form.cleaned_data["connection"].pk,
                        office_id=form.cleaned_data["office"])
    return render(request, "ovipro/offices.html", {"offices": selectors.offices_known(),
                                                   "form": form})


def _office_id(office_id):
    try:
        return clean_uuid(office_id)
    except ValidationError:
        raise Http404("Not an office id") from None


@permission_required(BROWSE, raise_exception=True)
def office(request, connection_id, office_id):
    connection = selectors.connection_get(connection_id)
    office_id = _office_id(office_id)
    form = OfficeSettingsForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(ADMINISTER):
            raise PermissionDenied("Only administrators change office invoice settings.")
        if form.is_valid():
            try:
                services.office_settings_save(connection=connection, user=request.user,
                                              office_id=office_id, settings=form.payload())
                messages.success(request, "Office invoice settings saved at Ovipro.")
                return redirect("ovipro:office", connection_id=connection_id, office_id=office_id)
            except ProviderError as exc:
                _provider_message(request, exc, "save the settings")
    settings = numbering = None
    try:
        settings = services.office_settings_get(connection=connection, office_id=office_id)
        numbering = services.office_numbering_get(connection=connection, office_id=office_id)
    except ProviderError as exc:
        _provider_message(request, exc, "show this office")
    if settings and not form.is_bound:
        costs = settings.invoice_settings.non_commission_costs
        form = OfficeSettingsForm(initial=costs.model_dump())
    return render(request, "ovipro/office.html", {
        "connection": connection, "office_id": office_id, "form": form, "numbering": numbering,
        "reset_form": NumberingResetForm(), "settings_loaded": settings is not None,
        "invoice_count": Invoice.objects.filter(connection=connection,
                                                agency_office_id=office_id).count()})


@require_POST
@permission_required(ADMINISTER, raise_exception=True)
def office_numbering_reset(request, connection_id, office_id):
    connection = selectors.connection_get(connection_id)
    office_id = _office_id(office_id)
    if not NumberingResetForm(request.POST).is_valid():
        messages.error(request, "Tick the confirmation to reset the numbering.")
    else:
        try:
            services.office_numbering_reset(connection=connection, user=request.user,
                                            office_id=office_id)
            messages.success(request, "Invoice numbering reset.")
        except ProviderError as exc:
            _provider_message(request, exc, "reset the numbering")
    return redirect("ovipro:office", connection_id=connection_id, office_id=office_id)
