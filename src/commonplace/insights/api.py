"""Find an expert in the API, within the communities the caller may read."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from commonplace.accounts.api_auth import viewer
from commonplace.core.errors import DomainError
from commonplace.core.schemas import PersonOut
from commonplace.insights import queries
from commonplace.insights.forms import MAX_QUESTION_CHARS

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
