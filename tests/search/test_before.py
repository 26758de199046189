"""Replaying history: retrieval `before` a moment sees only what was written by then."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commonplace.discussions.actions import start_thread
from commonplace.search import queries
from commonplace.search.engine import lexical_cases
from commonplace.search.indexing import embed_pending
from commonplace.search.models import Document
from tests.factories import add_member, make_community

pytestmark = pytest.mark.django_db


def test_cases_written_later_are_not_seen() -> None:
    community = make_community(slug="brewers")
    author = add_member(community)
    threads = {
        year: start_thread(
            community=community,
            author=author,
            kind="problem_solving",
            title=f"Grassy taste after dry hopping ({year})",
            body="It tastes like cut grass.",
            topics=(),
            at=datetime(year, 1, 1, tzinfo=UTC),
        )  # fmt: skip
        for year in (2020, 2022, 2024)
    }
    embed_pending()
    doc = {
        year: Document.objects.get(doc_type="thread", object_id=t.pk).pk
        for year, t in threads.items()
    }
    moment = datetime(2023, 1, 1, tzinfo=UTC)

    lexical = lexical_cases(["grassy"], community_ids=[community.pk], limit=10, before=moment)
    assert {i for i, _ in lexical} == {doc[2020], doc[2022]}
    ranked, similarity = queries.rank_cases(
        "Grass flavour after dry hop", "", community_ids=[community.pk], before=moment
    )
    assert set(ranked) == {doc[2020], doc[2022]} and set(similarity) <= set(ranked)
    everything, _ = queries.rank_cases("Grass flavour", "", community_ids=[community.pk])
    assert set(everything) == set(doc.values())
