"""The one way to write to the activity log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from commonplace.core.models import Activity, Verb


def record_activity(
    *,
    actor: Any,
    verb: Verb,
    community: Any = None,
    target: models.Model | None = None,
    at: datetime | None = None,
    data: dict[str, Any] | None = None,
) -> Activity:
    """Append one row to the log. `at` lets importers keep original times."""
    return Activity.objects.create(
        actor=actor,
        community=community,
        verb=verb,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=target.pk if target is not None else None,
        data=data or {},
        created_at=at or timezone.now(),
    )
