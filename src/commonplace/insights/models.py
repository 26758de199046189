"""The mirror's derived tables: recomputed from what members did, never edited."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Expertise(models.Model):
    """What one member has shown in one community: on one topic, or (no topic) on all of it.

    Rebuilt by `insights.expertise` from replies, accepted answers, helpful
    votes, repertoire entries, events led and the skills a member declares; the counts
    are kept beside the score so that every score can say why.
    """

    # No database constraints: the table is rebuilt wholesale from the rows it
    # points to, and checking a million references at commit cost half the
    # rebuild. Deleting a member, community or topic still cascades (Django does it).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    topic = models.ForeignKey(
        "communities.Topic",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    # Evidence weighted by kind and faded by age (expertise.HALF_LIFE_DAYS).
    score = models.FloatField()
    answers = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    helpful = models.PositiveIntegerField(default=0)  # helpful votes on their answers
    entries = models.PositiveIntegerField(default=0)  # repertoire entries they wrote
    entry_uses = models.PositiveIntegerField(default=0)  # endorsements and reuses of those
    events_led = models.PositiveIntegerField(default=0)  # that have taken place, not cancelled
    # In the last year (expertise.RECENT_DAYS), for "3 accepted answers in the last year".
    recent_answers = models.PositiveIntegerField(default=0)
    recent_accepted = models.PositiveIntegerField(default=0)
    declared = models.BooleanField(default=False)  # among the skills on their profile
    peer_endorsements = models.PositiveIntegerField(default=0)  # peers vouching for that skill
    last_active_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["community", "topic", "-score"], name="expertise_rank_idx"),
            models.Index(fields=["user", "-score"], name="expertise_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id} on {self.topic_id}: {self.score:.2f}"


class RoutedQuestion(models.Model):
    """One member suggested as a likely answerer of one question, in one round.

    Routing's own record: shown to the asker, spread load across members
    (how many open questions each was asked to look at lately), and let a
    later round ask other people.
    """

    thread = models.ForeignKey("discussions.Thread", on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField(default=1)
    score = models.FloatField()
    reason = models.CharField(max_length=500)
    notified = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="routed_once_per_member"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="routed_member_idx"),
            models.Index(fields=["community", "-created_at"], name="routed_community_idx"),
        ]

    def __str__(self) -> str:
        return f"thread {self.thread_id} → {self.user_id} (round {self.round})"


class QuestionRouting(models.Model):
    """Where routing stands for one question: rounds run, and when to look again.

    Kept even when a round found nobody, so the re-routing sweep reads only
    the questions due (`next_route_at`), never the same stuck ones again.
    """

    thread = models.OneToOneField(
        "discussions.Thread", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    rounds = models.PositiveSmallIntegerField(default=0)
    last_routed_at = models.DateTimeField()
    # None: not again (rounds used up, routing off, or the question settled).
    next_route_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_route_at"], name="routing_due_idx")]

    def __str__(self) -> str:
        return f"thread {self.thread_id}: {self.rounds} rounds, next {self.next_route_at}"
