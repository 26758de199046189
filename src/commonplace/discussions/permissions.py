"""Rules for threads and posts, on top of the community's membership rules."""

from __future__ import annotations

from typing import Any

from commonplace.communities.models import Membership
from commonplace.communities.permissions import can_coordinate, can_participate
from commonplace.core.errors import ForbiddenError
from commonplace.discussions.models import Post, Thread


def can_edit(user: Any, author_id: int | None, membership: Membership | None) -> bool:
    return bool(user.is_authenticated) and user.id == author_id and can_participate(membership)


def can_delete(user: Any, author_id: int | None, membership: Membership | None) -> bool:
    return can_edit(user, author_id, membership) or can_coordinate(membership)


def can_vote(user: Any, post: Post, membership: Membership | None) -> bool:
    return can_participate(membership) and post.author_id != user.id


def can_accept_answer(user: Any, thread: Thread, membership: Membership | None) -> bool:
    """The asker or a coordinator decides which answer resolved a question."""
    if not thread.is_question or not can_participate(membership):
        return False
    return thread.author_id == user.id or can_coordinate(membership)


def check_can_edit(user: Any, author_id: int | None, membership: Membership | None) -> None:
    if not can_edit(user, author_id, membership):
        raise ForbiddenError("Only the author can edit this.")


def check_can_delete(user: Any, author_id: int | None, membership: Membership | None) -> None:
    if not can_delete(user, author_id, membership):
        raise ForbiddenError("Only the author or a coordinator can delete this.")


def check_can_vote(user: Any, post: Post, membership: Membership | None) -> None:
    if not can_participate(membership):
        raise ForbiddenError("Only members of this community can vote. Join it first.")
    if post.author_id == user.id:
        raise ForbiddenError("You cannot mark your own post as helpful.")


def check_can_accept_answer(user: Any, thread: Thread, membership: Membership | None) -> None:
    if not thread.is_question:
        raise ForbiddenError("Only questions can be resolved by accepting an answer.")
    if not can_accept_answer(user, thread, membership):
        raise ForbiddenError("Only the person who asked or a coordinator can accept an answer.")
