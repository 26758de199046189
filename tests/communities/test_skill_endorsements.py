"""Peers vouch for the skills a member declares; expertise counts their word."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commonplace.accounts.models import SkillEndorsement
from commonplace.communities.actions import endorse_skill, withdraw_skill_endorsement
from commonplace.communities.queries import list_skills
from commonplace.core.errors import ConflictError, DomainError, ForbiddenError
from commonplace.core.models import Activity, Verb
from commonplace.insights.models import Expertise
from commonplace.insights.queries import reasons
from tests.factories import add_member, declare_skills, make_community, make_token, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def peers():  # type: ignore[no-untyped-def]
    coordinator = make_user("coord")
    brewers = make_community(slug="brewers", coordinator=coordinator)
    dana = add_member(brewers, make_user("dana"))
    declare_skills(dana, "Yeast", "Water chemistry")
    eli = add_member(brewers, make_user("eli"))
    return brewers, dana, eli, coordinator


def test_endorse_skill_by_a_peer_counts_and_feeds_expertise(peers) -> None:  # type: ignore[no-untyped-def]
    brewers, dana, eli, coordinator = peers
    endorse_skill(person=dana, skill="yeast", by=eli)  # any capitalisation
    endorse_skill(person=dana, skill="Yeast ", by=coordinator)
    assert SkillEndorsement.objects.filter(person=dana, skill_key="yeast").count() == 2
    assert Activity.objects.filter(verb=Verb.SKILL_ENDORSED, target_id=dana.pk).count() == 2
    lines, may = list_skills(person=dana, viewer=eli)
    assert [(s.skill, s.endorsements, s.endorsed_by_viewer) for s in lines] == [
        ("Yeast", 2, True),
        ("Water chemistry", 0, False),
    ]
    assert may
    row = Expertise.objects.get(user=dana, community=brewers, topic__slug="yeast")
    assert row.declared and row.peer_endorsements == 2
    assert reasons(row) == ["lists it among their skills, endorsed by 2 peers"]
    withdraw_skill_endorsement(person=dana, skill="YEAST", by=eli)
    row = Expertise.objects.get(user=dana, community=brewers, topic__slug="yeast")  # rebuilt
    assert row.peer_endorsements == 1


def test_endorse_skill_refuses_what_is_not_a_peers_word(peers) -> None:  # type: ignore[no-untyped-def]
    _, dana, eli, _ = peers
    stranger = make_user("stranger")
    with pytest.raises(ForbiddenError, match="share a community"):
        endorse_skill(person=dana, skill="Yeast", by=stranger)
    with pytest.raises(ForbiddenError, match="your own"):
        endorse_skill(person=dana, skill="Yeast", by=dana)
    with pytest.raises(DomainError, match="does not list"):
        endorse_skill(person=dana, skill="Accounting", by=eli)
    endorse_skill(person=dana, skill="Yeast", by=eli)
    with pytest.raises(ConflictError, match="already"):
        endorse_skill(person=dana, skill="yeast", by=eli)
    with pytest.raises(ConflictError, match="not endorsed"):
        withdraw_skill_endorsement(person=dana, skill="Water chemistry", by=eli)
    assert list_skills(person=dana, viewer=stranger)[1] is False
    assert list_skills(person=dana, viewer=dana)[1] is False


def test_profile_page_vouches_and_withdraws(client, peers) -> None:  # type: ignore[no-untyped-def]
    _, dana, eli, _ = peers
    profile = reverse("profile", args=[dana.username])
    url = reverse("skill_endorsement", args=[dana.username])
    assert "Vouch" not in client.get(profile).content.decode()  # anonymous: nothing to press
    assert client.post(url, {"skill": "Yeast"}).status_code == 302  # to the log-in page
    client.force_login(eli)
    assert ">Vouch</button>" in client.get(profile).content.decode()
    response = client.post(url, {"skill": "Yeast"}, follow=True)
    page = response.content.decode()
    assert "You vouched for Dana on “Yeast”." in page and "1 peer vouches" in page
    assert "Withdraw" in page
    assert client.post(url, {"skill": "Yeast"}).status_code == 409
    assert client.post(url, {"skill": ""}).status_code == 422
    client.post(url, {"skill": "Yeast", "withdraw": "1"})
    assert not SkillEndorsement.objects.exists()
    client.force_login(make_user("stranger"))
    assert client.post(url, {"skill": "Yeast"}).status_code == 403
    assert not SkillEndorsement.objects.exists()


def test_skill_endorsements_in_the_api(client, peers) -> None:  # type: ignore[no-untyped-def]
    _, dana, eli, _ = peers
    url = f"/api/v1/people/{dana.username}/skills/endorsements"
    auth = {"Authorization": f"Bearer {make_token(eli)}"}
    created = client.post(url, {"skill": "Yeast"}, content_type="application/json", headers=auth)
    assert created.status_code == 201
    assert created.json()[0] == {"skill": "Yeast", "endorsements": 1, "endorsed_by_you": True}
    again = client.post(url, {"skill": "Yeast"}, content_type="application/json", headers=auth)
    assert again.status_code == 409 and "already" in again.json()["detail"]
    gone = client.delete(url, {"skill": "Yeast"}, content_type="application/json", headers=auth)
    assert gone.status_code == 200 and gone.json()[0]["endorsements"] == 0
    unknown = client.post(
        "/api/v1/people/nobody/skills/endorsements",
        {"skill": "Yeast"}, content_type="application/json", headers=auth,
    )  # fmt: skip
    assert unknown.status_code == 404
