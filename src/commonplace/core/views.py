"""Error pages that say what happened in words."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """An error page for people, or JSON for API callers."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = (
        str(exception) if exception and str(exception) else "There is nothing at this address."
    )
    if "resolver404" in message or message.startswith("{"):
        message = "There is nothing at this address."
    return _error(request, 404, message)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        status, message = 413, "What you sent is too large. Shorten it and try again."
    else:
        status, message = 400, "The request could not be understood. Go back and try again."
    return _error(request, status, message)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "You may not do that."
    return _error(request, 403, message)


def server_error(request: HttpRequest) -> HttpResponse:
    # Standalone page without context processors: whatever broke (the
    # database, a template) must not break the error page too.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "error.html",
        {
            "status": 403,
            "message": "This form has expired or was sent from elsewhere. "
            "Go back, reload the page and try again.",
        },
        status=403,
    )
