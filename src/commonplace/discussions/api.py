from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from commonplace.accounts.api_auth import require_user, viewer
from commonplace.communities.access import (
    access_community_content,
    access_community_for_members,
)
from commonplace.core.pagination import paginate
from commonplace.core.schemas import DetailOut, PageOut, PersonOut, page_out
from commonplace.discussions import actions, queries
from commonplace.discussions.access import access_post, access_thread
from commonplace.discussions.models import Post, Thread, ThreadKind

router = Router(tags=["discussions"])


class ThreadOut(Schema):
    id: int
    kind: str
    title: str
    author: PersonOut | None
    topics: list[str]
    created_at: datetime
    last_activity_at: datetime
    reply_count: int
    helpful_count: int
    is_question: bool
    is_resolved: bool
    accepted_answer_id: int | None


class PostOut(Schema):
    id: int
    author: PersonOut | None
    is_opening: bool
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    helpful_count: int


class ThreadDetailOut(ThreadOut):
    posts: list[PostOut]


class ThreadFiltersIn(Schema):
    kind: ThreadKind | None = None
    topic: str = Field("", max_length=50)
    author: str = Field("", max_length=150)
    state: Literal["", "unanswered", "open", "resolved"] = ""
    page: int = Field(1, ge=1, le=100_000)


class ThreadIn(Schema):
    kind: ThreadKind
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=50_000)
    topics: list[str] = Field(default_factory=list, max_length=5)


class ThreadPatch(Schema):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=50_000)
    topics: list[str] = Field(default_factory=list, max_length=5)


class PostIn(Schema):
    body: str = Field(min_length=1, max_length=50_000)


class AcceptIn(Schema):
    post_id: int


def _thread_out(thread: Thread) -> dict[str, object]:
    data: dict[str, object] = {
        f: getattr(thread, f) for f in ThreadOut.model_fields if f not in {"topics", "author"}
    }
    data["author"] = thread.author
    data["topics"] = [t.slug for t in thread.topics.all()]
    return data


@router.get(
    "/{slug}/threads", response=PageOut[ThreadOut], summary="Threads, most recently active first"
)
def list_threads(
    request: HttpRequest, slug: str, filters: Query[ThreadFiltersIn]
) -> dict[str, object]:
    access = access_community_content(user=viewer(request), slug=slug)
    threads = queries.list_threads(
        community=access.community,
        filters=queries.ThreadFilters(
            kind=filters.kind or "", topic=filters.topic, author=filters.author, state=filters.state
        ),
    )
    result = paginate(threads, number=filters.page, per_page=50)
    return {**page_out(result), "items": [_thread_out(t) for t in result.items]}


@router.post("/{slug}/threads", response={201: ThreadOut}, summary="Start a thread (members)")
def start_thread(request: HttpRequest, slug: str, payload: ThreadIn) -> Status[dict[str, object]]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    thread = actions.start_thread(community=access.community, author=user, **payload.dict())
    return Status(201, _thread_out(thread))


@router.get(
    "/{slug}/threads/{thread_id}", response=ThreadDetailOut, summary="A thread with its posts"
)
def get_thread(request: HttpRequest, slug: str, thread_id: int) -> dict[str, object]:
    access = access_community_content(user=viewer(request), slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    return {**_thread_out(thread), "posts": list(queries.list_posts(thread=thread))}


@router.patch(
    "/{slug}/threads/{thread_id}", response=ThreadOut, summary="Edit a thread (its author)"
)
def edit_thread(
    request: HttpRequest, slug: str, thread_id: int, payload: ThreadPatch
) -> dict[str, object]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    thread = actions.edit_thread(
        thread=thread, by=user, membership=access.membership, **payload.dict()
    )
    return _thread_out(thread)


@router.delete(
    "/{slug}/threads/{thread_id}",
    response=DetailOut,
    summary="Delete a thread (author or coordinator)",
)
def delete_thread(request: HttpRequest, slug: str, thread_id: int) -> dict[str, str]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    actions.delete_thread(thread=thread, by=user, membership=access.membership)
    return {"detail": "Thread deleted."}


@router.post(
    "/{slug}/threads/{thread_id}/posts", response={201: PostOut}, summary="Reply (members)"
)
def reply(request: HttpRequest, slug: str, thread_id: int, payload: PostIn) -> Status[Post]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    return Status(201, actions.reply_to_thread(thread=thread, author=user, body=payload.body))


@router.patch("/{slug}/posts/{post_id}", response=PostOut, summary="Edit a reply (its author)")
def edit_post(request: HttpRequest, slug: str, post_id: int, payload: PostIn) -> Post:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    post = access_post(access=access, post_id=post_id)
    return actions.edit_post(post=post, by=user, membership=access.membership, body=payload.body)


@router.delete(
    "/{slug}/posts/{post_id}", response=DetailOut, summary="Delete a post (author or coordinator)"
)
def delete_post(request: HttpRequest, slug: str, post_id: int) -> dict[str, str]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    post = access_post(access=access, post_id=post_id)
    actions.delete_post(post=post, by=user, membership=access.membership)
    return {"detail": "Post deleted."}


@router.post(
    "/{slug}/posts/{post_id}/vote", response=PostOut, summary="Mark a post helpful (members)"
)
def vote(request: HttpRequest, slug: str, post_id: int) -> Post:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    post = access_post(access=access, post_id=post_id)
    return actions.vote_helpful(post=post, by=user, membership=access.membership)


@router.delete("/{slug}/posts/{post_id}/vote", response=PostOut, summary="Withdraw a helpful vote")
def unvote(request: HttpRequest, slug: str, post_id: int) -> Post:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    return actions.withdraw_vote(post=access_post(access=access, post_id=post_id), by=user)


@router.post(
    "/{slug}/threads/{thread_id}/accept",
    response=ThreadOut,
    summary="Accept an answer (asker or coordinator)",
)
def accept(request: HttpRequest, slug: str, thread_id: int, payload: AcceptIn) -> dict[str, object]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    answer = access_post(access=access, post_id=payload.post_id)
    return _thread_out(
        actions.accept_answer(thread=thread, answer=answer, by=user, membership=access.membership)
    )


@router.delete(
    "/{slug}/threads/{thread_id}/accept", response=ThreadOut, summary="Withdraw the accepted answer"
)
def unaccept(request: HttpRequest, slug: str, thread_id: int) -> dict[str, object]:
    user = require_user(request)
    access = access_community_for_members(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    return _thread_out(
        actions.unaccept_answer(thread=thread, by=user, membership=access.membership)
    )
