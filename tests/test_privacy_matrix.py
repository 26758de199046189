"""Who sees and does what: every page and API endpoint, five viewers, three visibilities.

The matrix is data: each endpoint row carries the expected answer for every
visibility × viewer, and one test walks all of them. Besides the status
code, every response is searched for marker strings (the community's name,
its threads' titles, its posts' bodies) that the viewer may not know, and
every refused write is checked to have changed nothing in the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.client import ClientHandler
from django.urls import get_resolver, reverse
from django.utils import timezone

from commonplace.accounts.models import ApiToken, User
from commonplace.api.api import api
from commonplace.communities.models import Community, DomainRevision, Membership, Topic
from commonplace.core.models import Activity
from commonplace.discussions.actions import accept_answer, edit_post, vote_helpful
from commonplace.discussions.models import Post, PostRevision, Thread, Vote
from commonplace.events.actions import respond_to_event, schedule_event
from commonplace.events.models import Event, EventNotes, EventResponse
from commonplace.repertoire.actions import attach_file, create_entry
from commonplace.repertoire.models import (
    Endorsement,
    Entry,
    EntryFile,
    EntryRevision,
    EntrySource,
    MaturityChange,
    Reuse,
)
from tests.factories import (
    add_member,
    add_pending,
    make_community,
    make_reply,
    make_thread,
    make_token,
    make_user,
)

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
VIEWERS = ("anon", "outsider", "pending", "member", "coordinator")
VISIBILITIES = ("public", "members", "private")
LOGIN = "login"  # a page answered with a redirect to the log-in page

Expectation = int | str
Row = tuple[Expectation, Expectation, Expectation, Expectation, Expectation]
Grid = Mapping[str, Row]


def everywhere(row: Row) -> Grid:
    """The same answer whatever the community's visibility."""
    return dict.fromkeys(VISIBILITIES, row)


# Each grid row lists the answers for: anon, outsider, pending, member, coordinator.
# fmt: off
SEE = {  # the community's existence: home page, charter
    "public":  (200, 200, 200, 200, 200),
    "members": (404, 200, 200, 200, 200),
    "private": (404, 404, 404, 200, 200),
}
READ = {  # its content: threads, posts, members
    "public":  (200, 200, 200, 200, 200),
    "members": (404, 403, 403, 200, 200),
    "private": (404, 404, 404, 200, 200),
}
PAGE_MEMBERS = {  # a page for members (compose)
    "public":  (LOGIN, 403, 403, 200, 200),
    "members": (LOGIN, 403, 403, 200, 200),
    "private": (LOGIN, 404, 404, 200, 200),
}
PAGE_MEMBERS_POST = {  # a write any member may make (reply, vote, start a thread)
    "public":  (LOGIN, 403, 403, 302, 302),
    "members": (LOGIN, 403, 403, 302, 302),
    "private": (LOGIN, 404, 404, 302, 302),
}
PAGE_AUTHOR = {  # edit what the member wrote; coordinators may not rewrite it
    "public":  (LOGIN, 403, 403, 200, 403),
    "members": (LOGIN, 403, 403, 200, 403),
    "private": (LOGIN, 404, 404, 200, 403),
}
PAGE_AUTHOR_POST = {
    "public":  (LOGIN, 403, 403, 302, 403),
    "members": (LOGIN, 403, 403, 302, 403),
    "private": (LOGIN, 404, 404, 302, 403),
}
PAGE_MODERATE_POST = {  # delete someone else's post: coordinators only
    "public":  (LOGIN, 403, 403, 403, 302),
    "members": (LOGIN, 403, 403, 403, 302),
    "private": (LOGIN, 404, 404, 403, 302),
}
PAGE_COORDINATORS = {
    "public":  (LOGIN, 403, 403, 403, 200),
    "members": (LOGIN, 403, 403, 403, 200),
    "private": (LOGIN, 404, 404, 403, 200),
}
PAGE_COORDINATORS_POST = {
    "public":  (LOGIN, 403, 403, 403, 302),
    "members": (LOGIN, 403, 403, 403, 302),
    "private": (LOGIN, 404, 404, 403, 302),
}
PAGE_JOIN = {  # join policy "request": joining outright is refused
    "public":  (LOGIN, 403, 409, 409, 409),
    "members": (LOGIN, 403, 409, 409, 409),
    "private": (LOGIN, 404, 404, 409, 409),
}
PAGE_REQUEST = {
    "public":  (LOGIN, 200, 200, 200, 200),
    "members": (LOGIN, 200, 200, 200, 200),
    "private": (LOGIN, 404, 404, 200, 200),
}
PAGE_REQUEST_POST = {  # the form answers 422 to people who belong or asked already
    "public":  (LOGIN, 302, 422, 422, 422),
    "members": (LOGIN, 302, 422, 422, 422),
    "private": (LOGIN, 404, 404, 422, 422),
}
PAGE_LEAVE = {  # the only coordinator cannot leave
    "public":  (LOGIN, 404, 302, 302, 409),
    "members": (LOGIN, 404, 302, 302, 409),
    "private": (LOGIN, 404, 404, 302, 409),
}

SUGGESTED = {  # who routing asked: the asker (the member) and the coordinators
    "public":  (404, 404, 404, 200, 200),
    "members": (404, 403, 403, 200, 200),
    "private": (404, 404, 404, 200, 200),
}
API_SUGGESTED = {
    "public":  (403, 403, 403, 200, 200),
    "members": (404, 403, 403, 200, 200),
    "private": (404, 404, 404, 200, 200),
}
ASK_SUGGESTED = {  # only the asker (the member) may ask; nobody was suggested here
    "public":  (LOGIN, 403, 403, 404, 403),
    "members": (LOGIN, 403, 403, 404, 403),
    "private": (LOGIN, 404, 404, 404, 403),
}
API_ASK_SUGGESTED = {
    "public":  (401, 403, 403, 404, 403),
    "members": (401, 403, 403, 404, 403),
    "private": (401, 404, 404, 404, 403),
}
API_MEMBERS_CREATE = {
    "public":  (401, 403, 403, 201, 201),
    "members": (401, 403, 403, 201, 201),
    "private": (401, 404, 404, 201, 201),
}
API_MEMBERS = {
    "public":  (401, 403, 403, 200, 200),
    "members": (401, 403, 403, 200, 200),
    "private": (401, 404, 404, 200, 200),
}
API_AUTHOR = {
    "public":  (401, 403, 403, 200, 403),
    "members": (401, 403, 403, 200, 403),
    "private": (401, 404, 404, 200, 403),
}
API_MODERATE = {
    "public":  (401, 403, 403, 403, 200),
    "members": (401, 403, 403, 403, 200),
    "private": (401, 404, 404, 403, 200),
}
API_UNVOTE = {  # only the coordinator has voted on the opening post
    "public":  (401, 403, 403, 409, 200),
    "members": (401, 403, 403, 409, 200),
    "private": (401, 404, 404, 409, 200),
}
API_COORDINATORS = {
    "public":  (401, 403, 403, 403, 200),
    "members": (401, 403, 403, 403, 200),
    "private": (401, 404, 404, 403, 200),
}
API_COORDINATORS_CREATE = {
    "public":  (401, 403, 403, 403, 201),
    "members": (401, 403, 403, 403, 201),
    "private": (401, 404, 404, 403, 201),
}
API_JOIN = {
    "public":  (401, 403, 409, 409, 409),
    "members": (401, 403, 409, 409, 409),
    "private": (401, 404, 404, 409, 409),
}
API_REQUEST = {
    "public":  (401, 201, 409, 409, 409),
    "members": (401, 201, 409, 409, 409),
    "private": (401, 404, 404, 409, 409),
}
WRITE_UP_TOO_SOON = {  # members may write an event up, once it has taken place
    "public":  (LOGIN, 403, 403, 409, 409),
    "members": (LOGIN, 403, 403, 409, 409),
    "private": (LOGIN, 404, 404, 409, 409),
}
API_WRITE_UP_TOO_SOON = {
    "public":  (401, 403, 403, 409, 409),
    "members": (401, 403, 403, 409, 409),
    "private": (401, 404, 404, 409, 409),
}
API_LEAVE = {
    "public":  (401, 404, 200, 200, 409),
    "members": (401, 404, 200, 200, 409),
    "private": (401, 404, 404, 200, 409),
}
# fmt: on


@dataclass
class World:
    """One community of the visibility under test, its people and its content,
    seen by one viewer."""

    community: Community
    users: dict[str, User]
    tokens: dict[str, str]
    thread: Thread  # a question by the member, resolved by the member's own reply
    opening: Post  # its opening post; the coordinator found it helpful
    reply: Post  # a reply by another member
    own_reply: Post  # a reply by the member, edited once
    entry: Entry  # a tool in the repertoire, written down by another member
    entry_file: EntryFile  # a file attached to it
    event: Event  # a workshop to come, planned and led by another member; the member is going
    exists_markers: list[str]  # what only people who may see the community may know
    content_markers: list[str]  # what only people who may read it may know
    viewer: str = "anon"

    @property
    def slug(self) -> str:
        return self.community.slug

    def username(self, who: str) -> str:
        return self.users[who].username

    @property
    def viewer_token_id(self) -> int:
        owner = self.users.get(self.viewer) or self.users["member"]
        token = ApiToken.objects.filter(user=owner).first()
        assert token is not None
        return token.pk


def build_world(visibility: str) -> World:
    tag = f"{visibility[:3]}q7"
    coordinator = make_user(f"coord-{tag}")
    community = make_community(
        coordinator=coordinator,
        slug=f"circle-{tag}",
        visibility=visibility,
        join_policy="request",
        name=f"Quillwort {visibility} circle",
        domain_statement=f"Quillwort domain statement {visibility}.",
        topics=(f"Quillwort topic {visibility}",),
    )
    member = add_member(community, make_user(f"member-{tag}"))
    other = add_member(community, make_user(f"other-{tag}"))
    User.objects.filter(pk=other.pk).update(skills=["Quillwort craft"])
    other.refresh_from_db()
    pending = add_pending(community, make_user(f"pending-{tag}")).user
    users = {
        "coordinator": coordinator,
        "member": member,
        "other": other,
        "pending": pending,
        "outsider": make_user(f"outsider-{tag}"),
        "invitee": make_user(f"invitee-{tag}"),
    }
    topic = community.topics.get()
    thread = make_thread(
        community,
        member,
        kind="problem_solving",
        title=f"Quillwort thread title {visibility}",
        body=f"Quillwort opening body {visibility}",
        topics=(topic.slug,),
    )
    opening = thread.posts.get(is_opening=True)
    reply = make_reply(thread, other, body=f"Quillwort reply body {visibility}")
    own_reply = make_reply(thread, member, body=f"Quillwort first draft {visibility}")
    member_membership = community.memberships.get(user=member)
    edit_post(
        post=own_reply,
        by=member,
        membership=member_membership,
        body=f"Quillwort own reply body {visibility}",
    )
    accept_answer(thread=thread, answer=own_reply, by=member, membership=member_membership)
    vote_helpful(
        post=opening, by=coordinator, membership=community.memberships.get(user=coordinator)
    )
    entry = create_entry(
        community=community,
        by=other,
        kind="tool",
        title=f"Quillwort entry title {visibility}",
        body=f"Quillwort entry body {visibility}",
        topics=[topic.slug],
    )
    entry_file = attach_file(
        entry=entry, upload=SimpleUploadedFile("sheet.csv", b"a,b\n1,2\n"), by=other
    )
    event = schedule_event(
        community=community,
        by=other,
        kind="workshop",
        title=f"Quillwort event title {visibility}",
        description=f"Quillwort event description {visibility}",
        starts_at=timezone.now() + timedelta(days=7),
        ends_at=timezone.now() + timedelta(days=7, hours=2),
        location=f"Quillwort event place {visibility}",
        topics=[topic.slug],
    )
    respond_to_event(event=event, by=member, response="going")
    tokens = {who: make_token(user) for who, user in users.items()}
    return World(
        community=community,
        users=users,
        tokens=tokens,
        thread=thread,
        opening=opening,
        reply=reply,
        own_reply=own_reply,
        entry=entry,
        entry_file=entry_file,
        event=event,
        exists_markers=[community.name, community.domain_statement, topic.name, community.slug],
        content_markers=[
            thread.title,
            opening.body,
            reply.body,
            own_reply.body,
            f"Quillwort first draft {visibility}",
            entry.title,
            entry.body,
            event.title,
            event.description,
            event.location,
        ],
    )


def may_see(viewer: str, visibility: str) -> bool:
    if visibility == "public":
        return True
    if visibility == "members":
        return viewer != "anon"
    return viewer in {"member", "coordinator"}


def may_read(viewer: str, visibility: str) -> bool:
    return visibility == "public" or viewer in {"member", "coordinator"}


Args = Callable[[World], tuple[Any, ...]]
Data = Callable[[World], dict[str, Any]]


def _slug(w: World) -> tuple[Any, ...]:
    return (w.slug,)


def _no_args(w: World) -> tuple[Any, ...]:
    return ()


def _no_data(w: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Page:
    name: str  # URL name, reversed with `args`
    method: str
    expect: Grid
    args: Args = _slug
    data: Data = _no_data
    writes: bool | None = None  # defaults to "not a GET"
    variant: str = ""  # tells apart two rows for one URL name and method
    query: str = ""  # a query string, for pages that search

    @property
    def label(self) -> str:
        return f"page {self.method} {self.name}{self.variant}"

    def url(self, w: World) -> str:
        return reverse(self.name, args=self.args(w)) + self.query


@dataclass(frozen=True)
class Api:
    method: str
    route: str  # as the router declares it, under /api/v1
    expect: Grid
    params: Callable[[World], dict[str, Any]] = field(default=lambda w: {"slug": w.slug})
    payload: Data | None = None
    writes: bool | None = None
    multipart: bool = False  # send `payload` as a form with files, not as JSON
    query: str = ""  # a query string, for endpoints that search

    @property
    def label(self) -> str:
        return f"api {self.method} {self.route}"

    def url(self, w: World) -> str:
        return "/api/v1" + self.route.format(**self.params(w)) + self.query


def _charter(w: World) -> dict[str, Any]:
    c = w.community
    return {
        "name": c.name,
        "domain_statement": "A revised statement of the domain.",
        "topics": "Hops, Yeast",
        "strategic_context": "",
        "sponsor": "",
        "visibility": c.visibility,
        "join_policy": c.join_policy,
        "stage": "active",
        "recognition": c.recognition,
        "cadence": c.cadence,
        "accent_color": c.accent_color,
        "revision_note": "Sharper.",
    }


def _thread_args(w: World) -> tuple[Any, ...]:
    return (w.slug, w.thread.pk)


def _entry_args(w: World) -> tuple[Any, ...]:
    return (w.slug, w.entry.pk)


def _event_args(w: World) -> tuple[Any, ...]:
    return (w.slug, w.event.pk)


def _event_form(w: World) -> dict[str, Any]:
    return {
        "kind": "meeting",
        "title": "Monthly call",
        "starts_at": "2031-03-04T17:00",
        "ends_at": "2031-03-04T18:00",
        "online_url": "https://meet.example.org/monthly",
    }


def _event_payload(w: World) -> dict[str, Any]:
    return {
        "kind": "meeting",
        "title": "Monthly call",
        "starts_at": "2031-03-04T17:00:00Z",
        "ends_at": "2031-03-04T18:00:00Z",
    }


PAGES: list[Page] = [
    Page("home", "GET", everywhere((200, 200, 200, 200, 200)), args=_no_args),
    Page("profile", "GET", everywhere((200,) * 5), args=lambda w: (w.username("member"),)),
    # accounts
    Page("accounts:signup", "GET", everywhere((200, 302, 302, 302, 302)), args=_no_args),
    Page("accounts:login", "GET", everywhere((200,) * 5), args=_no_args),
    Page("accounts:logout", "POST", everywhere((302,) * 5), args=_no_args, writes=False),
    Page("accounts:password_reset", "GET", everywhere((200,) * 5), args=_no_args),
    Page("accounts:password_reset_done", "GET", everywhere((200,) * 5), args=_no_args),
    Page(
        "accounts:password_reset_confirm",
        "GET",
        everywhere((200,) * 5),
        args=lambda w: ("MQ", "bad-token"),
    ),
    Page("accounts:password_reset_complete", "GET", everywhere((200,) * 5), args=_no_args),
    Page(
        "skill_endorsement",
        "POST",
        everywhere((LOGIN, 403, 403, 302, 302)),
        args=lambda w: (w.username("other"),),
        data=lambda w: {"skill": "Quillwort craft"},
    ),
    Page("accounts:profile_edit", "GET", everywhere((LOGIN, 200, 200, 200, 200)), args=_no_args),
    Page("accounts:tokens", "GET", everywhere((LOGIN, 200, 200, 200, 200)), args=_no_args),
    Page("accounts:my_data", "GET", everywhere((LOGIN, 200, 200, 200, 200)), args=_no_args),
    Page(
        "accounts:token_revoke",
        "POST",
        everywhere((LOGIN, 302, 302, 302, 302)),
        args=lambda w: (w.viewer_token_id,),
    ),
    # communities
    Page("communities:directory", "GET", everywhere((200,) * 5), args=_no_args),
    Page("communities:create", "GET", everywhere((LOGIN, 200, 200, 200, 200)), args=_no_args),
    Page("communities:home", "GET", SEE),
    Page("communities:charter_history", "GET", SEE),
    Page("communities:charter_edit", "GET", PAGE_COORDINATORS),
    Page("communities:charter_edit", "POST", PAGE_COORDINATORS_POST, data=_charter),
    Page("communities:members", "GET", READ),
    Page(
        "communities:invite",
        "POST",
        PAGE_COORDINATORS_POST,
        data=lambda w: {"username": w.username("invitee")},
    ),
    Page(
        "communities:member_roles",
        "POST",
        PAGE_COORDINATORS_POST,
        args=lambda w: (w.slug, w.username("other")),
        data=lambda w: {"role": "member", "leadership_roles": ["boundary"]},
    ),
    Page(
        "communities:decide_request",
        "POST",
        PAGE_COORDINATORS_POST,
        args=lambda w: (w.slug, w.username("pending"), "approve"),
        variant=" approve",
    ),
    Page(
        "communities:decide_request",
        "POST",
        PAGE_COORDINATORS_POST,
        args=lambda w: (w.slug, w.username("pending"), "deny"),
        variant=" deny",
    ),
    Page("communities:join", "POST", PAGE_JOIN),
    Page("communities:request", "GET", PAGE_REQUEST),
    Page("communities:request", "POST", PAGE_REQUEST_POST, data=lambda w: {"message": "Hello"}),
    Page("communities:leave", "POST", PAGE_LEAVE),
    Page("communities:decline", "POST", everywhere((LOGIN, 404, 404, 404, 404))),
    # events
    Page("events:my_events", "GET", everywhere((LOGIN, 200, 200, 200, 200)), args=_no_args),
    Page(
        "events:reset_feed",
        "POST",
        everywhere((LOGIN, 302, 302, 302, 302)),
        args=_no_args,
        writes=False,  # a person's own calendar address, not the community's
    ),
    Page("events:feed", "GET", everywhere((404,) * 5), args=lambda w: ("no-such-key",)),
    Page("events:events", "GET", READ),
    Page("events:calendar_ics", "GET", READ),
    Page("events:event_new", "GET", PAGE_MEMBERS),
    Page("events:event_new", "POST", PAGE_MEMBERS_POST, data=_event_form),
    Page("events:event", "GET", READ, args=_event_args),
    Page("events:event_ics", "GET", READ, args=_event_args),
    # Only its leaders, whoever planned it (another member) and coordinators change it.
    Page("events:event_edit", "GET", PAGE_COORDINATORS, args=_event_args),
    Page("events:event_edit", "POST", PAGE_COORDINATORS_POST, args=_event_args, data=_event_form),
    Page(
        "events:event_respond",
        "POST",
        PAGE_MEMBERS_POST,
        args=_event_args,
        data=lambda w: {"response": "maybe"},
    ),
    Page("events:event_write_up", "POST", WRITE_UP_TOO_SOON, args=_event_args),
    Page(
        "events:event_cancel",
        "POST",
        PAGE_COORDINATORS_POST,
        args=_event_args,
        data=lambda w: {"reason": "Snow"},
    ),
    # repertoire
    Page("repertoire:entries", "GET", READ),
    Page("repertoire:entry_new", "GET", PAGE_MEMBERS),
    Page(
        "repertoire:entry_new",
        "POST",
        PAGE_MEMBERS_POST,
        data=lambda w: {"kind": "story", "title": "A story", "body": "Once upon a time"},
    ),
    Page("repertoire:entry", "GET", READ, args=_entry_args),
    Page("repertoire:entry_edit", "GET", PAGE_MEMBERS, args=_entry_args),
    Page(
        "repertoire:entry_edit",
        "POST",
        PAGE_MEMBERS_POST,
        args=_entry_args,
        data=lambda w: {"title": "Better title", "body": "Better body", "base_version": 1},
    ),
    Page("repertoire:entry_history", "GET", READ, args=_entry_args),
    Page(
        "repertoire:entry_restore",
        "POST",
        PAGE_MEMBERS_POST,
        args=lambda w: (w.slug, w.entry.pk, 1),
    ),
    Page(
        "repertoire:entry_maturity",
        "POST",
        PAGE_MEMBERS_POST,
        args=_entry_args,
        data=lambda w: {"maturity": "in_use", "reason": "We use it"},
    ),
    Page("repertoire:entry_endorse", "POST", PAGE_MEMBERS_POST, args=_entry_args),
    Page(
        "repertoire:entry_reuse",
        "POST",
        PAGE_MEMBERS_POST,
        args=_entry_args,
        data=lambda w: {"note": "Adapted"},
    ),
    Page("repertoire:write_down_thread", "POST", PAGE_MEMBERS_POST, args=_thread_args),
    Page(
        "repertoire:entry_file_upload",
        "POST",
        PAGE_MEMBERS_POST,
        args=_entry_args,
        data=lambda w: {"file": SimpleUploadedFile("note.txt", b"Quillwort note")},
    ),
    Page(
        "repertoire:entry_file", "GET", READ, args=lambda w: (w.slug, w.entry.pk, w.entry_file.pk)
    ),
    # search: every community's markers are searched for, whoever looks
    Page("search:search", "GET", everywhere((200,) * 5), args=_no_args, query="?q=Quillwort"),
    # find an expert: across the communities the viewer may read
    Page(
        "insights:experts",
        "GET",
        everywhere((200,) * 5),
        args=_no_args,
        query="?q=Quillwort+thread+title",
    ),
    Page(
        "insights:experts",
        "GET",
        everywhere((200,) * 5),
        args=_no_args,
        query="?topic=hops",
        variant=" by topic",
    ),
    # the knowledge map: the community's content, as its threads are
    Page("insights:knowledge_map", "GET", READ),
    Page(
        "insights:suggested_answerers",
        "GET",
        SUGGESTED,
        args=lambda w: (w.slug, w.thread.pk),
    ),
    # the constellation: only the communities the viewer may read
    Page("insights:constellation", "GET", everywhere((200,) * 5), args=_no_args),
    Page(
        "insights:ask_suggested_answerer",
        "POST",
        ASK_SUGGESTED,
        args=lambda w: (w.slug, w.thread.pk, w.username("other")),
    ),
    # notifications: each person's own, from communities they may read
    Page("notifications", "GET", everywhere((LOGIN, 200, 200, 200, 200)), args=_no_args),
    Page("insights:knowledge_map_csv", "GET", READ),
    # discussions
    Page("discussions:threads", "GET", READ),
    Page("discussions:similar", "GET", READ, query="?title=Quillwort+thread&body=opening+body"),
    Page("discussions:thread_new", "GET", PAGE_MEMBERS),
    Page(
        "discussions:thread_new",
        "POST",
        PAGE_MEMBERS_POST,
        data=lambda w: {"kind": "visit", "title": "May we visit?", "body": "Next week?"},
    ),
    Page("discussions:thread", "GET", READ, args=_thread_args),
    Page("discussions:thread_edit", "GET", PAGE_AUTHOR, args=_thread_args),
    Page(
        "discussions:thread_edit",
        "POST",
        PAGE_AUTHOR_POST,
        args=_thread_args,
        data=lambda w: {"title": "A clearer title", "body": "A clearer question."},
    ),
    Page("discussions:thread_delete", "POST", PAGE_MEMBERS_POST, args=_thread_args),
    Page(
        "discussions:reply",
        "POST",
        PAGE_MEMBERS_POST,
        args=_thread_args,
        data=lambda w: {"body": "Me too."},
    ),
    Page(
        "discussions:accept",
        "POST",
        PAGE_MEMBERS_POST,
        args=_thread_args,
        data=lambda w: {"post": w.reply.pk},
    ),
    Page("discussions:post_edit", "GET", PAGE_AUTHOR, args=lambda w: (w.slug, w.own_reply.pk)),
    Page(
        "discussions:post_edit",
        "POST",
        PAGE_AUTHOR_POST,
        args=lambda w: (w.slug, w.own_reply.pk),
        data=lambda w: {"body": "Second thoughts."},
    ),
    Page(
        "discussions:post_delete",
        "POST",
        PAGE_MODERATE_POST,
        args=lambda w: (w.slug, w.reply.pk),
    ),
    Page("discussions:post_history", "GET", READ, args=lambda w: (w.slug, w.own_reply.pk)),
    Page("discussions:vote", "POST", PAGE_MEMBERS_POST, args=lambda w: (w.slug, w.reply.pk)),
]


def _thread_params(w: World) -> dict[str, Any]:
    return {"slug": w.slug, "thread_id": w.thread.pk}


def _entry_params(w: World) -> dict[str, Any]:
    return {"slug": w.slug, "entry_id": w.entry.pk}


def _event_params(w: World) -> dict[str, Any]:
    return {"slug": w.slug, "event_id": w.event.pk}


API_ENDPOINTS: list[Api] = [
    Api("GET", "/me", everywhere((401, 200, 200, 200, 200)), params=lambda w: {}),
    Api("GET", "/me/data", everywhere((401, 200, 200, 200, 200)), params=lambda w: {}),
    Api("GET", "/me/preferences", everywhere((401, 200, 200, 200, 200)), params=lambda w: {}),
    Api(
        "PATCH",
        "/me/preferences",
        everywhere((401, 200, 200, 200, 200)),
        params=lambda w: {},
        payload=lambda w: {"routes_questions": False},
        writes=False,  # a person's own settings, not the community's
    ),
    Api("GET", "/me/notifications", everywhere((401, 200, 200, 200, 200)), params=lambda w: {}),
    Api(
        "POST",
        "/me/notifications/read",
        everywhere((401, 200, 200, 200, 200)),
        params=lambda w: {},
        payload=lambda w: {},
        writes=False,  # nothing unread to mark
    ),
    Api(
        "GET",
        "/communities/{slug}/threads/{thread_id}/suggested-answerers",
        API_SUGGESTED,
        params=_thread_params,
    ),
    Api(
        "POST",
        "/communities/{slug}/threads/{thread_id}/suggested-answerers/{username}/ask",
        API_ASK_SUGGESTED,
        params=lambda w: {**_thread_params(w), "username": w.username("other")},
        payload=lambda w: {},
    ),
    Api(
        "GET",
        "/people/{username}",
        everywhere((200,) * 5),
        params=lambda w: {"username": w.username("member")},
    ),
    # Peers (people active in a community with them) vouch for declared skills.
    Api(
        "POST",
        "/people/{username}/skills/endorsements",
        everywhere((401, 403, 403, 201, 201)),
        params=lambda w: {"username": w.username("other")},
        payload=lambda w: {"skill": "Quillwort craft"},
    ),
    Api(
        "DELETE",
        "/people/{username}/skills/endorsements",
        everywhere((401, 409, 409, 409, 409)),
        params=lambda w: {"username": w.username("other")},
        payload=lambda w: {"skill": "Quillwort craft"},
    ),
    Api("GET", "/communities", everywhere((200,) * 5), params=lambda w: {}),
    Api(
        "POST",
        "/communities",
        everywhere((401, 201, 201, 201, 201)),
        params=lambda w: {},
        payload=lambda w: {"name": "Fresh", "slug": "fresh-q7", "domain_statement": "New."},
    ),
    Api("GET", "/communities/{slug}", SEE),
    Api("PATCH", "/communities/{slug}", API_COORDINATORS, payload=lambda w: {"sponsor": "Ada"}),
    Api("GET", "/communities/{slug}/domain-revisions", SEE),
    Api("GET", "/communities/{slug}/members", READ),
    Api("GET", "/communities/{slug}/pending", API_COORDINATORS),
    Api("POST", "/communities/{slug}/join", API_JOIN),
    Api("POST", "/communities/{slug}/requests", API_REQUEST, payload=lambda w: {"message": "Hi"}),
    Api("POST", "/communities/{slug}/leave", API_LEAVE),
    Api(
        "POST",
        "/communities/{slug}/members/{username}/approve",
        API_COORDINATORS,
        params=lambda w: {"slug": w.slug, "username": w.username("pending")},
    ),
    Api(
        "POST",
        "/communities/{slug}/members/{username}/deny",
        API_COORDINATORS,
        params=lambda w: {"slug": w.slug, "username": w.username("pending")},
    ),
    Api(
        "POST",
        "/communities/{slug}/invitations",
        API_COORDINATORS_CREATE,
        payload=lambda w: {"username": w.username("invitee")},
    ),
    Api(
        "PUT",
        "/communities/{slug}/members/{username}/roles",
        API_COORDINATORS,
        params=lambda w: {"slug": w.slug, "username": w.username("other")},
        payload=lambda w: {"role": "member", "leadership_roles": ["boundary"]},
    ),
    Api("GET", "/communities/{slug}/events", READ),
    Api("POST", "/communities/{slug}/events", API_MEMBERS_CREATE, payload=_event_payload),
    Api("GET", "/communities/{slug}/events/{event_id}", READ, params=_event_params),
    Api(
        "PUT",
        "/communities/{slug}/events/{event_id}",
        API_COORDINATORS,
        params=_event_params,
        payload=_event_payload,
    ),
    Api(
        "POST",
        "/communities/{slug}/events/{event_id}/cancel",
        API_COORDINATORS,
        params=_event_params,
        payload=lambda w: {"reason": "Snow"},
    ),
    Api(
        "POST",
        "/communities/{slug}/events/{event_id}/write-up",
        API_WRITE_UP_TOO_SOON,
        params=_event_params,
        payload=lambda w: {},
    ),
    Api(
        "PUT",
        "/communities/{slug}/events/{event_id}/response",
        API_MEMBERS,
        params=_event_params,
        payload=lambda w: {"response": "maybe"},
    ),
    Api("GET", "/communities/{slug}/entries", READ),
    Api(
        "POST",
        "/communities/{slug}/entries",
        API_MEMBERS_CREATE,
        payload=lambda w: {"kind": "story", "title": "A story", "body": "Once upon a time"},
    ),
    Api("GET", "/communities/{slug}/entries/{entry_id}", READ, params=_entry_params),
    Api(
        "PATCH",
        "/communities/{slug}/entries/{entry_id}",
        API_MEMBERS,
        params=_entry_params,
        payload=lambda w: {"base_version": 1, "title": "Better title", "body": "Better body"},
    ),
    Api(
        "POST",
        "/communities/{slug}/entries/{entry_id}/maturity",
        API_MEMBERS,
        params=_entry_params,
        payload=lambda w: {"maturity": "in_use"},
    ),
    Api(
        "POST", "/communities/{slug}/entries/{entry_id}/endorse", API_MEMBERS, params=_entry_params
    ),
    Api(
        "POST",
        "/communities/{slug}/entries/{entry_id}/reuse",
        API_MEMBERS,
        params=_entry_params,
        payload=lambda w: {"note": "Adapted"},
    ),
    Api(
        "POST",
        "/communities/{slug}/entries/{entry_id}/files",
        API_MEMBERS_CREATE,
        params=_entry_params,
        payload=lambda w: {"file": SimpleUploadedFile("note.txt", b"Quillwort note")},
        multipart=True,
    ),
    Api(
        "GET",
        "/communities/{slug}/entries/{entry_id}/files/{file_id}",
        READ,
        params=lambda w: {"slug": w.slug, "entry_id": w.entry.pk, "file_id": w.entry_file.pk},
    ),
    Api(
        "POST",
        "/communities/{slug}/threads/{thread_id}/write-down",
        API_MEMBERS_CREATE,
        params=_thread_params,
        payload=lambda w: {},
    ),
    Api("GET", "/communities/{slug}/threads", READ),
    Api("GET", "/search", everywhere((200,) * 5), params=lambda w: {}, query="?q=Quillwort"),
    Api(
        "GET",
        "/experts",
        everywhere((200,) * 5),
        params=lambda w: {},
        query="?q=Quillwort+thread+title",
    ),
    Api("GET", "/communities/{slug}/similar", READ, query="?title=Quillwort+thread+title"),
    Api("GET", "/communities/{slug}/knowledge-map", READ),
    Api(
        "POST",
        "/communities/{slug}/threads",
        API_MEMBERS_CREATE,
        payload=lambda w: {"kind": "visit", "title": "May we visit?", "body": "Next week?"},
    ),
    Api("GET", "/communities/{slug}/threads/{thread_id}", READ, params=_thread_params),
    Api(
        "PATCH",
        "/communities/{slug}/threads/{thread_id}",
        API_AUTHOR,
        params=_thread_params,
        payload=lambda w: {"title": "A clearer title", "body": "A clearer question."},
    ),
    Api("DELETE", "/communities/{slug}/threads/{thread_id}", API_MEMBERS, params=_thread_params),
    Api(
        "POST",
        "/communities/{slug}/threads/{thread_id}/posts",
        API_MEMBERS_CREATE,
        params=_thread_params,
        payload=lambda w: {"body": "Me too."},
    ),
    Api(
        "PATCH",
        "/communities/{slug}/posts/{post_id}",
        API_AUTHOR,
        params=lambda w: {"slug": w.slug, "post_id": w.own_reply.pk},
        payload=lambda w: {"body": "Second thoughts."},
    ),
    Api(
        "DELETE",
        "/communities/{slug}/posts/{post_id}",
        API_MODERATE,
        params=lambda w: {"slug": w.slug, "post_id": w.reply.pk},
    ),
    Api(
        "POST",
        "/communities/{slug}/posts/{post_id}/vote",
        API_MEMBERS,
        params=lambda w: {"slug": w.slug, "post_id": w.reply.pk},
    ),
    Api(
        "DELETE",
        "/communities/{slug}/posts/{post_id}/vote",
        API_UNVOTE,
        params=lambda w: {"slug": w.slug, "post_id": w.opening.pk},
    ),
    Api(
        "POST",
        "/communities/{slug}/threads/{thread_id}/accept",
        API_MEMBERS,
        params=_thread_params,
        payload=lambda w: {"post_id": w.reply.pk},
    ),
    Api(
        "DELETE",
        "/communities/{slug}/threads/{thread_id}/accept",
        API_MEMBERS,
        params=_thread_params,
    ),
]

ENDPOINTS: list[Page | Api] = [*PAGES, *API_ENDPOINTS]

# Everything the database holds that a request could change.
SNAPSHOT_MODELS = [
    User,
    ApiToken,
    Community,
    DomainRevision,
    Topic,
    Membership,
    Thread,
    Thread.topics.through,
    Post,
    PostRevision,
    Vote,
    Activity,
    Entry,
    Entry.topics.through,
    Entry.authors.through,
    EntryRevision,
    EntrySource,
    MaturityChange,
    Endorsement,
    Reuse,
    EntryFile,
    Event,
    Event.topics.through,
    Event.leaders.through,
    EventResponse,
    EventNotes,
]
VOLATILE_FIELDS = {"last_login", "last_used_at"}


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of the snapshot's tables, as the database holds it.

    In plain SQL: reading them through the ORM (a queryset and a converted
    dict per row, 21 tables, twice for each write) took most of this module's
    time.
    """
    quote = connection.ops.quote_name
    tables: dict[str, list[dict[str, Any]]] = {}
    with connection.cursor() as cursor:
        for model in SNAPSHOT_MODELS:
            meta = model._meta
            columns = [f.column for f in meta.concrete_fields if f.name not in VOLATILE_FIELDS]
            # Only names from the models, quoted, go into the statement.
            cursor.execute(
                f"SELECT {', '.join(map(quote, columns))} FROM {quote(meta.db_table)} "  # noqa: S608
                f"ORDER BY {quote(meta.pk.column)}"
            )
            tables[model.__name__] = [dict(zip(columns, row, strict=True)) for row in cursor]
    return tables


def client_for(world: World, endpoint: Page | Api) -> tuple[Client, dict[str, str]]:
    """A page viewer signs in with a session; an API caller sends its token."""
    client = new_client()
    user = world.users.get(world.viewer)
    if user is None:
        return client, {}
    if isinstance(endpoint, Api):
        return client, {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[world.viewer]}"}
    client.force_login(user, backend=MODEL_BACKEND)
    return client, {}


def send(world: World, endpoint: Page | Api) -> Any:
    client, extra = client_for(world, endpoint)
    url = endpoint.url(world)
    if isinstance(endpoint, Api):
        if endpoint.multipart and endpoint.payload:
            return client.post(url, endpoint.payload(world), **extra)
        body = json.dumps(endpoint.payload(world)) if endpoint.payload else ""
        return client.generic(endpoint.method, url, body, content_type="application/json", **extra)
    if endpoint.method == "GET":
        return client.get(url, **extra)
    return client.post(url, endpoint.data(world), **extra)


def is_refusal(expected: Expectation) -> bool:
    return expected == LOGIN or (isinstance(expected, int) and expected >= 400)


def assert_answer(response: Any, expected: Expectation, context: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, context
        assert response["Location"].startswith(reverse("accounts:login")), context
    else:
        assert response.status_code == expected, context
        if expected == 302:
            assert not response["Location"].startswith(reverse("accounts:login")), context


def assert_nothing_leaks(
    worlds: dict[str, World], world: World, response: Any, url: str, context: str
) -> None:
    """Markers the viewer may not know are absent (unless the viewer typed them).

    The viewer has a role in the community under test and is a stranger to
    the other two, whose markers are checked as well.
    """
    hidden: list[str] = []
    for other in worlds.values():
        role = world.viewer
        if other is not worlds[world.community.visibility] and role != "anon":
            role = "outsider"
        if not may_see(role, other.community.visibility):
            hidden += other.exists_markers
        if not may_read(role, other.community.visibility):
            hidden += other.content_markers
    if response.streaming:
        body = b"".join(response.streaming_content).decode(errors="replace")
    else:
        body = response.content.decode()
    typed = unquote(url)
    for marker in hidden:
        if marker not in typed:
            assert marker not in body, f"{context}: {marker!r} leaked"


@pytest.fixture(scope="module")
def worlds(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, World]]:
    """The three communities, built once for the module.

    They live in a transaction rolled back when the module ends; each test
    runs in a savepoint inside it, so its writes vanish after it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield {visibility: build_world(visibility) for visibility in VISIBILITIES}
        finally:
            transaction.set_rollback(True)


# One handler for every client of this module: loading the middleware (and
# WhiteNoise's scan of the static files) per client would dominate the run.
_HANDLER = ClientHandler(enforce_csrf_checks=False)


def new_client() -> Client:
    client = Client()
    client.handler = _HANDLER
    return client


def _cases() -> list[Any]:
    return [
        pytest.param(endpoint, visibility, viewer, id=f"{endpoint.label}-{visibility}-{viewer}")
        for endpoint in ENDPOINTS
        for visibility in VISIBILITIES
        for viewer in VIEWERS
    ]


@pytest.mark.parametrize(("endpoint", "visibility", "viewer"), _cases())
def test_endpoint_answers_each_viewer_as_the_matrix_says(
    worlds: dict[str, World], endpoint: Page | Api, visibility: str, viewer: str
) -> None:
    world = replace(worlds[visibility], viewer=viewer)
    expected = endpoint.expect[visibility][VIEWERS.index(viewer)]
    writes = endpoint.writes if endpoint.writes is not None else endpoint.method != "GET"
    context = f"{endpoint.label} as {viewer} in a {visibility} community"

    before = snapshot() if writes else None
    response = send(world, endpoint)

    assert_answer(response, expected, context)
    assert_nothing_leaks(worlds, world, response, endpoint.url(world), context)
    if isinstance(endpoint, Api) and response.status_code >= 400:
        detail = response.json().get("detail")
        assert isinstance(detail, str) and detail.strip(), context
    if before is not None:
        if is_refusal(expected):
            assert snapshot() == before, f"{context}: a refused write changed the database"
        else:
            assert snapshot() != before, f"{context}: an allowed write changed nothing"


def test_matrix_covers_every_page_url_name() -> None:
    resolver = get_resolver()
    # open_notification needs a notification of the viewer's own: test_notifications covers it.
    names = {"home", "profile", "skill_endorsement", "notifications"}
    namespaces = ("accounts", "communities", "discussions", "events", "insights", "repertoire")
    for namespace in (*namespaces, "search"):
        _, sub = resolver.namespace_dict[namespace]
        names |= {f"{namespace}:{k}" for k in sub.reverse_dict if isinstance(k, str)}
    assert {p.name for p in PAGES} == names


def test_matrix_covers_every_api_route() -> None:
    routes = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    routes.add((method, (prefix.rstrip("/") + path) or "/"))
    assert {(a.method, a.route) for a in API_ENDPOINTS} == routes


# -- Private content never shows through the surfaces that list across communities.


@dataclass
class Constellation:
    public: Community
    private: Community
    public_thread: Thread
    private_thread: Thread
    private_post: Post
    private_event: Event
    users: dict[str, User]
    secrets: list[str]


def build_constellation() -> Constellation:
    public = make_community(slug="open-q7", name="Open hall q7")
    private = make_community(
        slug="hidden-q7",
        visibility="private",
        join_policy="invite",
        name="Zephyrine hidden room",
        domain_statement="Zephyrine domain statement.",
        topics=("Zephyrine topic",),
    )
    both = add_member(private, make_user("insider-q7"))
    add_member(public, both)
    pending = add_pending(private, make_user("pending-q7")).user
    private_thread = make_thread(
        private,
        both,
        kind="problem_solving",
        title="Zephyrine thread title",
        body="Zephyrine opening body",
        topics=("zephyrine-topic",),
    )
    private_post = make_reply(private_thread, both, body="Zephyrine reply body")
    private_event = schedule_event(
        community=private,
        by=both,
        kind="visit",
        title="Zephyrine event title",
        description="Zephyrine event description",
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=3),
    )
    public_member = add_member(public, make_user("regular-q7"))
    public_thread = make_thread(public, public_member, kind="problem_solving")
    make_reply(public_thread, both, body="A public answer.")
    return Constellation(
        public=public,
        private=private,
        public_thread=public_thread,
        private_thread=private_thread,
        private_post=private_post,
        private_event=private_event,
        users={
            "outsider": make_user("outsider-q7"),
            "pending": pending,
            "public_member": public_member,
            "public_coordinator": public.memberships.get(role="coordinator").user,
            "insider": both,
            "private_coordinator": private.memberships.get(role="coordinator").user,
        },
        secrets=[
            "Zephyrine hidden room",
            "Zephyrine domain statement",
            "Zephyrine topic",
            "hidden-q7",
            "Zephyrine thread title",
            "Zephyrine opening body",
            "Zephyrine reply body",
            "Zephyrine event title",
            "Zephyrine event description",
        ],
    )


@pytest.fixture(scope="module")
def constellation(django_db_setup: None, django_db_blocker: Any) -> Iterator[Constellation]:
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield build_constellation()
        finally:
            transaction.set_rollback(True)


NON_MEMBERS = ("anon", "outsider", "pending", "public_member", "public_coordinator")

# Surfaces that list or describe things across communities: (label, URL builder).
CROSS_COMMUNITY_SURFACES: list[tuple[str, Callable[[Constellation], str]]] = [
    ("directory", lambda c: reverse("communities:directory")),
    ("directory search by name", lambda c: reverse("communities:directory") + "?q=Zephyrine"),
    (
        "directory filter by topic",
        lambda c: reverse("communities:directory") + "?topic=zephyrine-topic",
    ),
    ("home", lambda c: reverse("home")),
    ("profile of an insider", lambda c: reverse("profile", args=[c.users["insider"].username])),
    (
        "profile of the private coordinator",
        lambda c: reverse("profile", args=[c.users["private_coordinator"].username]),
    ),
    ("profile of the pending person", lambda c: reverse("profile", args=["pending-q7"])),
    ("api communities", lambda c: "/api/v1/communities"),
    ("api communities search", lambda c: "/api/v1/communities?q=Zephyrine"),
    ("api communities by topic", lambda c: "/api/v1/communities?topic=zephyrine-topic"),
    ("api insider", lambda c: f"/api/v1/people/{c.users['insider'].username}"),
    (
        "api private coordinator",
        lambda c: f"/api/v1/people/{c.users['private_coordinator'].username}",
    ),
    ("api me", lambda c: "/api/v1/me"),
    ("api my data", lambda c: "/api/v1/me/data"),
    ("my data download", lambda c: reverse("accounts:my_data")),
    ("public thread list", lambda c: reverse("discussions:threads", args=[c.public.slug])),
    (
        "public thread the insider answered",
        lambda c: reverse("discussions:thread", args=[c.public.slug, c.public_thread.pk]),
    ),
    ("public members", lambda c: reverse("communities:members", args=[c.public.slug])),
    ("search", lambda c: reverse("search:search") + "?q=Zephyrine"),
    ("search a phrase", lambda c: reverse("search:search") + '?q="Zephyrine thread title"'),
    ("search by topic", lambda c: reverse("search:search") + "?q=topic:zephyrine-topic"),
    ("search by author", lambda c: reverse("search:search") + "?q=author:insider-q7"),
    ("search unanswered", lambda c: reverse("search:search") + "?q=is:unanswered"),
    ("search resolved", lambda c: reverse("search:search") + "?q=is:unresolved"),
    (
        "search the private community",
        lambda c: reverse("search:search") + "?q=community:hidden-q7+Zephyrine",
    ),
    ("search everything of one type", lambda c: reverse("search:search") + "?type=reply"),
    ("api search", lambda c: "/api/v1/search?q=Zephyrine"),
    ("experts by topic", lambda c: reverse("insights:experts") + "?topic=zephyrine-topic"),
    (
        "experts by question",
        lambda c: reverse("insights:experts") + "?q=Zephyrine%20thread%20title",
    ),
    ("api experts by topic", lambda c: "/api/v1/experts?topic=zephyrine-topic"),
    ("api experts by question", lambda c: "/api/v1/experts?q=Zephyrine%20opening%20body"),
    (
        "experts on what the insider answered in public",
        lambda c: reverse("insights:experts") + "?q=A+public+answer",
    ),
    ("api search by author", lambda c: "/api/v1/search?q=author:insider-q7"),
    ("constellation", lambda c: reverse("insights:constellation")),
    (
        "knowledge map of the public community, with its neighbours",
        lambda c: reverse("insights:knowledge_map", args=[c.public.slug]),
    ),
    ("notifications", lambda c: reverse("notifications")),
    ("api notifications", lambda c: "/api/v1/me/notifications"),
    ("my events", lambda c: reverse("events:my_events")),
    (
        "similar cases in the public community",
        lambda c: (
            reverse("discussions:similar", args=[c.public.slug])
            + "?title=Zephyrine+thread+title&body=Zephyrine+opening+body"
        ),
    ),
    (
        "api similar cases in the public community",
        lambda c: f"/api/v1/communities/{c.public.slug}/similar?title=Zephyrine+thread+title",
    ),
]


def _signed_in_client(c: Constellation, viewer: str, *, api: bool) -> tuple[Client, dict[str, str]]:
    client = new_client()
    user = c.users.get(viewer)
    if user is None:
        return client, {}
    if api:
        return client, {"HTTP_AUTHORIZATION": f"Bearer {make_token(user)}"}
    client.force_login(user, backend=MODEL_BACKEND)
    return client, {}


@pytest.mark.parametrize("viewer", NON_MEMBERS)
@pytest.mark.parametrize(
    "surface", CROSS_COMMUNITY_SURFACES, ids=[s[0] for s in CROSS_COMMUNITY_SURFACES]
)
def test_cross_community_surfaces_never_show_a_private_community(
    constellation: Constellation, surface: tuple[str, Callable[[Constellation], str]], viewer: str
) -> None:
    c = constellation
    url = surface[1](c)
    client, extra = _signed_in_client(c, viewer, api=url.startswith("/api/"))
    response = client.get(url, **extra)
    if url in {"/api/v1/me", "/api/v1/me/data", "/api/v1/me/notifications"} and viewer == "anon":
        assert response.status_code == 401
    elif viewer == "anon" and url in {
        reverse("accounts:my_data"),
        reverse("notifications"),
        reverse("events:my_events"),
    }:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
    body = response.content.decode()
    typed = unquote(url)
    for secret in c.secrets:
        if secret not in typed:
            assert secret not in body, f"{secret!r} leaked on {url} to {viewer}"


def test_cross_community_surfaces_show_the_private_community_to_its_members(
    constellation: Constellation,
) -> None:
    # The leak test above would pass on empty pages; members do see it.
    c = constellation
    client = new_client()
    client.force_login(c.users["insider"], backend=MODEL_BACKEND)
    assert "Zephyrine hidden room" in client.get(reverse("communities:directory")).content.decode()
    assert "Zephyrine hidden room" in client.get(reverse("home")).content.decode()
    profile = client.get(reverse("profile", args=["insider-q7"])).content.decode()
    assert "Zephyrine hidden room" in profile
    assert "Leading soon" in profile and "Zephyrine event title" in profile
    experts = client.get(reverse("insights:experts") + "?topic=zephyrine-topic").content.decode()
    assert "Zephyrine topic" in experts and "Insider-Q7" in experts
    found = client.get(reverse("search:search") + "?q=Zephyrine").content.decode()
    # Matched words come back highlighted.
    assert "<mark>Zephyrine</mark> thread title" in found
    assert "<mark>Zephyrine</mark> reply body" in found
    assert "<mark>Zephyrine</mark> event title" in found
    assert "Zephyrine event title" in client.get(reverse("events:my_events")).content.decode()


# -- Guessed ids: a private thread or post asked for under a public community's address.


@dataclass(frozen=True)
class Guess:
    label: str
    method: str
    url: Callable[[Constellation], str]
    data: dict[str, Any] | None = None
    members_only: bool = True  # the endpoint asks for membership before any lookup


def _page(path: str) -> Callable[[Constellation], str]:
    return lambda c: (
        "/c/"
        + path.format(
            slug=c.public.slug,
            thread=c.private_thread.pk,
            post=c.private_post.pk,
            public_thread=c.public_thread.pk,
            event=c.private_event.pk,
        )
    )


def _api(path: str) -> Callable[[Constellation], str]:
    return lambda c: (
        "/api/v1/communities/"
        + path.format(
            slug=c.public.slug,
            thread=c.private_thread.pk,
            post=c.private_post.pk,
            public_thread=c.public_thread.pk,
            event=c.private_event.pk,
        )
    )


SNEAKY = {"title": "Sneaky", "body": "Sneaky."}
GUESSES = [
    Guess("page thread", "GET", _page("{slug}/t/{thread}/"), members_only=False),
    Guess("page post history", "GET", _page("{slug}/p/{post}/history/"), members_only=False),
    Guess("page thread edit", "GET", _page("{slug}/t/{thread}/edit/")),
    Guess("page post edit", "GET", _page("{slug}/p/{post}/edit/")),
    Guess("page reply", "POST", _page("{slug}/t/{thread}/reply/"), {"body": "Sneaky."}),
    Guess("page thread edit post", "POST", _page("{slug}/t/{thread}/edit/"), SNEAKY),
    Guess("page thread delete", "POST", _page("{slug}/t/{thread}/delete/"), {}),
    Guess("page vote", "POST", _page("{slug}/p/{post}/vote/"), {}),
    Guess("page post edit post", "POST", _page("{slug}/p/{post}/edit/"), {"body": "Sneaky."}),
    Guess("page post delete", "POST", _page("{slug}/p/{post}/delete/"), {}),
    Guess(
        "page accept a private post on a public thread",
        "POST",
        _page("{slug}/t/{public_thread}/accept/"),
        {"post": "private_post"},
    ),
    Guess("page event", "GET", _page("{slug}/events/{event}/"), members_only=False),
    Guess("page event ics", "GET", _page("{slug}/events/{event}/event.ics"), members_only=False),
    Guess("page event edit", "GET", _page("{slug}/events/{event}/edit/")),
    Guess(
        "page event respond", "POST", _page("{slug}/events/{event}/respond/"), {"response": "going"}
    ),
    Guess("page event cancel", "POST", _page("{slug}/events/{event}/cancel/"), {}),
    Guess("page event write-up", "POST", _page("{slug}/events/{event}/write-up/"), {}),
    Guess("api event", "GET", _api("{slug}/events/{event}"), members_only=False),
    Guess(
        "api event respond", "PUT", _api("{slug}/events/{event}/response"), {"response": "going"}
    ),
    Guess("api event cancel", "POST", _api("{slug}/events/{event}/cancel"), {}),
    Guess("api event write-up", "POST", _api("{slug}/events/{event}/write-up"), {}),
    Guess("api thread", "GET", _api("{slug}/threads/{thread}"), members_only=False),
    Guess("api thread edit", "PATCH", _api("{slug}/threads/{thread}"), SNEAKY),
    Guess("api thread delete", "DELETE", _api("{slug}/threads/{thread}")),
    Guess("api reply", "POST", _api("{slug}/threads/{thread}/posts"), {"body": "Sneaky."}),
    Guess("api post edit", "PATCH", _api("{slug}/posts/{post}"), {"body": "Sneaky."}),
    Guess("api post delete", "DELETE", _api("{slug}/posts/{post}")),
    Guess("api vote", "POST", _api("{slug}/posts/{post}/vote")),
    Guess("api unvote", "DELETE", _api("{slug}/posts/{post}/vote")),
    Guess(
        "api accept a private post on a public thread",
        "POST",
        _api("{slug}/threads/{public_thread}/accept"),
        {"post_id": "private_post"},
    ),
    Guess("api unaccept", "DELETE", _api("{slug}/threads/{thread}/accept")),
]

GUESSERS = ("anon", "outsider", "public_member", "public_coordinator", "insider")


@pytest.mark.parametrize("viewer", GUESSERS)
@pytest.mark.parametrize("guess", GUESSES, ids=[g.label for g in GUESSES])
def test_private_ids_under_a_public_address_answer_404(
    constellation: Constellation, guess: Guess, viewer: str
) -> None:
    c = constellation
    url = guess.url(c)
    is_api = url.startswith("/api/")
    data = {
        k: (c.private_post.pk if v == "private_post" else v) for k, v in (guess.data or {}).items()
    }
    client, extra = _signed_in_client(c, viewer, api=is_api)
    before = snapshot()

    if is_api:
        body = json.dumps(data) if guess.data is not None else ""
        response = client.generic(guess.method, url, body, content_type="application/json", **extra)
    elif guess.method == "GET":
        response = client.get(url, **extra)
    else:
        response = client.post(url, data, **extra)

    context = f"{guess.label} as {viewer}"
    if viewer == "anon" and guess.members_only:
        # Asked to sign in before anything is looked up.
        assert response.status_code == (401 if is_api else 302), context
    elif viewer == "outsider" and guess.members_only:
        # Refused as a non-member of the public community before any lookup.
        assert response.status_code == 403, context
    else:
        assert response.status_code == 404, context
    if guess.method != "GET":
        assert snapshot() == before, f"{context} changed the database"
    text = response.content.decode()
    for secret in c.secrets:
        assert secret not in text, f"{secret!r} leaked by {context}"
