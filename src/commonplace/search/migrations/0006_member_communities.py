"""Member documents carry the communities their person belongs to, as tags.

A search filtered to one community also finds its members. Their documents
belong to no community, so the filter used to read every member document
holding the words and check each against the memberships: at a million
posts, a common word in a community filter read tens of thousands of rows.
With the communities among the tags, the index narrows members as it
narrows threads (the memberships still decide).

On PostgreSQL, words and tags share one GIN index from here on (see
_fulltext.POSTGRES_MEMBER_TAGS).

The column is added with plain SQL: Django would rebuild the table on
SQLite, and the full-text triggers with it.
"""

from typing import Any

from django.db import migrations, models

from commonplace.search.migrations import _fulltext

FILL = {
    "sqlite": """UPDATE search_document SET member_of = coalesce((
        SELECT ' ' || group_concat(community_id, ' ') || ' ' FROM (
            SELECT community_id FROM communities_membership m
            WHERE m.user_id = search_document.object_id AND m.status = 'active'
            ORDER BY community_id)), '')
        WHERE doc_type = 'member'""",
    "postgresql": """UPDATE search_document d SET member_of = coalesce(' ' || (
            SELECT string_agg(m.community_id::text, ' ' ORDER BY m.community_id)
            FROM communities_membership m
            WHERE m.user_id = d.object_id AND m.status = 'active') || ' ', '')
        WHERE d.doc_type = 'member'""",
}
CLEAR = "UPDATE search_document SET member_of = '' WHERE member_of <> ''"


def fill(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(FILL[schema_editor.connection.vendor])


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0002_membership_ordering"),
        ("search", "0005_pending_scope_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="document",
                    name="member_of",
                    field=models.TextField(blank=True, default=""),
                )
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE search_document ADD COLUMN member_of text NOT NULL DEFAULT ''",
                    "ALTER TABLE search_document DROP COLUMN member_of",
                )
            ],
        ),
        # Tags first, then the lists: on SQLite the triggers carry each list
        # into the full-text index. Reversed, the lists are emptied while the
        # member tags are still known, so the index forgets them.
        migrations.RunPython(
            _fulltext.run_on(
                {
                    "sqlite": _fulltext.sqlite_retagged(members=True),
                    "postgresql": _fulltext.POSTGRES_MEMBER_TAGS,
                }
            ),
            _fulltext.run_on(
                {
                    "sqlite": [CLEAR, *_fulltext.sqlite_retagged(members=False)],
                    "postgresql": _fulltext.POSTGRES_MEMBER_UNTAGS,
                }
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
