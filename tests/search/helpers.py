"""Small helpers shared by the search tests (not tests themselves)."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.test import Client, override_settings

from commonplace.accounts.models import User
from commonplace.communities.models import Community, Membership
from commonplace.search import queries
from commonplace.search.models import Document

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

D = TypeVar("D")


@contextmanager
def module_data(django_db_blocker: Any) -> Iterator[None]:
    """Data written once for a whole module, and rolled back after its last test.

    Each test still runs in its own savepoint inside this transaction, so what
    a test writes is gone before the next one starts.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)


def fresh(data: D) -> D:
    """A copy of a dataclass of model instances, each read again from the database.

    Tests may change the instances they are handed; the next test must not see that.
    """
    changes = {}
    for item in dataclasses.fields(data):  # type: ignore[arg-type]
        value = getattr(data, item.name)
        if isinstance(value, models.Model):
            changes[item.name] = type(value)._default_manager.get(pk=value.pk)
    return dataclasses.replace(data, **changes)  # type: ignore[type-var]


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
        (*row[:-1], round(row[-1], 6)) for row in Document.objects.values_list(*DOC_FIELDS, "boost")
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
