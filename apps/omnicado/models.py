"""Synced Omnicado documents: marketplace invoices and offsets (netting documents).

Each row keeps the provider payload (`raw`) and its `content_hash`; ids the provider generates
are 64-bit. The parties are snapshots on the document, so they are columns, not shared rows.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse

MONEY = {"max_digits": 16, "decimal_places": 2}
PRICE = {"max_digits": 18, "decimal_places": 4}  # item unit prices and quantities


class Synced(models.Model):
    content_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()
    first_seen_at = models.DateTimeField()

    class Meta:
        abstract = True

    @property
    def raw(self) -> dict:
        """The provider payload as received (kept in a 1:1 side table, see Payload)."""
        return self.payload.raw


class Payload(models.Model):
    """The provider payload of a document, amounts as exact decimal strings.

    A side table, so the document tables stay narrow: with a ~2 KB payload inline, every
    SQLite row fills a page and a filtered count or total over 100k invoices reads 400 MB.
    """

    raw = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        abstract = True


class Parties(models.Model):
    supplier_name = models.CharField(max_length=255, blank=True)
    supplier_registration_number = models.CharField("supplier IČO", max_length=40, blank=True)
    supplier_tax_id = models.CharField("supplier DIČ", max_length=40, blank=True)
    supplier_vat_number = models.CharField(max_length=40, blank=True)
    supplier_note = models.TextField(blank=True)
    supplier_street = models.CharField(max_length=255, blank=True)
    supplier_city = models.CharField(max_length=120, blank=True)
    supplier_zip = models.CharField(max_length=20, blank=True)
    supplier_country = models.CharField(max_length=10, blank=True)
    customer_name = models.CharField(max_length=255, blank=True)
    customer_registration_number = models.CharField("customer IČO", max_length=40, blank=True)
    customer_tax_id = models.CharField("customer DIČ", max_length=40, blank=True)
    customer_vat_number = models.CharField(max_length=40, blank=True)
    customer_note = models.TextField(blank=True)
    customer_street = models.CharField(max_length=255, blank=True)
    customer_city = models.CharField(max_length=120, blank=True)
    customer_zip = models.CharField(max_length=20, blank=True)
    customer_country = models.CharField(max_length=10, blank=True)

    class Meta:
        abstract = True


class Invoice(Synced, Parties):
    connection = models.ForeignKey("core.Connection", on_delete=models.CASCADE,
                                   related_name="omnicado_invoices")
    invoice_number = models.BigIntegerField()
    partner = models.CharField(max_length=20)
    origin_document_id = models.CharField(max_length=60, blank=True)
    created_on = models.DateField(null=True)
    delivered_on = models.DateField(null=True)
    due_on = models.DateField(null=True)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(**MONEY)
    items_total = models.DecimalField(**MONEY, help_text="Sum of the item totals.")
    tax_recap_total = models.DecimalField(**MONEY, null=True)
    consistent = models.BooleanField(
        default=True, help_text="Items, VAT recap and total agree (see the invoice's checks).")
    file_path = models.CharField(max_length=255, blank=True)
    note = models.TextField(blank=True)
    purch_no_c = models.CharField("purchase no.", max_length=40, blank=True)
    invoice_type = models.CharField(max_length=20, blank=True)
    invoice_indicator = models.CharField(max_length=20, blank=True)
    document_type = models.CharField(max_length=40, blank=True)
    invoice_type_tag = models.CharField(max_length=20, blank=True)
    bank_account = models.CharField(max_length=60, blank=True)
    bank_name = models.CharField(max_length=120, blank=True)
    iban = models.CharField("IBAN", max_length=40, blank=True)
    swift = models.CharField("SWIFT", max_length=20, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "invoice_number"],
                                               name="omnicado_invoice_unique")]
        indexes = [
            models.Index(fields=["invoice_number"], name="omnicado_inv_number"),
            models.Index(fields=["connection", "created_on"], name="omnicado_inv_conn_created"),
            models.Index(fields=["created_on"], name="omnicado_inv_created"),
            models.Index(fields=["due_on"], name="omnicado_inv_due"),
            models.Index(fields=["delivered_on"], name="omnicado_inv_delivered"),
            models.Index(fields=["total"], name="omnicado_inv_total"),
            # covers the per-currency totals of a currency + date range filter
            models.Index(fields=["currency", "created_on", "total"],
                         name="omnicado_inv_cur_created"),
            models.Index(fields=["partner"], name="omnicado_inv_partner"),
            models.Index(fields=["customer_name"], name="omnicado_inv_customer"),
            models.Index(fields=["invoice_type"], name="omnicado_inv_type"),
            models.Index(fields=["document_type"], name="omnicado_inv_doctype"),
            models.Index(fields=["consistent"], name="omnicado_inv_consistent"),
            models.Index(fields=["purch_no_c"], name="omnicado_inv_purch"),
        ]

    def __str__(self):
        return f"Invoice {self.invoice_number}"

    def get_absolute_url(self):
        return reverse("omnicado:invoice", args=[self.pk])


class InvoicePayload(Payload):
    invoice = models.OneToOneField(Invoice, on_delete=models.CASCADE, primary_key=True,
                                   related_name="payload")


class InvoiceItem(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    product_id = models.CharField(max_length=100, blank=True)
    article_id = models.BigIntegerField(null=True)
    order_id = models.BigIntegerField(null=True, db_index=True)
    title = models.TextField(blank=True)
    title_en = models.TextField(blank=True)
    quantity = models.DecimalField(**PRICE)
    unit = models.CharField(max_length=20, blank=True)
    unit_price = models.DecimalField(**PRICE)
    price_without_vat = models.DecimalField(**PRICE)
    vat_price = models.DecimalField(**PRICE, null=True)
    vat_rate = models.DecimalField(max_digits=6, decimal_places=2)
    total_price = models.DecimalField(**PRICE)

    class Meta:
        ordering = ["invoice", "position"]


class InvoiceTax(models.Model):
    """One line of the VAT recap: a rate ('21', '15') or 'osvobozeno' (VAT-exempt)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="taxes")
    rate = models.CharField(max_length=20)
    base = models.DecimalField(**MONEY)
    vat = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["invoice", "rate"]


class Offset(Synced, Parties):
    connection = models.ForeignKey("core.Connection", on_delete=models.CASCADE,
                                   related_name="omnicado_offsets")
    document_number = models.CharField(max_length=40)
    partner = models.CharField(max_length=20)
    created_on = models.DateField(null=True)
    due_on = models.DateField(null=True)
    currency = models.CharField(max_length=3)
    diff_price = models.DecimalField(**MONEY)
    variable_symbol = models.BigIntegerField(null=True)
    invoice_count = models.PositiveIntegerField(default=0)
    order_count = models.PositiveIntegerField(default=0)
    attachment_filename = models.CharField(max_length=255, blank=True)
    attachment_mime = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "document_number"],
                                               name="omnicado_offset_unique")]
        indexes = [
            models.Index(fields=["document_number"], name="omnicado_off_number"),
            models.Index(fields=["connection", "created_on"], name="omnicado_off_conn_created"),
            models.Index(fields=["created_on"], name="omnicado_off_created"),
            models.Index(fields=["due_on"], name="omnicado_off_due"),
            models.Index(fields=["diff_price"], name="omnicado_off_diff"),
            models.Index(fields=["currency"], name="omnicado_off_currency"),
            models.Index(fields=["partner"], name="omnicado_off_partner"),
            models.Index(fields=["variable_symbol"], name="omnicado_off_vs"),
        ]

    def __str__(self):
        return f"Offset {self.document_number}"

    def get_absolute_url(self):
        return reverse("omnicado:offset", args=[self.pk])


class OffsetPayload(Payload):
    offset = models.OneToOneField(Offset, on_delete=models.CASCADE, primary_key=True,
                                  related_name="payload")


class Settlement(models.Model):
    """Shared columns of what an offset settles (invoices, orders)."""

    offset = models.ForeignKey(Offset, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField()
    created_on = models.DateField(null=True)
    due_on = models.DateField(null=True)
    sum_price = models.DecimalField(**MONEY)
    offset_price = models.DecimalField(**MONEY)
    remain_price = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, blank=True)

    class Meta:
        abstract = True
        ordering = ["offset", "position"]


class OffsetInvoice(Settlement):
    offset = models.ForeignKey(Offset, on_delete=models.CASCADE, related_name="settled_invoices")
    invoice_number = models.BigIntegerField(db_index=True)  # the provider's invoices[].id
    invoice_number_text = models.CharField(max_length=60, blank=True)  # invoices[].invoiceNumber
    purch_no_c = models.CharField("purchase no.", max_length=40, blank=True)
    note = models.TextField(blank=True)


class OffsetOrder(Settlement):
    offset = models.ForeignKey(Offset, on_delete=models.CASCADE, related_name="orders")
    order_id = models.BigIntegerField(db_index=True)


class ProviderPdf(models.Model):
    """The provider's own PDF of a document, fetched once and kept (refetched only when the
    document's content changed)."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        OFFSET = "offset", "Offset"

    connection = models.ForeignKey("core.Connection", on_delete=models.CASCADE,
                                   related_name="omnicado_pdfs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    document_key = models.CharField(max_length=40)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    document_hash = models.CharField(max_length=64)
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "kind", "document_key"],
                                               name="omnicado_pdf_unique")]

    def __str__(self):
        return self.filename
