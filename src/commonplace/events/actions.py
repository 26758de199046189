"""Writes to events. The caller has loaded the community through its access helper and
checked that `by` is a member; rules that depend on the event are checked here."""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, NotRequired, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commonplace.accounts.models import User
from commonplace.communities.actions import notify
from commonplace.communities.models import (
    Community,
    Membership,
    MembershipStatus,
    NotificationKind,
    Topic,
)
from commonplace.communities.queries import resolve_topics
from commonplace.core.activity import record_activity
from commonplace.core.errors import ConflictError, DomainError
from commonplace.core.markdown import render_markdown
from commonplace.core.models import Verb
from commonplace.events.models import (
    CalendarFeed,
    Event,
    EventKind,
    EventNotes,
    EventResponse,
    Repeat,
    Response,
)
from commonplace.repertoire.actions import create_entry
from commonplace.repertoire.models import Entry, EntryKind

MAX_TITLE, MAX_DESCRIPTION, MAX_PLACE = 200, 20_000, 200
MAX_LEADERS = 10
# Longer than this is a programme, not an event: plan it as several.
MAX_LENGTH = timedelta(days=14)
FIRST_YEAR, LAST_YEAR = 1900, 2199
# Half a year of weekly meetings, two years of monthly ones.
MAX_OCCURRENCES = 26
# Who hears that an event moved or was called off.
EXPECTED = (Response.GOING, Response.MAYBE)


class EventFields(TypedDict):
    """What whoever plans an event fills in; the actions check all of it."""

    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    description: NotRequired[str]
    location: NotRequired[str]
    online_url: NotRequired[str]
    topics: NotRequired[Sequence[str]]
    leaders: NotRequired[Sequence[str]]


@dataclass(frozen=True)
class _Checked:
    values: dict[str, Any]  # the Event fields, cleaned
    topics: list[Topic]
    leaders: list[User]


def _when(moment: datetime, field: str = "starts_at") -> datetime:
    """`moment` to the minute, in UTC: pages show it on each reader's clock."""
    if timezone.is_naive(moment):
        raise DomainError("Give the times with their time zone.", field=field)
    try:
        moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    except (OverflowError, ValueError):
        moment = datetime.min.replace(tzinfo=UTC)  # refused just below
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise DomainError(f"Give a date between {FIRST_YEAR} and {LAST_YEAR}.", field=field)
    return moment


def _online_url(value: str) -> str:
    value = value.strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise DomainError(
                "Give the online link as a web address starting with https://.",
                field="online_url",
            ) from None
    return value


def _check(community: Community, fields: EventFields, leaders: list[User]) -> _Checked:
    """Every field checked; `leaders` lead it when `fields` names nobody."""
    kind = fields["kind"]
    if kind not in EventKind.values:
        raise DomainError(f"Unknown kind of event “{kind}”.", field="kind")
    title = " ".join(fields["title"].split())
    if not title:
        raise DomainError("Give the event a title.", field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(f"Keep the title under {MAX_TITLE} characters.", field="title")
    description = fields.get("description", "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(f"Keep it under {MAX_DESCRIPTION:,} characters.", field="description")
    starts_at, ends_at = _when(fields["starts_at"]), _when(fields["ends_at"], "ends_at")
    if ends_at <= starts_at:
        raise DomainError("The event must end after it starts.", field="ends_at")
    if ends_at - starts_at > MAX_LENGTH:
        raise DomainError(
            "An event lasts two weeks at most: plan longer ones as several.", field="ends_at"
        )
    location = " ".join(fields.get("location", "").split())
    if len(location) > MAX_PLACE:
        raise DomainError(f"Keep the place under {MAX_PLACE} characters.", field="location")
    online_url = _online_url(fields.get("online_url", ""))
    values = {
        "kind": kind,
        "title": title,
        "description": description,
        "description_html": render_markdown(description) if description else "",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "location": location,
        "online_url": online_url,
    }
    return _Checked(
        values=values,
        topics=resolve_topics(community, fields.get("topics", ())),
        leaders=_leaders(community, fields.get("leaders", ())) or leaders,
    )


def _leaders(community: Community, usernames: Sequence[str]) -> list[User]:
    """Active members named by username ([] when nobody is named)."""
    names = list(dict.fromkeys(n.strip().lstrip("@") for n in usernames if n.strip()))
    if not names:
        return []
    if len(names) > MAX_LEADERS:
        raise DomainError(f"Name at most {MAX_LEADERS} leaders.", field="leaders")
    members = {
        m.user.username: m.user
        for m in Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE, user__username__in=names
        ).select_related("user")
    }
    missing = [n for n in names if n not in members]
    if missing:
        raise DomainError(
            f"“{missing[0]}” is not a member of this community: only members lead its events.",
            field="leaders",
        )
    return [members[n] for n in names]


def event_url(event: Event) -> str:
    return reverse("events:event", args=[event.community.slug, event.pk])


def _create(
    community: Community, by: User, checked: _Checked, repeats: Event | None = None
) -> Event:
    now = timezone.now()
    event = Event.objects.create(
        community=community, created_by=by, created_at=now, updated_at=now, repeats=repeats,
        **checked.values,
    )  # fmt: skip
    event.topics.set(checked.topics)
    event.leaders.set(checked.leaders)
    record_activity(
        actor=by, verb=Verb.EVENT_SCHEDULED, community=community, target=event, at=now,
        data={
            "kind": event.kind,
            "leaders": [u.pk for u in checked.leaders],
            "repeats": repeats.pk if repeats else None,
        },
    )  # fmt: skip
    if repeats is None:  # once per series
        _tell_leaders(event, checked.leaders, by=by)
    return event


@transaction.atomic
def schedule_event(*, community: Community, by: User, **fields: Unpack[EventFields]) -> Event:
    """Put an event on the community's calendar. Past events may be recorded too:
    what a community did, and who led it, is part of its history."""
    return _create(community, by, _check(community, fields, leaders=[by]))


def _same_weekday_of_month(first: datetime, months: int) -> datetime:
    """`first` moved `months` months on, to the same weekday in the same week of the month
    ("the second Tuesday"), or the last such weekday where that month has no fifth one."""
    month_index = first.month - 1 + months
    year, month = first.year + month_index // 12, month_index % 12 + 1
    day_one = first.replace(year=year, month=month, day=1)
    offset = (first.weekday() - day_one.weekday()) % 7
    day = 1 + offset + 7 * ((first.day - 1) // 7)
    if day > calendar.monthrange(year, month)[1]:
        day -= 7
    return day_one.replace(day=day)


def occurrence_starts(first: datetime, repeat: str, count: int) -> list[datetime]:
    """When each of `count` occurrences starts, the first at `first`."""
    if repeat == Repeat.MONTHLY:
        return [_same_weekday_of_month(first, n) for n in range(count)]
    every = timedelta(days=14 if repeat == Repeat.FORTNIGHTLY else 7)
    return [first + every * n for n in range(count)]


@transaction.atomic
def schedule_events(
    *,
    community: Community,
    by: User,
    repeat: str = "",
    occurrences: int = 1,
    **fields: Unpack[EventFields],
) -> list[Event]:
    """Plan one event, or a repeating one: `occurrences` events, each linked to the first."""
    if not repeat:
        if occurrences != 1:
            raise DomainError("Choose how the event repeats.", field="repeat")
        return [schedule_event(community=community, by=by, **fields)]
    if repeat not in Repeat.values:
        raise DomainError(f"Unknown way of repeating “{repeat}”.", field="repeat")
    if not 2 <= occurrences <= MAX_OCCURRENCES:
        raise DomainError(f"A series has 2 to {MAX_OCCURRENCES} occurrences.", field="occurrences")
    # Checked once: the occurrences differ only in their times.
    checked = _check(community, fields, leaders=[by])
    first = _create(community, by, checked)
    length = first.ends_at - first.starts_at
    series = [first]
    # Repeated on the planner's wall clock, so a weekly 18:00 call stays at 18:00
    # for them when summer time starts or ends.
    local_start = first.starts_at.astimezone(by.zone)
    for start in occurrence_starts(local_start, repeat, occurrences)[1:]:
        # The length is added in UTC: on the local clock, an occurrence on the
        # night summer time starts would lose an hour (or end as it starts).
        starts_at = _when(start)
        times = {"starts_at": starts_at, "ends_at": _when(starts_at + length, "ends_at")}
        later = replace(checked, values={**checked.values, **times})
        series.append(_create(community, by, later, repeats=first))
    return series


def _tell_leaders(event: Event, leaders: Sequence[User], *, by: User) -> None:
    """Members named to lead `event` by someone else hear of it."""
    for leader in leaders:
        if leader.pk != by.pk:
            notify(
                user=leader, community=event.community, kind=NotificationKind.EVENT_LEADING,
                title=f"You lead: {event.title}", url=event_url(event),
                reason=f"{by.name} named you a leader.", target=event,
            )  # fmt: skip


def _tell_people(
    event: Event,
    *,
    by: User | None,
    kind: NotificationKind,
    title: str | Callable[[User], str],
    also: Sequence[User] = (),
) -> None:
    """Tell its leaders (and `also`: leaders an edit dropped) and whoever said they would
    come; not `by`, who made the change. `title` may be written for each person."""
    told = {by.pk} if by is not None else set()
    people = [(u, "You lead it.") for u in [*event.leaders.all(), *also]]
    answers = event.responses.filter(response__in=EXPECTED).select_related("user")
    people += [(r.user, "You said you would come.") for r in answers]
    for person, reason in people:
        if person.pk not in told:
            told.add(person.pk)
            notify(
                user=person, community=event.community, kind=kind,
                title=title(person) if callable(title) else title,
                url=event_url(event), reason=reason, target=event,
            )  # fmt: skip


@transaction.atomic
def edit_event(*, event: Event, by: User, **fields: Unpack[EventFields]) -> Event:
    """Change an event; people coming hear of a new time or place. The caller checked
    that `by` may change it (permissions.check_can_change_event)."""
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    if event.is_cancelled:
        raise ConflictError("This event was cancelled; plan a new one instead.")
    current = list(event.leaders.all())
    checked = _check(event.community, fields, leaders=current)  # kept unless others are named
    before = {u.pk for u in current}
    where = ("starts_at", "ends_at", "location", "online_url")
    moved = any(getattr(event, name) != checked.values[name] for name in where)
    if event.starts_at != checked.values["starts_at"]:
        event.reminded_at = None  # remind again before the new time
    for name, value in checked.values.items():
        setattr(event, name, value)
    event.updated_at = timezone.now()
    event.sequence += 1
    event.save()
    event.topics.set(checked.topics)
    event.leaders.set(checked.leaders)
    record_activity(
        actor=by, verb=Verb.EVENT_EDITED, community=event.community, target=event,
        data={
            "moved": moved,
            "leaders": [u.pk for u in checked.leaders],
            # Whose record of leading it must be rebuilt without it.
            "dropped": sorted(before - {u.pk for u in checked.leaders}),
        },
    )  # fmt: skip
    dropped = [u for u in current if u not in checked.leaders]
    if moved and event.ends_at > timezone.now():  # a correction to the past tells nobody
        _tell_people(
            event, by=by, kind=NotificationKind.EVENT_CHANGED,
            title=f"New time or place: {event.title}", also=dropped,
        )  # fmt: skip
    _tell_leaders(event, [u for u in checked.leaders if u.pk not in before], by=by)
    return event


@transaction.atomic
def cancel_event(*, event: Event, by: User, reason: str = "") -> Event:
    """Call an event off; it stays listed, marked cancelled. The caller checked `by` may."""
    event = Event.objects.select_for_update().select_related("community").get(pk=event.pk)
    if event.is_cancelled:
        raise ConflictError("This event is already cancelled.")
    reason = " ".join(reason.split())
    if len(reason) > 500:
        raise DomainError("Keep the reason under 500 characters.", field="reason")
    now = timezone.now()
    event.cancelled_at, event.cancel_reason = now, reason
    event.updated_at = now
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "cancel_reason", "updated_at", "sequence"])
    record_activity(actor=by, verb=Verb.EVENT_CANCELLED, community=event.community, target=event)
    if event.ends_at > now:
        _tell_people(
            event, by=by, kind=NotificationKind.EVENT_CANCELLED, title=f"Cancelled: {event.title}"
        )
    return event


@transaction.atomic
def respond_to_event(*, event: Event, by: User, response: str) -> EventResponse:
    """Say whether `by` (a member) is coming; answering again replaces the answer."""
    if response not in Response.values:
        raise DomainError(f"Unknown answer “{response}”.", field="response")
    if event.is_cancelled:
        raise ConflictError("This event was cancelled.")
    now = timezone.now()
    if event.ends_at <= now:
        raise ConflictError("This event is over.")
    answer, _ = EventResponse.objects.update_or_create(
        event=event, user=by, defaults={"response": response, "responded_at": now}
    )
    record_activity(
        actor=by, verb=Verb.EVENT_RESPONDED, community=event.community, target=event, at=now,
        data={"response": response},
    )  # fmt: skip
    return answer


# Reminders go out this long before an event starts.
REMIND_BEFORE = timedelta(hours=24)


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind the leaders and the people coming of each event that starts within a day;
    once per event. Returns how many events were reminded."""
    now = now or timezone.now()
    due = Event.objects.filter(
        cancelled_at__isnull=True,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
    ).values_list("pk", flat=True)
    reminded = 0
    for event_id in list(due):
        with transaction.atomic():
            # Claimed under a lock, so two workers never remind twice.
            event = (
                Event.objects.select_for_update(skip_locked=True)
                .select_related("community")
                .filter(
                    pk=event_id,
                    reminded_at__isnull=True,
                    cancelled_at__isnull=True,
                    starts_at__gt=now,  # it may have moved since the first look
                    starts_at__lte=now + REMIND_BEFORE,
                )
                .first()
            )
            if event is None:
                continue
            event.reminded_at = now
            event.save(update_fields=["reminded_at"])
            _tell_people(
                event, by=None, kind=NotificationKind.EVENT_REMINDER,
                title=partial(_reminder_title, event),
            )  # fmt: skip
            reminded += 1
    return reminded


def _reminder_title(event: Event, person: User) -> str:
    """When `event` starts on `person`'s clock, and what it is: "Tue 03 Mar, 18:00 CET: …"."""
    return f"{event.starts_at.astimezone(person.zone):%a %d %b, %H:%M %Z}: {event.title}"


def _notes_outline(event: Event, by: User) -> str:
    leaders = ", ".join(u.name for u in event.leaders.all())
    when = event.starts_at.astimezone(by.zone).strftime("%d %B %Y")
    place = f", {event.location}" if event.location else ""
    return (
        f"*{event.get_kind_display()} on {when}{place}, led by {leaders}.*\n\n"
        "## What we discussed\n\n## What we learned\n\n## What to do differently\n"
    )


@transaction.atomic
def write_up_event(*, event: Event, by: User) -> Entry:
    """Start a lesson in the repertoire from an event that took place, linked to it.

    The caller has checked that `by` is a member of the event's community.
    """
    if event.is_cancelled:
        raise ConflictError("This event was cancelled: there is nothing to write up.")
    if event.starts_at > timezone.now():
        raise ConflictError("Write the notes up once the event has taken place.")
    untouched = event.notes.filter(
        entry__created_by=by, entry__version=1, entry__deleted_at__isnull=True
    ).first()
    if untouched is not None:  # a second click, or coming back to it: the same draft
        return untouched.entry
    entry = create_entry(
        community=event.community, by=by, kind=EntryKind.LESSON,
        title=f"Notes: {event.title}"[:MAX_TITLE], body=_notes_outline(event, by),
        topics=[t.slug for t in event.topics.all()],
    )  # fmt: skip
    EventNotes.objects.create(event=event, entry=entry, created_at=entry.created_at)
    return entry


def get_calendar_feed(*, user: User) -> CalendarFeed:
    """`user`'s calendar address, made on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(
        user=user, defaults={"key": secrets.token_urlsafe(32), "created_at": timezone.now()}
    )
    return feed


def reset_calendar_feed(*, user: User) -> CalendarFeed:
    """A new calendar address for `user`; the old one stops working at once."""
    feed = get_calendar_feed(user=user)
    feed.key, feed.created_at = secrets.token_urlsafe(32), timezone.now()
    feed.save(update_fields=["key", "created_at"])
    return feed
