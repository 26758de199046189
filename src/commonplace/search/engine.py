"""One search interface, two engines: SQLite FTS5 and PostgreSQL full-text.

Everything outside this module speaks `Scope`, `Query` and `Hit`; only here
does SQL differ by database. Scoping is always part of the SQL that ranks, so
what a viewer may not read is never scored, counted or snippeted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from commonplace.search.models import DocType
from commonplace.search.syntax import Query

# Counting every match of a common word costs as much as ranking them all;
# past this many, "1,000+ results" says enough.
COUNT_LIMIT = 1000
SNIPPET_WORDS = 24
# SQLite's case index numbers a case community_id * CASE_KEY + id.
CASE_KEY = 2**32
# Start and end of a highlighted word in snippets; control characters cannot
# occur in indexed text, so escaping the snippet later cannot break them.
MARK_START, MARK_END = "\x02", "\x03"


@dataclass
class Scope:
    """Where to look: the communities the viewer may read, narrowed by filters."""

    readable: QuerySet[Any, Any]  # community ids, as a subquery
    community_id: int | None = None
    member_ids: QuerySet[Any, Any] | None = None  # members of community_id
    author_id: int | None = None
    doc_types: tuple[str, ...] = ()


@dataclass
class Hit:
    id: int
    doc_type: str
    object_id: int
    community_id: int | None
    thread_id: int | None
    kind: str
    title: str
    created_at: datetime
    is_resolved: bool
    helpful: int
    author_id: int | None
    score: float
    title_marked: str = ""
    snippet_marked: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


COLUMNS = (
    "d.id, d.doc_type, d.object_id, d.community_id, d.thread_id, d.kind, d.title,"
    " d.created_at, d.is_resolved, d.helpful, d.author_id"
)


def _subquery(qs: QuerySet[Any, Any]) -> tuple[str, list[Any]]:
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def _day(value: date, *, end: bool = False) -> datetime:
    moment = datetime.combine(value, time.max if end else time.min)
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


FLAG_CLAUSES = {
    "unanswered": "(d.doc_type = 'thread' AND NOT d.is_answered)",
    "answered": "(d.doc_type = 'thread' AND d.is_answered)",
    "resolved": "d.is_resolved",
    "unresolved": "(d.doc_type = 'thread' AND NOT d.is_resolved)",
}


def _where(query: Query, scope: Scope) -> tuple[str, list[Any]]:
    """The WHERE clause shared by every engine: visibility first, then filters."""
    readable_sql, params = _subquery(scope.readable)
    clauses = [f"(d.community_id IN ({readable_sql}) OR d.community_id IS NULL)"]
    if scope.community_id is not None:
        if scope.member_ids is not None:
            members_sql, member_params = _subquery(scope.member_ids)
            members = f"d.doc_type = 'member' AND d.object_id IN ({members_sql})"
            clauses.append(f"(d.community_id = %s OR ({members}))")
            params += [scope.community_id, *member_params]
        else:
            clauses.append("d.community_id = %s")
            params.append(scope.community_id)
    types = (query.type,) if query.type else scope.doc_types
    if types:
        clauses.append(f"d.doc_type IN ({', '.join(['%s'] * len(types))})")
        params += list(types)
    if query.kind:
        clauses.append("d.kind = %s")
        params.append(query.kind)
    if query.topic:
        # Escaped, so a typed % or _ is a character, not a wildcard.
        topic = query.topic.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("d.topics LIKE %s ESCAPE '\\'")
        params.append(f"% {topic} %")
    if scope.author_id is not None:
        clauses.append("d.author_id = %s AND d.doc_type <> 'member'")
        params.append(scope.author_id)
    clauses.extend(FLAG_CLAUSES[flag] for flag in sorted(query.flags))
    # Adapted as the ORM would: SQLite compares datetimes as text in its own format.
    adapt = connection.ops.adapt_datetimefield_value
    if query.after:
        clauses.append("d.created_at >= %s")
        params.append(adapt(_day(query.after)))
    if query.before:
        clauses.append("d.created_at <= %s")
        params.append(adapt(_day(query.before, end=True)))
    return " AND ".join(clauses), params


def _fts5_string(words: list[str]) -> str:
    # Words are \w+ only (syntax.words), so quoting cannot be broken out of.
    return '"' + " ".join(words) + '"'


def fts5_match(query: Query) -> str:
    positive = " ".join(_fts5_string([t]) for t in query.terms)
    positive = " ".join(filter(None, [positive, *(_fts5_string(p) for p in query.phrases)]))
    negative = "".join(f" NOT {_fts5_string(e)}" for e in query.excluded)
    return f"({positive}){negative}"


def websearch_strings(query: Query) -> tuple[str, str]:
    """What to include and what to exclude, for two websearch_to_tsquery calls.

    Every word is quoted, so a typed "or" is a word, not an operator; and the
    exclusions are a query of their own, so that a query whose words are all
    stop words matches nothing instead of everything not excluded.
    """
    included = " ".join(
        f'"{" ".join(words)}"' for words in [*([t] for t in query.terms), *query.phrases]
    )
    excluded = " or ".join(f'"{" ".join(words)}"' for words in query.excluded)
    return included, excluded


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _count(inner_sql: str, params: list[Any], *, prefix: str = "") -> int:
    sql = f"{prefix} SELECT count(*) FROM ({inner_sql} LIMIT {COUNT_LIMIT + 1}) AS matches"
    return int(_rows(sql, params)[0][0])


def _hit(row: tuple[Any, ...]) -> Hit:
    created = row[7]
    if isinstance(created, str):  # SQLite hands raw SQL results back as text
        created = datetime.fromisoformat(created).replace(tzinfo=UTC)
    return Hit(
        id=row[0],
        doc_type=row[1],
        object_id=row[2],
        community_id=row[3],
        thread_id=row[4],
        kind=row[5],
        title=row[6],
        created_at=created,
        is_resolved=bool(row[8]),
        helpful=row[9],
        author_id=row[10],
        score=float(row[11] or 0.0),
        title_marked=row[12] or row[6],
        snippet_marked=row[13] or "",
    )


def search(query: Query, scope: Scope, *, offset: int, limit: int) -> tuple[list[Hit], int]:
    """Rank documents for `query` inside `scope`: one page of hits and the match count."""
    where, params = _where(query, scope)
    if not query.has_text:
        return _browse(where, params, offset=offset, limit=limit)
    if connection.vendor == "postgresql":
        return _search_postgres(query, where, params, offset=offset, limit=limit)
    return _search_sqlite(query, where, params, offset=offset, limit=limit)


def _browse(where: str, params: list[Any], *, offset: int, limit: int) -> tuple[list[Hit], int]:
    """Filters without words: newest first, snippets from the start of the text."""
    inner = f"SELECT d.id FROM search_document d WHERE {where}"
    total = _count(inner, params)
    rows = _rows(
        f"SELECT {COLUMNS}, 0.0, d.title, substr(d.body, 1, 240) FROM search_document d"
        f" WHERE {where} ORDER BY d.created_at DESC, d.id DESC LIMIT %s OFFSET %s",
        [*params, limit, offset],
    )
    return [_hit(r) for r in rows], total


# Recent work ranks a little higher: up to +25 % for today, fading over years.
SQLITE_RECENCY = "(1.0 + 0.25 / (1.0 + (julianday('now') - julianday(d.created_at)) / 365.0))"
POSTGRES_RECENCY = "(1.0 + 0.25 / (1.0 + extract(epoch FROM (now() - d.created_at)) / 31536000.0))"


def _search_sqlite(
    query: Query, where: str, params: list[Any], *, offset: int, limit: int
) -> tuple[list[Hit], int]:
    match = fts5_match(query)
    base = (
        "FROM search_fts JOIN search_document d ON d.id = search_fts.rowid"
        f" WHERE search_fts MATCH %s AND {where}"
    )
    total = _count(f"SELECT d.id {base}", [match, *params])
    if not total:
        return [], 0
    # bm25() is negative (lower is better), so boosts multiply it further down.
    rows = _rows(
        f"SELECT {COLUMNS}, -bm25(search_fts, 4.0, 1.0) * d.boost * {SQLITE_RECENCY} AS score,"
        f" highlight(search_fts, 0, char(2), char(3)),"
        f" snippet(search_fts, 1, char(2), char(3), '…', {SNIPPET_WORDS})"
        f" {base} ORDER BY score DESC LIMIT %s OFFSET %s",
        [match, *params, limit, offset],
    )
    return [_hit(r) for r in rows], total


HEADLINE = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS + 6},"
    ' MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
)


def _search_postgres(
    query: Query, where: str, params: list[Any], *, offset: int, limit: int
) -> tuple[list[Hit], int]:
    included, excluded = websearch_strings(query)
    # An empty exclusion query matches nothing, so NOT (...) keeps everything.
    cte = (
        "WITH q AS (SELECT websearch_to_tsquery('english', %s) AS inc,"
        " websearch_to_tsquery('english', %s) AS exc)"
    )
    base = (
        f"FROM search_document d, q WHERE d.vector @@ q.inc AND NOT (d.vector @@ q.exc) AND {where}"
    )
    total = _count(f"SELECT d.id {base}", [included, excluded, *params], prefix=cte)
    if not total:
        return [], 0
    # Headlines are costly, so only the page's rows get them.
    rows = _rows(
        f"{cte} SELECT page.*, ts_headline('english', page.title, q.inc, %s),"
        " ts_headline('english', page.body, q.inc, %s) FROM ("
        f"  SELECT {COLUMNS}, ts_rank_cd(d.vector, q.inc, 1) * d.boost * {POSTGRES_RECENCY}"
        f"  AS score, d.body {base} ORDER BY score DESC, d.id LIMIT %s OFFSET %s"
        ") AS page, q ORDER BY page.score DESC, page.id",
        [included, excluded, "HighlightAll=true, " + HEADLINE, HEADLINE, *params, limit, offset],
    )
    # The inner SELECT carries body for the headline; drop it from the row.
    return [_hit(r[:12] + r[13:]) for r in rows], total


def lexical_cases(
    words: list[str], *, community_ids: list[int], limit: int
) -> list[tuple[int, float]]:
    """BM25-style ranking of threads and entries for a bag of words (any may match)."""
    if not words or not community_ids:
        return []
    marks = ", ".join(["%s"] * len(community_ids))
    if connection.vendor == "postgresql":
        tsquery = " | ".join(f"'{w}'" for w in words)
        sql = (
            "SELECT d.id, ts_rank(d.vector, q) AS score"
            " FROM search_document d, to_tsquery('english', %s) AS q"
            f" WHERE d.doc_type IN ('thread', 'entry') AND d.vector @@ q"
            f" AND d.community_id IN ({marks}) ORDER BY score DESC, d.id LIMIT %s"
        )
        params: list[Any] = [tsquery, *community_ids, limit]
    else:
        # search_case_fts rowids are community_id * 2**32 + document id
        # (migration 0004): each community is one range FTS5 seeks to.
        match = " OR ".join(_fts5_string([w]) for w in words)
        ranges = " UNION ALL ".join(
            "SELECT rowid & 4294967295, -bm25(search_case_fts, 2.0, 1.0) FROM search_case_fts"
            " WHERE search_case_fts MATCH %s AND rowid BETWEEN %s AND %s"
            for _ in community_ids
        )
        sql = f"SELECT * FROM ({ranges}) ORDER BY 2 DESC, 1 LIMIT %s"
        params = [
            value
            for community_id in community_ids
            for value in (match, community_id * CASE_KEY, (community_id + 1) * CASE_KEY - 1)
        ]
        params.append(limit)
    return [(int(i), float(s)) for i, s in _rows(sql, params)]


THREAD_TYPES = (DocType.THREAD, DocType.REPLY)
