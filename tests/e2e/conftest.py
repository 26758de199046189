"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, and Django then
refuses ORM calls from that thread unless told it is safe: the tests create
their data before and between browser steps, never concurrently with them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"
# Installed by .ci/run with `npm install --no-save`; never committed.
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium package to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    return SCREENSHOT_DIR


class Axe:
    """Runs axe-core in a page and reports the violations that block people."""

    BLOCKING = ("serious", "critical")

    def __init__(self, script: str) -> None:
        self.script = script

    def violations(self, page: Any) -> list[dict[str, Any]]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=self.script)
        results = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        return [v for v in results["violations"] if v["impact"] in self.BLOCKING]

    def check(self, page: Any) -> None:
        blocking = self.violations(page)
        summary = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [node["target"] for node in v["nodes"]][:5],
            }
            for v in blocking
        ]
        assert not blocking, f"axe-core on {page.url}:\n{json.dumps(summary, indent=2)}"


@pytest.fixture(scope="session")
def axe_script() -> str | None:
    return AXE_SCRIPT.read_text() if AXE_SCRIPT.exists() else None


@pytest.fixture
def axe(axe_script: str | None) -> Axe:
    if axe_script is None:
        pytest.skip(f"{AXE_SCRIPT.relative_to(PROJECT_ROOT)} is missing (.ci/run installs it)")
    return Axe(axe_script)


@pytest.fixture
def maybe_axe(axe_script: str | None) -> Axe | None:
    """axe-core when installed, for tests whose main point is something else."""
    return Axe(axe_script) if axe_script is not None else None
