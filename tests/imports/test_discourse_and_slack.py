"""Discourse and Slack importers, on small fixtures written from the formats' documentation."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from commonplace.discussions.models import Post, Thread, Vote
from commonplace.imports.discourse import DiscourseExport
from commonplace.imports.load import Importer
from commonplace.imports.slack import SlackExport

pytestmark = pytest.mark.django_db

TOPIC = {
    "id": 42,
    "title": "How do you onboard new volunteers?",
    "slug": "how-do-you-onboard-new-volunteers",
    "created_at": "2021-03-04T10:00:00.000Z",
    "tags": ["volunteers", "onboarding"],
    "post_stream": {
        "posts": [
            {
                "id": 100,
                "post_number": 1,
                "username": "alice",
                "name": "Alice A",
                "created_at": "2021-03-04T10:00:00.000Z",
                "cooked": "<p>We lose <em>half</em> of them.</p>",
                "actions_summary": [{"id": 2, "count": 2}],
            },
            {
                "id": 101,
                "post_number": 2,
                "username": "bob",
                "name": "Bob B",
                "created_at": "2021-03-04T11:00:00.000Z",
                "cooked": "<p>Pair them with a buddy.</p>",
                "reply_to_post_number": 1,
                "accepted_answer": True,
                "actions_summary": [{"id": 2, "count": 3}],
            },
            {
                "id": 102,
                "post_number": 3,
                "username": "alice",
                "name": "Alice A",
                "created_at": "2021-03-04T12:00:00.000Z",
                "cooked": "<p>Thanks!</p>",
                "reply_to_post_number": 2,
            },
        ]
    },
}
CATEGORY = {
    "users": [
        {"id": 1, "username": "alice", "name": "Alice A"},
        {"id": 3, "username": "carol", "name": "Carol C"},
    ],
    "topic_list": {"topics": [{"id": 42, "title": TOPIC["title"]}]},
}


def _load(community, export):
    importer = Importer(
        community=community, source=export.source, by=community.created_by, progress=False
    )
    return importer.run(export.records())


def test_discourse_topic_becomes_a_resolved_thread(target_community, tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "42.json").write_text(json.dumps(TOPIC))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "volunteers.json").write_text(json.dumps(CATEGORY))
    (tmp_path / "t" / "broken.json").write_text("{not json")
    export = DiscourseExport(tmp_path, site="https://forum.example.org")
    summary = _load(target_community, export)
    assert summary.created == {"person": 3, "thread": 1, "post": 2, "vote": 5, "accept": 1}
    assert [p.location for p in summary.problems] == ["t/broken.json:1"]
    thread = Thread.objects.get(community=target_community)
    assert thread.is_resolved and thread.accepted_answer.body == "Pair them with a buddy."
    assert sorted(t.slug for t in thread.topics.all()) == ["onboarding", "volunteers"]
    thanks = Post.objects.get(body="Thanks!")
    assert thanks.parent == thread.accepted_answer
    assert thanks.source_url == "https://forum.example.org/t/how-do-you-onboard-new-volunteers/42/3"
    assert thread.posts.get(is_opening=True).helpful_count == 2
    assert sum(_load(target_community, export).created.values()) == 0


SLACK_USERS = [
    {"id": "U1", "name": "ana", "profile": {"real_name": "Ana Lima", "email": "ana@example.org"}},
    {"id": "U2", "name": "ben", "real_name": "Ben Cole"},
]
SLACK_CHANNELS = [{"id": "C1", "name": "field-tips", "created": 1614850000}]
DAY_ONE = [
    {
        "type": "message",
        "user": "U1",
        "text": "Anyone seen E-214 after the update? <@U2>",
        "ts": "1614852000.000100",
        "thread_ts": "1614852000.000100",
        "reply_count": 2,
        "reactions": [{"name": "eyes", "users": ["U2"], "count": 1}],
    },
    {
        "type": "message",
        "subtype": "channel_join",
        "user": "U2",
        "text": "<@U2> has joined",
        "ts": "1614852001.000100",
    },
    {
        "type": "message",
        "user": "U2",
        "text": "Yes: roll back, see <https://wiki.example.org/e214|the wiki>",
        "ts": "1614852100.000200",
        "thread_ts": "1614852000.000100",
    },
]
DAY_TWO = [
    {
        "type": "message",
        "user": "U1",
        "text": "Thanks, that worked",
        "ts": "1614938400.000300",
        "thread_ts": "1614852000.000100",
    },
    {"type": "message", "user": "U2", "text": "New topic", "ts": "1614938500.000400"},
]


def _write_slack(root: Path) -> None:
    (root / "field-tips").mkdir(parents=True)
    (root / "users.json").write_text(json.dumps(SLACK_USERS))
    (root / "channels.json").write_text(json.dumps(SLACK_CHANNELS))
    (root / "field-tips" / "2021-03-04.json").write_text(json.dumps(DAY_ONE))
    (root / "field-tips" / "2021-03-05.json").write_text(json.dumps(DAY_TWO))


def test_slack_export_threads_by_thread_ts(target_community, tmp_path):
    _write_slack(tmp_path / "export")
    summary = _load(target_community, SlackExport(tmp_path / "export", workspace="acme"))
    assert summary.created == {"person": 2, "thread": 2, "post": 2, "vote": 1}
    question = Thread.objects.get(title__startswith="Anyone seen E-214")
    assert question.reply_count == 2
    assert [t.slug for t in question.topics.all()] == ["field-tips"]
    opening = question.posts.get(is_opening=True)
    assert "@ben" in opening.body and opening.helpful_count == 1
    assert Vote.objects.get().user.display_name == "Ben Cole"
    reply = question.posts.get(body__startswith="Yes")
    assert "the wiki (https://wiki.example.org/e214)" in reply.body
    assert 'href="https://wiki.example.org/e214"' in reply.body_html


def test_slack_export_reads_a_zip_and_is_idempotent(target_community, tmp_path):
    _write_slack(tmp_path / "export")
    archive = tmp_path / "acme.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in (tmp_path / "export").rglob("*.json"):
            zipped.write(path, path.relative_to(tmp_path / "export").as_posix())
    first = _load(target_community, SlackExport(archive, workspace="acme"))
    second = _load(target_community, SlackExport(archive, workspace="acme"))
    assert sum(first.created.values()) == 7 and sum(second.created.values()) == 0


def test_import_command_explains_unreadable_exports(target_community, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="not a Slack export"):
        call_command("import", "slack", str(tmp_path / "empty"), "--community", "imported")
    with pytest.raises(CommandError, match="no .json files"):
        call_command("import", "discourse", str(tmp_path / "empty"), "--community", "imported")
