from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from commonplace.accounts.access import access_user
from commonplace.accounts.api_auth import require_user, viewer
from commonplace.accounts.models import User
from commonplace.communities import actions, queries
from commonplace.communities.access import (
    access_community,
    access_community_content,
    access_community_for_coordinators,
    access_membership,
)
from commonplace.communities.models import (
    Cadence,
    Community,
    JoinPolicy,
    LeadershipRole,
    Membership,
    Recognition,
    Role,
    Stage,
    Visibility,
)
from commonplace.core.pagination import paginate
from commonplace.core.schemas import DetailOut, PageOut, PersonOut, RowId, page_out

router = Router(tags=["communities"])


class TopicOut(Schema):
    slug: str
    name: str


class CommunityOut(Schema):
    slug: str
    name: str
    domain_statement: str
    strategic_context: str
    sponsor: str
    visibility: str
    join_policy: str
    stage: str
    recognition: str
    cadence: str
    accent_color: str
    notify_suggested_answerers: bool
    reroute_after_hours: int
    member_count: int
    thread_count: int
    created_at: datetime
    last_activity_at: datetime | None
    topics: list[TopicOut]


class CharterIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    strategic_context: str = Field("", max_length=4000)
    sponsor: str = Field("", max_length=120)
    visibility: Visibility = Visibility.PUBLIC
    join_policy: JoinPolicy = JoinPolicy.OPEN
    stage: Stage = Stage.POTENTIAL
    recognition: Recognition = Recognition.UNRECOGNIZED
    cadence: Cadence = Cadence.NONE
    accent_color: str = Field("#2f6f5e", pattern=r"^#[0-9a-fA-F]{6}$")
    notify_suggested_answerers: bool = False
    reroute_after_hours: int = Field(48, ge=0, le=336)


class CommunityIn(CharterIn):
    slug: str = Field(min_length=1, max_length=50, pattern=r"^[a-z0-9][a-z0-9-]*$")
    domain_statement: str = Field(min_length=1, max_length=4000)
    topics: list[str] = Field(default_factory=list, max_length=200)


class CommunityPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    domain_statement: str | None = Field(None, min_length=1, max_length=4000)
    revision_note: str = Field("", max_length=200)
    strategic_context: str | None = Field(None, max_length=4000)
    sponsor: str | None = Field(None, max_length=120)
    visibility: Visibility | None = None
    join_policy: JoinPolicy | None = None
    stage: Stage | None = None
    recognition: Recognition | None = None
    cadence: Cadence | None = None
    accent_color: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$")
    notify_suggested_answerers: bool | None = None
    reroute_after_hours: int | None = Field(None, ge=0, le=336)
    topics: list[str] | None = Field(None, max_length=200)


class MembershipOut(Schema):
    person: PersonOut
    status: str
    role: str
    leadership_roles: list[str]
    joined_at: datetime | None


class RevisionOut(Schema):
    text: str
    note: str
    revised_by: PersonOut | None
    created_at: datetime


class JoinRequestIn(Schema):
    message: str = Field("", max_length=500)


class InviteIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    message: str = Field("", max_length=500)


class RolesIn(Schema):
    role: Role
    leadership_roles: list[LeadershipRole] = Field(default_factory=list)


def _community_out(community: Community) -> dict[str, object]:
    data: dict[str, object] = {
        f: getattr(community, f) for f in CommunityOut.model_fields if f != "topics"
    }
    data["topics"] = list(community.topics.all())
    return data


def _membership_out(membership: Membership) -> dict[str, object]:
    return {
        "person": membership.user,
        "status": membership.status,
        "role": membership.role,
        "leadership_roles": membership.leadership_roles,
        "joined_at": membership.joined_at,
    }


@router.get("", response=PageOut[CommunityOut], summary="Communities you may see")
def list_communities(
    request: HttpRequest, q: str = "", topic: str = "", page: int = 1
) -> dict[str, object]:
    communities = queries.list_directory(
        user=viewer(request), query=q, topic=topic
    ).prefetch_related("topics")
    result = paginate(communities, number=max(1, min(page, 100_000)), per_page=50)
    return {**page_out(result), "items": [_community_out(c) for c in result.items]}


@router.post(
    "", response={201: CommunityOut}, summary="Create a community; you become its coordinator"
)
def create_community(request: HttpRequest, payload: CommunityIn) -> Status[dict[str, object]]:
    data = payload.dict()
    community = actions.create_community(
        by=require_user(request),
        slug=data.pop("slug"),
        name=data.pop("name"),
        domain_statement=data.pop("domain_statement"),
        topics=data.pop("topics"),
        **data,
    )
    return Status(201, _community_out(community))


@router.get("/{slug}", response=CommunityOut, summary="A community's charter")
def get_community(request: HttpRequest, slug: str) -> dict[str, object]:
    return _community_out(access_community(user=viewer(request), slug=slug).community)


@router.patch("/{slug}", response=CommunityOut, summary="Change the charter (coordinators)")
def update_community(request: HttpRequest, slug: str, payload: CommunityPatch) -> dict[str, object]:
    user = require_user(request)
    access = access_community_for_coordinators(user=user, slug=slug)
    data = payload.dict(exclude_none=True)
    community = actions.update_charter(community=access.community, by=user, **data)
    return _community_out(community)


@router.get(
    "/{slug}/domain-revisions",
    response=list[RevisionOut],
    summary="Every version of the domain statement",
)
def domain_revisions(request: HttpRequest, slug: str) -> list[object]:
    access = access_community(user=viewer(request), slug=slug)
    return list(access.community.domain_revisions.select_related("revised_by"))


@router.get(
    "/{slug}/members", response=PageOut[MembershipOut], summary="Active members with their roles"
)
def list_members(request: HttpRequest, slug: str, page: int = 1) -> dict[str, object]:
    access = access_community_content(user=viewer(request), slug=slug)
    result = paginate(
        queries.list_members(community=access.community),
        number=max(1, min(page, 100_000)),
        per_page=100,
    )
    return {**page_out(result), "items": [_membership_out(m) for m in result.items]}


@router.get(
    "/{slug}/pending",
    response=list[MembershipOut],
    summary="Requests and invitations (coordinators)",
)
def list_pending(request: HttpRequest, slug: str) -> list[dict[str, object]]:
    access = access_community_for_coordinators(user=require_user(request), slug=slug)
    return [_membership_out(m) for m in queries.list_pending(community=access.community)]


@router.post(
    "/{slug}/join", response=MembershipOut, summary="Join an open community or accept an invitation"
)
def join(request: HttpRequest, slug: str) -> dict[str, object]:
    user = require_user(request)
    access = access_community(user=user, slug=slug)
    return _membership_out(actions.join_community(community=access.community, user=user))


@router.post("/{slug}/requests", response={201: MembershipOut}, summary="Ask to join")
def request_to_join(
    request: HttpRequest, slug: str, payload: JoinRequestIn
) -> Status[dict[str, object]]:
    user = require_user(request)
    access = access_community(user=user, slug=slug)
    membership = actions.request_to_join(
        community=access.community, user=user, message=payload.message
    )
    return Status(201, _membership_out(membership))


@router.post(
    "/{slug}/leave",
    response=DetailOut,
    summary="Leave, withdraw a request or decline an invitation",
)
def leave(request: HttpRequest, slug: str) -> dict[str, str]:
    user = require_user(request)
    access = access_community(user=user, slug=slug)
    if access.membership is None:
        raise Http404("You have no membership in this community.")
    if access.is_invited:
        actions.decline_invitation(membership=access.membership)
    else:
        actions.leave_community(membership=access.membership)
    return {"detail": "Done."}


@router.post(
    "/{slug}/members/{username}/approve",
    response=MembershipOut,
    summary="Approve a request (coordinators)",
)
def approve(request: HttpRequest, slug: str, username: str) -> dict[str, object]:
    user = require_user(request)
    access = access_community_for_coordinators(user=user, slug=slug)
    membership = access_membership(access=access, username=username)
    return _membership_out(actions.approve_request(membership=membership, by=user))


@router.post(
    "/{slug}/members/{username}/deny", response=DetailOut, summary="Deny a request (coordinators)"
)
def deny(request: HttpRequest, slug: str, username: str) -> dict[str, str]:
    user = require_user(request)
    access = access_community_for_coordinators(user=user, slug=slug)
    actions.deny_request(membership=access_membership(access=access, username=username), by=user)
    return {"detail": "Request denied."}


@router.post(
    "/{slug}/invitations", response={201: MembershipOut}, summary="Invite someone (coordinators)"
)
def invite(request: HttpRequest, slug: str, payload: InviteIn) -> Status[dict[str, object]]:
    user = require_user(request)
    access = access_community_for_coordinators(user=user, slug=slug)
    invitee = User.objects.filter(username=payload.username, is_active=True).first()
    if invitee is None:
        raise Http404("Nobody has that username.")
    membership = actions.invite_member(
        community=access.community, user=invitee, by=user, message=payload.message
    )
    return Status(201, _membership_out(membership))


@router.put(
    "/{slug}/members/{username}/roles", response=MembershipOut, summary="Set roles (coordinators)"
)
def set_roles(
    request: HttpRequest, slug: str, username: str, payload: RolesIn
) -> dict[str, object]:
    user = require_user(request)
    access = access_community_for_coordinators(user=user, slug=slug)
    membership = actions.update_member_roles(
        membership=access_membership(access=access, username=username),
        role=payload.role,
        leadership_roles=payload.leadership_roles,
        by=user,
    )
    return _membership_out(membership)


# -- peers vouching for skills: under /people, beside the profiles -------------------

people_router = Router(tags=["people"])


class SkillIn(Schema):
    skill: str = Field(..., min_length=1, max_length=60)


class SkillOut(Schema):
    skill: str
    endorsements: int
    endorsed_by_you: bool


def _skills_out(person: User, user: User) -> list[SkillOut]:
    lines, _ = queries.list_skills(person=person, viewer=user)
    return [
        SkillOut(skill=s.skill, endorsements=s.endorsements, endorsed_by_you=s.endorsed_by_viewer)
        for s in lines
    ]


@people_router.post(
    "/people/{username}/skills/endorsements",
    response={201: list[SkillOut]},
    summary="Vouch for one of a peer's declared skills",
)
def endorse_skill(request: HttpRequest, username: str, payload: SkillIn) -> Status[list[SkillOut]]:
    user = require_user(request)
    person = access_user(username=username)
    actions.endorse_skill(person=person, skill=payload.skill, by=user)
    return Status(201, _skills_out(person, user))


@people_router.delete(
    "/people/{username}/skills/endorsements",
    response=list[SkillOut],
    summary="Withdraw your endorsement of a skill",
)
def withdraw_skill_endorsement(
    request: HttpRequest, username: str, payload: SkillIn
) -> list[SkillOut]:
    user = require_user(request)
    person = access_user(username=username)
    actions.withdraw_skill_endorsement(person=person, skill=payload.skill, by=user)
    return _skills_out(person, user)


class NotificationOut(Schema):
    id: int
    kind: str
    community: str
    title: str
    url: str
    reason: str
    created_at: datetime
    read_at: datetime | None


class NotificationsReadIn(Schema):
    # None marks every unread notification read.
    ids: list[RowId] | None = Field(None, max_length=500)


class MarkedOut(Schema):
    marked: int


def _notification_out(n: object) -> dict[str, object]:
    return {
        **{f: getattr(n, f) for f in ("id", "kind", "title", "url", "reason", "created_at")},
        "read_at": n.read_at,  # type: ignore[attr-defined]
        "community": n.community.slug,  # type: ignore[attr-defined]
    }


@people_router.get(
    "/me/notifications", response=PageOut[NotificationOut], summary="Your notifications"
)
def list_notifications(
    request: HttpRequest, unread: bool = False, page: int = 1
) -> dict[str, object]:
    user = require_user(request)
    result = paginate(
        queries.list_notifications(user=user, unread_only=unread),
        number=max(1, min(page, 100_000)),
        per_page=50,
    )
    return {**page_out(result), "items": [_notification_out(n) for n in result.items]}


@people_router.post("/me/notifications/read", response=MarkedOut, summary="Mark notifications read")
def mark_notifications_read(request: HttpRequest, payload: NotificationsReadIn) -> MarkedOut:
    user = require_user(request)
    return MarkedOut(marked=actions.mark_notifications_read(user=user, ids=payload.ids))
