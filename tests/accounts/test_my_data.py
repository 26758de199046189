import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from commonplace.communities.actions import endorse_skill, leave_community, notify
from commonplace.discussions.actions import delete_thread, vote_helpful
from commonplace.events.actions import respond_to_event, schedule_event
from commonplace.insights.models import RoutedQuestion
from commonplace.repertoire.actions import create_entry, endorse_entry, record_reuse
from tests.factories import (
    add_member,
    declare_skills,
    make_community,
    make_reply,
    make_thread,
    make_token,
)

pytestmark = pytest.mark.django_db


def test_my_data_holds_own_posts_votes_and_memberships_but_not_others_private_titles():
    private = make_community(slug="nurses", visibility="private", join_policy="invite")
    public = make_community(slug="brewers")
    secret_thread = make_thread(private, title="Secret ward case")
    member = add_member(private)
    add_member(public, member)
    make_reply(secret_thread, member, body="My own words")
    make_reply(make_thread(public, title="Open question"), member, body="Public words")
    start = timezone.now() + timedelta(days=3)
    for community, title in ((private, "Secret ward round"), (public, "Open brew day")):
        event = schedule_event(
            community=community, by=community.created_by, kind="visit", title=title,
            starts_at=start, ends_at=start + timedelta(hours=2), leaders=[member.username],
        )  # fmt: skip
        respond_to_event(event=event, by=member, response="going")
        entry = create_entry(
            community=community, by=member, kind="tool", title=f"{title} sheet", body="Use it"
        )
        if community is public:
            endorse_entry(entry=entry, by=member)
        record_reuse(entry=entry, by=member, note=f"My note on {title.split()[-1]}")
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
    assert {e["event_title"] for e in data["events"]} == {"Open brew day", None}
    assert all(e["led"] and not e["planned"] for e in data["events"])
    assert [r["response"] for r in data["event_responses"]] == ["going", "going"]
    assert {e["entry_title"] for e in data["entries"]} == {"Open brew day sheet", None}
    assert [e["entry_title"] for e in data["endorsements"]] == ["Open brew day sheet"]
    assert {r["note"] for r in data["reuses"]} == {"My note on round", "My note on day"}
    assert b"Secret ward round" not in download.content

    api = Client().get("/api/v1/me/data", headers={"Authorization": f"Bearer {make_token(member)}"})
    assert api.json() == data


def test_my_data_holds_notifications_endorsements_and_routing_only_where_still_readable():
    private = make_community(slug="nurses", visibility="private", join_policy="invite")
    public = make_community(slug="brewers")
    member = add_member(private)
    add_member(public, member)
    peer = add_member(public)
    declare_skills(member, "Dry hopping")
    declare_skills(peer, "Water chemistry")
    endorse_skill(person=member, skill="dry hopping", by=peer)
    endorse_skill(person=peer, skill="Water chemistry", by=member)
    for community, title in ((private, "Secret ward case"), (public, "Open question")):
        thread = make_thread(community, title=title)
        notify(
            user=member, community=community, kind="reply", title=f"New answer: {title}",
            url=f"/c/{community.slug}/t/{thread.pk}/", reason="You asked to follow it.",
        )  # fmt: skip
        RoutedQuestion.objects.create(
            thread=thread, community=community, user=member, score=1.0,
            reason=f"answered on {title}", created_at=timezone.now(),
        )  # fmt: skip
    leave_community(membership=private.memberships.get(user=member))

    response = Client(headers={"Authorization": f"Bearer {make_token(member)}"}).get(
        "/api/v1/me/data"
    )
    data = response.json()
    assert [n["title"] for n in data["notifications"]] == ["New answer: Open question"]
    assert [r["thread_title"] for r in data["suggested_for_questions"]] == ["Open question"]
    assert data["skill_endorsements"] == {
        "received": [{"skill": "dry hopping", "endorsements": 1}],
        "given": [
            {
                "person": peer.username,
                "skill": "water chemistry",
                "at": data["skill_endorsements"]["given"][0]["at"],
            }
        ],
    }
    assert b"Secret ward case" not in response.content and b"nurses" not in response.content


def test_my_data_leaves_out_the_titles_of_deleted_threads_of_others():
    community = make_community(slug="brewers")
    member = add_member(community)
    thread = make_thread(community, title="Soon gone")
    make_reply(thread, member, body="My answer")
    vote_helpful(
        post=thread.posts.get(is_opening=True), by=member,
        membership=community.memberships.get(user=member),
    )  # fmt: skip
    RoutedQuestion.objects.create(
        thread=thread, community=community, user=member, score=1.0, reason="hops",
        created_at=timezone.now(),
    )  # fmt: skip
    delete_thread(
        thread=thread, by=community.created_by,
        membership=community.memberships.get(user=community.created_by),
    )  # fmt: skip
    response = Client(headers={"Authorization": f"Bearer {make_token(member)}"}).get(
        "/api/v1/me/data"
    )
    data = response.json()
    assert data["suggested_for_questions"] == []
    assert [v["thread_title"] for v in data["votes"]] == [None]
    assert b"Soon gone" not in response.content
