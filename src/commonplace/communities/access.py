"""Load a community for a viewer, or answer 404/403 before anything leaks.

Every page, API endpoint and command that touches a community's content
starts here, so a private community cannot be reached through a guessed URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from commonplace.communities import permissions
from commonplace.communities.models import Community, Membership, MembershipStatus
from commonplace.core.errors import ForbiddenError

NOT_FOUND = "No such community, or you may not see it."


@dataclass(frozen=True)
class CommunityAccess:
    """A community as one viewer sees it: the object and the viewer's membership."""

    user: Any
    community: Community
    membership: Membership | None

    @property
    def can_read(self) -> bool:
        return permissions.can_read_community(self.user, self.community, self.membership)

    @property
    def is_member(self) -> bool:
        return permissions.can_participate(self.membership)

    @property
    def is_coordinator(self) -> bool:
        return permissions.can_coordinate(self.membership)

    @property
    def can_join(self) -> bool:
        return permissions.can_join(self.user, self.community, self.membership)

    @property
    def can_request(self) -> bool:
        return permissions.can_request_to_join(self.user, self.community, self.membership)

    @property
    def is_pending(self) -> bool:
        return self.membership is not None and self.membership.status == "pending"

    @property
    def is_invited(self) -> bool:
        return self.membership is not None and self.membership.status == "invited"


def _membership_of(user: Any, community: Community) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(community=community, user=user).first()


def may_read_community(user: Any, community: Community) -> bool:
    """Whether `user` may read `community`'s content now (for work done later, such as e-mail)."""
    return permissions.can_read_community(user, community, _membership_of(user, community))


def access_community(*, user: Any, slug: str) -> CommunityAccess:
    """The community if the viewer may know it exists; 404 otherwise."""
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404(NOT_FOUND)
    membership = _membership_of(user, community)
    if not permissions.can_see_community(user, community, membership):
        raise Http404(NOT_FOUND)
    return CommunityAccess(user, community, membership)


def access_community_content(*, user: Any, slug: str) -> CommunityAccess:
    """The community if the viewer may read its content.

    404 when the viewer may not know it exists; 403 when they may know it
    (members-only community, signed in) but are not a member yet. Either way
    no thread is looked up, so guessed ids reveal nothing.
    """
    access = access_community(user=user, slug=slug)
    if not access.can_read:
        raise ForbiddenError("Only members can read this community. Ask to join it first.")
    return access


def access_community_for_members(*, user: Any, slug: str) -> CommunityAccess:
    access = access_community_content(user=user, slug=slug)
    permissions.check_can_participate(access.membership)
    return access


def access_community_for_coordinators(*, user: Any, slug: str) -> CommunityAccess:
    access = access_community_content(user=user, slug=slug)
    permissions.check_can_coordinate(access.membership)
    return access


def access_membership(*, access: CommunityAccess, username: str) -> Membership:
    """A membership (active, pending or invited) of the community, by username."""
    membership = (
        Membership.objects.select_related("user")
        .filter(community=access.community, user__username=username)
        .first()
    )
    if membership is None:
        raise Http404("That person has no membership here.")
    return membership


def are_peers(a: Any, b: Any) -> bool:
    """Whether `a` and `b` are both active members of at least one community."""
    theirs = Membership.objects.filter(user=b, status=MembershipStatus.ACTIVE)
    return Membership.objects.filter(
        user=a, status=MembershipStatus.ACTIVE, community_id__in=theirs.values("community_id")
    ).exists()
