"""The constellation: shared topics, links and bridging members, within what the viewer reads."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from commonplace.insights.constellation import (
    CHART_HEIGHT,
    CHART_WIDTH,
    build_constellation,
    chart,
    links_around,
)
from commonplace.insights.expertise import recompute
from tests.factories import add_member, make_community, make_reply, make_thread, make_user

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def constellation():  # type: ignore[no-untyped-def]
    """Brewers and bakers (public) share 'Yeast' and Bea, who answers in both;
    the vintners (private) share 'Yeast' too, and Bea answers there as well."""
    brewers = make_community(slug="brewers", name="Brewers", topics=("Yeast", "Hops"))
    bakers = make_community(slug="bakers", name="Bakers", topics=("Yeast", "Ovens"))
    vintners = make_community(
        slug="vintners", name="Secret Vintners", topics=("Yeast",), visibility="private"
    )
    bea = make_user("bea", display_name="Bea Bridge")
    for community in (brewers, bakers, vintners):
        add_member(community, bea)
        for n in range(3):
            thread = make_thread(
                community, kind="problem_solving", title=f"Yeast question {n}", topics=("yeast",)
            )
            make_reply(thread, bea, body="Pitch more yeast.")
    recompute()
    return brewers, bakers, vintners, bea


def test_build_constellation_finds_shared_topics_links_and_bridges(constellation) -> None:  # type: ignore[no-untyped-def]
    brewers, bakers, vintners, bea = constellation
    found = build_constellation(viewer=bea)
    (yeast,) = found.shared_topics
    assert yeast.name == "Yeast"
    assert {p.community.slug for p in yeast.places} == {"brewers", "bakers", "vintners"}
    assert all(p.questions == 3 for p in yeast.places)
    (bridge,) = found.bridges
    assert bridge.person == bea and len(bridge.communities) == 3 and bridge.topics == ["Yeast"]
    link = next(k for k in found.links if {k.a.slug, k.b.slug} == {"brewers", "bakers"})
    assert link.shared_topics == ["Yeast"] and link.shared_members >= 1
    around = links_around(community=brewers, viewer=bea)
    assert {k.b.slug: k.shared_topics for k in around} == {
        "bakers": ["Yeast"],
        "vintners": ["Yeast"],
    }
    assert all(k.shared_members >= 1 for k in around)
    outsider = links_around(community=brewers, viewer=make_user("outsider"))
    assert [k.b.slug for k in outsider] == ["bakers"]


def test_build_constellation_shows_nothing_of_a_private_community_to_outsiders(
    constellation,
) -> None:  # type: ignore[no-untyped-def]
    _, _, vintners, bea = constellation
    found = build_constellation(viewer=make_user("outsider"))
    assert vintners not in found.communities
    assert all(p.community != vintners for s in found.shared_topics for p in s.places)
    assert all(vintners not in b.communities for b in found.bridges)
    assert all(vintners.pk not in (k.a.pk, k.b.pk) for k in found.links)
    # Bea still bridges the two public communities.
    assert [len(b.communities) for b in found.bridges if b.person == bea] == [2]


def test_chart_places_every_community_and_each_link(constellation) -> None:  # type: ignore[no-untyped-def]
    _, _, _, bea = constellation
    found = build_constellation(viewer=bea)
    nodes, edges = chart(found)
    assert len(nodes) == 3 and len(edges) == len(found.links)
    assert all(0 < n.x < CHART_WIDTH and 0 < n.y < CHART_HEIGHT for n in nodes)


def test_constellation_page_and_knowledge_map_name_only_readable_communities(
    constellation,
) -> None:  # type: ignore[no-untyped-def]
    _, _, _, bea = constellation
    anonymous = Client().get(reverse("insights:constellation")).content.decode()
    assert "Bakers" in anonymous and "Bea Bridge" in anonymous and "<svg" in anonymous
    assert "Secret Vintners" not in anonymous
    member = Client()
    member.force_login(bea, backend=MODEL_BACKEND)
    assert "Secret Vintners" in member.get(reverse("insights:constellation")).content.decode()
    page = Client().get(reverse("insights:knowledge_map", args=["brewers"])).content.decode()
    assert page.count("Other communities to connect with") == 1 and "also works on Yeast" in page
    assert "Secret Vintners" not in page
