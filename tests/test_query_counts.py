"""List pages and list endpoints cost the same number of queries whatever their length.

Each test measures one page with N rows and again with 3N rows (more
communities, threads, posts, members, topics, votes, each by other people) and
asserts the counts are equal: a difference means a query per row (N+1).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commonplace.accounts.models import User
from commonplace.communities.actions import approve_request, request_to_join, update_member_roles
from commonplace.communities.models import Community, JoinPolicy, Membership
from commonplace.discussions.actions import accept_answer, edit_post, vote_helpful
from commonplace.discussions.models import Thread
from commonplace.events.actions import respond_to_event, schedule_event
from commonplace.events.models import Event
from tests.factories import (
    add_member,
    add_pending,
    client_for,
    make_community,
    make_reply,
    make_thread,
    make_user,
)

pytestmark = pytest.mark.django_db

N = 2
VIEWERS = ["anonymous", "member"]


# --- helpers ---------------------------------------------------------------------


def _count_queries(client: Client, url: str) -> int:
    # The first request warms what is cached per process (content types,
    # compiled templates), so only the page's own queries are compared.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    return len(queries.captured_queries)


def _assert_queries_do_not_grow(client: Client, url: str, grow: Callable[[int], None]) -> None:
    grow(N)
    with_n = _count_queries(client, url)
    grow(2 * N)
    with_3n = _count_queries(client, url)
    assert with_n == with_3n, f"{url}: {with_n} queries with {N} rows, {with_3n} with {3 * N}"


def _coordinator(community: Community) -> User:
    return community.memberships.get(role="coordinator").user


def _membership(community: Community, user: User) -> Membership:
    return community.memberships.get(user=user)


def _add_threads(community: Community, count: int) -> list[Thread]:
    """Threads by new people (new members), with topics, a reply and some accepted answers."""
    threads = []
    for i in range(count):
        thread = make_thread(
            community,
            kind="problem_solving" if i % 2 else "discussing_developments",
            topics=("hops",) if i % 2 else ("hops", "yeast"),
        )
        reply = make_reply(thread)
        if thread.is_question:
            accept_answer(
                thread=thread,
                answer=reply,
                by=thread.author,
                membership=_membership(community, thread.author),
            )
        threads.append(thread)
    return threads


@pytest.fixture(params=VIEWERS)
def viewer_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def community_and_viewer(viewer_kind: str) -> tuple[Community, User | None]:
    community = make_community(topics=("Hops", "Yeast", "Water"))
    viewer = add_member(community) if viewer_kind == "member" else None
    return community, viewer


# --- pages -----------------------------------------------------------------------


def test_directory_queries_do_not_grow_with_communities(viewer_kind: str) -> None:
    viewer = make_user() if viewer_kind == "member" else None
    visibilities = ["public", "members", "private"]

    def grow(count: int) -> None:
        for i in range(count):
            visibility = visibilities[i % 3]
            community = make_community(
                visibility=visibility,
                join_policy=JoinPolicy.INVITE if visibility == "private" else JoinPolicy.OPEN,
                topics=(f"Topic {i}", "Shared"),
            )
            if viewer is not None and i % 2 == 0:
                add_member(community, viewer)

    _assert_queries_do_not_grow(client_for(viewer), "/c/", grow)


def test_community_home_queries_do_not_grow_with_threads_and_members(
    community_and_viewer: tuple[Community, User | None],
) -> None:
    community, viewer = community_and_viewer

    def grow(count: int) -> None:
        _add_threads(community, count)  # two new members per thread, too

    _assert_queries_do_not_grow(client_for(viewer), f"/c/{community.slug}/", grow)


def test_thread_list_queries_do_not_grow_with_threads(
    community_and_viewer: tuple[Community, User | None],
) -> None:
    community, viewer = community_and_viewer

    def grow(count: int) -> None:
        _add_threads(community, count)

    _assert_queries_do_not_grow(client_for(viewer), f"/c/{community.slug}/t/", grow)


def test_thread_page_queries_do_not_grow_with_posts(
    community_and_viewer: tuple[Community, User | None],
) -> None:
    community, viewer = community_and_viewer
    thread = make_thread(community, kind="problem_solving", topics=("hops", "yeast"))

    def grow(count: int) -> None:
        for i in range(count):
            reply = make_reply(thread)
            if viewer is not None and i % 2 == 0:
                vote_helpful(post=reply, by=viewer, membership=_membership(community, viewer))
            if i == 0:
                edit_post(
                    post=reply,
                    by=reply.author,
                    membership=_membership(community, reply.author),
                    body="Edited: try warming it up slowly.",
                )
        if thread.accepted_answer_id is None:
            accept_answer(
                thread=thread,
                answer=reply,
                by=thread.author,
                membership=_membership(community, thread.author),
            )

    _assert_queries_do_not_grow(client_for(viewer), f"/c/{community.slug}/t/{thread.pk}/", grow)


@pytest.mark.parametrize("viewer_role", ["anonymous", "member", "coordinator"])
def test_members_page_queries_do_not_grow_with_members(viewer_role: str) -> None:
    community = make_community(join_policy=JoinPolicy.REQUEST)
    coordinator = _coordinator(community)
    viewer = {
        "anonymous": None,
        "member": add_member(community),
        "coordinator": coordinator,
    }[viewer_role]

    def grow(count: int) -> None:
        for i in range(count):
            # Not add_member: it expects a single coordinator, and this adds more.
            member = make_user()
            approve_request(
                membership=request_to_join(community=community, user=member), by=coordinator
            )
            if i % 2:
                update_member_roles(
                    membership=_membership(community, member),
                    role="coordinator" if i == 1 else "member",
                    leadership_roles=["boundary", "interpersonal"],
                    by=coordinator,
                )
            add_pending(community)

    _assert_queries_do_not_grow(client_for(viewer), f"/c/{community.slug}/members/", grow)


# --- API -------------------------------------------------------------------------


def test_api_communities_queries_do_not_grow_with_communities(viewer_kind: str) -> None:
    viewer = make_user() if viewer_kind == "member" else None

    def grow(count: int) -> None:
        for i in range(count):
            community = make_community(
                visibility="members" if i % 2 else "public", topics=(f"Topic {i}", "Shared")
            )
            if viewer is not None:
                add_member(community, viewer)

    _assert_queries_do_not_grow(client_for(viewer), "/api/v1/communities", grow)


def test_api_threads_queries_do_not_grow_with_threads(
    community_and_viewer: tuple[Community, User | None],
) -> None:
    community, viewer = community_and_viewer

    def grow(count: int) -> None:
        _add_threads(community, count)

    _assert_queries_do_not_grow(
        client_for(viewer), f"/api/v1/communities/{community.slug}/threads", grow
    )


def test_api_thread_detail_queries_do_not_grow_with_posts(
    community_and_viewer: tuple[Community, User | None],
) -> None:
    community, viewer = community_and_viewer
    thread = make_thread(community, kind="problem_solving", topics=("hops",))

    def grow(count: int) -> None:
        for _ in range(count):
            reply = make_reply(thread)
            if viewer is not None:
                vote_helpful(post=reply, by=viewer, membership=_membership(community, viewer))

    _assert_queries_do_not_grow(
        client_for(viewer), f"/api/v1/communities/{community.slug}/threads/{thread.pk}", grow
    )


def _add_events(community: Community, count: int, *, viewer: User | None = None) -> None:
    """Events led by new members, on topics, with answers from new members (and the viewer)."""
    start = timezone.now() + timedelta(days=3)
    for i in range(count):
        leader = add_member(community)
        event = schedule_event(
            community=community, by=leader, kind="workshop", title=f"Workshop {i}",
            starts_at=start + timedelta(hours=i), ends_at=start + timedelta(hours=i + 1),
            topics=["hops", "yeast"], leaders=[leader.username, _coordinator(community).username],
        )  # fmt: skip
        respond_to_event(event=event, by=add_member(community), response="going")
        if viewer is not None:
            respond_to_event(event=event, by=viewer, response="maybe")


def test_event_list_queries_do_not_grow_with_events(
    community_and_viewer: tuple[Community, User | None],
) -> None:
    community, viewer = community_and_viewer
    _assert_queries_do_not_grow(
        client_for(viewer),
        f"/c/{community.slug}/events/",
        lambda count: _add_events(community, count, viewer=viewer),
    )


def test_my_events_queries_do_not_grow_with_events_and_communities() -> None:
    viewer = make_user()

    def grow(count: int) -> None:
        for _ in range(count):
            community = make_community(topics=("Hops", "Yeast"))
            add_member(community, viewer)
            _add_events(community, 2, viewer=viewer)

    _assert_queries_do_not_grow(client_for(viewer), "/events/", grow)


def test_event_page_queries_do_not_grow_with_people_coming() -> None:
    community = make_community(topics=("Hops", "Yeast"))
    _add_events(community, 1)
    event = Event.objects.get()

    def grow(count: int) -> None:
        for _ in range(count):
            respond_to_event(event=event, by=add_member(community), response="going")

    url = f"/c/{community.slug}/events/{event.pk}/"
    _assert_queries_do_not_grow(client_for(add_member(community)), url, grow)


def test_api_events_queries_do_not_grow_with_events(viewer_kind: str) -> None:
    community = make_community(topics=("Hops", "Yeast"))
    viewer = add_member(community) if viewer_kind == "member" else None
    _assert_queries_do_not_grow(
        client_for(viewer),
        f"/api/v1/communities/{community.slug}/events",
        lambda count: _add_events(community, count, viewer=viewer),
    )
