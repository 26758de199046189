"""Finding what was already said, in a real browser.

A member starts to write a question that was answered before: the compose
page says so while they type. Then they search from the header, filter, and
open a result. Screenshots go to tests/e2e/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commonplace.discussions.actions import accept_answer
from tests.e2e.conftest import PHONE, Axe
from tests.e2e.test_first_answer import expect, log_in
from tests.factories import add_member, make_community, make_reply, make_thread, make_user

pytestmark = pytest.mark.browser

EARLIER = "Dry hopped IPA tastes like grass"
EARLIER_BODY = "I dry hop on day three and the beer ends up tasting grassy and vegetal."
ANSWER = "Keep dry hop contact under three days, and cold: grassiness comes from long contact."


def test_compose_warns_of_an_answered_case_and_search_finds_it(
    live_server: Any, page: Any, screenshot_dir: Path, maybe_axe: Axe | None
) -> None:
    community = make_community(name="Home Brewers", slug="home-brewers")
    asker = add_member(community, make_user("asker"))
    helper = add_member(community, make_user("helper"))
    thread = make_thread(
        community, asker, kind="problem_solving", title=EARLIER, body=EARLIER_BODY,
        topics=("hops",),
    )  # fmt: skip
    answer = make_reply(thread, helper, body=ANSWER)
    accept_answer(
        thread=thread, answer=answer, by=asker, membership=community.memberships.get(user=asker)
    )
    make_thread(community, helper, kind="visit", title="Visiting the maltings in spring")
    newcomer = add_member(community, make_user("newcomer"))
    base = live_server.url

    log_in(page, base, newcomer.username)
    page.goto(f"{base}/c/home-brewers/t/new/")
    page.get_by_label("Title").fill("My dry hopped IPA has a grassy taste")
    page.get_by_label("Body").press_sequentially("It tastes like grass after dry hopping.", delay=5)
    panel = page.locator("#similar-cases")
    expect(panel.get_by_role("heading", name="Has anyone dealt with this?")).to_be_visible(
        timeout=15_000
    )
    expect(panel.get_by_text("This may already be answered")).to_be_visible()
    expect(panel.get_by_role("link", name=EARLIER).first).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "compose-similar-desktop.png"), full_page=True)
    if maybe_axe is not None:
        maybe_axe.check(page)

    page.goto(f"{base}/c/home-brewers/")
    page.get_by_role("searchbox", name="Search").fill("grassy")
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    result = page.locator(".search-result").first
    expect(result.locator("mark").first).to_contain_text("grass")  # stemmed: grassy, grassiness
    page.get_by_text("Filters").click()
    page.get_by_label("Type").select_option("reply")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".search-result")).to_have_count(1)
    expect(page.locator(".search-result").get_by_text("✓ Accepted answer")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "search-desktop.png"), full_page=True)
    if maybe_axe is not None:
        maybe_axe.check(page)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(screenshot_dir / "search-phone.png"), full_page=True)
    page.locator(".search-result a").first.click()
    expect(page.get_by_role("heading", name=EARLIER)).to_be_visible()
    expect(page.get_by_role("heading", name="Related discussions and entries")).to_be_visible()
