"""A newcomer's first question answered, end to end in a real browser.

A signs up, joins a community and asks; B signs up, joins and replies
(htmx, no reload); A comes back and accepts B's reply (htmx). Screenshots of
the thread page go to tests/e2e/screenshots/ for people to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from commonplace.discussions.models import Thread
from tests.e2e.conftest import DESKTOP, PHONE, Axe
from tests.factories import (
    PASSWORD,
    add_member,
    make_community,
    make_reply,
    make_thread,
    make_user,
)

pytestmark = pytest.mark.browser

TITLE = "How do you restart a stuck fermentation?"
BODY = "My stout stopped at 1.030 after four days. Has anyone rescued a batch like this?"
REPLY = "Rouse the yeast and move the fermenter somewhere two degrees warmer."


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def sign_up(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Display name").fill(username.title())
    page.get_by_label("Email").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password, again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome! Find a community to join")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def join(page: Any, base_url: str, slug: str, name: str) -> None:
    page.goto(f"{base_url}/c/{slug}/")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_text(f"Welcome to {name}.")).to_be_visible()
    expect(page.get_by_role("link", name="Ask or share")).to_be_visible()


def mark_document(page: Any) -> None:
    """Tag the loaded document; a full page load would lose the tag."""
    page.evaluate("() => { window.__sameDocument = true; }")


def assert_same_document(page: Any) -> None:
    assert page.evaluate("() => window.__sameDocument === true"), "the page was reloaded"


def test_first_answer_accepted_through_the_pages(
    live_server: Any, page: Any, screenshot_dir: Path, maybe_axe: Axe | None
) -> None:
    base = live_server.url
    community = make_community(name="Home Brewers", slug="home-brewers")

    # A: sign up, join, ask.
    sign_up(page, base, "asker")
    join(page, base, community.slug, community.name)
    page.get_by_role("link", name="Ask or share").click()
    expect(page.get_by_role("heading", name="Start a discussion")).to_be_visible()
    page.get_by_role("radio", name=re.compile(r"^Seeking experience")).check()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Body").fill(BODY)
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator("#thread-body .badge-kind")).to_have_text("Seeking experience")
    expect(page.get_by_text("Open question")).to_be_visible()
    thread_url = page.url
    assert re.search(rf"/c/{community.slug}/t/\d+/$", thread_url), thread_url
    log_out(page)

    # B: sign up, join, find the thread from the community's home, reply via htmx.
    sign_up(page, base, "helper")
    join(page, base, community.slug, community.name)
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(thread_url)
    expect(page.get_by_text("No replies yet.")).to_be_visible()
    mark_document(page)
    page.get_by_label("Your reply").fill(REPLY)
    with page.expect_response(lambda r: r.url.endswith("/reply/")) as reply_response:
        page.get_by_role("button", name="Post reply").click()
    assert reply_response.value.status == 200
    assert reply_response.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#replies .post")).to_have_count(1)
    expect(page.locator("#replies .post")).to_contain_text(REPLY)
    expect(page.locator("#replies-h")).to_have_text("1 reply")
    expect(page.get_by_text("No replies yet.")).to_have_count(0)
    expect(page.get_by_label("Your reply")).to_have_value("")
    assert page.url == thread_url
    assert_same_document(page)
    log_out(page)

    # A: back, accept B's reply via htmx.
    log_in(page, base, "asker")
    page.goto(thread_url)
    mark_document(page)
    with page.expect_response(lambda r: r.url.endswith("/accept/")) as accept_response:
        page.get_by_role("button", name="Accept this answer").click()
    assert accept_response.value.status == 200
    assert accept_response.value.request.headers.get("hx-request") == "true"
    accepted = page.locator("#replies .post-accepted")
    expect(accepted.get_by_text("Accepted answer")).to_be_visible()
    expect(accepted).to_contain_text(REPLY)
    expect(page.locator("#thread-body .badge-resolved").first).to_have_text("✓ Resolved")
    expect(page.get_by_role("button", name="Withdraw acceptance")).to_be_visible()
    assert page.url == thread_url
    assert_same_document(page)

    thread = Thread.objects.get(title=TITLE)
    assert thread.accepted_answer is not None
    assert thread.accepted_answer.author is not None
    assert thread.accepted_answer.author.username == "helper"

    page.screenshot(path=str(screenshot_dir / "thread-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(screenshot_dir / "thread-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    if maybe_axe is not None:
        maybe_axe.check(page)


def test_first_answer_pages_have_no_serious_axe_violations(
    live_server: Any, page: Any, axe: Axe, screenshot_dir: Path
) -> None:
    community = make_community(name="Home Brewers", slug="home-brewers")
    asker = add_member(community, make_user("asker"))
    thread = make_thread(community, asker, title=TITLE, body=BODY, topics=("hops",))
    make_reply(thread, body=REPLY)
    base = live_server.url
    pages = {
        "directory": f"{base}/c/",
        "community-home": f"{base}/c/{community.slug}/",
        "thread": f"{base}/c/{community.slug}/t/{thread.pk}/",
    }

    for url in pages.values():  # as a visitor
        page.goto(url)
        axe.check(page)

    log_in(page, base, asker.username)  # as the asker, with every control shown
    for name, url in pages.items():
        page.goto(url)
        axe.check(page)
        page.screenshot(path=str(screenshot_dir / f"{name}-as-asker-desktop.png"), full_page=True)
