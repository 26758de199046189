"""Who may see and do what in a community. `can_*` answer; `check_can_*` raise.

Every rule takes the viewer's membership (or None) so that callers fetch it
once per request and the rules stay pure and cheap.
"""

from __future__ import annotations

from typing import Any

from commonplace.communities.models import (
    Community,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Visibility,
)
from commonplace.core.errors import ForbiddenError


def can_see_community(user: Any, community: Community, membership: Membership | None) -> bool:
    """Whether the community's existence (name, charter) may be shown."""
    if community.visibility == Visibility.PUBLIC:
        return True
    if community.visibility == Visibility.MEMBERS:
        return bool(user.is_authenticated)
    # Private: members and people holding an invitation.
    return membership is not None and membership.status in {
        MembershipStatus.ACTIVE,
        MembershipStatus.INVITED,
    }


def can_read_community(user: Any, community: Community, membership: Membership | None) -> bool:
    """Whether threads, posts and the member list may be read."""
    if community.visibility == Visibility.PUBLIC:
        return True
    return membership is not None and membership.is_active


def can_participate(membership: Membership | None) -> bool:
    """Start threads, reply, vote: active members only."""
    return membership is not None and membership.is_active


def can_coordinate(membership: Membership | None) -> bool:
    return membership is not None and membership.is_coordinator


def can_join(user: Any, community: Community, membership: Membership | None) -> bool:
    """Join at once (open communities) or accept an invitation."""
    if not user.is_authenticated:
        return False
    if membership is not None:
        return membership.status == MembershipStatus.INVITED
    return community.join_policy == JoinPolicy.OPEN and can_see_community(user, community, None)


def can_request_to_join(user: Any, community: Community, membership: Membership | None) -> bool:
    return (
        bool(user.is_authenticated)
        and membership is None
        and community.join_policy == JoinPolicy.REQUEST
        and can_see_community(user, community, None)
    )


def check_can_participate(membership: Membership | None) -> None:
    if not can_participate(membership):
        raise ForbiddenError("Only members of this community can do that. Join it first.")


def check_can_coordinate(membership: Membership | None) -> None:
    if not can_coordinate(membership):
        raise ForbiddenError("Only coordinators of this community can do that.")


def can_endorse_skill(user: Any, person: Any, *, peers: bool) -> bool:
    """Whether `user` may vouch for `person`'s skills: a peer, never oneself.

    `peers`: whether they share a community (access.are_peers).
    """
    return bool(user.is_authenticated and user.pk != person.pk and peers)


def check_can_endorse_skill(user: Any, person: Any, *, peers: bool) -> None:
    if user.is_authenticated and user.pk == person.pk:
        raise ForbiddenError("Others vouch for your skills; you cannot endorse your own.")
    if not can_endorse_skill(user, person, peers=peers):
        raise ForbiddenError(
            "Only people who share a community with them can endorse their skills."
        )
