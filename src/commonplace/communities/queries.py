"""Reads about communities and memberships, always scoped to a viewer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from commonplace.accounts.models import SkillEndorsement, skill_key
from commonplace.communities.access import are_peers
from commonplace.communities.models import (
    Community,
    Membership,
    MembershipStatus,
    Notification,
    Role,
    Topic,
    Visibility,
)
from commonplace.communities.permissions import can_endorse_skill
from commonplace.core.errors import DomainError

MAX_QUERY_LENGTH = 200
# Topics one thread, entry or event may be filed under: a few, or the domain map blurs.
MAX_TOPICS = 5


def resolve_topics(community: Community, slugs: Sequence[str]) -> list[Topic]:
    """The community's topics named by `slugs`; a DomainError names the first unknown one."""
    slugs = list(dict.fromkeys(s.strip() for s in slugs if s.strip()))
    if len(slugs) > MAX_TOPICS:
        raise DomainError(f"Choose at most {MAX_TOPICS} topics.", field="topics")
    topics = list(Topic.objects.filter(community=community, slug__in=slugs))
    unknown = sorted(set(slugs) - {t.slug for t in topics})
    if unknown:
        raise DomainError(
            f"Unknown topic “{unknown[0]}” in this community. Pick from its domain map.",
            field="topics",
        )
    return topics


def visible_communities_filter(user: Any) -> Q:
    """The communities whose existence `user` may see, as one filter."""
    if not user.is_authenticated:
        return Q(visibility=Visibility.PUBLIC)
    # The viewer's own memberships as a subquery (a few rows through the
    # (user, status) index), not a join: joining `memberships` would walk every
    # membership of every community, tens of thousands of rows per page view.
    return Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS]) | Q(
        id__in=Membership.objects.filter(
            user=user, status__in=[MembershipStatus.ACTIVE, MembershipStatus.INVITED]
        ).values("community_id")
    )


def readable_community_ids(user: Any) -> QuerySet[Community, Any]:
    """Ids of communities whose content `user` may read (for cross-community lists)."""
    readable = Q(visibility=Visibility.PUBLIC)
    if user.is_authenticated:
        # A subquery, not a join, for the same reason as visible_communities_filter.
        readable |= Q(
            id__in=Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
                "community_id"
            )
        )
    return Community.objects.filter(readable).values("id")


def list_directory(*, user: Any, query: str = "", topic: str = "") -> QuerySet[Community]:
    """The community directory: visible communities matching a text and a topic."""
    communities = Community.objects.filter(
        id__in=Community.objects.filter(visible_communities_filter(user)).values("id")
    )
    query = query.strip()[:MAX_QUERY_LENGTH]
    if query:
        communities = communities.filter(
            Q(name__icontains=query)
            | Q(domain_statement__icontains=query)
            | Q(topics__name__icontains=query)
        ).distinct()
    if topic:
        communities = communities.filter(topics__slug=topic).distinct()
    return communities.order_by("name")


def list_directory_topics(*, user: Any) -> list[tuple[str, str, int]]:
    """Topic slugs and names across visible communities, with how many use each."""
    counts: dict[str, tuple[str, int]] = {}
    topics = Topic.objects.filter(
        community__in=Community.objects.filter(visible_communities_filter(user)).values("id")
    ).values_list("slug", "name")
    for slug, name in topics:
        prev = counts.get(slug)
        counts[slug] = (name, (prev[1] if prev else 0) + 1)
    ranked = sorted(counts.items(), key=lambda item: (-item[1][1], item[0]))
    return [(slug, name, n) for slug, (name, n) in ranked]


def list_memberships_of(*, user: Any) -> QuerySet[Membership]:
    """The signed-in person's own memberships, invitations and requests.

    Only in communities they may see: a request to a community that is (or
    has since turned) private must not name it to someone who is not in it.
    """
    return (
        Membership.objects.filter(user=user)
        .filter(community__in=Community.objects.filter(visible_communities_filter(user)))
        .select_related("community")
        .order_by("community__name")
    )


def list_visible_memberships(*, person: Any, viewer: Any) -> QuerySet[Membership]:
    """A person's active memberships in the communities `viewer` may read."""
    return (
        Membership.objects.filter(user=person, status=MembershipStatus.ACTIVE)
        .filter(community_id__in=readable_community_ids(viewer))
        .select_related("community")
        .order_by("community__name")
    )


def list_members(*, community: Community) -> QuerySet[Membership]:
    """Active members, coordinators first, then by name."""
    return (
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("role", "user__username")
    )


def list_pending(*, community: Community) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(
            community=community, status__in=[MembershipStatus.PENDING, MembershipStatus.INVITED]
        )
        .select_related("user")
        .order_by("status", "created_at")
    )


def list_coordinators(*, community: Community) -> QuerySet[Membership]:
    return list_members(community=community).filter(role=Role.COORDINATOR)


def list_topics(*, community: Community) -> QuerySet[Topic]:
    return community.topics.order_by("name")


def personal_memberships(*, user: Any) -> list[dict[str, Any]]:
    """The person's memberships in communities they may see, for their data download."""
    return [
        {
            "community": m.community.slug,
            "name": m.community.name,
            "status": m.status,
            "role": m.role,
            "leadership_roles": m.leadership_roles,
            "joined_at": m.joined_at.isoformat() if m.joined_at else None,
        }
        for m in list_memberships_of(user=user)
    ]


@dataclass
class SkillLine:
    skill: str  # as the person wrote it
    endorsements: int
    endorsed_by_viewer: bool


def list_skills(*, person: Any, viewer: Any) -> tuple[list[SkillLine], bool]:
    """`person`'s declared skills with how many peers vouch for each, and whether `viewer` may."""
    counts: dict[str, int] = {}
    mine: set[str] = set()
    for key, endorser_id in SkillEndorsement.objects.filter(person=person).values_list(
        "skill_key", "endorser_id"
    ):
        counts[key] = counts.get(key, 0) + 1
        if endorser_id == getattr(viewer, "pk", None):
            mine.add(key)
    lines = [
        SkillLine(
            skill=s,
            endorsements=counts.get(skill_key(s), 0),
            endorsed_by_viewer=skill_key(s) in mine,
        )
        for s in person.skills
    ]
    may = can_endorse_skill(
        viewer, person, peers=viewer.is_authenticated and are_peers(viewer, person)
    )
    return lines, may


def list_notifications(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """`user`'s notifications, newest first, from communities they may still read."""
    notifications = Notification.objects.filter(
        user=user, community_id__in=readable_community_ids(user)
    ).select_related("community")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def personal_notifications(*, user: Any) -> dict[str, Any]:
    """`user`'s notifications and skill endorsements, for their own data download.

    Notifications are those the app still shows them (from communities they
    may read); endorsements they received are counted per skill, not named,
    as on their profile.
    """
    received: dict[str, int] = {}
    for key in SkillEndorsement.objects.filter(person=user).values_list("skill_key", flat=True):
        received[key] = received.get(key, 0) + 1
    given = SkillEndorsement.objects.filter(endorser=user).select_related("person")
    return {
        "notifications": [
            {
                "community": n.community.slug,
                "kind": n.kind,
                "title": n.title,
                "reason": n.reason,
                "url": n.url,
                "created_at": n.created_at.isoformat(),
                "read_at": _iso(n.read_at),
                "emailed_at": _iso(n.emailed_at),
            }
            for n in list_notifications(user=user).order_by("created_at", "id")
        ],
        "skill_endorsements": {
            "received": [{"skill": k, "endorsements": n} for k, n in sorted(received.items())],
            "given": [
                {"person": e.person.username, "skill": e.skill_key, "at": e.created_at.isoformat()}
                for e in given.order_by("created_at", "pk")
            ],
        },
    }


def count_unread_notifications(*, user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return list_notifications(user=user, unread_only=True).count()
