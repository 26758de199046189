"""A question routed to the member who answered one like it, end to end in a real browser.

The asker posts; the thread page shows who may know. The suggested member
finds it in their notifications and opens it. The pages involved, and the
constellation, are checked with axe and photographed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from commonplace.search.indexing import embed_pending
from tests.e2e.conftest import PHONE, Axe
from tests.e2e.test_first_answer import expect, log_in, log_out
from tests.factories import add_member, make_community, make_reply, make_thread, make_user

pytestmark = pytest.mark.browser

TITLE = "Grassy taste after dry hopping my pale ale"


def test_question_routed_to_a_likely_answerer_through_the_pages(
    live_server: Any, page: Any, screenshot_dir: Path, maybe_axe: Axe | None
) -> None:
    base = live_server.url
    community = make_community(
        name="Home Brewers", slug="home-brewers", notify_suggested_answerers=True
    )
    asker = add_member(community, make_user("asker"))
    helper = add_member(community, make_user("helper", display_name="Hanna Hops"))
    earlier = make_thread(
        community, kind="problem_solving", title="Grassy flavour after dry hopping"
    )
    make_reply(earlier, helper, body="Shorter contact time, and colder.")
    embed_pending()

    log_in(page, base, asker.username)
    page.goto(f"{base}/c/{community.slug}/t/new/")
    page.get_by_role("radio", name=re.compile(r"^Problem solving")).check()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Body").fill("It tastes like cut grass. What did I do wrong?")
    page.get_by_role("button", name="Post", exact=True).click()
    panel = page.locator("#suggested-answerers")
    expect(panel.get_by_role("heading", name="People who may know")).to_be_visible()
    expect(panel.get_by_role("link", name="Hanna Hops")).to_be_visible()
    expect(panel).to_contain_text("Answered 1 similar question")
    thread_url = page.url
    page.screenshot(path=str(screenshot_dir / "routed-question-desktop.png"), full_page=True)
    if maybe_axe is not None:
        maybe_axe.check(page)
    log_out(page)

    log_in(page, base, helper.username)
    notifications = page.get_by_role("link", name=re.compile(r"^Notifications 1"))
    expect(notifications).to_be_visible()
    notifications.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(screenshot_dir / "notifications-phone.png"), full_page=True)
    if maybe_axe is not None:
        maybe_axe.check(page)
    page.get_by_role("button", name=re.compile(rf"Can you help\? {TITLE}")).click()
    expect(page).to_have_url(thread_url)
    expect(page.locator("#suggested-answerers")).to_have_count(0)  # the asker's panel only
    expect(page.get_by_role("link", name=re.compile(r"^Notifications"))).to_have_text(
        "Notifications"
    )

    page.goto(f"{base}/constellation/")
    expect(page.get_by_role("heading", name="The constellation")).to_be_visible()
    if maybe_axe is not None:
        maybe_axe.check(page)
