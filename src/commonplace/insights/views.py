"""The mirror's pages: find an expert, suggested answerers, a community's knowledge map."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commonplace.accounts.access import access_user, signed_in_user
from commonplace.communities.access import access_community_content
from commonplace.discussions.access import access_thread
from commonplace.insights import queries, routing
from commonplace.insights.constellation import (
    CHART_HEIGHT as SKY_HEIGHT,
)
from commonplace.insights.constellation import (
    CHART_WIDTH as SKY_WIDTH,
)
from commonplace.insights.constellation import (
    build_constellation,
    chart,
    links_around,
)
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


def constellation(request: HttpRequest) -> HttpResponse:
    found = build_constellation(viewer=request.user)
    nodes, edges = chart(found)
    return render(
        request,
        "insights/constellation.html",
        {
            "constellation": found,
            "nodes": nodes,
            "edges": edges,
            "chart_width": SKY_WIDTH,
            "chart_height": SKY_HEIGHT,
        },
    )


def knowledge_map(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    knowledge = build_map(access.community)
    neighbours = links_around(community=access.community, viewer=request.user)
    return render(
        request,
        "insights/knowledge_map.html",
        {
            "community": access.community,
            "access": access,
            "map": knowledge,
            "tiles": treemap(knowledge),
            "neighbours": neighbours,
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


def suggested_answerers(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    """The asker's panel of people routing suggested (htmx polls it while routing runs)."""
    access = access_community_content(user=request.user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    suggested = queries.suggested_answerers_for(viewer=request.user, access=access, thread=thread)
    if suggested is None:
        raise Http404("Only the asker and the coordinators see who was suggested.")
    return render(
        request,
        "insights/_suggested_body.html",
        {"community": access.community, "thread": thread, "suggested": suggested},
    )


@login_required
@require_POST
def ask_suggested_answerer(
    request: HttpRequest, slug: str, thread_id: int, username: str
) -> HttpResponse:
    """The asker tells one suggested person about their question."""
    user = signed_in_user(request)
    access = access_community_content(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    person = access_user(username=username)
    routing.ask_suggested_answerer(thread=thread, person=person, by=user)
    messages.success(request, f"{person.name} now knows about your question.")
    return redirect("discussions:thread", slug=slug, thread_id=thread.pk)
