"""Load events through their community, never by bare id."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from commonplace.communities.access import CommunityAccess, access_community_for_members
from commonplace.events.models import CalendarFeed, Event
from commonplace.events.permissions import check_can_change_event


def access_event(*, access: CommunityAccess, event_id: int) -> Event:
    """An event of the community the viewer may read; 404 otherwise."""
    event = (
        Event.objects.select_related("community", "created_by")
        .filter(community=access.community, pk=event_id)
        .first()
    )
    if event is None:
        raise Http404("No such event in this community.")
    return event


def access_changeable_event(
    *, user: Any, slug: str, event_id: int
) -> tuple[CommunityAccess, Event]:
    """An event `user` may change (a leader, its planner or a coordinator, while an
    active member of its community), with that access; 404 or 403 otherwise."""
    access = access_community_for_members(user=user, slug=slug)
    event = access_event(access=access, event_id=event_id)
    check_can_change_event(user, access.membership, event)
    return access, event


def access_calendar_feed(*, key: str) -> CalendarFeed:
    """The feed with this key, of an active account; 404 otherwise."""
    feed = CalendarFeed.objects.select_related("user").filter(key=key).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar.")
    return feed
