"""The mirror's pages: find an expert, and a community's knowledge map."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from commonplace.communities.access import access_community_content
from commonplace.insights import queries
from commonplace.insights.forms import FindExpertForm
from commonplace.insights.knowledge_map import (
    CHART_HEIGHT,
    CHART_WIDTH,
    build_map,
    csv_rows,
    treemap,
)


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


def knowledge_map(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    knowledge = build_map(access.community)
    return render(
        request,
        "insights/knowledge_map.html",
        {
            "community": access.community,
            "access": access,
            "map": knowledge,
            "tiles": treemap(knowledge),
            "chart_width": CHART_WIDTH,
            "chart_height": CHART_HEIGHT,
        },
    )


def knowledge_map_csv(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-knowledge-map.csv"'
    csv.writer(response).writerows(csv_rows(build_map(access.community)))
    return response
