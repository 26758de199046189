"""Find an expert: by topic, or by pasting a question."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from commonplace.insights import queries
from commonplace.insights.forms import FindExpertForm


def find_experts(request: HttpRequest) -> HttpResponse:
    form = FindExpertForm(request.GET or None)
    experts = None
    if form.is_bound and form.is_valid():
        question = form.cleaned_data["q"].strip()
        experts = (
            queries.find_experts_for_question(viewer=request.user, question=question)
            if question
            else queries.find_experts_on_topic(
                viewer=request.user, topic=form.cleaned_data["topic"]
            )
        )
    return render(
        request,
        "insights/experts.html",
        {"form": form, "experts": experts},
        status=422 if form.errors else 200,
    )
