"""A resolved discussion becomes part of the practice, end to end in a real browser.

The asker accepts an answer, writes the thread down as a case, a coordinator
endorses it, and the case shows on the community home. Screenshots of the
entry and the home go to tests/e2e/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commonplace.repertoire.models import Entry
from tests.e2e.conftest import PHONE, Axe
from tests.e2e.test_first_answer import BODY, REPLY, TITLE, expect, log_in, log_out
from tests.factories import add_member, make_community, make_reply, make_thread, make_user

pytestmark = pytest.mark.browser


def test_resolve_write_down_endorse_and_see_it_on_home(
    live_server: Any, page: Any, screenshot_dir: Path, maybe_axe: Axe | None
) -> None:
    community = make_community(
        name="Home Brewers", slug="home-brewers", coordinator=make_user("coord")
    )
    asker = add_member(community, make_user("asker"))
    thread = make_thread(
        community, asker, kind="problem_solving", title=TITLE, body=BODY, topics=("yeast",)
    )
    answer = make_reply(thread, body=REPLY)
    base = live_server.url

    log_in(page, base, asker.username)
    page.goto(f"{base}/c/home-brewers/t/{thread.pk}/")
    page.locator(f"#post-{answer.pk}").get_by_role("button", name="Accept this answer").click()
    expect(page.get_by_text("✓ Accepted answer")).to_be_visible()
    page.reload()  # the write-down offer appears once the thread is resolved
    page.get_by_role("button", name="Write this down as a case").click()
    expect(page.get_by_role("heading", name=f"Edit “{TITLE}”")).to_be_visible()
    body = page.get_by_label("Body")
    assert REPLY in body.input_value()  # pre-filled from the accepted answer
    body.fill(body.input_value() + "\n\n## Lessons\n\nCheck the temperature first.")
    page.get_by_role("button", name="Save a new version").click()
    expect(page.get_by_text("Saved as a new version.")).to_be_visible()
    expect(page.get_by_role("heading", name="Written down from")).to_be_visible()
    entry = Entry.objects.get()
    assert entry.version == 2 and entry.sources.get().thread == thread
    log_out(page)

    log_in(page, base, "coord")
    page.goto(f"{base}/c/home-brewers/r/{entry.pk}/")
    page.get_by_role("button", name="I use this").click()
    expect(page.get_by_text("You use this.")).to_be_visible()
    page.get_by_label("Move to").select_option("endorsed")
    page.get_by_label("Why").fill("We all do this now")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_text("The entry is now endorsed.")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "entry-desktop.png"), full_page=True)
    if maybe_axe is not None:
        maybe_axe.check(page)

    page.goto(f"{base}/c/home-brewers/")
    case = page.locator(".entry-card", has_text=TITLE)
    expect(case).to_be_visible()
    expect(case.get_by_text("Endorsed")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "home-with-repertoire-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(screenshot_dir / "home-with-repertoire-phone.png"), full_page=True)
    page.goto(f"{base}/c/home-brewers/t/{thread.pk}/")
    expect(page.get_by_text("Written down in")).to_be_visible()
