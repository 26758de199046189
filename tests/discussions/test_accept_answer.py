import pytest

from commonplace.core.errors import DomainError, ForbiddenError
from commonplace.core.models import Activity, Verb
from commonplace.discussions.actions import accept_answer
from tests.factories import add_member, make_community, make_reply, make_thread

pytestmark = pytest.mark.django_db


def _membership(community, user):
    return community.memberships.get(user=user)


def test_accept_answer_resolves_thread_and_logs_activity():
    community = make_community()
    thread = make_thread(community)
    answer = make_reply(thread)
    accept_answer(
        thread=thread,
        answer=answer,
        by=thread.author,
        membership=_membership(community, thread.author),
    )
    thread.refresh_from_db()
    assert thread.is_resolved and thread.accepted_answer_id == answer.pk
    assert Activity.objects.filter(verb=Verb.ANSWER_ACCEPTED, target_id=answer.pk).exists()


def test_accept_answer_rejects_post_of_another_thread():
    community = make_community()
    thread = make_thread(community)
    other_answer = make_reply(make_thread(community))
    with pytest.raises(DomainError):
        accept_answer(
            thread=thread,
            answer=other_answer,
            by=thread.author,
            membership=_membership(community, thread.author),
        )


def test_accept_answer_refuses_a_member_who_did_not_ask():
    community = make_community()
    thread = make_thread(community)
    answer = make_reply(thread)
    bystander = add_member(community)
    with pytest.raises(ForbiddenError):
        accept_answer(
            thread=thread, answer=answer, by=bystander, membership=_membership(community, bystander)
        )


def test_accept_answer_refuses_threads_that_are_not_questions():
    community = make_community()
    thread = make_thread(community, kind="discussing_developments")
    answer = make_reply(thread)
    with pytest.raises(ForbiddenError):
        accept_answer(
            thread=thread,
            answer=answer,
            by=thread.author,
            membership=_membership(community, thread.author),
        )
