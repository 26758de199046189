"""Load entries through their community, never by bare id."""

from __future__ import annotations

from django.http import Http404

from commonplace.communities.access import CommunityAccess
from commonplace.repertoire.models import Entry, EntryFile, EntryRevision


def access_entry(*, access: CommunityAccess, entry_id: int) -> Entry:
    """A live entry of the community the viewer may read; 404 otherwise."""
    entry = (
        Entry.objects.select_related("community", "created_by")
        .filter(community=access.community, pk=entry_id, deleted_at__isnull=True)
        .first()
    )
    if entry is None:
        raise Http404("No such entry in this community.")
    return entry


def access_revision(*, entry: Entry, number: int) -> EntryRevision:
    revision = entry.revisions.filter(number=number).select_related("edited_by").first()
    if revision is None:
        raise Http404("No such version of this entry.")
    return revision


def access_entry_file(*, entry: Entry, file_id: int) -> EntryFile:
    """A file of an entry the caller has already accessed; 404 otherwise."""
    attachment = entry.files.filter(pk=file_id).first()
    if attachment is None:
        raise Http404("No such file on this entry.")
    return attachment
