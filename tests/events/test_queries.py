"""Reads of events: the calendar's periods and the community's rhythm."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commonplace.events.actions import (
    cancel_event,
    edit_event,
    respond_to_event,
    schedule_event,
    send_reminders,
    write_up_event,
)
from commonplace.events.queries import PAST, get_rhythm, list_events
from tests.factories import add_member, client_for, make_community

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
    assert not get_rhythm(community=community).lapsed  # a new community has time
    month_on = timezone.now() + timedelta(days=30)
    assert get_rhythm(community=community, now=month_on).lapsed  # nothing held or planned
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


def test_a_moved_event_is_reminded_again_before_its_new_time():
    community = make_community()
    member = add_member(community)
    event = _meet(community, 0.5)
    respond_to_event(event=event, by=member, response="going")
    assert send_reminders() == 1
    later = event.starts_at + timedelta(days=7)
    edit_event(
        event=event, by=community.created_by, kind="meeting", title=event.title,
        starts_at=later, ends_at=later + timedelta(hours=1),
    )  # fmt: skip
    assert send_reminders() == 0  # not due yet
    assert send_reminders(now=later - timedelta(hours=2)) == 1


def test_writing_up_twice_returns_the_untouched_draft():
    community = make_community()
    past = _meet(community, -1)
    first = write_up_event(event=past, by=community.created_by)
    assert write_up_event(event=past, by=community.created_by) == first
    other = add_member(community)
    assert write_up_event(event=past, by=other) != first  # someone else's notes
