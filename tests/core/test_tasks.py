"""The task queue on its real storages: Huey's SQLite file, and Redis for scale-out.

Elsewhere tests run tasks where they are scheduled (immediate mode). Here a
routing task is enqueued into real storage, read back out as a consumer
reads it, and executed, so what crosses the queue (the task's name and its
arguments) is shown to survive serialization on both storages.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage, SqliteStorage

from commonplace.discussions.actions import reply_to_thread, start_thread
from commonplace.events.tasks import remind_coming_events
from commonplace.insights.models import RoutedQuestion
from commonplace.insights.tasks import (
    recompute_expertise,
    reroute_unanswered_questions,
    route_new_question,
)
from commonplace.search.indexing import embed_pending
from tests.factories import add_member, make_community, make_user

# Committed data: a task run by the queue closes connections left inside a
# transaction (djhuey's close_db), as a consumer between tasks must.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued_question():  # type: ignore[no-untyped-def]
    community = make_community(slug="cellar")
    asker, helper = add_member(community), add_member(community, make_user("helper"))
    earlier = start_thread(
        community=community, author=asker, kind="problem_solving",
        title="Cork taint in the cellar", body="Musty smell.",
    )  # fmt: skip
    reply_to_thread(thread=earlier, author=helper, body="Check the corks for TCA.")
    embed_pending()
    question = start_thread(
        community=community, author=asker, kind="problem_solving",
        title="Musty cork taint again", body="Same smell in new bottles.",
    )  # fmt: skip
    return question, helper


def _enqueue_and_consume(storage, thread_id: int) -> None:  # type: ignore[no-untyped-def]
    original, HUEY.storage = HUEY.storage, storage
    HUEY._immediate = False  # keep the storage given, not immediate mode's memory
    try:
        HUEY.flush()
        route_new_question(thread_id)
        assert HUEY.pending_count() == 1
        task = HUEY.dequeue()
        assert task is not None and task.args == (thread_id,)
        HUEY.execute(task)
        assert HUEY.pending_count() == 0
    finally:
        HUEY.flush()
        HUEY.storage, HUEY._immediate = original, True


def test_route_new_question_travels_through_the_sqlite_queue(queued_question, tmp_path) -> None:  # type: ignore[no-untyped-def]
    question, helper = queued_question
    storage = SqliteStorage(HUEY.name, filename=str(tmp_path / "tasks.sqlite3"))
    _enqueue_and_consume(storage, question.pk)
    assert list(RoutedQuestion.objects.filter(thread=question).values_list("user", flat=True)) == [
        helper.pk
    ]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_route_new_question_travels_through_redis(queued_question, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    question, helper = queued_question
    _enqueue_and_consume(RedisStorage(HUEY.name, url=redis_url), question.pk)
    assert RoutedQuestion.objects.filter(thread=question, user=helper).exists()


def test_rerouting_is_scheduled_every_ten_minutes() -> None:
    due = {t.name for t in HUEY.read_periodic(datetime(2026, 1, 1, 9, 10, tzinfo=UTC))}
    assert reroute_unanswered_questions.task_class.__name__ in due
    idle = {t.name for t in HUEY.read_periodic(datetime(2026, 1, 1, 9, 13, tzinfo=UTC))}
    assert reroute_unanswered_questions.task_class.__name__ not in idle


def test_reminders_every_quarter_hour_and_expertise_every_night() -> None:
    def due(hour: int, minute: int) -> set[str]:
        return {t.name for t in HUEY.read_periodic(datetime(2026, 1, 1, hour, minute, tzinfo=UTC))}

    assert remind_coming_events.task_class.__name__ in due(9, 45)
    assert remind_coming_events.task_class.__name__ not in due(9, 50)
    assert recompute_expertise.task_class.__name__ in due(3, 17)
    assert recompute_expertise.task_class.__name__ not in due(4, 17)
