from __future__ import annotations

from datetime import date, datetime

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile as NinjaUploadedFile

from commonplace.accounts.api_auth import require_user, viewer
from commonplace.communities.access import access_community_content, access_community_for_members
from commonplace.core.pagination import paginate
from commonplace.core.schemas import PageOut, PersonOut, page_out
from commonplace.discussions.access import access_thread
from commonplace.repertoire import actions, queries
from commonplace.repertoire.access import access_entry, access_entry_file
from commonplace.repertoire.files import serve_entry_file
from commonplace.repertoire.models import Entry, EntryFile, EntryKind, Maturity

router = Router(tags=["repertoire"])


class EntryOut(Schema):
    id: int
    kind: str
    title: str
    maturity: str
    topics: list[str]
    review_due: date
    version: int
    endorsement_count: int
    reuse_count: int
    created_at: datetime
    updated_at: datetime


class FileOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    created_at: datetime


class EntryDetailOut(EntryOut):
    body: str
    body_html: str
    authors: list[PersonOut]
    source_thread_ids: list[int]
    files: list[FileOut]


class EntryFiltersIn(Schema):
    kind: EntryKind | None = None
    topic: str = Field("", max_length=50)
    maturity: Maturity | None = None
    review: str = Field("", pattern="^(|due)$")
    page: int = Field(1, ge=1, le=100_000)


class EntryIn(Schema):
    kind: EntryKind
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=100_000)
    topics: list[str] = Field(default_factory=list, max_length=5)
    review_due: date | None = None


class EntryPatch(Schema):
    base_version: int = Field(ge=1, description="The version your edit started from.")
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=100_000)
    topics: list[str] = Field(default_factory=list, max_length=5)
    note: str = Field("", max_length=200)
    review_due: date | None = None


class MaturityIn(Schema):
    maturity: Maturity
    reason: str = Field("", max_length=500)


class ReuseIn(Schema):
    note: str = Field("", max_length=500)


class PromoteIn(Schema):
    kind: EntryKind = EntryKind.CASE
    title: str = Field("", max_length=200)
    more_thread_ids: list[int] = Field(
        default_factory=list,
        max_length=20,
        description="Other threads of the same community to write down in the same entry.",
    )


def _entry_out(entry: Entry) -> dict[str, object]:
    data: dict[str, object] = {f: getattr(entry, f) for f in EntryOut.model_fields if f != "topics"}
    data["topics"] = [t.slug for t in entry.topics.all()]
    return data


def _entry_detail(entry: Entry) -> dict[str, object]:
    return {
        **_entry_out(entry),
        "body": entry.body,
        "body_html": entry.body_html,
        "authors": list(entry.authors.all()),
        "source_thread_ids": [t.pk for t in queries.list_sources(entry=entry)],
        "files": list(entry.files.all()),
    }


@router.get("/{slug}/entries", response=PageOut[EntryOut], summary="The shared repertoire")
def list_entries(
    request: HttpRequest, slug: str, filters: Query[EntryFiltersIn]
) -> dict[str, object]:
    access = access_community_content(user=viewer(request), slug=slug)
    entries = queries.list_entries(
        community=access.community,
        filters=queries.EntryFilters(
            kind=filters.kind or "",
            topic=filters.topic,
            maturity=filters.maturity or "",
            review=filters.review,
        ),
    )
    result = paginate(entries, number=filters.page, per_page=50)
    return {**page_out(result), "items": [_entry_out(e) for e in result.items]}


@router.post(
    "/{slug}/entries", response={201: EntryDetailOut}, summary="Write something down (members)"
)
def create_entry(request: HttpRequest, slug: str, payload: EntryIn) -> Status[dict[str, object]]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = actions.create_entry(community=access.community, by=user, **payload.dict())
    return Status(201, _entry_detail(entry))


@router.get("/{slug}/entries/{entry_id}", response=EntryDetailOut, summary="An entry")
def get_entry(request: HttpRequest, slug: str, entry_id: int) -> dict[str, object]:
    access = access_community_content(user=viewer(request), slug=slug)
    return _entry_detail(access_entry(access=access, entry_id=entry_id))


@router.patch(
    "/{slug}/entries/{entry_id}",
    response=EntryDetailOut,
    summary="Save a new version (409 if someone saved since base_version)",
)
def edit_entry(
    request: HttpRequest, slug: str, entry_id: int, payload: EntryPatch
) -> dict[str, object]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    return _entry_detail(actions.edit_entry(entry=entry, by=user, **payload.dict()))


@router.post("/{slug}/entries/{entry_id}/maturity", response=EntryOut, summary="Change maturity")
def change_maturity(
    request: HttpRequest, slug: str, entry_id: int, payload: MaturityIn
) -> dict[str, object]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    entry = actions.change_maturity(
        entry=entry,
        to=payload.maturity,
        by=user,
        membership=access.membership,
        reason=payload.reason,
    )
    return _entry_out(entry)


@router.post(
    "/{slug}/entries/{entry_id}/endorse", response=EntryOut, summary="I use this (members)"
)
def endorse(request: HttpRequest, slug: str, entry_id: int) -> dict[str, object]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    return _entry_out(
        actions.endorse_entry(entry=access_entry(access=access, entry_id=entry_id), by=user)
    )


@router.post(
    "/{slug}/entries/{entry_id}/reuse", response=EntryOut, summary="I reused this asset or tool"
)
def reuse(request: HttpRequest, slug: str, entry_id: int, payload: ReuseIn) -> dict[str, object]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    actions.record_reuse(entry=entry, by=user, note=payload.note)
    entry.refresh_from_db(fields=["reuse_count"])
    return _entry_out(entry)


@router.post(
    "/{slug}/threads/{thread_id}/write-down",
    response={201: EntryDetailOut},
    summary="Write a thread down as an entry, linked to it (members)",
)
def write_down(
    request: HttpRequest, slug: str, thread_id: int, payload: PromoteIn
) -> Status[dict[str, object]]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    threads = [
        access_thread(access=access, thread_id=tid)
        for tid in dict.fromkeys([thread_id, *payload.more_thread_ids])
    ]
    entry = actions.promote_threads_to_entry(
        threads=threads, by=user, kind=payload.kind, title=payload.title
    )
    return Status(201, _entry_detail(entry))


@router.post(
    "/{slug}/entries/{entry_id}/files",
    response={201: FileOut},
    summary="Attach a file to an asset or tool (members; 10 MB, common document types)",
)
def upload_file(
    request: HttpRequest, slug: str, entry_id: int, file: File[NinjaUploadedFile]
) -> Status[EntryFile]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    return Status(201, actions.attach_file(entry=entry, upload=file, by=user))


@router.get(
    "/{slug}/entries/{entry_id}/files/{file_id}",
    summary="Download a file (same permissions as the entry)",
    response={200: None},
)
def download_file(request: HttpRequest, slug: str, entry_id: int, file_id: int) -> FileResponse:
    access = access_community_content(user=viewer(request), slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    return serve_entry_file(access_entry_file(entry=entry, file_id=file_id))
