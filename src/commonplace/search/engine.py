"""One search interface, two engines: SQLite FTS5 and PostgreSQL full-text.

Everything outside this module speaks `Scope`, `Query` and `Hit`; only here
does SQL differ by database. Scoping is always part of the SQL that ranks, so
what a viewer may not read is never scored, counted or snippeted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from commonplace.search import pgstats
from commonplace.search.models import DocType
from commonplace.search.syntax import Query

# Counting every match of a common word costs as much as ranking them all;
# past this many, "1,000+ results" says enough.
COUNT_LIMIT = 1000
# A word common enough to match tens of thousands of documents would need
# each of them read and scored. Relevance ranks the newest matches instead,
# which covers every page a reader can reach (50 pages of 20) and keeps the
# cost of a query about the same at any size of index.
NEWEST_MATCHES = COUNT_LIMIT + 1
SNIPPET_WORDS = 24
# SQLite's case index numbers a case community_id * CASE_KEY + id, and
# search_fts numbers a document creation_second * 2**31 + id: its id is the
# rowid's low 31 bits (migrations/_fulltext.py).
CASE_KEY = 2**32
ID_MASK = 2**31 - 1
# A topic or kind that is one word (with - or _) can be matched as a tag.
TOKEN = re.compile(r"[\w-]+")
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
    # Unordered: a model's default ordering would sort the set for nothing.
    sql, params = qs.order_by().query.sql_with_params()
    return sql, list(params)


def _day(value: date, *, end: bool = False) -> datetime:
    """The start (or end) of `value` on the reader's clock: the active time zone, as
    the dates shown beside the results."""
    return timezone.make_aware(datetime.combine(value, time.max if end else time.min))


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
            # The community tag (filter_tags) finds both through the index;
            # this only decides, row by row, so "+ 0" keeps PostgreSQL from
            # also combining whole indexes to satisfy it.
            clauses.append(f"(d.community_id + 0 = %s OR ({members}))")
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


FLAG_TAGS = {
    "unanswered": "funanswered",
    "answered": "fanswered",
    "resolved": "fresolved",
    "unresolved": "funresolved",
}


def _tag(value: str) -> str:
    # As migrations/_fulltext.TAGS writes them: one token, no - or _.
    return value.replace("-", "").replace("_", "")


def filter_tags(query: Query, scope: Scope) -> list[tuple[str, ...]]:
    """The filters as tags (migrations/_fulltext.py): each group needs one of its tags.

    The tags are indexed (FTS5 on SQLite, GIN on PostgreSQL), so they narrow a
    query before any row is read. Each group keeps at least every row the
    filter's SQL keeps, and that SQL still decides. A topic or kind that
    cannot be a single tag is left to the SQL alone.
    """
    groups: list[tuple[str, ...]] = []
    types = (query.type,) if query.type else scope.doc_types
    if types:
        groups.append(tuple(f"ty{t}" for t in types))
    if query.kind and TOKEN.fullmatch(query.kind):
        groups.append((f"kd{_tag(query.kind)}",))
    if query.topic and TOKEN.fullmatch(query.topic):
        groups.append((f"tp{_tag(query.topic)}",))
    if scope.community_id is not None and scope.community_id > 0:
        # Member documents are tagged with their person's communities (0006).
        groups.append((f"cm{scope.community_id}",))
    if scope.author_id is not None and scope.author_id > 0:
        groups.append((f"au{scope.author_id}",))
    groups.extend((FLAG_TAGS[flag],) for flag in sorted(query.flags))
    return groups


def fts5_tags(groups: list[tuple[str, ...]]) -> list[str]:
    # Tags are \w only (TOKEN, _tag), so quoting cannot be broken out of.
    return ["tags : (" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups]


def _postgres_tags(groups: list[tuple[str, ...]]) -> tuple[str, list[Any]]:
    clauses = ["d.tags @> %s" if len(group) == 1 else "d.tags && %s" for group in groups]
    return "".join(f" AND {c}" for c in clauses), [list(group) for group in groups]


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


def _hit(row: tuple[Any, ...]) -> Hit:
    created = row[7]
    # SQLite hands raw SQL results back as text or naive datetimes, in UTC; aware
    # ones are shown on the reader's clock.
    if isinstance(created, str):
        created = datetime.fromisoformat(created)
    if timezone.is_naive(created):
        created = created.replace(tzinfo=UTC)
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
    groups = filter_tags(query, scope)
    if connection.vendor == "sqlite":
        if query.has_text or groups:
            tags = fts5_tags(groups)
            return _search_sqlite(query, tags, where, params, offset=offset, limit=limit)
    else:
        tags_sql, tag_params = _postgres_tags(groups)
        where, params = where + tags_sql, params + tag_params
        if query.has_text:
            return _search_postgres(query, groups, where, params, offset=offset, limit=limit)
    return _browse(where, params, offset=offset, limit=limit)


def _page(
    newest: str, params: list[Any], order: str, *, offset: int, limit: int
) -> tuple[int, list[tuple[Any, ...]]]:
    """The count of `newest` (at most NEWEST_MATCHES rows) and one page of it in `order`.

    One statement, so the matches are found once; the count comes back even
    for a page past the end.
    """
    rows = _rows(
        f"WITH newest AS MATERIALIZED ({newest})"
        " SELECT total.n, page.* FROM (SELECT count(*) AS n FROM newest) AS total"
        f" LEFT JOIN (SELECT * FROM newest ORDER BY {order} LIMIT %s OFFSET %s) AS page"
        f" ON 1 = 1 ORDER BY {order}",
        [*params, limit, offset],
    )
    total = int(rows[0][0]) if rows else 0
    return total, [r[1:] for r in rows if r[1] is not None]


def _browse(where: str, params: list[Any], *, offset: int, limit: int) -> tuple[list[Hit], int]:
    """Filters without words: newest first, snippets from the start of the text."""
    total, page = _page(
        f"SELECT {COLUMNS}, 0.0 AS score, d.title AS marked, substr(d.body, 1, 240) AS opening"
        f" FROM search_document d WHERE {where}"
        f" ORDER BY d.created_at DESC, d.id DESC LIMIT {NEWEST_MATCHES}",
        params,
        "created_at DESC, id DESC",
        offset=offset,
        limit=limit,
    )
    return [_hit(r) for r in page], total


# Recent work ranks a little higher: up to +25 % for today, fading over years.
SQLITE_RECENCY = "(1.0 + 0.25 / (1.0 + (julianday('now') - julianday(d.created_at)) / 365.0))"
POSTGRES_RECENCY = "(1.0 + 0.25 / (1.0 + extract(epoch FROM (now() - d.created_at)) / 31536000.0))"


def _search_sqlite(
    query: Query, tags: list[str], where: str, params: list[Any], *, offset: int, limit: int
) -> tuple[list[Hit], int]:
    """Words and tags through FTS5, newest first (see migration 0004), then ranked.

    FTS5 hands matches over in rowid order, which is creation order, so the
    newest NEWEST_MATCHES that pass the filters are found without reading
    the rest, and BM25 is computed for those only. Without words, the
    newest come first.
    """
    words = f"{{title body}} : ({fts5_match(query)})" if query.has_text else ""
    match = " AND ".join(filter(None, [words, *tags]))
    key_range, range_params = _key_range(query)
    score = f"-bm25(search_fts, 4.0, 1.0, 0.0) * d.boost * {SQLITE_RECENCY}"
    newest = (
        f"SELECT {COLUMNS}, {score if query.has_text else '0.0'} AS score,"
        " search_fts.rowid AS fts_key, substr(d.body, 1, 240) AS opening"
        # CROSS JOIN keeps FTS5 as the outer loop: led by an index on the
        # documents instead, it would run the MATCH once per document.
        f" FROM search_fts CROSS JOIN search_document d ON d.id = search_fts.rowid & {ID_MASK}"
        f" WHERE search_fts MATCH %s{key_range} AND {where}"
        f" ORDER BY search_fts.rowid DESC LIMIT {NEWEST_MATCHES}"
    )
    total, page = _page(
        newest, [match, *range_params, *params], "score DESC, fts_key DESC",
        offset=offset, limit=limit,
    )  # fmt: skip
    marks: dict[int, tuple[str, str]] = {}
    if page and query.has_text:
        # Highlights need FTS5's view of each row: only the page's rows get them.
        keys = [r[12] for r in page]
        marks = {
            int(key): (title, snippet)
            for key, title, snippet in _rows(
                "SELECT rowid, highlight(search_fts, 0, char(2), char(3)),"
                f" snippet(search_fts, 1, char(2), char(3), '…', {SNIPPET_WORDS})"
                " FROM search_fts WHERE search_fts MATCH %s"
                f" AND rowid IN ({', '.join(['%s'] * len(keys))})",
                [match, *keys],
            )
        }
    return [_hit((*r[:12], *marks.get(r[12], (r[6], r[13])))) for r in page], total


def _key_range(query: Query) -> tuple[str, list[Any]]:
    """Dates as a range of search_fts rowids (creation second * 2**31 + id)."""
    clauses, params = "", []
    if query.after:
        clauses += " AND search_fts.rowid >= %s"
        params.append(max(0, int(_day(query.after).timestamp())) * (ID_MASK + 1))
    if query.before:
        clauses += " AND search_fts.rowid <= %s"
        params.append((max(0, int(_day(query.before, end=True).timestamp())) + 1) * (ID_MASK + 1))
    return clauses, params


HEADLINE = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS + 6},"
    ' MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
)


# How a PostgreSQL search reads its matches (_postgres_plan). Reading a match
# through the GIN index costs a random heap read; walking the newest-first
# index costs a sequential one per document passed, matching or not. A word
# held by few documents is read through the GIN index; one held by very many
# is walked (its newest thousand come soon); in between, either would read
# tens of thousands of rows, so the GIN index is read for a window of recent
# documents only, sized to hold a few times NEWEST_MATCHES.
BITMAP_MATCHES = 15_000
WALK_MATCHES = 60_000
WINDOW_MARGIN = 4.0


@dataclass(frozen=True)
class Plan:
    walk: bool = True  # let the planner walk the newest-first index
    since: datetime | None = None  # read matches written after this only


def _postgres_plan(query: Query, groups: list[tuple[str, ...]]) -> Plan:
    """How to read the matches of `query`, from how many the statistics expect.

    The planner's own choice goes wrong in the middle: it walks the
    newest-first index for words that turn out to be rarer among recent or
    readable documents than it thought, passing hundreds of thousands.
    """
    stats = pgstats.table_stats()
    if stats is None:
        return Plan()
    found = pgstats.lexemes(" ".join([*query.terms, *(w for p in query.phrases for w in p)]))
    if not found:
        return Plan()
    # Every word must match: the rarest bounds the matches. Tag groups are
    # taken as independent of the words and of each other.
    share = min(stats.lexemes.share(lexeme) for lexeme in found)
    for group in groups:
        share *= min(1.0, sum(stats.tags.share(tag) for tag in group))
    matches = share * stats.rows
    if matches >= WALK_MATCHES:
        return Plan()
    if matches <= BITMAP_MATCHES:
        return Plan(walk=False)
    return Plan(walk=False, since=stats.newest_since(WINDOW_MARGIN * NEWEST_MATCHES / matches))


def _search_postgres(
    query: Query,
    groups: list[tuple[str, ...]],
    where: str,
    params: list[Any],
    *,
    offset: int,
    limit: int,
) -> tuple[list[Hit], int]:
    """Words through the GIN index; the newest NEWEST_MATCHES matches are ranked.

    _postgres_plan decides how the matches are read, so that a query reads
    a few thousand rows at most, not every match.
    """
    included, excluded = websearch_strings(query)
    # Not materialized, so the planner sees the words and can estimate how
    # common they are. An empty exclusion query matches nothing, so NOT (...)
    # keeps everything.
    words = (
        "(SELECT websearch_to_tsquery('english', %s) AS inc,"
        " websearch_to_tsquery('english', %s) AS exc) AS q"
    )

    def newest(plan: Plan) -> tuple[int, list[tuple[Any, ...]]]:
        window = "" if plan.since is None else " AND d.created_at > %s"
        # Sorting by an expression the newest-first index does not hold
        # keeps the planner from walking it.
        created = "d.created_at" if plan.walk else "d.created_at + interval '0 s'"
        return _page(
            f"SELECT {COLUMNS}, ts_rank_cd(d.vector, q.inc, 1) * d.boost * {POSTGRES_RECENCY}"
            " AS score"
            f" FROM search_document d, {words}"
            f" WHERE d.vector @@ q.inc AND NOT (d.vector @@ q.exc) AND {where}{window}"
            f" ORDER BY {created} DESC, d.id DESC LIMIT {NEWEST_MATCHES}",
            [included, excluded, *params, *([] if plan.since is None else [plan.since])],
            "score DESC, id",
            offset=offset,
            limit=limit,
        )

    plan = _postgres_plan(query, groups)
    total, page = newest(plan)
    if plan.since is not None and total < NEWEST_MATCHES:
        # Fewer matches in the window than are ranked: older ones count too.
        total, page = newest(Plan(walk=False))
    if not page:
        return [], total
    # Headlines are costly, so only the page's rows get them.
    ids = [r[0] for r in page]
    marks = {
        row_id: (title, body)
        for row_id, title, body in _rows(
            "SELECT d.id, ts_headline('english', d.title, q.inc, %s),"
            f" ts_headline('english', d.body, q.inc, %s) FROM search_document d, {words}"
            " WHERE d.id = ANY(%s)",
            ["HighlightAll=true, " + HEADLINE, HEADLINE, included, excluded, ids],
        )
    }
    return [_hit((*r[:12], *marks.get(r[0], (r[6], "")))) for r in page], total


# A word in more than this share of documents says little about which case is
# alike, and each document holding it would be read and scored: the rarest
# words of a draft are kept while their shares add up to at most this.
CASE_WORDS_SHARE = 0.5
# A match in the title counts this many times one in the body (as SQLite's bm25
# weights in lexical_cases).
TITLE_WEIGHT = 2.0


def _tsquery_lexeme(lexeme: str, weight: str = "") -> str:
    return (
        "'"
        + lexeme.replace("\\", "\\\\").replace("'", "''")
        + "'"
        + (f":{weight}" if weight else "")
    )


def _telling_words(lexemes: list[str], stats: pgstats.TableStats | None) -> list[tuple[str, float]]:
    """The rarest of `lexemes` while their shares add up to CASE_WORDS_SHARE, with weights.

    A word's weight is log(1 / share), as BM25's inverse document frequency.
    Before the first ANALYZE every word is kept and counts the same.
    """
    if stats is None:
        return [(lexeme, 1.0) for lexeme in lexemes]
    kept: list[tuple[str, float]] = []
    total = 0.0
    for lexeme in sorted(lexemes, key=lambda x: (stats.lexemes.share(x), x)):
        share = stats.lexemes.share(lexeme)
        if kept and total + share > CASE_WORDS_SHARE:
            break
        total += share
        kept.append((lexeme, math.log(1.0 / share)))
    return kept


def _postgres_cases(
    words: list[str], marks: str, moment: list[Any], community_ids: list[int], limit: int
) -> tuple[str, list[Any]]:
    """BM25's idea on PostgreSQL: rare shared words count most, a title match double.

    ts_rank knows nothing of how rare a word is, so a draft's common words
    would outrank its telling ones; and every case holding any of them would
    be read. The words' shares in the index (pgstats) give both the weights
    and which words are worth reading cases for.
    """
    found = pgstats.lexemes(" ".join(words))
    if not found:
        return "", []
    kept = _telling_words(found, pgstats.table_stats())
    # Most words miss most candidates: a miss costs one test, a hit two.
    score = " + ".join(
        "(CASE WHEN d.vector @@ %s::tsquery THEN"
        " (CASE WHEN d.vector @@ %s::tsquery THEN %s ELSE %s END) ELSE 0.0 END)"
        for _ in kept
    )
    weights = [
        value
        for lexeme, idf in kept
        for value in (
            _tsquery_lexeme(lexeme),
            _tsquery_lexeme(lexeme, "A"),
            TITLE_WEIGHT * idf,
            idf,
        )
    ]
    sql = (
        # Long cases hold more words by chance: scores are divided by their
        # length relative to the candidates' average (BM25 does much the same).
        f"SELECT d.id, ({score}) / (1.0 + length(d.vector) / avg(length(d.vector)) OVER ())"
        " AS score FROM search_document d"
        " WHERE d.doc_type IN ('thread', 'entry') AND d.vector @@ %s::tsquery AND d.tags && %s"
        # The tags find the communities' cases in the index; "+ 0" keeps the
        # planner from also reading the community index for what they decide.
        f" AND d.community_id + 0 IN ({marks}){' AND d.created_at < %s' if moment else ''}"
        " ORDER BY score DESC, d.id LIMIT %s"
    )
    any_word = " | ".join(_tsquery_lexeme(lexeme) for lexeme, _ in kept)
    tags = [f"cm{community_id}" for community_id in community_ids]
    return sql, [*weights, any_word, tags, *community_ids, *moment, limit]


def lexical_cases(
    words: list[str], *, community_ids: list[int], limit: int, before: datetime | None = None
) -> list[tuple[int, float]]:
    """BM25-style ranking of threads and entries for a bag of words (any may match).

    `before` keeps cases written before that moment only.
    """
    if not words or not community_ids:
        return []
    marks = ", ".join(["%s"] * len(community_ids))
    moment = [] if before is None else [connection.ops.adapt_datetimefield_value(before)]
    if connection.vendor == "postgresql":
        sql, params = _postgres_cases(words, marks, moment, community_ids, limit)
        if not sql:
            return []
    else:
        # search_case_fts rowids are community_id * 2**32 + document id
        # (migration 0004): each community is one range FTS5 seeks to.
        match = " OR ".join(_fts5_string([w]) for w in words)
        earlier = (
            " AND (SELECT created_at FROM search_document"
            f" WHERE id = search_case_fts.rowid & {CASE_KEY - 1}) < %s"
            if moment
            else ""
        )
        ranges = " UNION ALL ".join(
            f"SELECT rowid & {CASE_KEY - 1}, -bm25(search_case_fts, 2.0, 1.0) FROM search_case_fts"
            f" WHERE search_case_fts MATCH %s AND rowid BETWEEN %s AND %s{earlier}"
            for _ in community_ids
        )
        sql = f"SELECT * FROM ({ranges}) ORDER BY 2 DESC, 1 LIMIT %s"
        params = [
            value
            for community_id in community_ids
            for value in (
                match,
                community_id * CASE_KEY,
                (community_id + 1) * CASE_KEY - 1,
                *moment,
            )
        ]
        params.append(limit)
    return [(int(i), float(s)) for i, s in _rows(sql, params)]


THREAD_TYPES = (DocType.THREAD, DocType.REPLY)
