from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request, so a fragment answers instead of a page."""
    return bool(getattr(request, "htmx", False))
