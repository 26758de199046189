"""My events across communities, and the private calendar address calendar apps read."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from commonplace.communities.actions import leave_community
from commonplace.events.actions import schedule_event
from commonplace.events.models import CalendarFeed
from tests.factories import add_member, client_for, make_community, make_user

pytestmark = pytest.mark.django_db


def _event(community, title, days=5):
    start = timezone.now() + timedelta(days=days)
    return schedule_event(
        community=community, by=community.created_by, kind="meeting", title=title,
        starts_at=start, ends_at=start + timedelta(hours=1),
    )  # fmt: skip


def _feed_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_my_events_and_my_calendar_hold_my_communities_only():
    mine = make_community(slug="brewers")
    vault = make_community(slug="vault", visibility="private", join_policy="invite")
    elsewhere = make_community(slug="elsewhere")
    me = add_member(mine, make_user("me"))
    add_member(vault, me)
    _event(mine, "Brew day")
    _event(vault, "Vault tasting")
    _event(elsewhere, "Somebody else's picnic")
    client = client_for(me)
    page = client.get("/events/").content.decode()
    assert "Brew day" in page and "Vault tasting" in page
    assert "Somebody else's picnic" not in page
    key = CalendarFeed.objects.get(user=me).key
    assert f"/events/feed/{key}.ics" in page
    anonymous = client_for()  # calendar apps do not sign in
    assert _feed_titles(anonymous, f"/events/feed/{key}.ics") == {"Brew day", "Vault tasting"}
    leave_community(membership=vault.memberships.get(user=me))
    assert _feed_titles(anonymous, f"/events/feed/{key}.ics") == {"Brew day"}
    assert "Vault tasting" not in client.get("/events/").content.decode()


def test_replacing_the_calendar_address_retires_the_old_one():
    community = make_community(slug="brewers")
    me = add_member(community, make_user("me"))
    client = client_for(me)
    client.get("/events/")
    old = CalendarFeed.objects.get(user=me).key
    response = client.post("/events/feed/reset/")
    assert response.status_code == 302 and response["Location"] == "/events/"
    new = CalendarFeed.objects.get(user=me).key
    assert new != old
    assert client_for().get(f"/events/feed/{old}.ics").status_code == 404
    assert client_for().get(f"/events/feed/{new}.ics").status_code == 200


def test_a_deactivated_account_has_no_calendar():
    community = make_community(slug="brewers")
    me = add_member(community, make_user("me"))
    client_for(me).get("/events/")
    key = CalendarFeed.objects.get(user=me).key
    me.is_active = False
    me.save(update_fields=["is_active"])
    assert client_for().get(f"/events/feed/{key}.ics").status_code == 404
    assert client_for().get("/events/feed/guess.ics").status_code == 404
    assert client_for().get("/events/").status_code == 302  # sign in first
