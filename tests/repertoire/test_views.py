"""Repertoire pages through the real URLs: flows, bad input and privacy."""

import pytest
from django.test import Client

from commonplace.discussions.actions import accept_answer
from commonplace.repertoire.actions import create_entry, edit_entry
from commonplace.repertoire.models import Entry
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


def _entry(community, title="Lock-out on customer sites"):
    return create_entry(
        community=community, by=community.created_by, kind="practice", title=title,
        body="## Steps\n\n1. Ask for the site's own rules", topics=["hops"],
    )  # fmt: skip


def test_write_down_a_resolved_thread_then_endorse_and_see_it_on_home():
    community = make_community(slug="brewers")
    thread = make_thread(community, title="Stuck at 1.030", kind="problem_solving")
    answer = make_reply(thread, body="Rouse the yeast")
    membership = community.memberships.get(user=thread.author)
    accept_answer(thread=thread, answer=answer, by=thread.author, membership=membership)
    client = client_for(thread.author)
    page = client.get(f"/c/brewers/t/{thread.pk}/")
    assert b"Write this down as a case" in page.content
    written = client.post(f"/c/brewers/t/{thread.pk}/write-down/")
    entry = Entry.objects.get()
    assert written.status_code == 302 and written["Location"] == f"/c/brewers/r/{entry.pk}/edit/"
    assert b"Written down in" in client.get(f"/c/brewers/t/{thread.pk}/").content
    coordinator = client_for(community.created_by)
    coordinator.post(
        f"/c/brewers/r/{entry.pk}/maturity/", {"maturity": "endorsed", "reason": "Works"}
    )
    client_for(add_member(community)).post(f"/c/brewers/r/{entry.pk}/endorse/")
    home = Client().get("/c/brewers/")
    assert b"Stuck at 1.030" in home.content and b"Endorsed" in home.content
    detail = Client().get(f"/c/brewers/r/{entry.pk}/")
    assert b"Rouse the yeast" in detail.content and b"Written down from" in detail.content


def test_entry_form_prefills_the_outline_of_its_kind_and_keeps_input_on_error():
    community = make_community(slug="brewers")
    client = client_for(community.created_by)
    assert b"## Situation" in client.get("/c/brewers/r/new/?kind=case").content
    page = client.post(
        "/c/brewers/r/new/", {"kind": "case", "title": "", "body": "Long careful text"}
    )
    assert page.status_code == 422 and b"Long careful text" in page.content
    bad_kind = client.post("/c/brewers/r/new/", {"kind": "poem", "title": "t", "body": "b"})
    assert bad_kind.status_code == 422
    assert not Entry.objects.exists()


def test_edit_conflict_is_shown_and_nothing_is_overwritten():
    community = make_community(slug="brewers")
    entry = _entry(community)
    other = add_member(community)
    edit_entry(
        entry=entry, by=other, base_version=1, title=entry.title, body="Their version", topics=[]
    )
    client = client_for(community.created_by)
    page = client.post(
        f"/c/brewers/r/{entry.pk}/edit/",
        {"title": entry.title, "body": "My version", "base_version": 1},
    )
    assert page.status_code == 409
    assert b"Saved by someone else meanwhile" in page.content and b"My version" in page.content
    entry.refresh_from_db()
    assert entry.body == "Their version"


def test_history_compares_two_versions_and_restores_one():
    community = make_community(slug="brewers")
    entry = _entry(community)
    edit_entry(
        entry=entry,
        by=community.created_by,
        base_version=1,
        title=entry.title,
        body="New text",
        topics=[],
    )
    client = client_for(community.created_by)
    page = client.get(f"/c/brewers/r/{entry.pk}/history/?a=1&b=2")
    assert b"diff-added" in page.content and b"New text" in page.content
    assert client.get(f"/c/brewers/r/{entry.pk}/history/?a=1&b=99").status_code == 404
    client.post(f"/c/brewers/r/{entry.pk}/restore/1/")
    entry.refresh_from_db()
    assert entry.version == 3 and "site's own rules" in entry.body


def test_list_filters_and_needs_review():
    community = make_community(slug="brewers")
    _entry(community, title="Practice one")
    due = _entry(community, title="Old practice")
    Entry.objects.filter(pk=due.pk).update(review_due="2020-01-01")
    client = Client()
    assert b"Old practice" in client.get("/c/brewers/r/?review=due").content
    assert b"Practice one" not in client.get("/c/brewers/r/?review=due").content
    assert b"Practice one" in client.get("/c/brewers/r/?kind=practice&topic=hops").content
    assert client.get("/c/brewers/r/?kind=zzz&page=abc").status_code == 200


VIEWERS = ["anonymous", "outsider", "pending", "member"]


@pytest.mark.parametrize("visibility", ["public", "members", "private"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_repertoire_privacy(visibility, viewer):
    community = make_community(slug="space", visibility=visibility, join_policy="request")
    entry = _entry(community, title="Secret practice zq")
    people = {
        "anonymous": None,
        "outsider": make_user(),
        "pending": add_pending(community).user,
        "member": add_member(community),
    }
    client = client_for(people[viewer])
    public_community = make_community(slug="open")
    readable = visibility == "public" or viewer == "member"
    for url in ("/c/space/r/", f"/c/space/r/{entry.pk}/", f"/c/space/r/{entry.pk}/history/"):
        response = client.get(url)
        if readable:
            assert response.status_code == 200, url
        else:
            assert response.status_code in {403, 404}, url
            assert b"Secret practice zq" not in response.content
    # A guessed id under another community's address never shows the entry.
    assert client.get(f"/c/open/r/{entry.pk}/").status_code == 404
    assert b"Secret practice zq" not in client.get(f"/c/{public_community.slug}/r/").content
    # Writes: only members; refused writes change nothing.
    before = Entry.objects.get(pk=entry.pk).endorsement_count
    response = client.post(f"/c/space/r/{entry.pk}/endorse/")
    entry.refresh_from_db()
    if viewer == "member":
        assert entry.endorsement_count == before + 1
    else:
        assert response.status_code in {302, 403, 404} and entry.endorsement_count == before
        if viewer == "anonymous":
            assert "/accounts/login/" in response["Location"]


def test_home_lists_entries_due_for_the_members_review_only_where_readable():
    community = make_community(slug="brewers")
    author = community.created_by
    due = _entry(community, title="Old practice zz")
    Entry.objects.filter(pk=due.pk).update(review_due="2020-01-01")
    _entry(community, title="Fresh practice")
    page = client_for(author).get("/")
    assert b"Due for your review" in page.content and b"Old practice zz" in page.content
    assert b"Fresh practice" not in page.content
    assert b"Due for your review" not in client_for(add_member(community)).get("/").content


def test_api_writes_several_threads_down_in_one_entry():
    from tests.factories import make_token

    community = make_community(slug="brewers")
    first = make_thread(community, title="Stuck at 1.030")
    second = make_thread(community, title="Stuck again at 1.028")
    elsewhere = make_thread(make_community(slug="other"), title="Not ours")
    member = add_member(community)
    client = Client(headers={"Authorization": f"Bearer {make_token(member)}"})
    url = f"/api/v1/communities/brewers/threads/{first.pk}/write-down"
    created = client.post(
        url, {"more_thread_ids": [second.pk], "title": "Stuck fermentations"},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201
    assert sorted(created.json()["source_thread_ids"]) == sorted([first.pk, second.pk])
    foreign = client.post(url, {"more_thread_ids": [elsewhere.pk]}, content_type="application/json")
    assert foreign.status_code == 404 and Entry.objects.count() == 1
