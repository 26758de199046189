"""Background work of the mirror: routing new questions, and routing them again."""

from __future__ import annotations

from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from commonplace.core.activity import writing_in_bulk
from commonplace.core.models import Activity, Verb
from commonplace.discussions.models import QUESTION_KINDS, Thread
from commonplace.insights.routing import reroute_unanswered, route_question


@db_task(retries=2, retry_delay=30)
def route_new_question(thread_id: int) -> None:
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is not None:
        route_question(thread=thread)


@db_periodic_task(crontab(minute="*/10"))
def reroute_unanswered_questions() -> None:
    reroute_unanswered()


def on_activity(activity: Activity) -> None:
    """Route a question once it is posted (after commit: the task must see the thread).

    Imports write in bulk and are not routed: their questions are history.
    """
    if writing_in_bulk() or activity.verb != Verb.THREAD_STARTED:
        return
    if activity.data.get("kind") in QUESTION_KINDS and activity.target_id is not None:
        thread_id = activity.target_id
        transaction.on_commit(lambda: route_new_question(thread_id), robust=True)
