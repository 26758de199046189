"""The API's happy paths, end to end with a personal access token."""

import pytest
from django.test import Client

from commonplace.core.models import Activity, Verb
from tests.factories import make_token, make_user

pytestmark = pytest.mark.django_db


def _client(user):
    return Client(headers={"Authorization": f"Bearer {make_token(user)}"})


def test_api_community_thread_answer_flow():
    ana, ben = make_user("ana"), make_user("ben")
    as_ana, as_ben = _client(ana), _client(ben)

    created = as_ana.post(
        "/api/v1/communities",
        {"name": "Brewers", "slug": "brewers", "domain_statement": "Brewing.", "topics": ["Yeast"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["topics"] == [{"slug": "yeast", "name": "Yeast"}]

    assert as_ben.post("/api/v1/communities/brewers/join").json()["status"] == "active"
    thread = as_ana.post(
        "/api/v1/communities/brewers/threads",
        {"kind": "problem_solving", "title": "Stuck at 1.030", "body": "Help", "topics": ["yeast"]},
        content_type="application/json",
    ).json()
    reply = as_ben.post(
        f"/api/v1/communities/brewers/threads/{thread['id']}/posts",
        {"body": "Warm it up."},
        content_type="application/json",
    )
    assert reply.status_code == 201
    post_id = reply.json()["id"]

    voted = as_ana.post(f"/api/v1/communities/brewers/posts/{post_id}/vote")
    assert voted.json()["helpful_count"] == 1
    accepted = as_ana.post(
        f"/api/v1/communities/brewers/threads/{thread['id']}/accept",
        {"post_id": post_id},
        content_type="application/json",
    )
    assert accepted.json()["is_resolved"] is True

    detail = Client().get(f"/api/v1/communities/brewers/threads/{thread['id']}").json()
    assert [p["is_opening"] for p in detail["posts"]] == [True, False]
    listing = Client().get("/api/v1/communities/brewers/threads?state=resolved").json()
    assert listing["count"] == 1 and listing["items"][0]["accepted_answer_id"] == post_id
    verbs = set(Activity.objects.values_list("verb", flat=True))
    assert {Verb.THREAD_STARTED, Verb.POST_REPLIED, Verb.POST_VOTED, Verb.ANSWER_ACCEPTED} <= verbs


def test_api_membership_request_and_roles():
    ana, ben = make_user("ana"), make_user("ben")
    as_ana, as_ben = _client(ana), _client(ben)
    as_ana.post(
        "/api/v1/communities",
        {"name": "Guild", "slug": "guild", "domain_statement": "Data.", "join_policy": "request"},
        content_type="application/json",
    )
    requested = as_ben.post(
        "/api/v1/communities/guild/requests", {"message": "hi"}, content_type="application/json"
    )
    assert requested.status_code == 201 and requested.json()["status"] == "pending"
    assert as_ana.get("/api/v1/communities/guild/pending").json()[0]["person"]["username"] == "ben"
    assert as_ana.post("/api/v1/communities/guild/members/ben/approve").json()["status"] == "active"
    roles = as_ana.put(
        "/api/v1/communities/guild/members/ben/roles",
        {"role": "coordinator", "leadership_roles": ["boundary"]},
        content_type="application/json",
    )
    assert roles.json()["role"] == "coordinator"
    assert roles.json()["leadership_roles"] == ["boundary"]
    me = as_ben.get("/api/v1/me").json()
    assert me["communities"] == ["guild"]


def test_api_rejects_revoked_and_unknown_tokens():
    user = make_user()
    bad = Client(headers={"Authorization": "Bearer cp_not-a-real-token"})
    assert bad.get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/me").status_code == 401
    assert _client(user).get("/api/v1/me").status_code == 200


def test_openapi_schema_and_docs_are_served_locally():
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/communities/{slug}/threads" in schema.json()["paths"]
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content


def test_unknown_api_address_answers_json_404():
    response = Client().get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["detail"]
