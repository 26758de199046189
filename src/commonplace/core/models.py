from __future__ import annotations

from django.conf import settings
from django.db import models


class Verb(models.TextChoices):
    """Everything that can happen in Commonplace, named once.

    The mirror (participation, expertise, health) is computed from these rows,
    so a verb, once used, keeps its meaning.
    """

    USER_SIGNED_UP = "user.signed_up", "signed up"
    PROFILE_UPDATED = "profile.updated", "updated their profile"
    SKILL_ENDORSED = "profile.skill_endorsed", "endorsed a skill"
    SKILL_UNENDORSED = "profile.skill_unendorsed", "withdrew a skill endorsement"
    TOKEN_CREATED = "token.created", "created an API token"
    TOKEN_REVOKED = "token.revoked", "revoked an API token"
    COMMUNITY_CREATED = "community.created", "created the community"
    CHARTER_UPDATED = "community.charter_updated", "updated the charter"
    DOMAIN_REVISED = "community.domain_revised", "revised the domain statement"
    MEMBER_JOINED = "membership.joined", "joined"
    MEMBER_REQUESTED = "membership.requested", "asked to join"
    MEMBER_APPROVED = "membership.approved", "approved a request to join"
    MEMBER_DENIED = "membership.denied", "denied a request to join"
    MEMBER_INVITED = "membership.invited", "invited someone"
    INVITATION_ACCEPTED = "membership.invitation_accepted", "accepted an invitation"
    INVITATION_DECLINED = "membership.invitation_declined", "declined an invitation"
    MEMBER_LEFT = "membership.left", "left"
    MEMBER_ROLE_CHANGED = "membership.role_changed", "changed a member's role"
    LEADERSHIP_ASSIGNED = "membership.leadership_assigned", "assigned a leadership role"
    LEADERSHIP_REMOVED = "membership.leadership_removed", "removed a leadership role"
    THREAD_STARTED = "thread.started", "started a thread"
    THREAD_EDITED = "thread.edited", "edited a thread"
    THREAD_DELETED = "thread.deleted", "deleted a thread"
    POST_REPLIED = "post.replied", "replied"
    POST_EDITED = "post.edited", "edited a post"
    POST_DELETED = "post.deleted", "deleted a post"
    POST_VOTED = "post.voted", "found a post helpful"
    POST_UNVOTED = "post.unvoted", "withdrew a helpful vote"
    ANSWER_ACCEPTED = "thread.answer_accepted", "accepted an answer"
    ANSWER_UNACCEPTED = "thread.answer_unaccepted", "withdrew an accepted answer"
    THREADS_LINKED = "thread.linked", "linked two threads"
    IMPORT_RUN = "import.run", "imported history"
    ENTRY_CREATED = "entry.created", "wrote down an entry"
    ENTRY_EDITED = "entry.edited", "edited an entry"
    ENTRY_MATURITY_CHANGED = "entry.maturity_changed", "changed an entry's maturity"
    ENTRY_ENDORSED = "entry.endorsed", "endorsed an entry"
    ENTRY_REUSED = "entry.reused", "reused an entry"
    ENTRY_FILE_ADDED = "entry.file_added", "attached a file to an entry"
    EVENT_SCHEDULED = "event.scheduled", "scheduled an event"
    EVENT_EDITED = "event.edited", "changed an event"
    EVENT_CANCELLED = "event.cancelled", "cancelled an event"
    EVENT_RESPONDED = "event.responded", "answered an invitation to an event"


class Activity(models.Model):
    """One thing someone did, when, where and to what.

    `target_type`/`target_id` name the object without a generic foreign key:
    the log must outlive the objects it mentions (a deleted post keeps its
    history), and readers resolve targets per type in bulk.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", null=True, on_delete=models.CASCADE, related_name="+"
    )
    verb = models.CharField(max_length=64, choices=Verb.choices)
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.BigIntegerField(null=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "created_at"]),
            models.Index(fields=["actor", "created_at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} {self.target_type}:{self.target_id}"
