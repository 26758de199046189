"""Schemas shared by every app's API."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from ninja import Schema

from commonplace.core.pagination import Page

T = TypeVar("T")


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
