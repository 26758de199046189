"""Who is calling the API: a personal access token, a browser session, or nobody.

Reads are open to anonymous callers (they see what anonymous visitors see);
writes need a user. Session callers must send the CSRF token on writes,
so a third-party page cannot act with someone's cookies.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from commonplace.accounts.actions import authenticate_api_token
from commonplace.accounts.models import User

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = authenticate_api_token(token)
        if user is None:
            # A wrong token is an error, not a silent fall-back to anonymous.
            raise AuthenticationError()
        return user

    def __call__(self, request: HttpRequest) -> Any:
        if "Authorization" not in request.headers:
            return None
        return super().__call__(request)


class SessionOrAnonymous:
    """The session's user (CSRF-checked on writes), else an anonymous visitor."""

    def __call__(self, request: HttpRequest) -> Any:
        if request.user.is_authenticated:
            if request.method not in SAFE_METHODS and check_csrf(request):
                raise HttpError(
                    403,
                    "CSRF check failed: send the X-CSRFToken header, "
                    "or use a personal access token.",
                )
            return request.user
        return AnonymousUser()


def require_user(request: HttpRequest) -> User:
    """The calling user; 401 for anonymous callers."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


def viewer(request: HttpRequest) -> Any:
    return getattr(request, "auth", None) or AnonymousUser()
