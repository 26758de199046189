from __future__ import annotations

from django.conf import settings
from django.db import models


class ExternalRef(models.Model):
    """What an imported record became, keyed by where it came from.

    Importers look records up here before writing, which makes them
    idempotent: a second run finds every record and changes nothing, and a
    run after the source grew writes only the new records.
    """

    source = models.CharField(max_length=200)
    kind = models.CharField(max_length=16)
    external_id = models.CharField(max_length=255)
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+", null=True
    )
    target_id = models.BigIntegerField()
    # Hash of the record's content: a changed source record is an update.
    digest = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "external_id"], name="one_ref_per_external_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.external_id} -> {self.target_id}"


class ImportRun(models.Model):
    """One run of an importer, with its summary, for coordinators to look back on."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="import_runs"
    )
    kind = models.CharField(max_length=32)
    source = models.CharField(max_length=500)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} import into {self.community_id} at {self.started_at:%Y-%m-%d %H:%M}"
