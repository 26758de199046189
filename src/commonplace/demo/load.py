"""Load the demo constellation through the real actions, with original times.

Running it twice changes nothing: people are found by username and
communities by slug; a community that exists already is left as it is,
except that a demo community loaded before the demo had a repertoire (it
has no entries at all) gets its repertoire added.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
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
from commonplace.communities.models import (
    Community,
    LeadershipRole,
    Membership,
    MembershipStatus,
)
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
from commonplace.demo.events import plan_demo_events
from commonplace.demo.repertoire_content import EXTRA_REUSE_NOTES, REPERTOIRE, DemoEntry
from commonplace.discussions.actions import (
    accept_answer,
    reply_to_thread,
    start_thread,
    vote_helpful,
)
from commonplace.discussions.models import QUESTION_KINDS, Post, Thread, ThreadKind
from commonplace.events.models import Event
from commonplace.repertoire.actions import (
    change_maturity,
    create_entry,
    edit_entry,
    endorse_entry,
    promote_threads_to_entry,
    record_reuse,
)
from commonplace.repertoire.models import Entry, EntryKind, Maturity

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


# How many members say "I use this" of an entry, by its maturity: (fewest, most).
ENDORSERS = {
    Maturity.DRAFT: (0, 0),
    Maturity.IN_USE: (0, 5),
    Maturity.ENDORSED: (4, 9),
    Maturity.RETIRED: (1, 3),
}
REUSABLE = {EntryKind.TOOL, EntryKind.ASSET}


def _writer(
    item: DemoEntry,
    replies: dict[str, Counter[int]],
    memberships: dict[int, Membership],
    rng: random.Random,
) -> User:
    # Those who answer questions on a topic are those who write it down.
    counts: Counter[int] = Counter()
    for topic in item.topics:
        counts.update(replies.get(topic, Counter()))
    candidates = sorted(uid for uid in counts if uid in memberships)
    if not candidates:
        return rng.choice(list(memberships.values())).user
    # Square roots, so the most active answerer does not write nearly everything.
    chosen = rng.choices(candidates, weights=[counts[uid] ** 0.5 for uid in candidates])[0]
    return memberships[chosen].user


def _sources(item: DemoEntry, resolved: Sequence[Thread], used: set[int]) -> list[Thread]:
    """Resolved threads to write `item` down from: those about it, else those on its topics."""
    free = [t for t in resolved if t.pk not in used]
    about = [t for t in free if item.from_threads.lower() in t.title.lower()]
    on_topic = [t for t in free if {tp.name for tp in t.topics.all()} & set(item.topics)]
    chosen = (about or on_topic)[: item.sources]
    used.update(t.pk for t in chosen)
    return chosen


def _write_down(
    item: DemoEntry,
    community: Community,
    author: User,
    slugs: list[str],
    sources: list[Thread],
    rng: random.Random,
    now: datetime,
) -> Entry:
    if sources:
        # A documentation project: the threads are promoted, then edited into shape.
        entry = promote_threads_to_entry(
            threads=sources, by=author, kind=item.kind, title=item.title
        )
        from_threads = [t.slug for t in entry.topics.all()]
        return edit_entry(
            entry=entry,
            by=author,
            base_version=entry.version,
            title=item.title,
            body=item.body,
            topics=list(dict.fromkeys([*slugs, *from_threads]))[:5],
            note="Edited into shape from the discussion",
            review_due=(now - timedelta(days=rng.uniform(7, 60))).date() if item.overdue else None,
        )
    days_ago = rng.uniform(150, 300) if item.overdue else rng.uniform(3, 300)
    created = now - timedelta(days=days_ago)
    review_due = None
    if item.overdue:
        review_due = (created + timedelta(days=rng.uniform(60, days_ago - 14))).date()
    return create_entry(
        community=community,
        by=author,
        kind=item.kind,
        title=item.title,
        body=item.body,
        topics=slugs,
        review_due=review_due,
        at=created,
    )


def _repertoire(community: Community, spec: DemoCommunity, seed: int, now: datetime) -> int:
    """Write down the community's repertoire; return how many entries it has.

    It draws from its own random stream, so the entries are the same whether they
    are loaded with their community or added to one loaded before.
    """
    rng = random.Random(f"{seed}:{spec.slug}:repertoire")
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE
        ).select_related("user")
    }
    members = [m.user for m in memberships.values()]
    curator = next((m for m in memberships.values() if m.is_coordinator), None)
    topic_slugs = dict(community.topics.values_list("name", "slug"))
    replies: dict[str, Counter[int]] = {}
    for author_id, topic in Post.objects.filter(
        thread__community=community,
        is_opening=False,
        deleted_at__isnull=True,
        author__isnull=False,
        thread__topics__isnull=False,
    ).values_list("author_id", "thread__topics__name"):
        replies.setdefault(topic, Counter())[author_id] += 1
    resolved = list(
        Thread.objects.filter(
            community=community, accepted_answer__isnull=False, deleted_at__isnull=True
        )
        .select_related("accepted_answer")
        .prefetch_related("topics")
        .order_by("created_at", "id")
    )
    used: set[int] = set()
    items = REPERTOIRE.get(spec.slug, [])
    for item in items:
        slugs = [topic_slugs[name] for name in item.topics if name in topic_slugs]
        sources = _sources(item, resolved, used) if item.from_threads else []
        # Mostly the one whose answer was accepted writes it down, sometimes the one who asked.
        candidates = [
            uid
            for uid in [
                *(t.accepted_answer.author_id for t in sources if t.accepted_answer),
                *(t.author_id for t in sources),
            ]
            if uid in memberships
        ]
        if candidates:
            author = memberships[candidates[0 if rng.random() < 0.65 else -1]].user
        else:
            author = _writer(item, replies, memberships, rng)
        entry = _write_down(item, community, author, slugs, sources, rng, now)
        if item.revision:
            note, addition = item.revision
            entry = edit_entry(
                entry=entry,
                by=_writer(item, replies, memberships, rng),
                base_version=entry.version,
                title=entry.title,
                body=f"{entry.body}\n\n{addition}",
                topics=[t.slug for t in entry.topics.all()],
                note=note,
            )
        if item.maturity != Maturity.DRAFT:
            change_maturity(
                entry=entry, to=Maturity.IN_USE, by=author, membership=memberships[author.pk]
            )
        authors = set(entry.authors.values_list("pk", flat=True))
        others = [p for p in members if p.pk not in authors]
        fewest, most = ENDORSERS[Maturity(item.maturity)]
        for person in rng.sample(others, min(len(others), rng.randint(fewest, most))):
            endorse_entry(entry=entry, by=person)
        if item.kind in REUSABLE and item.maturity != Maturity.DRAFT:
            notes = [*item.reuse_notes, *rng.sample(EXTRA_REUSE_NOTES, rng.randint(0, 2))]
            for note in notes:
                record_reuse(entry=entry, by=rng.choice(others), note=note)
        if item.maturity in {Maturity.ENDORSED, Maturity.RETIRED} and curator is not None:
            change_maturity(
                entry=entry,
                to=item.maturity,
                by=curator.user,
                membership=curator,
                reason=item.reason,
            )
    return len(items)


def load_demo(*, log: Callable[[str], None] = print, seed: int = 7) -> int:
    """Create what is missing of the demo; return how many communities were added or completed."""
    rng = random.Random(seed)
    now = timezone.now()
    people = _people(rng, log)
    total_size = sum(c.size for c in COMMUNITIES)
    added = 0
    for index, spec in enumerate(COMMUNITIES):
        existing = Community.objects.filter(slug=spec.slug).first()
        if existing is not None:
            # Loaded by an earlier version of the demo, before it had a repertoire.
            loaded_before = existing.created_by_id == people[index * 3].pk
            if loaded_before and not Entry.objects.filter(community=existing).exists():
                with transaction.atomic():
                    entries = _repertoire(existing, spec, seed, now)
                added += 1
                log(f"{spec.name}: already there; added its repertoire of {entries} entries")
            elif loaded_before and not Event.objects.filter(community=existing).exists():
                with transaction.atomic():
                    events = plan_demo_events(existing, seed, now)
                added += 1
                log(f"{spec.name}: already there; added {events} events")
            else:
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
                notify_suggested_answerers=True,
            )
            members = _members(index, spec, community, people[index * 3], people, rng, start)
            count = max(12, round(THREADS * spec.size / total_size))
            _threads(spec, community, members, count, rng, now)
            entries = _repertoire(community, spec, seed, now)
            events = plan_demo_events(community, seed, now)
        added += 1
        log(
            f"{spec.name}: {len(members)} members, {community.threads.count()} threads, "
            f"{entries} entries, {events} events"
        )
    return added
