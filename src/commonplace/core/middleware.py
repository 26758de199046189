from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import render
from django.utils import timezone

from commonplace.core.errors import DomainError
from commonplace.core.zones import zone_named

NUL = "\x00"


class TimeZoneMiddleware:
    """Show and read times in the signed-in person's time zone, if they chose one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Read off the user rather than imported from accounts, which sits above core.
        name = getattr(getattr(request, "user", None), "time_zone", "")
        if name:
            timezone.activate(zone_named(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            # The thread serves someone else next.
            timezone.deactivate()


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


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class RejectNullCharactersMiddleware:
    """Answer 400 to a NUL character in the address, the query string or a JSON body.

    PostgreSQL can neither store nor compare text holding NUL, so such input
    would fail deep inside a query with a 500. Forms refuse it on their own;
    this covers URL parts, query parameters and API payloads for every view.
    """

    message = "Text may not contain null characters (\\u0000)."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._holds_nul(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": self.message}, status=400)
        return render(request, "error.html", {"status": 400, "message": self.message}, status=400)

    def _holds_nul(self, request: HttpRequest) -> bool:
        if NUL in request.path or NUL in unquote(request.META.get("QUERY_STRING", "")):
            return True
        if not request.path.startswith("/api/"):
            return False  # forms refuse NUL themselves; only the API reads raw JSON
        try:
            body = request.body
        except (RequestDataTooBig, RawPostDataException):
            return False  # the view answers an oversized body itself
        # JSON carries NUL only as an escape; parse only the bodies that have one.
        # (The API reads JSON whatever the content type; forms refuse NUL themselves.)
        if b"\\u0000" not in body:
            return False
        try:
            return _holds_nul(json.loads(body))
        except (ValueError, RecursionError):
            return False  # not JSON the API could read either: it answers 400
