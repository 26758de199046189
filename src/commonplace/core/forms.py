"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms

from commonplace.core.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show an action's error next to the field it concerns, or above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def split_list(value: str) -> list[str]:
    """Comma- or newline-separated text as a list of trimmed items."""
    return [item.strip() for item in value.replace("\n", ",").split(",") if item.strip()]
