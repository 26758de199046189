import pytest

from commonplace.core.errors import ConflictError, DomainError, ForbiddenError
from commonplace.core.models import Activity, Verb
from commonplace.discussions.actions import (
    accept_answer,
    delete_post,
    delete_thread,
    edit_post,
    edit_thread,
    start_thread,
    vote_helpful,
    withdraw_vote,
)
from commonplace.discussions.models import Thread
from tests.factories import add_member, make_community, make_reply, make_thread

pytestmark = pytest.mark.django_db


def _m(community, user):
    return community.memberships.filter(user=user).first()


def test_start_thread_creates_opening_post_counts_and_activity():
    community = make_community()
    thread = make_thread(community, body="**bold** <script>alert(1)</script>", topics=("hops",))
    opening = thread.posts.get()
    assert opening.is_opening
    assert "<strong>bold</strong>" in opening.body_html
    assert "<script>" not in opening.body_html
    community.refresh_from_db()
    assert community.thread_count == 1
    assert [t.slug for t in thread.topics.all()] == ["hops"]
    assert Activity.objects.filter(verb=Verb.THREAD_STARTED, target_id=thread.pk).exists()


def test_start_thread_rejects_unknown_kind_topic_and_empty_text():
    community = make_community()
    author = add_member(community)
    bad = [
        {"kind": "gossip", "title": "t", "body": "b"},
        {"kind": "visit", "title": " ", "body": "b"},
        {"kind": "visit", "title": "t", "body": "   "},
        {"kind": "visit", "title": "t", "body": "b", "topics": ["nope"]},
        {"kind": "visit", "title": "x" * 201, "body": "b"},
    ]
    for arguments in bad:
        with pytest.raises(DomainError):
            start_thread(community=community, author=author, **arguments)
    assert not Thread.objects.exists()


def test_reply_bumps_thread_counters():
    community = make_community()
    thread = make_thread(community)
    make_reply(thread)
    make_reply(thread)
    thread.refresh_from_db()
    assert thread.reply_count == 2


def test_vote_helpful_counts_once_and_refuses_own_post():
    community = make_community()
    thread = make_thread(community)
    reply = make_reply(thread)
    voter = thread.author
    vote_helpful(post=reply, by=voter, membership=_m(community, voter))
    with pytest.raises(ConflictError):
        vote_helpful(post=reply, by=voter, membership=_m(community, voter))
    with pytest.raises(ForbiddenError):
        vote_helpful(post=reply, by=reply.author, membership=_m(community, reply.author))
    reply.refresh_from_db()
    assert reply.helpful_count == 1
    withdraw_vote(post=reply, by=voter)
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.helpful_count == 0 and thread.helpful_count == 0


def test_vote_helpful_refuses_non_members():
    community = make_community()
    reply = make_reply(make_thread(community))
    outsider = add_member(make_community())
    with pytest.raises(ForbiddenError):
        vote_helpful(post=reply, by=outsider, membership=None)


def test_edit_thread_keeps_previous_version():
    community = make_community()
    thread = make_thread(community, title="Old title", body="Old body")
    edit_thread(
        thread=thread,
        by=thread.author,
        membership=_m(community, thread.author),
        title="New title",
        body="New body",
        topics=["yeast"],
    )
    opening = thread.posts.get(is_opening=True)
    revision = opening.revisions.get()
    assert (revision.title, revision.body) == ("Old title", "Old body")
    assert opening.body == "New body" and opening.edited_at is not None


def test_edit_post_refuses_someone_else():
    community = make_community()
    reply = make_reply(make_thread(community))
    other = add_member(community)
    with pytest.raises(ForbiddenError):
        edit_post(post=reply, by=other, membership=_m(community, other), body="mine now")


def test_coordinator_may_delete_any_post_and_acceptance_is_cleared():
    community = make_community()
    thread = make_thread(community)
    reply = make_reply(thread)
    accept_answer(
        thread=thread, answer=reply, by=thread.author, membership=_m(community, thread.author)
    )
    coordinator = community.created_by
    delete_post(post=reply, by=coordinator, membership=_m(community, coordinator))
    thread.refresh_from_db()
    assert thread.accepted_answer_id is None and thread.reply_count == 0


def test_delete_thread_hides_it_and_updates_count():
    community = make_community()
    thread = make_thread(community)
    delete_thread(thread=thread, by=thread.author, membership=_m(community, thread.author))
    community.refresh_from_db()
    assert community.thread_count == 0
    assert Thread.objects.get(pk=thread.pk).is_deleted


def test_member_may_not_delete_another_members_thread():
    community = make_community()
    thread = make_thread(community)
    other = add_member(community)
    with pytest.raises(ForbiddenError):
        delete_thread(thread=thread, by=other, membership=_m(community, other))
