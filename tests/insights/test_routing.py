"""Routing new questions to the members likely to answer them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commonplace.accounts.actions import set_preferences
from commonplace.communities.actions import leave_community, notify
from commonplace.communities.models import Membership, Notification, NotificationKind
from commonplace.communities.queries import list_notifications
from commonplace.core.activity import bulk_writes
from commonplace.discussions.actions import (
    accept_answer,
    delete_thread,
    reply_to_thread,
    start_thread,
)
from commonplace.discussions.models import Thread
from commonplace.insights import routing
from commonplace.insights.models import QuestionRouting, RoutedQuestion
from commonplace.insights.queries import list_suggested_answerers
from commonplace.insights.tasks import reroute_unanswered_questions
from commonplace.search.indexing import embed_pending
from tests.factories import add_member, make_community, make_user
from tests.mail import MailStore, plain_body

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
HOPS_QUESTION = "Grassy taste after dry hopping my IPA"


def _ask(community, author, title, *, at=None, kind="problem_solving"):  # type: ignore[no-untyped-def]
    return start_thread(
        community=community, author=author, kind=kind, title=title, body=title, at=at
    )


@pytest.fixture
def brewers():  # type: ignore[no-untyped-def]
    """A community where `hops` answered a hop question and `yeast` a yeast one, lately."""
    community = make_community(slug="brewers", name="Brewers", visibility="private")
    people = {
        name: add_member(community, make_user(name, email=f"{name}@example.org"))
        for name in ("asker", "hops", "yeast", "quiet")
    }
    earlier = timezone.now() - timedelta(days=20)
    # History: not routed, since its commit callbacks never run here.
    hoppy = _ask(community, people["quiet"], "Grassy taste after dry hopping", at=earlier)
    reply_to_thread(thread=hoppy, author=people["hops"], body="Shorter contact.", at=earlier)
    yeasty = _ask(community, people["quiet"], "Stuck fermentation at 1.030", at=earlier)
    reply_to_thread(thread=yeasty, author=people["yeast"], body="Rouse it.", at=earlier)
    embed_pending()
    return community, people


def _post_question(django_capture_on_commit_callbacks, community, author, title=HOPS_QUESTION):  # type: ignore[no-untyped-def]
    # Routing runs after the question commits, as a task (immediate in tests).
    with django_capture_on_commit_callbacks(execute=True):
        return _ask(community, author, title)


def _routed(thread) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        r.user.username
        for r in RoutedQuestion.objects.filter(thread=thread)
        .select_related("user")
        .order_by("round", "-score")
    ]


def test_route_question_suggests_who_answered_the_look_alike_first(
    brewers, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    thread = _post_question(django_capture_on_commit_callbacks, community, people["asker"])
    suggested = _routed(thread)
    assert suggested[0] == "hops"
    assert "asker" not in suggested and len(suggested) <= routing.SUGGESTIONS
    first = RoutedQuestion.objects.get(thread=thread, user=people["hops"])
    assert first.reason.startswith("answered 1 similar question")
    assert first.round == 1


def test_route_question_skips_opted_out_departed_and_repliers(
    brewers, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    set_preferences(user=people["hops"], routes_questions=False)
    leave_community(membership=Membership.objects.get(community=community, user=people["yeast"]))
    thread = _post_question(django_capture_on_commit_callbacks, community, people["asker"])
    assert {"hops", "yeast", "asker"}.isdisjoint(_routed(thread))


def test_route_question_ignores_discussions_and_imports(
    brewers, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    with django_capture_on_commit_callbacks(execute=True):
        talk = _ask(
            community, people["asker"], "News from the hop harvest", kind="discussing_developments"
        )
        with bulk_writes():
            imported = _ask(community, people["asker"], HOPS_QUESTION)
    assert _routed(talk) == [] and _routed(imported) == []


def test_route_question_spreads_load_away_from_busy_members(
    brewers, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    busy_since = timezone.now() - timedelta(days=1)
    for n in range(routing.LOAD_CAP):
        # Open questions hops was asked about and has not answered.
        waiting = _ask(community, people["quiet"], f"Unrelated question {n}")
        RoutedQuestion.objects.create(
            thread=waiting, community=community, user=people["hops"], score=1.0,
            reason="answered questions here before.", created_at=busy_since,
        )  # fmt: skip
    assert routing.open_load([people["hops"].pk], now=timezone.now()) == {
        people["hops"].pk: routing.LOAD_CAP
    }
    thread = _post_question(django_capture_on_commit_callbacks, community, people["asker"])
    assert "hops" not in _routed(thread)
    # Answering one brings hops under the cap again.
    reply_to_thread(thread=waiting, author=people["hops"], body="Here you go.")
    again = _post_question(
        django_capture_on_commit_callbacks,
        community,
        people["asker"],
        "Grassy flavour after dry hopping a pale ale",
    )
    assert "hops" in _routed(again)


def test_route_question_notifies_only_where_the_community_enables_it(
    brewers, django_capture_on_commit_callbacks, smtp_server: MailStore
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    silent = _post_question(django_capture_on_commit_callbacks, community, people["asker"])
    assert _routed(silent) and not Notification.objects.exists()
    assert not smtp_server.messages

    community.notify_suggested_answerers = True
    community.save()
    told = _post_question(
        django_capture_on_commit_callbacks,
        community,
        people["asker"],
        "Grassy flavour after dry hopping a pale ale",
    )
    notification = Notification.objects.get(user=people["hops"])
    assert notification.title == "Can you help? Grassy flavour after dry hopping a pale ale"
    assert notification.url == reverse("discussions:thread", args=["brewers", told.pk])
    assert notification.reason.startswith("Suggested because you answered 1 similar question")
    # The e-mail went out through a real SMTP server, once.
    to_hops = [m for m, r in zip(smtp_server.messages, smtp_server.recipients, strict=True)
               if r == ["hops@example.org"]]  # fmt: skip
    assert len(to_hops) == 1
    assert (
        to_hops[0]["Subject"]
        == "[Brewers] Can you help? Grassy flavour after dry hopping a pale ale"
    )
    assert f"/c/brewers/t/{told.pk}/" in plain_body(to_hops[0])
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_notify_sends_no_email_to_people_who_turned_it_off(
    brewers, django_capture_on_commit_callbacks, smtp_server: MailStore
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    set_preferences(user=people["hops"], email_notifications=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user=people["hops"], community=community, kind=NotificationKind.QUESTION_ROUTED,
            title="Can you help?", url="/c/brewers/",
        )  # fmt: skip
    assert Notification.objects.filter(user=people["hops"]).count() == 1
    assert not smtp_server.messages


def test_notify_refuses_people_who_may_not_read_the_community(brewers) -> None:  # type: ignore[no-untyped-def]
    community, _ = brewers
    stranger = make_user("stranger")
    assert (
        notify(
            user=stranger,
            community=community,
            kind=NotificationKind.QUESTION_ROUTED,
            title="Private question",
            url="/c/brewers/",
        )  # fmt: skip
        is None
    )
    assert not Notification.objects.filter(user=stranger).exists()


def test_reroute_unanswered_asks_other_people_after_the_delay(
    brewers, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    community.reroute_after_hours = 24
    community.save()
    for name in ("malt", "water"):  # more people who answer, for a second round
        other = _ask(community, people["quiet"], f"A question about {name}")
        reply_to_thread(thread=other, author=add_member(community, make_user(name)), body="Yes.")
    thread = _post_question(django_capture_on_commit_callbacks, community, people["asker"])
    first = set(_routed(thread))
    assert routing.reroute_unanswered(now=timezone.now() + timedelta(hours=23)) == 0
    later = timezone.now() + timedelta(hours=25)
    assert routing.threads_due_for_rerouting(now=later) == [(thread.pk, 1)]
    routing.reroute_unanswered(now=later)
    second = RoutedQuestion.objects.filter(thread=thread, round=2)
    assert second.exists()
    assert first.isdisjoint({r.user.username for r in second})


def test_reroute_unanswered_leaves_answered_and_resolved_questions(
    brewers, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    answered = _post_question(django_capture_on_commit_callbacks, community, people["asker"])
    reply_to_thread(thread=answered, author=people["quiet"], body="Less hops.")
    resolved = _post_question(
        django_capture_on_commit_callbacks,
        community,
        people["asker"],
        "Grassy flavour after dry hopping a pale ale",
    )
    answer = reply_to_thread(thread=resolved, author=people["hops"], body="Colder.")
    asker = Membership.objects.get(community=community, user=people["asker"])
    accept_answer(thread=resolved, answer=answer, by=people["asker"], membership=asker)
    assert routing.threads_due_for_rerouting(now=timezone.now() + timedelta(days=3)) == []


def test_reroute_unanswered_never_runs_where_the_delay_is_zero(
    brewers, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    community.reroute_after_hours = 0
    community.save()
    _post_question(django_capture_on_commit_callbacks, community, people["asker"])
    assert routing.threads_due_for_rerouting(now=timezone.now() + timedelta(days=3)) == []


def test_route_question_stops_after_the_last_round(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    thread = _ask(community, people["asker"], HOPS_QUESTION)
    QuestionRouting.objects.create(
        thread=thread, rounds=routing.MAX_ROUNDS, last_routed_at=timezone.now()
    )
    assert routing.route_question(thread=thread) == []


def test_route_question_leaves_a_round_another_sweep_ran(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    thread = _ask(community, people["asker"], HOPS_QUESTION)
    assert routing.route_question(thread=thread, expected_rounds=0)
    # A second consumer that saw the question due before the first round ran.
    assert routing.route_question(thread=thread, expected_rounds=0) == []
    assert QuestionRouting.objects.get(thread=thread).rounds == 1


def test_reroute_unanswered_waits_the_delay_after_a_round_that_found_nobody(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    community.reroute_after_hours = 24
    community.save()
    lonely = make_community(slug="lonely", reroute_after_hours=24)
    thread = _ask(lonely, add_member(lonely, make_user("alone")), HOPS_QUESTION)
    assert routing.route_question(thread=thread) == []  # nobody else there
    state = QuestionRouting.objects.get(thread=thread)
    assert state.rounds == 1 and state.next_route_at is not None
    assert routing.threads_due_for_rerouting(now=timezone.now() + timedelta(hours=1)) == []
    due = routing.threads_due_for_rerouting(now=timezone.now() + timedelta(hours=25))
    assert due == [(thread.pk, 1)]


def test_reroute_unanswered_settles_questions_that_are_done(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    exhausted = _ask(community, people["asker"], HOPS_QUESTION)
    for _ in range(routing.MAX_ROUNDS):
        state = QuestionRouting.objects.filter(thread=exhausted).first()
        routing.route_question(thread=exhausted, expected_rounds=state.rounds if state else 0)
    assert QuestionRouting.objects.get(thread=exhausted).next_route_at is None
    answered = _ask(community, people["asker"], "Grassy flavour after dry hopping a pale ale")
    routing.route_question(thread=answered)
    reply_to_thread(thread=answered, author=people["quiet"], body="Less hops.")
    later = timezone.now() + timedelta(days=5)
    assert routing.threads_due_for_rerouting(now=later) == []
    assert QuestionRouting.objects.get(thread=answered).next_route_at is None


def test_reroute_unanswered_sees_replies_to_a_question_whose_asker_was_removed(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    thread = _ask(community, people["asker"], HOPS_QUESTION)
    routing.route_question(thread=thread)
    reply_to_thread(thread=thread, author=people["quiet"], body="Less hops.")
    Thread.objects.filter(pk=thread.pk).update(author=None)
    assert routing.threads_due_for_rerouting(now=timezone.now() + timedelta(days=5)) == []


def test_sweep_routes_a_question_whose_task_was_lost(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    # Posted without its commit callbacks: as if no consumer had ever run its task.
    thread = _ask(community, people["asker"], HOPS_QUESTION)
    Thread.objects.filter(pk=thread.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    reroute_unanswered_questions.call_local()
    assert "hops" in _routed(thread)


def test_email_is_not_sent_to_someone_who_left_before_it_went_out(
    brewers, django_capture_on_commit_callbacks, smtp_server: MailStore
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    with django_capture_on_commit_callbacks() as callbacks:
        notify(
            user=people["hops"], community=community, kind=NotificationKind.QUESTION_ROUTED,
            title="Private question", url="/c/brewers/",
        )  # fmt: skip
    leave_community(membership=Membership.objects.get(community=community, user=people["hops"]))
    for callback in callbacks:
        callback()
    assert not smtp_server.messages


def test_suggested_list_drops_people_who_left_or_opted_out(
    brewers, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    thread = _post_question(django_capture_on_commit_callbacks, community, people["asker"])
    asked = {r.user.username for r in list_suggested_answerers(thread=thread)}
    assert "hops" in asked
    set_preferences(user=people["hops"], routes_questions=False)
    assert "hops" not in {r.user.username for r in list_suggested_answerers(thread=thread)}


@pytest.fixture
def notified(brewers, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Brewers with notifications on, after one question was routed (to hops first)."""
    community, people = brewers
    community.notify_suggested_answerers = True
    community.save()
    _post_question(django_capture_on_commit_callbacks, community, people["asker"])
    return community, people


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def test_thread_page_shows_suggestions_to_the_asker_only(
    brewers, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    thread = _post_question(django_capture_on_commit_callbacks, community, people["asker"])
    url = reverse("discussions:thread", args=["brewers", thread.pk])
    page = _client(people["asker"]).get(url).content.decode()
    assert "People who may know" in page and "Answered 1 similar question" in page
    other = _client(people["quiet"]).get(url).content.decode()
    assert "People who may know" not in other
    panel = reverse("insights:suggested_answerers", args=["brewers", thread.pk])
    assert _client(people["quiet"]).get(panel).status_code == 404
    api = f"/api/v1/communities/brewers/threads/{thread.pk}/suggested-answerers"
    found = _client(people["asker"]).get(api).json()
    assert found["people"][0]["person"]["username"] == "hops" and not found["pending"]


def test_notifications_page_lists_and_opens_a_notification(notified) -> None:  # type: ignore[no-untyped-def]
    community, people = notified
    thread = RoutedQuestion.objects.get(user=people["hops"]).thread
    hops = _client(people["hops"])
    page = hops.get(reverse("notifications")).content.decode()
    assert f"Can you help? {HOPS_QUESTION}" in page
    assert '>1<span class="visually-hidden"> unread' in page
    notification = Notification.objects.get(user=people["hops"])
    # Nobody else can open it, not even by guessing its number.
    opened = _client(people["yeast"]).post(reverse("open_notification", args=[notification.pk]))
    assert opened.status_code == 404
    response = hops.post(reverse("open_notification", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("discussions:thread", args=["brewers", thread.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    listed = hops.get("/api/v1/me/notifications").json()
    assert listed["count"] == 1 and listed["items"][0]["read_at"]


def test_notifications_of_a_private_community_hide_once_the_member_leaves(notified) -> None:  # type: ignore[no-untyped-def]
    community, people = notified
    assert list_notifications(user=people["hops"]).count() == 1
    leave_community(membership=Membership.objects.get(community=community, user=people["hops"]))
    assert list_notifications(user=people["hops"]).count() == 0
    hops = _client(people["hops"])
    assert HOPS_QUESTION not in hops.get(reverse("notifications")).content.decode()
    assert hops.get("/api/v1/me/notifications").json()["count"] == 0


def test_mark_notifications_read_through_the_api(notified) -> None:  # type: ignore[no-untyped-def]
    community, people = notified
    hops = _client(people["hops"])
    assert hops.get("/api/v1/me/notifications?unread=true").json()["count"] == 1
    marked = hops.post("/api/v1/me/notifications/read", {}, content_type="application/json")
    assert marked.json() == {"marked": 1}
    assert hops.get("/api/v1/me/notifications?unread=true").json()["count"] == 0


def test_preferences_are_kept_by_the_profile_form_and_the_api(brewers) -> None:  # type: ignore[no-untyped-def]
    _, people = brewers
    hops = _client(people["hops"])
    form: dict[str, Any] = {"display_name": "Hops", "skills": "", "interests": ""}
    assert hops.post(reverse("accounts:profile_edit"), form).status_code == 302
    people["hops"].refresh_from_db()
    assert not people["hops"].routes_questions and not people["hops"].email_notifications
    patched = hops.patch(
        "/api/v1/me/preferences", {"routes_questions": True}, content_type="application/json"
    )
    assert patched.json() == {
        "routes_questions": True, "email_notifications": False, "time_zone": ""
    }  # fmt: skip


def test_charter_sets_routing_choices_and_rejects_a_bad_delay(brewers) -> None:  # type: ignore[no-untyped-def]
    community, _ = brewers
    coordinator = community.memberships.get(role="coordinator").user
    client = _client(coordinator)
    url = f"/api/v1/communities/{community.slug}"
    bad = client.patch(url, {"reroute_after_hours": 1000}, content_type="application/json")
    assert bad.status_code == 422
    good = client.patch(
        url,
        {"reroute_after_hours": 12, "notify_suggested_answerers": True},
        content_type="application/json",
    )
    assert good.status_code == 200
    assert (good.json()["reroute_after_hours"], good.json()["notify_suggested_answerers"]) == (
        12,
        True,
    )


def test_deleting_a_thread_withdraws_its_notifications(notified) -> None:  # type: ignore[no-untyped-def]
    community, people = notified
    thread = RoutedQuestion.objects.get(user=people["hops"]).thread
    assert Notification.objects.filter(user=people["hops"]).exists()
    asker = Membership.objects.get(community=community, user=people["asker"])
    delete_thread(thread=thread, by=people["asker"], membership=asker)
    assert not Notification.objects.filter(user=people["hops"]).exists()


def test_open_notification_never_leaves_the_site(brewers) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers
    notification = notify(
        user=people["hops"], community=community, kind=NotificationKind.QUESTION_ROUTED,
        title="Elsewhere", url="https://example.org/phish",
    )  # fmt: skip
    assert notification is not None
    response = _client(people["hops"]).post(reverse("open_notification", args=[notification.pk]))
    assert response["Location"] == reverse("notifications")


def test_the_asker_asks_a_suggested_person_once(
    brewers, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    community, people = brewers  # this community does not notify by itself
    thread = _post_question(django_capture_on_commit_callbacks, community, people["asker"])
    url = reverse("insights:ask_suggested_answerer", args=["brewers", thread.pk, "hops"])
    assert _client(people["yeast"]).post(url).status_code == 403  # not the asker
    asker = _client(people["asker"])
    page = asker.get(reverse("discussions:thread", args=["brewers", thread.pk])).content.decode()
    assert f'action="{url}"' in page and 'Ask<span class="visually-hidden"> ' in page
    assert asker.post(url).status_code == 302
    notification = Notification.objects.get(user=people["hops"])
    assert notification.title == f"Asker asks: {HOPS_QUESTION}"
    assert RoutedQuestion.objects.get(thread=thread, user=people["hops"]).notified
    assert asker.post(url).status_code == 409  # told once
    api = f"/api/v1/communities/brewers/threads/{thread.pk}/suggested-answerers/asker/ask"
    assert asker.post(api).status_code == 404  # never suggested for their own question


@pytest.mark.parametrize("ids", [[10**30], [0], ["one"]])
def test_mark_notifications_read_rejects_ids_that_are_not_row_ids(notified, ids) -> None:  # type: ignore[no-untyped-def]
    _, people = notified
    hops = _client(people["hops"])
    response = hops.post(
        "/api/v1/me/notifications/read", {"ids": ids}, content_type="application/json"
    )
    assert response.status_code == 422 and "ids" in response.content.decode()
    assert hops.get("/api/v1/me/notifications?unread=true").json()["count"] == 1
