"""Events are found by the search box and the API, like everything else, and only
by those who may read their community."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from commonplace.accounts.actions import set_preferences
from commonplace.communities.actions import leave_community
from commonplace.events.actions import cancel_event, edit_event, schedule_event, schedule_events
from commonplace.search.indexing import rebuild
from commonplace.search.models import DocType, Document
from commonplace.search.queries import search
from tests.factories import (
    add_member,
    client_for,
    make_community,
    make_thread,
    make_token,
    make_user,
)
from tests.search.helpers import doc, found, snapshot

pytestmark = pytest.mark.django_db


def _plan(community, **fields):
    start = fields.pop("starts_at", timezone.now() + timedelta(days=7))
    values = {
        "kind": "workshop", "title": "Water chemistry clinic", "starts_at": start,
        "ends_at": start + timedelta(hours=2), "location": "The brewhouse, Bay 3",
        "description": "Bring a **water report** from your utility.", "topics": ["hops"],
        **fields,
    }  # fmt: skip
    return schedule_event(community=community, by=community.created_by, **values)


def test_an_event_is_found_by_its_title_description_and_place_and_filtered_by_type_and_kind():
    brewers = make_community(slug="brewers")
    event = _plan(brewers)
    hit = ("event", event.pk)
    assert hit in found("chemistry")
    assert hit in found("utility report")
    assert hit in found("brewhouse")
    assert found("type:event") == [hit] and found("type:events chemistry") == [hit]
    assert found("kind:workshop") == [hit] and found("kind:visit") == []
    assert found("topic:hops type:event") == [hit]
    assert found("chemistry type:entry") == []


def test_the_index_follows_edits_and_cancellations():
    brewers = make_community(slug="brewers")
    event = _plan(brewers)
    edit_event(
        event=event, by=brewers.created_by, kind="webinar", title="Mash pH webinar",
        starts_at=event.starts_at, ends_at=event.ends_at, online_url="https://meet.example.org/ph",
    )  # fmt: skip
    assert found("chemistry") == [] and found("brewhouse") == []
    assert found("mash webinar") == [("event", event.pk)]
    assert doc(DocType.EVENT, event.pk).kind == "webinar"
    cancel_event(event=event, by=brewers.created_by, reason="Speaker ill")
    assert found("mash webinar") == [("event", event.pk)]  # still listed, as on the calendar
    assert doc(DocType.EVENT, event.pk).boost == 0.5


def test_the_results_page_links_the_event_and_says_when_on_the_readers_clock():
    brewers = make_community(slug="brewers")
    event = _plan(brewers, starts_at=datetime(2031, 1, 14, 17, 30, tzinfo=UTC))
    reader = set_preferences(user=add_member(brewers), time_zone="Europe/Paris")
    page = client_for(reader).get("/search/?q=chemistry").content.decode()
    assert f'href="/c/brewers/events/{event.pk}/"' in page
    assert "Event</span>" in page and "Workshop</span>" in page
    assert "takes place" in page and "Tue 14 Jan 2031, 18:30 CET" in page
    cancel_event(event=event, by=brewers.created_by)
    assert "Cancelled</span>" in client_for(reader).get("/search/?q=chemistry").content.decode()


def test_a_private_communitys_events_are_found_only_by_its_members():
    private = make_community(slug="ward", visibility="private", join_policy="invite")
    member, outsider = add_member(private), make_user()
    add_member(make_community(slug="brewers"), outsider)
    event = _plan(private, title="Quillwort ward round", location="Ward 7", topics=[])
    assert found("quillwort", user=member) == [("event", event.pk)]
    for viewer in (None, outsider):
        assert found("quillwort", user=viewer) == []
        assert found("type:event", user=viewer) == []
        assert found("kind:workshop", user=viewer) == []
    for client in (client_for(), client_for(outsider)):
        assert "Quillwort" not in client.get("/search/?q=quillwort+type:event").content.decode()
    api = client_for().get(
        "/api/v1/search?q=quillwort", headers={"Authorization": f"Bearer {make_token(outsider)}"}
    )
    assert api.status_code == 200 and "Quillwort" not in api.content.decode()
    assert (
        "Quillwort"
        in client_for()
        .get(
            "/api/v1/search?q=quillwort", headers={"Authorization": f"Bearer {make_token(member)}"}
        )
        .content.decode()
    )
    leave_community(membership=private.memberships.get(user=member))
    assert found("quillwort", user=member) == []


def test_the_migration_indexes_the_events_that_were_there_before():
    brewers = make_community(slug="brewers")
    kept = _plan(brewers)
    called_off = _plan(brewers, title="Tasting night", kind="social")
    cancel_event(event=called_off, by=brewers.created_by)
    series = schedule_events(
        community=brewers, by=brewers.created_by, repeat="monthly", occurrences=3,
        kind="meeting", title="Monthly call", starts_at=kept.starts_at, ends_at=kept.ends_at,
    )  # fmt: skip
    cancel_event(event=series[2], by=brewers.created_by)
    expected = set(
        Document.objects.filter(doc_type="event").values_list(
            "object_id", "title", "body", "topics", "boost"
        )
    )
    Document.objects.filter(doc_type="event").delete()
    import_module("commonplace.search.migrations.0007_event_documents").index_events(apps, None)
    assert (
        set(
            Document.objects.filter(doc_type="event").values_list(
                "object_id", "title", "body", "topics", "boost"
            )
        )
        == expected
    )
    assert found("chemistry") == [("event", kept.pk)]
    assert set(found("monthly call")) == {("event", series[0].pk), ("event", series[2].pk)}


def test_a_series_is_found_once_until_an_occurrence_differs():
    brewers = make_community(slug="brewers")
    first, second, third, fourth = schedule_events(
        community=brewers, by=brewers.created_by, repeat="weekly", occurrences=4,
        kind="meeting", title="Regular call", starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=1), topics=["hops"],
    )  # fmt: skip
    assert found("regular call") == [("event", first.pk)]

    def change(event, **fields):
        values = {
            "kind": event.kind, "title": event.title, "starts_at": event.starts_at,
            "ends_at": event.ends_at, "topics": ["hops"], **fields,
        }  # fmt: skip
        edit_event(event=event, by=brewers.created_by, **values)

    cancel_event(event=first, by=brewers.created_by)  # the next one now stands for the rest
    assert set(found("regular call")) == {("event", first.pk), ("event", second.pk)}
    change(third, title="Regular call, with the maltsters")
    assert set(found("regular call")) == {("event", e.pk) for e in (first, second, third, fourth)}
    change(
        third,
        starts_at=third.starts_at + timedelta(hours=1),
        ends_at=third.ends_at + timedelta(hours=1),
    )
    change(third, title="Regular call")  # alike again: found through the second
    assert set(found("regular call")) == {("event", first.pk), ("event", second.pk)}
    incremental = snapshot()
    rebuild(embed=False)
    assert snapshot() == incremental


def test_a_thread_and_an_event_of_the_same_kind_keep_their_own_labels():
    brewers = make_community(slug="brewers")
    event = _plan(brewers, kind="knowledge_mapping", title="Quillwort mapping")
    thread = make_thread(brewers, kind="knowledge_mapping", title="Quillwort mapping notes")
    labels = {
        (r.doc_type, r.hit.object_id): (r.type_label, r.kind_label)
        for r in search(user=AnonymousUser(), text="quillwort").results
    }
    assert labels["event", event.pk] == ("Event", "Knowledge-mapping session")
    assert labels["thread", thread.pk] == ("Discussion", "Knowledge mapping")


def test_the_search_api_says_when_an_event_takes_place_and_whether_it_is_off():
    brewers = make_community(slug="brewers")
    event = _plan(brewers, starts_at=datetime(2031, 1, 14, 17, 30, tzinfo=UTC))
    cancel_event(event=event, by=brewers.created_by)
    item = client_for().get("/api/v1/search?q=chemistry").json()["items"][0]
    assert item["type"] == "event" and item["url"] == f"/c/brewers/events/{event.pk}/"
    assert item["starts_at"] == "2031-01-14T17:30:00Z" and item["is_cancelled"] is True
