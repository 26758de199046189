"""Find an expert: by topic or by question, on the page and in the API, never leaking."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commonplace.discussions.actions import accept_answer, reply_to_thread
from commonplace.insights.queries import find_experts_for_question, find_experts_on_topic
from tests.factories import add_member, make_community, make_thread, make_token, make_user
from tests.search.helpers import membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communities():  # type: ignore[no-untyped-def]
    """Brewers (public) with Bob on hops; the guild (private) with Carol on hops too."""
    coordinator = make_user("coord")
    brewers = make_community(slug="brewers", coordinator=coordinator)
    guild = make_community(slug="guild", coordinator=coordinator, visibility="private")
    asker = add_member(brewers, make_user("asker"))
    add_member(guild, asker)
    bob = add_member(brewers, make_user("bob"))
    carol = add_member(guild, make_user("carol"))
    for community, expert, body in (
        (brewers, bob, "Dry hop at cooler temperatures to avoid hop creep."),
        (guild, carol, "Secret guild method: dry hop cold for two days, then crash."),
    ):
        thread = make_thread(
            community, asker, kind="request_for_information",
            title="How do I avoid hop creep when dry hopping?", topics=("hops",),
        )  # fmt: skip
        answer = reply_to_thread(thread=thread, author=expert, body=body)
        accept_answer(
            thread=thread, answer=answer, by=asker, membership=membership(community, asker)
        )
    return coordinator, asker, bob, carol


def _names(found) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.person.username for e in found]


def test_find_experts_on_topic_lists_readable_communities_only(two_communities) -> None:  # type: ignore[no-untyped-def]
    _, asker, bob, carol = two_communities
    outsider = make_user("outsider")
    assert _names(find_experts_on_topic(viewer=outsider, topic="Hops")) == ["bob"]
    both = find_experts_on_topic(viewer=asker, topic="hops")
    assert set(_names(both)) == {"bob", "carol"}
    carol_found = next(e for e in both if e.person == carol)
    assert [s.community.slug for s in carol_found.strengths] == ["guild"]
    assert carol_found.strengths[0].reasons[0] == "1 accepted answer in the last year"
    assert find_experts_on_topic(viewer=outsider, topic="no such topic") == []


def test_find_experts_for_question_uses_readable_evidence_only(two_communities) -> None:  # type: ignore[no-untyped-def]
    _, asker, _, _ = two_communities
    outsider = make_user("outsider")
    question = "Dry hopping gives me hop creep, what temperature should I use?"
    found = find_experts_for_question(viewer=outsider, question=question)
    assert _names(found) == ["bob"]
    assert found[0].evidence == ["answered 1 similar question (1 accepted)"]
    # Carol's evidence is in the private guild: listed for its members only,
    # and never the asker themselves.
    assert set(_names(find_experts_for_question(viewer=asker, question=question))) == {
        "bob",
        "carol",
    }


def test_find_experts_page(client, two_communities) -> None:  # type: ignore[no-untyped-def]
    url = reverse("insights:experts")
    assert client.get(url).status_code == 200
    page = client.get(url, {"topic": "Hops"})
    text = page.content.decode()
    assert page.status_code == 200 and "Bob" in text and "Carol" not in text
    assert "1 accepted answer in the last year" in text
    empty = client.get(url, {"topic": " ", "q": ""})
    assert (
        empty.status_code == 422 and "Name a topic, or paste a question." in empty.content.decode()
    )
    too_long = client.get(url, {"q": "x" * 5000})
    assert too_long.status_code == 422
    client.force_login(two_communities[1])
    page = client.get(url, {"q": "How cold should a dry hop be to avoid hop creep?"})
    assert "Carol" in page.content.decode() and "Bob" in page.content.decode()


def test_find_experts_api(client, two_communities) -> None:  # type: ignore[no-untyped-def]
    _, asker, _, _ = two_communities
    anonymous = client.get("/api/v1/experts", {"topic": "hops"}).json()
    assert [e["person"]["username"] for e in anonymous] == ["bob"]
    assert anonymous[0]["strengths"][0]["community"] == "brewers"
    token = make_token(asker)
    member = client.get(
        "/api/v1/experts", {"topic": "hops"}, headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert {e["person"]["username"] for e in member} == {"bob", "carol"}
    bad = client.get("/api/v1/experts")
    assert bad.status_code == 422 and "Name a topic" in bad.json()["detail"]
