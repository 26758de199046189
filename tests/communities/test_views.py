"""Community pages through the real URLs."""

import pytest
from django.test import Client

from commonplace.communities.models import Community, Membership
from tests.factories import PASSWORD, client_for, make_community, make_user

pytestmark = pytest.mark.django_db


def test_sign_up_then_create_a_community_from_the_form():
    client = Client()
    signed = client.post(
        "/accounts/signup/",
        {
            "username": "ana",
            "email": "ana@example.org",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    assert signed.status_code == 302
    created = client.post(
        "/c/new/",
        {
            "name": "Brewers",
            "slug": "brewers",
            "domain_statement": "Brewing at home.",
            "topics": "Hops, Yeast",
            "visibility": "public",
            "join_policy": "open",
            "stage": "coalescing",
            "recognition": "bootlegged",
            "cadence": "monthly",
            "accent_color": "#336699",
        },
    )
    assert created.status_code == 302 and created["Location"] == "/c/brewers/"
    community = Community.objects.get(slug="brewers")
    assert community.topics.count() == 2 and community.accent_color == "#336699"
    home = client.get("/c/brewers/")
    assert b"Bootlegged" in home.content and b"Getting resources" in home.content


def test_directory_searches_and_filters_by_topic():
    make_community(name="Brewers", topics=("Hops",))
    make_community(name="Nurses", topics=("Wound care",))
    client = Client()
    assert b"Nurses" not in client.get("/c/?q=brew").content
    assert b"Brewers" in client.get("/c/?topic=hops").content
    assert b"Nurses" not in client.get("/c/?topic=hops").content


def test_join_leave_and_request_pages():
    open_community = make_community(slug="open-one")
    request_community = make_community(slug="ask-one", join_policy="request")
    person = make_user()
    client = client_for(person)
    assert client.post("/c/open-one/join/").status_code == 302
    assert Membership.objects.get(community=open_community, user=person).is_active
    client.post("/c/ask-one/request/", {"message": "Please"})
    assert Membership.objects.get(community=request_community, user=person).status == "pending"
    client.post("/c/open-one/leave/")
    assert not Membership.objects.filter(community=open_community, user=person).exists()


def test_coordinator_approves_invites_and_assigns_roles_from_members_page():
    community = make_community(slug="guild", join_policy="request")
    coordinator = client_for(community.created_by)
    asker, guest = make_user("asker"), make_user("guest")
    client_for(asker).post("/c/guild/request/", {"message": ""})
    page = coordinator.get("/c/guild/members/")
    assert b"asker" in page.content.lower()
    coordinator.post("/c/guild/members/asker/approve/")
    coordinator.post("/c/guild/members/invite/", {"username": "guest"})
    coordinator.post(
        "/c/guild/members/asker/roles/",
        {"role": "member", "leadership_roles": ["interpersonal", "boundary"]},
    )
    assert Membership.objects.get(user=asker).leadership_roles == ["interpersonal", "boundary"]
    assert Membership.objects.get(user=guest).status == "invited"


def test_charter_edit_records_a_revision_shown_in_history():
    community = make_community(slug="brewers")
    client = client_for(community.created_by)
    form = {
        "name": community.name,
        "domain_statement": "Brewing, tasting and teaching.",
        "revision_note": "We teach now",
        "topics": "Hops",
        "visibility": "public",
        "join_policy": "open",
        "stage": "active",
        "recognition": "legitimized",
        "cadence": "weekly",
        "accent_color": "#2f6f5e",
    }
    assert client.post("/c/brewers/charter/edit/", form).status_code == 302
    history = client.get("/c/brewers/charter/history/")
    assert b"Brewing, tasting and teaching." in history.content
    assert b"We teach now" in history.content
    assert b"The practice of brewers." in history.content
