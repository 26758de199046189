"""Errors raised by actions and access helpers, phrased for people.

Views and the API translate them into a page or JSON with the status code
they carry, so a rule broken anywhere answers the same way everywhere.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request that breaks a rule of the domain (422 unless said otherwise)."""

    status_code = 422

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """The request clashes with the current state: a duplicate, a repeat."""

    status_code = 409


class ForbiddenError(DomainError):
    """The user may see the object but not do this to it."""

    status_code = 403
