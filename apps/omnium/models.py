import json
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q


class PostingStatus(models.TextChoices):
    POSTED = "Posted"
    EXPORTED = "Exported"
    RECONCILED = "Reconciled"
    REJECTED = "Rejected"
    SUPERSEDED = "Superseded"


class PostingSource(models.TextChoices):
    POS = "PosZReport", "POS Z-report"
    WEB = "WebFulfillment", "Web fulfilment"


# OmniumAccountCategory, as documented
CATEGORIES = (
    "Sales", "OutputVat", "PaymentMethod", "Shipping", "Discount", "Rounding",
    "RefundPaymentMethod", "InternalTransferOut", "InternalTransferIn", "Receivable",
    "GiftCardLiability", "PaymentProviderFee", "Other", "CashFloat", "CashInTransit", "OverShort",
    "Tip",
)

# Only these contribute to totals; Superseded never, Rejected is reported as an alert instead.
COUNTED_STATUSES = (PostingStatus.POSTED, PostingStatus.EXPORTED, PostingStatus.RECONCILED)

MONEY = {"max_digits": 18, "decimal_places": 4}


class Posting(models.Model):
    """One Omnium voucher header (a Z-report close or a store's web-fulfilment day)."""

    connection = models.ForeignKey("core.Connection", on_delete=models.CASCADE,
                                   related_name="omnium_postings")
    provider_id = models.CharField(max_length=120)
    source = models.CharField(max_length=20, choices=PostingSource.choices)
    status = models.CharField(max_length=12, choices=PostingStatus.choices)
    posting_date = models.DateField()
    created_at = models.DateTimeField(null=True, blank=True)
    store_id = models.CharField(max_length=60, blank=True)
    store_ids = models.JSONField(default=list, blank=True)
    register_id = models.CharField(max_length=60, blank=True)
    register_ids = models.JSONField(default=list, blank=True)
    accounting_company_code = models.CharField(max_length=40, blank=True)
    z_report_id = models.CharField(max_length=120, blank=True)
    z_report_number = models.BigIntegerField(null=True, blank=True)
    order_ids = models.JSONField(default=list, blank=True)
    currency = models.CharField(max_length=3)
    supersedes_posting_id = models.CharField(max_length=120, blank=True)
    external_reference = models.CharField(max_length=120, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    total_debit = models.DecimalField(**MONEY)
    total_credit = models.DecimalField(**MONEY)
    imbalance = models.DecimalField(**MONEY, default=0)
    auto_balanced = models.BooleanField(default=False)
    line_count = models.IntegerField(null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    rejection_reason = models.TextField(blank=True)
    posting_hash = models.CharField(max_length=100, blank=True)
    # The event this posting was built from: one current posting per key (a Z-report, or a
    # store's web-fulfilment day).
    source_key = models.CharField(max_length=160)
    raw = models.JSONField(encoder=DjangoJSONEncoder)
    content_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()

    # Kept by the sync, not by the provider payload:
    in_totals = models.BooleanField(default=False, help_text="Counts in every total (current).")
    superseded_by = models.CharField(max_length=120, blank=True)
    lines_synced = models.IntegerField(default=0)
    # Σ of the synced lines in 1/10 000 units: exact on every database, compared in SQL.
    lines_debit_units = models.BigIntegerField(default=0)
    lines_credit_units = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-posting_date", "provider_id"]
        constraints = [models.UniqueConstraint(fields=["connection", "provider_id"],
                                               name="omnium_posting_unique")]
        indexes = [
            models.Index(fields=["connection", "posting_date"]),
            models.Index(fields=["posting_date", "provider_id"]),
            models.Index(fields=["store_id", "posting_date"]),
            models.Index(fields=["register_id", "posting_date"]),
            models.Index(fields=["status", "posting_date"]),
            models.Index(fields=["source", "posting_date"]),
            models.Index(fields=["accounting_company_code", "posting_date"]),
            models.Index(fields=["currency", "posting_date"]),
            models.Index(fields=["connection", "source_key"]),
            models.Index(fields=["z_report_id"]),
            models.Index(fields=["total_debit"]),
            models.Index(name="omnium_posting_imbalanced", fields=["posting_date"],
                         condition=~Q(imbalance=0)),
            models.Index(name="omnium_posting_autobalanced", fields=["posting_date"],
                         condition=Q(auto_balanced=True)),
        ]

    def __str__(self):
        return self.provider_id

    @property
    def is_counted_status(self) -> bool:
        return self.status in COUNTED_STATUSES

    @property
    def superseded_pending(self) -> bool:
        """Omnium still calls it current, but a newer posting for its event exists here."""
        return self.is_counted_status and not self.in_totals and bool(self.superseded_by)

    @property
    def lines_complete(self) -> bool:
        return self.line_count is None or self.lines_synced >= self.line_count

    @property
    def lines_debit(self) -> Decimal:
        return Decimal(self.lines_debit_units).scaleb(-4)

    @property
    def lines_credit(self) -> Decimal:
        return Decimal(self.lines_credit_units).scaleb(-4)

    @property
    def lines_match_header(self) -> bool:
        return (self.lines_debit == self.total_debit and self.lines_credit == self.total_credit)


class LedgerLine(models.Model):
    """One debit or credit of a posting against one GL account."""

    connection = models.ForeignKey("core.Connection", on_delete=models.CASCADE,
                                   related_name="omnium_lines")
    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="lines")
    provider_id = models.CharField(max_length=160)
    line_sequence = models.IntegerField()
    posting_date = models.DateField()
    source = models.CharField(max_length=20, choices=PostingSource.choices)
    store_id = models.CharField(max_length=60, blank=True)
    register_id = models.CharField(max_length=60, blank=True)
    accounting_company_code = models.CharField(max_length=40, blank=True)
    account_number = models.CharField(max_length=40)
    account_name = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=30)
    debit = models.DecimalField(**MONEY)
    credit = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    vat_code = models.CharField(max_length=20, blank=True)
    vat_rate = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    vat_amount = models.DecimalField(**MONEY, null=True, blank=True)
    tax_group_code = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    customer_number = models.CharField(max_length=60, blank=True)
    invoice_number = models.CharField(max_length=60, blank=True)
    credit_note_number = models.CharField(max_length=60, blank=True)
    invoice_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    kid_number = models.CharField(max_length=60, blank=True)
    dimensions = models.JSONField(default=dict, blank=True)
    # Copied from the posting by the sync, so totals need no join.
    in_totals = models.BooleanField(default=False)
    raw = models.JSONField(encoder=DjangoJSONEncoder)
    content_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()

    class Meta:
        ordering = ["posting_date", "posting_id", "line_sequence"]
        constraints = [models.UniqueConstraint(fields=["connection", "provider_id"],
                                               name="omnium_line_unique")]
        indexes = [
            models.Index(fields=["posting_date", "id"]),
            models.Index(fields=["posting", "line_sequence"]),
            # The explorer's most common filters: count, totals and the page's sort read only
            # these indexes (core.tables.paginate reads a page's keys first).
            models.Index(name="omnium_line_account",
                         fields=["account_number", "posting_date", "in_totals", "currency",
                                 "debit", "credit"]),
            models.Index(name="omnium_line_category",
                         fields=["category", "posting_date", "in_totals", "currency", "debit",
                                 "credit"]),
            models.Index(fields=["store_id", "posting_date"]),
            models.Index(fields=["register_id", "posting_date"]),
            models.Index(fields=["vat_code", "posting_date"]),
            models.Index(fields=["tax_group_code", "posting_date"]),
            models.Index(fields=["currency", "posting_date"]),
            models.Index(fields=["customer_number"]),
            models.Index(fields=["invoice_number"]),
            models.Index(fields=["debit"]),
            models.Index(fields=["credit"]),
            # The trial balance reads only this index (a covering index on both databases).
            models.Index(name="omnium_line_summary",
                         fields=["in_totals", "posting_date", "currency", "account_number",
                                 "debit", "credit"]),
        ]

    def __str__(self):
        return self.provider_id

    def dimensions_json(self) -> str:
        return json.dumps(self.dimensions, ensure_ascii=False, sort_keys=True)


class Account(models.Model):
    """The chart of accounts as seen on synced lines (names for the trial balance)."""

    connection = models.ForeignKey("core.Connection", on_delete=models.CASCADE,
                                   related_name="omnium_accounts")
    currency = models.CharField(max_length=3)
    account_number = models.CharField(max_length=40)
    account_name = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["account_number", "currency"]
        constraints = [models.UniqueConstraint(fields=["connection", "currency", "account_number"],
                                               name="omnium_account_unique")]

    def __str__(self):
        return f"{self.account_number} {self.account_name} ({self.currency})"
