"""What PostgreSQL's own statistics say about the search index.

ANALYZE (run by autovacuum, and by `rebuild`) samples search_document and
keeps, per column, the commonest elements of array-like values with the share
of rows holding each (the vector's lexemes, the tags), and a histogram of
scalar values in equal-count buckets (creation times). The engine reads them
where the planner's own use of them goes wrong: it cannot weigh a draft's
words by how rare they are, and it cannot bound how many rows a query reads
(engine._postgres_plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from time import monotonic

from django.db import connection

# ANALYZE refreshes the statistics now and then; reading them costs more than
# a query that uses them, so each process keeps them this long.
STATS_SECONDS = 600.0

_SQL = (
    "SELECT c.reltuples, s.attname, s.most_common_elems::text::text[], s.most_common_elem_freqs,"
    " CASE WHEN s.attname = 'created_at' THEN s.histogram_bounds::text::timestamptz[] END"
    " FROM pg_class c JOIN pg_stats s ON s.schemaname = current_schema()"
    " AND s.tablename = c.relname AND s.attname IN ('vector', 'tags', 'created_at')"
    " WHERE c.oid = 'search_document'::regclass"
)


@dataclass(frozen=True)
class Elements:
    """The commonest elements of a column and the share of rows holding each."""

    shares: dict[str, float]
    floor: float  # for an element not listed: half the rarest listed

    def share(self, element: str) -> float:
        return self.shares.get(element, self.floor)


@dataclass(frozen=True)
class TableStats:
    rows: float
    lexemes: Elements
    tags: Elements
    created: list[datetime]  # bucket bounds, oldest first; each bucket holds as many rows

    def newest_since(self, share: float) -> datetime | None:
        """A moment after which about `share` of the documents (at least) were written.

        None when that is every document.
        """
        buckets = len(self.created) - 1
        if buckets < 1 or share >= 1.0:
            return None
        first = int((1.0 - share) * buckets)  # rounded down: the window errs on the large side
        return self.created[first] if first > 0 else None


_cache: dict[str, tuple[float, TableStats]] = {}


def _elements(names: list[str] | None, shares: list[float] | None) -> Elements | None:
    if not names or not shares:
        return None
    # The shares end with their own minimum and maximum, which name no element.
    listed = shares[: len(names)]
    return Elements(dict(zip(names, listed, strict=True)), min(listed) / 2)


def table_stats() -> TableStats | None:
    """The statistics of search_document, or None before its first ANALYZE."""
    key = str(connection.settings_dict["NAME"])
    cached = _cache.get(key)
    if cached is not None and monotonic() - cached[0] < STATS_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(_SQL)
        found = {
            name: (rows, names, shares, bounds) for rows, name, names, shares, bounds in cursor
        }
    if set(found) != {"vector", "tags", "created_at"}:
        return None  # not analyzed yet: asked again next time
    lexemes = _elements(*found["vector"][1:3])
    tags = _elements(*found["tags"][1:3])
    if lexemes is None or tags is None:
        return None
    stats = TableStats(
        rows=float(found["vector"][0]), lexemes=lexemes, tags=tags,
        created=list(found["created_at"][3] or []),
    )  # fmt: skip
    _cache[key] = (monotonic(), stats)
    return stats


def forget() -> None:
    """Read the statistics afresh next time (after an ANALYZE that matters now)."""
    _cache.clear()


def lexemes(text: str) -> list[str]:
    """The words of `text` as the index holds them (stemmed, without stop words)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme FROM unnest(to_tsvector('english', %s))", [text])
        return [row[0] for row in cursor]
