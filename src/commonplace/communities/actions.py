"""Writes to communities and memberships. The caller has authorized `by`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from commonplace.accounts.models import SkillEndorsement, User, skill_key
from commonplace.communities.access import are_peers, may_read_community
from commonplace.communities.models import (
    Community,
    DomainRevision,
    JoinPolicy,
    LeadershipRole,
    Membership,
    MembershipStatus,
    Notification,
    NotificationKind,
    Role,
    Topic,
)
from commonplace.communities.permissions import check_can_endorse_skill
from commonplace.communities.tasks import email_notification
from commonplace.core.activity import record_activity
from commonplace.core.db import latest
from commonplace.core.errors import ConflictError, DomainError, ForbiddenError
from commonplace.core.models import Verb

RESERVED_SLUGS = {"new", "api", "static", "admin", "accounts", "u", "c", "search"}
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Routing a question again after more than two weeks asks people who can no longer help.
MAX_REROUTE_HOURS = 336
CHARTER_FIELDS = (
    "name",
    "strategic_context",
    "sponsor",
    "visibility",
    "join_policy",
    "stage",
    "recognition",
    "cadence",
    "accent_color",
    "notify_suggested_answerers",
    "reroute_after_hours",
)


def _check_slug(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise DomainError("That address is reserved; choose another.", field="slug")
    if Community.objects.filter(slug__iexact=slug).exists():
        raise ConflictError("A community with that address exists already.", field="slug")


def _check_charter(values: dict[str, Any]) -> None:
    colour = values.get("accent_color")
    if colour is not None and not HEX_COLOUR.match(colour):
        raise DomainError("Give the colour as #rrggbb.", field="accent_color")
    hours = values.get("reroute_after_hours")
    if hours is not None and not 0 <= hours <= MAX_REROUTE_HOURS:
        raise DomainError(
            f"Give a delay between 0 (never) and {MAX_REROUTE_HOURS} hours.",
            field="reroute_after_hours",
        )
    if "name" in values and not str(values["name"]).strip():
        raise DomainError("A community needs a name.", field="name")


def _parse_topic_names(names: Iterable[str]) -> dict[str, str]:
    topics: dict[str, str] = {}
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        slug = slugify(name)[:50]
        if not slug or len(name) > 60:
            raise DomainError(f"“{name[:60]}” is not a usable topic name.", field="topics")
        topics.setdefault(slug, name)
    if len(topics) > 200:
        raise DomainError("A community can have at most 200 topics.", field="topics")
    return topics


def _touch(community: Community) -> None:
    Community.objects.filter(pk=community.pk).update(last_activity_at=timezone.now())


@transaction.atomic
def create_community(
    *,
    name: str,
    slug: str,
    domain_statement: str,
    by: User,
    topics: Iterable[str] = (),
    at: datetime | None = None,
    **charter: Any,
) -> Community:
    """Create a community with `by` as its first coordinator (`at`: original time)."""
    slug = slug.strip().lower()
    _check_slug(slug)
    if not domain_statement.strip():
        raise DomainError("Say what the community is about.", field="domain_statement")
    unknown = set(charter) - set(CHARTER_FIELDS)
    if unknown:
        raise DomainError(f"Unknown charter fields: {', '.join(sorted(unknown))}.")
    _check_charter({"name": name, **charter})
    now = at or timezone.now()
    try:
        with transaction.atomic():
            community = Community.objects.create(
                name=name.strip(),
                slug=slug,
                domain_statement=domain_statement.strip(),
                created_by=by,
                created_at=now,
                last_activity_at=now,
                member_count=1,
                **charter,
            )
    except IntegrityError:
        # Two people racing for the same address: the loser gets a 409.
        raise ConflictError("A community with that address exists already.", field="slug") from None
    DomainRevision.objects.create(
        community=community, text=community.domain_statement, revised_by=by, created_at=now
    )
    Topic.objects.bulk_create(
        Topic(community=community, slug=s, name=n) for s, n in _parse_topic_names(topics).items()
    )
    Membership.objects.create(
        community=community,
        user=by,
        status=MembershipStatus.ACTIVE,
        role=Role.COORDINATOR,
        leadership_roles=[LeadershipRole.DAY_TO_DAY.value],
        created_at=now,
        joined_at=now,
    )
    record_activity(
        actor=by, verb=Verb.COMMUNITY_CREATED, community=community, target=community, at=now
    )
    return community


@transaction.atomic
def update_charter(
    *,
    community: Community,
    by: User,
    domain_statement: str | None = None,
    revision_note: str = "",
    topics: Iterable[str] | None = None,
    **charter: Any,
) -> Community:
    """Change charter fields; a changed domain statement becomes a new revision.

    Topics given here replace the domain map; topics still used by threads
    are kept, since removing them would silently untag the practice.
    """
    unknown = set(charter) - set(CHARTER_FIELDS)
    if unknown:
        raise DomainError(f"Unknown charter fields: {', '.join(sorted(unknown))}.")
    _check_charter(charter)
    changed = [f for f, v in charter.items() if getattr(community, f) != v]
    for field in changed:
        setattr(community, field, charter[field])
    if domain_statement is not None:
        domain_statement = domain_statement.strip()
        if not domain_statement:
            raise DomainError("Say what the community is about.", field="domain_statement")
        if domain_statement != community.domain_statement:
            community.domain_statement = domain_statement
            changed.append("domain_statement")
            DomainRevision.objects.create(
                community=community,
                text=domain_statement,
                note=revision_note[:200],
                revised_by=by,
                created_at=timezone.now(),
            )
            record_activity(
                actor=by, verb=Verb.DOMAIN_REVISED, community=community, target=community
            )
    if changed:
        community.save(update_fields=changed)
        record_activity(
            actor=by,
            verb=Verb.CHARTER_UPDATED,
            community=community,
            target=community,
            data={"fields": sorted(changed)},
        )
    if topics is not None:
        set_topics(community=community, names=topics, by=by)
    return community


def set_topics(*, community: Community, names: Iterable[str], by: User) -> list[Topic]:
    wanted = _parse_topic_names(names)
    existing = {t.slug: t for t in community.topics.all()}
    Topic.objects.bulk_create(
        Topic(community=community, slug=s, name=n) for s, n in wanted.items() if s not in existing
    )
    for slug, topic in existing.items():
        if slug in wanted and topic.name != wanted[slug]:
            topic.name = wanted[slug]
            topic.save(update_fields=["name"])
    removable = [s for s in existing if s not in wanted]
    if removable:
        # A topic still filed on something stays: deleting it would quietly
        # unfile threads, entries and events (and leave the index behind).
        Topic.objects.filter(
            community=community, slug__in=removable,
            threads__isnull=True, entries__isnull=True, events__isnull=True,
        ).delete()  # fmt: skip
    return list(community.topics.all())


def _activate(membership: Membership, at: datetime | None = None) -> None:
    now = at or timezone.now()
    membership.status = MembershipStatus.ACTIVE
    membership.joined_at = now
    membership.save(update_fields=["status", "joined_at"])
    Community.objects.filter(pk=membership.community_id).update(
        member_count=F("member_count") + 1, last_activity_at=latest("last_activity_at", now)
    )


@transaction.atomic
def join_community(*, community: Community, user: User, at: datetime | None = None) -> Membership:
    """Join an open community, or accept a standing invitation (`at`: original time)."""
    membership = (
        Membership.objects.select_for_update().filter(community=community, user=user).first()
    )
    if membership is not None:
        if membership.status == MembershipStatus.INVITED:
            return accept_invitation(membership=membership)
        if membership.is_active:
            raise ConflictError("You are already a member.")
        raise ConflictError("Your request to join is waiting for a coordinator.")
    if community.join_policy == JoinPolicy.REQUEST:
        raise ForbiddenError("This community admits members on request: ask to join.")
    if community.join_policy == JoinPolicy.INVITE:
        raise ForbiddenError("This community admits members by invitation only.")
    now = at or timezone.now()
    membership = Membership.objects.create(
        community=community, user=user, status=MembershipStatus.PENDING, created_at=now
    )
    _activate(membership, now)
    record_activity(
        actor=user, verb=Verb.MEMBER_JOINED, community=community, target=membership, at=now
    )
    return membership


@transaction.atomic
def request_to_join(*, community: Community, user: User, message: str = "") -> Membership:
    if Membership.objects.filter(community=community, user=user).exists():
        raise ConflictError("You already belong to this community or have asked to join.")
    if community.join_policy != JoinPolicy.REQUEST:
        raise DomainError("This community does not take requests to join.")
    if len(message) > 500:
        raise DomainError("Keep the message under 500 characters.", field="message")
    membership = Membership.objects.create(
        community=community,
        user=user,
        status=MembershipStatus.PENDING,
        message=message.strip(),
        created_at=timezone.now(),
    )
    record_activity(actor=user, verb=Verb.MEMBER_REQUESTED, community=community, target=membership)
    return membership


@transaction.atomic
def approve_request(*, membership: Membership, by: User) -> Membership:
    if membership.status != MembershipStatus.PENDING:
        raise ConflictError("There is no pending request to approve.")
    _activate(membership)
    record_activity(
        actor=by,
        verb=Verb.MEMBER_APPROVED,
        community=membership.community,
        target=membership,
        data={"user_id": membership.user_id},
    )
    return membership


@transaction.atomic
def deny_request(*, membership: Membership, by: User) -> None:
    if membership.status != MembershipStatus.PENDING:
        raise ConflictError("There is no pending request to deny.")
    record_activity(
        actor=by,
        verb=Verb.MEMBER_DENIED,
        community=membership.community,
        target=membership,
        data={"user_id": membership.user_id},
    )
    membership.delete()


@transaction.atomic
def invite_member(*, community: Community, user: User, by: User, message: str = "") -> Membership:
    existing = Membership.objects.filter(community=community, user=user).first()
    if existing is not None:
        if existing.status == MembershipStatus.PENDING:
            # Inviting someone who asked is the same as saying yes.
            return approve_request(membership=existing, by=by)
        raise ConflictError(f"{user.name} is already a member or invited.")
    membership = Membership.objects.create(
        community=community,
        user=user,
        status=MembershipStatus.INVITED,
        invited_by=by,
        message=message.strip()[:500],
        created_at=timezone.now(),
    )
    record_activity(
        actor=by,
        verb=Verb.MEMBER_INVITED,
        community=community,
        target=membership,
        data={"user_id": user.pk},
    )
    return membership


@transaction.atomic
def accept_invitation(*, membership: Membership) -> Membership:
    if membership.status != MembershipStatus.INVITED:
        raise ConflictError("There is no invitation to accept.")
    _activate(membership)
    record_activity(
        actor=membership.user,
        verb=Verb.INVITATION_ACCEPTED,
        community=membership.community,
        target=membership,
    )
    return membership


@transaction.atomic
def decline_invitation(*, membership: Membership) -> None:
    if membership.status != MembershipStatus.INVITED:
        raise ConflictError("There is no invitation to decline.")
    record_activity(
        actor=membership.user,
        verb=Verb.INVITATION_DECLINED,
        community=membership.community,
        target=membership,
    )
    membership.delete()


def _other_coordinators(membership: Membership) -> int:
    return (
        Membership.objects.filter(
            community_id=membership.community_id,
            status=MembershipStatus.ACTIVE,
            role=Role.COORDINATOR,
        )
        .exclude(pk=membership.pk)
        .count()
    )


@transaction.atomic
def leave_community(*, membership: Membership) -> None:
    """Leave, or withdraw a request. The last coordinator cannot leave."""
    if membership.is_coordinator and _other_coordinators(membership) == 0:
        raise ConflictError("You are the only coordinator: make someone else coordinator first.")
    was_active = membership.is_active
    record_activity(
        actor=membership.user,
        verb=Verb.MEMBER_LEFT,
        community=membership.community,
        target=membership,
        data={"status": membership.status},
    )
    membership.delete()
    if was_active:
        Community.objects.filter(pk=membership.community_id).update(
            member_count=F("member_count") - 1
        )


@transaction.atomic
def set_member_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in Role.values:
        raise DomainError(f"Unknown role “{role}”.", field="role")
    if not membership.is_active:
        raise ConflictError("Only active members can be given a role.")
    if role == membership.role:
        return membership
    if membership.role == Role.COORDINATOR and _other_coordinators(membership) == 0:
        raise ConflictError("A community needs at least one coordinator.")
    membership.role = role
    membership.save(update_fields=["role"])
    record_activity(
        actor=by,
        verb=Verb.MEMBER_ROLE_CHANGED,
        community=membership.community,
        target=membership,
        data={"role": role, "user_id": membership.user_id},
    )
    return membership


@transaction.atomic
def set_leadership_roles(*, membership: Membership, roles: Iterable[str], by: User) -> Membership:
    """Replace a member's leadership roles, logging each one given or taken."""
    wanted = list(dict.fromkeys(roles))
    unknown = [r for r in wanted if r not in LeadershipRole.values]
    if unknown:
        raise DomainError(f"Unknown leadership role “{unknown[0]}”.", field="leadership_roles")
    if not membership.is_active:
        raise ConflictError("Only active members can take a leadership role.")
    before = set(membership.leadership_roles)
    ordered = [r for r in LeadershipRole.values if r in wanted]
    membership.leadership_roles = ordered
    membership.save(update_fields=["leadership_roles"])
    for role in ordered:
        if role not in before:
            record_activity(
                actor=by,
                verb=Verb.LEADERSHIP_ASSIGNED,
                community=membership.community,
                target=membership,
                data={"role": role, "user_id": membership.user_id},
            )
    for role in sorted(before - set(ordered)):
        record_activity(
            actor=by,
            verb=Verb.LEADERSHIP_REMOVED,
            community=membership.community,
            target=membership,
            data={"role": role, "user_id": membership.user_id},
        )
    _touch(membership.community)
    return membership


@transaction.atomic
def update_member_roles(
    *, membership: Membership, role: str, leadership_roles: Iterable[str], by: User
) -> Membership:
    """Set the community role and the leadership roles of a member in one step."""
    set_member_role(membership=membership, role=role, by=by)
    return set_leadership_roles(membership=membership, roles=leadership_roles, by=by)


@transaction.atomic
def admit_member(
    *, community: Community, user: User, by: User, at: datetime | None = None
) -> Membership:
    """A coordinator brings someone in directly (imports, migrations), whatever the policy."""
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is not None and membership.is_active:
        return membership
    now = at or timezone.now()
    if membership is None:
        membership = Membership.objects.create(
            community=community, user=user, status=MembershipStatus.PENDING, created_at=now
        )
    _activate(membership, now)
    record_activity(
        actor=user,
        verb=Verb.MEMBER_JOINED,
        community=community,
        target=membership,
        at=now,
        data={"admitted_by": by.pk},
    )
    return membership


def add_topics(*, community: Community, names: Iterable[str]) -> list[str]:
    """Make sure topics with these names exist (imported tags); return their slugs."""
    wanted = _parse_topic_names(names)
    existing = set(
        Topic.objects.filter(community=community, slug__in=list(wanted)).values_list(
            "slug", flat=True
        )
    )
    Topic.objects.bulk_create(
        Topic(community=community, slug=slug, name=name)
        for slug, name in wanted.items()
        if slug not in existing
    )
    return list(wanted)


def _declared(person: User, skill: str) -> str:
    key = skill_key(skill)
    if key not in {skill_key(s) for s in person.skills}:
        raise DomainError(
            f"{person.name} does not list “{skill}” among their skills.", field="skill"
        )
    return key


@transaction.atomic
def endorse_skill(*, person: User, skill: str, by: User) -> SkillEndorsement:
    """`by` vouches for a skill `person` declares. Only peers may: people who share a community."""
    check_can_endorse_skill(by, person, peers=are_peers(by, person))
    key = _declared(person, skill)
    try:
        with transaction.atomic():
            endorsement = SkillEndorsement.objects.create(
                person=person, skill_key=key, endorser=by, created_at=timezone.now()
            )
    except IntegrityError:
        raise ConflictError("You already endorsed this skill.", field="skill") from None
    record_activity(actor=by, verb=Verb.SKILL_ENDORSED, target=person, data={"skill": key})
    return endorsement


@transaction.atomic
def withdraw_skill_endorsement(*, person: User, skill: str, by: User) -> None:
    key = skill_key(skill)
    deleted, _ = SkillEndorsement.objects.filter(person=person, skill_key=key, endorser=by).delete()
    if not deleted:
        raise ConflictError("You have not endorsed this skill.", field="skill")
    record_activity(actor=by, verb=Verb.SKILL_UNENDORSED, target=person, data={"skill": key})


def notify(
    *,
    user: User,
    community: Community,
    kind: NotificationKind,
    title: str,
    url: str,
    reason: str = "",
    target: models.Model | None = None,
) -> Notification | None:
    """Tell `user` about something in `community`; e-mailed after commit if they wish.

    Nothing is sent to someone who may not read the community (None is returned).
    """
    if not may_read_community(user, community):
        return None
    notification = Notification.objects.create(
        user=user,
        community=community,
        kind=kind,
        title=title[:200],
        url=url[:500],
        reason=reason[:500],
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=target.pk if target is not None else None,
        created_at=timezone.now(),
    )
    if user.email and user.email_notifications and user.is_active:
        transaction.on_commit(lambda: email_notification(notification.pk), robust=True)
    return notification


def mark_notifications_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s unread notifications read (only `ids` if given); returns how many."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def withdraw_notifications(*, target: models.Model) -> int:
    """Remove the notifications about `target` (a deleted thread); returns how many."""
    deleted, _ = Notification.objects.filter(
        target_type=target._meta.model_name or "", target_id=target.pk
    ).delete()
    return deleted
