from __future__ import annotations

import pytest

from commonplace.search.semantic import store


@pytest.fixture(autouse=True)
def _fresh_vector_store() -> None:
    # Each test's database starts empty and ids are reused across tests, so the
    # in-memory vectors of the previous test must go.
    store.reset()
