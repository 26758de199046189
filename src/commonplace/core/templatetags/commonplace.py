"""Template helpers for the shapes used on every page: avatars and badges."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.timesince import timesince

register = template.Library()


@register.simple_tag
def avatar(person: Any, size: str = "md") -> str:
    """An initials avatar; a removed account shows as a neutral placeholder."""
    if person is None:
        return format_html('<span class="avatar avatar-{}" aria-hidden="true">?</span>', size)
    return format_html(
        '<span class="avatar avatar-{}" style="--hue: {}" aria-hidden="true">{}</span>',
        size,
        person.avatar_hue,
        person.initials,
    )


@register.simple_tag
def kind_badge(thread: Any) -> str:
    return format_html(
        '<span class="badge badge-kind" data-kind="{}">{}</span>',
        thread.kind,
        thread.get_kind_display(),
    )


@register.filter
def person_name(person: Any) -> str:
    return person.name if person is not None else "a former member"


@register.filter
def ago(moment: Any) -> str:
    """ "3 days ago": one unit is enough to judge how fresh something is."""
    if moment is None:
        return "never"
    elapsed = timesince(moment, depth=1)
    return "just now" if elapsed.startswith("0\xa0") else f"{elapsed} ago"
