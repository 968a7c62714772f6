"""The Omnizon emulator's state: the companies an API key serves and their documents.

Seeded documents keep only their listing fields here; their XML and PDF are regenerated from
(seed, index). Documents uploaded through `send` keep their XML in `content`.
"""

from django.db import models

from apps.sandbox.models import SandboxAccount


class Company(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE,
                                related_name="omnizon_companies")
    vat_number = models.CharField(max_length=11)  # OIB, without the HR prefix
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "vat_number"],
                                               name="sbx_omnizon_company_vat")]

    def __str__(self):
        return f"{self.name} ({self.vat_number})"


class Document(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE,
                                related_name="omnizon_documents")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="documents")
    document_id = models.CharField(max_length=24)
    index = models.IntegerField(null=True, blank=True, help_text="Seeded: content from (seed, index).")
    direction = models.CharField(max_length=3)  # in | out, from the company's side
    doc_type = models.CharField(max_length=12, default="Invoice")
    number = models.CharField(max_length=100)
    sender_name = models.CharField(max_length=300)
    sender_vat = models.CharField(max_length=20)
    receiver_name = models.CharField(max_length=300)
    receiver_vat = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    currency = models.CharField(max_length=3, default="EUR")
    created = models.DateTimeField()
    modified = models.DateTimeField()
    internal_status = models.CharField(max_length=10, default="OK")
    external_status = models.CharField(max_length=20, blank=True)
    internal_details = models.JSONField(default=list, blank=True)
    content = models.BinaryField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    has_pdf = models.BooleanField(default=True)
    broken = models.CharField(max_length=20, blank=True, help_text="Serve a hostile XML instead.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    will_fail = models.BooleanField(default=False)
    software_id = models.CharField(max_length=100, blank=True)
    fetched_by = models.CharField(max_length=100, blank=True)
    fetch_count = models.IntegerField(default=0)
    pdf_fetch_count = models.IntegerField(default=0)
    ack_count = models.IntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_reason = models.CharField(max_length=500, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_bytes = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "document_id"],
                                               name="sbx_omnizon_document_id")]
        indexes = [models.Index(fields=["company", "direction", "modified"]),
                   models.Index(fields=["company", "number"])]

    def __str__(self):
        return f"{self.direction} {self.number} ({self.document_id})"
