"""A person's time zone: chosen on the profile or through the API, used on every page."""

import json

import pytest
from django.test import Client

from commonplace.accounts.actions import set_preferences
from commonplace.accounts.models import User
from commonplace.core.errors import DomainError
from tests.factories import client_for, make_token, make_user

pytestmark = pytest.mark.django_db


def test_set_preferences_takes_a_known_zone_or_empty_and_refuses_others():
    person = make_user()
    assert set_preferences(user=person, time_zone=" Asia/Tokyo ").time_zone == "Asia/Tokyo"
    assert person.zone.key == "Asia/Tokyo"
    with pytest.raises(DomainError) as refused:
        set_preferences(user=person, time_zone="Mars/Olympus_Mons")
    assert refused.value.field == "time_zone" and "Mars/Olympus_Mons" in refused.value.message
    assert User.objects.get(pk=person.pk).time_zone == "Asia/Tokyo"  # unchanged
    set_preferences(user=person, routes_questions=False)  # None keeps the zone
    assert User.objects.get(pk=person.pk).time_zone == "Asia/Tokyo"
    assert set_preferences(user=person, time_zone="").zone.key == "UTC"


def test_profile_page_offers_the_zones_and_saves_the_choice():
    person = make_user("kenji")
    client = client_for(person)
    page = client.get("/accounts/profile/").content.decode()
    assert '<label for="id_time_zone"' in page and '<option value="Asia/Tokyo">' in page
    form = {"display_name": "Kenji", "time_zone": "Asia/Tokyo", "routes_questions": "on"}
    assert client.post("/accounts/profile/", form).status_code == 302
    assert User.objects.get(pk=person.pk).time_zone == "Asia/Tokyo"
    page = client.get("/accounts/profile/").content.decode()
    assert '<option value="Asia/Tokyo" selected>' in page


def test_profile_page_refuses_an_unknown_zone_and_keeps_the_old_one():
    person = make_user("kenji")
    set_preferences(user=person, time_zone="Asia/Tokyo")
    response = client_for(person).post(
        "/accounts/profile/", {"display_name": "Renamed", "time_zone": "Nowhere/Land"}
    )
    assert response.status_code == 422
    assert "Nowhere/Land is not one of the available choices" in response.content.decode()
    person.refresh_from_db()
    assert (person.time_zone, person.display_name) == ("Asia/Tokyo", "Kenji")


def test_api_reads_and_changes_the_zone_and_refuses_unknown_ones():
    person = make_user()
    auth = {"Authorization": f"Bearer {make_token(person)}"}
    client = Client()
    assert client.get("/api/v1/me/preferences", headers=auth).json()["time_zone"] == ""
    changed = client.patch(
        "/api/v1/me/preferences", json.dumps({"time_zone": "America/Sao_Paulo"}),
        content_type="application/json", headers=auth,
    )  # fmt: skip
    assert changed.status_code == 200 and changed.json()["time_zone"] == "America/Sao_Paulo"
    refused = client.patch(
        "/api/v1/me/preferences", json.dumps({"time_zone": "Atlantis"}),
        content_type="application/json", headers=auth,
    )  # fmt: skip
    assert refused.status_code == 422 and "Atlantis" in refused.content.decode()
    assert User.objects.get(pk=person.pk).time_zone == "America/Sao_Paulo"
    data = client.get("/api/v1/me/data", headers=auth).json()
    assert data["profile"]["time_zone"] == "America/Sao_Paulo"


def test_a_zone_this_machine_does_not_know_falls_back_to_the_site_zone():
    # As after restoring an archive made with newer time zone data.
    person = make_user()
    User.objects.filter(pk=person.pk).update(time_zone="Nowhere/New")
    assert User.objects.get(pk=person.pk).zone.key == "UTC"
    assert client_for(person).get("/events/").status_code == 200


def test_saving_the_profile_keeps_a_zone_this_machine_does_not_know():
    person = make_user("kenji")
    User.objects.filter(pk=person.pk).update(time_zone="Nowhere/New")
    client = client_for(person)
    page = client.get("/accounts/profile/").content.decode()
    assert '<option value="Nowhere/New" selected>' in page
    form = {"display_name": "Kenji", "time_zone": "Nowhere/New"}
    assert client.post("/accounts/profile/", form).status_code == 302
    assert User.objects.get(pk=person.pk).time_zone == "Nowhere/New"
