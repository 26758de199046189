from __future__ import annotations

from django.conf import settings
from django.db import models


class EventKind(models.TextChoices):
    """The gatherings that give a community its rhythm."""

    MEETING = "meeting", "Meeting"
    WORKSHOP = "workshop", "Workshop"
    VISIT = "visit", "Visit"
    WEBINAR = "webinar", "Webinar"
    SOCIAL = "social", "Social"
    KNOWLEDGE_MAPPING = "knowledge_mapping", "Knowledge-mapping session"


class Repeat(models.TextChoices):
    """How a series of events repeats, from its first one."""

    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month, on the same weekday"


class Event(models.Model):
    """A gathering of one community, at a time, led by some of its members."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    description_html = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    online_url = models.URLField(max_length=500, blank=True)
    topics = models.ManyToManyField("communities.Topic", blank=True, related_name="events")
    leaders = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="led_events")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Bumped by every change, so calendars that imported the event replace it (ICS SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the day-before reminder went
    # The first event of the series this one repeats; each occurrence is changed
    # or cancelled on its own.
    repeats = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="occurrences"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["community", "starts_at"], name="event_when_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Response(models.TextChoices):
    GOING = "going", "Going"
    MAYBE = "maybe", "Maybe"
    NOT_GOING = "not_going", "Not going"


class EventResponse(models.Model):
    """One member's answer to an event: going, maybe, or not going."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    response = models.CharField(max_length=16, choices=Response.choices)
    responded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_response_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.response} {self.event_id}"


class EventNotes(models.Model):
    """Provenance: a repertoire entry written up from what happened at an event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notes")
    entry = models.ForeignKey(
        "repertoire.Entry", on_delete=models.CASCADE, related_name="written_up_from"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "entry"], name="one_notes_link")]

    def __str__(self) -> str:
        return f"{self.entry_id} from event {self.event_id}"


class CalendarFeed(models.Model):
    """A member's private calendar address: the events of every community they belong
    to, for calendar apps, which cannot sign in. Whoever has the key reads the feed,
    so it can be replaced at any time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"
