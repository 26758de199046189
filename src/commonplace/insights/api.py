"""Find an expert in the API, within the communities the caller may read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from commonplace.accounts.access import access_user
from commonplace.accounts.api_auth import require_user, viewer
from commonplace.communities.access import access_community_content
from commonplace.core.errors import DomainError, ForbiddenError
from commonplace.core.schemas import PersonOut
from commonplace.discussions.access import access_thread
from commonplace.insights import queries, routing
from commonplace.insights.forms import MAX_QUESTION_CHARS
from commonplace.insights.knowledge_map import build_map

router = Router(tags=["experts"])


class ExpertsIn(Schema):
    topic: str = Field("", max_length=60, description="A topic's name or slug")
    q: str = Field("", max_length=MAX_QUESTION_CHARS, description="A question, pasted whole")


class StrengthOut(Schema):
    community: str
    topic: str
    topic_name: str
    reasons: list[str]


class ExpertOut(Schema):
    person: PersonOut
    score: float
    evidence: list[str]
    strengths: list[StrengthOut]


@router.get("/experts", response=list[ExpertOut], summary="Find people to ask")
def find_experts(request: HttpRequest, filters: Query[ExpertsIn]) -> list[ExpertOut]:
    """By question (`q`, matched by meaning) or by topic; each with why they are listed."""
    user = viewer(request)
    if filters.q.strip():
        found = queries.find_experts_for_question(viewer=user, question=filters.q)
    elif filters.topic.strip():
        found = queries.find_experts_on_topic(viewer=user, topic=filters.topic)
    else:
        raise DomainError("Name a topic, or paste a question.", field="topic")
    return [
        ExpertOut(
            person=PersonOut.model_validate(e.person, from_attributes=True),
            score=round(e.score, 4),
            evidence=e.evidence,
            strengths=[
                StrengthOut(
                    community=s.community.slug,
                    topic=s.topic.slug,
                    topic_name=s.topic.name,
                    reasons=s.reasons,
                )
                for s in e.strengths
            ],
        )  # fmt: skip
        for e in found
    ]


class TopicFiguresOut(Schema):
    topic: str
    topic_name: str
    questions: int
    answered: int
    answer_rate: float | None
    resolved: int
    answers: int
    entries: int
    stale_entries: int
    events_last_year: int
    median_hours_to_first_answer: float | None
    median_hours_to_resolution: float | None
    active_experts: list[str]
    bus_factor: int
    risk: float
    risk_reasons: list[str]


class WaitingOut(Schema):
    id: int
    title: str
    created_at: datetime


class KnowledgeMapOut(Schema):
    community: str
    topics: list[TopicFiguresOut]
    topics_without_experts: list[str]
    topics_gone_quiet: list[str]
    waiting_longest: list[WaitingOut]


@router.get(
    "/communities/{slug}/knowledge-map",
    response=KnowledgeMapOut,
    summary="Demand, supply, experts and gaps per topic",
)
def knowledge_map(request: HttpRequest, slug: str) -> KnowledgeMapOut:
    access = access_community_content(user=viewer(request), slug=slug)
    knowledge = build_map(access.community)
    return KnowledgeMapOut(
        community=access.community.slug,
        topics=[
            TopicFiguresOut(
                topic=t.topic.slug, topic_name=t.topic.name, questions=t.questions,
                answered=t.answered, answer_rate=t.answer_rate, resolved=t.resolved,
                answers=t.answers, entries=t.entries, stale_entries=t.stale_entries,
                events_last_year=t.events,
                median_hours_to_first_answer=t.first_answer_hours,
                median_hours_to_resolution=t.resolution_hours,
                active_experts=t.active_experts, bus_factor=t.bus_factor, risk=t.risk,
                risk_reasons=t.risk_reasons,
            )
            for t in knowledge.topics
        ],
        topics_without_experts=[t.topic.slug for t in knowledge.gaps_without_experts],
        topics_gone_quiet=[t.topic.slug for t in knowledge.gaps_gone_quiet],
        waiting_longest=[
            WaitingOut(id=t.pk, title=t.title, created_at=t.created_at)
            for t in knowledge.unanswered
        ],
    )  # fmt: skip


class SuggestedOut(Schema):
    person: PersonOut
    round: int
    reason: str
    notified: bool
    suggested_at: datetime


def _suggested_out(r: Any) -> SuggestedOut:
    return SuggestedOut(
        person=PersonOut.model_validate(r.user, from_attributes=True),
        round=r.round,
        reason=r.reason,
        notified=r.notified,
        suggested_at=r.created_at,
    )


class SuggestionsOut(Schema):
    pending: bool
    people: list[SuggestedOut]


@router.get(
    "/communities/{slug}/threads/{thread_id}/suggested-answerers",
    response=SuggestionsOut,
    summary="Who routing asked about a question (its asker and coordinators only)",
)
def suggested_answerers(request: HttpRequest, slug: str, thread_id: int) -> SuggestionsOut:
    user = viewer(request)
    access = access_community_content(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    if not thread.is_question:
        raise Http404("Only questions are routed to people.")
    suggested = queries.suggested_answerers_for(viewer=user, access=access, thread=thread)
    if suggested is None:
        raise ForbiddenError("Only the asker and the coordinators see who was suggested.")
    return SuggestionsOut(
        pending=suggested.pending,
        people=[_suggested_out(r) for r in suggested.people],
    )


@router.post(
    "/communities/{slug}/threads/{thread_id}/suggested-answerers/{username}/ask",
    response=SuggestedOut,
    summary="The asker tells one suggested person about the question",
)
def ask_suggested_answerer(
    request: HttpRequest, slug: str, thread_id: int, username: str
) -> SuggestedOut:
    user = require_user(request)
    access = access_community_content(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    r = routing.ask_suggested_answerer(
        thread=thread, person=access_user(username=username), by=user
    )
    return _suggested_out(r)
