"""Who may write, judge and use entries."""

from __future__ import annotations

from typing import Any

from commonplace.communities.models import LeadershipRole, Membership
from commonplace.communities.permissions import can_coordinate, can_participate
from commonplace.core.errors import ForbiddenError
from commonplace.repertoire.models import Maturity

# Deciding that an entry is the community's endorsed practice, or that it is
# retired, is classifying the practice: coordinators and classificatory leaders.
JUDGED = {Maturity.ENDORSED, Maturity.RETIRED}


def can_curate(membership: Membership | None) -> bool:
    return can_coordinate(membership) or (
        can_participate(membership)
        and membership is not None
        and LeadershipRole.CLASSIFICATORY in membership.leadership_roles
    )


def check_can_change_maturity(membership: Membership | None, to: str) -> None:
    if not can_participate(membership):
        raise ForbiddenError("Only members of this community can do that. Join it first.")
    if to in JUDGED and not can_curate(membership):
        raise ForbiddenError(
            "Only coordinators and classificatory leaders decide what is endorsed or retired."
        )


def can_edit_entry(user: Any, membership: Membership | None) -> bool:
    """Entries belong to the community: every member may improve them."""
    return bool(user.is_authenticated) and can_participate(membership)
