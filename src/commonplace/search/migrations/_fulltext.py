"""Full-text statements shared by the search migrations (not a migration itself).

0002 creates these structures; later migrations that reshape them go back to
them when reversed, so the statements live here once.
"""

from collections.abc import Callable
from typing import Any

# Porter stemming over Unicode words, diacritics folded ("café" finds "cafe").
TOKENIZE = "porter unicode61 remove_diacritics 2"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE search_fts USING fts5(
        title, body, content='search_document', content_rowid='id',
        tokenize='{TOKENIZE}')""",
    f"""CREATE VIRTUAL TABLE search_case_fts USING fts5(
        title, body, content='search_document', content_rowid='id',
        tokenize='{TOKENIZE}')""",
    """CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
        INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
        INSERT INTO search_case_fts(rowid, title, body)
            SELECT new.id, new.title, new.body WHERE new.doc_type IN ('thread', 'entry');
    END""",
    """CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body)
            VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO search_case_fts(search_case_fts, rowid, title, body)
            SELECT 'delete', old.id, old.title, old.body
            WHERE old.doc_type IN ('thread', 'entry');
    END""",
    """CREATE TRIGGER search_document_au AFTER UPDATE OF title, body, doc_type
        ON search_document BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body)
            VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO search_case_fts(search_case_fts, rowid, title, body)
            SELECT 'delete', old.id, old.title, old.body
            WHERE old.doc_type IN ('thread', 'entry');
        INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
        INSERT INTO search_case_fts(rowid, title, body)
            SELECT new.id, new.title, new.body WHERE new.doc_type IN ('thread', 'entry');
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_case_fts",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    """ALTER TABLE search_document ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')
    ) STORED""",
    "CREATE INDEX search_document_vector_idx ON search_document USING gin (vector)",
    """CREATE INDEX search_document_case_vector_idx ON search_document USING gin (vector)
        WHERE doc_type IN ('thread', 'entry')""",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_case_vector_idx",
    "DROP INDEX IF EXISTS search_document_vector_idx",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
]



# -- SQLite from 0004: both tables keyed for the queries that use them --------------
#
# search_fts: a document's rowid is its creation second * 2**31 + its id, so
# FTS5 walks matches newest first and a query stops after the newest
# thousand (engine.NEWEST_MATCHES) instead of reading every match; document
# ids stay below 2**31. A third column, `tags`, holds what the filters ask
# for (type, kind, community, author, answered and resolved, topics) as
# words, so a filter narrows the match inside FTS5 rather than row by row.
# The content is a view over search_document that adds both, with an index
# on the key for the highlights of a page.
#
# search_case_fts: contentless, a case's rowid is community_id * 2**32 + id,
# so similar-case retrieval seeks to its community's range.

TIME_KEY = "(max(unixepoch({row}created_at), 0) * 2147483648 + {row}id)"
CASE_KEY = "(coalesce({row}community_id, 0) * 4294967296 + {row}id)"
IS_CASE = "{row}doc_type IN ('thread', 'entry')"
# Matched by engine.fts5_tags; hyphens and underscores dropped so that each
# value is one token.
TAGS = (
    "'ty' || {row}doc_type || ' kd' || replace(replace({row}kind, '-', ''), '_', '')"
    " || coalesce(' cm' || {row}community_id, '') || coalesce(' au' || {row}author_id, '')"
    # As engine.FLAG_CLAUSES: answered and unresolved are said of threads only.
    " || CASE WHEN {row}is_resolved THEN ' fresolved'"
    " WHEN {row}doc_type = 'thread' THEN ' funresolved' ELSE '' END"
    " || CASE WHEN {row}doc_type <> 'thread' THEN ''"
    " WHEN {row}is_answered THEN ' fanswered' ELSE ' funanswered' END"
    " || replace(replace(replace(rtrim({row}topics), '-', ''), '_', ''), ' ', ' tp')"
)
# What the tags and keys are made of: a change to any of them re-indexes the row.
INDEXED_COLUMNS = (
    "title, body, doc_type, kind, community_id, author_id, is_resolved, is_answered,"
    " topics, created_at"
)
# From 0006: a member document is tagged with the communities it belongs to
# (member_of, " 4 7 "), as a thread is with its own.
MEMBER_TAGS = TAGS + " || replace(rtrim({row}member_of), ' ', ' cm')"
MEMBER_INDEXED_COLUMNS = INDEXED_COLUMNS + ", member_of"


def _sqlite_rows(row: str, tags_sql: str = TAGS) -> tuple[str, str]:
    """The statements adding (first) and removing (second) the rows of `row` ("new.")."""
    key, case_key = TIME_KEY.format(row=row), CASE_KEY.format(row=row)
    tags, is_case = tags_sql.format(row=row), IS_CASE.format(row=row)
    add = (
        f"INSERT INTO search_fts(rowid, title, body, tags)"
        f" VALUES ({key}, {row}title, {row}body, {tags});"
        f" INSERT INTO search_case_fts(rowid, title, body)"
        f" SELECT {case_key}, {row}title, {row}body WHERE {is_case};"
    )
    remove = (
        f"INSERT INTO search_fts(search_fts, rowid, title, body, tags)"
        f" VALUES ('delete', {key}, {row}title, {row}body, {tags});"
        f" INSERT INTO search_case_fts(search_case_fts, rowid, title, body)"
        f" SELECT 'delete', {case_key}, {row}title, {row}body WHERE {is_case};"
    )
    return add, remove


def _sqlite_view_and_triggers(tags: str, indexed: str) -> list[str]:
    add_new, _ = _sqlite_rows("new.", tags)
    _, remove_old = _sqlite_rows("old.", tags)
    return [
        "CREATE VIEW search_fts_content AS SELECT"
        f" {TIME_KEY.format(row='')} AS fts_key, title, body, {tags.format(row='')} AS tags"
        " FROM search_document",
        f"CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN {add_new} END",
        f"CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN {remove_old} END",
        f"CREATE TRIGGER search_document_au AFTER UPDATE OF {indexed}"
        f" ON search_document BEGIN {remove_old} {add_new} END",
    ]


def sqlite_keyed() -> list[str]:
    """From 0002's tables to the keyed ones, filled from the documents."""
    return [
        *SQLITE_BACKWARD,
        f"CREATE INDEX search_document_fts_key_idx ON search_document ({TIME_KEY.format(row='')})",
        f"""CREATE VIRTUAL TABLE search_fts USING fts5(
            title, body, tags, content='search_fts_content', content_rowid='fts_key',
            tokenize='{TOKENIZE}')""",
        f"CREATE VIRTUAL TABLE search_case_fts USING fts5(title, body, content='',"
        f" tokenize='{TOKENIZE}')",
        *_sqlite_view_and_triggers(TAGS, INDEXED_COLUMNS),
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
        "INSERT INTO search_case_fts(rowid, title, body)"
        f" SELECT {CASE_KEY.format(row='')}, title, body FROM search_document"
        f" WHERE {IS_CASE.format(row='')}",
    ]


def sqlite_retagged(*, members: bool) -> list[str]:
    """The view and triggers with member tags (0006) or without (0004).

    Only the view and triggers change: the index itself is right as long as
    no member document lists a community, which the migration sees to
    before it switches either way.
    """
    tags, indexed = (MEMBER_TAGS, MEMBER_INDEXED_COLUMNS) if members else (TAGS, INDEXED_COLUMNS)
    return [
        "DROP TRIGGER IF EXISTS search_document_au",
        "DROP TRIGGER IF EXISTS search_document_ad",
        "DROP TRIGGER IF EXISTS search_document_ai",
        "DROP VIEW IF EXISTS search_fts_content",
        *_sqlite_view_and_triggers(tags, indexed),
    ]


def sqlite_unkeyed() -> list[str]:
    """Back to 0002's tables, filled from the documents."""
    return [
        *SQLITE_BACKWARD,
        "DROP VIEW IF EXISTS search_fts_content",
        "DROP INDEX IF EXISTS search_document_fts_key_idx",
        *SQLITE_FORWARD,
        "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
        # Not 'rebuild', which would take every document, not only the cases.
        "INSERT INTO search_case_fts(rowid, title, body)"
        f" SELECT id, title, body FROM search_document WHERE {IS_CASE.format(row='')}",
    ]


# PostgreSQL from 0004: the same tags as an indexed array (GIN), so filters
# narrow a query before rows are read; the planner combines it with the
# full-text and newest-first indexes.
def _postgres_tags_column(*, members: bool) -> str:
    member_tags = (
        " || string_to_array(btrim(replace(rtrim(member_of), ' ', ' cm')), ' ')" if members else ""
    )
    return f"""ALTER TABLE search_document ADD COLUMN tags text[] GENERATED ALWAYS AS (
        ARRAY[
            'ty' || doc_type,
            'kd' || replace(replace(kind, '-', ''), '_', ''),
            'cm' || community_id::text,
            'au' || author_id::text,
            CASE WHEN is_resolved THEN 'fresolved'
                WHEN doc_type = 'thread' THEN 'funresolved' ELSE '' END,
            CASE WHEN doc_type <> 'thread' THEN ''
                WHEN is_answered THEN 'fanswered' ELSE 'funanswered' END
        ] || string_to_array(
            btrim(replace(replace(replace(topics, '-', ''), '_', ''), ' ', ' tp')), ' '
        ){member_tags}
    ) STORED"""


POSTGRES_TAGS = [
    _postgres_tags_column(members=False),
    "CREATE INDEX search_document_tags_idx ON search_document USING gin (tags)",
]
# From 0006: member tags, and words and tags in one GIN index. Two indexes
# gave two bitmaps to intersect, and a common word's alone ran to a hundred
# thousand rows; one index intersects the posting lists as it reads them,
# skipping through the common word's by the rarer tag's. A query on words
# or on tags alone uses it as well as the single-column indexes did.
POSTGRES_MEMBER_TAGS = [
    "DROP INDEX IF EXISTS search_document_tags_idx",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tags",
    _postgres_tags_column(members=True),
    "CREATE INDEX search_document_words_tags_idx ON search_document USING gin (vector, tags)",
    "DROP INDEX IF EXISTS search_document_vector_idx",
    # Cases too: similar-case retrieval finds its communities' cases by tag.
    """CREATE INDEX search_document_case_words_tags_idx ON search_document
        USING gin (vector, tags) WHERE doc_type IN ('thread', 'entry')""",
    "DROP INDEX IF EXISTS search_document_case_vector_idx",
]
POSTGRES_MEMBER_UNTAGS = [
    "CREATE INDEX IF NOT EXISTS search_document_vector_idx ON search_document USING gin (vector)",
    """CREATE INDEX IF NOT EXISTS search_document_case_vector_idx ON search_document
        USING gin (vector) WHERE doc_type IN ('thread', 'entry')""",
    "DROP INDEX IF EXISTS search_document_case_words_tags_idx",
    "DROP INDEX IF EXISTS search_document_words_tags_idx",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tags",
    *POSTGRES_TAGS,
]
POSTGRES_UNTAGS = [
    "DROP INDEX IF EXISTS search_document_tags_idx",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tags",
]


def run_on(statements: dict[str, list[str]]) -> Callable[[Any, Any], None]:
    """A RunPython function executing the statements for the connection's engine."""

    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run
