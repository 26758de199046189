"""Pages for discussions, through the real URLs, with and without htmx."""

import pytest
from django.test import Client

from commonplace.discussions.models import Post, Thread
from tests.factories import add_member, client_for, make_community, make_reply, make_thread

pytestmark = pytest.mark.django_db


def test_compose_page_explains_every_kind_with_an_example():
    community = make_community()
    page = client_for(community.created_by).get(f"/c/{community.slug}/t/new/")
    assert page.status_code == 200
    assert b"Has anyone dealt with a customer in this situation?" in page.content
    assert page.content.count(b'name="kind"') == 9


def test_thread_new_keeps_what_was_typed_on_error():
    community = make_community()
    page = client_for(community.created_by).post(
        f"/c/{community.slug}/t/new/",
        {"kind": "visit", "title": "", "body": "A long careful text that must not be lost."},
    )
    assert page.status_code == 422
    assert b"A long careful text that must not be lost." in page.content
    assert not Thread.objects.exists()


def test_reply_with_htmx_returns_fragment_and_without_redirects():
    community = make_community()
    thread = make_thread(community)
    member = add_member(community)
    client = client_for(member)
    url = f"/c/{community.slug}/t/{thread.pk}/reply/"
    plain = client.post(url, {"body": "Plain reply"})
    assert plain.status_code == 302 and f"/t/{thread.pk}/#post-" in plain["Location"]
    fragment = client.post(url, {"body": "Live reply"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"Live reply" in fragment.content and b"<html" not in fragment.content
    assert b'hx-swap-oob="beforeend:#replies"' in fragment.content
    assert Post.objects.filter(thread=thread, is_opening=False).count() == 2


def test_vote_and_accept_with_htmx_return_fragments():
    community = make_community()
    thread = make_thread(community)
    reply = make_reply(thread)
    client = client_for(thread.author)
    vote = client.post(f"/c/{community.slug}/p/{reply.pk}/vote/", headers={"HX-Request": "true"})
    assert vote.status_code == 200 and b'aria-pressed="true"' in vote.content
    undo = client.post(
        f"/c/{community.slug}/p/{reply.pk}/vote/", {"undo": "1"}, headers={"HX-Request": "true"}
    )
    assert b'aria-pressed="false"' in undo.content
    accept = client.post(
        f"/c/{community.slug}/t/{thread.pk}/accept/",
        {"post": reply.pk},
        headers={"HX-Request": "true"},
    )
    assert accept.status_code == 200 and b"Accepted answer" in accept.content
    thread.refresh_from_db()
    assert thread.accepted_answer_id == reply.pk


def test_thread_list_filters_by_kind_topic_state_and_author():
    community = make_community()
    asked = make_thread(community, kind="problem_solving", title="Question one", topics=("hops",))
    make_thread(community, kind="visit", title="A visit")
    make_reply(asked)
    client = Client()
    base = f"/c/{community.slug}/t/"
    assert b"Question one" in client.get(base + "?kind=problem_solving").content
    assert b"A visit" not in client.get(base + "?kind=problem_solving").content
    assert b"A visit" not in client.get(base + "?topic=hops").content
    assert b"Question one" not in client.get(base + "?state=unanswered").content
    assert b"Question one" in client.get(base + "?state=open").content
    assert b"Question one" in client.get(base + f"?author={asked.author.username}").content


def test_edit_history_page_shows_previous_text():
    community = make_community()
    reply = make_reply(make_thread(community), body="First words")
    client = client_for(reply.author)
    client.post(f"/c/{community.slug}/p/{reply.pk}/edit/", {"body": "Second words"})
    history = client.get(f"/c/{community.slug}/p/{reply.pk}/history/")
    assert b"First words" in history.content and b"Second words" in history.content
