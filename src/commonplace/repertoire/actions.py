"""Writes to the repertoire. The caller has loaded the community through its access helper
and checked that `by` is a member; rules that depend on the entry are checked here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from commonplace.accounts.models import User
from commonplace.communities.models import Community, Membership
from commonplace.communities.queries import MAX_TOPICS, resolve_topics
from commonplace.core.activity import record_activity
from commonplace.core.errors import ConflictError, DomainError
from commonplace.core.markdown import render_markdown
from commonplace.core.models import Verb
from commonplace.discussions.models import Thread
from commonplace.repertoire import permissions
from commonplace.repertoire.glossary import bump_glossary_version
from commonplace.repertoire.models import (
    Endorsement,
    Entry,
    EntryFile,
    EntryKind,
    EntryRevision,
    EntrySource,
    Maturity,
    MaturityChange,
    Reuse,
)

MAX_TITLE, MAX_BODY = 200, 100_000
REVIEW_AFTER = timedelta(days=365)


class EditConflict(ConflictError):
    """Someone saved the entry since this edit began; nothing was overwritten."""

    def __init__(self, current: Entry) -> None:
        super().__init__(
            "Someone else saved this entry while you were editing it. "
            "Your text is kept below; compare it with the current version and save again."
        )
        self.current = current


def _clean(title: str, body: str) -> tuple[str, str]:
    title = " ".join(title.split())
    if not title:
        raise DomainError("Give the entry a title.", field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(f"Keep the title under {MAX_TITLE} characters.", field="title")
    body = body.strip()
    if not body:
        raise DomainError("Write the entry first.", field="body")
    if len(body) > MAX_BODY:
        raise DomainError(f"Keep it under {MAX_BODY:,} characters.", field="body")
    return title, body


@transaction.atomic
def create_entry(
    *,
    community: Community,
    by: User,
    kind: str,
    title: str,
    body: str,
    topics: Sequence[str] = (),
    review_due: date | None = None,
    sources: Sequence[Thread] = (),
    at: datetime | None = None,
) -> Entry:
    """Write something down. `sources` are the threads it comes from (same community)."""
    if kind not in EntryKind.values:
        raise DomainError(f"Unknown kind of entry “{kind}”.", field="kind")
    title, body = _clean(title, body)
    topic_objects = resolve_topics(community, topics)
    if any(t.community_id != community.pk for t in sources):
        raise DomainError("An entry can only be written down from this community's threads.")
    now = at or timezone.now()
    entry = Entry.objects.create(
        community=community,
        kind=kind,
        title=title,
        body=body,
        body_html=render_markdown(body),
        review_due=review_due or (now + REVIEW_AFTER).date(),
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    entry.topics.set(topic_objects)
    entry.authors.add(by)
    EntryRevision.objects.create(
        entry=entry, number=1, title=title, body=body, edited_by=by, created_at=now
    )
    EntrySource.objects.bulk_create(
        EntrySource(entry=entry, thread=thread, created_at=now) for thread in sources
    )
    record_activity(
        actor=by,
        verb=Verb.ENTRY_CREATED,
        community=community,
        target=entry,
        at=now,
        data={"kind": kind, "sources": [t.pk for t in sources]},
    )
    if kind == EntryKind.GLOSSARY:  # a new term: posts link it from now on
        bump_glossary_version(community.pk)
    return entry


def promote_threads_to_entry(
    *, threads: Sequence[Thread], by: User, kind: str = EntryKind.CASE, title: str = ""
) -> Entry:
    """A documentation project: write one or more threads down as an entry.

    The body starts from the opening question and the accepted answer (or
    the most helpful reply), and the entry keeps links to every thread.
    """
    if not threads:
        raise DomainError("Choose at least one thread to write down.")
    community = threads[0].community
    sections = []
    for thread in threads:
        opening = thread.posts.filter(is_opening=True).first()
        answer = thread.accepted_answer or (
            thread.posts.filter(is_opening=False, is_comment=False, deleted_at__isnull=True)
            .order_by("-helpful_count", "created_at")
            .first()
        )
        sections.append(f"## {thread.title}\n\n{opening.body if opening else ''}")
        if answer is not None:
            sections.append(f"### What worked\n\n{answer.body}")
    body = "Written down from the discussion below.\n\n" + "\n\n".join(sections)
    topics = {t.slug for thread in threads for t in thread.topics.all()}
    return create_entry(
        community=community,
        by=by,
        kind=kind,
        title=title or threads[0].title,
        body=body,
        topics=sorted(topics)[:MAX_TOPICS],
        sources=threads,
    )


@transaction.atomic
def edit_entry(
    *,
    entry: Entry,
    by: User,
    base_version: int,
    title: str,
    body: str,
    topics: Sequence[str],
    note: str = "",
    review_due: date | None = None,
) -> Entry:
    """Save a new version. `base_version` is the version the editor started from."""
    title, body = _clean(title, body)
    topic_objects = resolve_topics(entry.community, topics)
    # Lock the row: two saves of the same version must not both succeed.
    current = Entry.objects.select_for_update().get(pk=entry.pk)
    if current.version != base_version:
        raise EditConflict(current)
    now = timezone.now()
    current.title, current.body, current.body_html = title, body, render_markdown(body)
    current.version = F("version") + 1
    current.updated_at = now
    if review_due is not None:
        current.review_due = review_due
    current.save(
        update_fields=["title", "body", "body_html", "version", "updated_at", "review_due"]
    )
    current.refresh_from_db(fields=["version"])
    current.topics.set(topic_objects)
    current.authors.add(by)
    EntryRevision.objects.create(
        entry=current,
        number=current.version,
        title=title,
        body=body,
        note=note[:200],
        edited_by=by,
        created_at=now,
    )
    record_activity(
        actor=by,
        verb=Verb.ENTRY_EDITED,
        community=current.community,
        target=current,
        data={"version": current.version},
    )
    if current.kind == EntryKind.GLOSSARY:  # term, synonyms or definition may have changed
        bump_glossary_version(current.community_id)
    return current


def restore_revision(*, entry: Entry, revision: EntryRevision, by: User) -> Entry:
    """Bring an old version back, as a new version (history is never rewritten)."""
    if revision.entry_id != entry.pk:
        raise DomainError("That revision belongs to another entry.")
    return edit_entry(
        entry=entry,
        by=by,
        base_version=entry.version,
        title=revision.title,
        body=revision.body,
        topics=[t.slug for t in entry.topics.all()],
        note=f"Restored version {revision.number}",
    )


@transaction.atomic
def change_maturity(
    *, entry: Entry, to: str, by: User, membership: Membership | None, reason: str = ""
) -> Entry:
    if to not in Maturity.values:
        raise DomainError(f"Unknown maturity “{to}”.", field="maturity")
    permissions.check_can_change_maturity(membership, to)
    if entry.maturity == to:
        raise ConflictError(f"The entry is already {Maturity(to).label.lower()}.")
    MaturityChange.objects.create(
        entry=entry,
        from_maturity=entry.maturity,
        to_maturity=to,
        reason=reason.strip()[:500],
        changed_by=by,
        created_at=timezone.now(),
    )
    previous = entry.maturity
    entry.maturity = to
    entry.save(update_fields=["maturity"])
    record_activity(
        actor=by,
        verb=Verb.ENTRY_MATURITY_CHANGED,
        community=entry.community,
        target=entry,
        data={"from": previous, "to": to},
    )
    if entry.kind == EntryKind.GLOSSARY:  # retiring a term unlinks it, reviving relinks it
        bump_glossary_version(entry.community_id)
    return entry


@transaction.atomic
def endorse_entry(*, entry: Entry, by: User) -> Entry:
    """A member says "I use this"."""
    try:
        with transaction.atomic():
            Endorsement.objects.create(entry=entry, user=by, created_at=timezone.now())
    except IntegrityError:
        raise ConflictError("You already said you use this.") from None
    Entry.objects.filter(pk=entry.pk).update(endorsement_count=F("endorsement_count") + 1)
    record_activity(actor=by, verb=Verb.ENTRY_ENDORSED, community=entry.community, target=entry)
    entry.refresh_from_db(fields=["endorsement_count"])
    return entry


@transaction.atomic
def record_reuse(*, entry: Entry, by: User, note: str = "") -> Reuse:
    if entry.kind not in {EntryKind.ASSET, EntryKind.TOOL}:
        raise DomainError("Only assets and tools are reused; endorse other entries instead.")
    if len(note) > 500:
        raise DomainError("Keep the note under 500 characters.", field="note")
    reuse = Reuse.objects.create(entry=entry, user=by, note=note.strip(), created_at=timezone.now())
    Entry.objects.filter(pk=entry.pk).update(reuse_count=F("reuse_count") + 1)
    record_activity(
        actor=by,
        verb=Verb.ENTRY_REUSED,
        community=entry.community,
        target=entry,
        data={"note": bool(note.strip())},
    )
    return reuse


MAX_FILE_BYTES = 10 * 1024 * 1024
# What communities share as assets and tools; anything that a browser would
# run (HTML, SVG, scripts) is refused, and files are always served as downloads.
ALLOWED_FILE_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".zip": "application/zip",
}


@transaction.atomic
def attach_file(*, entry: Entry, upload: UploadedFile, by: User) -> EntryFile:
    """Attach a file to an asset or tool entry, within the size and type limits."""
    if entry.kind not in {EntryKind.ASSET, EntryKind.TOOL}:
        raise DomainError("Only assets and tools carry files.", field="file")
    name = Path(upload.name or "file").name[:200]
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_FILE_TYPES:
        allowed = ", ".join(sorted(ALLOWED_FILE_TYPES))
        raise DomainError(
            f"Files of type “{suffix or name}” are not accepted. Use one of: {allowed}.",
            field="file",
        )
    size = upload.size or 0
    if size > MAX_FILE_BYTES:
        error = DomainError(
            f"The file is {size / 1048576:.1f} MB; the limit is 10 MB.", field="file"
        )
        error.status_code = 413
        raise error
    if size == 0:
        raise DomainError("The file is empty.", field="file")
    attachment = EntryFile(
        entry=entry,
        name=name,
        size=size,
        content_type=ALLOWED_FILE_TYPES[suffix],
        uploaded_by=by,
        created_at=timezone.now(),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    record_activity(
        actor=by,
        verb=Verb.ENTRY_FILE_ADDED,
        community=entry.community,
        target=entry,
        data={"file": name, "size": size},
    )
    return attachment
