from __future__ import annotations

from django.conf import settings
from django.db import models


class EntryKind(models.TextChoices):
    """The kinds of things a community's shared repertoire holds."""

    STORY = "story", "Story"
    CASE = "case", "Case"
    PRACTICE = "practice", "Practice"
    TOOL = "tool", "Tool"
    ASSET = "asset", "Asset (template)"
    GUIDE = "guide", "Guide"
    GLOSSARY = "glossary", "Glossary term"
    LESSON = "lesson", "Lesson"


# The outline each kind starts from: the questions its readers will ask.
KIND_TEMPLATES = {
    EntryKind.STORY: "## What happened\n\n## Who was involved\n\n## What it taught us\n",
    EntryKind.CASE: "## Situation\n\n## What was tried\n\n## What worked\n\n## Lessons\n",
    EntryKind.PRACTICE: "## Context\n\n## Steps\n\n1. \n\n## When not to use it\n",
    EntryKind.TOOL: "## What it is for\n\n## How to use it\n\n## Where to get it\n",
    EntryKind.ASSET: "## What it is\n\n## How to adapt it\n\n## Who made it, for what\n",
    EntryKind.GUIDE: "## Before you start\n\n## Step by step\n\n## If something goes wrong\n",
    EntryKind.GLOSSARY: "## Definition\n\n## Synonyms\n\n## Example\n",
    EntryKind.LESSON: "## What we learned\n\n## How we learned it\n\n## What to do differently\n",
}


class Maturity(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_USE = "in_use", "In use"
    ENDORSED = "endorsed", "Endorsed"
    RETIRED = "retired", "Retired"


class Entry(models.Model):
    """One piece of the community's practice, written down."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    body_html = models.TextField()
    topics = models.ManyToManyField("communities.Topic", blank=True, related_name="entries")
    maturity = models.CharField(max_length=16, choices=Maturity.choices, default=Maturity.DRAFT)
    review_due = models.DateField()
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="authored_entries")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Bumped by every edit; an edit based on an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    endorsement_count = models.PositiveIntegerField(default=0)
    reuse_count = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(
                fields=["community", "-updated_at", "-id"],
                condition=models.Q(deleted_at__isnull=True),
                name="entry_live_idx",
            ),
            models.Index(fields=["community", "review_due"], name="entry_review_idx"),
        ]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return self.title


class EntryRevision(models.Model):
    """The entry as it was after one edit (number 1 is the first version)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    note = models.CharField(max_length=200, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.number}"


class MaturityChange(models.Model):
    """Who moved an entry from one maturity to another, and why."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="maturity_changes")
    from_maturity = models.CharField(max_length=16, choices=Maturity.choices)
    to_maturity = models.CharField(max_length=16, choices=Maturity.choices)
    reason = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.from_maturity} -> {self.to_maturity}"


class Endorsement(models.Model):
    """A member says: I use this."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "user"], name="one_endorsement_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} uses {self.entry_id}"


class Reuse(models.Model):
    """A member reused an asset or tool, with an optional note on how."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="reuses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} reused {self.entry_id}"


class EntrySource(models.Model):
    """Provenance: a thread this entry was written down from."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="sources")
    thread = models.ForeignKey(
        "discussions.Thread", on_delete=models.CASCADE, related_name="written_down_in"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "thread"], name="one_source_link")]

    def __str__(self) -> str:
        return f"{self.entry_id} from thread {self.thread_id}"


def _attachment_path(instance: EntryFile, filename: str) -> str:
    # Stored under the community and entry, never under a name a user chose
    # alone, so two files called "template.docx" cannot collide.
    return f"entries/{instance.entry.community_id}/{instance.entry_id}/{filename}"


class EntryFile(models.Model):
    """A file carried by an asset or tool entry; served only through a permission check."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
