"""What keeps search fast at scale must not change what it finds.

A query matching more than engine.NEWEST_MATCHES documents ranks the newest
of them (by when they were written, not when they were indexed). Filters are
also matched as tags inside SQLite's full-text index; those tags must follow
every change of state.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from commonplace.communities.actions import approve_request, leave_community, request_to_join
from commonplace.discussions.actions import reply_to_thread, start_thread
from commonplace.search import engine, queries
from commonplace.search.models import DocType, Document
from tests.factories import add_member, make_community, make_user
from tests.search.helpers import browser, found, page_text

pytestmark = pytest.mark.django_db


def _sparge(community, author, year: int, title: str = "Sparge water"):  # type: ignore[no-untyped-def]
    return start_thread(
        community=community, author=author, kind="problem_solving", title=title,
        body="How hot should the sparge water be?", topics=(), at=datetime(year, 5, 1, tzinfo=UTC),
    )  # fmt: skip


def test_a_broad_query_ranks_the_newest_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    community = make_community(slug="mashers")
    author = add_member(community)
    # Written out of order, as an import of old threads would be.
    by_year = {year: _sparge(community, author, year) for year in (2021, 2019, 2023, 2020, 2022)}
    monkeypatch.setattr(engine, "COUNT_LIMIT", 2)
    monkeypatch.setattr(engine, "NEWEST_MATCHES", 3)

    page = queries.search(user=AnonymousUser(), text="sparge")
    assert page.total_is_capped
    assert {r.hit.object_id for r in page.results} == {by_year[y].pk for y in (2021, 2022, 2023)}
    # Older ones are a filter away.
    assert set(found("sparge before:2020-12-31")) == {
        ("thread", by_year[2019].pk),
        ("thread", by_year[2020].pk),
    }
    text = page_text(browser().get(reverse("search:search"), {"q": "sparge"}))
    assert "More than 2 results" in text and "reach older ones" in text


def test_a_thread_moves_between_unanswered_and_answered() -> None:
    community = make_community(slug="mashers")
    author, helper = add_member(community), add_member(community)
    thread = _sparge(community, author, 2024)
    assert found("sparge is:unanswered") == [("thread", thread.pk)]
    assert found("is:answered community:mashers") == []
    reply_to_thread(thread=thread, author=helper, body="Seventy-six degrees.")
    assert found("sparge is:unanswered") == []
    assert found("is:answered community:mashers") == [("thread", thread.pk)]
    assert found("is:unresolved community:mashers") == [("thread", thread.pk)]


def test_hyphenated_topics_filter_exactly() -> None:
    community = make_community(slug="mashers", topics=("Dry hopping", "Dry", "Hopping"))
    author = add_member(community)
    both = start_thread(
        community=community, author=author, kind="problem_solving", title="Sparge and dry",
        body="Sparge notes.", topics=("dry", "hopping"),
    )  # fmt: skip
    exact = start_thread(
        community=community, author=author, kind="problem_solving", title="Sparge and hop",
        body="Sparge notes.", topics=("dry-hopping",),
    )  # fmt: skip
    assert found("sparge topic:dry-hopping") == [("thread", exact.pk)]
    assert found("topic:dry-hopping") == [("thread", exact.pk)]
    assert found("sparge topic:dry") == [("thread", both.pk)]
    assert found("topic:dry_hopping") == []


def test_a_moved_date_moves_the_document_in_time() -> None:
    from commonplace.search.models import Document

    community = make_community(slug="mashers")
    author = add_member(community)
    old, new = _sparge(community, author, 2019), _sparge(community, author, 2024)
    assert found("community:mashers type:thread") == [("thread", new.pk), ("thread", old.pk)]
    Document.objects.filter(doc_type="thread", object_id=old.pk).update(
        created_at=datetime(2025, 1, 1, tzinfo=UTC)
    )
    assert found("community:mashers type:thread") == [("thread", old.pk), ("thread", new.pk)]
    assert found("sparge after:2025-01-01") == [("thread", old.pk)]


def test_member_documents_follow_their_communities() -> None:
    """Members are tagged with their communities (0006): joins and leaves re-tag them."""
    coordinator = make_user("coord")
    brewers = make_community(slug="brewers", coordinator=coordinator)
    guild = make_community(slug="guild", coordinator=coordinator, join_policy="request")
    dana = make_user("dana", display_name="Dana Kveikfan")

    def member_of() -> str:
        return Document.objects.get(doc_type=DocType.MEMBER, object_id=dana.pk).member_of

    def in_community(slug: str) -> bool:
        page = queries.search(user=coordinator, text=f"kveikfan community:{slug} type:member")
        return [r.hit.object_id for r in page.results] == [dana.pk]

    assert member_of() == "" and not in_community("brewers")
    add_member(brewers, dana)
    assert member_of() == f" {brewers.pk} " and in_community("brewers")
    pending = request_to_join(community=guild, user=dana)
    assert member_of() == f" {brewers.pk} " and not in_community("guild")
    approve_request(membership=pending, by=coordinator)
    assert member_of() == f" {min(brewers.pk, guild.pk)} {max(brewers.pk, guild.pk)} "
    assert in_community("guild") and in_community("brewers")
    leave_community(membership=brewers.memberships.get(user=dana))
    assert member_of() == f" {guild.pk} "
    assert not in_community("brewers") and in_community("guild")
    # The coordinator who created the community is tagged with it at once.
    coordinator_doc = Document.objects.get(doc_type=DocType.MEMBER, object_id=coordinator.pk)
    assert coordinator_doc.member_of == f" {brewers.pk} {guild.pk} "
