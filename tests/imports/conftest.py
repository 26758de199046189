from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_community, make_user

# The real community data lives beside the project, never inside it.
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available at {path}")
    return path


@pytest.fixture
def target_community(db):
    return make_community(slug="imported", coordinator=make_user("importer"), topics=())
