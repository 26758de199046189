"""The knowledge map: demand, supply, experts, bus factor, gaps; page, CSV and API."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commonplace.discussions.actions import accept_answer, reply_to_thread
from commonplace.events.actions import cancel_event, schedule_event
from commonplace.insights.knowledge_map import build_map, bus_factor, risk_colour, treemap
from commonplace.repertoire.actions import create_entry
from tests.factories import add_member, make_community, make_thread, make_user
from tests.search.helpers import membership

pytestmark = pytest.mark.django_db


def test_bus_factor_is_the_fewest_people_behind_half() -> None:
    assert bus_factor({}) == 0
    assert bus_factor({1: 5}) == 1
    assert bus_factor({1: 5, 2: 5}) == 1  # half exactly
    assert bus_factor({1: 3, 2: 3, 3: 3, 4: 3}) == 2
    assert bus_factor({1: 1, 2: 1, 3: 1}) == 2


def test_risk_colour_runs_from_green_to_red() -> None:
    assert risk_colour(0.0) == "#2f6f5e"
    assert risk_colour(0.5) == "#8a4b00"
    assert risk_colour(1.0) == "#a31f1f"


@pytest.fixture
def brewery():  # type: ignore[no-untyped-def]
    """Hops: answered and resolved by Bob, who also wrote an entry. Yeast: asked, never answered."""
    coordinator = make_user("coord")
    community = make_community(slug="brewers", coordinator=coordinator)
    asker = add_member(community, make_user("asker"))
    bob = add_member(community, make_user("bob", display_name="Bob Hopper"))
    now = timezone.now()
    for n in range(3):
        asked = now - timedelta(days=10 - n)
        thread = make_thread(
            community, asker, kind="request_for_information", title=f"Hops question {n}",
            topics=("hops",),
        )  # fmt: skip
        thread.created_at = asked
        thread.save(update_fields=["created_at"])
        answer = reply_to_thread(
            thread=thread, author=bob, body="Cooler.", at=asked + timedelta(hours=2 + n)
        )
        accept_answer(
            thread=thread, answer=answer, by=asker, membership=membership(community, asker),
            at=asked + timedelta(hours=10),
        )  # fmt: skip
    create_entry(
        community=community, by=bob, kind="practice", title="Dry hopping", body="Cold.",
        topics=["hops"],
    )  # fmt: skip
    waiting = make_thread(
        community, asker, kind="problem_solving", title="Stuck at 1.030", topics=("yeast",)
    )
    return community, bob, waiting


def test_build_map_measures_each_topic(brewery) -> None:  # type: ignore[no-untyped-def]
    community, _, waiting = brewery
    knowledge = build_map(community)
    hops, yeast = knowledge.topics  # most asked first
    assert (hops.topic.slug, yeast.topic.slug) == ("hops", "yeast")
    assert (hops.questions, hops.answered, hops.resolved, hops.answers) == (3, 3, 3, 3)
    assert hops.answer_rate == 1.0 and hops.entries == 1 and hops.stale_entries == 0
    assert hops.first_answer_hours == 3.0  # 2, 3 and 4 hours
    assert hops.resolution_hours == 10.0
    assert hops.active_experts == ["Bob Hopper"] and hops.bus_factor == 1
    assert "half its answers and entries come from one person" in hops.risk_reasons
    assert (yeast.questions, yeast.answered, yeast.answer_rate) == (1, 0, 0.0)
    assert yeast.active_experts == [] and yeast.risk > hops.risk
    assert yeast.risk_reasons[:2] == ["no active expert", "0 % of questions answered"]
    assert [t.topic.slug for t in knowledge.gaps_without_experts] == ["yeast"]
    assert knowledge.unanswered == [waiting]
    tiles = treemap(knowledge)
    assert [t.figures.topic.slug for t in tiles] == ["hops", "yeast"]
    assert tiles[0].width * tiles[0].height == pytest.approx(3 * tiles[1].width * tiles[1].height)


def test_knowledge_map_page_csv_and_api(client, brewery) -> None:  # type: ignore[no-untyped-def]
    community, _, _ = brewery
    page = client.get(reverse("insights:knowledge_map", args=[community.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text and "Topics by demand and risk" in text and "Stuck at 1.030" in text
    assert "no active expert" in text
    download = client.get(reverse("insights:knowledge_map_csv", args=[community.slug]))
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0][:3] == ["topic", "questions", "answered"]
    assert rows[1][:4] == ["Hops", "3", "3", "1.0"] and rows[2][0] == "Yeast"
    api = client.get(f"/api/v1/communities/{community.slug}/knowledge-map").json()
    assert api["topics"][0]["topic"] == "hops" and api["topics"][0]["bus_factor"] == 1
    assert api["topics_without_experts"] == ["yeast"]
    assert [w["title"] for w in api["waiting_longest"]] == ["Stuck at 1.030"]


def test_a_private_communitys_map_is_for_its_members(client, brewery) -> None:  # type: ignore[no-untyped-def]
    community, bob, _ = brewery
    community.visibility = "private"
    community.save(update_fields=["visibility"])
    urls = [
        reverse("insights:knowledge_map", args=[community.slug]),
        reverse("insights:knowledge_map_csv", args=[community.slug]),
        f"/api/v1/communities/{community.slug}/knowledge-map",
    ]
    client.force_login(make_user("outsider"))
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    client.force_login(bob)
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]


def test_knowledge_map_counts_the_events_held_on_each_topic(client, brewery) -> None:  # type: ignore[no-untyped-def]
    community, bob, _ = brewery
    now = timezone.now()

    def event(days: float, title: str):  # type: ignore[no-untyped-def]
        start = now + timedelta(days=days)
        return schedule_event(
            community=community, by=bob, kind="workshop", title=title, starts_at=start,
            ends_at=start + timedelta(hours=2), topics=["hops"],
        )  # fmt: skip

    event(-20, "Held")
    event(-400, "Too long ago")
    event(10, "Still to come")
    cancel_event(event=event(-5, "Called off"), by=bob)
    hops, yeast = build_map(community).topics
    assert (hops.events, yeast.events) == (1, 0)
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    reverse("insights:knowledge_map_csv", args=[community.slug])
                ).content.decode()
            )
        )
    )
    assert [r["events_last_year"] for r in rows] == ["1", "0"]
    api = client.get(f"/api/v1/communities/{community.slug}/knowledge-map").json()
    assert [t["events_last_year"] for t in api["topics"]] == [1, 0]
