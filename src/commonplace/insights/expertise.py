"""Expertise profiles: what each member has shown, per community and per topic.

A profile is computed from what the member did, never from what anyone
typed about them alone: answers, accepted answers, helpful votes on their
answers, repertoire entries they wrote and how often those were endorsed or
reused, events they led once those took place, plus the skills they
declare. Each piece of evidence counts by its kind and fades with age (half
as much after HALF_LIFE_DAYS), so recent work counts more. The counts are
stored beside the score, so every score can say why (`reasons`).

An answer, entry or event counts for each topic it is filed under and for the
community as a whole (the row without a topic). Rows are rebuilt from
scratch, for everyone (`recompute`) or for one member (`refresh_members`,
which every relevant activity triggers in its own transaction).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from commonplace.accounts.models import SkillEndorsement, User, skill_key
from commonplace.communities.models import Membership, MembershipStatus, Topic
from commonplace.core.activity import writing_in_bulk
from commonplace.core.models import Activity, Verb
from commonplace.discussions.models import Post, Thread
from commonplace.events.models import Event
from commonplace.insights.models import Expertise
from commonplace.repertoire.models import Entry

HALF_LIFE_DAYS = 365.0
RECENT_DAYS = 365
# What one piece of evidence is worth before it fades. An accepted answer is
# what the asker vouched for; an entry is knowledge the community kept.
ANSWER = 1.0
ACCEPTED = 2.0  # on top of the answer itself
HELPFUL_VOTE = 0.5
HELPFUL_VOTES_COUNTED = 10  # per answer: a famous thread is not ten experts' worth
ENTRY = 3.0
ENTRY_USE = 1.0  # each endorsement or reuse of an entry they wrote
# Leading a workshop or a visit on a topic is showing it to peers, less than
# an entry they keep but more than one answer.
EVENT_LED = 2.0
DECLARED = 1.0  # a declared skill, without fading: a claim, not evidence
PEER = 1.0  # each peer who vouches for that skill
CHUNK = 2000

Key = tuple[int, int, int | None]  # user, community, topic (None: the whole community)


@dataclass
class Evidence:
    score: float = 0.0
    answers: int = 0
    accepted: int = 0
    helpful: int = 0
    entries: int = 0
    entry_uses: int = 0
    events_led: int = 0
    recent_answers: int = 0
    recent_accepted: int = 0
    declared: bool = False
    peer_endorsements: int = 0
    last_active_at: datetime | None = None

    def saw(self, moment: datetime) -> None:
        if self.last_active_at is None or moment > self.last_active_at:
            self.last_active_at = moment


def fade(moment: datetime, now: datetime) -> float:
    """How much evidence from `moment` still counts at `now` (1 today, 1/2 a half-life ago)."""
    age_days = max(0.0, (now - moment).total_seconds() / 86400)
    return math.pow(0.5, age_days / HALF_LIFE_DAYS)


def _keys(user_id: int, community_id: int, topic_ids: Iterable[int]) -> list[Key]:
    return [(user_id, community_id, None), *((user_id, community_id, t) for t in topic_ids)]


def _thread_topics(thread_ids: Iterable[int]) -> dict[int, list[int]]:
    topics: dict[int, list[int]] = defaultdict(list)
    through = Thread.topics.through.objects.filter(thread_id__in=list(thread_ids))
    for thread_id, topic_id in through.values_list("thread_id", "topic_id"):
        topics[thread_id].append(topic_id)
    return topics


def _collect_answers(evidence: dict[Key, Evidence], answers: Q, now: datetime) -> None:
    recent = now - timedelta(days=RECENT_DAYS)
    rows = (
        Post.objects.filter(
            answers,
            is_opening=False,
            is_comment=False,
            deleted_at__isnull=True,
            thread__deleted_at__isnull=True,
            author__isnull=False,
        )
        .order_by("thread_id")
        .values_list(
            "id", "author_id", "thread_id", "thread__community_id",
            "thread__accepted_answer_id", "helpful_count", "created_at",
        )
    )  # fmt: skip
    batch: list[tuple[int, int, int, int, int | None, int, datetime]] = []

    def flush() -> None:
        topics = _thread_topics({row[2] for row in batch})
        for post_id, author_id, thread_id, community_id, accepted_id, helpful, created in batch:
            accepted = accepted_id == post_id
            votes = min(helpful, HELPFUL_VOTES_COUNTED)
            worth = (ANSWER + ACCEPTED * accepted + HELPFUL_VOTE * votes) * fade(created, now)
            for key in _keys(author_id, community_id, topics.get(thread_id, ())):
                e = evidence[key]
                e.score += worth
                e.answers += 1
                e.accepted += accepted
                e.helpful += helpful
                if created >= recent:
                    e.recent_answers += 1
                    e.recent_accepted += accepted
                e.saw(created)
        batch.clear()

    for row in rows.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) >= CHUNK:
            flush()
    flush()


def _collect_entries(evidence: dict[Key, Evidence], entries: Q, now: datetime) -> None:
    authorship = Entry.authors.through.objects.filter(
        entries, entry__deleted_at__isnull=True
    ).values_list(
        "user_id", "entry_id", "entry__community_id", "entry__endorsement_count",
        "entry__reuse_count", "entry__created_at", "entry__updated_at",
    )  # fmt: skip
    rows = list(authorship)
    topics: dict[int, list[int]] = defaultdict(list)
    through = Entry.topics.through.objects.filter(entry_id__in={r[1] for r in rows})
    for entry_id, topic_id in through.values_list("entry_id", "topic_id"):
        topics[entry_id].append(topic_id)
    for user_id, entry_id, community_id, endorsed, reused, created, updated in rows:
        worth = (ENTRY + ENTRY_USE * (endorsed + reused)) * fade(updated or created, now)
        for key in _keys(user_id, community_id, topics.get(entry_id, ())):
            e = evidence[key]
            e.score += worth
            e.entries += 1
            e.entry_uses += endorsed + reused
            e.saw(updated or created)


def _collect_events(evidence: dict[Key, Evidence], events: Q, now: datetime) -> None:
    """Events a member led, once they have begun; a cancelled event shows nothing."""
    rows = list(
        Event.leaders.through.objects.filter(
            events, event__cancelled_at__isnull=True, event__starts_at__lt=now
        ).values_list("user_id", "event_id", "event__community_id", "event__starts_at")
    )
    topics: dict[int, list[int]] = defaultdict(list)
    through = Event.topics.through.objects.filter(event_id__in={r[1] for r in rows})
    for event_id, topic_id in through.values_list("event_id", "topic_id"):
        topics[event_id].append(topic_id)
    for user_id, event_id, community_id, starts_at in rows:
        worth = EVENT_LED * fade(starts_at, now)
        for key in _keys(user_id, community_id, topics.get(event_id, ())):
            e = evidence[key]
            e.score += worth
            e.events_led += 1
            e.saw(starts_at)


def _collect_declared(evidence: dict[Key, Evidence], members: Q, now: datetime) -> None:
    """Declared skills that name a community's topic, for its active members, and peers' word.

    A skill names a topic when they match by name or by slug; each peer who
    vouched for the skill (accounts.SkillEndorsement) adds to it, fading as
    other evidence does.
    """
    skills: dict[int, dict[str, str]] = {}  # user -> {name or slug: skill key}
    memberships = Membership.objects.filter(members, status=MembershipStatus.ACTIVE)
    users = User.objects.filter(pk__in=memberships.values("user_id")).exclude(skills=[])
    for user_id, declared in users.values_list("id", "skills"):
        names: dict[str, str] = {}
        for skill in declared or []:
            key = skill_key(str(skill))
            if key:
                names[key] = names[slugify(key)] = key
        if names:
            skills[user_id] = names
    if not skills:
        return
    vouched: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    for person_id, key, created in SkillEndorsement.objects.filter(
        person_id__in=skills
    ).values_list("person_id", "skill_key", "created_at"):
        vouched[(person_id, key)].append(created)
    by_community: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for topic_id, community_id, slug, name in Topic.objects.filter(
        community_id__in=memberships.values("community_id")
    ).values_list("id", "community_id", "slug", "name"):
        by_community[community_id].append((topic_id, slug, skill_key(name)))
    for user_id, community_id in memberships.filter(user_id__in=skills).values_list(
        "user_id", "community_id"
    ):
        for topic_id, slug, name in by_community.get(community_id, []):
            named = skills[user_id].get(slug) or skills[user_id].get(name)
            if named is None:
                continue
            e = evidence[(user_id, community_id, topic_id)]
            peers = vouched.get((user_id, named), [])
            e.declared = True
            e.peer_endorsements = len(peers)
            e.score += DECLARED + sum(PEER * fade(moment, now) for moment in peers)


COLUMNS = (
    "user_id", "community_id", "topic_id", "score", "answers", "accepted", "helpful",
    "entries", "entry_uses", "events_led", "recent_answers", "recent_accepted", "declared",
    "peer_endorsements", "last_active_at",
)  # fmt: skip


def _values(evidence: dict[Key, Evidence]) -> Iterable[tuple[Any, ...]]:
    for (user_id, community_id, topic_id), e in evidence.items():
        yield (
            user_id, community_id, topic_id, e.score, e.answers, e.accepted, e.helpful,
            e.entries, e.entry_uses, e.events_led, e.recent_answers, e.recent_accepted, e.declared,
            e.peer_endorsements, e.last_active_at,
        )  # fmt: skip


def _write(evidence: dict[Key, Evidence]) -> None:
    """Insert the rows: COPY on PostgreSQL, one prepared INSERT run for every row elsewhere.

    Either takes seconds for a million rows, where building model instances
    for bulk_create took minutes.
    """
    table = Expertise._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for values in _values(evidence):
                    copy.write_row(values)
            return
        adapt = connection.ops.adapt_datetimefield_value
        marks = ", ".join(["%s"] * len(COLUMNS))
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({marks})",  # noqa: S608
            [(*values[:-1], adapt(values[-1])) for values in _values(evidence)],
        )


def _rebuild(scope: Q, answers: Q, entries: Q, events: Q, members: Q, now: datetime | None) -> int:
    now = now or timezone.now()
    evidence: dict[Key, Evidence] = defaultdict(Evidence)
    _collect_answers(evidence, answers, now)
    _collect_entries(evidence, entries, now)
    _collect_events(evidence, events, now)
    _collect_declared(evidence, members, now)
    with transaction.atomic():
        Expertise.objects.filter(scope).delete()
        _write(evidence)
    return len(evidence)


def recompute(*, community_id: int | None = None, now: datetime | None = None) -> int:
    """Rebuild every profile (of one community, or all); returns the number of rows."""
    if community_id is None:
        return _rebuild(Q(), Q(), Q(), Q(), Q(), now)
    return _rebuild(
        Q(community_id=community_id),
        Q(thread__community_id=community_id),
        Q(entry__community_id=community_id),
        Q(event__community_id=community_id),
        Q(community_id=community_id),
        now,
    )


def refresh_members(user_ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Rebuild the profiles of a few members, in every community (a new answer, a vote)."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    return _rebuild(
        Q(user_id__in=ids),
        Q(author_id__in=ids),
        Q(user_id__in=ids),
        Q(user_id__in=ids),
        Q(user_id__in=ids),
        now,
    )


def _affected(activity: Activity) -> list[int]:
    """Whose evidence `activity` may have changed."""
    target_id = activity.target_id
    if target_id is None:
        return []
    match activity.target_type:
        case "post":
            return list(Post.objects.filter(pk=target_id).values_list("author_id", flat=True))
        case "thread":
            # An edit can change topics, a deletion removes answers: everyone who answered.
            return list(
                Post.objects.filter(thread_id=target_id, is_opening=False)
                .values_list("author_id", flat=True)
                .distinct()
            )
        case "entry":
            return list(Entry.authors.through.objects.filter(entry_id=target_id).values_list(
                "user_id", flat=True
            ))  # fmt: skip
        case "event" if activity.verb != Verb.EVENT_RESPONDED:  # answers change nothing here
            # Its leaders, and those an edit no longer names.
            leaders = Event.leaders.through.objects.filter(event_id=target_id)
            return [*leaders.values_list("user_id", flat=True), *activity.data.get("dropped", [])]
        case "user":
            return [target_id]
        case "membership":
            return list(Membership.objects.filter(pk=target_id).values_list("user_id", flat=True))
        case _:
            return []


def on_activity(activity: Activity) -> None:
    """Keep the profiles touched by `activity` current (inside the writing transaction)."""
    if writing_in_bulk():
        return
    refresh_members(i for i in _affected(activity) if i is not None)  # authors may be gone
