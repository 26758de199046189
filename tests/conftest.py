from __future__ import annotations

import tempfile
from typing import Any

import pytest
from django.core.cache import cache

from tests.mail import smtp_server  # noqa: F401 (a fixture for every test)

# The settings a WhiteNoise scan of the static files depends on.
_STATIC_SETTINGS = (
    "DEBUG",
    "INSTALLED_APPS",
    "STATIC_URL",
    "STATIC_ROOT",
    "STATICFILES_DIRS",
    "STATICFILES_FINDERS",
    "FORCE_SCRIPT_NAME",
    "WHITENOISE_ADD_HEADERS_FUNCTION",
    "WHITENOISE_ALLOW_ALL_ORIGINS",
    "WHITENOISE_CHARSET",
    "WHITENOISE_IMMUTABLE_FILE_TEST",
    "WHITENOISE_INDEX_FILE",
    "WHITENOISE_MAX_AGE",
    "WHITENOISE_MIMETYPES",
    "WHITENOISE_STATIC_PREFIX",
)


def _scan_static_files_once() -> None:
    """WhiteNoise (with finders) scans every static file when its middleware
    is built, which a test client does on its first request: 75 ms for each
    of the suite's clients, a third of its run. The files do not change while
    the tests run, so each process scans them once per static configuration
    and gives every later middleware the same answers."""
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    scan = WhiteNoiseMiddleware.add_files_from_finders
    scanned: dict[str, dict[str, Any]] = {}

    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        key = repr([getattr(settings, name, None) for name in _STATIC_SETTINGS])
        if key not in scanned:
            own, self.files = self.files, {}
            try:
                scan(self)
                scanned[key] = self.files
            finally:
                self.files = own
        self.files.update(scanned[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders  # type: ignore[method-assign]


# Tests that must run one after the other in one process: a module whose
# tests share an expensive module-scoped fixture (imported twice if split), and
# the browser tests (one Chromium rather than one per worker).
KEEP_TOGETHER = ("tests/imports/test_stackexchange_realdata.py", "tests/e2e/")


class _KeepTogetherScheduling:
    """`--dist loadgroup` with the groups above: every other test is sent on
    its own to whichever worker is free, as with `--dist load`. Not xdist_group
    marks: pytest-xdist 3.8 loses them under pytest 9.2 (pytest-xdist#1386)
    and would split the groups without a word."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getvalue("dist") != "loadgroup":
            return None
        from xdist.scheduler import LoadScopeScheduling

        class KeepTogether(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                return next((p for p in KEEP_TOGETHER if nodeid.startswith(p)), nodeid)

        # xdist hands out the largest groups first, so these start at once.
        return KeepTogether(config, log)


def pytest_configure(config: pytest.Config) -> None:
    # Uploaded files of the test run go to a throwaway folder, not var/
    # (one per process: each xdist worker has its own).
    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="commonplace-test-media-")
    _scan_static_files_once()
    # Background tasks run where they are scheduled, in memory: a test sees
    # their effect at once (tests/core/test_tasks.py runs a real consumer).
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_KeepTogetherScheduling(), "keep-together-scheduling")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Login throttling counts failures in the database and the cache; each
    # test starts from a clean slate.
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # Argon2 is deliberately slow; tests that do not test hashing use MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
