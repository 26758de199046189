"""Events as iCalendar (RFC 5545), for calendar apps: one event, or a community's calendar."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from commonplace.events.models import Event

PRODUCT = "-//Commonplace//Events//EN"


def _uid(event: Event) -> str:
    # Stable across edits, so a calendar replaces the event instead of adding a copy.
    host = urlsplit(settings.SITE_URL).hostname or "commonplace"
    return f"event-{event.pk}@{host}"


def _component(event: Event, url: str) -> CalendarEvent:
    item = CalendarEvent()
    item.add("uid", _uid(event))
    item.add("dtstamp", event.updated_at)
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    item.add("sequence", event.sequence)
    item.add("url", url)
    item.add("categories", [event.get_kind_display()])
    place = event.location or event.online_url
    if place:
        item.add("location", place)
    details = [event.description] if event.description else []
    if event.online_url:
        details.append(f"Join online: {event.online_url}")
    details.append(url)
    item.add("description", "\n\n".join(details))
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def to_ical(events: Iterable[Event], *, name: str, url_of: dict[int, str]) -> bytes:
    """A calendar named `name` holding `events`; `url_of` maps each event's id to its page."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_component(event, url_of[event.pk]))
    return calendar.to_ical()
