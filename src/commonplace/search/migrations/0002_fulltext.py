"""Full-text structures beside search_document, one set per database engine.

SQLite: two FTS5 tables with external content (no second copy of the text),
kept in step by triggers: `search_fts` over every document, and
`search_case_fts` over threads and entries only, so similar-case retrieval
never scores the many replies. Porter stemming, diacritics folded.

PostgreSQL: a generated tsvector (title weighted above body) with a GIN index,
and a partial GIN index over cases for the same reason.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title, body, content='search_document', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE VIRTUAL TABLE search_case_fts USING fts5(
        title, body, content='search_document', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
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


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_document")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
