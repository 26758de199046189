"""The one way to write to the activity log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from commonplace.core.models import Activity, Verb

ActivityListener = Callable[[Activity], None]

# Derived read models (the search index, later the mirror's figures) follow the
# log: every write records an activity, so a listener sees every change, in the
# same transaction, without the features below it knowing it exists.
_listeners: list[ActivityListener] = []
_bulk: ContextVar[bool] = ContextVar("activity_bulk", default=False)


@contextmanager
def bulk_writes() -> Iterator[None]:
    """Listeners skip their per-write work inside the block: the caller rebuilds afterwards.

    For bulk writers such as importers, where one rebuild of what the
    listeners derive costs far less than keeping it current record by record.
    """
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)


def writing_in_bulk() -> bool:
    """Inside `bulk_writes()`: listeners leave their work to the rebuild."""
    return _bulk.get()


def follow_activity(listener: ActivityListener) -> None:
    """Call `listener` with each activity as it is recorded (idempotent)."""
    if listener not in _listeners:
        _listeners.append(listener)


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
    activity = Activity.objects.create(
        actor=actor,
        community=community,
        verb=verb,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=target.pk if target is not None else None,
        data=data or {},
        created_at=at or timezone.now(),
    )
    for listener in _listeners:
        listener(activity)
    return activity
