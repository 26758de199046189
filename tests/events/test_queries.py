"""Reads of events: the calendar's periods and the community's rhythm."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commonplace.events.actions import cancel_event, schedule_event
from commonplace.events.queries import PAST, get_rhythm, list_events
from tests.factories import client_for, make_community

pytestmark = pytest.mark.django_db


def _meet(community, days):
    start = timezone.now() + timedelta(days=days)
    return schedule_event(
        community=community, by=community.created_by, kind="meeting", title=f"Call {days}",
        starts_at=start, ends_at=start + timedelta(hours=1),
    )  # fmt: skip


def test_list_events_keeps_an_event_under_way_among_those_coming_up():
    community = make_community()
    start = timezone.now() - timedelta(minutes=30)
    schedule_event(
        community=community, by=community.created_by, kind="meeting", title="Now",
        starts_at=start, ends_at=start + timedelta(hours=1),
    )  # fmt: skip
    assert [e.title for e in list_events(community=community)] == ["Now"]
    assert not list_events(community=community, period=PAST).exists()


def test_get_rhythm_without_a_set_rhythm_never_lapses():
    community = make_community(cadence="none")
    rhythm = get_rhythm(community=community)
    assert rhythm.every_days is None and not rhythm.lapsed


def test_get_rhythm_lapses_after_an_interval_and_a_half_without_a_gathering():
    community = make_community(cadence="fortnightly")
    assert get_rhythm(community=community).lapsed  # nothing held or planned
    _meet(community, -10)
    assert not get_rhythm(community=community).lapsed
    late = get_rhythm(community=community, now=timezone.now() + timedelta(days=15))
    assert late.lapsed and late.held_last_year == 1
    cancelled = _meet(community, 20)
    cancel_event(event=cancelled, by=community.created_by)
    assert get_rhythm(community=community, now=timezone.now() + timedelta(days=15)).lapsed
    _meet(community, 22)  # planned within the next interval: back on track
    rhythm = get_rhythm(community=community, now=timezone.now() + timedelta(days=15))
    assert not rhythm.lapsed and rhythm.next_planned is not None


def test_events_page_and_overview_say_when_the_rhythm_lapsed():
    community = make_community(slug="brewers", cadence="weekly")
    _meet(community, -30)
    client = client_for(community.created_by)
    events = client.get("/c/brewers/events/").content.decode()
    assert "Rhythm: weekly." in events and "has not met at its rhythm" in events
    assert "Plan the next gathering" in events
    assert "has not met at its rhythm" in client.get("/c/brewers/").content.decode()
    _meet(community, 3)
    assert "has not met at its rhythm" not in client.get("/c/brewers/events/").content.decode()
    assert "has not met at its rhythm" not in client.get("/c/brewers/").content.decode()
