from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public: anyone can read"
    MEMBERS = "members", "Members only: signed-in people see it exists, members read"
    PRIVATE = "private", "Private: invisible to non-members"


class JoinPolicy(models.TextChoices):
    OPEN = "open", "Open: anyone who can see it may join"
    REQUEST = "request", "On request: a coordinator approves"
    INVITE = "invite", "By invitation only"


class Stage(models.TextChoices):
    """Stages of development of a community of practice (Wenger, 1998)."""

    POTENTIAL = "potential", "Potential"
    COALESCING = "coalescing", "Coalescing"
    ACTIVE = "active", "Active"
    DISPERSED = "dispersed", "Dispersed"
    MEMORABLE = "memorable", "Memorable"


STAGE_DESCRIPTIONS = {
    Stage.POTENTIAL: "People face similar situations without the benefit of a shared practice; "
    "they are finding each other and discovering commonalities.",
    Stage.COALESCING: "Members come together and recognise their potential; they explore "
    "connectedness, define the joint enterprise and negotiate the community.",
    Stage.ACTIVE: "Members engage in developing a practice: they pursue joint activities, "
    "create artifacts, adapt to changing circumstances, renew interest and relationships.",
    Stage.DISPERSED: "Members no longer engage very intensely, but the community is still "
    "alive as a force and a centre of knowledge: they stay in touch and call for advice.",
    Stage.MEMORABLE: "The community is no longer central, but people still remember it as a "
    "significant part of their identities: they tell stories and preserve artifacts.",
}


class Recognition(models.TextChoices):
    """Relationship to the official organization (Wenger, 1998)."""

    UNRECOGNIZED = "unrecognized", "Unrecognized"
    BOOTLEGGED = "bootlegged", "Bootlegged"
    LEGITIMIZED = "legitimized", "Legitimized"
    STRATEGIC = "strategic", "Strategic"
    TRANSFORMATIVE = "transformative", "Transformative"


RECOGNITION_DESCRIPTIONS = {
    Recognition.UNRECOGNIZED: (
        "Invisible to the organization and sometimes even to members themselves.",
        "Lack of reflexivity; awareness of its value and of its limitations.",
    ),
    Recognition.BOOTLEGGED: (
        "Only visible informally to a circle of people in the know.",
        "Getting resources, having an impact, keeping hidden.",
    ),
    Recognition.LEGITIMIZED: (
        "Officially sanctioned as a valuable entity.",
        "Scrutiny, over-management, new demands.",
    ),
    Recognition.STRATEGIC: (
        "Widely recognised as central to the organization's success.",
        "Short-term pressures, blindness of success, smugness, elitism, exclusion.",
    ),
    Recognition.TRANSFORMATIVE: (
        "Capable of redefining its environment and the direction of the organization.",
        "Relating to the rest of the organization, acceptance, managing boundaries.",
    ),
}


class Cadence(models.TextChoices):
    NONE = "none", "No set rhythm"
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class Community(models.Model):
    """A community of practice and its charter (its domain)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=50, unique=True)
    domain_statement = models.TextField(max_length=4000)
    strategic_context = models.TextField(max_length=4000, blank=True)
    sponsor = models.CharField(max_length=120, blank=True)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.POTENTIAL)
    recognition = models.CharField(
        max_length=16, choices=Recognition.choices, default=Recognition.UNRECOGNIZED
    )
    cadence = models.CharField(max_length=16, choices=Cadence.choices, default=Cadence.NONE)
    accent_color = models.CharField(max_length=7, default="#2f6f5e")
    # Routing: new questions are always shown with the members likely to
    # answer them; whether those members are told is the community's choice.
    notify_suggested_answerers = models.BooleanField(default=False)
    # Ask further people when a question is still unanswered this long (0: never).
    reroute_after_hours = models.PositiveSmallIntegerField(default=48)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # Denormalized counters, kept by the actions that change them, so the
    # directory never counts rows per community.
    member_count = models.PositiveIntegerField(default=0)
    thread_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"
        constraints = [
            models.UniqueConstraint(Lower("slug"), name="community_slug_ci_unique"),
        ]
        indexes = [models.Index(fields=["visibility", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def domain_line(self) -> str:
        first = self.domain_statement.strip().split("\n", 1)[0]
        return first if len(first) <= 160 else first[:157].rstrip() + "…"

    @property
    def visibility_label(self) -> str:
        return {"public": "Public", "members": "Members only", "private": "Private"}[
            self.visibility
        ]

    @property
    def stage_description(self) -> str:
        return STAGE_DESCRIPTIONS[Stage(self.stage)]

    @property
    def recognition_description(self) -> str:
        return RECOGNITION_DESCRIPTIONS[Recognition(self.recognition)][0]

    @property
    def recognition_challenges(self) -> str:
        return RECOGNITION_DESCRIPTIONS[Recognition(self.recognition)][1]


class DomainRevision(models.Model):
    """Every version of a community's domain statement, oldest first."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="domain_revisions"
    )
    text = models.TextField()
    note = models.CharField(max_length=200, blank=True)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Domain of {self.community_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Topic(models.Model):
    """One region of a community's domain map."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="topics")
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="topic_unique_per_community")
        ]

    def __str__(self) -> str:
        return self.name


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Member"
    PENDING = "pending", "Asked to join"
    INVITED = "invited", "Invited"


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    MEMBER = "member", "Member"


class LeadershipRole(models.TextChoices):
    """The kinds of leadership a community needs (Wenger, 1998)."""

    INSPIRATIONAL = "inspirational", "Inspirational"
    DAY_TO_DAY = "day_to_day", "Day-to-day"
    CLASSIFICATORY = "classificatory", "Classificatory"
    INTERPERSONAL = "interpersonal", "Interpersonal"
    BOUNDARY = "boundary", "Boundary"
    INSTITUTIONAL = "institutional", "Institutional"
    CUTTING_EDGE = "cutting_edge", "Cutting-edge"


LEADERSHIP_DESCRIPTIONS = {
    LeadershipRole.INSPIRATIONAL: "Thought leadership; recognised experts who inspire.",
    LeadershipRole.DAY_TO_DAY: "Organizes activities and keeps the community running.",
    LeadershipRole.CLASSIFICATORY: "Collects and organizes information to document practices.",
    LeadershipRole.INTERPERSONAL: "Weaves the community's social fabric.",
    LeadershipRole.BOUNDARY: "Connects the community to other communities.",
    LeadershipRole.INSTITUTIONAL: "Maintains links with the organization and its hierarchy.",
    LeadershipRole.CUTTING_EDGE: "Shepherds out-of-the-box initiatives.",
}


class Membership(models.Model):
    """A person's place in a community: a member, a pending request or an invitation."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    status = models.CharField(max_length=16, choices=MembershipStatus.choices)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    leadership_roles = models.JSONField(default=list, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="one_membership_per_person")
        ]
        indexes = [
            models.Index(fields=["community", "status", "role"]),
            models.Index(fields=["user", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.role == Role.COORDINATOR

    @property
    def leadership_labels(self) -> list[str]:
        return [LeadershipRole(r).label for r in self.leadership_roles]


class NotificationKind(models.TextChoices):
    QUESTION_ROUTED = "question_routed", "A question you may be able to answer"
    EVENT_CHANGED = "event_changed", "An event you plan to attend has changed"
    EVENT_CANCELLED = "event_cancelled", "An event you planned to attend was cancelled"
    EVENT_LEADING = "event_leading", "An event you were named to lead"
    EVENT_REMINDER = "event_reminder", "An event you plan to attend is coming up"


class Notification(models.Model):
    """Something one person should look at, in one community's context.

    Shown only while the person may still read the community, so leaving a
    private community hides what it sent.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=500)
    reason = models.CharField(max_length=500, blank=True)
    # What it is about (as in the activity log), so that deleting a thread
    # can withdraw the notifications pointing at it.
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"]),
            models.Index(fields=["target_type", "target_id"], name="notification_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"
