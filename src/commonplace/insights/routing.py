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
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from commonplace.accounts.models import User
from commonplace.communities.actions import notify
from commonplace.communities.models import (
    Community,
    Membership,
    MembershipStatus,
    NotificationKind,
)
from commonplace.core.errors import ConflictError, ForbiddenError
from commonplace.discussions.models import QUESTION_KINDS, Post, Thread
from commonplace.insights.experts import rank_experts
from commonplace.insights.models import QuestionRouting, RoutedQuestion
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


def _answered_by_others(thread_ids: list[int]) -> set[int]:
    """Which of these questions someone other than the asker has replied to."""
    askers = dict(Thread.objects.filter(pk__in=thread_ids).values_list("pk", "author_id"))
    return {
        thread_id
        for thread_id, author_id in Post.objects.filter(
            thread_id__in=thread_ids, is_opening=False, deleted_at__isnull=True
        ).values_list("thread_id", "author_id")
        # A reply by a removed account (None) still answered; a question whose
        # asker was removed is answered by any reply.
        if author_id is None or author_id != askers.get(thread_id)
    }


def _round_open(thread: Thread, expected_rounds: int | None, *, rounds: int | None = None) -> bool:
    """Whether another round may run: rounds left, and none run since the caller looked."""
    if rounds is None:
        found = QuestionRouting.objects.filter(thread=thread).values_list("rounds", flat=True)
        rounds = found.first() or 0
    return rounds < MAX_ROUNDS and expected_rounds in (None, rounds)


def route_question(
    *, thread: Thread, now: datetime | None = None, expected_rounds: int | None = None
) -> list[RoutedQuestion]:
    """Suggest the next round of likely answerers for `thread`; notify them if the community wishes.

    Ranking runs outside any transaction (it encodes the question and reads a
    lot); the round is then written in a short one that locks the thread's
    routing state and checks it again, so two consumers never run the same
    round twice. `expected_rounds`: only route if exactly this many rounds
    ran before (the sweep's view), else leave it to whoever got there first.
    Does nothing for a thread that is not an open question.
    """
    now = now or timezone.now()
    if not _routable(thread) or not _round_open(thread, expected_rounds):
        return []  # before ranking, which costs far more than this look
    chosen = choose_answerers(thread, now=now)
    with transaction.atomic():
        locked = Thread.objects.select_for_update().filter(pk=thread.pk).first()
        if locked is None or not _routable(locked):
            return []
        state, _ = QuestionRouting.objects.select_for_update().get_or_create(
            thread=locked, defaults={"last_routed_at": now}
        )
        if not _round_open(locked, expected_rounds, rounds=state.rounds):
            return []
        community = Community.objects.get(pk=locked.community_id)
        asked = set(RoutedQuestion.objects.filter(thread=locked).values_list("user_id", flat=True))
        chosen = [c for c in chosen if c.user_id not in asked]
        state.rounds += 1
        state.last_routed_at = now
        hours = community.reroute_after_hours
        # Rounds that find nobody count too: the sweep looks again after the
        # delay, when the community's record may have grown, not every run.
        state.next_route_at = (
            now + timedelta(hours=hours) if hours and state.rounds < MAX_ROUNDS else None
        )
        state.save()
        routed = RoutedQuestion.objects.bulk_create(
            RoutedQuestion(
                thread=locked,
                community=community,
                user_id=c.user_id,
                round=state.rounds,
                score=c.score,
                reason=c.reason,
                notified=community.notify_suggested_answerers,
                created_at=now,
            )
            for c in chosen
        )
        if community.notify_suggested_answerers and routed:
            _notify(locked, community, routed)
    return routed


def _notify(thread: Thread, community: Community, routed: list[RoutedQuestion]) -> None:
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
            target=thread,
        )


def threads_due_for_rerouting(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """(thread, rounds so far) of the open questions whose next round is due, oldest due first.

    Questions answered by someone other than the asker, resolved, deleted or
    older than `REROUTE_WITHIN_DAYS` are settled on the way: not looked at again.
    """
    now = now or timezone.now()
    due = list(
        QuestionRouting.objects.filter(next_route_at__lte=now)
        .order_by("next_route_at")
        .values_list("thread_id", "rounds", "thread__created_at")[: REROUTE_BATCH * 2]
    )
    threads = Thread.objects.in_bulk([thread_id for thread_id, _, _ in due])
    answered = _answered_by_others(list(threads))
    settled = [
        thread_id
        for thread_id, _, created_at in due
        if thread_id not in threads
        or thread_id in answered
        or not _routable(threads[thread_id])
        or created_at < now - timedelta(days=REROUTE_WITHIN_DAYS)
    ]
    QuestionRouting.objects.filter(thread_id__in=settled).update(next_route_at=None)
    return [(t, rounds) for t, rounds, _ in due if t not in settled][:REROUTE_BATCH]


def reroute_unanswered(*, now: datetime | None = None) -> int:
    """Route every question due again; returns how many got new suggestions."""
    now = now or timezone.now()
    rerouted = 0
    for thread_id, rounds in threads_due_for_rerouting(now=now):
        thread = Thread.objects.filter(pk=thread_id).first()
        if thread is not None:
            rerouted += bool(route_question(thread=thread, now=now, expected_rounds=rounds))
    return rerouted


def route_open_questions(*, since: datetime, before: datetime | None = None) -> int:
    """Route open questions asked between `since` and `before` that were never routed.

    For questions whose task was lost (no consumer, a queue down) and after an import.
    """
    never_routed = ~Exists(QuestionRouting.objects.filter(thread_id=OuterRef("pk")))
    threads = Thread.objects.filter(
        never_routed,
        kind__in=QUESTION_KINDS,
        deleted_at__isnull=True,
        accepted_answer__isnull=True,
        created_at__gte=since,
        created_at__lt=before or timezone.now(),
    ).order_by("created_at")[:REROUTE_BATCH]
    return sum(bool(route_question(thread=thread)) for thread in threads)


@transaction.atomic
def ask_suggested_answerer(*, thread: Thread, person: User, by: User) -> RoutedQuestion:
    """The asker tells one of the people routing suggested about their question.

    For communities that do not notify suggested people themselves; each
    person is told once. The caller has checked that `by` may read the thread.
    """
    if by.pk != thread.author_id:
        raise ForbiddenError("Only the person who asked can ask the people suggested.")
    suggestion = (
        RoutedQuestion.objects.select_for_update().filter(thread=thread, user=person).first()
    )
    if suggestion is None or not person.routes_questions:
        raise Http404("That person was not suggested for this question.")
    if suggestion.notified:
        raise ConflictError(f"{person.name} already knows about this question.")
    community = Community.objects.get(pk=thread.community_id)
    told = notify(
        user=person,
        community=community,
        kind=NotificationKind.QUESTION_ROUTED,
        title=f"{by.name} asks: {thread.title}",
        url=reverse("discussions:thread", args=[community.slug, thread.pk]),
        reason=f"Suggested because you {suggestion.reason}",
        target=thread,
    )
    if told is None:  # they can no longer read the community
        raise Http404("That person was not suggested for this question.")
    suggestion.notified = True
    suggestion.save(update_fields=["notified"])
    return suggestion
