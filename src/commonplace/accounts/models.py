from __future__ import annotations

import hashlib
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.contrib.auth.models import AbstractUser
from django.db import models

from commonplace.core.zones import zone_named


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA time zones this machine knows, sorted ("Europe/Paris", "UTC"…)."""
    # Bare legacy aliases ("GB", "EST5EDT", "Japan") would only lengthen the
    # list people choose from; each has a Region/City name too.
    return tuple(sorted(n for n in available_timezones() if "/" in n or n == "UTC"))


class User(AbstractUser):
    """A person. One account across every community of the installation."""

    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    org_unit = models.CharField("organizational unit", max_length=120, blank=True)
    location = models.CharField(max_length=120, blank=True)
    # "Ask me about": short phrases the person offers to help with. A list,
    # not free text, so expertise can later be matched topic by topic.
    skills = models.JSONField(default=list, blank=True)
    interests = models.JSONField(default=list, blank=True)
    # Routing asks likely answerers to look at new questions; some people
    # would rather find questions themselves.
    routes_questions = models.BooleanField(
        "Suggest me for questions I may be able to answer", default=True
    )
    email_notifications = models.BooleanField("E-mail me my notifications", default=True)
    # An IANA name; empty means the installation's TIME_ZONE. Pages, forms and
    # reminders use it, so "18:00" means the same to the planner and the page.
    time_zone = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.username

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.time_zone)

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace("_", " ").replace(".", " ").split() if p]
        letters = "".join(p[0] for p in parts[:2]) or self.username[:1]
        return letters.upper()

    @property
    def avatar_hue(self) -> int:
        # A stable colour per person, so an avatar is recognisable at a glance.
        return int(hashlib.blake2s(self.username.encode(), digest_size=2).hexdigest(), 16) % 360


class ApiToken(models.Model):
    """A personal access token. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash_key(key: str) -> str:
        # Tokens are long random strings, so a fast hash is enough: there is
        # nothing to brute-force that a slow hash would protect.
        return hashlib.sha256(key.encode()).hexdigest()


def skill_key(skill: str) -> str:
    """One skill however it is capitalised or spaced ("Dry hopping" = "dry  hopping")."""
    return " ".join(skill.lower().split())


class SkillEndorsement(models.Model):
    """A peer vouching for a skill someone declares ("Ask me about").

    Only a peer may endorse: someone active in a community the person is
    active in (communities.actions.endorse_skill checks).
    """

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skill_endorsements")
    skill_key = models.CharField(max_length=60)
    endorser = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "skill_key", "endorser"], name="one_endorsement_per_skill"
            )
        ]

    def __str__(self) -> str:
        return f"{self.endorser_id} vouches for {self.person_id}: {self.skill_key}"
