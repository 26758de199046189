"""Template helpers of the shared repertoire. Load with {% load repertoire %}."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from commonplace.communities.models import Community
from commonplace.core.markdown import sanitize_html
from commonplace.repertoire.glossary import link_glossary_terms
from commonplace.repertoire.models import Entry

register = template.Library()


@register.filter
def link_glossary(body_html: str, community: Community | str | None) -> SafeString:
    """`{{ post.body_html|link_glossary:community }}`: the fragment with the community's
    glossary terms linked. `community` is the one whose page shows the fragment (so
    only its own terms are used); without one (None, or a missing variable), nothing is
    linked."""
    if not isinstance(community, Community):
        linked = sanitize_html(str(body_html))
    else:
        linked = link_glossary_terms(community.pk, str(body_html))
    # Both paths end in the allow-list sanitizer, so the result is safe to mark.
    return mark_safe(linked)  # noqa: S308


@register.simple_tag
def entry_body(entry: Entry) -> SafeString:
    """An entry's text with its community's glossary terms linked, never to itself."""
    linked = link_glossary_terms(entry.community_id, entry.body_html, skip_entry_id=entry.pk)
    return mark_safe(linked)  # noqa: S308 - link_glossary_terms ends in the sanitizer
