"""Lexical retrieval of cases: per community, and in step with every write.

On SQLite the case index numbers each case by its community (migration 0004),
so these tests pin down what that numbering must keep: the right document
ids, only the communities asked for, and no stale entry after a move, an
edit or a delete.
"""

from __future__ import annotations

import pytest
from django.db import connection

from commonplace.discussions.actions import delete_thread, edit_thread
from commonplace.search import pgstats
from commonplace.search.engine import lexical_cases
from commonplace.search.models import DocType, Document
from tests.factories import add_member, make_community, make_reply, make_thread, make_user
from tests.search.helpers import membership

pytestmark = pytest.mark.django_db


def _case(thread) -> int:  # type: ignore[no-untyped-def]
    return Document.objects.get(doc_type=DocType.THREAD, object_id=thread.pk).pk


@pytest.fixture
def two():  # type: ignore[no-untyped-def]
    author = make_user("author")
    brewers = make_community(slug="brewers", coordinator=author)
    bakers = make_community(slug="bakers", coordinator=author)
    hops = make_thread(brewers, author, title="Dry hopping schedule", body="Citra for two days")
    sour = make_thread(bakers, author, title="Sourdough starter", body="Citra zest in dough")
    make_reply(hops, add_member(brewers), body="Citra citra citra, say the replies")
    return author, brewers, bakers, hops, sour


def test_each_community_gets_its_own_cases_with_their_document_ids(two) -> None:  # type: ignore[no-untyped-def]
    _, brewers, bakers, hops, sour = two
    assert [i for i, _ in lexical_cases(["citra"], community_ids=[brewers.pk], limit=10)] == [
        _case(hops)
    ]
    assert [i for i, _ in lexical_cases(["citra"], community_ids=[bakers.pk], limit=10)] == [
        _case(sour)
    ]
    both = lexical_cases(["citra"], community_ids=[brewers.pk, bakers.pk], limit=10)
    assert {i for i, _ in both} == {_case(hops), _case(sour)}
    assert lexical_cases(["citra"], community_ids=[brewers.pk, bakers.pk], limit=1) == both[:1]


def test_better_matches_score_higher(two) -> None:  # type: ignore[no-untyped-def]
    author, brewers, _, hops, _ = two
    make_thread(brewers, author, title="Water chemistry", body="Sulfate and chloride, citra")
    ranked = lexical_cases(["dry", "hopping", "citra"], community_ids=[brewers.pk], limit=10)
    assert ranked[0][0] == _case(hops)
    assert ranked[0][1] > ranked[1][1]


def test_an_edit_and_a_delete_leave_nothing_stale(two) -> None:  # type: ignore[no-untyped-def]
    author, brewers, _, hops, _ = two
    edit_thread(
        thread=hops, by=author, membership=membership(brewers, author),
        title="Whirlpool additions", body="Mosaic at 80 degrees", topics=[],
    )  # fmt: skip
    assert lexical_cases(["citra"], community_ids=[brewers.pk], limit=10) == []
    assert [i for i, _ in lexical_cases(["mosaic"], community_ids=[brewers.pk], limit=10)] == [
        _case(hops)
    ]
    delete_thread(thread=hops, by=author, membership=membership(brewers, author))
    assert lexical_cases(["mosaic"], community_ids=[brewers.pk], limit=10) == []


def test_a_case_moved_to_another_community_follows(two) -> None:  # type: ignore[no-untyped-def]
    _, brewers, bakers, hops, _ = two
    Document.objects.filter(pk=_case(hops)).update(community=bakers)
    assert lexical_cases(["hopping"], community_ids=[brewers.pk], limit=10) == []
    assert [i for i, _ in lexical_cases(["hopping"], community_ids=[bakers.pk], limit=10)] == [
        _case(hops)
    ]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's case index")
def test_the_sqlite_case_index_holds_cases_only(two) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_case_fts")
        indexed = cursor.fetchone()[0]
    assert indexed == Document.objects.filter(doc_type__in=["thread", "entry"]).count() == 2


@pytest.fixture
def fresh_statistics():  # type: ignore[no-untyped-def]
    """Word statistics as ANALYZE makes them (PostgreSQL), not as an earlier test left them."""

    def analyze() -> None:
        pgstats.forget()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE search_document")

    yield analyze
    pgstats.forget()


def test_a_rare_shared_word_counts_more_than_a_common_one(fresh_statistics) -> None:  # type: ignore[no-untyped-def]
    author = make_user("author")
    brewers = make_community(slug="brewers", coordinator=author)
    for n in range(12):
        make_thread(brewers, author, title=f"Brewing log {n}", body="Brewing notes, brewing day")
    kveik = make_thread(brewers, author, title="Starter question", body="Kveik at high heat")
    fresh_statistics()
    ranked = lexical_cases(["brewing", "kveik"], community_ids=[brewers.pk], limit=20)
    assert ranked[0][0] == _case(kveik)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_word_shares_come_from_the_statistics(fresh_statistics) -> None:  # type: ignore[no-untyped-def]
    author = make_user("author")
    brewers = make_community(slug="brewers", coordinator=author)
    for n in range(12):
        make_thread(brewers, author, title=f"Brewing log {n}", body="Brewing notes")
    make_thread(brewers, author, title="Starter question", body="Kveik at high heat")
    fresh_statistics()
    stats = pgstats.table_stats()
    assert stats is not None and stats.rows > 0
    assert pgstats.lexemes("Brewing kveik, and brewing") == ["brew", "kveik"]  # as indexed
    assert stats.lexemes.share("brew") > stats.lexemes.share("kveik") > 0
    assert stats.lexemes.share("neverseen") == stats.lexemes.floor > 0
    assert stats.tags.share(f"cm{brewers.pk}") > 0.5  # most documents are its threads
