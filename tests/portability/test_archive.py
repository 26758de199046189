from __future__ import annotations

import gzip
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from commonplace.accounts.models import User
from commonplace.communities.actions import (
    deny_request,
    endorse_skill,
    leave_community,
    notify,
    request_to_join,
)
from commonplace.communities.models import NotificationKind
from commonplace.core.models import Activity
from commonplace.discussions.actions import add_imported_vote, link_threads
from commonplace.discussions.models import Post, Thread
from commonplace.events.actions import respond_to_event, schedule_event
from commonplace.insights.expertise import recompute
from commonplace.insights.models import Expertise, QuestionRouting, RoutedQuestion
from commonplace.portability.archive import PARTS
from commonplace.repertoire.actions import attach_file, create_entry
from commonplace.repertoire.models import EntryFile
from tests.factories import (
    add_member,
    declare_skills,
    make_community,
    make_reply,
    make_thread,
    make_user,
)
from tests.imports.test_stackexchange import run_import, write_dump

pytestmark = pytest.mark.django_db


def _constellation(tmp_path: Path) -> None:
    public = make_community(slug="brewers")
    private = make_community(slug="nurses", visibility="private", join_policy="invite")
    for community in (public, private):
        thread = make_thread(community, topics=("hops",))
        reply = make_reply(thread)
        other = make_thread(community)
        link_threads(from_thread=other, to_thread=thread, kind="related", by=None)
        add_imported_vote(post=reply, voter=None, at=reply.created_at)
    run_import(make_community(slug="beer"), write_dump(tmp_path / "dump"))
    add_member(public, add_member(private))
    tool = create_entry(
        community=public, by=public.created_by, kind="tool", title="Sheet", body="Use it"
    )
    attach_file(
        entry=tool, upload=SimpleUploadedFile("sheet.csv", b"a,b\n1,2\n"), by=public.created_by
    )
    start = timezone.now() + timedelta(days=2)
    for community in (public, private):
        event = schedule_event(
            community=community, by=community.created_by, kind="workshop", title="Hop day",
            starts_at=start, ends_at=start + timedelta(hours=2), topics=["hops"],
        )  # fmt: skip
        respond_to_event(event=event, by=community.created_by, response="going")
    # What people said of each other and what was addressed to them travels too.
    brewer = add_member(public)
    declare_skills(brewer, "Dry hopping")
    endorse_skill(person=brewer, skill="Dry hopping", by=public.created_by)
    question = make_thread(public, kind="request_for_information", title="Grassy IPA?")
    notify(
        user=brewer, community=public, kind=NotificationKind.QUESTION_ROUTED,
        title=question.title, url=f"/c/brewers/t/{question.pk}/", reason="You know hops.",
    )  # fmt: skip
    RoutedQuestion.objects.create(
        thread=question, community=public, user=brewer, score=2.5, reason="You know hops.",
        notified=True, created_at=timezone.now(),
    )  # fmt: skip
    QuestionRouting.objects.create(
        thread=question, rounds=1, last_routed_at=timezone.now(),
        next_route_at=timezone.now() + timedelta(days=2),
    )  # fmt: skip
    recompute()


def _wipe() -> None:
    for attachment in EntryFile.objects.all():
        attachment.file.delete(save=False)  # a restore brings the files back too
    for part in reversed(PARTS):
        part.model._default_manager.all().delete()


def test_export_restore_export_is_byte_identical(tmp_path):
    _constellation(tmp_path)
    first, second = tmp_path / "first.jsonl.gz", tmp_path / "second.jsonl.gz"
    call_command("export", str(first))
    counts = {p.type: p.model._default_manager.count() for p in PARTS}
    for kind in ("skill_endorsement", "notification", "routed_question", "question_routing"):
        assert counts[kind] == 1
    profiles = set(Expertise.objects.values_list("user_id", "community_id", "topic_id", "score"))
    _wipe()
    call_command("restore", str(first))
    assert {p.type: p.model._default_manager.count() for p in PARTS} == counts
    # Expertise is derived: the restore rebuilt it from what it brought back.
    restored = Expertise.objects.values_list("user_id", "community_id", "topic_id", "score")
    assert {(u, c, t, round(s, 6)) for u, c, t, s in restored} == {
        (u, c, t, round(s, 6)) for u, c, t, s in profiles
    }
    call_command("export", str(second))
    assert first.read_bytes() == second.read_bytes()
    with EntryFile.objects.get().file.open("rb") as handle:
        assert handle.read() == b"a,b\n1,2\n"
    # Restored people can still log in, and new rows get fresh ids.
    person = User.objects.exclude(password__startswith="!").first()
    assert person is not None and person.has_usable_password()
    thread = make_thread(Thread.objects.first().community)
    assert thread.pk > max(counts.values()) or Thread.objects.count() == counts["thread"] + 1


def test_export_of_one_community_holds_only_its_records(tmp_path):
    _constellation(tmp_path)
    out = tmp_path / "brewers.jsonl.gz"
    call_command("export", str(out), "--community", "brewers")
    with gzip.open(out) as handle:
        raw = handle.read()
    lines = [json.loads(line) for line in raw.splitlines()]
    assert lines[0] == {"format": "commonplace-archive", "version": 1, "scope": "brewers"}
    lines = lines[1:]
    communities = [r for r in lines if r["type"] == "community"]
    assert [c["slug"] for c in communities] == ["brewers"]
    thread_ids = {r["id"] for r in lines if r["type"] == "thread"}
    assert thread_ids == set(
        Thread.objects.filter(community__slug="brewers").values_list("id", flat=True)
    )
    assert all(r["thread_id"] in thread_ids for r in lines if r["type"] == "post")
    assert not any("password" in r for r in lines if r["type"] == "user")
    assert b"nurses" not in raw
    events = [r for r in lines if r["type"] == "event"]
    assert [e["community_id"] for e in events] == [communities[0]["id"]]
    assert {r["type"] for r in lines} >= {"event_topic", "event_leader", "event_response"}
    people = {r["id"] for r in lines if r["type"] == "user"}
    for kind, who in (
        ("skill_endorsement", ("person_id", "endorser_id")),
        ("notification", ("user_id",)),
        ("routed_question", ("user_id",)),
    ):
        records = [r for r in lines if r["type"] == kind]
        assert records and all(r[field] in people for r in records for field in who)
    assert all(
        r["community_id"] == communities[0]["id"] for r in lines if r["type"] == "notification"
    )
    assert [r["id"] for r in lines if r["type"] == "question_routing"] == [
        r["thread_id"] for r in lines if r["type"] == "routed_question"
    ]


def test_every_model_is_archived_excluded_or_derived():
    from django.apps import apps

    from commonplace.portability.archive import DERIVED, EXCLUDED

    ours = {m for m in apps.get_models() if m.__module__.startswith("commonplace.")}
    archived = {p.model for p in PARTS}
    assert ours - archived - EXCLUDED - DERIVED == set()


def test_restore_refuses_a_database_with_data_and_bad_archives(tmp_path):
    make_community(slug="brewers")
    archive = tmp_path / "a.jsonl.gz"
    call_command("export", str(archive))
    with pytest.raises(CommandError, match="empty database"):
        call_command("restore", str(archive))
    _wipe()
    bad = tmp_path / "bad.jsonl.gz"
    with gzip.open(bad, "wb") as handle:
        handle.write(b'{"format": "commonplace-archive", "version": 1, "scope": "all"}\n')
        handle.write(
            b'{"type": "user", "id": 1, "username": "x"}\n{"type": "spaceship", "id": 2}\n'
        )
    with pytest.raises(CommandError, match=r"bad.jsonl.gz:3: unknown record type"):
        call_command("restore", str(bad))
    assert not User.objects.exists()  # all or nothing
    (tmp_path / "plain.txt").write_text("hello")
    with pytest.raises(CommandError, match="cannot be read as gzip"):
        call_command("restore", str(tmp_path / "plain.txt"))
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.gz"))
    assert not Post.objects.exists()


def test_a_community_archive_restores_with_people_who_have_left(tmp_path):
    community = make_community(slug="brewers")
    leaver = add_member(community)
    thread = make_thread(community, leaver, topics=("hops",))
    make_reply(thread)
    start = timezone.now() + timedelta(days=2)
    event = schedule_event(
        community=community, by=leaver, kind="meeting", title="Hop talk",
        starts_at=start, ends_at=start + timedelta(hours=1),
    )  # fmt: skip
    respond_to_event(event=event, by=leaver, response="going")
    leave_community(membership=community.memberships.get(user=leaver))
    archive = tmp_path / "brewers.jsonl.gz"
    call_command("export", str(archive), "--community", "brewers")
    # Sign-ups belong to no community, so they stay out of its archive.
    counts = {p.type: p.model._default_manager.count() for p in PARTS if p.type != "activity"}
    logged = Activity.objects.filter(community=community).count()
    _wipe()
    call_command("restore", str(archive))
    assert User.objects.filter(username=leaver.username).exists()
    assert {
        p.type: p.model._default_manager.count() for p in PARTS if p.type != "activity"
    } == counts
    assert Activity.objects.count() == logged


def test_a_community_archive_leaves_out_people_who_were_never_part_of_it(tmp_path):
    community = make_community(slug="vault", visibility="private", join_policy="request")
    stranger = make_user("turned-away")
    denied = request_to_join(community=community, user=stranger, message="Let me in")
    deny_request(membership=denied, by=community.created_by)
    archive = tmp_path / "vault.jsonl.gz"
    call_command("export", str(archive), "--community", "vault")
    with gzip.open(archive) as handle:
        raw = handle.read()
    assert b"turned-away" not in raw
    records = [json.loads(line) for line in raw.splitlines()[1:]]
    ids = {r["id"] for r in records if r["type"] == "user"}
    assert stranger.pk not in ids
    actors = {r["actor_id"] for r in records if r["type"] == "activity"}
    assert actors <= ids | {None}
    _wipe()
    call_command("restore", str(archive))  # the log's rows still restore
    assert not User.objects.filter(username="turned-away").exists()
