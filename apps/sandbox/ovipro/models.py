"""The Ovipro emulator's own state: invoices, offices (settings and numbering), parties.

An account is seeded once from its (seed, scale); afterwards the emulator is stateful like the
real provider: creates, edits, actions and credit notes change these rows.
"""

from django.db import models

from apps.ovipro.jsonnum import NumberDecoder, NumberEncoder
from apps.sandbox.models import SandboxAccount

NUMBERS = {"encoder": NumberEncoder, "decoder": NumberDecoder}


class EmuSeed(models.Model):
    """Which (seed, scale) the account's rows were built from; a change rebuilds them."""

    account = models.OneToOneField(SandboxAccount, on_delete=models.CASCADE,
                                   related_name="ovipro_seed")
    seed = models.IntegerField()
    scale = models.IntegerField()


class EmuOffice(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE)
    office_id = models.CharField(max_length=36)
    name = models.CharField(max_length=200)
    office_identifier = models.CharField(max_length=10)
    next_sequence = models.IntegerField(default=1)
    settings = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "office_id"],
                                               name="emu_ovipro_office")]


class EmuParty(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE)
    party_id = models.CharField(max_length=36)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "party_id"],
                                               name="emu_ovipro_party")]


class EmuInvoice(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE)
    invoice_id = models.CharField(max_length=36)
    status = models.CharField(max_length=20, db_index=True)
    invoice_type = models.CharField(max_length=20)
    reason = models.CharField(max_length=30)
    links = models.JSONField(default=dict)  # assignmentId / tradeSettlementId / ... as sent
    body = models.JSONField(**NUMBERS)               # the `invoice` object (BaseInvoice) as stored
    invoice_number = models.CharField(max_length=100, blank=True, db_index=True)
    reference_number = models.CharField(max_length=100, blank=True)
    is_paid = models.BooleanField(default=False)
    paid_date = models.DateField(null=True, blank=True)
    approved_date = models.DateField(null=True, blank=True)
    invoice_document_id = models.CharField(max_length=36, blank=True)
    preview_document_id = models.CharField(max_length=36, blank=True)
    preview_fingerprint = models.CharField(max_length=64, blank=True)
    credit_note = models.JSONField(null=True, blank=True)
    # Denormalised for the search filters
    office_id = models.CharField(max_length=36, db_index=True)
    agent_id = models.CharField(max_length=36, blank=True)
    party_ids = models.TextField(blank=True)    # "|id|id|"
    party_names = models.TextField(blank=True)  # lower-case, for partyName
    search_text = models.TextField(blank=True)  # lower-case, for freeTextSearch
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    invoicing_date = models.DateField(null=True, blank=True)
    creation_time = models.DateTimeField()
    modification_time = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "invoice_id"],
                                               name="emu_ovipro_invoice")]


class EmuDocument(models.Model):
    """A stored PDF (preview or final): the emulator's slice of the Document API."""

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE)
    document_id = models.CharField(max_length=36, unique=True)
    invoice_id = models.CharField(max_length=36)
    kind = models.CharField(max_length=10)  # preview | invoice
    snapshot = models.JSONField(**NUMBERS)           # the invoice as it was when the document was made
    created_at = models.DateTimeField(auto_now_add=True)
