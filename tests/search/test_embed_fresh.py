"""A similar-case query embeds the few fresh cases of its community, never a backlog."""

from __future__ import annotations

import pytest

from commonplace.search import queries
from commonplace.search.indexing import EMBED_AFTER_COMMIT, embed_fresh, embed_pending
from commonplace.search.models import Document
from tests.factories import add_member, make_community, make_thread

pytestmark = pytest.mark.django_db


def _pending(community) -> int:  # type: ignore[no-untyped-def]
    return Document.objects.filter(community=community, embedding_pending=True).count()


def test_a_case_written_a_moment_ago_is_embedded_by_the_next_query() -> None:
    community = make_community(slug="brewers")
    author = add_member(community)
    embed_pending()
    thread = make_thread(community, author, title="Grassy taste after dry hopping")
    assert _pending(community) == 1
    found = queries.similar_cases(community=community, title="Grass flavour from dry hop")
    assert _pending(community) == 0
    assert found[0].result.hit.object_id == thread.pk
    assert found[0].similarity > 0.5  # found by meaning, not only by words


def test_a_backlog_is_left_to_the_bulk_job_and_other_communities_alone() -> None:
    community, other = make_community(slug="brewers"), make_community(slug="bakers")
    author = add_member(community)
    for n in range(EMBED_AFTER_COMMIT + 1):
        make_thread(community, author, title=f"Sparge question {n}")
    make_thread(other, add_member(other), title="Sourdough starter")
    assert embed_fresh([community.pk]) == 0
    assert _pending(community) == EMBED_AFTER_COMMIT + 1
    # Lexical retrieval still finds the backlog.
    assert queries.similar_cases(community=community, title="Sparge question")
    assert _pending(community) == EMBED_AFTER_COMMIT + 1
    assert embed_fresh([other.pk]) == 1
    assert embed_pending() == EMBED_AFTER_COMMIT + 1
