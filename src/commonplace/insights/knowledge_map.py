"""The knowledge map: per topic, what the community asks, what it knows, and where it is thin.

For one community and each of its topics: demand (questions), supply
(answers and repertoire entries), the events held on it in the last year,
the share of questions answered, the
median time to a first answer and to resolution, the active experts, the
bus factor, stale entries, and a risk that says how much attention the
topic needs. Gaps are the topics with demand and no active expert, the
topics whose experts all went quiet, and the questions waiting longest.

Computed on read from the threads, replies, entries and expertise profiles
(a few grouped queries per community).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import squarify
from django.db.models import Count, Min, Q
from django.utils import timezone

from commonplace.communities.models import Community, Membership, MembershipStatus, Topic
from commonplace.core.models import Activity, Verb
from commonplace.discussions.models import QUESTION_KINDS, Post, Thread
from commonplace.events.models import Event
from commonplace.insights.models import Expertise
from commonplace.repertoire.models import Entry, Maturity

# An expert: enough evidence on the topic (about two accepted answers, or
# an entry others use) and active in the last half year.
EXPERT_SCORE = 4.0
ACTIVE_DAYS = 182
# An entry not revised for this long, or past its review date, is stale.
STALE_DAYS = 365
EVENTS_DAYS = 365
UNANSWERED_SHOWN = 10


@dataclass
class TopicFigures:
    topic: Topic
    questions: int = 0
    answered: int = 0
    resolved: int = 0
    answers: int = 0
    entries: int = 0
    stale_entries: int = 0
    events: int = 0  # held in the last year (EVENTS_DAYS), not cancelled
    first_answer_hours: float | None = None  # median
    resolution_hours: float | None = None  # median
    active_experts: list[str] = field(default_factory=list)  # names, strongest first
    inactive_experts: int = 0
    bus_factor: int = 0  # fewest people behind half the accepted answers and entries
    risk: float = 0.0  # 0 (healthy) .. 1 (needs attention)
    risk_reasons: list[str] = field(default_factory=list)

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.questions if self.questions else None

    @property
    def supply(self) -> int:
        return self.answers + self.entries

    @property
    def risk_colour(self) -> str:
        return risk_colour(self.risk)


@dataclass
class KnowledgeMap:
    community: Community
    topics: list[TopicFigures]
    unanswered: list[Thread]  # open questions waiting longest for a first answer
    computed_at: datetime

    @property
    def gaps_without_experts(self) -> list[TopicFigures]:
        return [t for t in self.topics if t.questions and not t.active_experts]

    @property
    def gaps_gone_quiet(self) -> list[TopicFigures]:
        return [t for t in self.topics if not t.active_experts and t.inactive_experts]


def _median_hours(spans: list[timedelta]) -> float | None:
    if not spans:
        return None
    return round(statistics.median(s.total_seconds() for s in spans) / 3600, 1)


def bus_factor(contributions: dict[int, int]) -> int:
    """The fewest people who together produced at least half of `contributions`."""
    total = sum(contributions.values())
    if not total:
        return 0
    covered = 0
    for people, count in enumerate(sorted(contributions.values(), reverse=True), start=1):
        covered += count
        if covered * 2 >= total:
            return people
    return len(contributions)


def _risk(t: TopicFigures) -> tuple[float, list[str]]:
    """How much a topic needs attention, 0-1, and why (in words)."""
    said: list[str] = []
    risk = 0.0
    if t.questions and not t.active_experts:
        risk += 0.45
        said.append("no active expert" if not t.inactive_experts else "its experts went quiet")
    elif t.bus_factor == 1 and t.questions:
        risk += 0.25
        said.append("half its answers and entries come from one person")
    rate = t.answer_rate
    if rate is not None and rate < 0.5:
        risk += 0.3 * (1 - rate)
        said.append(f"{round(rate * 100)} % of questions answered")
    if t.entries and t.stale_entries * 2 >= t.entries:
        risk += 0.15
        said.append("most entries are stale")
    if t.questions and not t.entries:
        risk += 0.1
        said.append("nothing in the repertoire")
    return min(1.0, round(risk, 2)), said


def build_map(community: Community, *, now: datetime | None = None) -> KnowledgeMap:
    """The knowledge map of `community`. The caller has checked the viewer may read it."""
    now = now or timezone.now()
    topics = {t.pk: TopicFigures(topic=t) for t in community.topics.order_by("name")}
    links = Thread.topics.through.objects.filter(
        thread__community=community, thread__deleted_at__isnull=True
    )
    questions = links.filter(thread__kind__in=QUESTION_KINDS)
    for row in questions.values("topic_id").annotate(
        n=Count("thread_id"),
        answered=Count("thread_id", filter=Q(thread__reply_count__gt=0)),
        resolved=Count("thread_id", filter=Q(thread__accepted_answer__isnull=False)),
    ):
        t = topics[row["topic_id"]]
        t.questions, t.answered, t.resolved = row["n"], row["answered"], row["resolved"]

    replies = Post.objects.filter(
        thread__community=community, thread__deleted_at__isnull=True, is_opening=False,
        is_comment=False, deleted_at__isnull=True,
    )  # fmt: skip
    for row in replies.values("thread__topics").annotate(n=Count("id")):
        if row["thread__topics"] in topics:
            topics[row["thread__topics"]].answers = row["n"]

    # Time to a first answer and to resolution, per question.
    first_reply = dict(
        replies.filter(thread__kind__in=QUESTION_KINDS)
        .values("thread_id")
        .annotate(first=Min("created_at"))
        .values_list("thread_id", "first")
    )
    # When each answer was first accepted (an acceptance can be withdrawn and made again).
    accepted_at = dict(
        Activity.objects.filter(community=community, verb=Verb.ANSWER_ACCEPTED)
        .values("target_id")
        .annotate(first=Min("created_at"))
        .values_list("target_id", "first")
    )
    spans_first: dict[int, list[timedelta]] = defaultdict(list)
    spans_resolved: dict[int, list[timedelta]] = defaultdict(list)
    for topic_id, thread_id, asked, accepted_answer in questions.values_list(
        "topic_id", "thread_id", "thread__created_at", "thread__accepted_answer_id"
    ):
        if thread_id in first_reply:
            spans_first[topic_id].append(first_reply[thread_id] - asked)
        resolved_at = accepted_at.get(accepted_answer)
        if resolved_at is not None and resolved_at >= asked:
            spans_resolved[topic_id].append(resolved_at - asked)
    for topic_id, t in topics.items():
        t.first_answer_hours = _median_hours(spans_first.get(topic_id, []))
        t.resolution_hours = _median_hours(spans_resolved.get(topic_id, []))

    held = Event.objects.filter(
        community=community,
        cancelled_at__isnull=True,
        starts_at__lt=now,
        starts_at__gte=now - timedelta(days=EVENTS_DAYS),
    )
    for row in held.values("topics").annotate(n=Count("id")):
        if row["topics"] in topics:
            topics[row["topics"]].events = row["n"]

    # Entries: supply, staleness, and who wrote them (for the bus factor).
    stale_before = now - timedelta(days=STALE_DAYS)
    contributions: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    live_entries = Entry.objects.filter(community=community, deleted_at__isnull=True).exclude(
        maturity=Maturity.RETIRED
    )
    for topic_id, updated, due in live_entries.values_list("topics", "updated_at", "review_due"):
        if topic_id in topics:
            t = topics[topic_id]
            t.entries += 1
            t.stale_entries += updated < stale_before or due < now.date()
    for topic_id, user_id in Entry.authors.through.objects.filter(
        entry__in=live_entries
    ).values_list("entry__topics", "user_id"):
        if topic_id in topics:
            contributions[topic_id][user_id] += 1
    for topic_id, user_id in Thread.objects.filter(
        community=community, deleted_at__isnull=True, accepted_answer__isnull=False
    ).values_list("topics", "accepted_answer__author_id"):
        if topic_id in topics and user_id is not None:
            contributions[topic_id][user_id] += 1

    # Experts: strong on the topic, still members; active or gone quiet.
    active_since = now - timedelta(days=ACTIVE_DAYS)
    members = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
    for topic_id, name, username, last in (
        Expertise.objects.filter(
            community=community, topic_id__in=topics, score__gte=EXPERT_SCORE,
            user_id__in=members.values("user_id"),
        )
        .order_by("-score")
        .values_list("topic_id", "user__display_name", "user__username", "last_active_at")
    ):  # fmt: skip
        t = topics[topic_id]
        if last is not None and last >= active_since:
            t.active_experts.append(name or username)
        else:
            t.inactive_experts += 1

    for topic_id, t in topics.items():
        t.bus_factor = bus_factor(contributions.get(topic_id, {}))
        t.risk, t.risk_reasons = _risk(t)

    unanswered = list(
        Thread.objects.filter(
            community=community, deleted_at__isnull=True, kind__in=QUESTION_KINDS, reply_count=0
        )
        .select_related("author")
        .prefetch_related("topics")
        .order_by("created_at")[:UNANSWERED_SHOWN]
    )
    ordered = sorted(topics.values(), key=lambda t: (-t.questions, -t.supply, t.topic.name))
    return KnowledgeMap(community=community, topics=ordered, unanswered=unanswered, computed_at=now)


# -- the chart: a treemap, one tile per topic asked about ---------------------------

CHART_WIDTH, CHART_HEIGHT = 960, 420
# Healthy, watch, needs attention: dark enough for white labels (contrast >= 4.5).
RISK_COLOURS = ((0x2F, 0x6F, 0x5E), (0x8A, 0x4B, 0x00), (0xA3, 0x1F, 0x1F))


@dataclass
class Tile:
    figures: TopicFigures
    x: float
    y: float
    width: float
    height: float
    colour: str

    @property
    def shows_label(self) -> bool:
        return self.width >= 70 and self.height >= 34

    @property
    def label_x(self) -> float:
        return self.x + 8

    @property
    def label_y(self) -> float:
        return self.y + 22

    @property
    def sub_y(self) -> float:
        return self.y + 40


def risk_colour(risk: float) -> str:
    """Green at 0, amber at 0.5, red at 1."""
    low, high = (RISK_COLOURS[0], RISK_COLOURS[1]) if risk <= 0.5 else RISK_COLOURS[1:]
    share = risk * 2 if risk <= 0.5 else (risk - 0.5) * 2
    r, g, b = (round(a + (z - a) * share) for a, z in zip(low, high, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def treemap(knowledge: KnowledgeMap) -> list[Tile]:
    """Tiles sized by demand (questions), coloured by risk; topics never asked about left out."""

    asked = [t for t in knowledge.topics if t.questions]
    if not asked:
        return []
    sizes = squarify.normalize_sizes([t.questions for t in asked], CHART_WIDTH, CHART_HEIGHT)
    rects = squarify.squarify(sizes, 0, 0, CHART_WIDTH, CHART_HEIGHT)
    return [
        Tile(
            figures=t, x=r["x"], y=r["y"], width=r["dx"], height=r["dy"], colour=risk_colour(t.risk)
        )
        for t, r in zip(asked, rects, strict=True)
    ]


CSV_COLUMNS = (
    "topic", "questions", "answered", "answer_rate", "resolved", "answers", "entries",
    "stale_entries", "events_last_year", "median_hours_to_first_answer",
    "median_hours_to_resolution", "active_experts", "bus_factor", "risk", "risk_reasons",
)  # fmt: skip


def csv_rows(knowledge: KnowledgeMap) -> list[list[object]]:
    rows: list[list[object]] = [list(CSV_COLUMNS)]
    for t in knowledge.topics:
        rate = t.answer_rate
        rows.append([
            t.topic.name, t.questions, t.answered, "" if rate is None else round(rate, 3),
            t.resolved, t.answers, t.entries, t.stale_entries, t.events,
            "" if t.first_answer_hours is None else t.first_answer_hours,
            "" if t.resolution_hours is None else t.resolution_hours,
            "; ".join(t.active_experts), t.bus_factor, t.risk, "; ".join(t.risk_reasons),
        ])  # fmt: skip
    return rows
