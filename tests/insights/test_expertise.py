"""Expertise profiles: computed from what members did, kept current, explained, private."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commonplace.communities.models import Topic
from commonplace.discussions.actions import accept_answer, reply_to_thread, vote_helpful
from commonplace.events.actions import cancel_event, edit_event, schedule_event
from commonplace.insights import expertise
from commonplace.insights.models import Expertise
from commonplace.insights.queries import list_member_strengths, reasons
from commonplace.insights.tasks import recompute_expertise
from commonplace.repertoire.actions import create_entry, endorse_entry
from tests.factories import add_member, declare_skills, make_community, make_thread, make_user
from tests.search.helpers import membership

pytestmark = pytest.mark.django_db


def _row(user, community, topic_slug: str | None) -> Expertise:  # type: ignore[no-untyped-def]
    topic = None if topic_slug is None else Topic.objects.get(community=community, slug=topic_slug)
    return Expertise.objects.get(user=user, community=community, topic=topic)


def _snapshot() -> set[tuple[object, ...]]:
    return set(
        Expertise.objects.values_list(
            "user_id", "community_id", "topic_id", "answers", "accepted", "helpful",
            "entries", "entry_uses", "events_led", "recent_answers", "recent_accepted",
            "declared",
        )
    )  # fmt: skip


@pytest.fixture
def brewers():  # type: ignore[no-untyped-def]
    coordinator = make_user("coord")
    community = make_community(slug="brewers", coordinator=coordinator)
    bob = add_member(community, make_user("bob"))
    asker = add_member(community, make_user("asker"))
    thread = make_thread(community, asker, title="Hop creep?", topics=("hops",))
    answer = reply_to_thread(thread=thread, author=bob, body="Dry hop cooler.")
    accept_answer(thread=thread, answer=answer, by=asker, membership=membership(community, asker))
    vote_helpful(post=answer, by=coordinator, membership=membership(community, coordinator))
    entry = create_entry(
        community=community, by=bob, kind="practice", title="Dry hopping",
        body="Cold, short, sealed.", topics=["hops"],
    )  # fmt: skip
    endorse_entry(entry=entry, by=coordinator)
    return community, bob, asker, coordinator


def _workshop(community, leader, *, days: float, title: str = "Hop rubbing"):  # type: ignore[no-untyped-def]
    start = timezone.now() + timedelta(days=days)
    return schedule_event(
        community=community, by=community.created_by, kind="workshop", title=title,
        starts_at=start, ends_at=start + timedelta(hours=2), topics=["hops"],
        leaders=[leader.username],
    )  # fmt: skip


def test_each_write_updates_its_authors_profile_at_once(brewers) -> None:  # type: ignore[no-untyped-def]
    community, bob, _, _ = brewers
    hops = _row(bob, community, "hops")
    assert (hops.answers, hops.accepted, hops.helpful) == (1, 1, 1)
    assert (hops.entries, hops.entry_uses, hops.recent_accepted) == (1, 1, 1)
    whole = _row(bob, community, None)
    assert (whole.answers, whole.entries) == (1, 1)
    assert not Expertise.objects.filter(user=bob, topic__slug="yeast").exists()
    expected = expertise.ANSWER + expertise.ACCEPTED + expertise.HELPFUL_VOTE
    expected += expertise.ENTRY + expertise.ENTRY_USE
    assert hops.score == pytest.approx(expected, rel=0.01)


def test_recompute_gives_what_the_writes_gave(brewers) -> None:  # type: ignore[no-untyped-def]
    incremental = _snapshot()
    assert incremental
    Expertise.objects.all().delete()
    expertise.recompute()
    assert _snapshot() == incremental
    community = brewers[0]
    assert expertise.recompute(community_id=community.pk) == len(incremental)
    assert _snapshot() == incremental


def test_recent_work_counts_more_than_old_work() -> None:
    coordinator = make_user("coord")
    community = make_community(slug="brewers", coordinator=coordinator)
    old, new = add_member(community, make_user("old")), add_member(community, make_user("new"))
    long_ago = timezone.now() - timedelta(days=2 * 365)
    for author, at in ((old, long_ago), (new, None)):
        thread = make_thread(community, coordinator, topics=("yeast",))
        reply_to_thread(thread=thread, author=author, body="Pitch more yeast.", at=at)
    old_score, new_score = _row(old, community, "yeast").score, _row(new, community, "yeast").score
    assert old_score == pytest.approx(new_score / 4, rel=0.01)  # two half-lives
    assert _row(old, community, "yeast").recent_answers == 0


def test_a_declared_skill_counts_where_it_names_a_topic() -> None:
    coordinator = make_user("coord")
    community = make_community(slug="brewers", coordinator=coordinator)
    dana = add_member(community, make_user("dana"))
    declare_skills(dana, "Yeast", "Accounting")
    row = _row(dana, community, "yeast")
    assert row.declared and row.score == expertise.DECLARED and row.answers == 0
    assert reasons(row) == ["lists it among their skills"]


def test_reasons_say_why_in_words(brewers) -> None:  # type: ignore[no-untyped-def]
    community, bob, _, viewer = brewers
    [strength] = list_member_strengths(person=bob, viewer=viewer)
    assert strength.topic.slug == "hops" and strength.share == 1.0
    assert strength.reasons == [
        "1 accepted answer in the last year",
        "1 helpful vote on those answers",
        "wrote the practice ‘Dry hopping’",
        "their entries were endorsed or reused 1 time",
    ]


def test_private_expertise_shows_to_members_only(client, brewers) -> None:  # type: ignore[no-untyped-def]
    community, bob, _, coordinator = brewers
    community.visibility = "private"
    community.save(update_fields=["visibility"])
    outsider = make_user("outsider")
    assert list_member_strengths(person=bob, viewer=outsider) == []
    url = reverse("profile", args=[bob.username])
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert "Hops" not in page and "Dry hopping" not in page and "Knows about" in page
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert "#Hops" in page and "wrote the practice ‘Dry hopping’" in page


def test_events_led_count_once_they_have_taken_place() -> None:
    community = make_community(slug="brewers", coordinator=make_user("coord"))
    lena = add_member(community, make_user("lena"))
    _workshop(community, lena, days=-10, title="Hop rubbing")
    row = _row(lena, community, "hops")
    assert row.events_led == 1 and _row(lena, community, None).events_led == 1
    assert row.score == pytest.approx(expertise.EVENT_LED * 0.5 ** (10 / 365), rel=0.01)
    coming = _workshop(community, lena, days=5, title="Hop picking")
    assert _row(lena, community, "hops").events_led == 1  # not yet
    expertise.recompute(now=coming.ends_at + timedelta(days=1))
    assert _row(lena, community, "hops").events_led == 2


def test_a_cancelled_event_or_a_dropped_leader_shows_nothing() -> None:
    community = make_community(slug="brewers", coordinator=make_user("coord"))
    lena = add_member(community, make_user("lena"))
    omar = add_member(community, make_user("omar"))
    called_off = _workshop(community, lena, days=-3)
    cancel_event(event=called_off, by=community.created_by)
    assert not Expertise.objects.filter(user=lena).exists()
    swapped = _workshop(community, lena, days=-2, title="Hop tasting")
    assert _row(lena, community, "hops").events_led == 1
    edit_event(
        event=swapped, by=community.created_by, kind="workshop", title=swapped.title,
        starts_at=swapped.starts_at, ends_at=swapped.ends_at, topics=["hops"],
        leaders=[omar.username],
    )  # fmt: skip
    assert not Expertise.objects.filter(user=lena).exists()
    assert _row(omar, community, "hops").events_led == 1


def test_reasons_name_the_events_led() -> None:
    community = make_community(slug="brewers", coordinator=make_user("coord"))
    lena = add_member(community, make_user("lena"))
    for days, title in ((-30, "Hop rubbing"), (-20, "Hop tasting"), (-10, "Hop sorting")):
        _workshop(community, lena, days=days, title=title)
    [strength] = list_member_strengths(person=lena, viewer=community.created_by)
    assert strength.reasons == [
        "led the workshop ‘Hop sorting’",
        "led the workshop ‘Hop tasting’",
        "led 1 other event",
    ]


def test_nightly_recompute_rebuilds_every_profile(brewers) -> None:  # type: ignore[no-untyped-def]
    before = _snapshot()
    Expertise.objects.all().delete()
    recompute_expertise()
    assert _snapshot() == before
