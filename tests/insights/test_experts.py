"""Who is likely to answer: ranked from what members did before the question."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commonplace.discussions.actions import accept_answer, reply_to_thread, start_thread
from commonplace.insights.experts import rank_experts
from commonplace.search.indexing import embed_pending
from tests.factories import add_member, make_community, make_user
from tests.search.helpers import membership

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _question(community, author, title, at):  # type: ignore[no-untyped-def]
    return start_thread(
        community=community, author=author, kind="problem_solving", title=title,
        body=title, topics=(), at=at,
    )  # fmt: skip


@pytest.fixture
def brewers():  # type: ignore[no-untyped-def]
    community = make_community(slug="brewers")
    people = {name: add_member(community, make_user(name)) for name in ("asker", "hops", "yeast")}
    earlier = NOW - timedelta(days=30)
    hoppy = _question(community, people["asker"], "Grassy taste after dry hopping", earlier)
    reply_to_thread(thread=hoppy, author=people["hops"], body="Shorter contact.", at=earlier)
    yeasty = _question(community, people["asker"], "Stuck fermentation at 1.030", earlier)
    reply_to_thread(thread=yeasty, author=people["yeast"], body="Rouse the yeast.", at=earlier)
    embed_pending()
    return community, people


def _ranked(community, title, **options):  # type: ignore[no-untyped-def]
    found = rank_experts(community_ids=[community.pk], title=title, as_of=NOW, **options)
    return [e.user_id for e in found]


def test_rank_experts_puts_who_answered_the_look_alike_first(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    assert _ranked(community, "My IPA tastes like grass after dry hop")[0] == people["hops"].pk
    assert _ranked(community, "Fermentation stopped early")[0] == people["yeast"].pk


def test_rank_experts_explains_itself(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    best = rank_experts(community_ids=[community.pk], title="Grass taste, dry hop", as_of=NOW)[0]
    assert (best.user_id, best.similar_answers, best.recent_answers) == (people["hops"].pk, 1, 1)


def test_rank_experts_never_suggests_the_excluded(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    ranked = _ranked(community, "Grass taste, dry hop", exclude=[people["hops"].pk])
    assert people["hops"].pk not in ranked and ranked


def test_rank_experts_sees_nothing_written_after_the_moment(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    later = NOW + timedelta(days=1)
    newcomer = add_member(community, make_user("newcomer"))
    hoppier = _question(community, people["asker"], "Grassy dry hopping, again", later)
    for _ in range(5):
        reply_to_thread(thread=hoppier, author=newcomer, body="Cold crash first.", at=later)
    embed_pending()
    assert newcomer.pk not in _ranked(community, "Grass taste, dry hop")
    after = rank_experts(
        community_ids=[community.pk], title="Grass taste, dry hop", as_of=later + timedelta(1)
    )
    assert after[0].user_id == newcomer.pk


def test_rank_experts_counts_an_accepted_answer_double(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    at = NOW - timedelta(days=10)
    rival = add_member(community, make_user("rival"))
    question = _question(community, people["asker"], "Haze from dry hopping", at)
    reply_to_thread(thread=question, author=people["hops"], body="Cold crash.", at=at)
    answer = reply_to_thread(thread=question, author=rival, body="Add finings.", at=at)
    embed_pending()
    before = {e.user_id: e.score for e in rank_experts(
        community_ids=[community.pk], title="Hazy beer after dry hopping", as_of=NOW)}  # fmt: skip
    accept_answer(
        thread=question, answer=answer, by=people["asker"],
        membership=membership(community, people["asker"]), at=at,
    )  # fmt: skip
    found = rank_experts(
        community_ids=[community.pk], title="Hazy beer after dry hopping", as_of=NOW
    )
    after = {e.user_id: e.score for e in found}
    assert after[rival.pk] > before[rival.pk]
    assert next(e for e in found if e.user_id == rival.pk).similar_accepted == 1


def test_rank_experts_weighs_recent_activity(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    # The same look-alike answered by two people, one of them busy lately.
    at = NOW - timedelta(days=20)
    busy, quiet = (
        add_member(community, make_user("busy")),
        add_member(community, make_user("quiet")),
    )
    question = _question(
        community, people["asker"], "Chill haze in lager", NOW - timedelta(days=400)
    )
    for person in (busy, quiet):
        reply_to_thread(thread=question, author=person, body="Cold.", at=NOW - timedelta(days=399))
    other = _question(community, people["asker"], "Labels for bottles", at)
    for _ in range(4):
        reply_to_thread(thread=other, author=busy, body="Glue.", at=at)
    embed_pending()
    ranked = _ranked(community, "Chill haze in my lager")
    assert ranked.index(busy.pk) < ranked.index(quiet.pk)


def test_rank_experts_prefers_the_member_who_answered_lately(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    # Created first, `earlier` would win a tie on the user id.
    earlier, lately = (add_member(community, make_user(n)) for n in ("earlier", "lately"))
    look_alike = _question(community, people["asker"], "Hop creep in a keg", NOW - timedelta(80))
    other = _question(community, people["asker"], "Which kettle?", NOW - timedelta(80))
    for member, last_seen in ((lately, 1), (earlier, 70)):
        reply_to_thread(
            thread=look_alike, author=member, body="Dry hop cooler.", at=NOW - timedelta(80)
        )
        reply_to_thread(
            thread=other, author=member, body="A bigger one.", at=NOW - timedelta(last_seen)
        )
    embed_pending()
    ranked = _ranked(community, "Hop creep after dry hopping a keg")
    assert ranked.index(lately.pk) < ranked.index(earlier.pk)
