from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from commonplace.accounts.api_auth import require_user, viewer
from commonplace.communities.access import access_community_content, access_community_for_members
from commonplace.core.pagination import paginate
from commonplace.core.schemas import PageOut, PersonOut, page_out
from commonplace.events import actions, queries
from commonplace.events.access import access_changeable_event, access_event
from commonplace.events.actions import MAX_OCCURRENCES
from commonplace.events.models import Event, EventKind, Repeat, Response

router = Router(tags=["events"])


class EventOut(Schema):
    id: int
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    online_url: str
    topics: list[str]
    leaders: list[PersonOut]
    cancelled_at: datetime | None
    repeats_id: int | None = Field(description="The first event of its series, if it repeats.")
    created_at: datetime
    updated_at: datetime


class EventDetailOut(EventOut):
    description: str
    description_html: str
    cancel_reason: str
    responses: dict[str, int]
    my_response: str
    series: list[int] = Field(description="Every occurrence of its series, in order.")


class EventFiltersIn(Schema):
    period: str = Field(queries.UPCOMING, pattern=f"^({queries.UPCOMING}|{queries.PAST})$")
    topic: str = Field("", max_length=50)
    page: int = Field(1, ge=1, le=100_000)


class EventIn(Schema):
    kind: EventKind
    title: str = Field(min_length=1, max_length=200)
    starts_at: datetime
    ends_at: datetime
    description: str = Field("", max_length=20_000)
    location: str = Field("", max_length=200)
    online_url: str = Field("", max_length=500)
    topics: list[str] = Field(default_factory=list, max_length=5)
    leaders: list[str] = Field(
        default_factory=list, max_length=10, description="Usernames of members (default: you)."
    )


class NewEventIn(EventIn):
    repeat: Repeat | None = None
    occurrences: int = Field(1, ge=1, le=MAX_OCCURRENCES)


class WrittenUpOut(Schema):
    entry_id: int
    url: str


class CancelIn(Schema):
    reason: str = Field("", max_length=500)


class ResponseIn(Schema):
    response: Response


def _event_out(event: Event) -> dict[str, object]:
    data: dict[str, object] = {
        f: getattr(event, f) for f in EventOut.model_fields if f not in {"topics", "leaders"}
    }
    data["topics"] = [t.slug for t in event.topics.all()]
    data["leaders"] = list(event.leaders.all())
    return data


def _event_detail(event: Event, user: object) -> dict[str, object]:
    return {
        **_event_out(event),
        "description": event.description,
        "description_html": event.description_html,
        "cancel_reason": event.cancel_reason,
        "responses": queries.count_responses(event=event),
        "my_response": queries.get_response(event=event, user=user),
        "series": [e.pk for e in queries.list_series(event=event)],
    }


@router.get("/{slug}/events", response=PageOut[EventOut], summary="The community's events")
def list_events(
    request: HttpRequest, slug: str, filters: Query[EventFiltersIn]
) -> dict[str, object]:
    access = access_community_content(user=viewer(request), slug=slug)
    events = queries.list_events(
        community=access.community, period=filters.period, topic=filters.topic
    )
    result = paginate(events, number=filters.page, per_page=50)
    return {**page_out(result), "items": [_event_out(e) for e in result.items]}


@router.post(
    "/{slug}/events",
    response={201: EventDetailOut},
    summary="Plan an event, or a repeating one (members); answers with the first",
)
def schedule_event(
    request: HttpRequest, slug: str, payload: NewEventIn
) -> Status[dict[str, object]]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    fields = payload.dict()
    fields["repeat"] = fields["repeat"] or ""
    events = actions.schedule_events(community=access.community, by=user, **fields)
    return Status(201, _event_detail(events[0], user))


@router.get("/{slug}/events/{event_id}", response=EventDetailOut, summary="An event")
def get_event(request: HttpRequest, slug: str, event_id: int) -> dict[str, object]:
    user = viewer(request)
    access = access_community_content(user=user, slug=slug)
    return _event_detail(access_event(access=access, event_id=event_id), user)


@router.put(
    "/{slug}/events/{event_id}",
    response=EventDetailOut,
    summary="Change an event (its leaders, whoever planned it, coordinators)",
)
def edit_event(
    request: HttpRequest, slug: str, event_id: int, payload: EventIn
) -> dict[str, object]:
    user = require_user(request)
    _, event = access_changeable_event(user=user, slug=slug, event_id=event_id)
    return _event_detail(actions.edit_event(event=event, by=user, **payload.dict()), user)


@router.post(
    "/{slug}/events/{event_id}/cancel",
    response=EventDetailOut,
    summary="Call an event off (its leaders, whoever planned it, coordinators)",
)
def cancel_event(
    request: HttpRequest, slug: str, event_id: int, payload: CancelIn
) -> dict[str, object]:
    user = require_user(request)
    _, event = access_changeable_event(user=user, slug=slug, event_id=event_id)
    return _event_detail(actions.cancel_event(event=event, by=user, reason=payload.reason), user)


@router.put(
    "/{slug}/events/{event_id}/response",
    response=EventDetailOut,
    summary="Say whether you are coming (members)",
)
def respond(
    request: HttpRequest, slug: str, event_id: int, payload: ResponseIn
) -> dict[str, object]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    event = access_event(access=access, event_id=event_id)
    actions.respond_to_event(event=event, by=user, response=payload.response)
    return _event_detail(event, user)


@router.post(
    "/{slug}/events/{event_id}/write-up",
    response={201: WrittenUpOut},
    summary="Start a lesson from an event that took place, linked to it (members)",
)
def write_up(request: HttpRequest, slug: str, event_id: int) -> Status[dict[str, object]]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = actions.write_up_event(event=access_event(access=access, event_id=event_id), by=user)
    url = reverse("repertoire:entry", args=[slug, entry.pk])
    return Status(201, {"entry_id": entry.pk, "url": url})
