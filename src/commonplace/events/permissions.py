"""Who may plan, change and answer events."""

from __future__ import annotations

from typing import Any

from commonplace.communities.models import Membership
from commonplace.communities.permissions import can_coordinate, can_participate
from commonplace.core.errors import ForbiddenError
from commonplace.events.models import Event


def can_change_event(user: Any, membership: Membership | None, event: Event) -> bool:
    """Coordinators, and the member who planned it or leads it, while still a member."""
    if not user.is_authenticated or not can_participate(membership):
        return False
    if can_coordinate(membership) or event.created_by_id == user.pk:
        return True
    return event.leaders.filter(pk=user.pk).exists()


def check_can_change_event(user: Any, membership: Membership | None, event: Event) -> None:
    if not can_change_event(user, membership, event):
        raise ForbiddenError("Only the event's leaders, whoever planned it and coordinators can.")
