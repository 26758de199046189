"""Schemas shared by every app's API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, TypeVar

from ninja import Field, Schema

from commonplace.core.pagination import Page

T = TypeVar("T")

# A row id as the databases store it (64-bit): a larger number is a 422, not a
# database error.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class PersonOut(Schema):
    username: str
    name: str
    initials: str


class PageOut(Schema, Generic[T]):
    items: list[T]
    page: int
    pages: int
    count: int


def page_out(page: Page[object]) -> dict[str, object]:
    return {"items": page.items, "page": page.number, "pages": page.num_pages, "count": page.total}


class DetailOut(Schema):
    detail: str


class TimestampedOut(Schema):
    created_at: datetime
