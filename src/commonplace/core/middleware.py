from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from commonplace.core.errors import DomainError


class DomainErrorMiddleware:
    """Answer a `DomainError` that no view handled with a page for people.

    Views turn errors they expect into form errors; this is the net under
    them, so a broken rule is a 4xx with a sentence, never a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return render(
                request,
                "error.html",
                {"status": exception.status_code, "message": exception.message},
                status=exception.status_code,
            )
        return None
