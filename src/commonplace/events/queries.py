"""Reads of events: the community's calendar, who is coming."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from commonplace.accounts.models import User
from commonplace.communities.models import Community
from commonplace.events.models import Event, EventResponse, Response

UPCOMING, PAST = "upcoming", "past"


def _with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        going_count=Count("responses", filter=Q(responses__response=Response.GOING)),
        maybe_count=Count("responses", filter=Q(responses__response=Response.MAYBE)),
    ).prefetch_related("topics", "leaders")


def list_events(
    *, community: Community, period: str = UPCOMING, topic: str = "", now: datetime | None = None
) -> QuerySet[Event]:
    """Events still to end, soonest first; or those that ended, latest first."""
    now = now or timezone.now()
    events = Event.objects.filter(community=community)
    if topic:
        events = events.filter(topics__slug=topic)
    if period == PAST:
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-id")
    else:
        events = events.filter(ends_at__gte=now).order_by("starts_at", "id")
    return _with_counts(events)


def list_next_events(*, community: Community, limit: int = 3) -> list[Event]:
    """What is coming up, without cancelled events (for the community's overview)."""
    events = list_events(community=community).filter(cancelled_at__isnull=True)
    return list(events[:limit])


def list_calendar_events(*, community: Community, now: datetime | None = None) -> list[Event]:
    """What a calendar subscription holds: the last half-year and everything to come."""
    now = now or timezone.now()
    since = now - timedelta(days=183)
    return list(
        Event.objects.filter(community=community, ends_at__gte=since)
        .select_related("community")
        .order_by("starts_at", "id")
    )


def count_responses(*, event: Event) -> dict[str, int]:
    counts = dict(
        event.responses.values("response").annotate(n=Count("id")).values_list("response", "n")
    )
    return {choice: counts.get(choice, 0) for choice in Response.values}


def list_attendees(*, event: Event, response: str = Response.GOING) -> list[User]:
    return [
        r.user
        for r in EventResponse.objects.filter(event=event, response=response)
        .select_related("user")
        .order_by("responded_at")
    ]


def get_response(*, event: Event, user: Any) -> str:
    """The viewer's answer to `event`, or "" when they have not answered."""
    if not user.is_authenticated:
        return ""
    answer = EventResponse.objects.filter(event=event, user=user).values_list("response", flat=True)
    return answer.first() or ""
