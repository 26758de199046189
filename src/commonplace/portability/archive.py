"""The portable archive: everything, as JSON lines, one object per record.

Format (version 1), gzip-compressed UTF-8 text, one JSON object per line:

- the first line is the header: {"format": "commonplace-archive", "version": 1, "scope": ...}
- then one line per record: {"type": <type>, "id": <stable id>, <field>: <value>, ...}
  in a fixed order of types (people before the communities they created,
  threads before their posts, ...) and by id within a type. Foreign keys are
  written as `<field>_id`; times as ISO 8601 in UTC; thread topics as
  "thread_topic" records.

The same database always gives the same bytes (sorted keys, fixed order, no
export time, gzip without a timestamp), so `export → restore → export` can be
compared byte for byte.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.fields.files import FieldFile

from commonplace.accounts.models import ApiToken, SkillEndorsement, User
from commonplace.communities.models import (
    Community,
    DomainRevision,
    Membership,
    Notification,
    Topic,
)
from commonplace.core.models import Activity
from commonplace.discussions.models import Post, PostRevision, Thread, ThreadLink, Vote
from commonplace.events.models import CalendarFeed, Event, EventNotes, EventResponse
from commonplace.imports.models import ExternalRef, ImportRun
from commonplace.insights.expertise import recompute as recompute_expertise
from commonplace.insights.models import Expertise, QuestionRouting, RoutedQuestion
from commonplace.repertoire.models import (
    Endorsement,
    Entry,
    EntryFile,
    EntryRevision,
    EntrySource,
    MaturityChange,
    Reuse,
)
from commonplace.search.indexing import embed_pending
from commonplace.search.indexing import rebuild as rebuild_search_index
from commonplace.search.models import Document

FORMAT, VERSION = "commonplace-archive", 1


@dataclass(frozen=True)
class Part:
    type: str
    model: Any  # a model class (the thread-topic table has no class of its own)


# Dependency order: a record only refers to records of earlier types.
PARTS = [
    Part("user", User),
    Part("community", Community),
    Part("domain_revision", DomainRevision),
    Part("topic", Topic),
    Part("membership", Membership),
    Part("skill_endorsement", SkillEndorsement),
    Part("notification", Notification),
    Part("thread", Thread),
    Part("post", Post),
    Part("thread_topic", Thread.topics.through),
    Part("post_revision", PostRevision),
    Part("vote", Vote),
    Part("thread_link", ThreadLink),
    Part("routed_question", RoutedQuestion),
    Part("question_routing", QuestionRouting),
    Part("entry", Entry),
    Part("entry_topic", Entry.topics.through),
    Part("entry_author", Entry.authors.through),
    Part("entry_revision", EntryRevision),
    Part("maturity_change", MaturityChange),
    Part("endorsement", Endorsement),
    Part("reuse", Reuse),
    Part("entry_source", EntrySource),
    # Files travel inside the archive (base64), so a restore needs nothing else.
    Part("entry_file", EntryFile),
    Part("event", Event),
    Part("event_topic", Event.topics.through),
    Part("event_leader", Event.leaders.through),
    Part("event_response", EventResponse),
    Part("event_notes", EventNotes),
    Part("activity", Activity),
    Part("external_ref", ExternalRef),
    Part("import_run", ImportRun),
]
# Secrets that are not part of a community's history stay out of archives: API
# tokens, and calendar addresses (a member gets a new one on their next visit).
EXCLUDED = {ApiToken, CalendarFeed}
# Derived from the rest, and rebuilt by a restore: the search index and expertise.
DERIVED = {Document, Expertise}
USER_SECRET_FIELDS = {"password", "last_login"}


class ArchiveError(Exception):
    """The archive cannot be written or restored, with the reason and location."""


def _value(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields]


def _scopes(community: Community) -> dict[str, Q]:
    """Which rows of each type belong to `community` (people apart: see `_people`)."""
    threads = Thread.objects.filter(community=community)
    # What was addressed to people travels only for its members, so that it
    # brings nobody else in (see `_people`).
    members = Membership.objects.filter(community=community).values("user_id")
    return {
        "community": Q(pk=community.pk),
        "domain_revision": Q(community=community),
        "topic": Q(community=community),
        "membership": Q(community=community),
        # Peers vouch for each other across communities: a community carries
        # the endorsements among its own members.
        "skill_endorsement": Q(person__in=members, endorser__in=members),
        "notification": Q(community=community, user__in=members),
        "thread": Q(community=community),
        "post": Q(thread__in=threads),
        "thread_topic": Q(thread__in=threads),
        "post_revision": Q(post__thread__in=threads),
        "vote": Q(post__thread__in=threads),
        "thread_link": Q(from_thread__in=threads),
        "routed_question": Q(community=community, user__in=members),
        "question_routing": Q(thread__in=threads),
        "entry": Q(community=community),
        "entry_topic": Q(entry__community=community),
        "entry_author": Q(entry__community=community),
        "entry_revision": Q(entry__community=community),
        "maturity_change": Q(entry__community=community),
        "endorsement": Q(entry__community=community),
        "reuse": Q(entry__community=community),
        "entry_source": Q(entry__community=community),
        "entry_file": Q(entry__community=community),
        "event": Q(community=community),
        "event_topic": Q(event__community=community),
        "event_leader": Q(event__community=community),
        "event_response": Q(event__community=community),
        "event_notes": Q(event__community=community),
        "activity": Q(community=community),
        "external_ref": Q(community=community),
        "import_run": Q(community=community),
    }


def _people(community: Community) -> set[int]:
    """Everyone the community's records are by or about: its members, and people who
    have left but whose posts, votes, entries or events stay (a restore needs each one).

    The log alone brings nobody in: someone whose request to join was denied is
    named in it, but is no part of the community; their log rows travel without
    their name (`iter_records`).
    """
    ids = set(Membership.objects.filter(community=community).values_list("user_id", flat=True))
    if community.created_by_id is not None:
        ids.add(community.created_by_id)
    scopes = _scopes(community)
    for part in PARTS:
        if part.model in {User, Activity}:
            continue
        for field in _user_fields(part.model):
            named = part.model._default_manager.filter(scopes[part.type]).exclude(
                **{f"{field.attname}__isnull": True}
            )
            ids.update(named.values_list(field.attname, flat=True).distinct())
    return ids


def _user_fields(model: Any) -> list[models.Field[Any, Any]]:
    return [f for f in _fields(model) if f.is_relation and f.related_model is User]


def _scoped(part: Part, community: Community | None, people: set[int]) -> models.QuerySet[Any]:
    queryset = part.model._default_manager.all()
    if community is None:
        return queryset
    if part.type == "user":
        return queryset.filter(pk__in=people)
    return queryset.filter(_scopes(community)[part.type])


def iter_records(community: Community | None = None) -> Iterator[dict[str, Any]]:
    # A whole-installation archive is a backup and keeps password hashes, so
    # people can log in after a restore; a community's archive is for sharing
    # and leaves them out.
    secret = USER_SECRET_FIELDS if community is not None else set()
    yield {
        "format": FORMAT,
        "version": VERSION,
        "scope": community.slug if community else "all",
    }
    people = _people(community) if community is not None else set()
    for part in PARTS:
        fields = _fields(part.model)
        # In a community's archive, a reference to someone outside it is written as
        # null (only the log has such references, and they may be null).
        outside = {f.attname for f in _user_fields(part.model)} if community else set()
        for row in _scoped(part, community, people).order_by("pk").iterator(chunk_size=2000):
            record: dict[str, Any] = {"type": part.type, "id": row.pk}
            for field in fields:
                if field.primary_key or (part.model is User and field.name in secret):
                    continue
                value = _value(getattr(row, field.attname))
                if field.attname in outside and value not in people:
                    value = None
                record[field.attname] = value
            if part.model is EntryFile:
                with row.file.open("rb") as handle:
                    record["content_base64"] = base64.b64encode(handle.read()).decode()
            yield record


def write_archive(out: Path, community: Community | None = None) -> int:
    """Write the archive; return the number of records (header excluded)."""
    count = -1
    with (
        open(out, "wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as zipped,
    ):
        for record in iter_records(community):
            line = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            zipped.write(line.encode() + b"\n")
            count += 1
    return count


def _open_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with gzip.open(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    record = json.loads(line)
                except ValueError:
                    raise ArchiveError(f"{path.name}:{number}: not a JSON object") from None
                if not isinstance(record, dict):
                    raise ArchiveError(f"{path.name}:{number}: not a JSON object")
                yield number, record
    except (OSError, EOFError) as error:
        raise ArchiveError(f"{path.name}: cannot be read as gzip ({error})") from None


def _is_empty() -> bool:
    return not any(part.model._default_manager.exists() for part in PARTS)


def restore_archive(path: Path, *, batch_size: int = 1000) -> int:
    """Load an archive into an empty database, keeping every id. All or nothing."""
    if not _is_empty():
        raise ArchiveError("Restore needs an empty database: this one already holds data.")
    by_type = {part.type: part for part in PARTS}
    lines = _open_lines(path)
    try:
        _, header = next(lines)
    except StopIteration:
        raise ArchiveError(f"{path.name}: empty archive") from None
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise ArchiveError(f"{path.name}:1: not a {FORMAT} version {VERSION} archive")
    count = 0
    with transaction.atomic():
        pending: list[models.Model] = []
        current: Part | None = None
        for number, record in lines:
            part = by_type.get(str(record.get("type")))
            if part is None:
                raise ArchiveError(
                    f"{path.name}:{number}: unknown record type {record.get('type')!r}"
                )
            if current is not None and part is not current and pending:
                current.model._default_manager.bulk_create(pending)
                pending = []
            current = part
            pending.append(_instance(part, record, f"{path.name}:{number}"))
            if len(pending) >= batch_size:
                part.model._default_manager.bulk_create(pending)
                pending = []
            count += 1
        if current is not None and pending:
            current.model._default_manager.bulk_create(pending)
        _reset_sequences()
        # The search index and expertise are derived, so they are rebuilt rather
        # than carried.
        rebuild_search_index(embed=False)
        recompute_expertise()
    embed_pending()
    return count


def _instance(part: Part, record: dict[str, Any], where: str) -> models.Model:
    values = {k: v for k, v in record.items() if k not in {"type", "id", "content_base64"}}
    if part.model is EntryFile:
        values["file"] = _restore_file(record, where)
    known = {f.attname for f in _fields(part.model)}
    unknown = set(values) - known
    if unknown:
        raise ArchiveError(
            f"{where}: unknown field(s) {', '.join(sorted(unknown))} for {part.type}"
        )
    try:
        instance = part.model(pk=record["id"], **values)
        if part.model is User and "password" not in values:
            instance.set_unusable_password()
        for field in _fields(part.model):
            if isinstance(field, models.DateTimeField) and isinstance(
                getattr(instance, field.attname), str
            ):
                setattr(
                    instance,
                    field.attname,
                    datetime.fromisoformat(getattr(instance, field.attname)),
                )
    except (TypeError, ValueError, KeyError) as error:
        raise ArchiveError(f"{where}: {error}") from None
    return instance


def _restore_file(record: dict[str, Any], where: str) -> str:
    """Put an archived file back in the storage, under its name if it is free."""
    try:
        content = base64.b64decode(record["content_base64"], validate=True)
        name = str(record["file"])
    except (KeyError, ValueError, TypeError):
        raise ArchiveError(f"{where}: entry_file without readable content") from None
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as existing:
            if existing.read() == content:
                return name
    return default_storage.save(name, ContentFile(content))


def _reset_sequences() -> None:
    """After inserting explicit ids, PostgreSQL's sequences must move past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), [p.model for p in PARTS])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def no_style() -> Any:
    from django.core.management.color import no_style as style

    return style()
