from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from commonplace.accounts.models import ApiToken, User


def access_user(*, username: str) -> User:
    """An active person by username (profiles are visible to everyone who can
    reach the site; what they show is filtered by the viewer's rights)."""
    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise Http404("No such person.") from None


def access_own_token(*, user: User, token_id: int) -> ApiToken:
    try:
        return ApiToken.objects.get(pk=token_id, user=user)
    except ApiToken.DoesNotExist:
        raise Http404("No such token.") from None


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in person of a request behind `login_required`."""
    if not isinstance(request.user, User):
        raise PermissionDenied("Log in first.")
    return request.user
