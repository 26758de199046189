"""Full-text structures beside search_document, one set per database engine.

SQLite: two FTS5 tables with external content (no second copy of the text),
kept in step by triggers: `search_fts` over every document, and
`search_case_fts` over threads and entries only, so similar-case retrieval
never scores the many replies. Porter stemming, diacritics folded.

PostgreSQL: a generated tsvector (title weighted above body) with a GIN index,
and a partial GIN index over cases for the same reason.
"""

from django.db import migrations

from commonplace.search.migrations import _fulltext


class Migration(migrations.Migration):
    dependencies = [("search", "0001_document")]

    operations = [
        migrations.RunPython(
            _fulltext.run_on(
                {"sqlite": _fulltext.SQLITE_FORWARD, "postgresql": _fulltext.POSTGRES_FORWARD}
            ),
            _fulltext.run_on(
                {"sqlite": _fulltext.SQLITE_BACKWARD, "postgresql": _fulltext.POSTGRES_BACKWARD}
            ),
        )
    ]
