"""Nearest cases by meaning: the stored embeddings, held in memory per process.

Each query compares one vector with every case of its communities. Below
`ANN_MIN_ROWS` cases per community an exact numpy product is fast enough
(bench/search_latency.py measures it); above it, a usearch HNSW index per
community answers instead, once a background thread has built it. The store
refreshes itself from rows embedded since it last looked, so new cases appear
within one query.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import numpy as np
from django.db.models import Max

from commonplace.search.models import CASE_TYPES, Document

DIM = 384
# bench/search_latency.py: exact search over 100,000 vectors takes about
# 10 ms on two cores and grows linearly (about 100 ms at a million); HNSW
# answers in 2-3 ms at any of these sizes, but takes minutes to build.
ANN_MIN_ROWS = 100_000


class VectorStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._ids = np.zeros(0, dtype=np.int64)
        self._communities = np.zeros(0, dtype=np.int64)
        self._created = np.zeros(0, dtype=np.float64)  # epoch seconds, for `before`
        self._matrix = np.zeros((0, DIM), dtype=np.float32)
        self._size = 0
        self._row_of: dict[int, int] = {}
        self._seen: datetime | None = None
        self._ann: dict[int, Any] = {}
        self._building: set[int] = set()

    def __len__(self) -> int:
        return self._size

    def _grow(self, needed: int) -> None:
        if needed <= len(self._ids):
            return
        # Doubling keeps appends cheap when cases arrive one at a time.
        capacity = max(needed, 2 * len(self._ids), 1024)
        for name, dtype in (
            ("_ids", np.int64),
            ("_communities", np.int64),
            ("_created", np.float64),
        ):
            grown = np.zeros(capacity, dtype=dtype)
            grown[: self._size] = getattr(self, name)[: self._size]
            setattr(self, name, grown)
        matrix = np.zeros((capacity, DIM), dtype=np.float32)
        matrix[: self._size] = self._matrix[: self._size]
        self._matrix = matrix

    def refresh(self) -> None:
        """Load what was embedded since the last look (everything, the first time)."""
        latest = Document.objects.filter(embedded_at__isnull=False).aggregate(m=Max("embedded_at"))
        if latest["m"] is None or (self._seen is not None and latest["m"] <= self._seen):
            return
        with self._lock:
            rows = Document.objects.filter(embedded_at__isnull=False)
            if self._seen is not None:
                # Only by time: with the type in the filter too, SQLite walked
                # every case through the type index instead of the few new rows.
                rows = rows.filter(embedded_at__gt=self._seen)
            for doc_id, doc_type, community_id, created, blob in rows.values_list(
                "id", "doc_type", "community_id", "created_at", "embedding"
            ).iterator(chunk_size=2000):
                if doc_type in CASE_TYPES:
                    vector = np.frombuffer(blob, dtype=np.float32)  # type: ignore[arg-type]
                    self._put(doc_id, community_id, created.timestamp(), vector)
            self._seen = latest["m"]

    def _put(self, doc_id: int, community_id: int, created: float, vector: np.ndarray) -> None:
        row = self._row_of.get(doc_id)
        if row is None:
            self._grow(self._size + 1)
            row = self._size
            self._size += 1
            self._row_of[doc_id] = row
        self._ids[row] = doc_id
        self._communities[row] = community_id
        self._created[row] = created
        self._matrix[row] = vector
        index = self._ann.get(community_id)
        if index is not None:
            if doc_id in index:
                index.remove(doc_id)
            index.add(doc_id, vector)

    def nearest(
        self,
        vector: np.ndarray,
        *,
        community_ids: list[int],
        limit: int,
        before: datetime | None = None,
    ) -> list[tuple[int, float]]:
        """The `limit` most similar cases of `community_ids`, by cosine similarity.

        `before` keeps cases written before that moment only (exactly, so
        without the ANN index): what was known then, for evaluations.
        """
        self.refresh()
        found: list[tuple[int, float]] = []
        for community_id in community_ids:
            found += self._nearest_in(vector, community_id, limit, before)
        found.sort(key=lambda pair: -pair[1])
        return found[:limit]

    def _nearest_in(
        self, vector: np.ndarray, community_id: int, limit: int, before: datetime | None
    ) -> list[tuple[int, float]]:
        rows = np.flatnonzero(self._communities[: self._size] == community_id)
        if before is not None:
            rows = rows[self._created[rows] < before.timestamp()]
        elif len(rows) >= ANN_MIN_ROWS:
            index = self._ann.get(community_id)
            if index is not None:
                matches = index.search(vector, limit)
                # usearch returns cosine distance; callers compare similarities.
                pairs = zip(matches.keys, matches.distances, strict=True)
                return [(int(k), 1.0 - float(d)) for k, d in pairs]
            self._build_ann_later(community_id, rows)
        scores = self._matrix[rows] @ vector
        top = np.argsort(-scores)[:limit] if len(scores) > limit else np.argsort(-scores)
        return [(int(self._ids[rows[i]]), float(scores[i])) for i in top]

    def _build_ann_later(self, community_id: int, rows: np.ndarray) -> None:
        """Build the community's HNSW index in the background; exact search answers meanwhile.

        Building takes minutes at the sizes where it pays, far too long for a request.
        """
        with self._lock:
            if community_id in self._building:
                return
            self._building.add(community_id)
            ids, vectors = self._ids[rows].copy(), self._matrix[rows].copy()

        def build() -> None:
            from usearch.index import Index

            index = Index(ndim=DIM, metric="cos", dtype="f32")
            index.add(ids, vectors)
            with self._lock:
                # Cases that arrived during the build are added now.
                rows = np.flatnonzero(self._communities[: self._size] == community_id)
                late = [r for r in rows if int(self._ids[r]) not in index]
                if late:
                    index.add(self._ids[late], self._matrix[late])
                self._ann[community_id] = index
                self._building.discard(community_id)

        threading.Thread(target=build, name=f"ann-{community_id}", daemon=True).start()

    def wait_for_indexes(self, timeout: float = 60.0) -> None:
        """Block until background index builds end (for tests and benchmarks)."""
        for thread in threading.enumerate():
            if thread.name.startswith("ann-"):
                thread.join(timeout)


store = VectorStore()
