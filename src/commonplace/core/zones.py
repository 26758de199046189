"""Time zones by name, never failing: a page must render whatever a profile holds."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings


def zone_named(name: str) -> ZoneInfo:
    """The zone called `name`, or the site's TIME_ZONE where `name` is empty or unknown
    (a profile restored from an archive made with other time zone data)."""
    try:
        return ZoneInfo(name) if name else ZoneInfo(settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)
