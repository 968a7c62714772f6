"""Invoice, credit-note and office forms; payload building; provider errors onto fields."""

import re
import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from apps.core.models import Connection
from apps.core.money import from_minor, to_minor
from apps.ovipro.models import Reason
from apps.ovipro.totals import Line

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
BIC_RE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
# Which link id each reason carries (README, Assumptions: the create body is a oneOf).
REASON_LINK = {
    "ASSIGNMENT": "assignment_id", "ASSIGNMENT_INITIAL_FEE": "assignment_id",
    "CLEARING_SALE": "trade_settlement_id", "CLEARING_RENTAL": "rental_settlement_id",
    "REALTY": "realty_id",
}
LINKS = {"assignment_id": "assignmentId", "trade_settlement_id": "tradeSettlementId",
         "rental_settlement_id": "rentalSettlementId", "realty_id": "realtyId"}
COST_TYPES = [("COMMISSION", "Commission"), ("MARKETING", "Marketing"),
              ("DOCUMENT_MANAGEMENT", "Document management")]
INVOICING_METHODS = [("EINVOICING", "E-invoice"), ("PAPER", "Paper"), ("EMAIL", "E-mail")]
PAYMENT_TERMS = [("NET_14", "14 days net")]


def clean_uuid(value: str, *, strict=True) -> str:
    value = (value or "").strip().lower()
    if value and not UUID_RE.match(value):
        raise ValidationError("Enter an id in UUID form, e.g. 6b0d549b-6f03-475a-9600-a35a099950d8.")
    if value and strict and (value[14] not in "12345" or value[19] not in "89ab"):
        raise ValidationError("This is not a UUID Ovipro accepts (version 1-5, RFC variant).")
    return value


class UUIDField(forms.CharField):
    def __init__(self, *, loose=False, **kwargs):
        self.loose = loose
        kwargs.setdefault("max_length", 36)
        super().__init__(**kwargs)

    def clean(self, value):
        return clean_uuid(super().clean(value), strict=not self.loose)


class EuroField(forms.CharField):
    """An amount typed in euros ("1 234,50" or "1234.50"): a Decimal with at most two decimals,
    so the conversion to cents is exact."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        text = re.sub(r"[\s\u00a0\u202f€]", "", text)
        if "," in text and "." in text:
            raise ValidationError("Use one decimal separator, e.g. 1234.50.")
        try:
            amount = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValidationError("Enter an amount in euros, e.g. 1234.50.") from None
        if not amount.is_finite() or amount < 0:
            raise ValidationError("Enter a positive amount.")
        if amount.as_tuple().exponent < -2:
            raise ValidationError("At most two decimals (whole cents).")
        if amount >= Decimal("100000000"):
            raise ValidationError("The amount is too large.")
        return amount


def iban_check(value: str) -> str:
    iban = re.sub(r"\s", "", value or "").upper()
    if not iban:
        return ""
    if not re.match(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$", iban):
        raise ValidationError("Enter an IBAN such as FI21 1234 5600 0007 85.")
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        raise ValidationError("This IBAN's check digits are wrong.")
    return iban


def percentage_field(**kwargs):
    return forms.DecimalField(max_digits=6, decimal_places=3, min_value=0, max_value=100, **kwargs)


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InvoiceForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)
    connection = forms.ModelChoiceField(queryset=Connection.objects.filter(provider="ovipro",
                                                                           enabled=True))
    invoicing_reason = forms.ChoiceField(choices=Reason.choices, label="Invoicing reason")
    assignment_id = UUIDField(required=False, label="Assignment id")
    trade_settlement_id = UUIDField(required=False, label="Trade settlement id")
    rental_settlement_id = UUIDField(required=False, label="Rental settlement id")
    realty_id = UUIDField(required=False, loose=True, label="Realty id")
    agency_office_id = UUIDField(label="Agency office id")
    responsible_agent_id = UUIDField(required=False, label="Responsible agent id")
    currency = forms.ChoiceField(choices=[("EUR", "EUR")], initial="EUR")
    invoicing_date = forms.DateField(widget=date_input(), label="Invoicing date")
    issue_date = forms.DateField(widget=date_input(), label="Issue (event) date")
    due_date = forms.DateField(widget=date_input(), label="Due date")
    primary_party_id = UUIDField(label="Primary invoiced party id")
    other_party_ids = forms.CharField(
        required=False, label="Other invoiced parties", widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Party ids, one per line.")
    discount_amount = EuroField(required=False, label="Discount (€)")
    discount_vat_percentage = percentage_field(required=False, initial=Decimal("25.5"),
                                               label="Discount VAT %")
    discount_includes_vat = forms.BooleanField(required=False, initial=True,
                                               label="Discount includes VAT")
    discount_description = forms.CharField(required=False, max_length=200,
                                           label="Discount text")
    down_payment = EuroField(required=False, label="Down payment (€)")
    payment_terms_code = forms.ChoiceField(choices=[("", "—")] + PAYMENT_TERMS, required=False,
                                           initial="NET_14", label="Payment terms")
    late_payment_fee_percentage = percentage_field(required=False, initial=Decimal("11.5"),
                                                   label="Late payment interest %")
    notice_period = forms.IntegerField(required=False, min_value=0, max_value=365, initial=8,
                                       label="Notice period (days)")
    invoicing_method = forms.ChoiceField(choices=INVOICING_METHODS, initial="EINVOICING",
                                         label="Invoicing method")
    e_invoicing_address = forms.CharField(required=False, max_length=35,
                                          label="E-invoicing address")
    e_invoicing_operator_id = forms.CharField(required=False, max_length=35, label="Operator id")
    e_invoicing_operator_name = forms.CharField(required=False, max_length=200,
                                                label="Operator name")
    billing_recipient = forms.CharField(required=False, max_length=200, label="Recipient")
    billing_street = forms.CharField(required=False, max_length=200, label="Street address")
    billing_postcode = forms.CharField(required=False, max_length=20, label="Postcode")
    billing_area = forms.CharField(required=False, max_length=100, label="Postal area")
    billing_country = forms.CharField(required=False, max_length=2, initial="FI",
                                      label="Country code")

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # reason, link ids and connection are fixed once the invoice exists
            for name in ["connection", "invoicing_reason", *LINKS]:
                del self.fields[name]

    def clean_other_party_ids(self):
        ids = [p for p in re.split(r"[\s,;]+", self.cleaned_data["other_party_ids"]) if p]
        try:
            return [clean_uuid(p) for p in ids]
        except ValidationError:
            raise ValidationError("Each line must be a party id in UUID form.") from None

    def clean_billing_country(self):
        return self.cleaned_data["billing_country"].upper()

    def clean(self):
        data = super().clean()
        link = REASON_LINK.get(data.get("invoicing_reason"))
        if link and not data.get(link):
            self.add_error(link, f"Required for the reason {data['invoicing_reason']}.")
        if data.get("issue_date") and data.get("due_date") and data["due_date"] < data["issue_date"]:
            self.add_error("due_date", "The due date cannot be before the issue date.")
        if data.get("invoicing_method") == "EINVOICING":
            for name in ("e_invoicing_address", "e_invoicing_operator_id"):
                if not data.get(name):
                    self.add_error(name, "Required for e-invoicing.")
        if data.get("discount_amount") and data.get("discount_vat_percentage") is None:
            self.add_error("discount_vat_percentage", "Give the VAT % of the discount.")
        return data


class CostForm(forms.Form):
    amount = EuroField(label="Amount (€)")
    vat_percentage = percentage_field(initial=Decimal("25.5"), label="VAT %")
    includes_vat = forms.BooleanField(required=False, initial=True, label="Incl. VAT")
    included_in_commission = forms.BooleanField(required=False, label="In commission")
    cost_type = forms.ChoiceField(choices=COST_TYPES, label="Type")
    description = forms.CharField(max_length=200, label="Description")

    def line(self) -> Line:
        data = self.cleaned_data
        return Line(amount=to_minor(data["amount"], "EUR"), vat_percentage=data["vat_percentage"],
                    includes_vat=data["includes_vat"])


class PaymentAccountForm(forms.Form):
    iban = forms.CharField(max_length=42, label="IBAN")
    bic = forms.CharField(max_length=11, required=False, label="BIC")
    bank_name = forms.CharField(max_length=200, required=False, label="Bank")
    account_holder = forms.CharField(max_length=200, required=False, label="Account holder")

    def clean_iban(self):
        return iban_check(self.cleaned_data["iban"])

    def clean_bic(self):
        bic = self.cleaned_data["bic"].replace(" ", "").upper()
        if bic and not BIC_RE.match(bic):
            raise ValidationError("Enter a BIC of 8 or 11 characters, e.g. NDEAFIHH.")
        return bic


CostFormSet = formset_factory(CostForm, extra=0, min_num=1, validate_min=True, can_delete=True)
PaymentAccountFormSet = formset_factory(PaymentAccountForm, extra=1, can_delete=True)


def kept_forms(formset):
    """The filled, not deleted forms, in order: payload index i is kept_forms(...)[i]."""
    return [f for f in formset.forms
            if f.has_changed() and not (formset.can_delete and formset._should_delete_form(f))]


class InvoiceBundle:
    """The invoice form and its two formsets, bound or not, validated together."""

    def __init__(self, data=None, *, initial=None, costs=None, accounts=None, editing=False):
        self.form = InvoiceForm(data, initial=initial, editing=editing)
        self.costs = CostFormSet(data, initial=costs, prefix="costs")
        self.accounts = PaymentAccountFormSet(data, initial=accounts, prefix="accounts")

    def is_valid(self) -> bool:
        return all([self.form.is_valid(), self.costs.is_valid(), self.accounts.is_valid()])

    def payload(self) -> dict:
        return invoice_payload(self.form.cleaned_data, kept_forms(self.costs),
                               kept_forms(self.accounts))

    def add_provider_errors(self, field_errors: dict) -> None:
        map_provider_errors(field_errors, self.form, kept_forms(self.costs),
                            kept_forms(self.accounts))


def _cents(amount):
    return None if amount is None else to_minor(amount, "EUR")


def invoice_payload(data: dict, cost_forms, account_forms) -> dict:
    """The create body ({invoicingReasonCode, link id, invoice}); update uses its `invoice`."""
    parties = [data["primary_party_id"]] + [p for p in data["other_party_ids"]
                                            if p != data["primary_party_id"]]
    invoicing = {"invoicingMethodCode": data["invoicing_method"]}
    if data["invoicing_method"] == "EINVOICING":
        invoicing["eInvoicing"] = {"eInvoicingAddress": data["e_invoicing_address"],
                                   "operatorId": data["e_invoicing_operator_id"],
                                   "operatorName": data["e_invoicing_operator_name"]}
    terms = {"invoicing": invoicing}
    if data["payment_terms_code"]:
        terms["paymentTerms"] = {"paymentTermsCode": data["payment_terms_code"]}
    if data["late_payment_fee_percentage"] is not None:
        terms["latePaymentFeePercentage"] = data["late_payment_fee_percentage"].normalize()
    if data["notice_period"] is not None:
        terms["noticePeriod"] = data["notice_period"]
    invoice = {
        "responsibleAgentId": data["responsible_agent_id"] or None,
        "agencyOfficeId": data["agency_office_id"],
        "currencyCode": data["currency"],
        "invoicingDate": data["invoicing_date"].isoformat(),
        "issueDate": data["issue_date"].isoformat(),
        "dueDate": data["due_date"].isoformat(),
        "costs": [{
            "amount": _cents(f.cleaned_data["amount"]),
            "costTypeCode": f.cleaned_data["cost_type"],
            "description": f.cleaned_data["description"],
            "vatPercentage": f.cleaned_data["vat_percentage"].normalize(),
            "includesVat": f.cleaned_data["includes_vat"],
            "includedInCommission": f.cleaned_data["included_in_commission"],
        } for f in cost_forms],
        "invoicedParties": {"primaryId": data["primary_party_id"],
                            "parties": [{"partyId": p} for p in parties]},
        "sourceSystemCode": "INTERNAL",
        "paymentAccounts": [{
            "bankName": f.cleaned_data["bank_name"], "bic": f.cleaned_data["bic"],
            "iban": f.cleaned_data["iban"], "accountHolder": f.cleaned_data["account_holder"],
        } for f in account_forms],
        "terms": terms,
        "downPayment": _cents(data["down_payment"]),
        "billingAddress": {"recipient": data["billing_recipient"],
                           "streetAddress": data["billing_street"],
                           "postcode": data["billing_postcode"],
                           "postalArea": data["billing_area"],
                           "countryCode": data["billing_country"]},
    }
    if data["discount_amount"]:
        invoice["discount"] = {"amount": _cents(data["discount_amount"]),
                               "includesVat": data["discount_includes_vat"],
                               "vatPercentage": data["discount_vat_percentage"].normalize(),
                               "description": data["discount_description"]}
    body = {"invoicingReasonCode": data.get("invoicing_reason"),
            "invoice": _without_empty(invoice)}
    body.update({api: data[name] for name, api in LINKS.items() if data.get(name)})
    return body


def _without_empty(value):
    if isinstance(value, dict):
        cleaned = {k: _without_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", {}, [])}
    if isinstance(value, list):
        return [_without_empty(v) for v in value]
    return value


# --- provider errors onto fields -----------------------------------------------------------------

TARGETS = {
    "invoicingReasonCode": "invoicing_reason", "assignmentId": "assignment_id",
    "tradeSettlementId": "trade_settlement_id", "rentalSettlementId": "rental_settlement_id",
    "realtyId": "realty_id", "agencyOfficeId": "agency_office_id",
    "responsibleAgentId": "responsible_agent_id", "currencyCode": "currency",
    "invoicingDate": "invoicing_date", "issueDate": "issue_date", "dueDate": "due_date",
    "discount": "discount_amount", "discount.amount": "discount_amount",
    "discount.vatPercentage": "discount_vat_percentage",
    "discount.includesVat": "discount_includes_vat",
    "discount.description": "discount_description", "downPayment": "down_payment",
    "invoicedParties": "primary_party_id", "invoicedParties.primaryId": "primary_party_id",
    "invoicedParties.parties": "other_party_ids",
    "terms.paymentTerms.paymentTermsCode": "payment_terms_code",
    "terms.latePaymentFeePercentage": "late_payment_fee_percentage",
    "terms.noticePeriod": "notice_period",
    "terms.invoicing": "invoicing_method", "terms.invoicing.invoicingMethodCode": "invoicing_method",
    "terms.invoicing.eInvoicing": "e_invoicing_address",
    "terms.invoicing.eInvoicing.eInvoicingAddress": "e_invoicing_address",
    "terms.invoicing.eInvoicing.operatorId": "e_invoicing_operator_id",
    "terms.invoicing.eInvoicing.operatorName": "e_invoicing_operator_name",
    "billingAddress.recipient": "billing_recipient",
    "billingAddress.streetAddress": "billing_street", "billingAddress.postcode": "billing_postcode",
    "billingAddress.postalArea": "billing_area", "billingAddress.countryCode": "billing_country",
}
COST_TARGETS = {"amount": "amount", "vatPercentage": "vat_percentage",
                "includesVat": "includes_vat", "includedInCommission": "included_in_commission",
                "costTypeCode": "cost_type", "description": "description"}
ACCOUNT_TARGETS = {"iban": "iban", "bic": "bic", "bankName": "bank_name",
                   "accountHolder": "account_holder"}
CREDIT_TARGETS = {"invoicingDate": "invoicing_date", "issueDate": "issue_date",
                  "dueDate": "due_date", "creditNoteReason": "credit_note_reason",
                  "paymentTerms": "payment_terms", "invoicing": "invoicing_method",
                  "invoicing.invoicingMethodCode": "invoicing_method",
                  "invoicing.eInvoicing": "e_invoicing_address",
                  "invoicing.eInvoicing.eInvoicingAddress": "e_invoicing_address",
                  "invoicing.eInvoicing.operatorId": "e_invoicing_operator_id",
                  "invoicing.eInvoicing.operatorName": "e_invoicing_operator_name"}
INDEXED = re.compile(r"^(costs|paymentAccounts|invoicedParties\.parties)\[(\d+)\]\.?(.*)$")


def _place(form, field, message, target):
    if field and field in form.fields:
        form.add_error(field, message)
    else:
        form.add_error(None, f"{target}: {message}")


def map_provider_errors(field_errors: dict, form, cost_forms=(), account_forms=(),
                        targets=TARGETS) -> None:
    """Put each of the provider's errors[] on the field (or formset row) its target names."""
    for target, messages in field_errors.items():
        path = target[len("invoice."):] if target.startswith("invoice.") else target
        indexed = INDEXED.match(path)
        for message in messages:
            if indexed:
                group, index, leaf = indexed.group(1), int(indexed.group(2)), indexed.group(3)
                rows, names = {"costs": (cost_forms, COST_TARGETS),
                               "paymentAccounts": (account_forms, ACCOUNT_TARGETS)}.get(
                    group, ((), {}))
                if index < len(rows) and names.get(leaf):
                    rows[index].add_error(names[leaf], message)
                    continue
                if group == "invoicedParties.parties":
                    _place(form, "other_party_ids", message, target)
                    continue
            _place(form, targets.get(path), message, target)


# --- initial data from a stored invoice (edit) ----------------------------------------------------

def invoice_initial(invoice) -> tuple[dict, list, list]:
    """(form initial, cost rows, payment account rows) of a stored invoice."""
    parties = [p.party_id for p in invoice.parties.all()]
    initial = {
        "key": uuid.uuid4(), "connection": invoice.connection_id,
        "invoicing_reason": invoice.reason, "assignment_id": invoice.assignment_id,
        "trade_settlement_id": invoice.trade_settlement_id,
        "rental_settlement_id": invoice.rental_settlement_id, "realty_id": invoice.realty_id,
        "agency_office_id": invoice.agency_office_id,
        "responsible_agent_id": invoice.responsible_agent_id, "currency": invoice.currency,
        "invoicing_date": invoice.invoicing_date, "issue_date": invoice.issue_date,
        "due_date": invoice.due_date, "primary_party_id": invoice.primary_party_id,
        "other_party_ids": "\n".join(p for p in parties if p != invoice.primary_party_id),
        "discount_amount": _euros(invoice.discount_amount),
        "discount_vat_percentage": invoice.discount_vat_percentage,
        "discount_includes_vat": invoice.discount_includes_vat,
        "discount_description": invoice.discount_description,
        "down_payment": _euros(invoice.down_payment),
        "payment_terms_code": invoice.payment_terms_code,
        "late_payment_fee_percentage": invoice.late_payment_fee_percentage,
        "notice_period": invoice.notice_period,
        "invoicing_method": invoice.invoicing_method or "EINVOICING",
        "e_invoicing_address": invoice.e_invoicing_address,
        "e_invoicing_operator_id": invoice.e_invoicing_operator_id,
        "e_invoicing_operator_name": invoice.e_invoicing_operator_name,
        "billing_recipient": invoice.billing_recipient, "billing_street": invoice.billing_street,
        "billing_postcode": invoice.billing_postcode, "billing_area": invoice.billing_area,
        "billing_country": invoice.billing_country,
    }
    costs = [{"amount": _euros(c.amount), "vat_percentage": c.vat_percentage.normalize(),
              "includes_vat": c.includes_vat, "included_in_commission": c.included_in_commission,
              "cost_type": c.cost_type, "description": c.description}
             for c in invoice.costs.all()]
    accounts = [{"iban": a.iban, "bic": a.bic, "bank_name": a.bank_name,
                 "account_holder": a.account_holder} for a in invoice.payment_accounts.all()]
    return initial, costs, accounts


def _euros(cents):
    return None if cents is None else f"{from_minor(cents, 'EUR')}"


# --- credit notes and offices ---------------------------------------------------------------------

class CreditNoteForm(forms.Form):
    key = forms.UUIDField(widget=forms.HiddenInput)
    invoicing_date = forms.DateField(widget=date_input(), label="Invoicing date")
    issue_date = forms.DateField(widget=date_input(), label="Issue date")
    due_date = forms.DateField(widget=date_input(), label="Due date")
    credit_note_reason = forms.CharField(max_length=200, label="Reason for the credit note",
                                         widget=forms.Textarea(attrs={"rows": 2}))
    payment_terms = forms.CharField(max_length=500, required=False, label="Payment terms text")
    invoicing_method = forms.ChoiceField(choices=INVOICING_METHODS, label="Invoicing method")
    e_invoicing_address = forms.CharField(required=False, max_length=35,
                                          label="E-invoicing address")
    e_invoicing_operator_id = forms.CharField(required=False, max_length=35, label="Operator id")
    e_invoicing_operator_name = forms.CharField(required=False, max_length=200,
                                                label="Operator name")

    def clean(self):
        data = super().clean()
        if data.get("issue_date") and data.get("due_date") and data["due_date"] < data["issue_date"]:
            self.add_error("due_date", "The due date cannot be before the issue date.")
        if data.get("invoicing_method") == "EINVOICING":
            for name in ("e_invoicing_address", "e_invoicing_operator_id"):
                if not data.get(name):
                    self.add_error(name, "Required for e-invoicing.")
        return data

    def payload(self) -> dict:
        data = self.cleaned_data
        invoicing = {"invoicingMethodCode": data["invoicing_method"]}
        if data["invoicing_method"] == "EINVOICING":
            invoicing["eInvoicing"] = _without_empty({
                "eInvoicingAddress": data["e_invoicing_address"],
                "operatorId": data["e_invoicing_operator_id"],
                "operatorName": data["e_invoicing_operator_name"]})
        body = {"invoicingDate": data["invoicing_date"].isoformat(),
                "issueDate": data["issue_date"].isoformat(),
                "dueDate": data["due_date"].isoformat(),
                "creditNoteReason": data["credit_note_reason"], "invoicing": invoicing}
        if data["payment_terms"]:
            body["paymentTerms"] = data["payment_terms"]
        return body


class OfficeSettingsForm(forms.Form):
    included_in_commission = forms.BooleanField(
        required=False, label="Costs outside the commission count towards the commission")
    subject_to_royalty = forms.BooleanField(required=False,
                                            label="Costs outside the commission bear royalty")
    separate_lines_to_invoice_pdf = forms.BooleanField(
        required=False, label="Print each cost outside the commission as its own line")

    def payload(self) -> dict:
        return {"nonCommissionCosts": {
            "includedInCommission": self.cleaned_data["included_in_commission"],
            "subjectToRoyalty": self.cleaned_data["subject_to_royalty"],
            "separateLinesToInvoicePdf": self.cleaned_data["separate_lines_to_invoice_pdf"]}}


class NumberingResetForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that a reset can make Ovipro issue invoice numbers again that "
              "already exist.")


class OfficeLookupForm(forms.Form):
    connection = forms.ModelChoiceField(queryset=Connection.objects.filter(provider="ovipro"))
    office = UUIDField(label="Agency office id")
