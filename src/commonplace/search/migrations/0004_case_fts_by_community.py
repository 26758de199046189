"""SQLite: the case index keyed by community, so one community's cases are one range.

Similar-case retrieval always asks within one community, but an FTS5 query
walks every document holding a word, in every community, and the join that
threw the others away cost more than the ranking (about 100 ms per draft at
200,000 posts). Here `search_case_fts` is contentless, and a case's rowid is
`community_id * 2**32 + id`: FTS5 seeks straight to a community's rowid
range, and the document id is the rowid's low half. Contentless means no
highlight or snippet, which similar cases never show; deletes pass the old
text, as the triggers always did.

PostgreSQL keeps its partial GIN index: the planner combines it with the
community index by itself.
"""

from django.db import migrations

from commonplace.search.migrations import _fulltext

KEY = "coalesce({row}.community_id, 0) * 4294967296 + {row}.id"
CASE = "{row}.doc_type IN ('thread', 'entry')"


def _case_statements(tokenize: str) -> list[str]:
    new_key, old_key = KEY.format(row="new"), KEY.format(row="old")
    new_case, old_case = CASE.format(row="new"), CASE.format(row="old")
    delete_old = (
        "INSERT INTO search_case_fts(search_case_fts, rowid, title, body)"
        f" SELECT 'delete', {old_key}, old.title, old.body WHERE {old_case};"
    )
    insert_new = (
        "INSERT INTO search_case_fts(rowid, title, body)"
        f" SELECT {new_key}, new.title, new.body WHERE {new_case};"
    )
    return [
        "DROP TRIGGER search_document_ai",
        "DROP TRIGGER search_document_ad",
        "DROP TRIGGER search_document_au",
        "DROP TABLE search_case_fts",
        f"CREATE VIRTUAL TABLE search_case_fts USING fts5(title, body, content='',"
        f" tokenize='{tokenize}')",
        f"""CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
            INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
            {insert_new}
        END""",
        f"""CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
            INSERT INTO search_fts(search_fts, rowid, title, body)
                VALUES ('delete', old.id, old.title, old.body);
            {delete_old}
        END""",
        f"""CREATE TRIGGER search_document_au AFTER UPDATE OF title, body, doc_type, community_id
            ON search_document BEGIN
            INSERT INTO search_fts(search_fts, rowid, title, body)
                VALUES ('delete', old.id, old.title, old.body);
            {delete_old}
            INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
            {insert_new}
        END""",
        "INSERT INTO search_case_fts(rowid, title, body)"
        f" SELECT {KEY.format(row='d')}, d.title, d.body FROM search_document d"
        f" WHERE {CASE.format(row='d')}",
    ]


SQLITE_FORWARD = _case_statements(_fulltext.TOKENIZE)
# Back to 0002's tables and triggers, filled again from the documents.
SQLITE_BACKWARD = [
    *_fulltext.SQLITE_BACKWARD,
    *_fulltext.SQLITE_FORWARD,
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    # Not 'rebuild', which would take every document, not only the cases.
    "INSERT INTO search_case_fts(rowid, title, body)"
    f" SELECT d.id, d.title, d.body FROM search_document d WHERE {CASE.format(row='d')}",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0003_newest_index")]

    operations = [
        migrations.RunPython(
            _fulltext.run_on({"sqlite": SQLITE_FORWARD}),
            _fulltext.run_on({"sqlite": SQLITE_BACKWARD}),
        )
    ]
