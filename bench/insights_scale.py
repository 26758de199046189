"""The mirror at scale: recomputing expertise, and keeping it current on each write.

    .venv/bin/python bench/insights_scale.py [--posts 1000000] [--databases sqlite,postgresql]
        [--writes 50]

For each database and size, a worker process gets a throwaway database
(SQLite in a temporary folder; PostgreSQL 15 in a throwaway cluster started
here from Debian's binaries), fills it with `commonplace seed-scale`, then:

1. times `insights.expertise.recompute()`: every member's profile, per
   community and per topic, from every answer, accepted answer, helpful
   vote, entry and declared skill; then the knowledge map of every community;
2. times single writes as members make them, with the profiles following in
   the same transaction: a new answer by one of the busiest answerers (whose
   profile costs the most to rebuild) and by a typical one, and the same
   answer accepted. Each write's whole action is timed, and the profile
   update inside it separately;
3. times routing new questions (`insights.routing.route_question`, what the
   background task runs after a question is posted), on questions posted by
   random members with the titles and bodies of earlier ones. A freshly
   seeded database has no sentence embeddings, so its routing finds no
   look-alikes; `--database-url` measures on one an earlier
   `bench/search_latency.py` run built, embeddings included (the run adds
   its answers and questions to that database).

Prints a table per run; the last line is one JSON object with every figure.
Goals: the recompute and the maps under 2 minutes at 1M posts; a write's
profile update under a second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
from typing import Any

from scale_run import measure, scale_parser, summary, timed

GOAL_RECOMPUTE_S = 120.0
GOAL_UPDATE_MS = 1000.0


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonplace.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from commonplace.communities.models import Membership
    from commonplace.discussions.actions import accept_answer, reply_to_thread
    from commonplace.discussions.models import QUESTION_KINDS, Post, Thread
    from commonplace.insights import expertise
    from commonplace.insights.models import Expertise

    figures: dict[str, Any] = {"database": connection.vendor, "posts_requested": args.posts}
    call_command("migrate", verbosity=0)
    if not args.reuse:
        _, ms = timed(
            call_command, "seed_scale", communities=args.communities,
            members=max(1000, args.posts // 10), posts=args.posts, verbosity=0,
        )  # fmt: skip
        figures["seed_s"] = round(ms / 1000, 1)
    figures["posts"] = Post.objects.count()
    figures["threads"] = Thread.objects.count()
    print(f"  {figures['posts']:,} posts (seeded in {figures.get('seed_s', '-')} s)", flush=True)
    if connection.vendor == "postgresql" and not args.reuse:
        with connection.cursor() as cursor:  # as autovacuum would after a bulk load
            cursor.execute("VACUUM (ANALYZE)")

    rows, ms = timed(expertise.recompute)
    figures["recompute_s"] = round(ms / 1000, 1)
    figures["expertise_rows"] = rows
    print(f"  recompute: {rows:,} profile rows in {ms / 1000:.1f} s", flush=True)

    from commonplace.communities.models import Community
    from commonplace.insights.knowledge_map import build_map

    communities = list(Community.objects.all())
    _, ms = timed(lambda: [build_map(c) for c in communities])
    figures["knowledge_map_all_s"] = round(ms / 1000, 1)
    figures["recompute_and_maps_s"] = round(figures["recompute_s"] + ms / 1000, 1)
    print(f"  knowledge maps of {len(communities)} communities in {ms / 1000:.1f} s", flush=True)

    # The members whose profiles cost most to rebuild: the most answers.
    answerers = list(
        Post.objects.filter(is_opening=False, author__isnull=False)
        .values("author_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("author_id", "n")[:200]
    )
    figures["busiest_answers"] = answerers[0][1]
    figures["typical_answers"] = answerers[len(answerers) // 2][1]
    rng = random.Random(5)
    timings: dict[str, list[float]] = {"answer": [], "accept": [], "profile_update": []}
    original = expertise.refresh_members

    def measured_refresh(*a: Any, **kw: Any) -> int:
        result, refresh_ms = timed(original, *a, **kw)
        timings["profile_update"].append(refresh_ms)
        return int(result)

    expertise.refresh_members = measured_refresh  # type: ignore[assignment]
    for i in range(args.writes):
        author_id = answerers[0][0] if i % 2 == 0 else answerers[len(answerers) // 2][0]
        # An open question in one of the answerer's communities.
        mine = Membership.objects.filter(user_id=author_id, status="active")
        open_questions = list(
            Thread.objects.filter(
                community_id__in=mine.values("community_id"),
                accepted_answer__isnull=True,
                kind__in=QUESTION_KINDS,
            )
            .exclude(author_id=author_id)
            .values_list("pk", flat=True)[:50]
        )
        thread = Thread.objects.select_related("community", "author").get(
            pk=rng.choice(open_questions)
        )
        answer, ms = timed(
            reply_to_thread,
            thread=thread,
            author=mine.select_related("user").first().user,  # type: ignore[union-attr]
            body="Measured answer.",
        )
        timings["answer"].append(ms)
        asker = Membership.objects.filter(community=thread.community, user=thread.author).first()
        if asker is not None and thread.author is not None:
            _, ms = timed(
                accept_answer, thread=thread, answer=answer, by=thread.author, membership=asker
            )
            timings["accept"].append(ms)
    expertise.refresh_members = original  # type: ignore[assignment]
    figures |= {k: summary(v) for k, v in timings.items()}
    figures["expertise_rows_after"] = Expertise.objects.count()
    figures |= _routing(args, rng)
    return figures


def _routing(args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    from commonplace.communities.models import Membership
    from commonplace.discussions.actions import start_thread
    from commonplace.discussions.models import QUESTION_KINDS, Post, Thread
    from commonplace.insights.routing import route_question
    from commonplace.search.models import Document

    embedded = Document.objects.filter(embedding_pending=False).count()
    # Earlier questions give the new ones realistic words; the asker is a random member.
    samples = list(
        Post.objects.filter(is_opening=True, thread__kind__in=QUESTION_KINDS)
        .order_by("-id")
        .values_list("thread__community_id", "thread__title", "body")[: args.routes * 20]
    )
    times, suggested = [], []
    # The first call in a process loads the encoder and the vector store:
    # reported apart, as a worker pays it once.
    for community_id, title, body in rng.sample(samples, min(args.routes + 1, len(samples))):
        member = (
            Membership.objects.filter(community_id=community_id, status="active")
            .select_related("user", "community")
            .order_by("?")
            .first()
        )
        if member is None:
            continue
        thread = start_thread(
            community=member.community, author=member.user, kind="problem_solving",
            title=f"Again: {title}"[:200], body=body,
        )  # fmt: skip
        routed, ms = timed(route_question, thread=Thread.objects.get(pk=thread.pk))
        times.append(ms)
        suggested.append(len(routed))
    first_ms = times.pop(0) if times else float("nan")
    suggested = suggested[1:]
    print(
        f"  routing {len(times)} new questions ({embedded:,} documents embedded): "
        f"p50 {summary(times)['p50_ms']} ms, p99 {summary(times)['p99_ms']} ms; "
        f"the first, loading the models, {first_ms:.0f} ms",
        flush=True,
    )
    return {
        "route": summary(times),
        "first_route_ms": round(first_ms, 1),
        "routed_people_mean": round(sum(suggested) / max(1, len(suggested)), 2),
        "documents_embedded": embedded,
    }


def main() -> None:
    parser = scale_parser(__doc__.split("\n\n")[0], posts="1000000")
    parser.add_argument("--writes", type=int, default=50)
    parser.add_argument("--routes", type=int, default=30, help="New questions to route.")
    args = parser.parse_args()
    if args.worker:
        args.posts = int(args.posts)
        print(json.dumps(worker(args)))
        return

    runs = measure(__file__, args, ["--writes", str(args.writes), "--routes", str(args.routes)])

    print(f"\n{'database':<11}{'posts':>10}{'rows':>10}{'recompute s':>12}{'maps s':>8}"
          f"{'answer p50':>11}{'p99':>7}{'update p50':>11}{'p99':>7}"
          f"{'route p50':>10}{'p99':>9}")  # fmt: skip
    for r in runs:
        print(
            f"{r['database']:<11}{r['posts']:>10,}{r['expertise_rows']:>10,}{r['recompute_s']:>12}"
            f"{r['knowledge_map_all_s']:>8}"
            f"{r['answer']['p50_ms']:>11}{r['answer']['p99_ms']:>7}"
            f"{r['profile_update']['p50_ms']:>11}{r['profile_update']['p99_ms']:>7}"
            f"{r['route']['p50_ms']:>10}{r['route']['p99_ms']:>9}"
        )
    largest = [r for r in runs if r["posts"] == max(x["posts"] for x in runs)]
    goals = {
        "recompute_and_maps_under_2_minutes_at_largest": all(
            r["recompute_and_maps_s"] < GOAL_RECOMPUTE_S for r in largest
        ),
        "profile_update_under_1s_at_largest": all(
            r["profile_update"]["p99_ms"] < GOAL_UPDATE_MS for r in largest
        ),
    }
    print(f"goals: {goals}; load average {os.getloadavg()[0]:.1f}")
    print(json.dumps({"runs": runs, "goals": goals}))


if __name__ == "__main__":
    main()
