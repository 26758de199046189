"""An event, end to end in a real browser: planned through the form, answered, cancelled.

Screenshots of the calendar and the event go to tests/e2e/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commonplace.communities.models import Notification
from commonplace.events.models import Event
from tests.e2e.conftest import DESKTOP, PHONE, Axe
from tests.e2e.test_first_answer import expect, log_in, log_out
from tests.factories import add_member, make_community, make_user

pytestmark = pytest.mark.browser


def test_plan_answer_and_cancel_an_event(
    live_server: Any, page: Any, screenshot_dir: Path, maybe_axe: Axe | None
) -> None:
    community = make_community(name="Home Brewers", slug="home-brewers", coordinator=make_user())
    teacher = add_member(community, make_user("teacher"))
    guest = add_member(community, make_user("guest"))
    base = live_server.url

    log_in(page, base, teacher.username)
    page.goto(f"{base}/c/home-brewers/events/")
    expect(page.get_by_text("Nothing planned yet.")).to_be_visible()
    page.get_by_role("link", name="Plan an event").first.click()
    page.get_by_label("Kind").select_option("workshop")
    page.get_by_label("Title").fill("Dry hopping, hands on")
    page.get_by_label("Starts", exact=True).fill("2031-05-06T18:00")
    page.get_by_label("Ends", exact=True).fill("2031-05-06T17:00")  # before it starts
    page.get_by_label("Place").fill("The brewhouse, bay 3")
    page.get_by_label("Hops").check()
    page.get_by_role("button", name="Put it on the calendar").click()
    expect(page.get_by_text("The event must end after it starts.")).to_be_visible()
    if maybe_axe is not None:
        maybe_axe.check(page)  # the form, with its error
    page.get_by_label("Ends", exact=True).fill("2031-05-06T20:00")
    page.get_by_role("button", name="Put it on the calendar").click()
    expect(page.get_by_text("The event is on the community's calendar.")).to_be_visible()
    event = Event.objects.get()
    assert list(event.leaders.all()) == [teacher]
    log_out(page)

    log_in(page, base, guest.username)
    page.goto(f"{base}/c/home-brewers/events/")
    card = page.locator(".event-card", has_text="Dry hopping, hands on")
    expect(card.get_by_text("The brewhouse, bay 3")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "events-desktop.png"), full_page=True)
    if maybe_axe is not None:
        maybe_axe.check(page)
    card.get_by_role("link", name="Dry hopping, hands on").click()
    page.get_by_label("Going", exact=True).check()
    page.get_by_role("button", name="Answer").click()
    expect(page.get_by_text("Your answer is saved.")).to_be_visible()
    coming = page.get_by_role("complementary", name="About this event")
    expect(coming.get_by_role("link", name=guest.name)).to_be_visible()
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(screenshot_dir / "event-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    if maybe_axe is not None:
        maybe_axe.check(page)
    log_out(page)

    log_in(page, base, teacher.username)
    page.goto(f"{base}/c/home-brewers/events/{event.pk}/")
    page.get_by_label("Why it is called off").fill("The brewhouse floods")
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.get_by_text("Cancelled", exact=False).first).to_be_visible()
    expect(page.get_by_text("The brewhouse floods")).to_be_visible()
    assert Notification.objects.get().user == guest
