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



def run_on(statements: dict[str, list[str]]) -> Callable[[Any, Any], None]:
    """A RunPython function executing the statements for the connection's engine."""

    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run
