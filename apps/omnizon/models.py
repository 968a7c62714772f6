"""E-invoice documents synced from Omnizon, with their XML, PDF, lines, VAT and history."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Document(models.Model):
    class Direction(models.TextChoices):
        IN = "in", "Received"
        OUT = "out", "Sent"

    class State(models.TextChoices):
        """Our side of the receive flow: discovered -> stored -> acknowledged."""
        DISCOVERED = "discovered", "Discovered"
        STORED = "stored", "Stored"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        FAILED = "failed", "Download failed"

    connection = models.ForeignKey("core.Connection", on_delete=models.CASCADE,
                                   related_name="omnizon_documents")
    document_id = models.CharField(max_length=64)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    company_vat = models.CharField(max_length=20, help_text="Our company (OIB, no prefix).")
    doc_type = models.CharField(max_length=20, blank=True)  # INVOICE | CREDIT_NOTE
    number = models.CharField(max_length=200, blank=True)
    supplier_name = models.CharField(max_length=300, blank=True)
    supplier_vat = models.CharField(max_length=30, blank=True)
    customer_name = models.CharField(max_length=300, blank=True)
    customer_vat = models.CharField(max_length=30, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    tax_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    modified_at = models.DateTimeField(null=True, blank=True)
    internal_status = models.CharField(max_length=20, blank=True)
    external_status = models.CharField(max_length=20, blank=True)
    fiscalization = models.JSONField(null=True, blank=True)
    status_details = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DISCOVERED)
    status_stale = models.BooleanField(default=True, help_text="Listing changed: re-read status.")
    error = models.TextField(blank=True, help_text="Why the download or the XML failed.")
    details = models.JSONField(default=dict, blank=True)  # parsed parties, payment, totals
    has_pdf = models.BooleanField(default=False)
    stored_at = models.DateTimeField(null=True, blank=True)
    ack_attempted_at = models.DateTimeField(null=True, blank=True,
                                            help_text="An acknowledgement is in flight.")
    ack_uncertain = models.BooleanField(default=False,
                                        help_text="The last attempt's outcome is unknown.")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_reason = models.CharField(max_length=500, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "document_id"],
                                               name="omnizon_document_unique")]
        indexes = [
            models.Index(fields=["connection", "direction", "state"]),
            models.Index(fields=["connection", "-created_at"]),
            models.Index(fields=["-created_at"]),
            models.Index(fields=["issue_date"]),
            models.Index(fields=["due_date"]),
            models.Index(fields=["amount"]),
            models.Index(fields=["number"]),
            models.Index(fields=["supplier_name"]),
            models.Index(fields=["customer_name"]),
            models.Index(fields=["internal_status"]),
            models.Index(fields=["external_status"]),
            models.Index(fields=["currency"]),
            models.Index(fields=["company_vat"]),
            models.Index(fields=["direction", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.number or self.document_id} ({self.get_direction_display()})"

    @property
    def can_acknowledge(self) -> bool:
        return (self.direction == self.Direction.IN and self.acknowledged_at is None
                and self.state in (self.State.STORED,))

    @property
    def can_archive(self) -> bool:
        return self.archived_at is None and self.state in (self.State.STORED,
                                                           self.State.ACKNOWLEDGED)


class DocumentFile(models.Model):
    """The XML and PDF exactly as downloaded (kept apart so lists never load them)."""

    class Kind(models.TextChoices):
        XML = "xml", "UBL XML"
        PDF = "pdf", "PDF"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    content = models.BinaryField()
    size = models.IntegerField()
    sha256 = models.CharField(max_length=64)
    stored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "kind"],
                                               name="omnizon_file_unique")]


UNIT_LABELS = {"H87": "pcs", "C62": "units", "KGM": "kg", "HUR": "h", "DAY": "days", "LTR": "l",
               "MTR": "m", "MON": "months"}


class DocumentLine(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    position = models.CharField(max_length=20)
    description = models.CharField(max_length=500, blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    unit = models.CharField(max_length=10, blank=True)
    unit_price = models.DecimalField(max_digits=18, decimal_places=4, null=True)
    net_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    vat_category = models.CharField(max_length=5, blank=True)
    vat_rate = models.DecimalField(max_digits=6, decimal_places=2, null=True)

    class Meta:
        ordering = ["pk"]

    @property
    def unit_label(self) -> str:
        """UN/ECE rec. 20 codes as staff say them (unknown codes shown as they are)."""
        return UNIT_LABELS.get(self.unit, self.unit)


class DocumentVat(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="vat")
    category = models.CharField(max_length=5, blank=True)
    rate = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    taxable_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    tax_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    exemption_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-rate", "pk"]


class DocumentEvent(models.Model):
    """The status history: what changed, when, through whom (sync, staff, send)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20)  # discovered | stored | status | acknowledged | ...
    internal_status = models.CharField(max_length=20, blank=True)
    external_status = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["document", "at"])]


class Upload(models.Model):
    """A UBL file staff sent through Omnizon: checked, sent once, then followed."""

    class State(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        UNKNOWN = "unknown", "Outcome unknown"
        REFUSED = "refused", "Refused"

    connection = models.ForeignKey("core.Connection", on_delete=models.CASCADE,
                                   related_name="omnizon_uploads")
    company_vat = models.CharField(max_length=20)
    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    number = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING)
    error = models.TextField(blank=True)
    document = models.OneToOneField(Document, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="upload")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    attempted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["connection", "company_vat", "sha256"],
                                               name="omnizon_upload_once")]

    def __str__(self):
        return f"{self.file_name} ({self.state})"


class UsageMonth(models.Model):
    """billing/monthly-usage of one company and month."""

    connection = models.ForeignKey("core.Connection", on_delete=models.CASCADE,
                                   related_name="omnizon_usage")
    key = models.CharField(max_length=40)  # "<vat>:<yyyy>-<mm>"
    company_vat = models.CharField(max_length=20)
    month = models.DateField()  # first day
    documents_in = models.IntegerField(default=0)
    documents_out = models.IntegerField(default=0)
    documents_total = models.IntegerField(default=0)
    raw = models.JSONField(default=list)
    content_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["company_vat", "month"]
        constraints = [models.UniqueConstraint(fields=["connection", "key"],
                                               name="omnizon_usage_unique")]
        indexes = [models.Index(fields=["connection", "company_vat", "month"])]


class ArchiveUsage(models.Model):
    connection = models.ForeignKey("core.Connection", on_delete=models.CASCADE,
                                   related_name="omnizon_archive_usage")
    company_vat = models.CharField(max_length=20)
    archive_bytes = models.BigIntegerField(default=0)
    raw = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "company_vat"],
                                               name="omnizon_archive_usage_unique")]
