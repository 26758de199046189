"""Planning, changing, cancelling and answering events: the rules, the log, the notices."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from commonplace.communities.models import Notification, NotificationKind
from commonplace.core.errors import ConflictError, DomainError
from commonplace.core.models import Activity, Verb
from commonplace.events.actions import (
    cancel_event,
    edit_event,
    occurrence_starts,
    respond_to_event,
    schedule_event,
    schedule_events,
    send_reminders,
)
from commonplace.events.models import Event, EventResponse
from tests.factories import add_member, make_community, make_user

pytestmark = pytest.mark.django_db


def _plan(community, by, **fields):
    start = fields.pop("starts_at", timezone.now() + timedelta(days=7))
    values = {
        "kind": "workshop",
        "title": "Dry hopping, hands on",
        "starts_at": start,
        "ends_at": fields.pop("ends_at", None) or start + timedelta(hours=2),
        "location": "The brewhouse, Bay 3",
        "topics": ["hops"],
        **fields,
    }
    return schedule_event(community=community, by=by, **values)


def test_schedule_event_records_leaders_topics_and_activity():
    community = make_community()
    planner = community.created_by
    teacher = add_member(community, make_user("teacher"))
    event = _plan(community, planner, leaders=["teacher", "@" + planner.username])
    assert set(event.leaders.all()) == {teacher, planner}
    assert [t.slug for t in event.topics.all()] == ["hops"]
    activity = Activity.objects.get(verb=Verb.EVENT_SCHEDULED)
    assert (activity.target_type, activity.target_id) == ("event", event.pk)
    assert activity.data["leaders"] == [teacher.pk, planner.pk]


def test_schedule_event_defaults_the_leader_to_the_planner_and_renders_markdown():
    community = make_community()
    event = _plan(community, community.created_by, description="Bring **your own** hops")
    assert list(event.leaders.all()) == [community.created_by]
    assert "<strong>your own</strong>" in event.description_html


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"kind": "party"}, "kind"),
        ({"ends_at": timezone.now()}, "ends_at"),
        ({"topics": ["no-such-topic"]}, "topics"),
        ({"leaders": ["nobody-here"]}, "leaders"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"location": "y" * 201}, "location"),
    ],
)
def test_schedule_event_refuses_bad_input_and_writes_nothing(change, field):
    community = make_community()
    with pytest.raises(DomainError) as error:
        _plan(community, community.created_by, **change)
    assert error.value.field == field
    assert not Event.objects.exists()
    assert not Activity.objects.filter(verb=Verb.EVENT_SCHEDULED).exists()


def test_schedule_event_refuses_naive_times_and_events_over_two_weeks():
    community = make_community()
    start = timezone.now().replace(tzinfo=None) + timedelta(days=1)
    with pytest.raises(DomainError, match="time zone"):
        _plan(community, community.created_by, starts_at=start, ends_at=start + timedelta(hours=1))
    aware = timezone.now() + timedelta(days=1)
    with pytest.raises(DomainError, match="two weeks"):
        _plan(community, community.created_by, starts_at=aware, ends_at=aware + timedelta(days=15))


def test_schedule_event_refuses_a_leader_who_is_not_a_member():
    community = make_community()
    make_user("stranger")
    with pytest.raises(DomainError, match="not a member"):
        _plan(community, community.created_by, leaders=["stranger"])


def test_schedule_event_may_record_a_past_event():
    community = make_community()
    event = _plan(community, community.created_by, starts_at=timezone.now() - timedelta(days=30))
    assert event.ends_at < timezone.now()


def test_respond_to_event_replaces_the_answer():
    community = make_community()
    member = add_member(community)
    event = _plan(community, community.created_by)
    respond_to_event(event=event, by=member, response="maybe")
    respond_to_event(event=event, by=member, response="going")
    assert list(EventResponse.objects.values_list("user_id", "response")) == [(member.pk, "going")]
    assert Activity.objects.filter(verb=Verb.EVENT_RESPONDED).count() == 2


def test_respond_to_event_refuses_past_cancelled_and_unknown_answers():
    community = make_community()
    member = add_member(community)
    past = _plan(community, community.created_by, starts_at=timezone.now() - timedelta(days=3))
    with pytest.raises(ConflictError, match="over"):
        respond_to_event(event=past, by=member, response="going")
    event = _plan(community, community.created_by)
    with pytest.raises(DomainError, match="Unknown answer"):
        respond_to_event(event=event, by=member, response="perhaps")
    cancel_event(event=event, by=community.created_by)
    event.refresh_from_db()
    with pytest.raises(ConflictError, match="cancelled"):
        respond_to_event(event=event, by=member, response="going")
    assert not EventResponse.objects.exists()


def test_edit_event_that_moves_tells_the_people_coming_but_not_the_others():
    community = make_community()
    coming, perhaps, absent = (add_member(community) for _ in range(3))
    event = _plan(community, community.created_by)
    respond_to_event(event=event, by=coming, response="going")
    respond_to_event(event=event, by=perhaps, response="maybe")
    respond_to_event(event=event, by=absent, response="not_going")
    later = event.starts_at + timedelta(days=1)
    edited = edit_event(
        event=event, by=community.created_by, kind="workshop", title=event.title,
        starts_at=later, ends_at=later + timedelta(hours=2), location=event.location,
        topics=["hops"],
    )  # fmt: skip
    assert edited.sequence == 1
    told = Notification.objects.filter(kind=NotificationKind.EVENT_CHANGED)
    assert set(told.values_list("user_id", flat=True)) == {coming.pk, perhaps.pk}
    assert told.first().url == f"/c/{community.slug}/events/{event.pk}/"


def test_edit_event_without_moving_it_tells_nobody():
    community = make_community()
    coming = add_member(community)
    event = _plan(community, community.created_by)
    respond_to_event(event=event, by=coming, response="going")
    edit_event(
        event=event, by=community.created_by, kind="workshop", title="A better title",
        starts_at=event.starts_at, ends_at=event.ends_at, location=event.location,
    )  # fmt: skip
    assert not Notification.objects.exists()


def test_edit_event_names_the_leaders_it_drops():
    community = make_community()
    teacher = add_member(community, make_user("teacher2"))
    event = _plan(community, community.created_by, leaders=["teacher2"])
    edit_event(
        event=event, by=community.created_by, kind="workshop", title=event.title,
        starts_at=event.starts_at, ends_at=event.ends_at, leaders=[community.created_by.username],
    )  # fmt: skip
    assert list(event.leaders.all()) == [community.created_by]
    assert Activity.objects.get(verb=Verb.EVENT_EDITED).data["dropped"] == [teacher.pk]


def test_cancel_event_keeps_it_listed_tells_people_and_refuses_twice():
    community = make_community()
    coming = add_member(community)
    event = _plan(community, community.created_by)
    respond_to_event(event=event, by=coming, response="going")
    cancel_event(event=event, by=community.created_by, reason="  The brewhouse  floods ")
    event.refresh_from_db()
    assert event.is_cancelled and event.cancel_reason == "The brewhouse floods"
    assert Notification.objects.get(kind=NotificationKind.EVENT_CANCELLED).user == coming
    with pytest.raises(ConflictError):
        cancel_event(event=event, by=community.created_by)
    with pytest.raises(ConflictError):
        edit_event(
            event=event, by=community.created_by, kind="workshop", title="Back on",
            starts_at=event.starts_at, ends_at=event.ends_at,
        )  # fmt: skip


def test_occurrence_starts_keeps_the_weekday_of_the_month():
    second_tuesday = datetime(2031, 1, 14, 17, tzinfo=UTC)
    assert [d.date().isoformat() for d in occurrence_starts(second_tuesday, "monthly", 4)] == [
        "2031-01-14", "2031-02-11", "2031-03-11", "2031-04-08",
    ]  # fmt: skip
    fifth_wednesday = datetime(2031, 1, 29, 9, tzinfo=UTC)
    # February 2031 has four Wednesdays: the last one stands in for the fifth.
    assert [d.day for d in occurrence_starts(fifth_wednesday, "monthly", 3)] == [29, 26, 26]
    december = datetime(2031, 12, 2, 9, tzinfo=UTC)  # the first Tuesday, into the next year
    assert occurrence_starts(december, "monthly", 2)[1] == datetime(2032, 1, 6, 9, tzinfo=UTC)
    assert [d.day for d in occurrence_starts(second_tuesday, "fortnightly", 3)] == [14, 28, 11]
    assert [d.day for d in occurrence_starts(second_tuesday, "weekly", 3)] == [14, 21, 28]


def test_schedule_events_plans_a_series_linked_to_its_first_event():
    community = make_community()
    start = datetime(2031, 1, 14, 17, tzinfo=UTC)
    series = schedule_events(
        community=community, by=community.created_by, repeat="monthly", occurrences=3,
        kind="meeting", title="Monthly call", starts_at=start, ends_at=start + timedelta(hours=1),
        topics=["hops"],
    )  # fmt: skip
    first = series[0]
    assert [e.repeats_id for e in series] == [None, first.pk, first.pk]
    assert [e.ends_at - e.starts_at for e in series] == [timedelta(hours=1)] * 3
    assert all([t.slug for t in e.topics.all()] == ["hops"] for e in series)
    assert Activity.objects.filter(verb=Verb.EVENT_SCHEDULED).count() == 3


@pytest.mark.parametrize(
    ("repeat", "occurrences", "field"),
    [
        ("", 3, "repeat"),
        ("yearly", 3, "repeat"),
        ("weekly", 1, "occurrences"),
        ("weekly", 27, "occurrences"),
    ],
)
def test_schedule_events_refuses_a_bad_series_and_writes_nothing(repeat, occurrences, field):
    community = make_community()
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(DomainError) as error:
        schedule_events(
            community=community, by=community.created_by, repeat=repeat, occurrences=occurrences,
            kind="meeting", title="Call", starts_at=start, ends_at=start + timedelta(hours=1),
        )  # fmt: skip
    assert error.value.field == field
    assert not Event.objects.exists()


def test_edit_event_naming_nobody_keeps_its_leaders():
    community = make_community()
    teacher = add_member(community, make_user("teacher3"))
    event = _plan(community, community.created_by, leaders=["teacher3"])
    edit_event(
        event=event, by=community.created_by, kind="workshop", title="Renamed",
        starts_at=event.starts_at, ends_at=event.ends_at,
    )  # fmt: skip
    assert list(event.leaders.all()) == [teacher]


def test_leaders_hear_when_named_moved_dropped_or_cancelled_by_someone_else():
    community = make_community()
    coordinator = community.created_by
    anna, ben = add_member(community, make_user("anna")), add_member(community, make_user("ben"))
    event = _plan(community, coordinator, leaders=["anna"])
    leading = Notification.objects.get(kind=NotificationKind.EVENT_LEADING)
    assert leading.user == anna and coordinator.name in leading.reason
    later = event.starts_at + timedelta(days=2)
    edit_event(
        event=event, by=coordinator, kind="workshop", title=event.title, starts_at=later,
        ends_at=later + timedelta(hours=2), leaders=["ben"],
    )  # fmt: skip
    moved = Notification.objects.filter(kind=NotificationKind.EVENT_CHANGED)
    assert set(moved.values_list("user__username", flat=True)) == {"anna", "ben"}
    assert Notification.objects.filter(kind=NotificationKind.EVENT_LEADING, user=ben).exists()
    cancel_event(event=event, by=ben)
    cancelled = Notification.objects.filter(kind=NotificationKind.EVENT_CANCELLED)
    assert list(cancelled.values_list("user__username", flat=True)) == []  # ben cancelled it


def test_correcting_a_past_event_tells_nobody():
    community = make_community()
    coming = add_member(community)
    event = _plan(community, community.created_by, starts_at=timezone.now() + timedelta(hours=1))
    respond_to_event(event=event, by=coming, response="going")
    earlier = timezone.now() - timedelta(days=2)
    edit_event(
        event=event, by=community.created_by, kind="workshop", title=event.title,
        starts_at=earlier, ends_at=earlier + timedelta(hours=2),
    )  # fmt: skip
    cancel_event(event=event, by=community.created_by)
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {
                "starts_at": datetime(9999, 12, 31, 22, tzinfo=timezone.get_fixed_timezone(-300)),
                "ends_at": datetime(9999, 12, 31, 23, tzinfo=timezone.get_fixed_timezone(-300)),
            },
            "starts_at",
        ),
        (
            {"starts_at": datetime(1, 1, 1, 0, 10, tzinfo=timezone.get_fixed_timezone(300))},
            "starts_at",
        ),
        ({"online_url": "http://[oops"}, "online_url"),
        ({"online_url": "https://"}, "online_url"),
    ],
)
def test_schedule_event_refuses_dates_out_of_range_and_broken_links(change, field):
    community = make_community()
    with pytest.raises(DomainError) as error:
        _plan(community, community.created_by, **change)
    assert error.value.field == field
    assert not Event.objects.exists()


def test_send_reminders_tells_leaders_and_people_coming_once_a_day_before():
    community = make_community()
    teacher = add_member(community, make_user("teacher4"))
    coming, absent = add_member(community), add_member(community)
    soon = _plan(
        community, community.created_by, starts_at=timezone.now() + timedelta(hours=5),
        leaders=["teacher4"],
    )  # fmt: skip
    later = _plan(community, community.created_by, starts_at=timezone.now() + timedelta(days=3))
    off = _plan(community, community.created_by, starts_at=timezone.now() + timedelta(hours=6))
    for event in (soon, later, off):
        respond_to_event(event=event, by=coming, response="going")
        respond_to_event(event=event, by=absent, response="not_going")
    cancel_event(event=off, by=community.created_by)
    Notification.objects.all().delete()
    assert send_reminders() == 1
    reminders = Notification.objects.filter(kind=NotificationKind.EVENT_REMINDER)
    assert set(reminders.values_list("user_id", flat=True)) == {teacher.pk, coming.pk}
    assert all(n.title.endswith(soon.title) and "UTC" in n.title for n in reminders)
    assert send_reminders() == 0  # once per event
    assert send_reminders(now=timezone.now() + timedelta(days=2, hours=12)) == 1  # `later`
