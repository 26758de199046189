"""Writes to threads, posts and votes. The caller has authorized `by`.

Permission checks that depend on the object (own post, asker) are made
here too, so web, API and CLI cannot diverge.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from commonplace.accounts.models import User
from commonplace.communities.actions import withdraw_notifications
from commonplace.communities.models import Community, Membership
from commonplace.communities.queries import resolve_topics
from commonplace.core.activity import record_activity
from commonplace.core.db import latest
from commonplace.core.errors import ConflictError, DomainError
from commonplace.core.markdown import render_markdown, sanitize_html
from commonplace.core.models import Verb
from commonplace.discussions import permissions
from commonplace.discussions.models import (
    LinkKind,
    Post,
    PostRevision,
    Thread,
    ThreadKind,
    ThreadLink,
    Vote,
)

MAX_TITLE = 200
MAX_BODY = 50_000


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise DomainError("Give the thread a title.", field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(f"Keep the title under {MAX_TITLE} characters.", field="title")
    return title


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise DomainError("Write something first.", field="body")
    if len(body) > MAX_BODY:
        raise DomainError(f"Keep it under {MAX_BODY:,} characters.", field="body")
    return body


def _render(body: str, imported_html: str | None) -> str:
    return sanitize_html(imported_html) if imported_html is not None else render_markdown(body)


def _bump(thread: Thread, at: datetime, **counters: int) -> None:
    """Move the thread and its community to the top of "recent activity"."""
    updates = {name: F(name) + delta for name, delta in counters.items()}
    Thread.objects.filter(pk=thread.pk).update(
        last_activity_at=latest("last_activity_at", at), **updates
    )
    Community.objects.filter(pk=thread.community_id).update(
        last_activity_at=latest("last_activity_at", at)
    )


@transaction.atomic
def start_thread(
    *,
    community: Community,
    author: User | None,
    kind: str,
    title: str,
    body: str,
    topics: Sequence[str] = (),
    at: datetime | None = None,
    imported_html: str | None = None,
    source_url: str = "",
) -> Thread:
    """Open a thread with its first post. The caller checked that `author` is a member.

    Importers pass the source's own HTML as `imported_html` (sanitized here,
    like everything else) and the text as `body`, so both the original
    rendering and an editable text are kept.
    """
    if kind not in ThreadKind.values:
        raise DomainError(f"Unknown kind of thread “{kind}”.", field="kind")
    title = _clean_title(title)
    body = _clean_body(body)
    topic_objects = resolve_topics(community, topics)
    now = at or timezone.now()
    thread = Thread.objects.create(
        community=community,
        kind=kind,
        title=title,
        author=author,
        created_at=now,
        last_activity_at=now,
    )
    thread.topics.set(topic_objects)
    Post.objects.create(
        thread=thread,
        author=author,
        is_opening=True,
        body=body,
        body_html=_render(body, imported_html),
        created_at=now,
        source_url=source_url,
    )
    Community.objects.filter(pk=community.pk).update(
        thread_count=F("thread_count") + 1, last_activity_at=latest("last_activity_at", now)
    )
    record_activity(
        actor=author,
        verb=Verb.THREAD_STARTED,
        community=community,
        target=thread,
        at=now,
        data={"kind": kind},
    )
    return thread


@transaction.atomic
def reply_to_thread(
    *,
    thread: Thread,
    author: User | None,
    body: str,
    at: datetime | None = None,
    parent: Post | None = None,
    is_comment: bool = False,
    imported_html: str | None = None,
    source_url: str = "",
) -> Post:
    """Reply to a thread (answering `parent`, if given), or comment on `parent`.

    `author` is None only for imported posts whose author is unknown.
    Comments do not count as replies: a question with comments only is
    still unanswered.
    """
    if is_comment and parent is None:
        raise DomainError("A comment must say which post it is about.")
    body = _clean_body(body)
    if parent is not None and parent.thread_id != thread.pk:
        raise DomainError("That post does not belong to this thread.")
    now = at or timezone.now()
    post = Post.objects.create(
        thread=thread,
        author=author,
        body=body,
        body_html=_render(body, imported_html),
        created_at=now,
        parent=parent,
        is_comment=is_comment,
        source_url=source_url,
    )
    _bump(thread, now, **({} if is_comment else {"reply_count": 1}))
    record_activity(
        actor=author,
        verb=Verb.POST_REPLIED,
        community=thread.community,
        target=post,
        at=now,
        data={"thread_id": thread.pk},
    )
    return post


def _keep_revision(post: Post, *, title: str, by: User | None) -> None:
    PostRevision.objects.create(
        post=post, title=title, body=post.body, edited_by=by, created_at=timezone.now()
    )


@transaction.atomic
def edit_thread(
    *,
    thread: Thread,
    by: User,
    membership: Membership | None,
    title: str,
    body: str,
    topics: Sequence[str],
) -> Thread:
    """Change the title, opening text and topics, keeping the previous version."""
    permissions.check_can_edit(by, thread.author_id, membership)
    title = _clean_title(title)
    body = _clean_body(body)
    topic_objects = resolve_topics(thread.community, topics)
    opening = thread.posts.get(is_opening=True)
    if title != thread.title or body != opening.body:
        _keep_revision(opening, title=thread.title, by=by)
        opening.body = body
        opening.body_html = render_markdown(body)
        opening.edited_at = timezone.now()
        opening.save(update_fields=["body", "body_html", "edited_at"])
        thread.title = title
        thread.save(update_fields=["title"])
    thread.topics.set(topic_objects)
    record_activity(actor=by, verb=Verb.THREAD_EDITED, community=thread.community, target=thread)
    return thread


@transaction.atomic
def edit_post(*, post: Post, by: User, membership: Membership | None, body: str) -> Post:
    permissions.check_can_edit(by, post.author_id, membership)
    body = _clean_body(body)
    if body == post.body:
        return post
    _keep_revision(post, title="", by=by)
    post.body = body
    post.body_html = render_markdown(body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    record_activity(
        actor=by,
        verb=Verb.POST_EDITED,
        community=post.thread.community,
        target=post,
        data={"thread_id": post.thread_id},
    )
    return post


@transaction.atomic
def delete_thread(*, thread: Thread, by: User, membership: Membership | None) -> Thread:
    """Hide a thread and its posts. Rows stay, so the activity log stays whole."""
    permissions.check_can_delete(by, thread.author_id, membership)
    now = timezone.now()
    thread.deleted_at = now
    thread.save(update_fields=["deleted_at"])
    Community.objects.filter(pk=thread.community_id).update(thread_count=F("thread_count") - 1)
    # Nobody should be asked, or e-mailed, about a thread that is gone.
    withdraw_notifications(target=thread)
    record_activity(actor=by, verb=Verb.THREAD_DELETED, community=thread.community, target=thread)
    return thread


@transaction.atomic
def delete_post(*, post: Post, by: User, membership: Membership | None) -> Post:
    """Delete a reply; deleting the opening post deletes the whole thread."""
    thread = post.thread
    if post.is_opening:
        delete_thread(thread=thread, by=by, membership=membership)
        return post
    permissions.check_can_delete(by, post.author_id, membership)
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    updates: dict[str, object] = {"reply_count": F("reply_count") - 1}
    if thread.accepted_answer_id == post.pk:
        updates["accepted_answer"] = None
    Thread.objects.filter(pk=thread.pk).update(**updates)
    record_activity(
        actor=by,
        verb=Verb.POST_DELETED,
        community=thread.community,
        target=post,
        data={"thread_id": thread.pk},
    )
    return post


def _count_vote(
    post: Post, voter: User | None, at: datetime, *, repeated: str, **data: object
) -> Post:
    """Record one helpful vote: the row, both counters and the activity."""
    try:
        with transaction.atomic():
            Vote.objects.create(post=post, user=voter, created_at=at)
    except IntegrityError:
        raise ConflictError(repeated) from None
    Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") + 1)
    Thread.objects.filter(pk=post.thread_id).update(helpful_count=F("helpful_count") + 1)
    record_activity(
        actor=voter,
        verb=Verb.POST_VOTED,
        community=post.thread.community,
        target=post,
        at=at,
        data={"thread_id": post.thread_id, "author_id": post.author_id, **data},
    )
    return post


@transaction.atomic
def vote_helpful(
    *, post: Post, by: User, membership: Membership | None, at: datetime | None = None
) -> Post:
    permissions.check_can_vote(by, post, membership)
    _count_vote(
        post, by, at or timezone.now(), repeated="You have already marked this post as helpful."
    )
    post.refresh_from_db(fields=["helpful_count"])
    return post


@transaction.atomic
def withdraw_vote(*, post: Post, by: User) -> Post:
    deleted, _ = Vote.objects.filter(post=post, user=by).delete()
    if not deleted:
        raise ConflictError("You have not marked this post as helpful.")
    Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") - 1)
    Thread.objects.filter(pk=post.thread_id).update(helpful_count=F("helpful_count") - 1)
    record_activity(
        actor=by,
        verb=Verb.POST_UNVOTED,
        community=post.thread.community,
        target=post,
        data={"thread_id": post.thread_id},
    )
    post.refresh_from_db(fields=["helpful_count"])
    return post


@transaction.atomic
def accept_answer(
    *,
    thread: Thread,
    answer: Post,
    by: User,
    membership: Membership | None,
    at: datetime | None = None,
) -> Thread:
    """Resolve `thread` with `answer`; a later call moves the acceptance."""
    if answer.thread_id != thread.pk:
        raise DomainError("That post does not belong to this thread.")
    permissions.check_can_accept_answer(by, thread, membership)
    if answer.is_opening:
        raise DomainError("The question itself cannot be its answer.")
    if answer.is_deleted:
        raise DomainError("That answer was deleted.")
    thread.accepted_answer = answer
    thread.save(update_fields=["accepted_answer"])
    record_activity(
        actor=by,
        verb=Verb.ANSWER_ACCEPTED,
        community=thread.community,
        target=answer,
        at=at,
        data={"thread_id": thread.pk, "author_id": answer.author_id},
    )
    return thread


@transaction.atomic
def unaccept_answer(*, thread: Thread, by: User, membership: Membership | None) -> Thread:
    permissions.check_can_accept_answer(by, thread, membership)
    if thread.accepted_answer_id is None:
        raise ConflictError("This thread has no accepted answer.")
    previous = thread.accepted_answer_id
    thread.accepted_answer = None
    thread.save(update_fields=["accepted_answer"])
    record_activity(
        actor=by,
        verb=Verb.ANSWER_UNACCEPTED,
        community=thread.community,
        target=thread,
        data={"post_id": previous},
    )
    return thread


@transaction.atomic
def add_imported_vote(*, post: Post, voter: User | None, at: datetime) -> Post:
    """A helpful vote from imported history; the source may not say who cast it."""
    if voter is not None and voter.pk == post.author_id:
        raise DomainError("A vote on one's own post cannot be imported.")
    return _count_vote(
        post,
        voter,
        at,
        repeated="This person's vote on the post was imported already.",
        imported=True,
    )


@transaction.atomic
def link_threads(
    *,
    from_thread: Thread,
    to_thread: Thread,
    kind: str,
    by: User | None,
    at: datetime | None = None,
) -> ThreadLink:
    """Say that one thread duplicates or relates to another of the same community."""
    if kind not in LinkKind.values:
        raise DomainError(f"Unknown kind of link “{kind}”.", field="kind")
    if from_thread.pk == to_thread.pk:
        raise DomainError("A thread cannot link to itself.")
    if from_thread.community_id != to_thread.community_id:
        raise DomainError("Both threads must belong to the same community.")
    if ThreadLink.objects.filter(from_thread=from_thread, to_thread=to_thread, kind=kind).exists():
        raise ConflictError("These threads are linked already.")
    now = at or timezone.now()
    link = ThreadLink.objects.create(
        from_thread=from_thread, to_thread=to_thread, kind=kind, created_by=by, created_at=now
    )
    record_activity(
        actor=by,
        verb=Verb.THREADS_LINKED,
        community=from_thread.community,
        target=link,
        at=now,
        data={"from": from_thread.pk, "to": to_thread.pk, "kind": kind},
    )
    return link


@transaction.atomic
def revise_imported_post(
    *, post: Post, body: str, imported_html: str | None, title: str | None, by: User | None
) -> Post:
    """The source changed a post that was imported before: keep the old text as a revision."""
    body = _clean_body(body)
    thread = post.thread
    _keep_revision(post, title=thread.title if post.is_opening else "", by=by)
    post.body = body
    post.body_html = _render(body, imported_html)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    if title is not None and post.is_opening and title != thread.title:
        thread.title = _clean_title(title)
        thread.save(update_fields=["title"])
    record_activity(
        actor=by,
        verb=Verb.POST_EDITED,
        community=thread.community,
        target=post,
        data={"thread_id": thread.pk, "imported": True},
    )
    return post
