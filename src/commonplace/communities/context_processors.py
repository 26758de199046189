"""What every page's header shows about the signed-in person."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from commonplace.communities.queries import count_unread_notifications


def notifications(request: HttpRequest) -> dict[str, Any]:
    # Lazy: pages without the site header (API, files) never count.
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: count_unread_notifications(user=request.user)
        )
    }
