"""Who is likely to answer a question: members ranked from what they did before it.

Document-based expert finding: the question's earlier look-alikes (cases by
sentence-embedding similarity, as similar cases use) vote for the people who
answered them, an accepted answer counting double and a repertoire entry
they wrote counting as an accepted answer; then each member's recent
activity multiplies the vote, because someone who answered often in the last three months is far
more likely to answer now than someone with the same record from years ago
(../shared/RETRIEVAL-NOTES.md: recency matters as much as topic), and so
does how long ago their last answer was: of two members with the same count,
the one who answered yesterday is likelier to be around than the one whose
answers all date from ten weeks back.

Everything is computed as of a moment (`as_of`, now by default), from what was
written before it, so the same function serves routing a new question and
replaying a community's history to measure it (bench/expert_finding.py).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from commonplace.core.models import Activity, Verb
from commonplace.discussions.models import Post
from commonplace.repertoire.models import Entry
from commonplace.search.embedding import get_encoder
from commonplace.search.indexing import embed_fresh, embedding_text
from commonplace.search.models import DocType, Document
from commonplace.search.queries import QUERY_EMBED_CHARS
from commonplace.search.semantic import store

# Earlier cases that vote, each with its cosine similarity to the question.
SIMILAR_CASES = 500
# A member's best few votes count, not all of them: summing every vote
# favoured long-time members over those who answer such questions now
# (bench/expert_finding.py: top 3 P@1 0.16, a sum 0.05-0.08 on beer).
BEST_VOTES = 3
# Close enough to be named as evidence ("answered 2 similar questions").
SIMILAR_ENOUGH = 0.5
ACCEPTED_WEIGHT = 2.0
ENTRY_WEIGHT = 2.0
RECENT_DAYS = 90
# The idle factor is (1 + days since the last answer / IDLE_DAYS) ** -IDLE_POWER:
# gentle, so that it separates members with similar counts rather than
# overriding the count (bench/expert_finding.py on beer: MRR 0.278 -> 0.297;
# the same shape held for 7 to 30 days and powers 0.25 to 1, in both halves
# of the later questions).
IDLE_DAYS = 30.0
IDLE_POWER = 0.5
# Members with no answer to any look-alike still rank, by recent activity,
# far below anyone with topical evidence.
NO_EVIDENCE = 0.01


@dataclass
class Expert:
    user_id: int
    score: float
    similar_answers: int = 0
    similar_accepted: int = 0
    entries: list[str] = field(default_factory=list)
    recent_answers: int = 0


def _answers(community_ids: list[int], before: datetime) -> QuerySet[Post]:
    return Post.objects.filter(
        thread__community_id__in=community_ids,
        is_opening=False,
        is_comment=False,
        deleted_at__isnull=True,
        author__isnull=False,
        created_at__lt=before,
    )


def _accepted_before(post_ids: list[int], before: datetime) -> set[int]:
    """Which of `post_ids` had been accepted (and not withdrawn) by `before`."""
    state: dict[int, bool] = {}
    for target, verb in (
        Activity.objects.filter(
            target_type="post",
            target_id__in=post_ids,
            verb__in=[Verb.ANSWER_ACCEPTED, Verb.ANSWER_UNACCEPTED],
            created_at__lt=before,
        )
        .order_by("created_at", "id")
        .values_list("target_id", "verb")
    ):
        if target is not None:
            state[target] = verb == Verb.ANSWER_ACCEPTED
    return {post_id for post_id, accepted in state.items() if accepted}


def rank_experts(
    *,
    community_ids: list[int],
    title: str,
    body: str = "",
    as_of: datetime | None = None,
    exclude: Iterable[int] = (),
    limit: int = 10,
) -> list[Expert]:
    """Members most likely to answer `title`/`body`, best first, with their evidence.

    The caller has checked that the viewer may read `community_ids`;
    `exclude` holds user ids never to suggest (the asker, people who opted out).
    """
    as_of = as_of or timezone.now()
    excluded = set(exclude)
    vector = get_encoder().encode([embedding_text(title, body)[:QUERY_EMBED_CHARS]])[0]
    embed_fresh(community_ids)
    similar = store.nearest(vector, community_ids=community_ids, limit=SIMILAR_CASES, before=as_of)
    weight = {doc_id: max(cosine, 0.0) for doc_id, cosine in similar}
    docs = Document.objects.filter(pk__in=weight).values_list("id", "doc_type", "object_id")
    thread_weight = {obj: weight[i] for i, t, obj in docs if t == DocType.THREAD}
    entry_weight = {obj: weight[i] for i, t, obj in docs if t == DocType.ENTRY}

    experts: dict[int, Expert] = {}

    def expert(user_id: int) -> Expert:
        return experts.setdefault(user_id, Expert(user_id=user_id, score=0.0))

    votes: dict[int, list[float]] = defaultdict(list)
    answers = list(
        _answers(community_ids, as_of)
        .filter(thread_id__in=thread_weight)
        .values_list("id", "thread_id", "author_id")
    )
    accepted = _accepted_before([a[0] for a in answers], as_of)
    for post_id, thread_id, author_id in answers:
        found = expert(author_id)
        if thread_weight[thread_id] >= SIMILAR_ENOUGH:
            found.similar_answers += 1
            found.similar_accepted += post_id in accepted
        votes[author_id].append(
            thread_weight[thread_id] * (ACCEPTED_WEIGHT if post_id in accepted else 1.0)
        )
    for entry in Entry.objects.filter(pk__in=entry_weight, created_at__lt=as_of).prefetch_related(
        "authors"
    ):
        for author in entry.authors.all():
            if entry_weight[entry.pk] >= SIMILAR_ENOUGH:  # named as evidence only when close
                expert(author.pk).entries.append(entry.title)
            votes[author.pk].append(entry_weight[entry.pk] * ENTRY_WEIGHT)

    since = as_of - timedelta(days=RECENT_DAYS)
    last_answer: dict[int, datetime] = {}
    for user_id, count, last in (
        # Within the window only, so the query reads a few months of answers
        # (through the created_at index), not a whole community's history;
        # anyone quieter than that counts as idle since the window began.
        _answers(community_ids, as_of)
        .filter(created_at__gte=since)
        .values("author_id")
        .annotate(n=Count("id"), last=Max("created_at"))
        .values_list("author_id", "n", "last")
    ):
        last_answer[user_id] = last
        expert(user_id).recent_answers = count
    for found in experts.values():
        best = sorted(votes.get(found.user_id, []), reverse=True)[:BEST_VOTES]
        # Without an answer in the window (known from older answers or entries
        # only): idle since the window began.
        idle = (as_of - last_answer.get(found.user_id, since)).total_seconds() / 86400
        found.score = (
            (sum(best) + NO_EVIDENCE)
            * math.log(2 + found.recent_answers)
            * (1 + max(idle, 0.0) / IDLE_DAYS) ** -IDLE_POWER
        )
    ordered = sorted(
        (e for e in experts.values() if e.user_id not in excluded),
        key=lambda e: (-e.score, e.user_id),
    )
    return ordered[:limit]
