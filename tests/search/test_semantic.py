"""The vector store: exact search, the ANN index above its threshold, refreshes."""

from __future__ import annotations

import numpy as np
import pytest

from commonplace.search import semantic
from commonplace.search.indexing import embed_pending
from commonplace.search.models import DocType, Document
from commonplace.search.semantic import VectorStore
from tests.factories import add_member, make_community, make_thread, make_user

pytestmark = pytest.mark.django_db

TITLES = [
    "Grassy taste after dry hopping",
    "Stuck fermentation at 1.030",
    "Cleaning a keg line with caustic",
    "Water profile for a pilsner",
    "Oxidised flavour in bottled stout",
    "Yeast starter size for a lager",
]


@pytest.fixture
def cases() -> tuple[int, dict[str, int]]:
    community = make_community(slug="brew")
    author = add_member(community, make_user("ann"))
    threads = {t: make_thread(community, author, title=t, body=t).pk for t in TITLES}
    embed_pending()
    ids = {
        title: Document.objects.get(doc_type=DocType.THREAD, object_id=pk).pk
        for title, pk in threads.items()
    }
    return community.pk, ids


def _vector(doc_id: int) -> np.ndarray:
    blob = Document.objects.get(pk=doc_id).embedding
    return np.frombuffer(blob, dtype=np.float32)  # type: ignore[arg-type]


def test_exact_search_finds_a_case_first_for_its_own_vector(cases):
    community_id, ids = cases
    store = VectorStore()
    for title, doc_id in ids.items():
        best, similarity = store.nearest(_vector(doc_id), community_ids=[community_id], limit=3)[0]
        assert best == doc_id, title
        assert similarity == pytest.approx(1.0, abs=1e-5)


def test_the_ann_index_answers_like_exact_search_above_its_threshold(cases, monkeypatch):
    community_id, ids = cases
    exact = VectorStore()
    monkeypatch.setattr(semantic, "ANN_MIN_ROWS", 2)
    approximate = VectorStore()
    approximate.nearest(_vector(ids[TITLES[0]]), community_ids=[community_id], limit=1)
    approximate.wait_for_indexes()  # the first query starts the build, exact search answers
    for doc_id in ids.values():
        probe = _vector(doc_id)
        want = exact.nearest(probe, community_ids=[community_id], limit=3)
        got = approximate.nearest(probe, community_ids=[community_id], limit=3)
        assert [d for d, _ in got] == [d for d, _ in want]
        assert [s for _, s in got] == pytest.approx([s for _, s in want], abs=1e-4)
    assert community_id in approximate._ann  # the index, not the product, answered


def test_the_store_picks_up_new_cases_and_the_ann_index_follows(cases, monkeypatch):
    community_id, ids = cases
    monkeypatch.setattr(semantic, "ANN_MIN_ROWS", 2)
    store = VectorStore()
    store.nearest(_vector(ids[TITLES[0]]), community_ids=[community_id], limit=1)
    store.wait_for_indexes()
    community = make_community(slug="other")
    community_id_2 = community.pk
    author = add_member(community, make_user("bob"))
    new = make_thread(community, author, title="Souring with lactobacillus", body="Kettle sour")
    embed_pending()
    new_doc = Document.objects.get(doc_type=DocType.THREAD, object_id=new.pk).pk
    # Another community's cases never answer for this one.
    found = store.nearest(_vector(new_doc), community_ids=[community_id], limit=10)
    assert new_doc not in [d for d, _ in found]
    assert store.nearest(_vector(new_doc), community_ids=[community_id_2], limit=1)[0][0] == new_doc
    # A case added to a community whose ANN index exists is added to the index.
    first = Document.objects.get(pk=ids[TITLES[0]]).community
    later = make_thread(first, make_user("cy"), title="Hop creep in dry hopped beer", body="Creep")
    embed_pending()
    later_doc = Document.objects.get(doc_type=DocType.THREAD, object_id=later.pk).pk
    assert (
        store.nearest(_vector(later_doc), community_ids=[community_id], limit=1)[0][0] == later_doc
    )
    assert later_doc in store._ann[community_id]
    assert len(store) == len(ids) + 2
