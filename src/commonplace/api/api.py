"""API v1: one NinjaAPI assembled from each app's router, with errors for people."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from commonplace.accounts.api import router as accounts_router
from commonplace.accounts.api_auth import SessionOrAnonymous, TokenAuth
from commonplace.communities.api import people_router
from commonplace.communities.api import router as communities_router
from commonplace.core.errors import DomainError
from commonplace.discussions.api import router as discussions_router
from commonplace.events.api import router as events_router
from commonplace.insights.api import router as insights_router
from commonplace.repertoire.api import router as repertoire_router
from commonplace.search.api import router as search_router

api = NinjaAPI(
    title="Commonplace API",
    version="1",
    description=(
        "Communities, memberships, threads, posts, votes and accepted answers. "
        "Authenticate with a personal access token: `Authorization: Bearer cp_…` "
        "(create one under Account → API tokens). Reads without a token see what "
        "anonymous visitors see."
    ),
    auth=[TokenAuth(), SessionOrAnonymous()],
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/communities", communities_router)
api.add_router("/communities", discussions_router)
api.add_router("/communities", repertoire_router)
api.add_router("/communities", events_router)
api.add_router("/", search_router)
api.add_router("/", insights_router)
api.add_router("/", people_router)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, object] = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return api.create_response(
        request, {"detail": f"The request is too large: send at most {limit} MB."}, status=413
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Authentication required: send a personal access token as a Bearer token."},
        status=401,
    )


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", [])[1:]), "message": e.get("msg", "")}
        for e in exc.errors
    ]
    summary = "; ".join(
        f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors
    )
    return api.create_response(
        request, {"detail": f"Invalid input: {summary}", "errors": errors}, status=422
    )
