"""Expert finding on a Stack Exchange dump: who will answer a new question?

    .venv/bin/python bench/expert_finding.py --stackexchange DIR [--train 0.7]

Imports the dump into a throwaway SQLite database with the project's importer
(as `commonplace import stackexchange` does) and orders its questions by
creation time. The first 70 % only build history. Each later question whose
accepted answer was written by someone with at least one earlier post is a
test: every member is ranked as of the question's creation, from what was
written before it (answers, acceptances, entries), and the author of the
accepted answer is the one right answer. The asker is never a candidate.

Rankers:
- popularity: most answers accepted so far;
- BM25 profile: each member's earlier answers, with their questions' titles,
  as one document, scored with BM25 (k1 1.2, b 0.75, no stemming) against
  the question's title and body;
- BM25 × activity: the profile score × ln(2 + the member's answers in the 90
  days before the question);
- platform: `insights.experts.rank_experts`, as routing calls it.
A member a ranker gives no score is not ranked by it.

Metrics: P@1, NDCG@3, R@10 and MRR, with 95 % bootstrap intervals. The last
line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from similar_cases import bootstrap_ci, import_dump, setup_django  # noqa: E402

K1, B = 1.2, 0.75
RECENT_DAYS = 90
RANKERS = ("popularity", "bm25 profile", "bm25 × activity", "platform")


@dataclass
class Question:
    thread_id: int
    title: str
    text: str  # title and body, plain
    asker_id: int | None
    created_at: datetime
    answerer_id: int | None  # author of the accepted answer


@dataclass
class Answer:
    author_id: int
    created_at: datetime
    accepted_at: datetime | None
    tokens: list[str]  # the answer and its question's title


def load(community_id: int) -> tuple[list[Question], list[Answer], dict[int, datetime]]:
    """Questions in creation order, answers, and each member's first post."""
    from django.db.models import Min

    from commonplace.core.models import Activity, Verb
    from commonplace.discussions.models import Post, Thread
    from commonplace.search.models import DocType, Document
    from commonplace.search.text import plain_text, words

    threads = Thread.objects.filter(community_id=community_id, deleted_at__isnull=True)
    # The question as the search index holds it: title, and the opening post as plain text.
    openings = dict(
        Document.objects.filter(doc_type=DocType.THREAD, community_id=community_id).values_list(
            "object_id", "body"
        )
    )
    accepted_authors = dict(
        threads.filter(accepted_answer__isnull=False).values_list(
            "id", "accepted_answer__author_id"
        )
    )
    questions = [
        Question(
            thread_id=t.pk,
            title=t.title,
            text=f"{t.title}\n{openings.get(t.pk, '')}",
            asker_id=t.author_id,
            created_at=t.created_at,
            answerer_id=accepted_authors.get(t.pk),
        )
        for t in threads.order_by("created_at", "id")
    ]
    titles = {q.thread_id: q.title for q in questions}
    accepted_at: dict[int, datetime] = {}
    for post_id, at in (
        Activity.objects.filter(verb=Verb.ANSWER_ACCEPTED, target_type="post")
        .order_by("created_at")
        .values_list("target_id", "created_at")
    ):
        if post_id is not None:
            accepted_at.setdefault(post_id, at)
    answers = [
        Answer(
            author_id=author_id,
            created_at=created,
            accepted_at=accepted_at.get(post_id),
            tokens=words(f"{titles.get(thread_id, '')} {plain_text(body)}".lower()),
        )
        for post_id, thread_id, author_id, created, body in Post.objects.filter(
            thread__in=threads,
            is_opening=False,
            is_comment=False,
            deleted_at__isnull=True,
            author__isnull=False,
        ).values_list("id", "thread_id", "author_id", "created_at", "body")
    ]
    first_post = dict(
        Post.objects.filter(thread__in=threads, author__isnull=False)
        .values("author_id")
        .annotate(first=Min("created_at"))
        .values_list("author_id", "first")
    )
    return questions, answers, first_post


# -- baselines ----------------------------------------------------------------------------


def popularity(answers: list[Answer], q: Question) -> dict[int, float]:
    counts: Counter[int] = Counter(
        a.author_id for a in answers if a.accepted_at is not None and a.accepted_at < q.created_at
    )
    return {user: float(n) for user, n in counts.items()}


def bm25_profiles(answers: list[Answer], q: Question) -> dict[int, float]:
    """Each member's earlier answers as one document; BM25 of the question against them."""
    from commonplace.search.text import words

    profiles: dict[int, Counter[str]] = {}
    for a in answers:
        if a.created_at < q.created_at:
            profiles.setdefault(a.author_id, Counter()).update(a.tokens)
    if not profiles:
        return {}
    lengths = {user: sum(c.values()) for user, c in profiles.items()}
    average = sum(lengths.values()) / len(lengths)
    n = len(profiles)
    scores: dict[int, float] = {}
    for term in set(words(q.text.lower())):
        holders = [user for user, c in profiles.items() if term in c]
        if not holders:
            continue
        idf = math.log(1 + (n - len(holders) + 0.5) / (len(holders) + 0.5))
        for user in holders:
            tf = profiles[user][term]
            norm = tf + K1 * (1 - B + B * lengths[user] / average)
            scores[user] = scores.get(user, 0.0) + idf * tf * (K1 + 1) / norm
    return scores


def bm25_activity(answers: list[Answer], q: Question) -> dict[int, float]:
    since = q.created_at - timedelta(days=RECENT_DAYS)
    recent: Counter[int] = Counter(
        a.author_id for a in answers if since <= a.created_at < q.created_at
    )
    return {
        user: score * math.log(2 + recent[user])
        for user, score in bm25_profiles(answers, q).items()
    }


def platform(community_id: int) -> Callable[[list[Answer], Question], dict[int, float]]:
    from commonplace.insights.experts import rank_experts

    def rank(_: list[Answer], q: Question) -> dict[int, float]:
        title, _, body = q.text.partition("\n")
        found = rank_experts(
            community_ids=[community_id], title=title, body=body, as_of=q.created_at,
            exclude=[q.asker_id] if q.asker_id else [], limit=10_000,
        )  # fmt: skip
        return {e.user_id: e.score for e in found}

    return rank


# -- metrics ------------------------------------------------------------------------------


def rank_of(scores: dict[int, float], target: int, asker: int | None) -> int | None:
    """1-based rank of `target` (ties broken by user id), or None when unranked."""
    ordered = sorted(
        (u for u, s in scores.items() if s > 0 and u != asker), key=lambda u: (-scores[u], u)
    )
    return ordered.index(target) + 1 if target in ordered else None


def metrics(ranks: Sequence[int | None]) -> dict[str, Any]:
    columns = {
        "p_at_1": [1.0 if r == 1 else 0.0 for r in ranks],
        "ndcg_at_3": [1 / math.log2(r + 1) if r is not None and r <= 3 else 0.0 for r in ranks],
        "r_at_10": [1.0 if r is not None and r <= 10 else 0.0 for r in ranks],
        "mrr": [1 / r if r is not None else 0.0 for r in ranks],
    }
    out: dict[str, Any] = {}
    for name, values in columns.items():
        array = np.asarray(values)
        low, high = bootstrap_ci(array)
        out[name] = round(float(array.mean()), 3)
        out[f"{name}_ci95"] = [round(low, 3), round(high, 3)]
    out["unranked"] = sum(r is None for r in ranks)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stackexchange", type=Path, required=True, metavar="DIR")
    parser.add_argument("--train", type=float, default=0.7, help="Share of history only.")
    parser.add_argument(
        "--keep-db", type=Path, metavar="DIR",
        help="Keep the imported database in DIR, and reuse it when DIR already has one.",
    )  # fmt: skip
    options = parser.parse_args()
    folder: Path = options.stackexchange.resolve()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="commonplace-experts-") as tmp:
        var_dir = options.keep_db or Path(tmp)
        reuse = (var_dir / "commonplace.sqlite3").is_file()
        setup_django(str(var_dir))
        from commonplace.communities.models import Community
        from commonplace.imports.stackexchange import DumpError

        if reuse:
            community, summary, timings = (
                Community.objects.get(slug="bench"),
                {"created": {}},
                {"import_s": 0.0},
            )
        else:
            try:
                community, _, summary, timings = import_dump(folder)
            except DumpError as error:
                sys.exit(f"{folder}: cannot be imported: {error}")
        questions, answers, first_post = load(community.pk)
        cut = int(len(questions) * options.train)
        tests = [
            q
            for q in questions[cut:]
            if q.answerer_id is not None
            and q.answerer_id in first_post
            and first_post[q.answerer_id] < q.created_at
        ]
        print(f"dataset {folder.name}: {folder}")
        print(
            f"  import {timings['import_s']:.1f} s, {len(questions)} questions,"
            f" {len(answers)} answers; history: the first {cut} questions;"
            f" {len(tests)} test questions"
        )
        rankers: dict[str, Callable[[list[Answer], Question], dict[int, float]]] = {
            "popularity": popularity,
            "bm25 profile": bm25_profiles,
            "bm25 × activity": bm25_activity,
            "platform": platform(community.pk),
        }
        ranks: dict[str, list[int | None]] = {name: [] for name in rankers}
        seconds: dict[str, float] = {name: 0.0 for name in rankers}
        for q in tests:
            assert q.answerer_id is not None
            for name, ranker in rankers.items():
                begun = time.perf_counter()
                scores = ranker(answers, q)
                seconds[name] += time.perf_counter() - begun
                ranks[name].append(rank_of(scores, q.answerer_id, q.asker_id))

    results = {name: metrics(r) for name, r in ranks.items()}
    print(
        f"\n{'ranker':<18}{'P@1':>14}{'NDCG@3':>8}{'R@10':>8}{'MRR':>14}{'unranked':>10}{'ms/q':>8}"
    )
    for name, m in results.items():
        per_query = 1000 * seconds[name] / max(1, len(tests))
        print(
            f"{name:<18}{m['p_at_1']:>6.3f} [{m['p_at_1_ci95'][0]:.2f}-{m['p_at_1_ci95'][1]:.2f}]"
            f"{m['ndcg_at_3']:>8.3f}{m['r_at_10']:>8.3f}"
            f"{m['mrr']:>6.3f} [{m['mrr_ci95'][0]:.2f}-{m['mrr_ci95'][1]:.2f}]"
            f"{m['unranked']:>10}{per_query:>8.1f}"
        )
    best = {
        metric: max(results[n][metric] for n in RANKERS if n != "platform")
        for metric in ("p_at_1", "mrr")
    }
    ahead = {
        f"platform_over_best_baseline_{metric}": round(results["platform"][metric] / value, 2)
        if value
        else None
        for metric, value in best.items()
    }
    print(
        f"\nplatform / best baseline: P@1 {ahead['platform_over_best_baseline_p_at_1']}×,"
        f" MRR {ahead['platform_over_best_baseline_mrr']}×; {len(tests)} test questions;"
        f" {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        json.dumps(
            {
                "dataset": folder.name,
                "questions": len(questions),
                "answers": len(answers),
                "history_questions": cut,
                "test_questions": len(tests),
                "imported": summary["created"],
                "rankers": results,
                "ms_per_question": {
                    n: round(1000 * s / max(1, len(tests)), 1) for n, s in seconds.items()
                },
                **ahead,
            }
        )
    )


if __name__ == "__main__":
    main()
