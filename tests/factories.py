"""Test data made through the real actions, so tests see what users see."""

from __future__ import annotations

import itertools
from typing import Any

from django.test import Client

from commonplace.accounts.actions import create_api_token, sign_up
from commonplace.accounts.models import User
from commonplace.communities.actions import (
    approve_request,
    create_community,
    invite_member,
    join_community,
    request_to_join,
)
from commonplace.communities.models import Community, JoinPolicy, Membership
from commonplace.discussions.actions import reply_to_thread, start_thread
from commonplace.discussions.models import Post, Thread

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def make_user(username: str | None = None, **extra: Any) -> User:
    n = next(_seq)
    username = username or f"person{n}"
    return sign_up(
        username=username,
        email=extra.pop("email", f"{username}@example.org"),
        password=PASSWORD,
        display_name=extra.pop("display_name", username.title()),
    )


def make_community(
    *,
    coordinator: User | None = None,
    slug: str | None = None,
    visibility: str = "public",
    join_policy: str = JoinPolicy.OPEN,
    topics: tuple[str, ...] = ("Hops", "Yeast"),
    **charter: Any,
) -> Community:
    n = next(_seq)
    slug = slug or f"community-{n}"
    return create_community(
        name=charter.pop("name", f"Community {n}"),
        slug=slug,
        domain_statement=charter.pop("domain_statement", f"The practice of {slug}."),
        by=coordinator or make_user(),
        topics=topics,
        visibility=visibility,
        join_policy=join_policy,
        **charter,
    )


def add_member(community: Community, user: User | None = None) -> User:
    """Make `user` an active member whatever the join policy."""
    user = user or make_user()
    coordinator = community.memberships.get(role="coordinator").user
    if community.join_policy == JoinPolicy.OPEN:
        join_community(community=community, user=user)
    elif community.join_policy == JoinPolicy.REQUEST:
        approve_request(membership=request_to_join(community=community, user=user), by=coordinator)
    else:
        invite_member(community=community, user=user, by=coordinator)
        join_community(community=community, user=user)
    return user


def add_pending(community: Community, user: User | None = None) -> Membership:
    user = user or make_user()
    return Membership.objects.create(
        community=community, user=user, status="pending", created_at=community.created_at
    )


def make_thread(
    community: Community,
    author: User | None = None,
    *,
    kind: str = "seeking_experience",
    title: str | None = None,
    body: str = "Has anyone dealt with a stuck fermentation?",
    topics: tuple[str, ...] = (),
) -> Thread:
    author = author or add_member(community)
    n = next(_seq)
    return start_thread(
        community=community,
        author=author,
        kind=kind,
        title=title or f"Thread {n} of {community.slug}",
        body=body,
        topics=topics,
    )


def make_reply(
    thread: Thread, author: User | None = None, body: str = "Try warming it up."
) -> Post:
    author = author or add_member(thread.community)
    return reply_to_thread(thread=thread, author=author, body=body)


def make_token(user: User) -> str:
    return create_api_token(user=user, name="tests")[1]


def declare_skills(user: User, *skills: str) -> User:
    """Set the skills on `user`'s profile, as the profile form does."""
    from commonplace.accounts.actions import update_profile

    return update_profile(
        user=user, display_name=user.display_name, bio=user.bio, org_unit=user.org_unit,
        location=user.location, skills=list(skills), interests=user.interests,
    )  # fmt: skip


def client_for(user: User | None = None) -> Client:
    """A test client signed in as `user` (anonymous without one)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
