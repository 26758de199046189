"""Small helpers shared by the search tests (not tests themselves)."""

from __future__ import annotations

import html
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.test import Client

from commonplace.accounts.models import User
from commonplace.communities.models import Community, Membership
from commonplace.search import queries
from commonplace.search.models import Document

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# What a rebuild must reproduce exactly, per document.
DOC_FIELDS = (
    "doc_type", "object_id", "community_id", "thread_id", "kind", "title", "body", "topics",
    "author_id", "created_at", "is_resolved", "is_answered", "helpful",
)  # fmt: skip


def membership(community: Community, user: User) -> Membership:
    return Membership.objects.get(community=community, user=user)


def doc(doc_type: str, object_id: int) -> Document | None:
    return Document.objects.filter(doc_type=doc_type, object_id=object_id).first()


def snapshot() -> set[tuple[Any, ...]]:
    """Every document as a comparable tuple (boost rounded: it is a float)."""
    return {
        (*row[:-1], round(row[-1], 6))
        for row in Document.objects.values_list(*DOC_FIELDS, "boost")
    }


def found(text: str, user: Any = None, **options: Any) -> list[tuple[str, int]]:
    """(doc_type, object_id) of one page of results, in ranked order."""
    page = queries.search(user=user or AnonymousUser(), text=text, **options)
    return [(r.doc_type, r.hit.object_id) for r in page.results]


def browser(user: User | None = None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user, backend=MODEL_BACKEND)
    return client


def page_text(response: Any) -> str:
    return html.unescape(response.content.decode())
