"""SQLite: full-text tables keyed for the queries that use them (see _fulltext).

`search_fts` numbers documents by creation time and carries the filters as
tags: a common word matched a hundred thousand documents at a million posts,
and ranking them all took most of a second; walking them newest first stops
after a thousand. `search_case_fts` numbers cases by community: similar-case
retrieval always asks within one community, and the join that threw away
the other communities' matches cost more than the ranking.

PostgreSQL gets the same tags as an indexed array; its planner already
walks the newest-first index when a word is common.
"""

from django.db import migrations

from commonplace.search.migrations import _fulltext


class Migration(migrations.Migration):
    dependencies = [("search", "0003_newest_index")]

    operations = [
        migrations.RunPython(
            _fulltext.run_on(
                {"sqlite": _fulltext.sqlite_keyed(), "postgresql": _fulltext.POSTGRES_TAGS}
            ),
            _fulltext.run_on(
                {"sqlite": _fulltext.sqlite_unkeyed(), "postgresql": _fulltext.POSTGRES_UNTAGS}
            ),
        )
    ]
