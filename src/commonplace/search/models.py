"""The search index: one row per searchable thing, derived from the other apps.

Rows are rebuilt from their sources (`indexing.py`) whenever an activity
touches them, and `commonplace reindex` rebuilds them all, so nothing here is
ever the only copy of anything. The full-text structures live beside the
table, per engine: an FTS5 table kept in step by triggers on SQLite, a
generated `tsvector` column with GIN indexes on PostgreSQL (see the migration).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DocType(models.TextChoices):
    THREAD = "thread", "Thread"
    REPLY = "reply", "Reply"
    ENTRY = "entry", "Repertoire entry"
    MEMBER = "member", "Member"
    EVENT = "event", "Event"


# The kinds of documents that are "cases": what similar-case retrieval ranks.
CASE_TYPES = (DocType.THREAD, DocType.ENTRY)


class Document(models.Model):
    doc_type = models.CharField(max_length=8, choices=DocType.choices)
    object_id = models.BigIntegerField()
    # Null for members: profiles are visible to everyone who can reach the site.
    community = models.ForeignKey(
        "communities.Community", null=True, on_delete=models.CASCADE, related_name="+"
    )
    # The thread a reply belongs to, or the thread itself; links results to pages.
    thread_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=32, blank=True)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # Topic slugs between spaces (" hops yeast "), so one LIKE filters a topic.
    topics = models.CharField(max_length=1000, blank=True)
    # Members only: the communities they belong to, ids between spaces (" 4 7 "),
    # so a community filter finds its members through the tags as it finds
    # its threads (migrations/_fulltext.py). Which members a viewer may see
    # is still decided against the memberships themselves.
    member_of = models.TextField(blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # Thread: has an accepted answer. Reply: is the accepted answer.
    # Entry: endorsed. The signal people trust most, so it is a filter too.
    is_resolved = models.BooleanField(default=False)
    # Thread: has at least one reply.
    is_answered = models.BooleanField(default=False)
    helpful = models.PositiveIntegerField(default=0)
    # Multiplies relevance: accepted, helpful, endorsed rank higher (see indexing.boost).
    boost = models.FloatField(default=1.0)
    # float32 sentence embedding of title and body, for cases only.
    embedding = models.BinaryField(null=True)
    embedding_pending = models.BooleanField(default=False)
    embedded_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type", "object_id"], name="one_document_per_object"
            )
        ]
        indexes = [
            models.Index(fields=["community", "doc_type"], name="search_doc_scope_idx"),
            models.Index(fields=["embedded_at"], name="search_doc_embedded_idx"),
            # Filters without words list newest first.
            models.Index(fields=["-created_at"], name="search_doc_newest_idx"),
            models.Index(
                fields=["embedding_pending"],
                condition=models.Q(embedding_pending=True),
                name="search_doc_pending_idx",
            ),
            # A query's catch-up looks for its own communities' pending cases.
            models.Index(
                fields=["community", "id"],
                condition=models.Q(embedding_pending=True),
                name="search_doc_pending_scope_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_type} {self.object_id}: {self.title}"
