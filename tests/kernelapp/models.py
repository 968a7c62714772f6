from django.db import models


class Item(models.Model):
    connection = models.ForeignKey("core.Connection", on_delete=models.CASCADE)
    external_id = models.BigIntegerField()
    name = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    updated_at = models.DateTimeField()
    raw = models.JSONField()
    content_hash = models.CharField(max_length=64)
    synced_at = models.DateTimeField()

    class Meta:
        app_label = "kernelapp"
        constraints = [models.UniqueConstraint(fields=["connection", "external_id"],
                                               name="kernel_item_unique")]
