"""Search and similar cases in the API, scoped to what the caller may read."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from commonplace.accounts.api_auth import viewer
from commonplace.communities.access import access_community_content
from commonplace.core.schemas import PersonOut
from commonplace.search import queries
from commonplace.search.syntax import MAX_QUERY_CHARS

router = Router(tags=["search"])

MAX_DRAFT_CHARS = 4000


class SearchIn(Schema):
    q: str = Field("", max_length=MAX_QUERY_CHARS * 2, description="Words and filters")
    page: int = Field(1, ge=1, le=queries.MAX_PAGE)


class ResultOut(Schema):
    type: str
    id: int
    title: str
    title_html: str
    snippet_html: str
    url: str
    community: str | None
    kind: str
    author: PersonOut | None
    created_at: datetime
    is_resolved: bool
    helpful: int
    score: float
    starts_at: datetime | None = Field(None, description="For an event: when it takes place")
    is_cancelled: bool = Field(False, description="For an event: whether it was called off")


class SearchOut(Schema):
    query: str
    notes: list[str]
    count: int
    count_is_capped: bool
    page: int
    has_next: bool
    items: list[ResultOut]


class SimilarIn(Schema):
    title: str = Field("", max_length=MAX_DRAFT_CHARS)
    body: str = Field("", max_length=MAX_DRAFT_CHARS)


class CaseOut(ResultOut):
    similarity: float
    is_close: bool


def _result_out(result: queries.Result) -> dict[str, object]:
    hit = result.hit
    return {
        "type": hit.doc_type,
        "id": hit.object_id,
        "title": hit.title,
        "title_html": result.title_html,
        "snippet_html": result.snippet_html,
        "url": result.url,
        "community": result.community.slug if result.community else None,
        "kind": hit.kind,
        "author": result.author,
        "created_at": hit.created_at,
        "is_resolved": hit.is_resolved,
        "helpful": hit.helpful,
        "score": hit.score,
        "starts_at": result.event.starts_at if result.event else None,
        "is_cancelled": bool(result.event and result.event.is_cancelled),
    }


@router.get(
    "/search",
    response=SearchOut,
    summary="Search threads, replies, repertoire entries, events and people",
    description='Same syntax as the search box: "phrases", -exclusions, topic:, kind:, '
    "type:, is:unanswered|resolved|unresolved, author:, community:, after:, before:.",
)
def search(request: HttpRequest, params: Query[SearchIn]) -> dict[str, object]:
    page = queries.search(user=viewer(request), text=params.q, page=params.page)
    return {
        "query": params.q,
        "notes": page.query.notes,
        "count": page.shown_total,
        "count_is_capped": page.total_is_capped,
        "page": page.page,
        "has_next": page.has_next,
        "items": [_result_out(r) for r in page.results],
    }


@router.get(
    "/communities/{slug}/similar",
    response=list[CaseOut],
    summary="Earlier threads and entries like a draft (title and body)",
)
def similar(request: HttpRequest, slug: str, draft: Query[SimilarIn]) -> list[dict[str, object]]:
    access = access_community_content(user=viewer(request), slug=slug)
    cases = queries.similar_cases(community=access.community, title=draft.title, body=draft.body)
    return [
        {**_result_out(c.result), "similarity": c.similarity, "is_close": c.is_close} for c in cases
    ]
