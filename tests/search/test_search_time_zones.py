"""Search's date filters read days on the reader's clock, as the results show them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commonplace.accounts.actions import set_preferences
from commonplace.discussions.actions import start_thread
from tests.factories import add_member, client_for, make_community

pytestmark = pytest.mark.django_db


def test_after_and_before_are_days_on_the_readers_clock():
    brewers = make_community(slug="brewers")
    author = add_member(brewers)
    # 23:30 UTC on 14 January is already 08:30 on the 15th in Tokyo.
    start_thread(
        community=brewers, author=author, kind="seeking_experience", title="Late night lager",
        body="Anyone?", at=datetime(2031, 1, 14, 23, 30, tzinfo=UTC),
    )  # fmt: skip
    tokyo = client_for(set_preferences(user=add_member(brewers), time_zone="Asia/Tokyo"))
    utc = client_for(add_member(brewers))
    for client, day in ((tokyo, "2031-01-15"), (utc, "2031-01-14")):
        on_that_day = client.get(f"/search/?q=lager+after:{day}+before:{day}").content.decode()
        assert "Late night <mark>lager</mark>" in on_that_day
    assert (
        "Late night <mark>lager</mark>"
        not in tokyo.get("/search/?q=lager+before:2031-01-14").content.decode()
    )
    assert (
        "Late night <mark>lager</mark>"
        not in utc.get("/search/?q=lager+after:2031-01-15").content.decode()
    )
    # And the result is dated on the reader's clock too.
    assert ">15 Jan 2031</time>" in tokyo.get("/search/?q=lager").content.decode()
    assert ">14 Jan 2031</time>" in utc.get("/search/?q=lager").content.decode()
