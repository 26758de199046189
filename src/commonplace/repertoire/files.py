"""Serving an entry's file, the same way for pages and the API."""

from __future__ import annotations

from django.http import FileResponse

from commonplace.repertoire.models import EntryFile


def serve_entry_file(attachment: EntryFile) -> FileResponse:
    """A download, never shown inline: a file cannot run in the site's origin.
    The caller has checked that the viewer may read the entry."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
