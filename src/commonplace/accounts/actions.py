"""Writes to accounts: sign-up, profile, API tokens."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from commonplace.accounts.models import ApiToken, User, time_zone_names
from commonplace.core.activity import record_activity
from commonplace.core.errors import ConflictError, DomainError
from commonplace.core.models import Verb

TOKEN_PREFIX = "cp_"  # noqa: S105 - a public marker, not a secret


def _clean_list(values: list[str], *, field: str) -> list[str]:
    cleaned: list[str] = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        if len(value) > 60:
            raise DomainError("Each entry must be at most 60 characters.", field=field)
        if value.lower() not in {v.lower() for v in cleaned}:
            cleaned.append(value)
    if len(cleaned) > 30:
        raise DomainError("List at most 30 entries.", field=field)
    return cleaned


@transaction.atomic
def sign_up(*, username: str, email: str, password: str, display_name: str = "") -> User:
    """Create an account. The caller has validated the password's strength."""
    if User.objects.filter(username__iexact=username).exists():
        raise ConflictError("That username is taken.", field="username")
    if email and User.objects.filter(email__iexact=email).exists():
        raise ConflictError("An account with that e-mail address exists.", field="email")
    user = User.objects.create_user(
        username=username, email=email, password=password, display_name=display_name
    )
    record_activity(actor=user, verb=Verb.USER_SIGNED_UP, target=user)
    return user


@transaction.atomic
def update_profile(
    *,
    user: User,
    display_name: str,
    bio: str,
    org_unit: str,
    location: str,
    skills: list[str],
    interests: list[str],
    routes_questions: bool | None = None,
    email_notifications: bool | None = None,
    time_zone: str | None = None,
) -> User:
    """Save `user`'s profile; the preferences are left alone when not given."""
    user.display_name = display_name.strip()
    user.bio = bio
    user.org_unit = org_unit.strip()
    user.location = location.strip()
    user.skills = _clean_list(skills, field="skills")
    user.interests = _clean_list(interests, field="interests")
    user.save(update_fields=["display_name", "bio", "org_unit", "location", "skills", "interests"])
    set_preferences(
        user=user,
        routes_questions=routes_questions,
        email_notifications=email_notifications,
        time_zone=time_zone,
    )
    record_activity(actor=user, verb=Verb.PROFILE_UPDATED, target=user)
    return user


def set_preferences(
    *,
    user: User,
    routes_questions: bool | None = None,
    email_notifications: bool | None = None,
    time_zone: str | None = None,
) -> User:
    """Change whether routing may suggest `user`, whether they get e-mail, and the time
    zone their times are shown in ("" for the installation's); None keeps."""
    changed = []
    if time_zone is not None:
        time_zone = time_zone.strip()
        if time_zone and time_zone not in time_zone_names() and time_zone != user.time_zone:
            raise DomainError(
                f"Unknown time zone “{time_zone[:64]}”: give one like Europe/Paris.",
                field="time_zone",
            )
        user.time_zone = time_zone
        changed.append("time_zone")
    if routes_questions is not None:
        user.routes_questions = routes_questions
        changed.append("routes_questions")
    if email_notifications is not None:
        user.email_notifications = email_notifications
        changed.append("email_notifications")
    if changed:
        user.save(update_fields=changed)
    return user


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Return the token and its key; the key is not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise DomainError("Give the token a name so you can recognise it later.", field="name")
    if user.api_tokens.filter(revoked_at__isnull=True).count() >= 20:
        raise ConflictError("You have 20 active tokens; revoke one first.", field="name")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key)
    )
    record_activity(actor=user, verb=Verb.TOKEN_CREATED, target=token)
    return token, key


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_activity(actor=by, verb=Verb.TOKEN_REVOKED, target=token)
    return token


def authenticate_api_token(key: str) -> User | None:
    """The active user a token key belongs to, or None. Records its last use."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch last use at most once a minute: a busy script should not turn
    # every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def create_imported_person(
    *,
    display_name: str,
    username_hint: str = "",
    email: str = "",
    location: str = "",
    bio: str = "",
    at: datetime | None = None,
) -> User:
    """An account for someone known only from imported history.

    It has no usable password: the person can claim it through a password
    reset if an e-mail address was imported, and nobody can log in as them.
    """
    base = slugify(username_hint or display_name)[:24].strip("-") or "member"
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    if email and User.objects.filter(email__iexact=email).exists():
        email = ""  # the address belongs to an existing account; do not duplicate it
    user = User(
        username=username,
        email=email,
        display_name=display_name.strip()[:80],
        location=location.strip()[:120],
        bio=bio.strip()[:2000],
        date_joined=at or timezone.now(),
    )
    user.set_unusable_password()
    user.save()
    record_activity(
        actor=user, verb=Verb.USER_SIGNED_UP, target=user, at=at, data={"imported": True}
    )
    return user
