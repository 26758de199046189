"""`commonplace seed-scale`: a large synthetic constellation for benchmarks.

This command is the one deliberate exception to "actions own writes": it
bulk-inserts rows straight into the models. Going through `start_thread`,
`reply_to_thread` and `vote_helpful` one row at a time would take hours for
200,000 posts, and the point of a generator is to produce, in minutes, what
those actions would have left behind. So it writes everything they write,
consistently: the content, the denormalized counters (Community.member_count,
thread_count, last_activity_at; Thread.reply_count, helpful_count,
last_activity_at, accepted_answer; Post.helpful_count) and the Activity rows
with their original times, so insights computed later see a real history.

Generated data is recognisable by its names: usernames `scale<g>_<n>` and
community slugs `scale<g>-<n>-…`, where <g> is the generation (1 for the
first run, 2 for the first `--append`, …).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any, TypeVar

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from commonplace.accounts.models import User
from commonplace.communities.models import (
    Cadence,
    Community,
    DomainRevision,
    JoinPolicy,
    LeadershipRole,
    Membership,
    MembershipStatus,
    Recognition,
    Role,
    Stage,
    Topic,
    Visibility,
)
from commonplace.core.markdown import render_markdown
from commonplace.core.models import Activity, Verb
from commonplace.discussions.models import (
    QUESTION_KINDS,
    Post,
    PostRevision,
    Thread,
    ThreadKind,
    Vote,
)

M = TypeVar("M", bound=models.Model)

BATCH_SIZE = 2000  # Django lowers it further where the database needs (SQLite).
SEED_USERNAME = re.compile(r"^scale(\d+)_")
SEED_SLUG = re.compile(r"^scale(\d+)-")
MONTHS = 12
LONG_THREAD_POSTS = 50  # one thread of exactly this many posts per community
MEAN_POSTS_PER_THREAD = 8

# --- vocabulary ------------------------------------------------------------------

AREAS: list[tuple[str, list[str]]] = [
    ("Fermentation", ["Yeast", "Hops", "Sour beers", "Kombucha", "Sanitation", "Kegging"]),
    ("Bridge Inspection", ["Corrosion", "Fatigue cracks", "Drones", "Load rating", "Bearings"]),
    ("Paediatric Nursing", ["Pain scales", "Night shifts", "Sepsis", "Family care", "Dosing"]),
    ("Claims Handling", ["Fraud signals", "Subrogation", "Storm season", "Reserves", "Appeals"]),
    ("Data Engineering", ["Pipelines", "Schemas", "Backfills", "Data quality", "Orchestration"]),
    ("After-school Programs", ["Volunteers", "Funding", "Homework clubs", "Transport", "Safety"]),
    ("Field Sales", ["Pricing", "Objections", "Territory planning", "Demos", "Renewals"]),
    ("Soil Science", ["Sampling", "Compost", "Erosion", "Cover crops", "Lab methods"]),
    ("Legal Drafting", ["Indemnities", "Plain language", "Templates", "Clause libraries"]),
    ("Network Operations", ["BGP", "Outages", "Monitoring", "Change windows", "Firewalls"]),
    ("Museum Education", ["School visits", "Accessibility", "Object handling", "Outreach"]),
    ("Urban Beekeeping", ["Swarms", "Varroa", "Queen rearing", "Honey harvest", "Rooftops"]),
    ("Clinical Trials", ["Consent", "Recruitment", "Protocol deviations", "Monitoring visits"]),
    ("Product Design", ["User research", "Prototyping", "Design systems", "Critique"]),
    ("Teaching Mathematics", ["Fractions", "Proof", "Assessment", "Manipulatives", "Tutoring"]),
    ("Wastewater Treatment", ["Sludge", "Aeration", "Permits", "Odour", "Sensors"]),
    ("Translation", ["Glossaries", "CAT tools", "Localisation", "Style guides", "Review"]),
    ("Incident Response", ["Runbooks", "Postmortems", "On-call", "Paging", "Forensics"]),
    ("Community Gardening", ["Allotments", "Seed swaps", "Watering", "Pests", "Composting"]),
    ("Procurement", ["Tenders", "Supplier risk", "Bulk buying", "Contracts", "Negotiation"]),
]
SHARED_TOPICS = [
    "Onboarding", "Tools", "Safety", "Measurement", "Case studies", "Training",
    "Regulation", "Budgets", "Mentoring", "Standards", "Lessons learned", "Ethics",
]  # fmt: skip
SUFFIXES = ["Guild", "Circle", "Network", "Practice", "Forum"]
SPONSORS = ["", "", "Operations", "Chief Medical Officer", "Engineering", "City Council", "R&D"]
ACCENTS = ["#2f6f5e", "#8a4b08", "#1f5f8b", "#7b2d6b", "#5b6b1f", "#a23b3b", "#3b4aa2"]
FIRST_NAMES = [
    "Ada", "Bola", "Chen", "Dara", "Emil", "Fatima", "Goran", "Hana", "Ines", "Jonas",
    "Kemal", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tove",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia", "Amir", "Birgit", "Carlos", "Dilan",
]  # fmt: skip
LAST_NAMES = [
    "Abara", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova",
    "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe",
    "Rossi", "Silva", "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Yilmaz", "Zhou",
]  # fmt: skip
ORG_UNITS = ["", "", "Operations", "Research", "Field team North", "Field team South", "HQ"]
LOCATIONS = ["", "Lisbon", "Nairobi", "Oslo", "Porto Alegre", "Pune", "Toronto", "Utrecht"]

KIND_WEIGHTS = {
    ThreadKind.PROBLEM_SOLVING: 20,
    ThreadKind.REQUEST_FOR_INFORMATION: 18,
    ThreadKind.SEEKING_EXPERIENCE: 16,
    ThreadKind.REUSING_ASSETS: 8,
    ThreadKind.COORDINATION: 8,
    ThreadKind.DISCUSSING_DEVELOPMENTS: 12,
    ThreadKind.DOCUMENTATION_PROJECT: 6,
    ThreadKind.VISIT: 4,
    ThreadKind.KNOWLEDGE_MAPPING: 8,
}
TITLES = {
    ThreadKind.PROBLEM_SOLVING: [
        "Stuck with {t}: where would you start?",
        "{T} keeps failing after the last change",
        "Brainstorm: a better approach to {t}?",
    ],
    ThreadKind.REQUEST_FOR_INFORMATION: [
        "Where is the current checklist for {t}?",
        "Who owns the {t} templates now?",
        "Is there a reference document on {t}?",
    ],
    ThreadKind.SEEKING_EXPERIENCE: [
        "Has anyone dealt with {t} at this scale?",
        "What happened when you changed how you do {t}?",
        "Looking for stories about {t} going wrong",
    ],
    ThreadKind.REUSING_ASSETS: [
        "My {t} template from last year, free to reuse",
        "Sharing our {t} worksheet",
    ],
    ThreadKind.COORDINATION: [
        "Can we combine our {t} purchases this quarter?",
        "Joint session on {t} with the other teams?",
    ],
    ThreadKind.DISCUSSING_DEVELOPMENTS: [
        "What do you make of the new guidance on {t}?",
        "Is the new {t} tooling actually helping?",
    ],
    ThreadKind.DOCUMENTATION_PROJECT: [
        "We keep answering this: let us write down {t}",
        "Drafting a practice guide for {t}",
    ],
    ThreadKind.VISIT: [
        "Could we come and see how you handle {t}?",
        "Visit report: {t} at the northern site",
    ],
    ThreadKind.KNOWLEDGE_MAPPING: [
        "Who knows what about {t}?",
        "Mapping the gaps in our {t} knowledge",
    ],
}
BODIES = [
    "Thanks, that helped.",
    "Same here: we saw exactly this last spring and it went away once we changed the order "
    "of the steps.",
    "I would check the basics first:\n\n1. Is the input what you think it is?\n"
    "2. Did anything change upstream?\n3. Can you reproduce it on a small case?\n\n"
    "Most of the time it is the second one.",
    "We wrote this down after the third time it happened. The short version:\n\n"
    "- **measure** before you change anything\n- change *one* thing at a time\n"
    "- keep a log, even a scrappy one\n\nThe long version is in our guide, "
    "see https://example.org/guides/practice for the details.",
    "Here is the snippet we use:\n\n```\nthreshold = baseline * 1.15\n"
    "if reading > threshold:\n    flag_for_review(reading)\n```\n\n"
    "It is crude, but it catches the cases that matter.",
    "> Has anyone dealt with this at scale?\n\nYes. It took us two quarters, mostly because "
    "nobody owned the handover. Once one person had it on their plate, it moved.",
    "| Option | Cost | Effort |\n|---|---|---|\n| Do nothing | none | none |\n"
    "| Patch it | low | a week |\n| Redesign | high | a quarter |\n\n"
    "We went with the patch and revisit it every review.",
    "I disagree a little. The guidance assumes a context we do not have: our sites are "
    "small, staff rotate often, and the ~~tooling~~ budget is thin. What works for us is "
    "pairing a newcomer with someone experienced for the first month.",
    "Could you say more about the setting? It matters whether this is a one-off or a "
    "recurring situation, and who has to sign it off.",
    "Good question. Adding this to the knowledge map so we can see who else has asked.",
]
OPENING_BODIES = [
    "We are seeing this more often and I am not sure how others handle it.\n\n"
    "**Context:** a mid-sized site, three people on it, and a deadline at the end of the "
    "month. What would you try first?",
    "I have put together what we know so far:\n\n- what happened\n- what we tried\n"
    "- what we think is going on\n\nAnything missing? Anyone who has been through this, "
    "please chime in.",
    "Short one: where do I find the current version, and who keeps it up to date?",
    "Sharing this in case it saves someone a week. Feedback welcome, especially on the "
    "parts that do not fit your setting.",
]

# --- helpers ----------------------------------------------------------------------


def _bulk(model: type[M], objs: list[M]) -> list[M]:
    # On SQLite 3.35+ and PostgreSQL bulk_create returns primary keys, which the
    # following inserts need as foreign keys.
    return model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def _geometric(rng: random.Random, p_more: float, cap: int) -> int:
    n = 0
    while n < cap and rng.random() < p_more:
        n += 1
    return n


def _weighted_sample(
    rng: random.Random, population: Sequence[int], cum_weights: Sequence[float], k: int
) -> list[int]:
    """Up to k distinct items, drawn with weights (small k only)."""
    chosen: list[int] = []
    for _ in range(k * 4):
        if len(chosen) >= k:
            break
        item = rng.choices(population, cum_weights=cum_weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def _activity(
    *,
    actor: int | None,
    community: int | None,
    verb: Verb,
    target_type: str,
    target_id: int | None,
    at: datetime,
    data: dict[str, Any] | None = None,
) -> Activity:
    return Activity(
        actor_id=actor,
        community_id=community,
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        data=data or {},
        created_at=at,
    )


@dataclass
class PlannedPost:
    author: int
    at: datetime
    body: int
    voters: list[tuple[int, datetime]] = field(default_factory=list)


@dataclass
class PlannedThread:
    kind: str
    title: str
    topics: list[int]
    posts: list[PlannedPost]
    accepted: int | None = None  # index into posts
    accepted_at: datetime | None = None


@dataclass
class Allocation:
    """A community's share of the posts: replies per thread, the long thread first."""

    count: int = 0
    posts: int = 0
    replies: list[int] = field(default_factory=list)
    has_long_thread: bool = False


@dataclass
class Totals:
    users: int = 0
    communities: int = 0
    memberships: int = 0
    threads: int = 0
    posts: int = 0
    votes: int = 0
    accepted: int = 0
    activities: int = 0


class Command(BaseCommand):
    help = (
        "Generate a large synthetic constellation (users, communities, memberships, threads "
        "of every kind, replies, votes, accepted answers and their activity log) with bulk "
        "inserts, for benchmarks. Generated names start with 'scale<g>' (usernames "
        "scale<g>_<n>, community slugs scale<g>-<n>-…). If seed-scale data exists already "
        "the command refuses, unless --append (add another, independent generation next "
        "to it) or --force (delete every earlier seed-scale generation, with all content "
        "in those communities, then generate afresh)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--communities", type=int, default=50)
        parser.add_argument("--members", type=int, default=20_000, help="Users to create.")
        parser.add_argument("--posts", type=int, default=200_000, help="Openings and replies.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: same seed, same data (default 1)."
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--append",
            action="store_true",
            help="Keep existing seed-scale data and add a new generation with fresh names.",
        )
        mode.add_argument(
            "--force",
            action="store_true",
            help="Delete all existing seed-scale data (its users and communities, with "
            "everything in them) before generating.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        n_communities: int = options["communities"]
        n_members: int = options["members"]
        n_posts: int = options["posts"]
        if n_communities < 1 or n_members < 1 or n_posts < 0:
            raise CommandError("--communities and --members must be at least 1, --posts >= 0.")
        if n_communities > 9999:
            raise CommandError("--communities is limited to 9999.")
        self.started = time.monotonic()
        self.rng = random.Random(options["seed"])
        self.now = timezone.now().replace(microsecond=0)
        self.start = self.now - timedelta(days=30 * MONTHS)
        self.totals = Totals()

        # One transaction for the whole run: a failure (or Ctrl-C) leaves the
        # database as it was, never half a constellation.
        with transaction.atomic():
            self._generate(options, n_communities, n_members, n_posts)

        t = self.totals
        self._log(
            f"Done in {time.monotonic() - self.started:.1f} s: {t.users} users, "
            f"{t.communities} communities, {t.memberships} memberships, {t.threads} threads, "
            f"{t.posts} posts, {t.votes} votes, {t.accepted} accepted answers, "
            f"{t.activities} activities."
        )

    def _generate(
        self, options: dict[str, Any], n_communities: int, n_members: int, n_posts: int
    ) -> None:
        generations = self._existing_generations()
        if generations and not (options["append"] or options["force"]):
            raise CommandError(
                f"Seed-scale data exists already (generation(s) "
                f"{', '.join(map(str, sorted(generations)))}). Use --append to add another "
                "generation next to it, or --force to delete it and start over."
            )
        if generations and options["force"]:
            self._delete_existing()
            generations = set()
        self.generation = max(generations, default=0) + 1
        self.prefix = f"scale{self.generation}"

        self._log(
            f"Seeding generation {self.generation}: {n_communities} communities, "
            f"{n_members} members, {n_posts} posts (seed {options['seed']}) "
            f"into {connection.vendor}"
        )
        self.bodies = [(b, render_markdown(b)) for b in BODIES]
        self.opening_bodies = [(b, render_markdown(b)) for b in OPENING_BODIES]

        user_ids = self._create_users(n_members)
        communities = self._create_communities(n_communities)
        members_of = self._assign_memberships(user_ids, len(communities))
        threads_of = self._allocate_threads(communities, n_posts)
        # Each community's first member created it and wrote its first domain statement.
        _bulk(
            DomainRevision,
            [
                DomainRevision(
                    community_id=c.pk,
                    text=c.domain_statement,
                    revised_by_id=members[0],
                    created_at=c.created_at,
                )
                for c, members in zip(communities, members_of, strict=True)
            ],
        )
        for index, community in enumerate(communities):
            self._seed_community(community, members_of[index], threads_of[index], user_ids)
            self._log(
                f"  [{index + 1}/{len(communities)}] {community.slug}: "
                f"{len(members_of[index])} members, {threads_of[index].count} threads, "
                f"{threads_of[index].posts} posts (total {self.totals.posts} posts)"
            )

    # --- bookkeeping ---------------------------------------------------------------

    def _log(self, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:7.1f}s] {message}")
        self.stdout.flush()

    def _existing_generations(self) -> set[int]:
        slugs = Community.objects.filter(slug__regex=SEED_SLUG.pattern).values_list(
            "slug", flat=True
        )
        names = User.objects.filter(username__regex=SEED_USERNAME.pattern).values_list(
            "username", flat=True
        )
        found = {int(m.group(1)) for s in slugs if (m := SEED_SLUG.match(s))}
        found |= {int(m.group(1)) for u in names.iterator() if (m := SEED_USERNAME.match(u))}
        return found

    def _delete_existing(self) -> None:
        """Remove earlier generations, children first so no delete collects huge sets."""
        communities = Community.objects.filter(slug__regex=SEED_SLUG.pattern)
        users = User.objects.filter(username__regex=SEED_USERNAME.pattern)
        self._log("Deleting existing seed-scale data (--force)…")
        Activity.objects.filter(Q(community__in=communities) | Q(actor__in=users)).delete()
        Vote.objects.filter(Q(post__thread__community__in=communities) | Q(user__in=users)).delete()
        PostRevision.objects.filter(post__thread__community__in=communities).delete()
        Thread.topics.through.objects.filter(thread__community__in=communities).delete()
        Thread.objects.filter(community__in=communities).update(accepted_answer=None)
        for community in communities:
            Post.objects.filter(thread__community=community).only("pk").delete()
            Thread.objects.filter(community=community).only("pk").delete()
            community.delete()
        users.only("pk").delete()
        self._log("Deleted.")

    # --- phases --------------------------------------------------------------------

    def _create_users(self, n: int) -> list[int]:
        rng = self.rng
        # Everyone signed up before the communities began, so every later
        # membership, post and vote comes after the account existed.
        signed_up_before = self.start - timedelta(days=31)
        users: list[User] = []
        signups: list[datetime] = []
        for i in range(1, n + 1):
            username = f"{self.prefix}_{i:06d}"
            joined = signed_up_before - timedelta(days=120 * rng.random())
            signups.append(joined)
            users.append(
                User(
                    username=username,
                    email=f"{username}@example.org",
                    # Generated people cannot log in: what make_password(None) makes,
                    # without its cryptographic random string (slow, and not needed).
                    password=f"{UNUSABLE_PASSWORD_PREFIX}{rng.getrandbits(160):040x}",
                    display_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    org_unit=rng.choice(ORG_UNITS),
                    location=rng.choice(LOCATIONS),
                    skills=rng.sample(SHARED_TOPICS, rng.choice([0, 0, 1, 2, 3])),
                    date_joined=joined,
                )
            )
        created = _bulk(User, users)
        ids = [u.pk for u in created]
        _bulk(
            Activity,
            [
                _activity(
                    actor=pk,
                    community=None,
                    verb=Verb.USER_SIGNED_UP,
                    target_type="user",
                    target_id=pk,
                    at=at,
                )
                for pk, at in zip(ids, signups, strict=True)
            ],
        )
        self.totals.users = len(ids)
        self.totals.activities += len(ids)
        self._log(f"Created {len(ids)} users.")
        return ids

    def _create_communities(self, n: int) -> list[Community]:
        rng = self.rng
        # Six in ten public, three members-only, one private, mixed from the start
        # so that even a handful of communities covers every visibility.
        public, members, private = Visibility.PUBLIC, Visibility.MEMBERS, Visibility.PRIVATE
        visibilities = [
            public, members, public, private, public, members, public, public, members, public,
        ]  # fmt: skip
        communities: list[Community] = []
        topic_names: list[list[str]] = []
        for i in range(n):
            area, area_topics = AREAS[i % len(AREAS)]
            suffix = SUFFIXES[(i // len(AREAS)) % len(SUFFIXES)]
            name = f"{area} {suffix}"
            if i >= len(AREAS) * len(SUFFIXES):
                name += f" {i + 1}"
            # The first community is the biggest one (see _community_weights)
            # and public, so benchmarks can read it without logging in.
            visibility = visibilities[i % len(visibilities)]
            join_policy = (
                JoinPolicy.INVITE
                if visibility == Visibility.PRIVATE
                else rng.choice([JoinPolicy.OPEN, JoinPolicy.OPEN, JoinPolicy.REQUEST])
            )
            communities.append(
                Community(
                    name=name,
                    slug=f"{self.prefix}-{i + 1:04d}-{slugify(name)}"[:50].rstrip("-"),
                    domain_statement=(
                        f"People who practise {area.lower()} and want to get better at it "
                        f"together.\nWe share problems, cases and tools, and we write down "
                        f"what we learn so the next person does not start from zero."
                    ),
                    strategic_context=rng.choice(
                        ["", f"{area} is where most of our incidents and most of our wins start."]
                    ),
                    sponsor=rng.choice(SPONSORS),
                    visibility=visibility,
                    join_policy=join_policy,
                    stage=rng.choice([Stage.COALESCING, Stage.ACTIVE, Stage.ACTIVE, Stage.ACTIVE]),
                    recognition=rng.choice(list(Recognition)),
                    cadence=rng.choice(list(Cadence)),
                    accent_color=rng.choice(ACCENTS),
                    created_at=self.start - timedelta(days=30 * rng.random()),
                )
            )
            names = rng.sample(area_topics, min(len(area_topics), rng.randint(4, 6)))
            names += rng.sample(SHARED_TOPICS, rng.randint(1, 4))
            topic_names.append(list({slugify(n): n for n in names}.values()))
        communities = _bulk(Community, communities)
        topics = [
            Topic(community_id=c.pk, slug=slugify(name), name=name)
            for c, names in zip(communities, topic_names, strict=True)
            for name in names
        ]
        _bulk(Topic, topics)
        self.topics_of: dict[int, list[tuple[int, str]]] = {}
        for topic in Topic.objects.filter(community__in=communities).values_list(
            "community_id", "id", "name"
        ):
            self.topics_of.setdefault(topic[0], []).append((topic[1], topic[2]))
        self.totals.communities = len(communities)
        self._log(f"Created {len(communities)} communities with {len(topics)} topics.")
        return communities

    def _community_weights(self, n: int) -> list[float]:
        # A few big communities and a long tail of small ones, as in any constellation.
        return [1 / (rank + 2) ** 0.9 for rank in range(n)]

    def _assign_memberships(self, user_ids: list[int], n_communities: int) -> list[list[int]]:
        """Each person in 1–4 communities, drawn towards the big ones."""
        rng = self.rng
        cum = list(accumulate(self._community_weights(n_communities)))
        population = list(range(n_communities))
        members_of: list[list[int]] = [[] for _ in range(n_communities)]
        for user_id in user_ids:
            k = min(n_communities, rng.choices([1, 2, 3, 4], weights=[45, 30, 15, 10])[0])
            for index in _weighted_sample(rng, population, cum, k):
                members_of[index].append(user_id)
        for members in members_of:
            if not members:  # tiny runs: nobody's community stays empty
                members.append(rng.choice(user_ids))
            rng.shuffle(members)  # the first ones will be the most active
        return members_of

    def _allocate_threads(self, communities: list[Community], n_posts: int) -> list[Allocation]:
        """How many threads each community gets and how many replies each thread gets."""
        rng = self.rng
        n = len(communities)
        long_posts = LONG_THREAD_POSTS if n_posts >= 4 * n * LONG_THREAD_POSTS else 0
        remaining = n_posts - n * long_posts
        n_threads = max(min(n, remaining), remaining // MEAN_POSTS_PER_THREAD)
        weights = self._community_weights(n)
        if n_threads >= n:
            owners = list(range(n)) + rng.choices(range(n), weights=weights, k=n_threads - n)
        else:
            owners = rng.sample(range(n), n_threads)
        # Replies go to threads with heavy-tailed weights: most threads get a
        # handful, some none (unanswered), a few run long.
        thread_weights = [min(rng.paretovariate(1.5), 40.0) for _ in range(n_threads)]
        replies = [0] * n_threads
        if n_threads and remaining > n_threads:
            for t in rng.choices(
                range(n_threads),
                cum_weights=list(accumulate(thread_weights)),
                k=remaining - n_threads,
            ):
                replies[t] += 1
        allocations = [Allocation() for _ in range(n)]
        if long_posts:
            for alloc in allocations:
                alloc.count += 1
                alloc.posts += long_posts
                alloc.replies.append(long_posts - 1)
                alloc.has_long_thread = True
        for owner, reply_count in zip(owners, replies, strict=True):
            alloc = allocations[owner]
            alloc.count += 1
            alloc.posts += 1 + reply_count
            alloc.replies.append(reply_count)
        return allocations

    # --- one community -------------------------------------------------------------

    def _plan_threads(
        self, community: Community, members: list[int], allocation: Allocation
    ) -> list[PlannedThread]:
        rng = self.rng
        # Participation is skewed: a core posts most, a periphery now and then.
        member_cum = list(accumulate(1 / (rank + 1) + 0.02 for rank in range(len(members))))
        topics = self.topics_of.get(community.pk, [])
        kinds = list(KIND_WEIGHTS)
        kind_weights = list(KIND_WEIGHTS.values())
        span = self.now - self.start
        planned: list[PlannedThread] = []
        for number, reply_count in enumerate(allocation.replies):
            is_long = number == 0 and allocation.has_long_thread
            kind = (
                rng.choice([ThreadKind.PROBLEM_SOLVING, ThreadKind.DISCUSSING_DEVELOPMENTS])
                if is_long
                else rng.choices(kinds, weights=kind_weights)[0]
            )
            thread_topics = rng.sample(
                topics, min(len(topics), rng.choices([0, 1, 2, 3], weights=[20, 45, 25, 10])[0])
            )
            topic_word = thread_topics[0][1] if thread_topics else "this"
            title = rng.choice(TITLES[ThreadKind(kind)]).format(
                t=topic_word.lower(), T=topic_word.capitalize()
            )
            # Activity grows a little over the year: later months are busier.
            opened = self.start + span * (rng.random() ** 0.8) * 0.98
            gap_hours = 48.0 if is_long else 8.0
            times = [opened]
            for _ in range(reply_count):
                times.append(times[-1] + timedelta(hours=rng.expovariate(1 / gap_hours)))
            if times[-1] > self.now:
                # Squeeze the conversation so it ends before now, keeping its order.
                scale = (self.now - opened) / (times[-1] - opened) * 0.999
                times = [opened + (t - opened) * scale for t in times]
            authors = rng.choices(members, cum_weights=member_cum, k=reply_count + 1)
            posts = [
                PlannedPost(
                    author=authors[0],
                    at=times[0],
                    body=rng.randrange(len(self.opening_bodies)),
                )
            ]
            posts += [
                PlannedPost(author=a, at=t, body=rng.randrange(len(self.bodies)))
                for a, t in zip(authors[1:], times[1:], strict=True)
            ]
            for post in posts:
                n_votes = _geometric(rng, 0.4, 25)
                if not n_votes:
                    continue
                voters = set(rng.choices(members, cum_weights=member_cum, k=n_votes))
                voters.discard(post.author)
                post.voters = [
                    (voter, min(self.now, post.at + timedelta(hours=rng.expovariate(1 / 24))))
                    for voter in sorted(voters)
                ]
            thread = PlannedThread(
                kind=kind, title=title, topics=[t[0] for t in thread_topics], posts=posts
            )
            if kind in QUESTION_KINDS and reply_count and rng.random() < 0.6:
                replies = posts[1:]
                by_others = [p for p in replies if p.author != posts[0].author] or replies
                best = max(by_others, key=lambda p: len(p.voters))
                thread.accepted = posts.index(best)
                thread.accepted_at = min(
                    self.now, best.at + timedelta(hours=rng.expovariate(1 / 12))
                )
            planned.append(thread)
        return planned

    def _seed_community(
        self,
        community: Community,
        members: list[int],
        allocation: Allocation,
        all_users: list[int],
    ) -> None:
        rng = self.rng
        cid = community.pk
        planned = self._plan_threads(community, members, allocation)
        activities: list[Activity] = []

        # Memberships: nobody acts before joining, so a join is drawn between
        # the community's creation and the person's first action there.
        first_action: dict[int, datetime] = {}
        for plan in planned:
            for planned_post in plan.posts:
                if planned_post.at < first_action.get(planned_post.author, self.now):
                    first_action[planned_post.author] = planned_post.at
                for voter, at in planned_post.voters:
                    if at < first_action.get(voter, self.now):
                        first_action[voter] = at
        creator = members[0]
        coordinators = set(members[: rng.randint(1, min(3, len(members)))])
        policy = community.join_policy
        memberships: list[Membership] = []
        for user_id in members:
            latest = first_action.get(user_id, self.now) - timedelta(minutes=1)
            if user_id == creator:
                joined = community.created_at
            elif user_id in coordinators:
                joined = min(latest, community.created_at + timedelta(days=10 * rng.random()))
            else:
                joined = _between(rng, community.created_at, latest)
            leadership: list[str] = []
            if user_id in coordinators:
                leadership = [LeadershipRole.DAY_TO_DAY.value]
            elif rng.random() < 0.01:
                leadership = [rng.choice(list(LeadershipRole)).value]
            memberships.append(
                Membership(
                    community_id=cid,
                    user_id=user_id,
                    status=MembershipStatus.ACTIVE,
                    role=Role.COORDINATOR if user_id in coordinators else Role.MEMBER,
                    leadership_roles=leadership,
                    invited_by_id=creator
                    if policy == JoinPolicy.INVITE and user_id != creator
                    else None,
                    # Requests and invitations wait a little before they are answered;
                    # joining an open community is immediate.
                    created_at=joined
                    if policy == JoinPolicy.OPEN or user_id == creator
                    else max(community.created_at, joined - timedelta(hours=6)),
                    joined_at=joined,
                )
            )
        # A few people waiting: requests in request-only communities,
        # invitations in invitation-only ones.
        member_set = set(members)
        waiting: list[Membership] = []
        if policy != JoinPolicy.OPEN:
            candidates = {rng.choice(all_users) for _ in range(rng.randint(0, 5))} - member_set
            waiting = [
                Membership(
                    community_id=cid,
                    user_id=user_id,
                    status=MembershipStatus.PENDING
                    if policy == JoinPolicy.REQUEST
                    else MembershipStatus.INVITED,
                    invited_by_id=creator if policy == JoinPolicy.INVITE else None,
                    message="I would like to join." if policy == JoinPolicy.REQUEST else "",
                    created_at=self.now - timedelta(days=14 * rng.random()),
                )
                for user_id in sorted(candidates)
            ]
        created_memberships = _bulk(Membership, memberships + waiting)

        activities.append(
            _activity(
                actor=creator,
                community=cid,
                verb=Verb.COMMUNITY_CREATED,
                target_type="community",
                target_id=cid,
                at=community.created_at,
            )
        )
        for m in created_memberships:
            activities.extend(self._membership_activities(m, creator=creator, policy=policy))

        # Threads, then their posts (which need thread ids), then what points at posts.
        threads = _bulk(
            Thread,
            [
                Thread(
                    community_id=cid,
                    kind=p.kind,
                    title=p.title,
                    author_id=p.posts[0].author,
                    created_at=p.posts[0].at,
                    last_activity_at=p.posts[-1].at,
                    reply_count=len(p.posts) - 1,
                    helpful_count=sum(len(post.voters) for post in p.posts),
                )
                for p in planned
            ],
        )
        through = Thread.topics.through
        _bulk(
            through,
            [
                through(thread_id=t.pk, topic_id=topic)
                for t, p in zip(threads, planned, strict=True)
                for topic in p.topics
            ],
        )
        post_objects: list[Post] = []
        for thread, plan in zip(threads, planned, strict=True):
            for number, planned_post in enumerate(plan.posts):
                bodies = self.opening_bodies if number == 0 else self.bodies
                body, html = bodies[planned_post.body]
                post_objects.append(
                    Post(
                        thread_id=thread.pk,
                        author_id=planned_post.author,
                        is_opening=number == 0,
                        body=body,
                        body_html=html,
                        created_at=planned_post.at,
                        helpful_count=len(planned_post.voters),
                    )
                )
        post_objects = _bulk(Post, post_objects)

        votes: list[Vote] = []
        accepted_threads: list[Thread] = []
        position = 0
        for thread, plan in zip(threads, planned, strict=True):
            thread_posts = post_objects[position : position + len(plan.posts)]
            position += len(plan.posts)
            activities.append(
                _activity(
                    actor=plan.posts[0].author,
                    community=cid,
                    verb=Verb.THREAD_STARTED,
                    target_type="thread",
                    target_id=thread.pk,
                    at=plan.posts[0].at,
                    data={"kind": plan.kind},
                )
            )
            for post, planned_post in zip(thread_posts, plan.posts, strict=True):
                if not post.is_opening:
                    activities.append(
                        _activity(
                            actor=planned_post.author,
                            community=cid,
                            verb=Verb.POST_REPLIED,
                            target_type="post",
                            target_id=post.pk,
                            at=post.created_at,
                            data={"thread_id": thread.pk},
                        )
                    )
                for voter, at in planned_post.voters:
                    votes.append(Vote(post_id=post.pk, user_id=voter, created_at=at))
                    activities.append(
                        _activity(
                            actor=voter,
                            community=cid,
                            verb=Verb.POST_VOTED,
                            target_type="post",
                            target_id=post.pk,
                            at=at,
                            data={"thread_id": thread.pk, "author_id": post.author_id},
                        )
                    )
            if plan.accepted is not None and plan.accepted_at is not None:
                answer = thread_posts[plan.accepted]
                thread.accepted_answer_id = answer.pk
                accepted_threads.append(thread)
                activities.append(
                    _activity(
                        actor=plan.posts[0].author,
                        community=cid,
                        verb=Verb.ANSWER_ACCEPTED,
                        target_type="post",
                        target_id=answer.pk,
                        at=plan.accepted_at,
                        data={"thread_id": thread.pk, "author_id": answer.author_id},
                    )
                )
        Thread.objects.bulk_update(accepted_threads, ["accepted_answer"], batch_size=500)
        _bulk(Vote, votes)
        activities.sort(key=lambda a: a.created_at)
        _bulk(Activity, activities)

        last_activity = max(
            [community.created_at]
            + [m.joined_at for m in memberships if m.joined_at]
            + [t.last_activity_at for t in threads]
        )
        Community.objects.filter(pk=cid).update(
            created_by_id=creator,
            member_count=len(memberships),
            thread_count=len(threads),
            last_activity_at=last_activity,
        )
        self.totals.memberships += len(memberships)
        self.totals.threads += len(threads)
        self.totals.posts += len(post_objects)
        self.totals.votes += len(votes)
        self.totals.accepted += len(accepted_threads)
        self.totals.activities += len(activities)

    def _membership_activities(self, m: Membership, *, creator: int, policy: str) -> list[Activity]:
        """What the membership actions would have logged for this membership."""
        if m.user_id == creator:
            return []  # create_community logs COMMUNITY_CREATED only
        common: dict[str, Any] = {
            "community": m.community_id,
            "target_type": "membership",
            "target_id": m.pk,
        }
        invited: dict[str, Any] = {
            "actor": creator,
            "verb": Verb.MEMBER_INVITED,
            "data": {"user_id": m.user_id},
        }
        if m.status == MembershipStatus.PENDING:
            return [
                _activity(actor=m.user_id, verb=Verb.MEMBER_REQUESTED, at=m.created_at, **common)
            ]
        if m.status == MembershipStatus.INVITED:
            return [_activity(at=m.created_at, **invited, **common)]
        joined = m.joined_at or m.created_at
        rows: list[Activity] = []
        if policy == JoinPolicy.INVITE:
            rows.append(_activity(at=m.created_at, **invited, **common))
            rows.append(
                _activity(actor=m.user_id, verb=Verb.INVITATION_ACCEPTED, at=joined, **common)
            )
        elif policy == JoinPolicy.REQUEST:
            rows.append(
                _activity(actor=m.user_id, verb=Verb.MEMBER_REQUESTED, at=m.created_at, **common)
            )
            rows.append(
                _activity(
                    actor=creator,
                    verb=Verb.MEMBER_APPROVED,
                    at=joined,
                    data={"user_id": m.user_id},
                    **common,
                )
            )
        else:
            rows.append(_activity(actor=m.user_id, verb=Verb.MEMBER_JOINED, at=joined, **common))
        if m.role == Role.COORDINATOR:
            rows.append(
                _activity(
                    actor=creator,
                    verb=Verb.MEMBER_ROLE_CHANGED,
                    at=joined,
                    data={"role": Role.COORDINATOR.value, "user_id": m.user_id},
                    **common,
                )
            )
        rows.extend(
            _activity(
                actor=creator,
                verb=Verb.LEADERSHIP_ASSIGNED,
                at=joined,
                data={"role": role, "user_id": m.user_id},
                **common,
            )
            for role in m.leadership_roles
        )
        return rows
