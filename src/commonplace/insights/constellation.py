"""The constellation: where the communities a viewer can read touch each other.

"What other groups should we connect with?" Three answers, all limited to
the communities the viewer may read (nothing about the others, not even
that a member belongs to them):

- shared topics: the same topic (by slug) on the domain maps of several
  communities, with each one's demand and experts there;
- links: pairs of communities with members in common or topics in common;
- bridges: members who contributed in several of them, the boundary
  spanners who can carry a question or a practice across.

Computed on read from topics, memberships and the expertise profiles.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.db import connection
from django.db.models import Count

from commonplace.accounts.models import User
from commonplace.communities.models import Community, Membership, MembershipStatus, Topic
from commonplace.communities.queries import readable_community_ids
from commonplace.discussions.models import QUESTION_KINDS, Thread
from commonplace.insights.knowledge_map import EXPERT_SCORE
from commonplace.insights.models import Expertise
from commonplace.insights.queries import still_member

# Enough evidence in a community to count as contributing there (about two
# answers, or one accepted): joining alone does not make a bridge.
CONTRIBUTOR_SCORE = 2.0
EXPERTS_NAMED = 3
BRIDGES_SHOWN = 12
# Wider than tall: names stand to the left and right of the circle.
CHART_WIDTH, CHART_HEIGHT = 760, 460
LABEL_ROOM = 190


@dataclass
class TopicPlace:
    community: Community
    topic: Topic
    questions: int = 0
    experts: list[User] = field(default_factory=list)


@dataclass
class SharedTopic:
    slug: str
    name: str
    places: list[TopicPlace]

    @property
    def questions(self) -> int:
        return sum(p.questions for p in self.places)


@dataclass
class Link:
    a: Community
    b: Community
    shared_members: int = 0
    shared_topics: list[str] = field(default_factory=list)


@dataclass
class Bridge:
    person: User
    communities: list[Community]
    topics: list[str]  # shared topics they have shown expertise on in two or more
    score: float


@dataclass
class Node:
    community: Community
    x: float
    y: float
    r: float

    @property
    def _side(self) -> int:
        """Names point away from the centre: 1 right, -1 left, 0 top or bottom."""
        offset = self.x - CHART_WIDTH / 2
        return 0 if abs(offset) <= 1 else 1 if offset > 0 else -1

    @property
    def label_anchor(self) -> str:
        return {1: "start", -1: "end", 0: "middle"}[self._side]

    @property
    def label_x(self) -> float:
        return self.x + (self.r + 6) * self._side

    @property
    def label_y(self) -> float:
        # Top and bottom names go above and below their circle, the others beside it.
        if self._side:
            return self.y + 4
        return self.y - self.r - 8 if self.y < CHART_HEIGHT / 2 else self.y + self.r + 18


@dataclass
class Edge:
    link: Link
    x1: float
    y1: float
    x2: float
    y2: float
    width: float


@dataclass
class Constellation:
    communities: list[Community]
    shared_topics: list[SharedTopic]
    links: list[Link]
    bridges: list[Bridge]


def _shared_topics(communities: dict[int, Community]) -> list[SharedTopic]:
    by_slug: dict[str, list[Topic]] = defaultdict(list)
    for topic in Topic.objects.filter(community_id__in=communities).order_by("name"):
        by_slug[topic.slug].append(topic)
    shared = {slug: topics for slug, topics in by_slug.items() if len(topics) > 1}
    topic_ids = [t.pk for topics in shared.values() for t in topics]
    asked = {
        row["topic_id"]: row["n"]
        for row in Thread.topics.through.objects.filter(
            topic_id__in=topic_ids,
            thread__kind__in=QUESTION_KINDS,
            thread__deleted_at__isnull=True,
        )
        .values("topic_id")
        .annotate(n=Count("thread_id"))
    }
    experts: dict[int, list[User]] = defaultdict(list)
    for row in (
        Expertise.objects.filter(
            still_member(), topic_id__in=topic_ids, score__gte=EXPERT_SCORE, user__is_active=True
        )
        .select_related("user")
        .order_by("-score", "user_id")
    ):
        if row.topic_id is not None and len(experts[row.topic_id]) < EXPERTS_NAMED:
            experts[row.topic_id].append(row.user)
    result = [
        SharedTopic(
            slug=slug,
            name=topics[0].name,
            places=sorted(
                (
                    TopicPlace(
                        community=communities[t.community_id],
                        topic=t,
                        questions=asked.get(t.pk, 0),
                        experts=experts.get(t.pk, []),
                    )
                    for t in topics
                ),
                key=lambda p: (-p.questions, p.community.name),
            ),
        )
        for slug, topics in shared.items()
    ]
    return sorted(result, key=lambda s: (-len(s.places), -s.questions, s.name))


def _shared_members(ids: list[int]) -> dict[tuple[int, int], int]:
    """Active members in common, per pair of communities (lower id first), counted in SQL."""
    if len(ids) < 2:
        return {}
    table = connection.ops.quote_name(Membership._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.community_id, b.community_id, COUNT(*) FROM {table} a "  # noqa: S608
            f"JOIN {table} b ON b.user_id = a.user_id AND b.community_id > a.community_id "
            f"WHERE a.status = %s AND b.status = %s "
            f"AND a.community_id IN ({marks}) AND b.community_id IN ({marks}) "
            "GROUP BY a.community_id, b.community_id",
            [MembershipStatus.ACTIVE, MembershipStatus.ACTIVE, *ids, *ids],
        )
        return {(a, b): n for a, b, n in cursor.fetchall()}


def _bridges(communities: dict[int, Community], shared: list[SharedTopic]) -> list[Bridge]:
    contributions: dict[int, dict[int, float]] = defaultdict(dict)
    for user_id, community_id, score in Expertise.objects.filter(
        still_member(),
        community_id__in=communities,
        topic__isnull=True,
        score__gte=CONTRIBUTOR_SCORE,
        user__is_active=True,
    ).values_list("user_id", "community_id", "score"):
        contributions[user_id][community_id] = score
    spanning = {u: c for u, c in contributions.items() if len(c) > 1}
    topic_slug = {p.topic.pk: s.slug for s in shared for p in s.places}
    topic_name = {s.slug: s.name for s in shared}
    held: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for user_id, topic_id, community_id in Expertise.objects.filter(
        user_id__in=spanning, topic_id__in=topic_slug, score__gte=CONTRIBUTOR_SCORE
    ).values_list("user_id", "topic_id", "community_id"):
        held[user_id][topic_slug[topic_id]].add(community_id)
    people = User.objects.in_bulk(list(spanning))
    bridges = [
        Bridge(
            person=people[user_id],
            communities=sorted(
                (communities[c] for c in scores), key=lambda c: (-scores[c.pk], c.name)
            ),
            topics=sorted(topic_name[s] for s, where in held[user_id].items() if len(where) > 1),
            # Broad and balanced: the weaker side of each pair is what carries across.
            score=sum(sorted(scores.values())[:-1]),
        )
        for user_id, scores in spanning.items()
    ]
    bridges.sort(key=lambda b: (-len(b.communities), -b.score, b.person.username))
    return bridges[:BRIDGES_SHOWN]


def build_constellation(*, viewer: Any) -> Constellation:
    """Where the communities `viewer` may read touch each other."""
    communities = {c.pk: c for c in Community.objects.filter(id__in=readable_community_ids(viewer))}
    shared = _shared_topics(communities)
    links: dict[tuple[int, int], Link] = {}

    def link(a: int, b: int) -> Link:
        a, b = min(a, b), max(a, b)
        return links.setdefault((a, b), Link(a=communities[a], b=communities[b]))

    for (a, b), count in _shared_members(list(communities)).items():
        link(a, b).shared_members = count
    for topic in shared:
        for first, second in combinations(topic.places, 2):
            link(first.community.pk, second.community.pk).shared_topics.append(topic.name)
    ordered = sorted(
        links.values(),
        key=lambda k: (-len(k.shared_topics), -k.shared_members, k.a.name, k.b.name),
    )
    return Constellation(
        communities=sorted(communities.values(), key=lambda c: c.name),
        shared_topics=shared,
        links=ordered,
        bridges=_bridges(communities, shared),
    )


def chart(constellation: Constellation) -> tuple[list[Node], list[Edge]]:
    """Communities on a circle, sized by members; lines as thick as the members they share."""
    communities = constellation.communities
    if not communities:
        return [], []
    cx, cy = CHART_WIDTH / 2, CHART_HEIGHT / 2
    radius = min(cy - 48, cx - LABEL_ROOM)  # room for the names above and below
    largest = max(c.member_count for c in communities) or 1
    nodes = {
        c.pk: Node(
            community=c,
            x=cx + radius * math.cos(2 * math.pi * i / len(communities) - math.pi / 2),
            y=cy + radius * math.sin(2 * math.pi * i / len(communities) - math.pi / 2),
            r=6 + 16 * math.sqrt(c.member_count / largest),
        )
        for i, c in enumerate(communities)
    }
    most = max((k.shared_members for k in constellation.links), default=1) or 1
    edges = [
        Edge(
            link=k,
            x1=nodes[k.a.pk].x,
            y1=nodes[k.a.pk].y,
            x2=nodes[k.b.pk].x,
            y2=nodes[k.b.pk].y,
            width=1 + 7 * k.shared_members / most,
        )
        for k in constellation.links
    ]
    return list(nodes.values()), edges


def links_around(*, community: Community, viewer: Any) -> list[Link]:
    """The communities `viewer` may read that share members or topics with `community`.

    What the knowledge map lists; cheaper than the whole constellation, since
    it counts only this community's members and topics.
    """
    others = {
        c.pk: c
        for c in Community.objects.filter(id__in=readable_community_ids(viewer)).exclude(
            pk=community.pk
        )
    }
    links: dict[int, Link] = {}
    members = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
    for row in (
        Membership.objects.filter(
            community_id__in=others,
            status=MembershipStatus.ACTIVE,
            user_id__in=members.values("user_id"),
        )
        .values("community_id")
        .annotate(n=Count("id"))
    ):
        other = others[row["community_id"]]
        links[other.pk] = Link(a=community, b=other, shared_members=row["n"])
    slugs = dict(Topic.objects.filter(community=community).values_list("slug", "name"))
    for community_id, slug in Topic.objects.filter(
        community_id__in=others, slug__in=slugs
    ).values_list("community_id", "slug"):
        other = others[community_id]
        links.setdefault(other.pk, Link(a=community, b=other)).shared_topics.append(slugs[slug])
    return sorted(
        links.values(), key=lambda k: (-len(k.shared_topics), -k.shared_members, k.b.name)
    )
