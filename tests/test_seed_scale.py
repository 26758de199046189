"""`commonplace seed-scale` writes what the actions would have written, counters included."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Max, Q

from commonplace.accounts.models import User
from commonplace.communities.models import Community
from commonplace.core.models import Activity, Verb
from commonplace.discussions.models import QUESTION_KINDS, Post, Thread, ThreadKind, Vote

pytestmark = pytest.mark.django_db

SMALL = {"communities": 4, "members": 60, "posts": 800}


def _seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_scale", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def _shape() -> list[tuple[str, str, int, int]]:
    return list(
        Thread.objects.order_by("id").values_list("title", "kind", "reply_count", "helpful_count")
    )


def test_seed_scale_keeps_denormalized_counters_consistent() -> None:
    output = _seed()

    assert "800 posts" in output
    assert Post.objects.count() == 800
    communities = Community.objects.annotate(
        active=Count("memberships", filter=Q(memberships__status="active"), distinct=True),
        threads_n=Count("threads", distinct=True),
        last_thread=Max("threads__last_activity_at"),
    )
    for community in communities:
        assert community.member_count == community.active
        assert community.thread_count == community.threads_n
        assert community.last_activity_at is not None
        assert community.last_activity_at >= community.last_thread
        assert community.created_by_id is not None
        # The 50-post thread the page benchmark reads.
        assert community.threads.filter(reply_count=49).exists()
    threads = Thread.objects.annotate(
        replies=Count("posts", filter=Q(posts__is_opening=False), distinct=True),
        openings=Count("posts", filter=Q(posts__is_opening=True), distinct=True),
        votes_n=Count("posts__votes", distinct=True),
        last_post=Max("posts__created_at"),
    )
    for thread in threads:
        assert (thread.reply_count, thread.openings) == (thread.replies, 1)
        assert thread.helpful_count == thread.votes_n
        assert thread.last_activity_at == thread.last_post
    for post in Post.objects.annotate(votes_n=Count("votes")):
        assert post.helpful_count == post.votes_n
        assert post.body_html
    accepted = Thread.objects.filter(accepted_answer__isnull=False).select_related(
        "accepted_answer"
    )
    assert accepted.exists()
    for thread in accepted:
        assert thread.kind in QUESTION_KINDS
        assert thread.accepted_answer is not None
        assert thread.accepted_answer.thread_id == thread.pk
        assert not thread.accepted_answer.is_opening
    assert set(Thread.objects.values_list("kind", flat=True)) == set(ThreadKind.values)
    assert not Vote.objects.filter(user_id=F("post__author_id")).exists()
    assert not any(u.has_usable_password() for u in User.objects.all())


def test_seed_scale_logs_activity_with_original_times() -> None:
    _seed()

    def logged(verb: Verb) -> int:
        return Activity.objects.filter(verb=verb).count()

    assert logged(Verb.THREAD_STARTED) == Thread.objects.count()
    assert logged(Verb.POST_REPLIED) == Post.objects.filter(is_opening=False).count()
    assert logged(Verb.POST_VOTED) == Vote.objects.count()
    assert (
        logged(Verb.ANSWER_ACCEPTED) == Thread.objects.filter(accepted_answer__isnull=False).count()
    )
    thread = Thread.objects.order_by("created_at").first()
    assert thread is not None
    started = Activity.objects.get(verb=Verb.THREAD_STARTED, target_id=thread.pk)
    assert started.created_at == thread.created_at


def test_seed_scale_refuses_to_seed_twice() -> None:
    _seed()
    with pytest.raises(CommandError, match="--append"):
        _seed()


def test_seed_scale_append_adds_a_generation_with_fresh_names() -> None:
    _seed()
    _seed(append=True, communities=2, members=10, posts=100)

    assert Community.objects.filter(slug__startswith="scale2-").count() == 2
    assert User.objects.filter(username__startswith="scale2_").count() == 10
    assert Post.objects.count() == 900


def test_seed_scale_force_replaces_earlier_data_with_the_same_data() -> None:
    _seed()
    first = _shape()
    _seed(force=True)

    assert Community.objects.count() == SMALL["communities"]
    assert User.objects.count() == SMALL["members"]
    assert _shape() == first  # same seed, same constellation
