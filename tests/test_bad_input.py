"""Bad input is refused with a 4xx and a sentence for people, never a 500,
and a refused write leaves nothing half-written."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from commonplace.accounts.models import User
from commonplace.communities.models import Community, DomainRevision, Membership, Topic
from commonplace.core.models import Activity
from commonplace.discussions.models import Post, PostRevision, Thread, Vote
from tests.factories import (
    add_member,
    add_pending,
    make_community,
    make_reply,
    make_thread,
    make_token,
    make_user,
)

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
COUNTED = [User, Community, DomainRevision, Topic, Membership, Thread, Post, PostRevision, Vote]


@dataclass
class Brewing:
    """An open public community with two questions, each answered once."""

    community: Community
    coordinator: User
    asker: User
    answerer: User
    question: Thread
    answer: Post
    other_question: Thread
    other_answer: Post

    @property
    def slug(self) -> str:
        return self.community.slug


@pytest.fixture
def brewing() -> Brewing:
    coordinator = make_user("coordinator")
    community = make_community(
        coordinator=coordinator, slug="brewing", name="Brewing", topics=("Hops", "Yeast")
    )
    asker = add_member(community, make_user("asker"))
    answerer = add_member(community, make_user("answerer"))
    question = make_thread(
        community, asker, kind="problem_solving", title="Stuck fermentation at 1.030"
    )
    answer = make_reply(question, answerer, body="Warm it up by two degrees.")
    other_question = make_thread(community, answerer, kind="request_for_information")
    other_answer = make_reply(other_question, asker, body="Page 12 of the manual.")
    return Brewing(
        community=community,
        coordinator=coordinator,
        asker=asker,
        answerer=answerer,
        question=question,
        answer=answer,
        other_question=other_question,
        other_answer=other_answer,
    )


def counts() -> dict[str, int]:
    """Rows per table, and the activity log, so a half-written write shows."""
    rows = {model.__name__: model.objects.count() for model in COUNTED}
    rows["Activity"] = Activity.objects.count()
    return rows


def browser(user: User | None = None, **options: Any) -> Client:
    client = Client(raise_request_exception=False, **options)
    if user is not None:
        client.force_login(user, backend=MODEL_BACKEND)
    return client


def call_api(
    method: str,
    url: str,
    payload: Any = None,
    *,
    user: User | None = None,
    raw: bytes | None = None,
    client: Client | None = None,
    **extra: Any,
) -> Any:
    """Call the API as `user` (with a personal access token) or anonymously."""
    client = client or browser()
    if user is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {make_token(user)}"
    body: bytes | str = raw if raw is not None else (json.dumps(payload) if payload else "")
    return client.generic(method, url, body, content_type="application/json", **extra)


def assert_api_error(response: Any, status: int, *fragments: str) -> None:
    """The status, and a `detail` a person can read that names what is wrong."""
    assert response.status_code == status, response.content[:500]
    detail = response.json().get("detail")
    assert isinstance(detail, str) and detail.strip()
    assert "Traceback" not in detail
    for fragment in fragments:
        assert fragment.lower() in detail.lower(), detail


def page_text(response: Any) -> str:
    return html.unescape(response.content.decode())


def assert_form_error(response: Any, message: str) -> None:
    """The form comes back (422) with the message next to what was typed."""
    assert response.status_code == 422, response.status_code
    assert message in page_text(response)


def assert_error_page(response: Any, status: int, message: str = "") -> None:
    assert response.status_code == status
    text = page_text(response)
    assert 'class="error-code"' in text
    assert message in text


# -- Starting a thread


THREAD = {"kind": "problem_solving", "title": "Why is my beer sour?", "body": "A long story."}

THREAD_FORM_CASES = [
    ("title too long", {"title": "t" * 201}, "at most 200 characters"),
    ("body too long", {"body": "b" * 50_001}, "at most 50000 characters"),
    ("blank title", {"title": "   "}, "This field is required."),
    ("empty body", {"body": ""}, "This field is required."),
    ("unknown kind", {"kind": "gossip"}, "Select a valid choice"),
    ("unknown topic", {"topics": ["sourdough"]}, "Select a valid choice"),
    ("null character", {"title": "Sour\x00"}, "Null characters are not allowed."),
]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [c[1:] for c in THREAD_FORM_CASES],
    ids=[c[0] for c in THREAD_FORM_CASES],
)
def test_thread_new_rejects_bad_input_and_keeps_what_was_typed(
    brewing: Brewing, overrides: dict[str, Any], message: str
) -> None:
    data = {**THREAD, **overrides}
    before = counts()
    response = browser(brewing.asker).post(
        reverse("discussions:thread_new", args=[brewing.slug]), data
    )
    assert_form_error(response, message)
    assert counts() == before
    text = page_text(response)
    for typed in (data["title"], data["body"]):
        if typed.strip() and "\x00" not in typed:
            assert typed in text


THREAD_API_CASES = [
    ("title too long", {"title": "t" * 201}, 422, "title"),
    ("body too long", {"body": "b" * 50_001}, 422, "body"),
    ("empty title", {"title": ""}, 422, "title"),
    ("blank title", {"title": "   "}, 422, "Give the thread a title"),
    ("blank body", {"body": " \n\t "}, 422, "Write something first"),
    ("unknown kind", {"kind": "gossip"}, 422, "kind"),
    ("unknown topic", {"topics": ["sourdough"]}, 422, "Unknown topic"),
    ("too many topics", {"topics": ["hops"] * 6}, 422, "topics"),
    ("topics not a list", {"topics": "hops"}, 422, "topics"),
    ("title not text", {"title": 42}, 422, "title"),
    ("no kind", {"kind": None}, 422, "kind"),
    ("null character", {"title": "Sour\x00"}, 400, "null characters"),
]


@pytest.mark.parametrize(
    ("overrides", "status", "fragment"),
    [c[1:] for c in THREAD_API_CASES],
    ids=[c[0] for c in THREAD_API_CASES],
)
def test_start_thread_api_rejects_bad_input(
    brewing: Brewing, overrides: dict[str, Any], status: int, fragment: str
) -> None:
    payload = {k: v for k, v in {**THREAD, **overrides}.items() if v is not None}
    before = counts()
    response = call_api(
        "POST", f"/api/v1/communities/{brewing.slug}/threads", payload, user=brewing.asker
    )
    assert_api_error(response, status, fragment)
    before["Activity"] += 1  # creating the token for the call is logged
    assert counts() == before


def test_start_thread_api_accepts_an_escaped_null_in_a_code_sample(brewing: Brewing) -> None:
    # Only a real NUL character is refused, not text that talks about one.
    payload = {**THREAD, "body": "End a C string with `\\u0000`."}
    response = call_api(
        "POST", f"/api/v1/communities/{brewing.slug}/threads", payload, user=brewing.asker
    )
    assert response.status_code == 201


# -- Replying and editing


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "This field is required."), ("b" * 50_001, "at most 50000 characters")],
    ids=["empty", "too long"],
)
def test_reply_page_rejects_bad_body_and_keeps_it(
    brewing: Brewing, body: str, message: str
) -> None:
    before = counts()
    response = browser(brewing.answerer).post(
        reverse("discussions:reply", args=[brewing.slug, brewing.question.pk]), {"body": body}
    )
    assert_form_error(response, message)
    assert body in page_text(response)  # a long reply is never lost
    assert counts() == before


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"body": ""}, "body"),
        ({"body": "   "}, "Write something first"),
        ({"body": "b" * 50_001}, "body"),
        ({"text": "wrong field"}, "body"),
    ],
    ids=["empty", "blank", "too long", "wrong field"],
)
def test_reply_api_rejects_bad_body(
    brewing: Brewing, payload: dict[str, Any], fragment: str
) -> None:
    before = counts()
    response = call_api(
        "POST",
        f"/api/v1/communities/{brewing.slug}/threads/{brewing.question.pk}/posts",
        payload,
        user=brewing.answerer,
    )
    assert_api_error(response, 422, fragment)
    assert counts()["Post"] == before["Post"]


def test_edit_post_api_rejects_over_long_body_and_keeps_the_post(brewing: Brewing) -> None:
    response = call_api(
        "PATCH",
        f"/api/v1/communities/{brewing.slug}/posts/{brewing.answer.pk}",
        {"body": "b" * 50_001},
        user=brewing.answerer,
    )
    assert_api_error(response, 422, "body")
    brewing.answer.refresh_from_db()
    assert brewing.answer.body == "Warm it up by two degrees."
    assert brewing.answer.edited_at is None
    assert not PostRevision.objects.exists()


def test_edit_post_page_rejects_over_long_body_and_keeps_the_post(brewing: Brewing) -> None:
    response = browser(brewing.answerer).post(
        reverse("discussions:post_edit", args=[brewing.slug, brewing.answer.pk]),
        {"body": "b" * 50_001},
    )
    assert_form_error(response, "at most 50000 characters")
    brewing.answer.refresh_from_db()
    assert brewing.answer.body == "Warm it up by two degrees."
    assert not PostRevision.objects.exists()


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"title": "t" * 201, "body": "Fine."}, "title"),
        ({"title": "Fine", "body": "b" * 50_001}, "body"),
        ({"title": "  ", "body": "Fine."}, "Give the thread a title"),
        ({"title": "Fine", "body": "Fine.", "topics": ["sourdough"]}, "Unknown topic"),
    ],
    ids=["title too long", "body too long", "blank title", "unknown topic"],
)
def test_edit_thread_api_rejects_bad_input_and_keeps_the_thread(
    brewing: Brewing, payload: dict[str, Any], fragment: str
) -> None:
    response = call_api(
        "PATCH",
        f"/api/v1/communities/{brewing.slug}/threads/{brewing.question.pk}",
        payload,
        user=brewing.asker,
    )
    assert_api_error(response, 422, fragment)
    brewing.question.refresh_from_db()
    assert brewing.question.title == "Stuck fermentation at 1.030"
    assert not PostRevision.objects.exists()


def test_thread_edit_page_rejects_over_long_title(brewing: Brewing) -> None:
    response = browser(brewing.asker).post(
        reverse("discussions:thread_edit", args=[brewing.slug, brewing.question.pk]),
        {"title": "t" * 201, "body": "Fine."},
    )
    assert_form_error(response, "at most 200 characters")
    brewing.question.refresh_from_db()
    assert brewing.question.title == "Stuck fermentation at 1.030"


# -- Creating communities


CHARTER = {
    "name": "Cider makers",
    "slug": "cider",
    "domain_statement": "Pressing, fermenting and blending apples.",
    "topics": "Apples, Yeast",
    "visibility": "public",
    "join_policy": "open",
    "stage": "potential",
    "recognition": "unrecognized",
    "cadence": "none",
    "accent_color": "#2f6f5e",
}

COMMUNITY_FORM_CASES = [
    ("name too long", {"name": "n" * 121}, "at most 120 characters"),
    ("slug too long", {"slug": "s" * 51}, "at most 50 characters"),
    ("blank name", {"name": "   "}, "This field is required."),
    ("slug with spaces", {"slug": "two words"}, "Enter a valid"),
    ("reserved slug", {"slug": "new"}, "That address is reserved"),
    ("duplicate slug", {"slug": "brewing"}, "A community with that address exists already."),
    ("duplicate slug in capitals", {"slug": "Brewing"}, "exists already"),
    ("unknown visibility", {"visibility": "secret"}, "Select a valid choice"),
    ("bad colour", {"accent_color": "red"}, "Give the colour as #rrggbb."),
    ("topic name too long", {"topics": "x" * 61}, "is not a usable topic name"),
]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [c[1:] for c in COMMUNITY_FORM_CASES],
    ids=[c[0] for c in COMMUNITY_FORM_CASES],
)
def test_create_community_page_rejects_bad_input(
    brewing: Brewing, overrides: dict[str, Any], message: str
) -> None:
    before = counts()
    response = browser(brewing.asker).post(reverse("communities:create"), {**CHARTER, **overrides})
    assert_form_error(response, message)
    # The topic check runs after the community row is made: it must roll back.
    assert counts() == before


API_CHARTER = {
    "name": "Cider makers",
    "slug": "cider",
    "domain_statement": "Pressing, fermenting and blending apples.",
    "topics": ["Apples"],
}

COMMUNITY_API_CASES = [
    ("name too long", {"name": "n" * 121}, 422, "name"),
    ("slug too long", {"slug": "s" * 51}, 422, "slug"),
    ("empty name", {"name": ""}, 422, "name"),
    ("blank name", {"name": "   "}, 422, "needs a name"),
    ("slug in capitals", {"slug": "Cider"}, 422, "slug"),
    ("reserved slug", {"slug": "new"}, 422, "reserved"),
    ("duplicate slug", {"slug": "brewing"}, 409, "exists already"),
    ("unknown visibility", {"visibility": "secret"}, 422, "visibility"),
    ("blank domain", {"domain_statement": "   "}, 422, "what the community is about"),
    ("topic name too long", {"topics": ["x" * 61]}, 422, "not a usable topic name"),
    ("too many topics", {"topics": [f"topic {i}" for i in range(201)]}, 422, "topics"),
]


@pytest.mark.parametrize(
    ("overrides", "status", "fragment"),
    [c[1:] for c in COMMUNITY_API_CASES],
    ids=[c[0] for c in COMMUNITY_API_CASES],
)
def test_create_community_api_rejects_bad_input(
    brewing: Brewing, overrides: dict[str, Any], status: int, fragment: str
) -> None:
    before = counts()
    response = call_api(
        "POST", "/api/v1/communities", {**API_CHARTER, **overrides}, user=brewing.asker
    )
    assert_api_error(response, status, fragment)
    before["Activity"] += 1  # the token
    assert counts() == before


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "needs a name"),
        ({"accent_color": "red"}, "accent_color"),
        ({"visibility": "secret"}, "visibility"),
        ({"domain_statement": "d" * 4001}, "domain_statement"),
    ],
    ids=["empty name", "blank name", "bad colour", "unknown visibility", "domain too long"],
)
def test_update_community_api_rejects_bad_input(
    brewing: Brewing, payload: dict[str, Any], fragment: str
) -> None:
    response = call_api(
        "PATCH", f"/api/v1/communities/{brewing.slug}", payload, user=brewing.coordinator
    )
    assert_api_error(response, 422, fragment)
    brewing.community.refresh_from_db()
    assert brewing.community.name == "Brewing"
    assert brewing.community.visibility == "public"


# -- Votes and accepted answers


def test_vote_api_refuses_a_vote_on_ones_own_post(brewing: Brewing) -> None:
    response = call_api(
        "POST",
        f"/api/v1/communities/{brewing.slug}/posts/{brewing.answer.pk}/vote",
        user=brewing.answerer,
    )
    assert_api_error(response, 403, "your own post")
    assert not Vote.objects.exists()
    brewing.answer.refresh_from_db()
    assert brewing.answer.helpful_count == 0


def test_vote_page_refuses_a_vote_on_ones_own_post(brewing: Brewing) -> None:
    response = browser(brewing.answerer).post(
        reverse("discussions:vote", args=[brewing.slug, brewing.answer.pk])
    )
    assert_error_page(response, 403, "You cannot mark your own post as helpful.")
    assert not Vote.objects.exists()


def test_vote_api_refuses_a_second_vote(brewing: Brewing) -> None:
    url = f"/api/v1/communities/{brewing.slug}/posts/{brewing.answer.pk}/vote"
    assert call_api("POST", url, user=brewing.asker).status_code == 200
    before = counts()
    response = call_api("POST", url, user=brewing.asker)
    assert_api_error(response, 409, "already marked")
    before["Activity"] += 1  # the second token
    assert counts() == before
    brewing.answer.refresh_from_db()
    assert brewing.answer.helpful_count == 1


def test_vote_page_refuses_a_second_vote(brewing: Brewing) -> None:
    client = browser(brewing.asker)
    url = reverse("discussions:vote", args=[brewing.slug, brewing.answer.pk])
    assert client.post(url).status_code == 302
    before = counts()
    assert_error_page(client.post(url), 409, "You have already marked this post as helpful.")
    assert counts() == before
    brewing.answer.refresh_from_db()
    assert brewing.answer.helpful_count == 1


def test_unvote_api_refuses_a_vote_never_cast(brewing: Brewing) -> None:
    response = call_api(
        "DELETE",
        f"/api/v1/communities/{brewing.slug}/posts/{brewing.answer.pk}/vote",
        user=brewing.asker,
    )
    assert_api_error(response, 409, "not marked")


def test_accept_api_refuses_an_answer_from_another_thread(brewing: Brewing) -> None:
    before = counts()
    response = call_api(
        "POST",
        f"/api/v1/communities/{brewing.slug}/threads/{brewing.question.pk}/accept",
        {"post_id": brewing.other_answer.pk},
        user=brewing.asker,
    )
    assert_api_error(response, 422, "does not belong to this thread")
    before["Activity"] += 1  # the token
    assert counts() == before
    brewing.question.refresh_from_db()
    assert brewing.question.accepted_answer_id is None


def test_accept_page_refuses_an_answer_from_another_thread(brewing: Brewing) -> None:
    response = browser(brewing.asker).post(
        reverse("discussions:accept", args=[brewing.slug, brewing.question.pk]),
        {"post": brewing.other_answer.pk},
    )
    assert_error_page(response, 422, "That post does not belong to this thread.")
    brewing.question.refresh_from_db()
    assert brewing.question.accepted_answer_id is None


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({}, 422, "Say which post answers the question."),
        ({"post": "abc"}, 422, "Say which post answers the question."),
        ({"post": "-4"}, 422, "Say which post answers the question."),
        ({"post": "9" * 30}, 404, "No such post in this community."),
    ],
    ids=["missing", "not a number", "negative", "huge"],
)
def test_accept_page_refuses_a_missing_or_garbled_post(
    brewing: Brewing, data: dict[str, str], status: int, message: str
) -> None:
    response = browser(brewing.asker).post(
        reverse("discussions:accept", args=[brewing.slug, brewing.question.pk]), data
    )
    assert_error_page(response, status, message)
    brewing.question.refresh_from_db()
    assert brewing.question.accepted_answer_id is None


@pytest.mark.parametrize(
    ("payload", "status"),
    [({}, 422), ({"post_id": "abc"}, 422), ({"post_id": 10**30}, 404), ({"post_id": None}, 422)],
    ids=["missing", "not a number", "huge", "null"],
)
def test_accept_api_refuses_a_missing_or_garbled_post(
    brewing: Brewing, payload: dict[str, Any], status: int
) -> None:
    response = call_api(
        "POST",
        f"/api/v1/communities/{brewing.slug}/threads/{brewing.question.pk}/accept",
        payload,
        user=brewing.asker,
        raw=json.dumps(payload).encode(),
    )
    assert_api_error(response, status)
    brewing.question.refresh_from_db()
    assert brewing.question.accepted_answer_id is None


# -- Memberships


def test_decide_request_page_refuses_an_unknown_decision(brewing: Brewing) -> None:
    pending = add_pending(brewing.community)
    response = browser(brewing.coordinator).post(
        f"/c/{brewing.slug}/members/{pending.user.username}/banana/"
    )
    assert_error_page(response, 404)
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_member_roles_page_refuses_an_unknown_role(brewing: Brewing) -> None:
    response = browser(brewing.coordinator).post(
        reverse("communities:member_roles", args=[brewing.slug, brewing.asker.username]),
        {"role": "overlord", "leadership_roles": ["boundary"]},
    )
    assert_error_page(response, 422, "Choose a role")
    membership = brewing.community.memberships.get(user=brewing.asker)
    assert (membership.role, membership.leadership_roles) == ("member", [])


def test_set_roles_api_refuses_an_unknown_role(brewing: Brewing) -> None:
    response = call_api(
        "PUT",
        f"/api/v1/communities/{brewing.slug}/members/{brewing.asker.username}/roles",
        {"role": "overlord", "leadership_roles": ["nonsense"]},
        user=brewing.coordinator,
    )
    assert_api_error(response, 422, "role")
    assert brewing.community.memberships.get(user=brewing.asker).role == "member"


def test_join_api_refuses_a_second_join(brewing: Brewing) -> None:
    response = call_api("POST", f"/api/v1/communities/{brewing.slug}/join", user=brewing.asker)
    assert_api_error(response, 409, "already a member")
    assert brewing.community.memberships.count() == 3


def test_request_to_join_api_refuses_an_over_long_message(brewing: Brewing) -> None:
    community = make_community(slug="by-request", join_policy="request")
    outsider = make_user()
    response = call_api(
        "POST",
        f"/api/v1/communities/{community.slug}/requests",
        {"message": "m" * 501},
        user=outsider,
    )
    assert_api_error(response, 422, "message")
    assert not community.memberships.filter(user=outsider).exists()


def test_invite_api_refuses_an_unknown_person(brewing: Brewing) -> None:
    response = call_api(
        "POST",
        f"/api/v1/communities/{brewing.slug}/invitations",
        {"username": "nobody-by-that-name"},
        user=brewing.coordinator,
    )
    assert_api_error(response, 404, "Nobody has that username.")


def test_invite_page_refuses_an_unknown_person(brewing: Brewing) -> None:
    response = browser(brewing.coordinator).post(
        reverse("communities:invite", args=[brewing.slug]), {"username": "nobody-by-that-name"}
    )
    assert_form_error(response, "Nobody has that username.")


# -- Accounts


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"skills": "x" * 61}, "Each entry must be at most 60 characters."),
        ({"skills": ", ".join(f"skill {i}" for i in range(31))}, "List at most 30 entries."),
        ({"bio": "b" * 2001}, "at most 2000 characters"),
        ({"display_name": "d" * 81}, "at most 80 characters"),
    ],
    ids=["skill too long", "too many skills", "bio too long", "name too long"],
)
def test_profile_edit_rejects_bad_input(
    brewing: Brewing, overrides: dict[str, str], message: str
) -> None:
    data = {"display_name": "Asker", "bio": "", "org_unit": "", "location": "", **overrides}
    response = browser(brewing.asker).post(reverse("accounts:profile_edit"), data)
    assert_form_error(response, message)
    brewing.asker.refresh_from_db()
    assert brewing.asker.skills == [] and brewing.asker.bio == ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "asker"}, "That username is taken."),
        ({"username": "ASKER"}, "That username is taken."),
        ({"username": "no spaces please"}, "Use 2 to 30 letters"),
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"password_again": "something else"}, "The two passwords differ."),
    ],
    ids=["taken", "taken in capitals", "bad username", "bad email", "passwords differ"],
)
def test_signup_rejects_bad_input(
    brewing: Brewing, overrides: dict[str, str], message: str
) -> None:
    data = {
        "username": "newcomer",
        "display_name": "",
        "email": "newcomer@example.org",
        "password": "a-long-unusual-passphrase",
        "password_again": "a-long-unusual-passphrase",
        **overrides,
    }
    before = counts()
    assert_form_error(browser().post(reverse("accounts:signup"), data), message)
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "message"), [("", "This field is required."), ("n" * 81, "at most 80 characters")]
)
def test_tokens_page_rejects_a_bad_token_name(brewing: Brewing, name: str, message: str) -> None:
    assert_form_error(
        browser(brewing.asker).post(reverse("accounts:tokens"), {"name": name}), message
    )
    assert not brewing.asker.api_tokens.exists()


def test_api_refuses_a_wrong_token(brewing: Brewing) -> None:
    before = counts()
    response = browser().post(
        f"/api/v1/communities/{brewing.slug}/threads",
        json.dumps(THREAD),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer cp_not-a-real-token",
    )
    assert_api_error(response, 401, "token")
    assert counts() == before


# -- CSRF


PAGE_WRITES = [
    ("reply", lambda b: reverse("discussions:reply", args=[b.slug, b.question.pk]), {"body": "Hi"}),
    ("thread new", lambda b: reverse("discussions:thread_new", args=[b.slug]), THREAD),
    ("vote", lambda b: reverse("discussions:vote", args=[b.slug, b.answer.pk]), {}),
    (
        "accept",
        lambda b: reverse("discussions:accept", args=[b.slug, b.question.pk]),
        {"post": "answer"},
    ),
    ("leave", lambda b: reverse("communities:leave", args=[b.slug]), {}),
    ("tokens", lambda b: reverse("accounts:tokens"), {"name": "script"}),
]


@pytest.mark.parametrize(
    ("url", "data"), [w[1:] for w in PAGE_WRITES], ids=[w[0] for w in PAGE_WRITES]
)
def test_page_writes_refuse_a_post_without_csrf_token(
    brewing: Brewing, url: Any, data: dict[str, Any]
) -> None:
    data = {k: (brewing.answer.pk if v == "answer" else v) for k, v in data.items()}
    client = browser(brewing.asker, enforce_csrf_checks=True)
    before = counts()
    response = client.post(url(brewing), data)
    assert_error_page(response, 403, "This form has expired or was sent from elsewhere.")
    assert counts() == before


def test_page_write_with_csrf_token_is_accepted(brewing: Brewing) -> None:
    # The refusal above is about the token, not about the write.
    client = browser(brewing.answerer, enforce_csrf_checks=True)
    thread_url = reverse("discussions:thread", args=[brewing.slug, brewing.question.pk])
    client.get(thread_url)
    response = client.post(
        reverse("discussions:reply", args=[brewing.slug, brewing.question.pk]),
        {
            "body": "Also check the gravity.",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302


def test_api_session_write_without_csrf_header_is_refused(brewing: Brewing) -> None:
    client = browser(brewing.answerer, enforce_csrf_checks=True)
    before = counts()
    response = call_api(
        "POST",
        f"/api/v1/communities/{brewing.slug}/threads/{brewing.question.pk}/posts",
        {"body": "Sent by a page elsewhere."},
        client=client,
    )
    assert_api_error(response, 403, "CSRF")
    assert counts() == before


def test_api_session_write_with_csrf_header_is_accepted(brewing: Brewing) -> None:
    client = browser(brewing.answerer, enforce_csrf_checks=True)
    client.get(reverse("home"))
    response = call_api(
        "POST",
        f"/api/v1/communities/{brewing.slug}/threads/{brewing.question.pk}/posts",
        {"body": "Sent from our own page."},
        client=client,
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 201


def test_api_token_write_needs_no_csrf_token(brewing: Brewing) -> None:
    response = call_api(
        "POST",
        f"/api/v1/communities/{brewing.slug}/threads/{brewing.question.pk}/posts",
        {"body": "Sent by a script."},
        user=brewing.answerer,
        client=browser(enforce_csrf_checks=True),
    )
    assert response.status_code == 201


# -- Malformed and oversized requests


MALFORMED_BODIES = [
    ("not json", b"{not json", 400),
    ("truncated", b'{"body": "Warm', 400),
    ("not utf-8", b"\xff\xfe{}", 400),
    ("raw control character", b'{"body": "a\x01b"}', 400),
    ("empty", b"", 422),
    ("a list", b"[]", 422),
    ("null", b"null", 422),
    ("a number", b"42", 422),
    ("body is an object", b'{"body": {"$ne": ""}}', 422),
    ("body is a list", b'{"body": ["a", "b"]}', 422),
    ("deeply nested", b'{"body": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400),
    (
        "deeply nested with a NUL",
        b'{"a": "\\u0000", "b": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        400,
    ),
]


@pytest.mark.parametrize(
    ("raw", "status"), [m[1:] for m in MALFORMED_BODIES], ids=[m[0] for m in MALFORMED_BODIES]
)
def test_reply_api_rejects_malformed_json(brewing: Brewing, raw: bytes, status: int) -> None:
    before = counts()
    response = call_api(
        "POST",
        f"/api/v1/communities/{brewing.slug}/threads/{brewing.question.pk}/posts",
        user=brewing.answerer,
        raw=raw,
    )
    assert_api_error(response, status)
    before["Activity"] += 1  # the token
    assert counts() == before


def test_reply_api_rejects_an_oversized_request_with_413(brewing: Brewing) -> None:
    before = counts()
    response = call_api(
        "POST",
        f"/api/v1/communities/{brewing.slug}/threads/{brewing.question.pk}/posts",
        {"body": "b" * 3_000_000},
        user=brewing.answerer,
    )
    assert_api_error(response, 413, "too large")
    before["Activity"] += 1  # the token
    assert counts() == before


def test_reply_page_rejects_an_oversized_request_with_413(brewing: Brewing) -> None:
    before = counts()
    response = browser(brewing.answerer).post(
        reverse("discussions:reply", args=[brewing.slug, brewing.question.pk]),
        {"body": "b" * 3_000_000},
    )
    assert_error_page(response, 413, "too large")
    assert counts() == before


NUL_REQUESTS = [
    ("profile", "GET", "/u/%00/", None),
    ("directory search", "GET", "/c/?q=%00", None),
    ("thread list author", "GET", "/c/brewing/t/?author=a%00", None),
    ("member roles", "POST", "/c/brewing/members/%00/roles/", None),
    ("api person", "GET", "/api/v1/people/%00", None),
    ("api community", "GET", "/api/v1/communities/%00", None),
    ("api community search", "GET", "/api/v1/communities?q=%00", None),
    ("api community topic", "GET", "/api/v1/communities?topic=%00", None),
    ("api thread author", "GET", "/api/v1/communities/brewing/threads?author=%00", None),
    ("api thread title", "POST", "/api/v1/communities/brewing/threads", {**THREAD, "title": "\0"}),
    (
        "api thread topic",
        "POST",
        "/api/v1/communities/brewing/threads",
        {**THREAD, "topics": ["hops\0"]},
    ),
    ("api community name", "POST", "/api/v1/communities", {**API_CHARTER, "name": "Cider\0"}),
    ("api join message", "POST", "/api/v1/communities/brewing/requests", {"message": "\0"}),
]


@pytest.mark.parametrize(
    ("method", "url", "payload"), [n[1:] for n in NUL_REQUESTS], ids=[n[0] for n in NUL_REQUESTS]
)
def test_requests_with_null_characters_are_refused_with_400(
    brewing: Brewing, method: str, url: str, payload: dict[str, Any] | None
) -> None:
    # PostgreSQL cannot store or compare text holding NUL: without the check
    # these end in a 500 there.
    token = make_token(brewing.coordinator)
    client = browser(brewing.coordinator)
    before = counts()
    if url.startswith("/api/"):
        response = call_api(
            method, url, payload, client=client, HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert_api_error(response, 400, "null characters")
    else:
        response = client.generic(method, url)
        assert_error_page(response, 400, "null characters")
    assert counts() == before


# -- Page numbers and query strings


PAGED_LISTS = ["/c/", "/c/brewing/t/", "/c/brewing/members/"]
PAGE_NUMBERS = ["abc", "999999999", "9" * 40, "-3", "0", "1e9", "1.5", "", "%20", "2&page=x"]


@pytest.mark.parametrize("number", PAGE_NUMBERS)
@pytest.mark.parametrize("url", PAGED_LISTS)
def test_list_pages_read_any_page_number_as_a_page(brewing: Brewing, url: str, number: str) -> None:
    response = browser(brewing.asker).get(f"{url}?page={number}")
    assert response.status_code == 200
    # An unreadable number means the first page; one past the end, the last.
    expected = {
        "/c/": "Brewing",
        "/c/brewing/t/": "Stuck fermentation",
        "/c/brewing/members/": "Asker",
    }
    assert expected[url] in page_text(response)


API_PAGES = [
    ("/api/v1/communities", "abc", 422),
    ("/api/v1/communities", "999999999", 200),
    ("/api/v1/communities", "9" * 40, 200),
    ("/api/v1/communities", "0", 200),
    ("/api/v1/communities", "-1", 200),
    ("/api/v1/communities/brewing/members", "abc", 422),
    ("/api/v1/communities/brewing/members", "999999999", 200),
    ("/api/v1/communities/brewing/threads", "abc", 422),
    ("/api/v1/communities/brewing/threads", "1.5", 422),
    ("/api/v1/communities/brewing/threads", "999999999", 422),
    ("/api/v1/communities/brewing/threads", "9" * 40, 422),
    ("/api/v1/communities/brewing/threads", "0", 422),
    ("/api/v1/communities/brewing/threads", "100000", 200),
]


@pytest.mark.parametrize(("url", "number", "status"), API_PAGES)
def test_api_lists_refuse_or_clamp_bad_page_numbers(
    brewing: Brewing, url: str, number: str, status: int
) -> None:
    response = call_api("GET", f"{url}?page={number}", user=brewing.asker)
    if status == 200:
        assert response.status_code == 200
        assert response.json()["items"], "a page past the end shows the last page"
    else:
        assert_api_error(response, status, "page")


GARBAGE_QUERIES = [
    "kind=gossip",
    "state=everything",
    "topic=../../etc/passwd",
    "topic=%E2%98%83",
    "author=" + "a" * 500,
    "q=" + "x" * 10_000,
    "kind[]=visit&state[]=open",
    "page=1&page=2&kind=visit&kind=gossip",
    "%ZZ=%ZZ&=&&==",
    "q=%27%20OR%201%3D1--",
    "topic=<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", GARBAGE_QUERIES)
@pytest.mark.parametrize(
    ("url", "shown"), [("/c/", "Brewing"), ("/c/brewing/t/", "Stuck fermentation")]
)
def test_list_pages_ignore_garbage_query_strings(
    brewing: Brewing, url: str, shown: str, query: str
) -> None:
    response = browser(brewing.asker).get(f"{url}?{query}")
    assert response.status_code == 200
    text = page_text(response)
    assert "<script>alert(1)</script>" not in response.content.decode()
    if "=visit" not in query and "q=" not in query:
        # Filters that cannot be read are dropped, so the list is not emptied.
        assert shown in text


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("kind=gossip", 422),
        ("state=everything", 422),
        ("topic=" + "t" * 51, 422),
        ("author=" + "a" * 151, 422),
        ("unknown=parameter", 200),
        ("q=" + "x" * 10_000, 200),
        ("%ZZ=%ZZ&=&&==", 200),
    ],
    ids=[
        "unknown kind",
        "unknown state",
        "topic too long",
        "author too long",
        "unknown",
        "long q",
        "broken",
    ],
)
def test_api_lists_refuse_or_ignore_unreadable_filters(
    brewing: Brewing, query: str, status: int
) -> None:
    for url in (f"/api/v1/communities/{brewing.slug}/threads", "/api/v1/communities"):
        response = call_api("GET", f"{url}?{query}")
        if url.endswith("/communities") and status == 422:
            # The directory has no such filters: it ignores them.
            assert response.status_code == 200
        elif status == 200:
            assert response.status_code == 200
        else:
            assert_api_error(response, status)


@pytest.mark.parametrize(
    "url",
    [
        "/c/brewing/t/99999999999999999999999/",
        "/c/brewing/p/99999999999999999999999/history/",
        "/api/v1/communities/brewing/threads/99999999999999999999999",
        "/api/v1/communities/brewing/threads/-1",
        "/api/v1/communities/no-such-community",
        "/api/v1/people/nobody-here",
        "/c/no-such-community/",
        "/u/nobody-here/",
    ],
)
def test_unknown_or_huge_ids_answer_404(brewing: Brewing, url: str) -> None:
    response = browser(brewing.asker).get(url)
    if url.startswith("/api/"):
        assert_api_error(response, 404)
    else:
        assert_error_page(response, 404)


def test_api_path_ids_that_are_not_numbers_answer_422(brewing: Brewing) -> None:
    response = call_api("GET", f"/api/v1/communities/{brewing.slug}/threads/abc")
    assert_api_error(response, 422, "thread_id")
