"""Load events through their community, never by bare id."""

from __future__ import annotations

from django.http import Http404

from commonplace.communities.access import CommunityAccess
from commonplace.events.models import Event


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
