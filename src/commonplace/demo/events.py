"""The demo communities' rhythm: regular meetings at their cadence, workshops led by the
members who answer most on a topic, a knowledge-mapping session and a visit to come."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from commonplace.accounts.models import User
from commonplace.communities.models import Cadence, Community, Membership, MembershipStatus
from commonplace.discussions.models import Post
from commonplace.events.actions import respond_to_event, schedule_events
from commonplace.events.models import EventKind, Repeat, Response
from commonplace.events.queries import CADENCE_DAYS

MEETINGS_PAST = 4
MEETING_AGENDA = (
    "Round of what everyone is working on, then the open questions of the last weeks "
    "and who will write down what we settle.\n\n"
    "Notes go into the repertoire as a lesson if something new came up."
)
WORKSHOP_TEXT = (
    "Hands-on: bring a case of your own. We work through two or three of them together "
    "and note what generalises.\n\nLed by someone who has answered many questions on it."
)
MAPPING_TEXT = (
    "We look at the knowledge map together: which topics have demand and no one "
    "answering, whose knowledge only one person holds, what we should write down next."
)
WEBINAR_TEXT = (
    "Forty minutes on what changed this year and what it means for our work, then "
    "questions. The recording and the slides go into the repertoire afterwards."
)
VISIT_TEXT = "A visit to see how another team does it, with time for questions afterwards."


def _at(day: datetime, hour: int) -> datetime:
    """`hour` o'clock on `day`, or on the Monday after when `day` falls on a weekend."""
    if day.weekday() >= 5:
        day += timedelta(days=7 - day.weekday())
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _top_answerers(community: Community) -> dict[str, list[int]]:
    """Per topic slug, members by how many replies they wrote there, most first."""
    counts: dict[str, Counter[int]] = {}
    for author_id, slug in Post.objects.filter(
        thread__community=community,
        is_opening=False,
        deleted_at__isnull=True,
        author__isnull=False,
        thread__topics__isnull=False,
    ).values_list("author_id", "thread__topics__slug"):
        counts.setdefault(slug, Counter())[author_id] += 1
    return {slug: [uid for uid, _ in c.most_common()] for slug, c in counts.items()}


def plan_demo_events(community: Community, seed: int, now: datetime) -> int:
    """Put the demo's events on `community`'s calendar; return how many."""
    rng = random.Random(f"{seed}:{community.slug}:events")
    memberships = list(
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .order_by("id")
    )
    members = {m.user_id: m.user for m in memberships}
    coordinator = next(m.user for m in memberships if m.is_coordinator)
    topics = list(community.topics.order_by("id").values_list("slug", "name"))
    experts = _top_answerers(community)

    def lead(slug: str) -> User:
        """The member who replies most on the topic; coordinators run the meetings already."""
        ranked = [uid for uid in experts.get(slug, []) if uid in members and uid != coordinator.pk]
        return members[ranked[0]] if ranked else coordinator

    planned = []

    def plan(kind: str, title: str, start: datetime, hours: float, **fields: Any) -> None:
        planned.extend(
            schedule_events(
                community=community,
                by=coordinator,
                kind=kind,
                title=title,
                starts_at=start,
                ends_at=start + timedelta(hours=hours),
                **fields,
            )
        )

    cadence = Cadence(community.cadence)
    every = CADENCE_DAYS.get(cadence)
    if every:
        call = {
            "description": MEETING_AGENDA,
            "online_url": f"https://meet.example.org/{community.slug}",
        }
        title = f"{community.name}: regular call"
        for n in range(-MEETINGS_PAST, 0):
            plan(EventKind.MEETING, title, _at(now + timedelta(days=every * n + 3), 16), 1, **call)
        # The calls to come were planned as a series, where the rhythm is one a series has.
        repeats = {"repeat": cadence, "occurrences": 3} if cadence in Repeat.values else {}
        plan(EventKind.MEETING, title, _at(now + timedelta(days=3), 16), 1, **call, **repeats)
    for weeks, (slug, name) in zip((3, 7, 11), topics, strict=False):
        leader = lead(slug)
        plan(
            EventKind.WORKSHOP, f"Workshop: {name} in practice",
            _at(now - timedelta(weeks=weeks, days=rng.randint(0, 3)), 14), 2,
            description=WORKSHOP_TEXT, location="Learning centre, room 2", topics=[slug],
            leaders=[leader.username],
        )  # fmt: skip
    if topics:
        slug, name = topics[-1]
        plan(
            EventKind.WEBINAR, f"Webinar: what changed in {name.lower()} this year",
            _at(now + timedelta(days=12), 15), 1, description=WEBINAR_TEXT,
            online_url=f"https://meet.example.org/{community.slug}-webinar", topics=[slug],
            leaders=[lead(slug).username],
        )  # fmt: skip
    plan(
        EventKind.KNOWLEDGE_MAPPING, "Knowledge mapping: what are we missing?",
        _at(now + timedelta(days=20), 13), 2, description=MAPPING_TEXT,
        location="Main office, room 4.12",
    )  # fmt: skip
    plan(
        EventKind.VISIT, "Visit to a neighbouring team", _at(now + timedelta(days=26), 10), 4,
        description=VISIT_TEXT, location="Their site; meet at reception",
    )  # fmt: skip
    people = list(members.values())
    for event in planned:
        if event.ends_at <= now:
            continue
        for person in rng.sample(people, min(len(people), rng.randint(3, 9))):
            answer = Response.GOING if rng.random() < 0.7 else Response.MAYBE
            respond_to_event(event=event, by=person, response=answer)
    return len(planned)
