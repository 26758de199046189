"""Small database expressions shared by the actions."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest


def latest(field: str, at: datetime) -> Greatest:
    """`field` set to `at` unless it already holds a later time.

    Imports replay old actions out of order; "last activity" must never move back.
    """
    return Greatest(Coalesce(F(field), Value(at)), Value(at))
