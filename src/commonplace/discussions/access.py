"""Load threads and posts through their community, never by bare id."""

from __future__ import annotations

from django.http import Http404

from commonplace.communities.access import CommunityAccess
from commonplace.discussions.models import Post, Thread


def access_thread(*, access: CommunityAccess, thread_id: int) -> Thread:
    """A live thread of the community the viewer may read; 404 otherwise."""
    thread = (
        Thread.objects.select_related("author", "community")
        .filter(community=access.community, pk=thread_id, deleted_at__isnull=True)
        .first()
    )
    if thread is None:
        raise Http404("No such thread in this community.")
    return thread


def access_post(*, access: CommunityAccess, post_id: int) -> Post:
    """A live post of a live thread of the community; 404 otherwise."""
    post = (
        Post.objects.select_related("thread", "author")
        .filter(
            pk=post_id,
            thread__community=access.community,
            thread__deleted_at__isnull=True,
            deleted_at__isnull=True,
        )
        .first()
    )
    if post is None:
        raise Http404("No such post in this community.")
    return post
