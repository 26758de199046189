from __future__ import annotations

from django.conf import settings
from django.db import models


class ThreadKind(models.TextChoices):
    """What the community is doing in a thread (Wenger's activities of a CoP)."""

    PROBLEM_SOLVING = "problem_solving", "Problem solving"
    REQUEST_FOR_INFORMATION = "request_for_information", "Request for information"
    SEEKING_EXPERIENCE = "seeking_experience", "Seeking experience"
    REUSING_ASSETS = "reusing_assets", "Reusing assets"
    COORDINATION = "coordination", "Coordination and synergy"
    DISCUSSING_DEVELOPMENTS = "discussing_developments", "Discussing developments"
    DOCUMENTATION_PROJECT = "documentation_project", "Documentation project"
    VISIT = "visit", "Visit"
    KNOWLEDGE_MAPPING = "knowledge_mapping", "Knowledge mapping"


KIND_EXAMPLES = {
    ThreadKind.PROBLEM_SOLVING: "Can we work on this design and brainstorm some ideas? I'm stuck.",
    ThreadKind.REQUEST_FOR_INFORMATION: "Where can I find the code to connect to the server?",
    ThreadKind.SEEKING_EXPERIENCE: "Has anyone dealt with a customer in this situation?",
    ThreadKind.REUSING_ASSETS: "I have a proposal for a local area network I wrote for a client "
    "last year. I can send it to you and you can easily tweak it for this new client.",
    ThreadKind.COORDINATION: "Can we combine our purchases of solvent to achieve bulk discounts?",
    ThreadKind.DISCUSSING_DEVELOPMENTS: "What do you think of the new CAD system? "
    "Does it really help?",
    ThreadKind.DOCUMENTATION_PROJECT: "We have faced this problem five times now. "
    "Let us write it down once and for all.",
    ThreadKind.VISIT: "Can we come and see your after-school program? "
    "We need to establish one in our city.",
    ThreadKind.KNOWLEDGE_MAPPING: "Who knows what, and what are we missing? "
    "What other groups should we connect with?",
}

# Kinds that ask a question, and so can be resolved by accepting an answer.
QUESTION_KINDS = frozenset(
    {
        ThreadKind.PROBLEM_SOLVING,
        ThreadKind.REQUEST_FOR_INFORMATION,
        ThreadKind.SEEKING_EXPERIENCE,
    }
)


class Thread(models.Model):
    """A discussion of one kind in one community. Its first post is the opening."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="threads"
    )
    kind = models.CharField(max_length=32, choices=ThreadKind.choices)
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="threads"
    )
    topics = models.ManyToManyField("communities.Topic", blank=True, related_name="threads")
    accepted_answer = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    # Kept by the actions, so lists need no per-row counting.
    reply_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            # Live threads only: the list page sorts them straight from the index
            # (PostgreSQL cannot use an index whose second column is deleted_at).
            models.Index(
                fields=["community", "-last_activity_at", "-id"],
                condition=models.Q(deleted_at__isnull=True),
                name="thread_live_activity_idx",
            ),
            models.Index(fields=["community", "kind", "-last_activity_at"], name="thread_kind_idx"),
            models.Index(fields=["author", "-created_at"], name="thread_author_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_question(self) -> bool:
        return self.kind in QUESTION_KINDS

    @property
    def is_resolved(self) -> bool:
        return self.accepted_answer_id is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def kind_example(self) -> str:
        return KIND_EXAMPLES[ThreadKind(self.kind)]


class Post(models.Model):
    """The opening of a thread or a reply to it."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    is_opening = models.BooleanField(default=False)
    # The post this one responds to, where known (mail threading, comments).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    # A short remark on `parent` (imported Q&A comments), not a reply in its own right.
    is_comment = models.BooleanField(default=False)
    # Where an imported post came from, shown for attribution (e.g. CC BY-SA).
    source_url = models.URLField(max_length=300, blank=True)
    body = models.TextField()
    # Rendered and sanitized once, on write, so reading never renders Markdown.
    body_html = models.TextField()
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    helpful_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="post_thread_idx"),
            models.Index(fields=["author", "-created_at"], name="post_author_idx"),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in thread {self.thread_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(models.Model):
    """The text of a post before an edit (and the title, for an opening post)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Revision of post {self.post_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Vote(models.Model):
    """A member found a post helpful. Imported votes may not say who (user is null)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="votes"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_vote_per_person")]
        indexes = [models.Index(fields=["user", "post"])]

    def __str__(self) -> str:
        return f"Vote by {self.user_id} on post {self.post_id}"


class LinkKind(models.TextChoices):
    DUPLICATE = "duplicate", "Duplicate of"
    RELATED = "related", "Related to"


class ThreadLink(models.Model):
    """One thread points to another of the same community: same question, or related."""

    from_thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="links_out")
    to_thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=LinkKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_thread", "to_thread", "kind"], name="one_link_per_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_thread=models.F("to_thread")), name="no_self_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_thread_id} {self.kind} {self.to_thread_id}"
