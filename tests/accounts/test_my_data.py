import json

import pytest
from django.test import Client

from commonplace.communities.actions import leave_community
from tests.factories import add_member, make_community, make_reply, make_thread, make_token

pytestmark = pytest.mark.django_db


def test_my_data_holds_own_posts_votes_and_memberships_but_not_others_private_titles():
    private = make_community(slug="nurses", visibility="private", join_policy="invite")
    public = make_community(slug="brewers")
    secret_thread = make_thread(private, title="Secret ward case")
    member = add_member(private)
    add_member(public, member)
    make_reply(secret_thread, member, body="My own words")
    make_reply(make_thread(public, title="Open question"), member, body="Public words")
    leave_community(membership=private.memberships.get(user=member))

    client = Client()
    client.force_login(member)
    download = client.get("/accounts/my-data/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    data = json.loads(download.content)
    assert data["profile"]["username"] == member.username
    assert [m["community"] for m in data["memberships"]] == ["brewers"]
    bodies = {p["body"]: p for p in data["posts"]}
    assert bodies["Public words"]["thread_title"] == "Open question"
    assert bodies["My own words"]["thread_title"] is None  # no longer readable to them
    assert b"Secret ward case" not in download.content and b"nurses" not in download.content

    api = Client().get("/api/v1/me/data", headers={"Authorization": f"Bearer {make_token(member)}"})
    assert api.json() == data
