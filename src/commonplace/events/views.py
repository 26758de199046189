"""Pages of a community's events. Each view: validate, access, one action or query, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from commonplace.accounts.access import signed_in_user
from commonplace.communities.access import (
    CommunityAccess,
    access_community_content,
    access_community_for_members,
)
from commonplace.core.errors import ConflictError, DomainError
from commonplace.core.forms import add_domain_error
from commonplace.core.pagination import paginate, parse_page_number
from commonplace.events import actions, ics, permissions, queries
from commonplace.events.access import (
    access_calendar_feed,
    access_changeable_event,
    access_event,
)
from commonplace.events.forms import (
    CancelForm,
    EventFilterForm,
    EventForm,
    NewEventForm,
    ResponseForm,
)
from commonplace.events.models import Event, EventKind


def _calendar_response(request: HttpRequest, events: list[Event], *, name: str) -> HttpResponse:
    url_of = {
        e.pk: request.build_absolute_uri(reverse("events:event", args=[e.community.slug, e.pk]))
        for e in events
    }
    response = HttpResponse(
        ics.to_ical(events, name=name, url_of=url_of), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "events"}.ics"'
    return response


def event_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    form = EventFilterForm(request.GET)
    period, topic = queries.UPCOMING, ""
    if form.is_valid():
        period = form.cleaned_data["period"] or queries.UPCOMING
        topic = form.cleaned_data["topic"]
    page = paginate(
        queries.list_events(community=access.community, period=period, topic=topic),
        number=parse_page_number(request.GET.get("page")),
        per_page=20,
    )
    return render(
        request,
        "events/event_list.html",
        {
            "access": access,
            "community": access.community,
            "page": page,
            "period": period,
            "topic": topic,
            "topics": access.community.topics.all(),
            "rhythm": queries.get_rhythm(community=access.community),
        },
    )


def _form_page(
    request: HttpRequest, access: CommunityAccess, form: EventForm, event: Event | None = None
) -> HttpResponse:
    return render(
        request,
        "events/event_form.html",
        {"access": access, "community": access.community, "form": form, "event": event},
        status=422 if form.errors else 200,
    )


@login_required
def event_new(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    kind = request.GET.get("kind", EventKind.MEETING)
    initial = {"kind": kind if kind in EventKind.values else EventKind.MEETING}
    form = NewEventForm(request.POST or None, community=access.community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            events = actions.schedule_events(
                community=access.community, by=user, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                f"{len(events)} events are on the community's calendar."
                if len(events) > 1
                else "The event is on the community's calendar.",
            )
            return redirect(actions.event_url(events[0]))
    return _form_page(request, access, form)


@login_required
def event_edit(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access, event = access_changeable_event(user=user, slug=slug, event_id=event_id)
    if event.is_cancelled:
        raise ConflictError("This event was cancelled; plan a new one instead.")
    initial: dict[str, Any] = {
        "kind": event.kind,
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "location": event.location,
        "online_url": event.online_url,
        "description": event.description,
        "topics": [t.slug for t in event.topics.all()],
        "leaders": ", ".join(u.username for u in event.leaders.all()),
    }
    form = EventForm(request.POST or None, community=access.community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_event(event=event, by=user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Saved. People coming hear of a new time or place.")
            return redirect(actions.event_url(event))
    return _form_page(request, access, form, event)


def event_detail(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    event = access_event(access=access, event_id=event_id)
    return render(
        request,
        "events/event_detail.html",
        {
            "access": access,
            "community": access.community,
            "event": event,
            "leaders": list(event.leaders.all()),
            "topics": list(event.topics.all()),
            "series": queries.list_series(event=event),
            "notes": queries.list_notes(event=event),
            "has_begun": event.starts_at <= timezone.now(),
            "counts": queries.count_responses(event=event),
            "going": queries.list_attendees(event=event),
            "mine": queries.get_response(event=event, user=request.user),
            "is_over": event.ends_at <= timezone.now(),
            "can_change": permissions.can_change_event(request.user, access.membership, event),
            "response_choices": ResponseForm.base_fields["response"].choices,  # type: ignore[attr-defined]
        },
    )


@login_required
@require_POST
def event_respond(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    event = access_event(access=access, event_id=event_id)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        raise DomainError("Choose going, maybe or not going.", field="response")
    actions.respond_to_event(event=event, by=user, response=form.cleaned_data["response"])
    messages.success(request, "Your answer is saved.")
    return redirect(actions.event_url(event))


@login_required
@require_POST
def event_cancel(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    user = signed_in_user(request)
    _, event = access_changeable_event(user=user, slug=slug, event_id=event_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        raise DomainError(" ".join(str(e) for e in form.errors["reason"]), field="reason")
    actions.cancel_event(event=event, by=user, reason=form.cleaned_data["reason"])
    messages.success(request, "The event is cancelled; people who said they would come are told.")
    return redirect(actions.event_url(event))


@login_required
@require_POST
def event_write_up(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    """Notes that become practice: a lesson started from the event, linked to it."""
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    event = access_event(access=access, event_id=event_id)
    entry = actions.write_up_event(event=event, by=user)
    messages.success(
        request, "A draft lesson was started from the event. Write down what happened."
    )
    return redirect("repertoire:entry_edit", slug, entry.pk)


def event_ics(request: HttpRequest, slug: str, event_id: int) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    event = access_event(access=access, event_id=event_id)
    return _calendar_response(request, [event], name=event.title)


def calendar_ics(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    events = queries.list_calendar_events(community=access.community)
    return _calendar_response(request, events, name=f"{access.community.name} events")


@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    """What is coming up in all my communities, and my private calendar address."""
    user = signed_in_user(request)
    page = paginate(
        queries.list_my_upcoming_events(user=user),
        number=parse_page_number(request.GET.get("page")),
        per_page=20,
    )
    feed = actions.get_calendar_feed(user=user)
    feed_url = request.build_absolute_uri(reverse("events:feed", args=[feed.key]))
    return render(request, "events/my_events.html", {"page": page, "feed_url": feed_url})


@login_required
@require_POST
def reset_feed(request: HttpRequest) -> HttpResponse:
    actions.reset_calendar_feed(user=signed_in_user(request))
    messages.success(request, "Your calendar has a new address; the old one no longer works.")
    return redirect("events:my_events")


def feed_ics(request: HttpRequest, key: str) -> HttpResponse:
    """A member's calendar, read by calendar apps with the key in the address."""
    feed = access_calendar_feed(key=key)
    events = queries.list_my_calendar(user=feed.user)
    return _calendar_response(request, events, name=f"{feed.user.name}'s communities")
