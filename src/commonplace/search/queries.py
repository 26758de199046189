"""Reads for search pages and the API: full-text search and similar cases.

Callers pass the viewer; every function scopes to what that viewer may read
(`readable_community_ids`), inside the SQL that ranks.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.core.cache import cache
from django.urls import reverse

from commonplace.accounts.models import User
from commonplace.communities.models import Community, Membership, MembershipStatus
from commonplace.communities.queries import readable_community_ids
from commonplace.discussions.models import Thread, ThreadKind
from commonplace.events.models import Event, EventKind
from commonplace.repertoire.models import EntryKind
from commonplace.search import engine
from commonplace.search.embedding import get_encoder
from commonplace.search.engine import MARK_END, MARK_START, Hit, Scope
from commonplace.search.indexing import embed_fresh, embedding_text
from commonplace.search.models import DocType, Document
from commonplace.search.semantic import store
from commonplace.search.syntax import Query, parse
from commonplace.search.text import keywords, printable

# What the search box understands, shown beside it.
SYNTAX_HELP = [
    ('"hop creep"', "this exact phrase"),
    ("-lager", "leave out results with this word"),
    ("topic:hops", "only this topic"),
    ("kind:case", "only this kind of discussion or entry"),
    ("type:event", "only discussions, replies, entries, events or people"),
    ("is:unanswered", "questions nobody has answered (also is:resolved, is:unresolved)"),
    ("author:alice", "written by this person"),
    ("community:brewers", "only this community"),
    ("after:2024-01-01 before:2024-12-31", "written in this period"),
]

TYPE_LABELS = {
    "thread": "Discussion", "reply": "Reply", "entry": "Repertoire", "member": "Person",
    "event": "Event",
}  # fmt: skip
# By type as well as kind: a thread and an event can both be a "visit".
KIND_LABELS: dict[str, dict[str, str]] = {
    DocType.THREAD: dict(ThreadKind.choices),
    DocType.REPLY: dict(ThreadKind.choices),
    DocType.ENTRY: dict(EntryKind.choices),
    DocType.EVENT: dict(EventKind.choices),
}

PAGE_SIZE = 20
MAX_PAGE = 50
# Candidates each retriever hands to the fusion.
CANDIDATES = 100
# Content words of a draft given to lexical retrieval: more words cost time
# on every case that shares one, and past about 16 add noise, not recall
# (bench/similar_cases.py on beer: 16 words 0.348 nDCG@10, 32 words 0.321).
QUERY_KEYWORDS = 16
QUERY_EMBED_CHARS = 700
# Cosine similarity above which an earlier case is very likely the same
# situation (bench/similar_cases.py prints how duplicates and others score).
CLOSE_SIMILARITY = 0.75
RELATED_CACHE_SECONDS = 600


def marked_html(text: str) -> str:
    """Escape a snippet, then turn the engine's highlight marks into <mark>."""
    escaped = html.escape(text)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


@dataclass
class Result:
    hit: Hit
    url: str
    community: Community | None
    author: User | None
    title_html: str
    snippet_html: str
    event: Event | None = None  # for an event: when it takes place, whether it was cancelled

    @property
    def doc_type(self) -> str:
        return self.hit.doc_type

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.hit.doc_type]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.hit.doc_type, {}).get(self.hit.kind, "")


@dataclass
class SearchPage:
    query: Query
    results: list[Result] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def total_is_capped(self) -> bool:
        return self.total > engine.COUNT_LIMIT

    @property
    def shown_total(self) -> int:
        return min(self.total, engine.COUNT_LIMIT)

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.shown_total and self.page < MAX_PAGE

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _url(hit: Hit, community: Community | None, author: User | None) -> str:
    if hit.doc_type == DocType.MEMBER:
        return reverse("profile", args=[author.username]) if author else ""
    if community is None:  # content always belongs to a community
        return ""
    if hit.doc_type == DocType.ENTRY:
        return reverse("repertoire:entry", args=[community.slug, hit.object_id])
    if hit.doc_type == DocType.EVENT:
        return reverse("events:event", args=[community.slug, hit.object_id])
    url = reverse("discussions:thread", args=[community.slug, hit.thread_id])
    return f"{url}#post-{hit.object_id}" if hit.doc_type == DocType.REPLY else url


def _results(hits: list[Hit]) -> list[Result]:
    communities = Community.objects.in_bulk({h.community_id for h in hits if h.community_id})
    people = User.objects.in_bulk({h.author_id for h in hits if h.author_id})
    titles = dict(
        Thread.objects.filter(
            pk__in={h.thread_id for h in hits if h.doc_type == DocType.REPLY}
        ).values_list("pk", "title")
    )
    events = Event.objects.in_bulk([h.object_id for h in hits if h.doc_type == DocType.EVENT])
    for hit in hits:
        if hit.doc_type == DocType.REPLY:
            hit.title = hit.title_marked = printable(titles.get(hit.thread_id or 0, ""))
    return [
        Result(
            hit=hit,
            url=_url(hit, communities.get(hit.community_id or 0), people.get(hit.author_id or 0)),
            community=communities.get(hit.community_id or 0),
            author=people.get(hit.author_id or 0),
            title_html=marked_html(hit.title_marked or hit.title),
            snippet_html=marked_html(hit.snippet_marked),
            event=events.get(hit.object_id) if hit.doc_type == DocType.EVENT else None,
        )
        for hit in hits
    ]


def resolve_scope(query: Query, *, user: Any) -> tuple[Scope, list[str]]:
    """Turn the query's community and author filters into ids the viewer may use."""
    readable = readable_community_ids(user)
    scope = Scope(readable=readable)
    notes: list[str] = []
    if query.community:
        community = Community.objects.filter(slug=query.community, id__in=readable).first()
        if community is None:
            notes.append(f"No community you can read is called “{query.community}”.")
            scope.community_id = -1
        else:
            scope.community_id = community.pk
            scope.member_ids = Membership.objects.filter(
                community=community, status=MembershipStatus.ACTIVE
            ).values("user_id")
    if query.author:
        person = User.objects.filter(username__iexact=query.author, is_active=True).first()
        if person is None:
            notes.append(f"Nobody is called “{query.author}”.")
            scope.author_id = -1
        else:
            scope.author_id = person.pk
    return scope, notes


def search(*, user: Any, text: str, page: int = 1, page_size: int = PAGE_SIZE) -> SearchPage:
    """One page of results for what `user` typed, across what they may read."""
    query = parse(text)
    result = SearchPage(query=query, page=max(1, min(page, MAX_PAGE)), page_size=page_size)
    if query.is_empty or (query.excluded and not query.has_text):
        return result
    scope, notes = resolve_scope(query, user=user)
    query.notes += notes
    hits, result.total = engine.search(
        query, scope, offset=(result.page - 1) * page_size, limit=page_size
    )
    result.results = _results(hits)
    return result


# -- similar cases ---------------------------------------------------------------


@dataclass
class SimilarCase:
    result: Result
    similarity: float

    @property
    def is_close(self) -> bool:
        return self.similarity >= CLOSE_SIMILARITY


def fuse(rankings: list[list[tuple[int, float]]]) -> list[int]:
    """CombSUM: each ranking's scores scaled to 0..1 (min-max), summed; absent counts 0.

    Chosen over reciprocal-rank fusion by bench/similar_cases.py: rank fusion
    gives the weaker lexical list as much say as the semantic one, while
    scaled scores keep how much better one candidate is than the next. It
    has no parameter to tune, and it makes BM25 (SQLite) and ts_rank
    (PostgreSQL) scores comparable without per-engine constants.
    """
    fused: dict[int, float] = {}
    for ranking in rankings:
        if not ranking:
            continue
        values = [score for _, score in ranking]
        low, span = min(values), max(values) - min(values)
        for doc_id, score in ranking:
            scaled = (score - low) / span if span > 0 else 1.0
            fused[doc_id] = fused.get(doc_id, 0.0) + scaled
    return sorted(fused, key=lambda doc_id: (-fused[doc_id], doc_id))


def rank_cases(
    title: str,
    body: str,
    *,
    community_ids: list[int],
    limit: int = CANDIDATES,
    vector: np.ndarray | None = None,
    before: datetime | None = None,
) -> tuple[list[int], dict[int, float]]:
    """Hybrid ranking of cases (lexical and semantic, fused), with cosine similarities.

    `vector` is the text's embedding when it is already stored (a thread's own).
    `before` keeps cases written before that moment only (for evaluations
    that replay a community's history).
    """
    # Cases written a moment ago count too; a backlog (an interrupted bulk
    # job) is left to its own run rather than to someone's keystrokes.
    embed_fresh(community_ids)
    lexical = engine.lexical_cases(
        keywords(f"{title} {body}", limit=QUERY_KEYWORDS),
        community_ids=community_ids,
        limit=limit,
        before=before,
    )
    if vector is None:
        # The start of a draft says what it is about; encoding cost grows with
        # its length, so long drafts are cut (about 150 word pieces).
        vector = get_encoder().encode([embedding_text(title, body)[:QUERY_EMBED_CHARS]])[0]
    semantic = store.nearest(vector, community_ids=community_ids, limit=limit, before=before)
    ids = [doc_id for doc_id, _ in semantic]
    if Document.objects.filter(id__in=ids).count() < len(ids):
        # Cases were deleted or the index rebuilt since the store loaded: start over.
        store.reset()
        semantic = store.nearest(vector, community_ids=community_ids, limit=limit, before=before)
    return fuse([lexical, semantic]), dict(semantic)


def similar_cases(
    *,
    community: Community,
    title: str,
    body: str = "",
    exclude: int | None = None,
    limit: int = 5,
    vector: np.ndarray | None = None,
) -> list[SimilarCase]:
    """Earlier threads and entries of `community` that look like the same situation.

    `exclude` is a document id to leave out (the thread being looked at). The
    caller has checked that the viewer may read `community`.
    """
    if not keywords(f"{title} {body}", limit=1):
        return []
    ranked, similarity = rank_cases(title, body, community_ids=[community.pk], vector=vector)
    ranked = [doc_id for doc_id in ranked if doc_id != exclude][:limit]
    docs = Document.objects.in_bulk(ranked)
    hits = [_case_hit(docs[i], similarity.get(i, 0.0)) for i in ranked if i in docs]
    return [SimilarCase(result=r, similarity=r.hit.score) for r in _results(hits)]


def _case_hit(doc: Document, similarity: float) -> Hit:
    return Hit(
        id=doc.pk,
        doc_type=doc.doc_type,
        object_id=doc.object_id,
        community_id=doc.community_id,
        thread_id=doc.thread_id,
        kind=doc.kind,
        title=doc.title,
        created_at=doc.created_at,
        is_resolved=doc.is_resolved,
        helpful=doc.helpful,
        author_id=doc.author_id,
        score=similarity,
        snippet_marked=doc.body[:160],
    )


def related_threads(*, thread: Any, limit: int = 5) -> list[SimilarCase]:
    """Cases like `thread`, for its page (same community, so the same readers)."""
    doc = Document.objects.filter(doc_type=DocType.THREAD, object_id=thread.pk).first()
    if doc is None:
        return []
    # Keyed by the thread's text: an edit asks anew, anything else waits for the timeout.
    digest = hashlib.blake2b(f"{doc.title}\x00{doc.body}".encode(), digest_size=8).hexdigest()
    key = f"search:related:{doc.pk}:{digest}"
    found: list[SimilarCase] | None = cache.get(key)
    if found is not None:
        # A case deleted since is dropped at once, not when the cache expires.
        alive = set(
            Document.objects.filter(id__in=[c.result.hit.id for c in found]).values_list(
                "id", flat=True
            )
        )
        return [c for c in found if c.result.hit.id in alive]
    vector = None if doc.embedding is None else np.frombuffer(doc.embedding, dtype=np.float32)
    found = similar_cases(
        community=thread.community, title=doc.title, body=doc.body, exclude=doc.pk,
        limit=limit, vector=vector,
    )  # fmt: skip
    # Related cases change slowly; a thread page should not rank them on every view.
    cache.set(key, found, RELATED_CACHE_SECONDS)
    return found
