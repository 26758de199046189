"""Events through the real URLs: pages, calendar files and the API."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from commonplace.events.actions import cancel_event, schedule_event
from commonplace.events.models import Event, EventResponse
from commonplace.repertoire.models import Entry
from tests.factories import add_member, client_for, make_community, make_token, make_user

pytestmark = pytest.mark.django_db


def _event(community, *, days=7, title="Hop farm visit", **fields):
    start = timezone.now() + timedelta(days=days)
    return schedule_event(
        community=community, by=community.created_by, kind=fields.pop("kind", "visit"),
        title=title, starts_at=start, ends_at=start + timedelta(hours=3),
        location="Hallertau farm", topics=["hops"], **fields,
    )  # fmt: skip


def test_plan_an_event_through_the_page_then_answer_it():
    community = make_community(slug="brewers")
    member = add_member(community, make_user("mira"))
    client = client_for(member)
    form = {
        "kind": "workshop",
        "title": "Water chemistry clinic",
        "starts_at": "2031-05-06T18:00",
        "ends_at": "2031-05-06T20:00",
        "online_url": "https://meet.example.org/water",
        "topics": ["yeast"],
        "description": "Bring a water report.",
    }
    response = client.post("/c/brewers/events/new/", form)
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/c/brewers/events/{event.pk}/"
    assert event.starts_at.isoformat() == "2031-05-06T18:00:00+00:00"
    assert list(event.leaders.all()) == [member]
    page = client.get(response["Location"]).content.decode()
    assert "Water chemistry clinic" in page and "Bring a water report." in page
    assert "Are you coming?" in page and "Change the event" in page
    assert (
        client.post(f"/c/brewers/events/{event.pk}/respond/", {"response": "going"}).status_code
        == 302
    )
    assert EventResponse.objects.get().response == "going"
    page = client.get(f"/c/brewers/events/{event.pk}/").content.decode()
    assert "<strong>1</strong> going" in page and "Change my answer" in page


def test_event_form_shows_errors_in_place_and_saves_nothing():
    community = make_community(slug="brewers")
    client = client_for(community.created_by)
    form = {
        "kind": "meeting",
        "title": "Backwards",
        "starts_at": "2031-05-06T18:00",
        "ends_at": "2031-05-06T17:00",
    }
    response = client.post("/c/brewers/events/new/", form)
    assert response.status_code == 422
    assert "The event must end after it starts." in response.content.decode()
    response = client.post("/c/brewers/events/new/", {**form, "starts_at": "tomorrow"})
    assert response.status_code == 422
    assert not Event.objects.exists()


def test_event_list_splits_coming_and_past_and_filters_by_topic():
    community = make_community(slug="brewers")
    _event(community, title="Next visit")
    _event(community, days=-20, title="Last visit")
    _event(community, title="Yeast day", kind="workshop").topics.set(
        community.topics.filter(slug="yeast")
    )
    client = client_for()
    upcoming = client.get("/c/brewers/events/").content.decode()
    assert "Next visit" in upcoming and "Yeast day" in upcoming and "Last visit" not in upcoming
    past = client.get("/c/brewers/events/?period=past").content.decode()
    assert "Last visit" in past and "Next visit" not in past
    hops = client.get("/c/brewers/events/?topic=hops").content.decode()
    assert "Next visit" in hops and "Yeast day" not in hops
    assert client.get("/c/brewers/events/?period=whenever").status_code == 200


def test_leader_changes_and_cancels_an_event_but_another_member_may_not():
    community = make_community(slug="brewers")
    leader = add_member(community, make_user("lead"))
    other = add_member(community, make_user("bystander"))
    event = _event(community, leaders=["lead"])
    assert client_for(other).get(f"/c/brewers/events/{event.pk}/edit/").status_code == 403
    client = client_for(leader)
    form = client.get(f"/c/brewers/events/{event.pk}/edit/")
    assert form.status_code == 200 and 'value="lead"' in form.content.decode()
    response = client.post(f"/c/brewers/events/{event.pk}/cancel/", {"reason": "Hail"})
    assert response.status_code == 302
    page = client.get(f"/c/brewers/events/{event.pk}/").content.decode()
    assert "Cancelled" in page and "Hail" in page and "Are you coming?" not in page
    assert client.get(f"/c/brewers/events/{event.pk}/edit/").status_code == 409


def _calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_event_ics_holds_what_a_calendar_needs():
    community = make_community(slug="brewers")
    event = _event(community, online_url="https://meet.example.org/farm")
    calendar = _calendar(client_for().get(f"/c/brewers/events/{event.pk}/event.ics"))
    (item,) = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Hop farm visit"
    assert item.decoded("DTSTART") == event.starts_at
    assert item.decoded("DTEND") == event.ends_at
    assert str(item["LOCATION"]) == "Hallertau farm"
    assert str(item["STATUS"]) == "CONFIRMED"
    assert str(item["UID"]) == f"event-{event.pk}@127.0.0.1"
    assert f"/c/brewers/events/{event.pk}/" in str(item["URL"])
    assert "https://meet.example.org/farm" in str(item["DESCRIPTION"])


def test_calendar_ics_lists_the_community_events_with_cancellations():
    community = make_community(slug="brewers", name="Brewers")
    kept = _event(community, title="Kept")
    dropped = _event(community, title="Dropped", days=9)
    cancel_event(event=dropped, by=community.created_by)
    _event(community, title="Long ago", days=-400)
    calendar = _calendar(client_for().get("/c/brewers/events/calendar.ics"))
    assert str(calendar["X-WR-CALNAME"]) == "Brewers events"
    status = {
        str(e["SUMMARY"]): (str(e["STATUS"]), int(e["SEQUENCE"])) for e in calendar.walk("VEVENT")
    }
    assert status == {"Kept": ("CONFIRMED", 0), "Dropped": ("CANCELLED", 1)}
    assert kept.pk != dropped.pk


def test_private_events_and_their_calendar_are_hidden_from_outsiders():
    community = make_community(slug="vault", visibility="private", join_policy="invite")
    event = _event(community, title="Secret tasting")
    outsider = client_for(make_user())
    for url in (
        "/c/vault/events/",
        "/c/vault/events/calendar.ics",
        f"/c/vault/events/{event.pk}/",
        f"/c/vault/events/{event.pk}/event.ics",
        f"/api/v1/communities/vault/events/{event.pk}",
    ):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert b"Secret tasting" not in response.content


def _api(client, method, url, token, payload=None):
    return client.generic(
        method, url, json.dumps(payload or {}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip


def test_api_plans_lists_and_answers_an_event():
    community = make_community(slug="brewers")
    member = add_member(community)
    token = make_token(member)
    client = Client()
    payload = {
        "kind": "webinar",
        "title": "Barrel ageing",
        "starts_at": "2031-01-02T19:00:00+01:00",
        "ends_at": "2031-01-02T20:30:00+01:00",
        "topics": ["hops"],
    }
    created = _api(client, "POST", "/api/v1/communities/brewers/events", token, payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["starts_at"].startswith("2031-01-02T18:00:00")
    assert [p["username"] for p in body["leaders"]] == [member.username]
    listed = client.get("/api/v1/communities/brewers/events").json()
    assert [e["title"] for e in listed["items"]] == ["Barrel ageing"]
    url = f"/api/v1/communities/brewers/events/{body['id']}/response"
    answered = _api(client, "PUT", url, token, {"response": "maybe"})
    assert answered.status_code == 200
    assert answered.json()["responses"]["maybe"] == 1 and answered.json()["my_response"] == "maybe"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"starts_at": "2031-01-02T19:00:00", "ends_at": "2031-01-02T20:00:00"}, 422),
        ({"ends_at": "2031-01-02T18:00:00Z"}, 422),
        ({"kind": "party"}, 422),
        ({"online_url": "ftp://example.org/x"}, 422),
        ({"online_url": "http://[oops"}, 422),
        ({"starts_at": "9999-12-31T22:00:00-05:00", "ends_at": "9999-12-31T23:00:00-05:00"}, 422),
        ({"starts_at": "soon"}, 422),
    ],
)
def test_api_refuses_bad_events_with_a_clear_error(change, status):
    community = make_community(slug="brewers")
    token = make_token(community.created_by)
    payload = {
        "kind": "meeting",
        "title": "Call",
        "starts_at": "2031-01-02T19:00:00Z",
        "ends_at": "2031-01-02T20:00:00Z",
        **change,
    }
    response = _api(Client(), "POST", "/api/v1/communities/brewers/events", token, payload)
    assert response.status_code == status, response.content
    assert response.json().get("detail")
    assert not Event.objects.exists()


def test_api_answering_a_past_event_is_a_conflict():
    community = make_community(slug="brewers")
    event = _event(community, days=-3)
    token = make_token(community.created_by)
    url = f"/api/v1/communities/brewers/events/{event.pk}/response"
    response = _api(Client(), "PUT", url, token, {"response": "going"})
    assert response.status_code == 409
    assert "over" in response.json()["detail"]
    assert not EventResponse.objects.exists()


def test_plan_a_repeating_event_through_the_page_and_cancel_one_occurrence():
    community = make_community(slug="brewers")
    client = client_for(community.created_by)
    form = {
        "kind": "meeting",
        "title": "Fortnightly call",
        "starts_at": "2031-03-04T17:00",
        "ends_at": "2031-03-04T18:00",
        "repeat": "fortnightly",
        "occurrences": "4",
    }
    response = client.post("/c/brewers/events/new/", form)
    assert response.status_code == 302
    first, second, *_ = Event.objects.order_by("starts_at")
    assert Event.objects.count() == 4 and response["Location"].endswith(f"/{first.pk}/")
    client.post(f"/c/brewers/events/{second.pk}/cancel/", {"reason": "Holiday"})
    page = client.get(f"/c/brewers/events/{first.pk}/").content.decode()
    assert "Repeats" in page and "Tue 18 Mar 2031" in page and "(cancelled)" in page
    assert Event.objects.filter(cancelled_at__isnull=False).count() == 1
    bad = client.post("/c/brewers/events/new/", {**form, "occurrences": "40"})
    assert bad.status_code == 422 and Event.objects.count() == 4
    no_way = client.post("/c/brewers/events/new/", {**form, "repeat": ""})
    assert no_way.status_code == 422
    assert "Choose how the event repeats." in no_way.content.decode()


def test_api_plans_a_repeating_event():
    community = make_community(slug="brewers")
    token = make_token(community.created_by)
    payload = {
        "kind": "meeting",
        "title": "Weekly stand-up",
        "starts_at": "2031-01-06T09:00:00Z",
        "ends_at": "2031-01-06T09:15:00Z",
        "repeat": "weekly",
        "occurrences": 3,
    }
    created = _api(Client(), "POST", "/api/v1/communities/brewers/events", token, payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert len(body["series"]) == 3 and body["series"][0] == body["id"]
    assert body["repeats_id"] is None
    last = Client().get(f"/api/v1/communities/brewers/events/{body['series'][-1]}").json()
    assert last["repeats_id"] == body["id"] and last["starts_at"].startswith("2031-01-20T09:00")
    too_many = _api(
        Client(),
        "POST",
        "/api/v1/communities/brewers/events",
        token,
        {**payload, "occurrences": 99},
    )
    assert too_many.status_code == 422 and Event.objects.count() == 3


def test_write_up_a_past_event_as_a_lesson_linked_both_ways():
    community = make_community(slug="brewers")
    member = add_member(community, make_user("scribe"))
    past = _event(community, days=-2, title="Hop farm visit", kind="visit")
    coming = _event(community, days=5, title="Next visit")
    client = client_for(member)
    page = client.get(f"/c/brewers/events/{past.pk}/").content.decode()
    assert "Write up the notes" in page
    assert (
        "Write up the notes" not in client.get(f"/c/brewers/events/{coming.pk}/").content.decode()
    )
    response = client.post(f"/c/brewers/events/{past.pk}/write-up/")
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/c/brewers/r/{entry.pk}/edit/"
    assert entry.kind == "lesson" and entry.title == "Notes: Hop farm visit"
    assert "Hallertau farm" in entry.body and "## What we learned" in entry.body
    assert [t.slug for t in entry.topics.all()] == ["hops"]
    assert list(entry.authors.all()) == [member]
    event_page = client.get(f"/c/brewers/events/{past.pk}/").content.decode()
    assert f'href="/c/brewers/r/{entry.pk}/"' in event_page
    entry_page = client.get(f"/c/brewers/r/{entry.pk}/").content.decode()
    assert "Written up from" in entry_page and f'href="/c/brewers/events/{past.pk}/"' in entry_page
    assert client.post(f"/c/brewers/events/{coming.pk}/write-up/").status_code == 409
    cancel_event(event=past, by=community.created_by)
    assert client.post(f"/c/brewers/events/{past.pk}/write-up/").status_code == 409
    assert Entry.objects.count() == 1


def test_api_writes_up_a_past_event():
    community = make_community(slug="brewers")
    past = _event(community, days=-1)
    token = make_token(community.created_by)
    url = f"/api/v1/communities/brewers/events/{past.pk}/write-up"
    response = _api(Client(), "POST", url, token)
    assert response.status_code == 201
    body = response.json()
    assert body["url"] == f"/c/brewers/r/{body['entry_id']}/"
    assert Entry.objects.get().written_up_from.get().event == past


def test_a_profile_shows_the_events_its_person_leads_soon():
    community = make_community(slug="brewers")
    lead = add_member(community, make_user("lead"))
    _event(community, title="Hop walk", leaders=["lead"])
    _event(community, days=-3, title="Done already", leaders=["lead"])
    cancel_event(event=_event(community, title="Called off", leaders=["lead"]), by=lead)
    page = client_for().get("/u/lead/").content.decode()
    panel = page[page.index('id="leading-h"') :].split("</section>")[0]
    assert "Hop walk" in panel
    assert "Done already" not in panel and "Called off" not in panel
    assert "Led the visit ‘Done already’" in page  # what they led counts as expertise
