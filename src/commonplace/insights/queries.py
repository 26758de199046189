"""Reads of the mirror, always within the communities the viewer may read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import Truncator, slugify

from commonplace.accounts.models import User
from commonplace.communities.models import Community, Membership, MembershipStatus, Topic
from commonplace.communities.queries import readable_community_ids
from commonplace.events.models import Event
from commonplace.insights.experts import rank_experts
from commonplace.insights.models import Expertise, QuestionRouting, RoutedQuestion
from commonplace.repertoire.models import Entry

# Entries and events named in a reason ("wrote the practice ‘Dry hopping’"); more are counted.
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


def reasons(
    row: Expertise, *, entries: list[Entry] | None = None, events: list[Event] | None = None
) -> list[str]:
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
    led = (events or [])[:NAMED_ENTRIES]
    for event in led:
        kind = event.get_kind_display().lower()
        said.append(f"led the {kind} ‘{Truncator(event.title).chars(60)}’")
    if row.events_led > len(led):
        more = row.events_led - len(led)
        said.append(f"led {_plural(more, 'other event' if led else 'event')}")
    if row.declared:
        vouched = row.peer_endorsements
        said.append(
            f"lists it among their skills, endorsed by {_plural(vouched, 'peer')}"
            if vouched
            else "lists it among their skills"
        )
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


def _events_on(row: Expertise) -> list[Event]:
    return list(
        Event.objects.filter(
            community_id=row.community_id,
            topics=row.topic_id,
            leaders=row.user_id,
            cancelled_at__isnull=True,
            starts_at__lt=timezone.now(),
        ).order_by("-starts_at")[:NAMED_ENTRIES]
    )


def still_member() -> Exists:
    return Exists(
        Membership.objects.filter(
            user=OuterRef("user"), community=OuterRef("community"), status=MembershipStatus.ACTIVE
        )
    )


def _strength(row: Expertise, top: float) -> Strength:
    return Strength(
        community=row.community,
        topic=row.topic,  # type: ignore[arg-type]  # rows with a topic only
        score=row.score,
        share=max(0.0, min(1.0, row.score / (top or 1.0))),
        reasons=reasons(
            row,
            entries=_entries_on(row) if row.entries else [],
            events=_events_on(row) if row.events_led else [],
        ),
    )


def list_member_strengths(*, person: Any, viewer: Any, limit: int = 6) -> list[Strength]:
    """`person`'s strongest topics, in communities `viewer` may read and `person` belongs to."""
    rows = list(
        Expertise.objects.filter(
            still_member(),
            user=person,
            topic__isnull=False,
            community_id__in=readable_community_ids(viewer),
        )
        .select_related("community", "topic")
        .order_by("-score", "topic__name")[:limit]
    )
    return [_strength(row, rows[0].score) for row in rows]


# Experts listed for a topic or a question.
EXPERTS_SHOWN = 10


@dataclass
class FoundExpert:
    """Someone to ask, with what makes them worth asking."""

    person: User
    score: float
    evidence: list[str] = field(default_factory=list)  # about the question asked
    strengths: list[Strength] = field(default_factory=list)  # their topics


def find_experts_on_topic(
    *, viewer: Any, topic: str, limit: int = EXPERTS_SHOWN
) -> list[FoundExpert]:
    """Members strongest on `topic` (a name or slug) in the communities `viewer` may read."""
    name = topic.strip()
    topics = Topic.objects.filter(community_id__in=readable_community_ids(viewer)).filter(
        Q(slug=slugify(name)) | Q(name__iexact=name)
    )
    rows = list(
        Expertise.objects.filter(still_member(), topic__in=topics, user__is_active=True)
        .select_related("community", "topic", "user")
        .order_by("-score", "user_id")[: limit * 5]
    )
    found: dict[int, FoundExpert] = {}
    top = rows[0].score if rows else 1.0
    for row in rows:
        expert = found.setdefault(row.user_id, FoundExpert(person=row.user, score=0.0))
        expert.score += row.score
        expert.strengths.append(_strength(row, top))
    return sorted(found.values(), key=lambda e: (-e.score, e.person.pk))[:limit]


def question_evidence(similar_answers: int, similar_accepted: int, entries: list[str]) -> list[str]:
    said = []
    if similar_answers:
        line = f"answered {_plural(similar_answers, 'similar question')}"
        if similar_accepted:
            line += f" ({similar_accepted} accepted)"
        said.append(line)
    said += [f"wrote ‘{Truncator(title).chars(60)}’" for title in entries[:NAMED_ENTRIES]]
    return said


def find_experts_for_question(
    *, viewer: Any, question: str, limit: int = EXPERTS_SHOWN
) -> list[FoundExpert]:
    """Members most likely to answer `question`, from what they did in communities `viewer` reads.

    Only people with evidence about the question are listed: an answer to a
    similar question, or an entry like it.
    """
    community_ids = list(readable_community_ids(viewer).values_list("id", flat=True))
    if not community_ids or not question.strip():
        return []
    asker = [viewer.pk] if viewer.is_authenticated else []
    ranked = [
        e
        for e in rank_experts(
            community_ids=community_ids, title=question, exclude=asker, limit=limit * 3
        )
        if e.similar_answers or e.entries
    ][:limit]
    people = User.objects.filter(is_active=True).in_bulk([e.user_id for e in ranked])
    return [
        FoundExpert(
            person=people[e.user_id],
            score=e.score,
            evidence=question_evidence(e.similar_answers, e.similar_accepted, e.entries),
            strengths=list_member_strengths(person=people[e.user_id], viewer=viewer, limit=1),
        )
        for e in ranked
        if e.user_id in people
    ]


# How long a new question shows "looking for people" before routing is
# taken to have found nobody (it runs in the background after posting).
ROUTING_GRACE = timedelta(minutes=2)


@dataclass
class Suggestions:
    people: list[RoutedQuestion]
    pending: bool  # routing has not run yet
    asker: bool  # the viewer asked (else a coordinator looks)


def suggested_answerers_for(*, viewer: Any, access: Any, thread: Any) -> Suggestions | None:
    """Who routing suggested for `thread`, shown to its asker and the coordinators; else None.

    `access` is the viewer's checked access to the thread's community.
    """
    if not thread.is_question or not viewer.is_authenticated:
        return None
    if viewer.pk != thread.author_id and not access.is_coordinator:
        return None
    people = list_suggested_answerers(thread=thread)
    pending = (
        not people
        and not thread.is_resolved
        and timezone.now() - thread.created_at < ROUTING_GRACE
        and not QuestionRouting.objects.filter(thread=thread).exists()
    )
    return Suggestions(people=people, pending=pending, asker=viewer.pk == thread.author_id)


def list_suggested_answerers(*, thread: Any) -> list[RoutedQuestion]:
    """Everyone routing asked about `thread`, by round and rank. The caller checked the viewer."""
    # People who left since, or asked not to be suggested, are not shown.
    return list(
        RoutedQuestion.objects.filter(still_member(), thread=thread, user__is_active=True)
        .filter(user__routes_questions=True)
        .select_related("user")
        .order_by("round", "-score", "user_id")
    )


def personal_routing(*, user: Any) -> dict[str, list[dict[str, Any]]]:
    """The questions `user` was suggested for, for their own data download; from the
    communities they may still read and not deleted, as the suggestions are shown."""
    routed = RoutedQuestion.objects.filter(
        user=user, community_id__in=readable_community_ids(user), thread__deleted_at__isnull=True
    ).select_related("thread", "community")
    return {
        "suggested_for_questions": [
            {
                "community": r.community.slug,
                "thread_id": r.thread_id,
                "thread_title": r.thread.title,
                "round": r.round,
                "reason": r.reason,
                "notified": r.notified,
                "at": r.created_at.isoformat(),
            }
            for r in routed.order_by("created_at", "pk")
        ]
    }
