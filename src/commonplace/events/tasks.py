"""Background work of events: reminders before they start."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from commonplace.events.actions import send_reminders


@db_periodic_task(crontab(minute="*/15"))
@lock_task("remind-coming-events")
def remind_coming_events() -> None:
    send_reminders()
