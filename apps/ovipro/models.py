"""Ovipro invoices as synced (and as written through the dashboard).

Money is integer cents beside `currency`. Terms and the billing address are columns of the
invoice (one per invoice); costs, parties and payment accounts are child rows rewritten with
the invoice. `raw` keeps the provider's search summary and get payloads.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import Connection
from apps.ovipro.jsonnum import NumberDecoder, NumberEncoder

NUMBERS = {"encoder": NumberEncoder, "decoder": NumberDecoder}


class Status(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    READY_FOR_APPROVAL = "READY_FOR_APPROVAL", "Ready for approval"
    APPROVED = "APPROVED", "Approved"
    REJECTED = "REJECTED", "Rejected"
    CREDITED = "CREDITED", "Credited"


class InvoiceType(models.TextChoices):
    INVOICE = "INVOICE", "Invoice"
    CREDIT_NOTE = "CREDIT_NOTE", "Credit note"


class Reason(models.TextChoices):
    ASSIGNMENT = "ASSIGNMENT", "Assignment"
    CLEARING_SALE = "CLEARING_SALE", "Trade settlement (sale)"
    CLEARING_RENTAL = "CLEARING_RENTAL", "Rental settlement"
    OFFER_DOWN_PAYMENT = "OFFER_DOWN_PAYMENT", "Offer down payment"
    ASSIGNMENT_INITIAL_FEE = "ASSIGNMENT_INITIAL_FEE", "Assignment initial fee"
    REALTY = "REALTY", "Realty"
    DOCUMENT_MANAGEMENT = "DOCUMENT_MANAGEMENT", "Document management"
    OTHER = "OTHER", "Other"


class Invoice(models.Model):
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE,
                                   related_name="ovipro_invoices")
    invoice_id = models.CharField(max_length=36)
    status = models.CharField(max_length=20, choices=Status.choices)
    invoice_type = models.CharField(max_length=20, choices=InvoiceType.choices)
    reason = models.CharField(max_length=30, choices=Reason.choices)
    assignment_id = models.CharField(max_length=36, blank=True)
    trade_settlement_id = models.CharField(max_length=36, blank=True)
    rental_settlement_id = models.CharField(max_length=36, blank=True)
    realty_id = models.CharField(max_length=36, blank=True)
    agency_office_id = models.CharField(max_length=36, blank=True)
    responsible_agent_id = models.CharField(max_length=36, blank=True)
    invoice_number = models.CharField(max_length=100, blank=True)
    reference_number = models.CharField(max_length=100, blank=True)
    is_paid = models.BooleanField(default=False)
    currency = models.CharField(max_length=3, default="EUR")
    invoicing_date = models.DateField(null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    total_vat_included = models.BigIntegerField(null=True, blank=True)
    total_vat_excluded = models.BigIntegerField(null=True, blank=True)
    down_payment = models.BigIntegerField(null=True, blank=True)
    discount_amount = models.BigIntegerField(null=True, blank=True)
    discount_includes_vat = models.BooleanField(default=True)
    discount_vat_percentage = models.DecimalField(max_digits=6, decimal_places=3, null=True,
                                                  blank=True)
    discount_description = models.CharField(max_length=200, blank=True)
    primary_party_id = models.CharField(max_length=36, blank=True)
    # terms
    payment_terms_code = models.CharField(max_length=40, blank=True)
    payment_terms_description = models.TextField(blank=True)
    late_payment_fee_percentage = models.DecimalField(max_digits=6, decimal_places=3, null=True,
                                                      blank=True)
    notice_period = models.IntegerField(null=True, blank=True)
    invoicing_method = models.CharField(max_length=40, blank=True)
    e_invoicing_address = models.CharField(max_length=100, blank=True)
    e_invoicing_operator_id = models.CharField(max_length=40, blank=True)
    e_invoicing_operator_name = models.CharField(max_length=200, blank=True)
    # billing address
    billing_recipient = models.CharField(max_length=200, blank=True)
    billing_street = models.CharField(max_length=200, blank=True)
    billing_postcode = models.CharField(max_length=20, blank=True)
    billing_area = models.CharField(max_length=100, blank=True)
    billing_country = models.CharField(max_length=2, blank=True)
    # documents and links
    invoice_document_id = models.CharField(max_length=36, blank=True)
    preview_document_id = models.CharField(max_length=36, blank=True)
    commission_id = models.CharField(max_length=36, blank=True)
    credited_invoice_id = models.CharField(max_length=36, blank=True, db_index=True)
    credit_note_reason = models.CharField(max_length=200, blank=True)
    source_system_code = models.CharField(max_length=40, blank=True)
    source_system_creation_time = models.DateTimeField(null=True, blank=True)
    creation_time = models.DateTimeField(null=True, blank=True)
    modification_time = models.DateTimeField(null=True, blank=True)
    removed_at_provider = models.BooleanField(default=False)
    raw = models.JSONField(default=dict, **NUMBERS)
    content_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)  # last full sweep that listed it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "invoice_id"],
                                               name="ovipro_invoice_unique")]
        indexes = [
            models.Index(fields=["connection", "status"]),
            models.Index(fields=["connection", "invoice_type"]),
            models.Index(fields=["connection", "reason"]),
            models.Index(fields=["connection", "agency_office_id"]),
            models.Index(fields=["connection", "responsible_agent_id"]),
            models.Index(fields=["connection", "primary_party_id"]),
            models.Index(fields=["connection", "is_paid"]),
            models.Index(fields=["connection", "-issue_date"]),
            models.Index(fields=["connection", "due_date"]),
            models.Index(fields=["connection", "invoice_number"]),
            models.Index(fields=["connection", "-modification_time"]),
            models.Index(fields=["-issue_date", "-id"], name="ovipro_inv_issue_sort"),
            models.Index(fields=["due_date", "id"], name="ovipro_inv_due_sort"),
            models.Index(fields=["invoice_number", "id"], name="ovipro_inv_number_sort"),
            models.Index(fields=["total_vat_included", "id"], name="ovipro_inv_total_sort"),
            models.Index(fields=["status", "-issue_date"], name="ovipro_inv_status_issue"),
            models.Index(fields=["billing_recipient"], name="ovipro_inv_recipient"),
        ]

    def __str__(self):
        return self.invoice_number or f"{self.get_status_display()} {self.invoice_id[:8]}"

    @property
    def billing_lines(self) -> list[str]:
        town = " ".join(p for p in (self.billing_postcode, self.billing_area) if p)
        return [line for line in (self.billing_recipient, self.billing_street, town,
                                  self.billing_country) if line]

    @property
    def short_id(self) -> str:
        return self.invoice_id[:8]

    @property
    def vat_amount(self):
        if self.total_vat_included is None or self.total_vat_excluded is None:
            return None
        return self.total_vat_included - self.total_vat_excluded

    @property
    def deletable(self) -> bool:
        return self.status == Status.DRAFT and not self.invoice_number and not self.reference_number


class InvoiceCost(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="costs")
    position = models.PositiveSmallIntegerField()
    amount = models.BigIntegerField(help_text="Cents, as entered (gross or net per includes_vat).")
    cost_type = models.CharField(max_length=50, blank=True)
    description = models.CharField(max_length=200, blank=True)
    vat_percentage = models.DecimalField(max_digits=6, decimal_places=3)
    includes_vat = models.BooleanField()
    included_in_commission = models.BooleanField(default=False)

    class Meta:
        ordering = ["invoice", "position"]


class InvoiceParty(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="parties")
    party_id = models.CharField(max_length=36, db_index=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["invoice", "-is_primary", "pk"]


class PaymentAccount(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="payment_accounts")
    bank_name = models.CharField(max_length=200, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    account_holder = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["invoice", "pk"]


class InvoiceDocument(models.Model):
    """Every document id the provider named for an invoice (previews are kept by Ovipro)."""

    class Kind(models.TextChoices):
        PREVIEW = "preview", "Preview"
        INVOICE = "invoice", "Invoice PDF"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="documents")
    document_id = models.CharField(max_length=36)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_seen_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["invoice", "document_id"],
                                               name="ovipro_document_unique")]


class StatusChange(models.Model):
    """The lifecycle as we saw it: every status (or paid flag) change observed on re-read or sync."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="status_changes")
    at = models.DateTimeField(help_text="The provider's modificationTime of the new state.")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    is_paid = models.BooleanField(default=False)
    observed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class PendingWrite(models.Model):
    """A create (invoice or credit note) we are sending: written and committed BEFORE the call,
    so a double submit, a retry or a lost answer finds it and never creates a second invoice."""

    class State(models.TextChoices):
        NEW = "new", "Not sent yet"
        SENDING = "sending", "Being sent"
        UNKNOWN = "unknown", "Sent, answer lost"
        DONE = "done", "Created"
        FAILED = "failed", "Refused by the provider"

    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit_note", "Credit note"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE)
    key = models.UUIDField(unique=True, help_text="Idempotency key of the form submission.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    target_invoice_id = models.CharField(max_length=36, blank=True,
                                         help_text="For a credit note: the credited invoice.")
    payload = models.JSONField(**NUMBERS)
    marker = models.CharField(max_length=40, help_text="sourceSystemCreationTime we send; "
                                                       "finds the invoice at the provider.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW)
    attempts = models.PositiveIntegerField(default=0)
    provider_invoice_id = models.CharField(max_length=36, blank=True)
    last_request_id = models.CharField(max_length=36, blank=True)
    error = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["connection", "state"])]
        constraints = [models.UniqueConstraint(
            fields=["connection", "target_invoice_id"], condition=Q(kind="credit_note") & ~Q(
                state="failed"), name="ovipro_one_credit_note_in_flight")]
