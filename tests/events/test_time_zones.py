"""Events on each person's clock: planning, pages, series across summer time, reminders."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from commonplace.accounts.actions import set_preferences
from commonplace.communities.models import Notification, NotificationKind
from commonplace.events.actions import (
    respond_to_event,
    schedule_event,
    schedule_events,
    send_reminders,
    write_up_event,
)
from commonplace.events.models import Event
from tests.factories import add_member, client_for, make_community, make_user

pytestmark = pytest.mark.django_db


def _fields(start, **more):
    return {
        "kind": "meeting", "title": "Monthly call", "starts_at": start,
        "ends_at": start + timedelta(hours=1), "online_url": "https://meet.example.org/c",
        **more,
    }  # fmt: skip


def _form(starts_at, ends_at):
    return {"kind": "meeting", "title": "Evening call", "starts_at": starts_at,
            "ends_at": ends_at, "online_url": "https://meet.example.org/c"}  # fmt: skip


def test_the_planning_form_reads_times_on_the_planners_clock():
    community = make_community(slug="brewers")
    planner = set_preferences(user=community.created_by, time_zone="Asia/Tokyo")
    client = client_for(planner)
    assert "In your time zone, Asia/Tokyo" in client.get("/c/brewers/events/new/").content.decode()
    response = client.post("/c/brewers/events/new/", _form("2031-05-06T18:00", "2031-05-06T19:00"))
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == datetime(2031, 5, 6, 9, 0, tzinfo=UTC)  # 18:00 in Tokyo
    edit = client.get(f"/c/brewers/events/{event.pk}/edit/").content.decode()
    assert 'value="2031-05-06T18:00"' in edit  # shown back as typed


def test_a_time_that_does_not_exist_on_the_planners_clock_is_refused():
    community = make_community(slug="brewers")
    planner = set_preferences(user=community.created_by, time_zone="Europe/Paris")
    # Clocks in Paris jump from 02:00 to 03:00 on 30 March 2031.
    response = client_for(planner).post(
        "/c/brewers/events/new/", _form("2031-03-30T02:30", "2031-03-30T04:00")
    )
    assert response.status_code == 422
    assert "couldn’t be interpreted in time zone Europe/Paris" in response.content.decode()
    assert not Event.objects.exists()


def test_pages_show_times_on_the_readers_clock_with_its_zone():
    community = make_community(slug="brewers", visibility="public")
    event = schedule_event(
        community=community, by=community.created_by,
        **_fields(datetime(2031, 1, 14, 17, 30, tzinfo=UTC)),
    )  # fmt: skip
    reader = set_preferences(user=add_member(community), time_zone="America/New_York")
    page = client_for(reader).get(f"/c/brewers/events/{event.pk}/").content.decode()
    assert "Tuesday 14 January 2031, 12:30" in page and "EST" in page
    listed = client_for(reader).get("/c/brewers/events/").content.decode()
    assert "Tue 14 Jan 2031, 12:30 EST" in listed
    anonymous = client_for().get(f"/c/brewers/events/{event.pk}/").content.decode()
    assert "Tuesday 14 January 2031, 17:30" in anonymous and "UTC" in anonymous


def _weekly_in_paris(first, occurrences):
    community = make_community()
    planner = set_preferences(user=community.created_by, time_zone="Europe/Paris")
    return planner, schedule_events(
        community=community, by=planner, repeat="weekly", occurrences=occurrences,
        **_fields(first),
    )  # fmt: skip


def test_a_weekly_series_keeps_the_planners_wall_clock_across_summer_time():
    first = datetime(2031, 3, 20, 17, 0, tzinfo=UTC)  # 18:00 in Paris, winter time
    planner, series = _weekly_in_paris(first, 3)
    utc_hours = [e.starts_at.astimezone(UTC).hour for e in series]
    assert utc_hours == [17, 17, 16]  # summer time from 30 March
    assert {e.starts_at.astimezone(planner.zone).hour for e in series} == {18}
    assert all(e.ends_at - e.starts_at == timedelta(hours=1) for e in series)


def test_a_monthly_series_without_a_zone_stays_at_the_same_utc_time():
    community = make_community()
    first = datetime(2031, 1, 14, 17, 0, tzinfo=UTC)
    series = schedule_events(
        community=community, by=community.created_by, repeat="monthly", occurrences=4,
        **_fields(first),
    )  # fmt: skip
    assert {e.starts_at.astimezone(UTC).hour for e in series} == {17}


def test_reminders_are_written_on_each_persons_clock():
    community = make_community()
    tokyo = set_preferences(user=add_member(community, make_user("aiko")), time_zone="Asia/Tokyo")
    plain = add_member(community)
    start = (timezone.now() + timedelta(hours=5)).replace(second=0, microsecond=0)
    event = schedule_event(community=community, by=community.created_by, **_fields(start))
    for person in (tokyo, plain):
        respond_to_event(event=event, by=person, response="going")
    Notification.objects.all().delete()
    assert send_reminders() == 1
    titles = dict(
        Notification.objects.filter(kind=NotificationKind.EVENT_REMINDER).values_list(
            "user_id", "title"
        )
    )
    assert titles[tokyo.pk] == f"{start.astimezone(tokyo.zone):%a %d %b, %H:%M} JST: Monthly call"
    assert titles[plain.pk] == f"{start.astimezone(UTC):%a %d %b, %H:%M} UTC: Monthly call"


def test_notes_are_dated_on_the_writers_clock():
    community = make_community()
    writer = set_preferences(user=community.created_by, time_zone="Asia/Tokyo")
    event = schedule_event(
        community=community, by=writer, **_fields(datetime(2025, 3, 20, 23, 30, tzinfo=UTC))
    )
    assert "on 21 March 2025" in write_up_event(event=event, by=writer).body


def test_a_series_keeps_its_length_when_an_occurrence_falls_in_the_missing_hour():
    # 02:30 on 30 March 2031 does not exist in Paris: the clocks jump to 03:00.
    first = datetime(2031, 3, 23, 1, 30, tzinfo=UTC)  # 02:30 in Paris, winter time
    _, series = _weekly_in_paris(first, 2)
    assert all(e.ends_at - e.starts_at == timedelta(hours=1) for e in series)


def test_an_event_in_the_hour_that_happens_twice_stays_editable():
    community = make_community(slug="brewers")
    planner = set_preferences(user=community.created_by, time_zone="Europe/Paris")
    # On 26 October 2031 Paris clocks go back from 03:00 to 02:00: 02:30 happens
    # twice. This event starts at the second one (01:30 UTC).
    start = datetime(2031, 10, 26, 1, 30, tzinfo=UTC)
    event = schedule_event(community=community, by=planner, **_fields(start))
    client = client_for(planner)
    edit = client.get(f"/c/brewers/events/{event.pk}/edit/").content.decode()
    assert 'value="2031-10-26T02:30"' in edit
    form = _form("2031-10-26T02:30", "2031-10-26T03:30")
    response = client.post(f"/c/brewers/events/{event.pk}/edit/", {**form, "title": "Renamed"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.starts_at) == ("Renamed", start)  # the same instant
    # Typed afresh, the twice-shown time is still refused with a sentence.
    new = client.post("/c/brewers/events/new/", _form("2031-10-26T02:15", "2031-10-26T03:30"))
    assert new.status_code == 422 and "may be ambiguous" in new.content.decode()
