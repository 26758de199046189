import pytest

from commonplace.communities.actions import set_leadership_roles
from commonplace.core.errors import ConflictError, DomainError, ForbiddenError
from commonplace.core.models import Activity, Verb
from commonplace.discussions.actions import accept_answer
from commonplace.repertoire.actions import (
    EditConflict,
    change_maturity,
    create_entry,
    edit_entry,
    endorse_entry,
    promote_threads_to_entry,
    record_reuse,
    restore_revision,
)
from commonplace.repertoire.models import Entry
from tests.factories import add_member, make_community, make_reply, make_thread

pytestmark = pytest.mark.django_db


def _m(community, user):
    return community.memberships.filter(user=user).first()


def _entry(community, by=None, **kwargs):
    return create_entry(
        community=community,
        by=by or community.created_by,
        kind=kwargs.pop("kind", "practice"),
        title=kwargs.pop("title", "Calibrating the probe"),
        body=kwargs.pop("body", "## Steps\n\n1. Warm it up"),
        **kwargs,
    )


def test_create_entry_keeps_first_revision_author_and_review_date():
    community = make_community()
    entry = _entry(community, topics=["hops"])
    assert entry.revisions.get().number == 1
    assert list(entry.authors.all()) == [community.created_by]
    assert entry.review_due > entry.created_at.date()
    assert Activity.objects.filter(verb=Verb.ENTRY_CREATED, target_id=entry.pk).exists()


def test_create_entry_rejects_bad_input_without_writing():
    community = make_community()
    for bad in [{"kind": "poem"}, {"title": " "}, {"body": ""}, {"topics": ["nope"]}]:
        with pytest.raises(DomainError):
            _entry(community, **bad)
    assert not Entry.objects.exists()


def test_promote_threads_to_entry_prefills_from_accepted_answer_and_links_sources():
    community = make_community()
    thread = make_thread(
        community, title="Stuck fermentation", body="It stopped at 1.030", topics=("yeast",)
    )
    answer = make_reply(thread, body="Rouse the yeast and warm it to 20 °C")
    accept_answer(
        thread=thread, answer=answer, by=thread.author, membership=_m(community, thread.author)
    )
    entry = promote_threads_to_entry(threads=[thread], by=thread.author)
    assert entry.kind == "case" and entry.title == "Stuck fermentation"
    assert "It stopped at 1.030" in entry.body and "Rouse the yeast" in entry.body
    assert [s.thread for s in entry.sources.all()] == [thread]
    assert [t.slug for t in entry.topics.all()] == ["yeast"]
    assert thread.written_down_in.get().entry == entry


def test_promote_refuses_threads_of_another_community():
    community, other = make_community(), make_community()
    with pytest.raises(DomainError):
        promote_threads_to_entry(
            threads=[make_thread(community), make_thread(other)], by=community.created_by
        )


def test_edit_entry_detects_concurrent_edits():
    community = make_community()
    entry = _entry(community)
    first, second = add_member(community), add_member(community)
    edit_entry(entry=entry, by=first, base_version=1, title="Calibrating", body="v2", topics=[])
    with pytest.raises(EditConflict) as conflict:
        edit_entry(entry=entry, by=second, base_version=1, title="Mine", body="v2b", topics=[])
    assert conflict.value.current.version == 2
    entry.refresh_from_db()
    assert entry.body == "v2" and entry.revisions.count() == 2
    assert {a.pk for a in entry.authors.all()} == {community.created_by.pk, first.pk}


def test_restore_revision_adds_a_new_version():
    community = make_community()
    entry = _entry(community, body="original")
    entry = edit_entry(
        entry=entry, by=community.created_by, base_version=1, title="t", body="changed", topics=[]
    )
    restored = restore_revision(
        entry=entry, revision=entry.revisions.get(number=1), by=community.created_by
    )
    assert restored.body == "original" and restored.version == 3


def test_change_maturity_needs_a_curator_to_endorse_or_retire():
    community = make_community()
    entry = _entry(community)
    member = add_member(community)
    change_maturity(entry=entry, to="in_use", by=member, membership=_m(community, member))
    with pytest.raises(ForbiddenError):
        change_maturity(entry=entry, to="endorsed", by=member, membership=_m(community, member))
    set_leadership_roles(
        membership=_m(community, member), roles=["classificatory"], by=community.created_by
    )
    change_maturity(
        entry=entry,
        to="endorsed",
        by=member,
        membership=_m(community, member),
        reason="Used by all",
    )
    change = entry.maturity_changes.first()
    assert (change.from_maturity, change.to_maturity, change.reason) == (
        "in_use",
        "endorsed",
        "Used by all",
    )
    with pytest.raises(ConflictError):
        change_maturity(entry=entry, to="endorsed", by=member, membership=_m(community, member))


def test_endorse_and_reuse_are_counted():
    community = make_community()
    tool = _entry(community, kind="tool")
    member = add_member(community)
    assert endorse_entry(entry=tool, by=member).endorsement_count == 1
    with pytest.raises(ConflictError):
        endorse_entry(entry=tool, by=member)
    record_reuse(entry=tool, by=member, note="Adapted for the north site")
    tool.refresh_from_db()
    assert tool.reuse_count == 1
    with pytest.raises(DomainError):
        record_reuse(entry=_entry(community, kind="story"), by=member)
