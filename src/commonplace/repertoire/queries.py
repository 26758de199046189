"""Reads about the repertoire. The caller has checked read access to the community."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from commonplace.communities.models import Community, Topic
from commonplace.communities.queries import readable_community_ids
from commonplace.discussions.models import Thread
from commonplace.repertoire.models import (
    Endorsement,
    Entry,
    EntryKind,
    EntrySource,
    Maturity,
    Reuse,
)


@dataclass(frozen=True)
class EntryFilters:
    kind: str = ""
    topic: str = ""
    maturity: str = ""
    review: str = ""  # "due": review date passed


def _with_list_relations(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    return entries.select_related("community").prefetch_related(
        Prefetch("topics", queryset=Topic.objects.only("id", "slug", "name"))
    )


def list_entries(*, community: Community, filters: EntryFilters | None = None) -> QuerySet[Entry]:
    filters = filters or EntryFilters()
    entries = Entry.objects.filter(community=community, deleted_at__isnull=True)
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.topic:
        entries = entries.filter(topics__community=community, topics__slug=filters.topic)
    if filters.maturity:
        entries = entries.filter(maturity=filters.maturity)
    if filters.review == "due":
        entries = entries.filter(review_due__lte=timezone.now().date()).exclude(
            maturity=Maturity.RETIRED
        )
    return _with_list_relations(entries.order_by("-updated_at", "-id"))


def list_highlighted_entries(*, community: Community, limit: int = 6) -> list[Entry]:
    """For the community home: endorsed first, then what is in use, most recent first."""
    entries = Entry.objects.filter(
        community=community,
        deleted_at__isnull=True,
        maturity__in=[Maturity.ENDORSED, Maturity.IN_USE],
    ).order_by("maturity", "-updated_at", "-id")
    return list(_with_list_relations(entries)[:limit])


def count_needing_review(*, community: Community, today: date | None = None) -> int:
    return (
        Entry.objects.filter(
            community=community,
            deleted_at__isnull=True,
            review_due__lte=today or timezone.now().date(),
        )
        .exclude(maturity=Maturity.RETIRED)
        .count()
    )


def list_entries_written_from(*, thread: Thread) -> list[Entry]:
    """Entries that a thread was written down in (provenance, seen from the thread)."""
    return list(
        Entry.objects.filter(
            sources__thread=thread, deleted_at__isnull=True, community_id=thread.community_id
        ).order_by("created_at")
    )


def list_sources(*, entry: Entry) -> list[Thread]:
    return [
        s.thread
        for s in EntrySource.objects.filter(entry=entry, thread__deleted_at__isnull=True)
        .select_related("thread")
        .order_by("created_at")
    ]


def kind_choices() -> list[tuple[str, str]]:
    return list(EntryKind.choices)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


def diff_texts(old: str, new: str) -> list[DiffLine]:
    """Line-by-line difference between two versions of an entry's text."""
    lines = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        code, text = line[:2], line[2:]
        if code == "? ":
            continue
        lines.append(DiffLine({"+ ": "added", "- ": "removed"}.get(code, "same"), text))
    return lines


def list_entries_needing_review_by(*, user: Any, limit: int = 10) -> list[Entry]:
    """Entries this person helped write whose review date has passed, where they may still read."""
    return list(
        _with_list_relations(
            Entry.objects.filter(
                authors=user,
                deleted_at__isnull=True,
                review_due__lte=timezone.now().date(),
                community_id__in=readable_community_ids(user),
            )
            .exclude(maturity=Maturity.RETIRED)
            .order_by("review_due", "id")
        )[:limit]
    )


def personal_entries(*, user: Any) -> dict[str, list[dict[str, Any]]]:
    """The entries `user` wrote, endorsed and reused, for their own data download.

    An entry's title is shown only where they may still read its community;
    the notes on their reuses are their own words and always shown.
    """
    readable = set(readable_community_ids(user).values_list("id", flat=True))

    def about(entry: Entry) -> dict[str, Any]:
        seen = entry.community_id in readable
        return {
            "entry_id": entry.pk,
            "community": entry.community.slug if seen else None,
            "entry_title": entry.title if seen else None,
        }

    written = Entry.objects.filter(authors=user, deleted_at__isnull=True)
    endorsed = Endorsement.objects.filter(user=user).select_related("entry__community")
    reused = Reuse.objects.filter(user=user).select_related("entry__community")
    return {
        "entries": [
            {**about(e), "kind": e.kind, "created_at": e.created_at.isoformat()}
            for e in written.select_related("community").order_by("created_at", "pk")
        ],
        "endorsements": [
            {**about(x.entry), "at": x.created_at.isoformat()}
            for x in endorsed.order_by("created_at", "pk")
        ],
        "reuses": [
            {**about(x.entry), "note": x.note, "at": x.created_at.isoformat()}
            for x in reused.order_by("created_at", "pk")
        ],
    }
