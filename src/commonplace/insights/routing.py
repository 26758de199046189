"""Routing: ask the members most likely to answer a new question to look at it.

A question-like thread is ranked against what members did before
(`experts.rank_experts`, the ranker bench/expert_finding.py measures), then
routing keeps only people it may ask: active members of the community other
than the asker, who have not opted out and have not replied already. Load is
spread: each open question someone was asked to look at in the last week
lowers their place, and someone with `LOAD_CAP` of them is not asked again
until they clear. Unanswered questions are routed again, to other people,
after the community's delay, for at most `MAX_ROUNDS` rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from commonplace.accounts.models import User
from commonplace.communities.actions import notify
from commonplace.communities.models import Membership, MembershipStatus, NotificationKind
from commonplace.discussions.models import QUESTION_KINDS, Post, Thread
from commonplace.insights.experts import rank_experts
from commonplace.insights.models import RoutedQuestion
from commonplace.insights.queries import question_evidence

SUGGESTIONS = 3
MAX_ROUNDS = 3
# Ranked before the filters, so enough remain after them.
CANDIDATES = 40
LOAD_DAYS = 7
# Each open routed question divides a member's score by (1 + LOAD_WEIGHT × n).
LOAD_WEIGHT = 0.5
LOAD_CAP = 5
# Questions older than this are not routed again: the asker has moved on.
REROUTE_WITHIN_DAYS = 30
# Questions routed again per run, oldest first; the rest wait for the next run.
REROUTE_BATCH = 50


@dataclass
class Candidate:
    user_id: int
    score: float
    reason: str


def _opening_body(thread: Thread) -> str:
    return (
        Post.objects.filter(thread=thread, is_opening=True).values_list("body", flat=True).first()
        or ""
    )


def _reason(similar_answers: int, similar_accepted: int, entries: list[str], recent: int) -> str:
    said = question_evidence(similar_answers, similar_accepted, entries)
    if recent:
        said.append(f"answered {recent} question{'s' * (recent != 1)} here in the last 90 days")
    # Lower-case, to read both as "You …" to the member and capitalised to the asker.
    return ("; ".join(said) + ".") if said else "answered questions here before."


def open_load(user_ids: list[int], *, now: datetime) -> dict[int, int]:
    """How many still-open questions each member was asked to look at, and has not replied to."""
    replied = Post.objects.filter(
        thread_id=OuterRef("thread_id"), author_id=OuterRef("user_id"), is_opening=False
    )
    return dict(
        RoutedQuestion.objects.filter(
            user_id__in=user_ids,
            created_at__gte=now - timedelta(days=LOAD_DAYS),
            thread__accepted_answer__isnull=True,
            thread__deleted_at__isnull=True,
        )
        .exclude(Exists(replied))
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )


def choose_answerers(thread: Thread, *, now: datetime) -> list[Candidate]:
    """Up to `SUGGESTIONS` members to ask about `thread` now, best first, with why."""
    asked = set(RoutedQuestion.objects.filter(thread=thread).values_list("user_id", flat=True))
    replied = set(
        Post.objects.filter(thread=thread, author__isnull=False).values_list("author_id", flat=True)
    )
    exclude = asked | replied | ({thread.author_id} if thread.author_id else set())
    ranked = rank_experts(
        community_ids=[thread.community_id],
        title=thread.title,
        body=_opening_body(thread),
        as_of=now,
        exclude=exclude,
        limit=CANDIDATES,
    )
    allowed = set(
        Membership.objects.filter(
            community_id=thread.community_id,
            status=MembershipStatus.ACTIVE,
            user_id__in=[e.user_id for e in ranked],
            user__is_active=True,
            user__routes_questions=True,
        ).values_list("user_id", flat=True)
    )
    ranked = [e for e in ranked if e.user_id in allowed]
    load = open_load([e.user_id for e in ranked], now=now)
    spread = [
        (e.score / (1 + LOAD_WEIGHT * load.get(e.user_id, 0)), e)
        for e in ranked
        if load.get(e.user_id, 0) < LOAD_CAP
    ]
    spread.sort(key=lambda pair: (-pair[0], pair[1].user_id))
    return [
        Candidate(
            user_id=e.user_id,
            score=score,
            reason=_reason(e.similar_answers, e.similar_accepted, e.entries, e.recent_answers),
        )
        for score, e in spread[:SUGGESTIONS]
    ]


def _routable(thread: Thread) -> bool:
    return thread.kind in QUESTION_KINDS and thread.deleted_at is None and not thread.is_resolved


@transaction.atomic
def route_question(*, thread: Thread, now: datetime | None = None) -> list[RoutedQuestion]:
    """Suggest the next round of likely answerers for `thread`; notify them if the community wishes.

    Does nothing for a thread that is not an open question, or that has had
    `MAX_ROUNDS` rounds.
    """
    now = now or timezone.now()
    thread = Thread.objects.select_for_update().select_related("community").get(pk=thread.pk)
    if not _routable(thread):
        return []
    last_round = RoutedQuestion.objects.filter(thread=thread).aggregate(n=Max("round"))["n"] or 0
    if last_round >= MAX_ROUNDS:
        return []
    chosen = choose_answerers(thread, now=now)
    community = thread.community
    routed = RoutedQuestion.objects.bulk_create(
        RoutedQuestion(
            thread=thread,
            community=community,
            user_id=c.user_id,
            round=last_round + 1,
            score=c.score,
            reason=c.reason,
            notified=community.notify_suggested_answerers,
            created_at=now,
        )
        for c in chosen
    )
    if community.notify_suggested_answerers and routed:
        url = reverse("discussions:thread", args=[community.slug, thread.pk])
        people = User.objects.in_bulk([r.user_id for r in routed])
        for r in routed:
            notify(
                user=people[r.user_id],
                community=community,
                kind=NotificationKind.QUESTION_ROUTED,
                title=f"Can you help? {thread.title}",
                url=url,
                reason=f"Suggested because you {r.reason}",
            )
    return routed


def threads_due_for_rerouting(*, now: datetime | None = None) -> list[int]:
    """Open questions whose last round is older than their community's delay."""
    now = now or timezone.now()
    answered_by_others = Post.objects.filter(
        thread_id=OuterRef("pk"), is_opening=False, deleted_at__isnull=True
    ).exclude(author_id=OuterRef("author_id"))
    last_round = RoutedQuestion.objects.filter(thread_id=OuterRef("pk")).order_by("-created_at")
    candidates = (
        Thread.objects.filter(
            kind__in=QUESTION_KINDS,
            deleted_at__isnull=True,
            accepted_answer__isnull=True,
            created_at__gte=now - timedelta(days=REROUTE_WITHIN_DAYS),
            community__reroute_after_hours__gt=0,
        )
        .annotate(last_routed=Subquery(last_round.values("created_at")[:1]))
        .filter(last_routed__isnull=False)
        .exclude(Exists(answered_by_others))
        .order_by("created_at")
        .values_list("pk", "last_routed", "community__reroute_after_hours")
    )
    due = [pk for pk, last, hours in candidates if last <= now - timedelta(hours=hours)]
    return due[:REROUTE_BATCH]


def reroute_unanswered(*, now: datetime | None = None) -> int:
    """Route every question due again; returns how many got new suggestions."""
    now = now or timezone.now()
    rerouted = 0
    for thread in Thread.objects.filter(pk__in=threads_due_for_rerouting(now=now)):
        rerouted += bool(route_question(thread=thread, now=now))
    return rerouted


def route_open_questions(*, since: datetime) -> int:
    """Route open questions asked since `since` that were never routed (after an import)."""
    never_routed = ~Exists(RoutedQuestion.objects.filter(thread_id=OuterRef("pk")))
    threads = Thread.objects.filter(
        never_routed,
        kind__in=QUESTION_KINDS,
        deleted_at__isnull=True,
        accepted_answer__isnull=True,
        created_at__gte=since,
    )
    return sum(bool(route_question(thread=thread)) for thread in threads)
