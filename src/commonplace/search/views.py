"""The search page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from commonplace.core.pagination import parse_page_number
from commonplace.search import queries
from commonplace.search.forms import SearchForm


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, user=request.user)
    page = None
    if form.is_bound and form.is_valid():
        page = queries.search(
            user=request.user,
            text=form.query_text(),
            page=parse_page_number(request.GET.get("page")),
        )
    return render(
        request,
        "search/search.html",
        {"form": form, "page": page, "syntax": queries.SYNTAX_HELP},
        status=422 if form.errors else 200,
    )
