from __future__ import annotations

import tempfile

import pytest
from django.core.cache import cache


def pytest_configure(config: pytest.Config) -> None:
    # Uploaded files of the test run go to a throwaway folder, not var/.
    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="commonplace-test-media-")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Login throttling counts failures in the database and the cache; each
    # test starts from a clean slate.
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # Argon2 is deliberately slow; tests that do not test hashing use MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
