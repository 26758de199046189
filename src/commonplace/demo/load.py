"""Load the demo constellation through the real actions, with original times.

Running it twice changes nothing: people are found by username and
communities by slug; a community that exists already is left as it is.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from commonplace.accounts.actions import sign_up, update_profile
from commonplace.accounts.models import User
from commonplace.communities.actions import (
    create_community,
    invite_member,
    join_community,
    update_member_roles,
)
from commonplace.communities.models import Community, LeadershipRole, Membership
from commonplace.demo.content import (
    COMMUNITIES,
    FIRST_NAMES,
    KIND_TEMPLATES,
    LAST_NAMES,
    LOCATIONS,
    ORG_UNITS,
    REPLIES,
    DemoCommunity,
)
from commonplace.discussions.actions import (
    accept_answer,
    reply_to_thread,
    start_thread,
    vote_helpful,
)
from commonplace.discussions.models import QUESTION_KINDS, ThreadKind

DEMO_PASSWORD = "commonplace-demo"  # noqa: S105 - printed for visitors of a demo install
PEOPLE = 60
THREADS = 300
SPAN_DAYS = 365


def _people(rng: random.Random, log: Callable[[str], None]) -> list[User]:
    people = []
    for i in range(PEOPLE):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[(i * 7) % len(LAST_NAMES)]
        username = f"{first}.{last}".lower()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = sign_up(
                username=username,
                email=f"{username}@example.org",
                password=DEMO_PASSWORD,
                display_name=f"{first} {last}",
            )
            update_profile(
                user=user,
                display_name=user.display_name,
                bio=f"{first} works in {ORG_UNITS[i % len(ORG_UNITS)]} and likes to help.",
                org_unit=ORG_UNITS[i % len(ORG_UNITS)],
                location=rng.choice(LOCATIONS),
                skills=[],
                interests=[],
            )
        people.append(user)
    log(f"{len(people)} people (password for all: {DEMO_PASSWORD})")
    return people


def _members(
    index: int,
    spec: DemoCommunity,
    community: Community,
    coordinator: User,
    people: list[User],
    rng: random.Random,
    start: datetime,
) -> list[User]:
    # Everyone has a home community; the rest of the places go to people
    # drawn at random, so memberships overlap as they do in an organization.
    home = [p for i, p in enumerate(people) if i % len(COMMUNITIES) == index]
    others = [p for p in people if p != coordinator and p not in home]
    chosen = [p for p in home if p != coordinator]
    chosen += rng.sample(others, max(0, spec.size - 1 - len(chosen)))
    for person in chosen:
        joined = start + timedelta(days=rng.uniform(0, 60))
        if spec.join_policy == "open":
            join_community(community=community, user=person, at=joined)
        else:
            # Request and invitation communities: the coordinator brings people in.
            invite_member(community=community, user=person, by=coordinator)
            join_community(community=community, user=person, at=joined)
    members = [coordinator, *chosen]
    roles = list(LeadershipRole.values)
    for person, role in zip(chosen[:4], rng.sample(roles, 4), strict=False):
        membership = Membership.objects.get(community=community, user=person)
        update_member_roles(
            membership=membership,
            role="coordinator" if role == "day_to_day" else "member",
            leadership_roles=[role],
            by=coordinator,
        )
    for person in members:
        topics = list(spec.topics)
        skills = rng.sample(topics, min(2, len(topics)))
        if set(skills) - set(person.skills):
            update_profile(
                user=person,
                display_name=person.display_name,
                bio=person.bio,
                org_unit=person.org_unit,
                location=person.location,
                skills=[*person.skills, *skills][:8],
                interests=[*person.interests, *rng.sample(topics, 1)][:6],
            )
    return members


def _threads(
    spec: DemoCommunity,
    community: Community,
    members: list[User],
    count: int,
    rng: random.Random,
    now: datetime,
) -> None:
    kinds = list(ThreadKind)
    # A few people do most of the answering, as in every real community.
    weights = [1 / (rank + 1) for rank in range(len(members))]
    for n in range(count):
        kind = kinds[n % len(kinds)] if n < len(kinds) else rng.choice(kinds)
        topic = rng.choice(list(spec.topics))
        situation = rng.choice(spec.topics[topic])
        title_t, body_t = rng.choice(KIND_TEMPLATES[kind])
        started = now - timedelta(days=rng.uniform(1, SPAN_DAYS - 70))
        author = rng.choice(members)
        thread = start_thread(
            community=community,
            author=author,
            kind=kind,
            title=title_t.format(s=situation, t=topic.lower())[:200],
            body=body_t.format(s=situation, t=topic.lower()),
            topics=[community.topics.get(name=topic).slug],
            at=started,
        )
        replies = []
        at = started
        for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4, 5, 6])):
            at = at + timedelta(hours=rng.uniform(1, 72))
            if at >= now:
                break
            replier = rng.choices(members, weights=weights)[0]
            text = rng.choice(REPLIES).format(s=situation, t=topic.lower())
            replies.append(reply_to_thread(thread=thread, author=replier, body=text, at=at))
        for post in replies:
            for voter in rng.sample(members, rng.choice([0, 0, 1, 2, 3])):
                if voter != post.author:
                    membership = Membership.objects.get(community=community, user=voter)
                    vote_helpful(
                        post=post,
                        by=voter,
                        membership=membership,
                        at=min(now, post.created_at + timedelta(hours=rng.uniform(1, 48))),
                    )
        answers = [p for p in replies if p.author != author]
        if kind in QUESTION_KINDS and answers and rng.random() < 0.65:
            best = max(answers, key=lambda p: (p.helpful_count, p.pk))
            accept_answer(
                thread=thread,
                answer=best,
                by=author,
                membership=Membership.objects.get(community=community, user=author),
                at=min(now, best.created_at + timedelta(hours=rng.uniform(1, 24))),
            )


def load_demo(*, log: Callable[[str], None] = print, seed: int = 7) -> int:
    """Create what is missing of the demo; return how many communities were added."""
    rng = random.Random(seed)
    now = timezone.now()
    people = _people(rng, log)
    total_size = sum(c.size for c in COMMUNITIES)
    added = 0
    for index, spec in enumerate(COMMUNITIES):
        if Community.objects.filter(slug=spec.slug).exists():
            log(f"{spec.name}: already there, left as it is")
            continue
        with transaction.atomic():
            start = now - timedelta(days=SPAN_DAYS)
            community = create_community(
                name=spec.name,
                slug=spec.slug,
                domain_statement=spec.domain,
                by=people[index * 3],
                topics=list(spec.topics),
                at=start,
                strategic_context=spec.context,
                sponsor=spec.sponsor,
                visibility=spec.visibility,
                join_policy=spec.join_policy,
                stage=spec.stage,
                recognition=spec.recognition,
                cadence=spec.cadence,
                accent_color=spec.colour,
            )
            members = _members(index, spec, community, people[index * 3], people, rng, start)
            count = max(12, round(THREADS * spec.size / total_size))
            _threads(spec, community, members, count, rng, now)
        added += 1
        log(f"{spec.name}: {len(members)} members, {community.threads.count()} threads")
    return added
