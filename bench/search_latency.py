"""Search at scale: full-text and similar-case latency, and index build time.

    .venv/bin/python bench/search_latency.py [--posts 200000,1000000]
        [--databases sqlite,postgresql] [--queries 300]

For each database and size, a worker process gets a throwaway database
(SQLite in a temporary folder; PostgreSQL 15 in a throwaway cluster started
here from Debian's binaries), fills it with `commonplace seed-scale`, then:

1. builds the index from scratch: full text (`rebuild`, timed), then
   embeddings for a sample of cases (`embed_pending`, timed: its rate and the
   number of distinct texts give the estimated build time; the remaining
   cases get copies of sampled vectors, since latency depends on how many
   vectors there are, not on their values);
2. times `queries.search` as a member of one community (it sees public,
   members-only and its own private communities) for a mix of queries: single
   and several words, phrases, exclusions, filters, filters alone, a miss;
3. times `queries.similar_cases` for drafts made from existing threads (the
   draft's embedding is computed in each query, as on the compose page) and
   `related_threads` with the stored vector and its cache cleared;
4. compares exact (numpy) and approximate (usearch HNSW) nearest-neighbour
   search on synthetic unit vectors of several sizes, to place the size above
   which the vector store switches to the ANN index.

Prints a table per run; the last line is one JSON object with every figure.
Goals: p99 < 100 ms for full text and < 150 ms for similar cases at 1M posts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from typing import Any

from scale_run import measure, percentile, scale_parser, summary, timed

GOAL_FULLTEXT_MS = 100.0
GOAL_SIMILAR_MS = 150.0


# -- the worker: one database, one size ------------------------------------------


def fulltext_queries(topics: list[tuple[str, str]], community_slug: str) -> list[tuple[str, str]]:
    """(class, query) pairs drawn from the generator's own vocabulary."""
    words = [name.split()[0].lower() for _, name in topics]
    slugs = [slug for slug, _ in topics]
    rng = random.Random(7)
    pairs: list[tuple[str, str]] = []
    for _ in range(40):
        word, other = rng.choice(words), rng.choice(words)
        slug = rng.choice(slugs)
        pairs += [
            ("one word", word),
            ("two words", f"{word} checklist"),
            ("common words", "template guidance"),
            ("phrase", '"practice guide"'),
            ("exclusion", f"{word} -template"),
            ("topic filter", f"{other} topic:{slug}"),
            ("kind filter", f"{word} kind:visit"),
            ("unanswered", f"{word} is:unanswered"),
            ("community filter", f"{word} community:{community_slug}"),
            ("filters alone", f"topic:{slug} is:resolved"),
            ("miss", "zyxwvut quasar"),
        ]
    return pairs


def ann_crossover(
    sizes: list[int], exact_only: list[int], dim: int = 384, queries: int = 50
) -> list[dict[str, Any]]:
    import numpy as np
    from usearch.index import Index

    rng = np.random.default_rng(3)
    rows = []
    for n in sorted({*sizes, *exact_only}):
        matrix = rng.standard_normal((n, dim), dtype=np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        probes = matrix[rng.integers(0, n, queries)] + 0.05 * rng.standard_normal(
            (queries, dim), dtype=np.float32
        )
        exact = []
        for probe in probes:
            started = time.perf_counter()
            scores = matrix @ probe
            np.argpartition(-scores, 100)[:100]
            exact.append((time.perf_counter() - started) * 1000)
        row: dict[str, Any] = {
            "vectors": n,
            "exact_p50_ms": round(percentile(exact, 50), 2),
            "exact_p99_ms": round(percentile(exact, 99), 2),
        }
        if n not in sizes:  # building HNSW over this many takes minutes on two cores
            rows.append(row)
            print(f"    exact at {n:>9,} vectors: {row}", flush=True)
            continue
        started = time.perf_counter()
        index = Index(ndim=dim, metric="cos", dtype="f32")
        index.add(np.arange(n), matrix)
        build_s = time.perf_counter() - started
        approx = []
        for probe in probes:
            started = time.perf_counter()
            index.search(probe, 100)
            approx.append((time.perf_counter() - started) * 1000)
        row |= {
            "ann_p50_ms": round(percentile(approx, 50), 2),
            "ann_p99_ms": round(percentile(approx, 99), 2),
            "ann_build_s": round(build_s, 1),
        }
        rows.append(row)
        print(f"    ANN vs exact at {n:>9,} vectors: {rows[-1]}", flush=True)
    return rows


def fill_vectors(document_model: Any) -> int:
    """Give every pending case a copy of an encoded case's vector."""
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    sample = [
        bytes(v)
        for v in document_model.objects.filter(embedding__isnull=False).values_list(
            "embedding", flat=True
        )
    ]
    rng = np.random.default_rng(5)
    ids = list(document_model.objects.filter(embedding_pending=True).values_list("id", flat=True))
    now = timezone.now()
    for start in range(0, len(ids), 5000):
        with transaction.atomic():
            for doc_id in ids[start : start + 5000]:
                document_model.objects.filter(pk=doc_id).update(
                    embedding=sample[int(rng.integers(len(sample)))],
                    embedding_pending=False,
                    embedded_at=now,
                )
    return len(ids)


def build(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    """Seed, index and fill vectors: a fresh constellation of `args.posts` posts."""
    from django.core.management import call_command

    from commonplace.discussions.models import Post, Thread
    from commonplace.search.indexing import embed_pending, rebuild
    from commonplace.search.models import Document

    _, figures["seed_s"] = timed(
        call_command,
        "seed_scale",
        communities=args.communities,
        members=max(1000, args.posts // 10),
        posts=args.posts,
        verbosity=0,
    )
    figures["seed_s"] = round(figures["seed_s"] / 1000, 1)
    figures["posts"] = Post.objects.count()
    figures["threads"] = Thread.objects.count()
    print(f"  seeded {figures['posts']:,} posts in {figures['seed_s']} s", flush=True)

    counts, ms = timed(rebuild, embed=False)
    figures["documents"] = sum(counts.values())
    figures["fulltext_build_s"] = round(ms / 1000, 1)
    print(f"  full-text index of {figures['documents']:,} documents: {ms / 1000:.1f} s", flush=True)
    # Encoding every case of a million-post constellation on two cores takes
    # hours, and query latency depends on how many vectors there are, not on
    # their values. So a sample is encoded (its rate gives the build-time
    # estimate, from the number of distinct texts) and the other cases get
    # copies of sampled vectors, which keeps the sizes and the distribution real.
    pending = Document.objects.filter(embedding_pending=True)
    distinct = pending.values("title", "body").distinct().count()
    embedded, ms = timed(embed_pending, limit=args.embed_sample)
    rate = embedded / (ms / 1000) if ms else float("nan")
    figures["embedded_sample"] = embedded
    figures["embedding_rate_per_s"] = round(rate, 1)
    figures["distinct_case_texts"] = distinct
    figures["embedding_build_s_estimated"] = round(distinct / rate, 0) if rate else None
    print(
        f"  embeddings: {embedded:,} cases in {ms / 1000:.1f} s ({rate:.1f}/s); "
        f"{distinct:,} distinct texts → about {distinct / rate / 60:.0f} min for all",
        flush=True,
    )
    figures["filled_vectors"] = fill_vectors(Document)


def worker(args: argparse.Namespace) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonplace.settings")
    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from commonplace.communities.models import Community, Membership, Topic
    from commonplace.discussions.models import Post, Thread
    from commonplace.search import queries
    from commonplace.search.models import Document

    figures: dict[str, Any] = {"database": connection.vendor, "posts_requested": args.posts}
    call_command("migrate", verbosity=0)
    if args.reuse:
        # A database an earlier run built: only the queries are measured.
        figures |= {"reused": True, "fulltext_build_s": None, "embedding_build_s_estimated": None}
        figures["documents"] = Document.objects.count()
        figures["posts"] = Post.objects.count()
        print(f"  reusing {figures['posts']:,} posts, {figures['documents']:,} documents")
    else:
        build(args, figures)
    if connection.vendor == "postgresql":
        # As autovacuum would soon after a bulk load: without fresh statistics
        # the planner still believes every case is waiting for its embedding,
        # and the first query to read each page would mark its rows visible.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) search_document")
    membership = (
        Membership.objects.filter(status="active", community__visibility="private")
        .select_related("community", "user")
        .first()
        or Membership.objects.filter(status="active").select_related("community", "user").first()
    )
    assert membership is not None
    member, community = membership.user, membership.community
    topics = list(Topic.objects.values_list("slug", "name")[:200])
    pairs = fulltext_queries(topics, community.slug)
    # Warm-up: first queries pay for page cache and the encoder's start.
    for _, text in pairs[:20]:
        queries.search(user=member, text=text)
    by_class: dict[str, list[float]] = {}
    all_ms: list[float] = []
    rng = random.Random(11)
    for _ in range(args.queries):
        label, text = rng.choice(pairs)
        _, ms = timed(queries.search, user=member, text=text)
        by_class.setdefault(label, []).append(ms)
        all_ms.append(ms)
    anon_ms = [timed(queries.search, user=AnonymousUser(), text=t)[1] for _, t in pairs[:100]]
    figures["fulltext"] = summary(all_ms)
    figures["fulltext_anonymous"] = summary(anon_ms)
    figures["fulltext_by_class"] = {k: summary(v) for k, v in sorted(by_class.items())}

    threads = list(
        Thread.objects.filter(community=community).order_by("?").values_list("pk", "title")[:200]
    )
    openings = dict(
        Post.objects.filter(thread_id__in=[t for t, _ in threads], is_opening=True).values_list(
            "thread_id", "body"
        )
    )
    similar_ms = []
    for thread_id, title in threads[: args.similar]:
        draft_title = f"{title} (again)"
        body = openings.get(thread_id, "")[:600]
        _, ms = timed(queries.similar_cases, community=community, title=draft_title, body=body)
        similar_ms.append(ms)
    figures["similar"] = summary(similar_ms[5:])  # the first few load the vector store
    related_ms = []
    for thread in Thread.objects.filter(pk__in=[t for t, _ in threads[:100]]).select_related(
        "community"
    ):
        cache.clear()
        _, ms = timed(queries.related_threads, thread=thread)
        related_ms.append(ms)
    figures["related"] = summary(related_ms)
    figures["community_cases"] = Document.objects.filter(
        community=community, doc_type__in=["thread", "entry"]
    ).count()
    figures["communities"] = Community.objects.count()
    return figures


# -- the driver ------------------------------------------------------------------


def main() -> None:
    parser = scale_parser(__doc__.split("\n\n")[0], posts="200000,1000000")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--similar", type=int, default=100)
    parser.add_argument("--embed-sample", type=int, default=1000)
    parser.add_argument("--ann-sizes", default="20000,50000", help="Exact and HNSW.")
    parser.add_argument("--exact-sizes", default="200000,500000,1000000", help="Exact only.")
    args = parser.parse_args()
    if args.worker:
        args.posts = int(args.posts)
        print(json.dumps(worker(args)))
        return

    print("== exact vs approximate nearest neighbours (synthetic 384-d unit vectors)")
    ann = ann_crossover(
        [int(s) for s in args.ann_sizes.split(",") if s],
        [int(s) for s in args.exact_sizes.split(",") if s],
    )
    runs = measure(
        __file__,
        args,
        ["--queries", str(args.queries), "--similar", str(args.similar)],
        ["--embed-sample", str(args.embed_sample)],
    )

    print(f"\n{'database':<11}{'posts':>10}{'docs':>10}{'FT build s':>11}{'emb s*':>8}"
          f"{'FT p50':>8}{'FT p99':>8}{'sim p50':>9}{'sim p99':>9}{'rel p99':>9}")  # fmt: skip
    for r in runs:
        print(
            f"{r['database']:<11}{r['posts']:>10,}{r['documents']:>10,}"
            f"{r['fulltext_build_s'] or '-':>11}{r['embedding_build_s_estimated'] or '-':>8}"
            f"{r['fulltext']['p50_ms']:>8}{r['fulltext']['p99_ms']:>8}"
            f"{r['similar']['p50_ms']:>9}{r['similar']['p99_ms']:>9}{r['related']['p99_ms']:>9}"
        )
    largest = [r for r in runs if r["posts"] == max(x["posts"] for x in runs)]
    goals = {
        "fulltext_p99_under_100ms_at_largest": all(
            r["fulltext"]["p99_ms"] < GOAL_FULLTEXT_MS for r in largest
        ),
        "similar_p99_under_150ms_at_largest": all(
            r["similar"]["p99_ms"] < GOAL_SIMILAR_MS for r in largest
        ),
    }
    print("* embedding build time estimated from the encoding rate of a sample")
    print(f"goals: {goals}; load average {os.getloadavg()[0]:.1f}")
    print(json.dumps({"runs": runs, "ann_vs_exact": ann, "goals": goals}))


if __name__ == "__main__":
    main()
