from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from commonplace.accounts import actions
from commonplace.accounts.access import access_user
from commonplace.accounts.api_auth import require_user, viewer
from commonplace.communities.queries import list_visible_memberships
from commonplace.discussions.queries import personal_data
from commonplace.events.queries import personal_events
from commonplace.insights.queries import personal_routing
from commonplace.repertoire.queries import personal_entries

router = Router(tags=["people"])


class ProfileOut(Schema):
    username: str
    name: str
    bio: str
    org_unit: str
    location: str
    skills: list[str]
    interests: list[str]
    communities: list[str]


def _profile(person: object, memberships: object) -> dict[str, object]:
    return {
        **{
            f: getattr(person, f)
            for f in ("username", "name", "bio", "org_unit", "location", "skills", "interests")
        },
        "communities": [m.community.slug for m in memberships],  # type: ignore[attr-defined]
    }


@router.get("/me", response=ProfileOut, summary="The calling person")
def me(request: HttpRequest) -> dict[str, object]:
    user = require_user(request)
    return _profile(user, list_visible_memberships(person=user, viewer=user))


class PreferencesOut(Schema):
    routes_questions: bool
    email_notifications: bool
    time_zone: str = Field(description="IANA name; empty for the site's own")


class PreferencesPatch(Schema):
    routes_questions: bool | None = None
    email_notifications: bool | None = None
    time_zone: str | None = Field(
        None, max_length=64, description="e.g. Europe/Paris; empty for the site's own"
    )


@router.get(
    "/me/preferences", response=PreferencesOut, summary="Your routing, e-mail and time zone choices"
)
def preferences(request: HttpRequest) -> object:
    return require_user(request)


@router.patch("/me/preferences", response=PreferencesOut, summary="Change them")
def update_preferences(request: HttpRequest, payload: PreferencesPatch) -> object:
    return actions.set_preferences(user=require_user(request), **payload.dict())


@router.get(
    "/me/data",
    summary="Download your own data: profile, memberships, posts, votes, entries, events, "
    "notifications, skill endorsements and questions you were suggested for",
)
def my_data(request: HttpRequest) -> dict[str, object]:
    user = require_user(request)
    return {
        **personal_data(user),
        **personal_entries(user=user),
        **personal_events(user=user),
        **personal_routing(user=user),
    }


@router.get("/people/{username}", response=ProfileOut, summary="A person's profile")
def person(request: HttpRequest, username: str) -> dict[str, object]:
    person = access_user(username=username)
    return _profile(person, list_visible_memberships(person=person, viewer=viewer(request)))
