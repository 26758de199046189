"""Reads of events: the community's calendar, who is coming."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from commonplace.accounts.models import User
from commonplace.communities.models import Cadence, Community, Membership, MembershipStatus
from commonplace.communities.queries import readable_community_ids
from commonplace.events.models import Event, EventResponse, Response
from commonplace.repertoire.models import Entry

UPCOMING, PAST = "upcoming", "past"


def _with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    return (
        events.annotate(
            going_count=Count("responses", filter=Q(responses__response=Response.GOING)),
            maybe_count=Count("responses", filter=Q(responses__response=Response.MAYBE)),
        )
        .select_related("community")
        .prefetch_related("topics", "leaders")
    )


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


def _calendar(events: QuerySet[Event], now: datetime | None) -> list[Event]:
    """What a calendar subscription holds: the last half-year and everything to come."""
    since = (now or timezone.now()) - timedelta(days=183)
    return list(
        events.filter(ends_at__gte=since).select_related("community").order_by("starts_at", "id")
    )


def list_calendar_events(*, community: Community, now: datetime | None = None) -> list[Event]:
    return _calendar(Event.objects.filter(community=community), now)


def _my_communities(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)


def list_my_calendar(*, user: Any, now: datetime | None = None) -> list[Event]:
    """The calendar of every community `user` belongs to now (a private one they left
    drops out at once)."""
    mine = _my_communities(user).values("community_id")
    return _calendar(Event.objects.filter(community_id__in=mine), now)


def list_my_upcoming_events(*, user: Any) -> QuerySet[Event]:
    """Events to come in the communities `user` belongs to, soonest first."""
    mine = _my_communities(user).values("community_id")
    events = Event.objects.filter(community_id__in=mine, ends_at__gte=timezone.now())
    return _with_counts(events.order_by("starts_at", "id"))


def list_series(*, event: Event) -> list[Event]:
    """Every occurrence of the series `event` belongs to, itself included; [] for a lone event."""
    first = event.repeats_id or event.pk
    series = Event.objects.filter(Q(pk=first) | Q(repeats_id=first), community=event.community_id)
    events = list(series.order_by("starts_at", "id"))
    return events if len(events) > 1 else []


def list_notes(*, event: Event) -> list[Entry]:
    """The repertoire entries written up from `event`, oldest first."""
    return [
        link.entry
        for link in event.notes.filter(entry__deleted_at__isnull=True)
        .select_related("entry")
        .order_by("created_at", "id")
    ]


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


CADENCE_DAYS = {
    Cadence.WEEKLY: 7,
    Cadence.FORTNIGHTLY: 14,
    Cadence.MONTHLY: 31,
    Cadence.QUARTERLY: 92,
}
# A gathering may slip by half an interval before the rhythm counts as lapsed.
SLACK = 1.5


@dataclass(frozen=True)
class Rhythm:
    """How a community keeps the rhythm its charter sets (cadence tracking)."""

    as_of: datetime
    since: datetime  # when the community began, for one that has not met yet
    every_days: int | None  # None: the charter sets no rhythm
    last_met: datetime | None  # the start of the last event held, not cancelled
    next_planned: datetime | None
    held_last_year: int

    @property
    def lapsed(self) -> bool:
        """More than an interval and a half since the last gathering (or since the
        community began, if none was held), and nothing planned within the next interval."""
        if self.every_days is None:
            return False
        every = timedelta(days=self.every_days)
        overdue = self.as_of - (self.last_met or self.since) > every * SLACK
        soon = self.next_planned is not None and self.next_planned - self.as_of <= every
        return overdue and not soon


def get_rhythm(*, community: Community, now: datetime | None = None) -> Rhythm:
    now = now or timezone.now()
    held = Event.objects.filter(community=community, cancelled_at__isnull=True)
    last = held.filter(starts_at__lt=now).order_by("-starts_at").values_list("starts_at", flat=True)
    upcoming = held.filter(starts_at__gte=now).order_by("starts_at")
    return Rhythm(
        as_of=now,
        since=community.created_at,
        every_days=CADENCE_DAYS.get(Cadence(community.cadence)),
        last_met=last.first(),
        next_planned=upcoming.values_list("starts_at", flat=True).first(),
        held_last_year=held.filter(
            starts_at__lt=now, starts_at__gte=now - timedelta(days=365)
        ).count(),
    )


def personal_events(*, user: Any) -> dict[str, list[dict[str, Any]]]:
    """The events `user` planned or led and their answers, for their own data download.

    An event's title is shown only where they may still read its community:
    others may have renamed it since.
    """
    readable = set(readable_community_ids(user).values_list("id", flat=True))
    led = set(Event.leaders.through.objects.filter(user=user).values_list("event_id", flat=True))

    def about(event: Event) -> dict[str, Any]:
        seen = event.community_id in readable
        return {
            "event_id": event.pk,
            "community": event.community.slug if seen else None,
            "event_title": event.title if seen else None,
            "starts_at": event.starts_at.isoformat(),
        }

    mine = Event.objects.filter(Q(pk__in=led) | Q(created_by=user)).select_related("community")
    answers = EventResponse.objects.filter(user=user).select_related("event__community")
    return {
        "events": [
            {**about(e), "planned": e.created_by_id == user.pk, "led": e.pk in led}
            for e in mine.order_by("starts_at", "pk")
        ],
        "event_responses": [
            {**about(r.event), "response": r.response, "at": r.responded_at.isoformat()}
            for r in answers.order_by("responded_at", "pk")
        ],
    }


def list_led_soon(*, person: Any, viewer: Any, limit: int = 5) -> list[Event]:
    """Events to come that `person` leads, in communities `viewer` may read."""
    events = Event.objects.filter(
        leaders=person,
        community_id__in=readable_community_ids(viewer),
        cancelled_at__isnull=True,
        ends_at__gte=timezone.now(),
    ).select_related("community")
    return list(events.order_by("starts_at", "id")[:limit])
