"""Page numbers from query strings, bounded so no input can cost a 500."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet

T = TypeVar("T")
M = TypeVar("M", bound=Model)

MAX_PAGE = 100_000


def parse_page_number(raw: str | None) -> int:
    """A 1-based page number; anything unreadable means the first page."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def paginate(queryset: QuerySet[M, Any], *, number: int, per_page: int) -> Page[Any]:
    """Slice one page; a page past the end is clamped to the last page.

    `queryset` must be ordered and filterable (not a union).
    """
    total = queryset.count()
    last = max(1, -(-total // per_page))
    number = min(number, last)
    start = (number - 1) * per_page
    page = queryset[start : start + per_page]
    if start and not queryset.query.distinct:
        # Deep pages: pick the page's keys in a subquery the database answers
        # from an index, then read only those rows with their joins. A plain
        # OFFSET builds (and joins) every skipped row: page 100 of a list
        # would cost a hundred pages. Still one query.
        page = queryset.filter(pk__in=queryset.values("pk")[start : start + per_page])
    return Page(list(page), number, per_page, total)
