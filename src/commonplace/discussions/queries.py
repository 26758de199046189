"""Reads about threads and posts. The caller has checked read access."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from commonplace.communities.models import Community, Topic
from commonplace.communities.queries import (
    personal_memberships,
    personal_notifications,
    readable_community_ids,
)
from commonplace.discussions.models import (
    KIND_EXAMPLES,
    QUESTION_KINDS,
    LinkKind,
    Post,
    Thread,
    ThreadKind,
    ThreadLink,
    Vote,
)


@dataclass(frozen=True)
class ThreadFilters:
    """Thread list filters as read from a query string; unknown values are ignored
    by the view's form before they get here."""

    kind: str = ""
    topic: str = ""
    author: str = ""
    state: str = ""  # "", "unanswered", "open", "resolved"


def _with_list_relations(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    return threads.select_related("author", "community").prefetch_related(
        Prefetch("topics", queryset=Topic.objects.only("id", "slug", "name"))
    )


def list_threads(*, community: Community, filters: ThreadFilters | None = None) -> QuerySet[Thread]:
    """Live threads of a community, most recently active first."""
    filters = filters or ThreadFilters()
    threads = Thread.objects.filter(community=community, deleted_at__isnull=True)
    if filters.kind:
        threads = threads.filter(kind=filters.kind)
    if filters.topic:
        threads = threads.filter(topics__community=community, topics__slug=filters.topic)
    if filters.author:
        threads = threads.filter(author__username=filters.author)
    if filters.state == "unanswered":
        threads = threads.filter(reply_count=0)
    elif filters.state == "open":
        threads = threads.filter(kind__in=QUESTION_KINDS, accepted_answer__isnull=True)
    elif filters.state == "resolved":
        threads = threads.filter(accepted_answer__isnull=False)
    return _with_list_relations(threads.order_by("-last_activity_at", "-id"))


def list_recent_threads(*, community: Community, limit: int = 8) -> list[Thread]:
    return list(list_threads(community=community)[:limit])


def list_posts(*, thread: Thread) -> QuerySet[Post]:
    """Live posts of a thread, opening first."""
    return (
        Post.objects.filter(thread=thread, deleted_at__isnull=True)
        .select_related("author")
        .order_by("-is_opening", "created_at", "id")
    )


def list_linked_threads(*, thread: Thread) -> list[tuple[str, Thread]]:
    """Threads this one duplicates or relates to, and those pointing at it, live ones only."""
    links = ThreadLink.objects.filter(
        Q(from_thread=thread) | Q(to_thread=thread),
        from_thread__deleted_at__isnull=True,
        to_thread__deleted_at__isnull=True,
    ).select_related("from_thread", "to_thread")
    linked: list[tuple[str, Thread]] = []
    for link in links:
        if link.from_thread_id == thread.pk:
            label = "Duplicate of" if link.kind == LinkKind.DUPLICATE else "Related to"
            linked.append((label, link.to_thread))
        else:
            label = "Duplicated by" if link.kind == LinkKind.DUPLICATE else "Related to"
            linked.append((label, link.from_thread))
    return linked


def voted_post_ids(*, user: Any, posts: Iterable[Post]) -> set[int]:
    """Which of `posts` the user marked helpful, in one query."""
    if not user.is_authenticated:
        return set()
    ids = [p.pk for p in posts]
    return set(Vote.objects.filter(user=user, post_id__in=ids).values_list("post_id", flat=True))


def count_open_questions(*, community: Community) -> int:
    return Thread.objects.filter(
        community=community,
        deleted_at__isnull=True,
        kind__in=QUESTION_KINDS,
        accepted_answer__isnull=True,
    ).count()


def kind_choices() -> list[tuple[str, str, str]]:
    """Each kind with its label and an example sentence, for the compose page."""
    return [(k.value, k.label, KIND_EXAMPLES[k]) for k in ThreadKind]


def personal_contributions(*, user: Any) -> dict[str, list[dict[str, Any]]]:
    """What `user` wrote and voted for, for their own data download.

    Their own words are theirs wherever they were written; the title of
    someone else's thread is shown only where they may still read it, and
    not once it was deleted.
    """
    readable = set(readable_community_ids(user).values_list("id", flat=True))

    def thread_info(thread: Thread) -> dict[str, Any]:
        info: dict[str, Any] = {"thread_id": thread.pk, "community": None, "thread_title": None}
        visible = thread.community_id in readable and thread.deleted_at is None
        if visible or thread.author_id == user.pk:
            info.update(community=thread.community.slug, thread_title=thread.title)
        return info

    posts = Post.objects.filter(author=user, deleted_at__isnull=True).select_related(
        "thread__community"
    )
    votes = Vote.objects.filter(user=user).select_related("post__thread__community")
    return {
        "posts": [
            {
                "id": post.pk,
                **thread_info(post.thread),
                "is_opening": post.is_opening,
                "body": post.body,
                "created_at": post.created_at.isoformat(),
                "edited_at": post.edited_at.isoformat() if post.edited_at else None,
            }
            for post in posts.order_by("created_at", "pk")
        ],
        "votes": [
            {
                "post_id": vote.post_id,
                **thread_info(vote.post.thread),
                "at": vote.created_at.isoformat(),
            }
            for vote in votes.order_by("created_at", "pk")
        ],
    }


def personal_data(user: Any) -> dict[str, object]:
    """Everything a person may take away about themselves (profile, memberships, posts, votes)."""
    profile_fields = ("username", "display_name", "email", "bio", "org_unit", "location")
    return {
        "profile": {
            **{f: getattr(user, f) for f in profile_fields},
            "skills": user.skills,
            "interests": user.interests,
            "routes_questions": user.routes_questions,
            "email_notifications": user.email_notifications,
            "time_zone": user.time_zone,
            "date_joined": user.date_joined.isoformat(),
        },
        "memberships": personal_memberships(user=user),
        **personal_contributions(user=user),
        **personal_notifications(user=user),
    }
