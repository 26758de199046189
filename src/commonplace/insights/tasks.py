"""Background work of the mirror: routing new questions, routing them again, and
rebuilding expertise every night."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from commonplace.core.activity import writing_in_bulk
from commonplace.core.models import Activity, Verb
from commonplace.discussions.models import QUESTION_KINDS, Thread
from commonplace.insights.expertise import recompute
from commonplace.insights.routing import reroute_unanswered, route_open_questions, route_question

# A question whose routing task never ran (no consumer, the queue down) is
# picked up by the sweep once it is this old, and up to a day old.
LOST_AFTER = timedelta(minutes=5)
LOST_WITHIN = timedelta(days=1)


@db_task(retries=2, retry_delay=30)
def route_new_question(thread_id: int) -> None:
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is not None:
        route_question(thread=thread)


@db_periodic_task(crontab(minute="*/10"))
@lock_task("reroute-unanswered-questions")  # several consumers, one sweep at a time
def reroute_unanswered_questions() -> None:
    now = timezone.now()
    route_open_questions(since=now - LOST_WITHIN, before=now - LOST_AFTER)
    reroute_unanswered(now=now)


@db_periodic_task(crontab(hour="3", minute="17"))
@lock_task("recompute-expertise")
def recompute_expertise() -> None:
    """Rebuild every profile: evidence fades with time, and events led count once they
    have taken place, though nothing was written when they did."""
    recompute()


def on_activity(activity: Activity) -> None:
    """Route a question once it is posted (after commit: the task must see the thread).

    Imports write in bulk and are not routed: their questions are history.
    """
    if writing_in_bulk() or activity.verb != Verb.THREAD_STARTED:
        return
    if activity.data.get("kind") in QUESTION_KINDS and activity.target_id is not None:
        thread_id = activity.target_id
        transaction.on_commit(lambda: route_new_question(thread_id), robust=True)
