"""Reads of the mirror, always within the communities the viewer may read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.text import Truncator

from commonplace.communities.models import Community, Membership, MembershipStatus, Topic
from commonplace.communities.queries import readable_community_ids
from commonplace.insights.models import Expertise
from commonplace.repertoire.models import Entry

# Entries named in a reason ("wrote the practice ‘Dry hopping’"); more are counted.
NAMED_ENTRIES = 2


@dataclass
class Strength:
    """One line of a member's expertise: a topic in a community, and why."""

    community: Community
    topic: Topic
    score: float
    share: float  # of the member's strongest, 0-1, for a bar
    reasons: list[str]


def _plural(n: int, word: str, words: str = "") -> str:
    return f"{n} {word}" if n == 1 else f"{n} {words or word + 's'}"


def reasons(row: Expertise, *, entries: list[Entry] | None = None) -> list[str]:
    """Why `row` scores what it does, in words (its topic is named by the caller)."""
    said: list[str] = []
    if row.accepted:
        recent = row.recent_accepted
        line = _plural(row.accepted, "accepted answer")
        if recent == row.accepted:
            line += " in the last year"
        elif recent:
            line += f" ({recent} in the last year)"
        said.append(line)
    others = row.answers - row.accepted
    if others:
        said.append(_plural(others, "other answer") if row.accepted else _plural(others, "answer"))
    if row.helpful:
        said.append(f"{_plural(row.helpful, 'helpful vote')} on those answers")
    named = (entries or [])[:NAMED_ENTRIES]
    for entry in named:
        kind = entry.get_kind_display().lower()
        said.append(f"wrote the {kind} ‘{Truncator(entry.title).chars(60)}’")
    if row.entries > len(named):
        more = row.entries - len(named)
        other = "other " if named else ""
        said.append(f"wrote {_plural(more, other + 'entry', other + 'entries')}")
    if row.entry_uses:
        said.append(f"their entries were endorsed or reused {_plural(row.entry_uses, 'time')}")
    if row.declared:
        said.append("lists it among their skills")
    return said


def _entries_on(row: Expertise) -> list[Entry]:
    return list(
        Entry.objects.filter(
            community_id=row.community_id,
            topics=row.topic_id,
            authors=row.user_id,
            deleted_at__isnull=True,
        ).order_by("-endorsement_count", "-reuse_count", "-updated_at")[:NAMED_ENTRIES]
    )


def list_member_strengths(*, person: Any, viewer: Any, limit: int = 6) -> list[Strength]:
    """`person`'s strongest topics, in communities `viewer` may read and `person` belongs to."""
    rows = list(
        Expertise.objects.filter(
            user=person,
            topic__isnull=False,
            community_id__in=readable_community_ids(viewer),
        )
        .filter(
            community_id__in=Membership.objects.filter(
                user=person, status=MembershipStatus.ACTIVE
            ).values("community_id")
        )
        .select_related("community", "topic")
        .order_by("-score", "topic__name")[:limit]
    )
    if not rows:
        return []
    top = rows[0].score or 1.0
    return [
        Strength(
            community=row.community,
            topic=row.topic,  # type: ignore[arg-type]  # topic__isnull=False
            score=row.score,
            share=max(0.0, min(1.0, row.score / top)),
            reasons=reasons(row, entries=_entries_on(row) if row.entries else []),
        )
        for row in rows
    ]
