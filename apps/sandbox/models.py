from django.db import models


class SandboxAccount(models.Model):
    """An account at an emulated provider: its credential, and the seed and scale from which
    the emulator derives exactly the same data every time."""

    provider = models.CharField(max_length=20)
    key = models.CharField(max_length=200, help_text="The credential that selects the account.")
    seed = models.IntegerField(default=1)
    scale = models.IntegerField(default=100, help_text="How many primary records the account has.")
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "key"], name="sandbox_account_key")]

    def __str__(self):
        return f"{self.provider}:{self.key[:6]}… seed={self.seed} scale={self.scale}"


class SandboxFault(models.Model):
    """A fault the emulators inject into matching requests (tests switch them on and off)."""

    class Kind(models.TextChoices):
        STATUS = "status", "HTTP error status"
        TIMEOUT = "timeout", "Read timeout (request not processed)"
        DROP = "drop", "Connection dropped after the work was done"
        MALFORMED = "malformed", "Malformed JSON body"
        SLOW = "slow", "Slow response"

    provider = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.IntegerField(default=503)
    retry_after = models.CharField(max_length=40, blank=True)
    delay = models.FloatField(default=0)
    path_contains = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=10, blank=True)
    account = models.CharField(max_length=200, blank=True,
                               help_text="Only requests carrying this credential.")
    skip = models.IntegerField(default=0, help_text="Let this many matching requests through first.")
    remaining = models.IntegerField(default=1, help_text="-1: every matching request.")
    hits = models.IntegerField(default=0)

    def __str__(self):
        return f"{self.provider} {self.kind} {self.status} x{self.remaining}"
