"""Similar-case retrieval quality and speed on a Stack Exchange dump.

    .venv/bin/python bench/similar_cases.py --stackexchange DIR [--models minilm,wordllama]
        [--keep-db PATH | --database-url URL] [--latency-queries 100]

Imports the dump into a throwaway SQLite database (or the empty PostgreSQL
database at URL, to measure that engine's lexical ranking) with the project's importer
(as `commonplace import stackexchange` does), computes the embeddings, then
asks every question that has a duplicate or related question in the dump for
its similar cases: the question's title and body in plain text is the query,
as a member would type it on the compose page, and all other questions are
the candidates. Relevance: 2 for a duplicate link, 1 for a related link,
links symmetric. Systems: lexical (BM25 over FTS5), semantic (cosine of
sentence embeddings, per model) and hybrid (the product's `rank_cases`), plus
other fusions of the same two lists for comparison. Metrics (linear gain):
nDCG@10, Recall@10, MRR, with 95 % bootstrap intervals over queries.
Also prints how similar duplicates are compared with the closest
non-relevant question (for `CLOSE_SIMILARITY`), the latency of one
`similar_cases` call and encoding throughput.
The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

GRADES = {"3": 2, "1": 1}  # PostLinks LinkTypeId -> relevance (duplicate, related)
CUTOFF = 10
SHOWN = 5  # similar cases shown on the compose page (queries.similar_cases' default)
BOOTSTRAP_SAMPLES = 2000
THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
PERCENTILES = (10, 25, 50, 75, 90, 95)

Ranking = list[tuple[int, float]]  # (document id, score), best first


@dataclass
class Question:
    external_id: str
    title: str
    body: str  # plain text


@dataclass
class QueryCase:
    doc_id: int
    question: Question
    relevant: dict[int, int]  # document id -> grade
    rankings: dict[str, list[int]] = field(default_factory=dict)


# -- setup: database, import, embeddings --------------------------------------------------


def setup_django(var_dir: str, database_url: str = "") -> dict[str, float]:
    os.environ["COMMONPLACE_VAR_DIR"] = var_dir
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "commonplace.settings"
    import django
    from django.core.management import call_command

    started = time.perf_counter()
    django.setup()
    setup = time.perf_counter() - started
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    return {"django_setup_s": setup, "migrate_s": time.perf_counter() - started}


def import_dump(folder: Path) -> tuple[Any, str, dict[str, Any], dict[str, float]]:
    """Community, importer source key, import summary and timings, as `commonplace import`."""
    from commonplace.accounts.actions import sign_up
    from commonplace.communities.actions import create_community
    from commonplace.imports.load import Importer
    from commonplace.imports.sources import OPENERS
    from commonplace.search.indexing import embed_pending

    timings: dict[str, float] = {}
    started = time.perf_counter()
    by = sign_up(username="coordinator", email="c@example.org", password=os.urandom(16).hex())
    community = create_community(
        name=f"{folder.name} (bench)", slug="bench", domain_statement="Bench.", by=by
    )
    timings["community_s"] = time.perf_counter() - started

    source = OPENERS["stackexchange"](folder, {"site": ""})
    importer = Importer(community=community, source=source.source, by=by, progress=False)
    started = time.perf_counter()
    summary = importer.run(source.records(), label=f"{source.name} → {community.slug}")
    timings["import_s"] = time.perf_counter() - started

    started = time.perf_counter()
    embedded = embed_pending()
    timings["embed_s"] = time.perf_counter() - started
    timings["embedded"] = embedded
    timings["embed_per_s"] = embedded / timings["embed_s"] if embedded else 0.0
    return community, source.source, summary.as_dict(), timings


def keep_database(path: Path) -> None:
    """Copy the live SQLite database to `path` (the backup API copes with WAL)."""
    from django.db import connection

    connection.ensure_connection()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


# -- the dump: questions and links ---------------------------------------------------------


def read_questions(folder: Path) -> dict[str, Question]:
    from commonplace.imports.stackexchange import iter_rows
    from commonplace.search.text import plain_text

    questions: dict[str, Question] = {}
    for _, row in iter_rows(folder / "Posts.xml"):
        if row.get("PostTypeId") == "1" and row.get("Id"):
            questions[row["Id"]] = Question(
                external_id=row["Id"],
                title=(row.get("Title") or "").strip(),
                body=plain_text(row.get("Body") or ""),
            )
    return questions


def read_links(folder: Path) -> list[tuple[str, str, int]] | None:
    """(post id, related post id, grade) of every duplicate and related link; None: no file."""
    from commonplace.imports.stackexchange import iter_rows

    path = folder / "PostLinks.xml"
    if not path.is_file():
        return None
    links = []
    for _, row in iter_rows(path):
        grade = GRADES.get(row.get("LinkTypeId", ""))
        a, b = row.get("PostId"), row.get("RelatedPostId")
        if grade and a and b and a != b:
            links.append((a, b, grade))
    return links


def document_ids(source: str, community_id: int) -> dict[str, int]:
    """Stack Exchange question id -> search document id, through the importer's references."""
    from commonplace.imports.models import ExternalRef
    from commonplace.search.models import DocType, Document

    threads = dict(
        ExternalRef.objects.filter(
            source=source, kind="thread", community_id=community_id
        ).values_list("external_id", "target_id")
    )
    docs = dict(
        Document.objects.filter(
            doc_type=DocType.THREAD, object_id__in=list(threads.values())
        ).values_list("object_id", "id")
    )
    return {se_id: docs[t] for se_id, t in threads.items() if t in docs}


def judgments(
    links: list[tuple[str, str, int]], doc_of: dict[str, int]
) -> dict[int, dict[int, int]]:
    """Query document -> {relevant document: grade}; symmetric, the higher grade wins."""
    relevant: dict[int, dict[int, int]] = {}
    for a, b, grade in links:
        if a not in doc_of or b not in doc_of or doc_of[a] == doc_of[b]:
            continue
        for x, y in ((doc_of[a], doc_of[b]), (doc_of[b], doc_of[a])):
            row = relevant.setdefault(x, {})
            row[y] = max(row.get(y, 0), grade)
    return relevant


# -- fusion ---------------------------------------------------------------------------------


def _ordered(scores: dict[int, float]) -> list[int]:
    return sorted(scores, key=lambda doc_id: (-scores[doc_id], doc_id))


def rrf(k: int) -> Callable[[Ranking, Ranking], list[int]]:
    def fused(lexical: Ranking, semantic: Ranking) -> list[int]:
        scores: dict[int, float] = {}
        for ranking in (lexical, semantic):
            for rank, (doc_id, _) in enumerate(ranking, start=1):
                scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (k + rank)
        return _ordered(scores)

    return fused


def _minmax(ranking: Ranking) -> dict[int, float]:
    if not ranking:
        return {}
    values = [s for _, s in ranking]
    low, high = min(values), max(values)
    span = high - low
    return {d: (s - low) / span if span > 0 else 1.0 for d, s in ranking}


def _zscore(ranking: Ranking) -> dict[int, float]:
    if not ranking:
        return {}
    values = [s for _, s in ranking]
    mean = statistics.fmean(values)
    spread = statistics.pstdev(values) or 1.0
    return {d: (s - mean) / spread for d, s in ranking}


def score_fusion(
    semantic_weight: float,
    normalise: Callable[[Ranking], dict[int, float]] = _minmax,
    *,
    mnz: bool = False,
) -> Callable[[Ranking, Ranking], list[int]]:
    """Weighted sum of normalised scores; a document missing from a list gets its minimum."""

    def fused(lexical: Ranking, semantic: Ranking) -> list[int]:
        parts = [
            (1.0 - semantic_weight, normalise(lexical)),
            (semantic_weight, normalise(semantic)),
        ]
        floors = [min(scores.values(), default=0.0) for _, scores in parts]
        docs = {d for _, scores in parts for d in scores}
        total: dict[int, float] = {}
        for d in docs:
            value = sum(
                w * scores.get(d, floor) for (w, scores), floor in zip(parts, floors, strict=True)
            )
            if mnz:
                value *= sum(d in scores for _, scores in parts)
            total[d] = value
        return _ordered(total)

    return fused


FUSIONS: dict[str, Callable[[Ranking, Ranking], list[int]]] = {
    "rrf k=10": rrf(10),
    "rrf k=30": rrf(30),
    "rrf k=60": rrf(60),
    "minmax w_sem=0.3": score_fusion(0.3),
    "minmax w_sem=0.5 (CombSUM)": score_fusion(0.5),
    "minmax w_sem=0.7": score_fusion(0.7),
    "CombMNZ (minmax)": score_fusion(0.5, mnz=True),
    "z-score CombSUM": score_fusion(0.5, _zscore),
}


# -- metrics --------------------------------------------------------------------------------


def ndcg(ranking: Sequence[int], relevant: dict[int, int], k: int = CUTOFF) -> float:
    dcg = sum(relevant.get(d, 0) / np.log2(i + 2) for i, d in enumerate(ranking[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    best = sum(g / np.log2(i + 2) for i, g in enumerate(ideal))
    return float(dcg / best) if best else 0.0


def recall(ranking: Sequence[int], relevant: dict[int, int], k: int = CUTOFF) -> float:
    return sum(d in relevant for d in ranking[:k]) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranking: Sequence[int], relevant: dict[int, int]) -> float:
    return next((1.0 / (i + 1) for i, d in enumerate(ranking) if d in relevant), 0.0)


def bootstrap_ci(values: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """95 % interval of the mean, resampling queries."""
    if len(values) == 0:
        return 0.0, 0.0
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(values), size=(BOOTSTRAP_SAMPLES, len(values)))
    means = values[picks].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def summarise(cases: list[QueryCase], system: str, baseline: str | None) -> dict[str, Any]:
    per_query = np.array([ndcg(c.rankings[system], c.relevant) for c in cases])
    low, high = bootstrap_ci(per_query)
    result: dict[str, Any] = {
        "ndcg10": float(per_query.mean()),
        "ndcg10_ci95": [low, high],
        "recall10": float(np.mean([recall(c.rankings[system], c.relevant) for c in cases])),
        "mrr": float(np.mean([reciprocal_rank(c.rankings[system], c.relevant) for c in cases])),
    }
    if baseline is not None and baseline != system:
        base = np.array([ndcg(c.rankings[baseline], c.relevant) for c in cases])
        diff = per_query - base
        result["delta_vs_product"] = float(diff.mean())
        result["delta_vs_product_ci95"] = list(bootstrap_ci(diff))
        result["wins_ties_losses"] = [
            int((diff > 1e-9).sum()),
            int((abs(diff) <= 1e-9).sum()),
            int((diff < -1e-9).sum()),
        ]
    return result


def distribution(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    array = np.asarray(values, dtype=np.float64)
    figures = {"n": len(values), "mean": float(array.mean())}
    figures |= {f"p{p}": float(np.percentile(array, p)) for p in PERCENTILES}
    return figures


# -- retrieval per query -------------------------------------------------------------------


def _without(ranking: Ranking, doc_id: int) -> Ranking:
    return [(d, s) for d, s in ranking if d != doc_id]


def case_matrix(community_id: int) -> tuple[np.ndarray, list[tuple[int, str, str]]]:
    """Ids, titles and bodies of the community's cases, and their stored embeddings."""
    from commonplace.search.models import CASE_TYPES, Document

    rows = list(
        Document.objects.filter(community_id=community_id, doc_type__in=CASE_TYPES)
        .order_by("id")
        .values_list("id", "title", "body", "embedding")
    )
    stored = [np.frombuffer(bytes(e), dtype=np.float32) if e else None for *_, e in rows]
    dim = next((len(v) for v in stored if v is not None), 0)
    matrix = np.stack([v if v is not None else np.zeros(dim, np.float32) for v in stored])
    return matrix, [(i, t, b) for i, t, b, _ in rows]


@dataclass
class ModelRun:
    name: str
    product: bool
    doc_ids: np.ndarray
    matrix: np.ndarray  # L2-normalised, one row per case
    query_vectors: dict[int, np.ndarray]
    timings: dict[str, float]

    def cosine(self, query_doc: int) -> dict[int, float]:
        scores = self.matrix @ self.query_vectors[query_doc]
        return dict(zip(self.doc_ids.tolist(), scores.tolist(), strict=True))


def prepare_model(
    name: str, product_name: str, community_id: int, queries: list[QueryCase]
) -> ModelRun:
    from commonplace.search.embedding import get_encoder
    from commonplace.search.indexing import embedding_text

    timings: dict[str, float] = {}
    started = time.perf_counter()
    encoder = get_encoder(name)
    timings["load_s"] = time.perf_counter() - started
    stored, docs = case_matrix(community_id)
    if name == product_name:
        matrix = stored
    else:
        texts = [embedding_text(t, b) for _, t, b in docs]
        started = time.perf_counter()
        matrix = encoder.encode(texts)
        took = time.perf_counter() - started
        timings |= {"encode_docs_s": took, "encode_docs_per_s": len(texts) / took}
    started = time.perf_counter()
    texts = [embedding_text(q.question.title, q.question.body) for q in queries]
    vectors = encoder.encode(texts) if texts else np.zeros((0, encoder.dim), np.float32)
    took = time.perf_counter() - started
    if texts:
        timings |= {"encode_queries_s": took, "encode_queries_per_s": len(texts) / took}
    # One query at a time, as a request does it.
    single = []
    for text in texts[:30]:
        started = time.perf_counter()
        encoder.encode([text])
        single.append(time.perf_counter() - started)
    if single:
        timings["encode_one_query_p50_ms"] = 1000 * statistics.median(single)
    return ModelRun(
        name=name,
        product=name == product_name,
        doc_ids=np.array([d for d, _, _ in docs], dtype=np.int64),
        matrix=matrix,
        query_vectors={q.doc_id: v for q, v in zip(queries, vectors, strict=True)},
        timings=timings,
    )


def semantic_ranking(run: ModelRun, case: QueryCase, community_id: int, limit: int) -> Ranking:
    if run.product:
        from commonplace.search.semantic import store

        found = store.nearest(
            run.query_vectors[case.doc_id], community_ids=[community_id], limit=limit
        )
        return _without(found, case.doc_id)
    scores = run.matrix @ run.query_vectors[case.doc_id]
    order = np.argsort(-scores, kind="stable")[:limit]
    return _without([(int(run.doc_ids[i]), float(scores[i])) for i in order], case.doc_id)


def evaluate(
    cases: list[QueryCase], runs: list[ModelRun], community_id: int
) -> tuple[list[str], str, dict[str, float]]:
    """Fill every case's rankings; returns system names, the product's, and timings."""
    from commonplace.search import engine, queries
    from commonplace.search.text import keywords

    systems = ["lexical"]
    product_system = "hybrid: rank_cases (product)"
    timings: dict[str, float] = {}
    lexical: dict[int, Ranking] = {}
    started = time.perf_counter()
    for case in cases:
        q = case.question
        words = keywords(f"{q.title} {q.body}", limit=queries.QUERY_KEYWORDS)
        found = engine.lexical_cases(words, community_ids=[community_id], limit=queries.CANDIDATES)
        lexical[case.doc_id] = _without(found, case.doc_id)
        case.rankings["lexical"] = [d for d, _ in lexical[case.doc_id]]
    timings["lexical_per_query_ms"] = 1000 * (time.perf_counter() - started) / max(1, len(cases))

    started = time.perf_counter()
    for case in cases:
        ranked, _ = queries.rank_cases(
            case.question.title, case.question.body, community_ids=[community_id]
        )
        case.rankings[product_system] = [d for d in ranked if d != case.doc_id]
    timings["rank_cases_per_query_ms"] = 1000 * (time.perf_counter() - started) / max(1, len(cases))
    systems.append(product_system)

    for run in runs:
        semantic_name = f"{run.name}: semantic"
        systems.append(semantic_name)
        fused_names = [f"{run.name}: {label}" for label in FUSIONS]
        systems += fused_names
        for case in cases:
            semantic = semantic_ranking(run, case, community_id, queries.CANDIDATES)
            case.rankings[semantic_name] = [d for d, _ in semantic]
            for label, fusion in FUSIONS.items():
                case.rankings[f"{run.name}: {label}"] = fusion(lexical[case.doc_id], semantic)
    return systems, product_system, timings


def closeness(run: ModelRun, cases: list[QueryCase], shown_system: str) -> dict[str, Any]:
    """Cosine of each query to its duplicates, related questions and the closest other one."""
    duplicates: list[float] = []
    related: list[float] = []
    top_other: list[float] = []
    # (cosine, grade) of what the compose page shows, per query
    shown: list[list[tuple[float, int]]] = []
    for case in cases:
        cos = run.cosine(case.doc_id)
        cos.pop(case.doc_id, None)
        duplicates += [cos[d] for d, g in case.relevant.items() if g == 2 and d in cos]
        related += [cos[d] for d, g in case.relevant.items() if g == 1 and d in cos]
        others = [s for d, s in cos.items() if d not in case.relevant]
        if others:
            top_other.append(max(others))
        top = case.rankings[shown_system][:SHOWN]
        shown.append([(cos[d], case.relevant.get(d, 0)) for d in top])
    thresholds = []
    for t in THRESHOLDS:
        per_query = [[g for s, g in query if s >= t] for query in shown]
        flagged = [g for query in per_query for g in query]
        thresholds.append(
            {
                "threshold": t,
                "duplicates_above": _share([s >= t for s in duplicates]),
                "related_above": _share([s >= t for s in related]),
                "queries_with_other_above": _share([s >= t for s in top_other]),
                "shown_flagged": len(flagged),
                "flagged_duplicate": sum(g == 2 for g in flagged),
                "flagged_related": sum(g == 1 for g in flagged),
                "flagged_unlabelled": sum(g == 0 for g in flagged),
                # "This may already be answered": how often it shows, and rightly.
                "queries_flagged": sum(bool(q) for q in per_query),
                "queries_flagged_on_duplicate": sum(2 in q for q in per_query),
            }
        )
    return {
        "duplicate": distribution(duplicates),
        "related": distribution(related),
        "top_non_relevant": distribution(top_other),
        "thresholds": thresholds,
        "shown_by": shown_system,
    }


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def time_similar_cases(community: Any, questions: list[Question], n: int) -> dict[str, float]:
    """Latency of one `similar_cases` call, end to end (after a few warm-up calls)."""
    from commonplace.search import queries

    sample = questions[:n]
    if not sample:
        return {}
    for q in sample[:3]:
        queries.similar_cases(community=community, title=q.title, body=q.body)
    seconds = []
    for q in sample:
        started = time.perf_counter()
        queries.similar_cases(community=community, title=q.title, body=q.body)
        seconds.append(time.perf_counter() - started)
    ms = np.array(seconds) * 1000
    return {
        "similar_cases_n": len(sample),
        "similar_cases_p50_ms": float(np.percentile(ms, 50)),
        "similar_cases_p99_ms": float(np.percentile(ms, 99)),
        "similar_cases_mean_ms": float(ms.mean()),
    }


# -- report ------------------------------------------------------------------------------------


def print_table(results: dict[str, dict[str, Any]], product: str) -> None:
    print(
        f"\n{'system':<40} {'nDCG@10':>7} {'95% CI':>13} {'R@10':>6} {'MRR':>6}"
        f" {'Δ vs product':>13} {'95% CI':>15} {'W/T/L':>10}"
    )
    for name, r in results.items():
        low, high = r["ndcg10_ci95"]
        line = (
            f"{name:<40} {r['ndcg10']:>7.3f} {f'{low:.3f}–{high:.3f}':>13}"
            f" {r['recall10']:>6.3f} {r['mrr']:>6.3f}"
        )
        if "delta_vs_product" in r:
            dlow, dhigh = r["delta_vs_product_ci95"]
            wins = "/".join(str(x) for x in r["wins_ties_losses"])
            line += f" {r['delta_vs_product']:>+13.3f} {f'{dlow:+.3f}…{dhigh:+.3f}':>15} {wins:>10}"
        elif name == product:
            line += f" {'(product)':>13}"
        print(line)


def print_closeness(name: str, figures: dict[str, Any]) -> None:
    print(f"\ncosine similarity, {name} (query vs. question):")
    print(f"  {'':<28} {'n':>5} {'mean':>6}" + "".join(f" {f'p{p}':>6}" for p in PERCENTILES))
    for label, key in (
        ("duplicate", "duplicate"),
        ("related", "related"),
        ("closest non-relevant", "top_non_relevant"),
    ):
        d = figures[key]
        if not d["n"]:
            print(f"  {label:<28} {0:>5}")
            continue
        cells = "".join(f" {d[f'p{p}']:>6.3f}" for p in PERCENTILES)
        print(f"  {label:<28} {d['n']:>5} {d['mean']:>6.3f}{cells}")
    print(
        f"  at threshold t: share of duplicate / related pairs >= t; share of queries whose"
        f" closest non-relevant is >= t; of the top {SHOWN} shown ({figures['shown_by']}):"
        " results flagged (duplicate / related / unlabelled), queries flagged (on a duplicate)"
    )
    print(
        f"  {'t':>6} {'dup':>5} {'rel':>5} {'other':>6} {'flagged':>8} {'dup':>4} {'rel':>4}"
        f" {'unlab':>5} {'queries':>8} {'on dup':>7}"
    )
    for t in figures["thresholds"]:
        print(
            f"  {t['threshold']:>6.2f} {t['duplicates_above']:>5.2f} {t['related_above']:>5.2f}"
            f" {t['queries_with_other_above']:>6.2f} {t['shown_flagged']:>8}"
            f" {t['flagged_duplicate']:>4} {t['flagged_related']:>4} {t['flagged_unlabelled']:>5}"
            f" {t['queries_flagged']:>8} {t['queries_flagged_on_duplicate']:>7}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stackexchange", type=Path, required=True, metavar="DIR")
    parser.add_argument("--models", default="minilm,wordllama", help="Encoders to compare.")
    parser.add_argument("--keep-db", type=Path, metavar="PATH", help="Copy the database here.")
    parser.add_argument(
        "--database-url", default="", metavar="URL", help="An empty PostgreSQL database to use."
    )
    parser.add_argument("--latency-queries", type=int, default=100)
    options = parser.parse_args()
    if options.keep_db and options.database_url:
        parser.error("--keep-db copies the throwaway SQLite database; not with --database-url")
    folder: Path = options.stackexchange.resolve()
    models = [m.strip() for m in options.models.split(",") if m.strip()]
    overall = time.perf_counter()
    load_before = os.getloadavg()[0]
    figures: dict[str, Any] = {"dataset": folder.name, "models": models}

    with tempfile.TemporaryDirectory(prefix="commonplace-similar-") as tmp:
        timings = setup_django(tmp, options.database_url)
        from django.db import connection

        figures["database"] = connection.vendor
        from commonplace.imports.stackexchange import DumpError
        from commonplace.search.embedding import get_encoder
        from commonplace.search.queries import CANDIDATES, CLOSE_SIMILARITY

        try:
            community, source, summary, import_timings = import_dump(folder)
        except DumpError as error:
            sys.exit(f"{folder}: cannot be imported: {error}")
        timings |= import_timings
        product_name = get_encoder().name
        figures |= {
            "product_encoder": product_name,
            "fusion": "CombSUM (min-max)",
            "candidates": CANDIDATES,
            "close_similarity": CLOSE_SIMILARITY,
            "import_created": summary["created"],
        }
        print(f"dataset {folder.name}: {folder}")
        print(
            f"  migrate {timings['migrate_s']:.1f} s, import {timings['import_s']:.1f} s"
            f" ({', '.join(f'{n} {k}' for k, n in sorted(summary['created'].items()))}),"
            f" embed {timings['embedded']:.0f} cases in {timings['embed_s']:.1f} s"
            f" ({timings['embed_per_s']:.1f}/s with {product_name})"
        )

        questions = read_questions(folder)
        doc_of = document_ids(source, community.pk)
        links = read_links(folder)
        relevant = judgments(links or [], doc_of)
        figures |= {
            "n_questions": len(questions),
            "n_docs": len(doc_of),
            "n_links": len(links or []),
        }
        cases = [
            QueryCase(doc_id=doc_of[se_id], question=q, relevant=relevant[doc_of[se_id]])
            for se_id, q in questions.items()
            if se_id in doc_of and relevant.get(doc_of[se_id])
        ]
        figures["n_queries"] = len(cases)
        figures["n_judgments"] = {
            "duplicate": sum(g == 2 for c in cases for g in c.relevant.values()),
            "related": sum(g == 1 for c in cases for g in c.relevant.values()),
        }
        print(
            f"  {len(questions)} questions, {len(doc_of)} case documents,"
            f" {len(links or [])} duplicate/related links, {len(cases)} queries"
            f" ({figures['n_judgments']['duplicate']} duplicate and"
            f" {figures['n_judgments']['related']} related judgments)"
        )

        if links is None:
            print(f"\nNo PostLinks.xml in {folder}: without duplicate or related links there is")
            print("nothing to judge rankings by, so only speed is measured.")
        elif not cases:
            print(f"\nPostLinks.xml in {folder} links no two imported questions as duplicate or")
            print("related: there is nothing to judge rankings by, so only speed is measured.")

        runs: list[ModelRun] = []
        for name in models:
            try:
                runs.append(prepare_model(name, product_name, community.pk, cases))
            except (ImportError, OSError, ValueError) as error:
                print(f"  model {name} skipped: {error}")
        for run in runs:
            timings[f"{run.name}_encoder"] = run.timings

        if cases:
            systems, product, eval_timings = evaluate(cases, runs, community.pk)
            timings |= eval_timings
            results = {s: summarise(cases, s, product) for s in systems}
            figures["systems"] = results
            lexical = results["lexical"]["ndcg10"]
            ratios = {"hybrid_over_lexical_ndcg10": results[product]["ndcg10"] / lexical}
            for run in runs:
                ratios[f"{run.name}_semantic_over_lexical_ndcg10"] = (
                    results[f"{run.name}: semantic"]["ndcg10"] / lexical
                )
                ratios[f"{run.name}_rrf60_over_lexical_ndcg10"] = (
                    results[f"{run.name}: rrf k=60"]["ndcg10"] / lexical
                )
            figures["ratios"] = ratios
            print_table(results, product)
            print(
                f"\n{len(cases)} queries; hybrid/lexical nDCG@10 ="
                f" {ratios['hybrid_over_lexical_ndcg10']:.2f}×"
                + "".join(
                    f"; {r.name} semantic/lexical"
                    f" {ratios[f'{r.name}_semantic_over_lexical_ndcg10']:.2f}×"
                    for r in runs
                )
            )
            figures["closeness"] = {}
            for run in runs:
                shown_by = product if run.product else f"{run.name}: minmax w_sem=0.5 (CombSUM)"
                figures["closeness"][run.name] = closeness(run, cases, shown_by)
                print_closeness(run.name, figures["closeness"][run.name])

        latency_questions = [q for se_id, q in questions.items() if se_id in doc_of]
        timings |= time_similar_cases(community, latency_questions, options.latency_queries)
        if "similar_cases_p50_ms" in timings:
            print(
                f"\nsimilar_cases end to end over {timings['similar_cases_n']} queries:"
                f" p50 {timings['similar_cases_p50_ms']:.0f} ms,"
                f" p99 {timings['similar_cases_p99_ms']:.0f} ms"
            )
        for run in runs:
            t = run.timings
            parts = [f"load {t['load_s']:.1f} s"]
            if "encode_docs_per_s" in t:
                parts.append(f"documents {t['encode_docs_per_s']:.0f}/s")
            if "encode_queries_per_s" in t:
                parts.append(f"queries (batched) {t['encode_queries_per_s']:.0f}/s")
            if "encode_one_query_p50_ms" in t:
                parts.append(f"one query p50 {t['encode_one_query_p50_ms']:.0f} ms")
            print(f"encoder {run.name}: " + ", ".join(parts))

        if options.keep_db:
            keep_database(options.keep_db)
            print(f"database kept at {options.keep_db}")
        from django.db import connections

        connections.close_all()

    timings["total_s"] = time.perf_counter() - overall
    # Timings are only comparable on an otherwise idle machine; say how busy it was.
    timings["load_avg_1min"] = [load_before, os.getloadavg()[0]]
    timings["cpus"] = os.cpu_count() or 0
    figures["timings"] = timings
    print(
        f"total {timings['total_s']:.0f} s (load average {load_before:.1f} at start,"
        f" {timings['load_avg_1min'][1]:.1f} at end, {timings['cpus']} CPUs)"
    )
    print(json.dumps(figures, sort_keys=True))


if __name__ == "__main__":
    main()
