"""The index follows every write, in the same transaction, and a rebuild reproduces it."""

from __future__ import annotations

import gzip
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from commonplace.accounts.actions import update_profile
from commonplace.core import activity
from commonplace.core.activity import follow_activity
from commonplace.discussions.actions import (
    accept_answer,
    delete_post,
    delete_thread,
    edit_post,
    edit_thread,
    reply_to_thread,
    unaccept_answer,
    vote_helpful,
    withdraw_vote,
)
from commonplace.discussions.models import Thread
from commonplace.events.actions import cancel_event, edit_event, respond_to_event, schedule_event
from commonplace.portability.archive import PARTS
from commonplace.repertoire.actions import (
    change_maturity,
    create_entry,
    edit_entry,
    endorse_entry,
)
from commonplace.search.indexing import embed_pending, on_activity, rebuild
from commonplace.search.models import DocType, Document
from tests.factories import add_member, make_community, make_reply, make_thread, make_user
from tests.imports.test_stackexchange import run_import, write_dump
from tests.search.helpers import doc, found, membership, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def brewers():
    return make_community(slug="brewers", coordinator=make_user("coord"), topics=("Hops", "Yeast"))


@pytest.fixture
def asker(brewers):
    return add_member(brewers, make_user("asker"))


@pytest.fixture
def helper(brewers):
    return add_member(brewers, make_user("helper"))


def _question(community, author, **extra):
    return make_thread(
        community,
        author,
        kind="problem_solving",
        title=extra.pop("title", "Grassy taste after dry hopping"),
        body=extra.pop("body", "The citra went in on day three."),
        **extra,
    )


# -- threads and replies --------------------------------------------------------------


def test_start_thread_indexes_the_thread(brewers, asker):
    thread = _question(brewers, asker, topics=("hops",))
    document = doc(DocType.THREAD, thread.pk)
    assert document is not None
    assert document.title == "Grassy taste after dry hopping"
    assert document.body == "The citra went in on day three."
    assert (document.community_id, document.thread_id, document.author_id) == (
        brewers.pk,
        thread.pk,
        asker.pk,
    )
    assert document.kind == "problem_solving"
    assert document.topics == " hops "
    assert not document.is_answered and not document.is_resolved
    assert document.embedding_pending  # computed later, in batches
    assert found("citra") == [("thread", thread.pk)]


def test_index_is_written_in_the_same_transaction(brewers, asker):
    with pytest.raises(RuntimeError), transaction.atomic():
        thread = _question(brewers, asker)
        # Visible inside the transaction that wrote the thread...
        assert doc(DocType.THREAD, thread.pk) is not None
        raise RuntimeError("roll back")
    # ...and gone with it when it rolls back.
    assert not Document.objects.filter(doc_type=DocType.THREAD).exists()
    assert found("citra") == []


def test_follow_activity_is_idempotent(brewers, asker):
    seen = []
    listener = seen.append
    try:
        follow_activity(listener)
        follow_activity(listener)
        follow_activity(on_activity)  # already registered by the app
        assert activity._listeners.count(on_activity) == 1
        thread = _question(brewers, asker)
    finally:
        activity._listeners.remove(listener)
    assert [a.target_id for a in seen] == [thread.pk]
    assert Document.objects.filter(doc_type=DocType.THREAD).count() == 1


def test_reply_indexes_the_reply_and_marks_the_thread_answered(brewers, asker, helper):
    thread = _question(brewers, asker, topics=("hops",))
    reply = make_reply(thread, helper, body="Lower the kettle temperature.")
    document = doc(DocType.REPLY, reply.pk)
    assert document is not None
    assert document.title == ""  # the thread's title is shown, not indexed
    assert document.body == "Lower the kettle temperature."
    assert (document.thread_id, document.author_id, document.topics) == (
        thread.pk,
        helper.pk,
        " hops ",
    )
    assert doc(DocType.THREAD, thread.pk).is_answered
    assert found("kettle") == [("reply", reply.pk)]


def test_comment_is_indexed_but_does_not_answer(brewers, asker, helper):
    thread = _question(brewers, asker)
    opening = thread.posts.get(is_opening=True)
    comment = reply_to_thread(
        thread=thread, author=helper, body="Which kettle?", parent=opening, is_comment=True
    )
    assert doc(DocType.REPLY, comment.pk) is not None
    assert not doc(DocType.THREAD, thread.pk).is_answered


def test_edit_thread_changes_what_is_found(brewers, asker):
    thread = _question(brewers, asker)
    assert found("citra") == [("thread", thread.pk)]
    edit_thread(
        thread=thread,
        by=asker,
        membership=membership(brewers, asker),
        title="Hazy lager after mashing",
        body="The mosaic went in on day five.",
        topics=["yeast"],
    )
    assert found("citra") == []
    assert found("grassy") == []
    assert found("mosaic") == [("thread", thread.pk)]
    assert found("hazy lager") == [("thread", thread.pk)]
    document = doc(DocType.THREAD, thread.pk)
    assert document.topics == " yeast "
    assert document.embedding_pending


def test_edit_thread_topics_reach_its_replies(brewers, asker, helper):
    thread = _question(brewers, asker, topics=("hops",))
    reply = make_reply(thread, helper)
    edit_thread(
        thread=thread,
        by=asker,
        membership=membership(brewers, asker),
        title=thread.title,
        body="The citra went in on day three.",
        topics=["yeast"],
    )
    assert doc(DocType.REPLY, reply.pk).topics == " yeast "


def test_edit_post_changes_what_is_found(brewers, asker, helper):
    thread = _question(brewers, asker)
    reply = make_reply(thread, helper, body="Lower the kettle temperature.")
    edit_post(
        post=reply,
        by=helper,
        membership=membership(brewers, helper),
        body="Use a counterflow chiller.",
    )
    assert found("kettle") == []
    assert found("chiller") == [("reply", reply.pk)]

    opening = thread.posts.get(is_opening=True)
    edit_post(post=opening, by=asker, membership=membership(brewers, asker), body="Mosaic instead.")
    assert found("citra") == []
    assert found("mosaic") == [("thread", thread.pk)]


def test_delete_post_removes_its_document(brewers, asker, helper):
    thread = _question(brewers, asker)
    reply = make_reply(thread, helper, body="Lower the kettle temperature.")
    delete_post(post=reply, by=helper, membership=membership(brewers, helper))
    assert doc(DocType.REPLY, reply.pk) is None
    assert found("kettle") == []
    assert not doc(DocType.THREAD, thread.pk).is_answered


def test_delete_thread_removes_it_and_its_replies(brewers, asker, helper):
    thread = _question(brewers, asker)
    replies = [make_reply(thread, helper, body=f"Kettle idea {n}.") for n in range(2)]
    other = _question(brewers, asker, title="Another kettle question")
    delete_thread(thread=thread, by=asker, membership=membership(brewers, asker))
    assert doc(DocType.THREAD, thread.pk) is None
    assert all(doc(DocType.REPLY, r.pk) is None for r in replies)
    assert found("kettle") == [("thread", other.pk)]


def test_deleting_the_opening_post_deletes_the_thread_documents(brewers, asker, helper):
    thread = _question(brewers, asker)
    reply = make_reply(thread, helper)
    opening = thread.posts.get(is_opening=True)
    delete_post(post=opening, by=asker, membership=membership(brewers, asker))
    assert doc(DocType.THREAD, thread.pk) is None
    assert doc(DocType.REPLY, reply.pk) is None


def test_helpful_votes_raise_helpful_and_boost(brewers, asker, helper):
    thread = _question(brewers, asker)
    reply = make_reply(thread, helper)
    before = doc(DocType.REPLY, reply.pk)
    assert (before.helpful, before.boost) == (0, 1.0)
    vote_helpful(post=reply, by=asker, membership=membership(brewers, asker))
    after = doc(DocType.REPLY, reply.pk)
    assert after.helpful == 1 and after.boost > before.boost
    # Votes on a reply count for the thread too.
    assert doc(DocType.THREAD, thread.pk).helpful == 1
    assert doc(DocType.THREAD, thread.pk).boost > 1.0

    withdraw_vote(post=reply, by=asker)
    assert (doc(DocType.REPLY, reply.pk).helpful, doc(DocType.REPLY, reply.pk).boost) == (0, 1.0)


def test_accept_and_unaccept_answer(brewers, asker, helper):
    thread = _question(brewers, asker)
    first = make_reply(thread, helper, body="Warm it.")
    second = make_reply(thread, helper, body="Cool it.")
    mine = membership(brewers, asker)

    accept_answer(thread=thread, answer=first, by=asker, membership=mine)
    assert doc(DocType.REPLY, first.pk).is_resolved
    assert not doc(DocType.REPLY, second.pk).is_resolved
    assert doc(DocType.THREAD, thread.pk).is_resolved
    assert doc(DocType.THREAD, thread.pk).boost > 1.0

    # Moving the acceptance moves the flag.
    accept_answer(thread=thread, answer=second, by=asker, membership=mine)
    assert not doc(DocType.REPLY, first.pk).is_resolved
    assert doc(DocType.REPLY, second.pk).is_resolved

    unaccept_answer(thread=Thread.objects.get(pk=thread.pk), by=asker, membership=mine)
    assert not doc(DocType.REPLY, second.pk).is_resolved
    thread_doc = doc(DocType.THREAD, thread.pk)
    assert not thread_doc.is_resolved and thread_doc.boost == 1.0


def test_deleting_the_accepted_answer_unresolves_the_thread(brewers, asker, helper):
    thread = _question(brewers, asker)
    answer = make_reply(thread, helper)
    accept_answer(thread=thread, answer=answer, by=asker, membership=membership(brewers, asker))
    delete_post(post=answer, by=helper, membership=membership(brewers, helper))
    assert not doc(DocType.THREAD, thread.pk).is_resolved


# -- entries and members ---------------------------------------------------------------


def test_entries_follow_create_edit_and_maturity(brewers, asker):
    coordinator = brewers.created_by
    entry = create_entry(
        community=brewers,
        by=asker,
        kind="practice",
        title="Cold dry hopping",
        body="Dry hop at twelve degrees.",
        topics=["hops"],
    )
    document = doc(DocType.ENTRY, entry.pk)
    assert (document.kind, document.topics, document.author_id) == ("practice", " hops ", asker.pk)
    assert document.thread_id is None
    assert not document.is_resolved and document.embedding_pending
    assert found("twelve") == [("entry", entry.pk)]

    entry = edit_entry(
        entry=entry,
        by=asker,
        base_version=entry.version,
        title="Cold crashing",
        body="Crash at two degrees.",
        topics=[],
    )
    assert found("twelve") == []
    assert found("crash") == [("entry", entry.pk)]

    change_maturity(
        entry=entry, to="endorsed", by=coordinator, membership=membership(brewers, coordinator)
    )
    endorsed = doc(DocType.ENTRY, entry.pk)
    assert endorsed.is_resolved and endorsed.boost > 1.0

    endorse_entry(entry=entry, by=coordinator)
    assert doc(DocType.ENTRY, entry.pk).helpful == 1

    change_maturity(
        entry=entry, to="retired", by=coordinator, membership=membership(brewers, coordinator)
    )
    retired = doc(DocType.ENTRY, entry.pk)
    assert not retired.is_resolved and retired.boost < 1.0


def test_sign_up_and_profile_update_index_the_member():
    person = make_user("kvikka", display_name="Kari Voss")
    document = doc(DocType.MEMBER, person.pk)
    assert document is not None and document.community_id is None
    assert document.title == "Kari Voss kvikka"
    assert found("kvikka") == [("member", person.pk)]

    update_profile(
        user=person,
        display_name="Kari Voss",
        bio="Brewing since 2009.",
        org_unit="Cellar",
        location="Bergen",
        skills=["Kveik", "Decoction"],
        interests=["Sour beer"],
    )
    document = doc(DocType.MEMBER, person.pk)
    assert document.topics == " decoction kveik "
    assert found("decoction") == [("member", person.pk)]
    assert found("bergen") == [("member", person.pk)]
    assert not document.embedding_pending  # members are not cases

    update_profile(
        user=person,
        display_name="Kari Voss",
        bio="",
        org_unit="",
        location="",
        skills=["Kveik"],
        interests=[],
    )
    assert found("decoction") == []


# -- rebuilding -----------------------------------------------------------------------------


def _busy_community(brewers, asker, helper):
    """Every kind of write the index follows, some of them undone again."""
    mine, theirs = membership(brewers, asker), membership(brewers, helper)
    coordinator = brewers.created_by
    solved = _question(brewers, asker, topics=("hops",))
    answer = make_reply(solved, helper, body="Cold crash first.")
    make_reply(solved, helper, body="Or fine with gelatin.")
    reply_to_thread(
        thread=solved,
        author=asker,
        body="Thanks!",
        parent=answer,
        is_comment=True,
    )
    vote_helpful(post=answer, by=asker, membership=mine)
    accept_answer(thread=solved, answer=answer, by=asker, membership=mine)

    edited = make_thread(brewers, helper, title="Kettle chiller", topics=("yeast",))
    gone = make_reply(edited, asker, body="Deleted later.")
    edit_thread(
        thread=edited,
        by=helper,
        membership=theirs,
        title="Counterflow chiller",
        body="Which one?",
        topics=["hops"],
    )
    delete_post(post=gone, by=asker, membership=mine)
    kept = make_reply(edited, asker, body="A plate chiller.")
    edit_post(post=kept, by=asker, membership=mine, body="A plate chiller, cleaned daily.")

    deleted = make_thread(brewers, asker, title="Never mind")
    make_reply(deleted, helper)
    delete_thread(thread=deleted, by=asker, membership=mine)

    entry = create_entry(
        community=brewers, by=asker, kind="practice", title="Cold crashing", body="Two days."
    )
    change_maturity(
        entry=entry, to="endorsed", by=coordinator, membership=membership(brewers, coordinator)
    )
    endorse_entry(entry=entry, by=helper)
    update_profile(
        user=helper,
        display_name="Helpful Person",
        bio="Brews in a garage.",
        org_unit="",
        location="Leeds",
        skills=["Kveik"],
        interests=["Lagers"],
    )
    start = timezone.now() + timedelta(days=5)
    visit = schedule_event(
        community=brewers, by=coordinator, kind="visit", title="Hop farm visit",
        starts_at=start, ends_at=start + timedelta(hours=3), location="Hallertau",
        description="Bring *boots*.", topics=["hops"],
    )  # fmt: skip
    edit_event(
        event=visit, by=coordinator, kind="visit", title="Hop farm visit, in the rain",
        starts_at=start, ends_at=start + timedelta(hours=4), location="Hallertau",
        description="Bring *boots*.", topics=["hops"],
    )  # fmt: skip
    respond_to_event(event=visit, by=asker, response="going")
    cancel_event(
        event=schedule_event(
            community=brewers, by=helper, kind="social", title="Tasting night",
            starts_at=start, ends_at=start + timedelta(hours=2), location="The tap room",
        ),
        by=helper,
    )  # fmt: skip
    return solved


def test_rebuild_reproduces_incremental_indexing(brewers, asker, helper):
    _busy_community(brewers, asker, helper)
    other = make_community(slug="vintners")
    make_reply(make_thread(other, title="Malolactic fermentation"))
    incremental = snapshot()
    assert {row[0] for row in incremental} == {"thread", "reply", "entry", "member", "event"}

    counts = rebuild(embed=False)
    assert snapshot() == incremental
    assert counts == {
        "thread": Document.objects.filter(doc_type="thread").count(),
        "reply": Document.objects.filter(doc_type="reply").count(),
        "entry": 1,
        "member": Document.objects.filter(doc_type="member").count(),
        "event": 2,
    }

    # One community (and its members) alone, too; the other is left alone.
    rebuild(community_id=brewers.pk, embed=False)
    assert snapshot() == incremental


def test_rebuild_keeps_embeddings_of_unchanged_texts(brewers, asker, helper):
    solved = _question(brewers, asker)
    changed = _question(brewers, helper, title="Stuck fermentation", body="At 1.030.")
    create_entry(community=brewers, by=asker, kind="practice", title="Mash", body="At 66.")
    assert embed_pending() == 3
    before = {
        (t, o): bytes(e)
        for t, o, e in Document.objects.filter(embedding__isnull=False).values_list(
            "doc_type", "object_id", "embedding"
        )
    }
    assert len(before) == 3  # threads and entries only

    # A change the activity log never saw: only a rebuild notices it.
    Thread.objects.filter(pk=changed.pk).update(title="Stuck fermentation at 1.040")
    rebuild(embed=False)

    for document in Document.objects.filter(doc_type__in=["thread", "entry"]):
        key = (document.doc_type, document.object_id)
        if document.object_id == changed.pk and document.doc_type == "thread":
            assert document.embedding_pending and document.embedding is None
        else:
            assert not document.embedding_pending
            assert bytes(document.embedding) == before[key]
            assert document.embedded_at is not None
    assert doc(DocType.THREAD, solved.pk) is not None
    assert embed_pending() == 1


def test_reindex_command_prints_counts(brewers, asker, helper):
    thread = _question(brewers, asker)
    make_reply(thread, helper)
    Document.objects.all().delete()

    out = io.StringIO()
    call_command("reindex", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Indexed 1 threads, 1 replies, 0 entries, 3 members, 0 events in ")
    assert lines[1].startswith("Embedded 1 cases in ")
    assert found("citra") == [("thread", thread.pk)]
    assert not doc(DocType.THREAD, thread.pk).embedding_pending


def test_reindex_one_community_without_embeddings(brewers, asker):
    thread = _question(brewers, asker)
    other = make_thread(make_community(slug="vintners"), title="Citra in wine?")
    Document.objects.all().delete()

    out = io.StringIO()
    call_command("reindex", "--community", "brewers", "--no-embeddings", stdout=out)
    assert out.getvalue().startswith(
        "Indexed 1 threads, 0 replies, 0 entries, 2 members, 0 events in "
    )
    assert "Embedded" not in out.getvalue()
    assert found("citra") == [("thread", thread.pk)]
    assert doc(DocType.THREAD, other.pk) is None
    assert doc(DocType.THREAD, thread.pk).embedding_pending


def test_reindex_unknown_community_is_a_command_error(brewers):
    with pytest.raises(CommandError, match="nowhere"):
        call_command("reindex", "--community", "nowhere", stdout=io.StringIO())


# -- bulk writers -------------------------------------------------------------------------


def test_import_leaves_documents_for_imported_threads(tmp_path):
    community = make_community(slug="beer", coordinator=make_user("importer"), topics=())
    run_import(community, write_dump(tmp_path / "dump"))
    threads = {t.title: t for t in Thread.objects.filter(community=community)}
    question = threads["What is a citra hop?"]
    assert doc(DocType.THREAD, question.pk).is_resolved
    assert doc(DocType.THREAD, question.pk).topics == " hops ipa "
    assert doc(DocType.REPLY, question.accepted_answer_id).is_resolved
    assert {d.object_id for d in Document.objects.filter(doc_type="thread")} == {
        t.pk for t in threads.values()
    }
    # Embeddings are left for the command to compute in bulk.
    assert all(d.embedding_pending for d in Document.objects.filter(doc_type="thread"))
    results = found("citra")
    assert {r for r in results if r[0] == "thread"} == {("thread", t.pk) for t in threads.values()}
    assert found("variety") == [("reply", question.accepted_answer_id)]
    # Imported people are members, and findable.
    assert found("porto")[0][0] == "member"


def test_restore_rebuilds_the_index(tmp_path: Path, brewers, asker, helper):
    solved = _question(brewers, asker, topics=("hops",))
    answer = make_reply(solved, helper, body="Cold crash first.")
    accept_answer(thread=solved, answer=answer, by=asker, membership=membership(brewers, asker))
    create_entry(community=brewers, by=asker, kind="practice", title="Mash", body="At 66.")
    before = snapshot()

    archive = tmp_path / "all.jsonl.gz"
    call_command("export", str(archive), stdout=io.StringIO())
    with gzip.open(archive) as handle:
        assert b'"type": "document"' not in handle.read()  # derived, never carried
    for part in reversed(PARTS):
        part.model._default_manager.all().delete()
    Document.objects.all().delete()
    assert found("citra") == []

    call_command("restore", str(archive), stdout=io.StringIO())
    assert snapshot() == before
    assert found("citra") == [("thread", solved.pk)]
    cases = Document.objects.filter(doc_type__in=["thread", "entry"])
    assert cases.count() == 2
    assert not cases.filter(embedding_pending=True).exists()
