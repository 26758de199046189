"""The one Markdown renderer. Everything users write goes through it.

markdown-it renders CommonMark with tables, strikethrough and bare links;
nh3 then keeps only an allow-list of tags and attributes, so neither
user input nor imported HTML can carry scripts, styles or event handlers.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdownify import markdownify

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "dd", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol",
    "p", "pre", "s", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "code": {"class"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Class values, not the class attribute: a link keeps only the glossary's marker.
ALLOWED_CLASSES = {"a": {"glossary-term"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: raw HTML typed into a post is shown as text, not parsed.
    return MarkdownIt("commonmark", {"html": False, "linkify": True}).enable(
        ["table", "strikethrough", "linkify"]
    )


def sanitize_html(html: str) -> str:
    """Reduce arbitrary HTML (rendered or imported) to the allow-list."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        allowed_classes=ALLOWED_CLASSES,
        link_rel="nofollow noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    """Render user Markdown to safe HTML."""
    return sanitize_html(_parser().render(text))


def strip_tags(source_html: str) -> str:
    """Plain text of an HTML fragment (for short fields such as a profile's about)."""
    return html.unescape(nh3.clean(source_html, tags=set())).strip()


def html_to_text(source_html: str) -> str:
    """Editable Markdown for imported HTML (the HTML itself is kept, sanitized)."""
    return markdownify(sanitize_html(source_html), heading_style="ATX").strip()


QUOTED = re.compile(r"^\s*>")


def render_plain_text(text: str) -> str:
    """Render e-mail or chat text: paragraphs kept, links live, quoted text folded.

    Runs of quoted lines ("> ...") become a collapsed <details>, so a reply
    reads as what was said, with what it answers one click away.
    """
    blocks: list[str] = []
    quoted: list[str] = []
    plain: list[str] = []

    def flush_plain() -> None:
        for paragraph in re.split(r"\n\s*\n", "\n".join(plain)):
            lines = paragraph.strip("\n").splitlines()
            if any(line.strip() for line in lines):
                blocks.append("<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>")
        plain.clear()

    def flush_quoted() -> None:
        if quoted:
            inner = "<br>".join(html.escape(QUOTED.sub("", line, count=1)) for line in quoted)
            blocks.append(
                f"<details><summary>Quoted text ({len(quoted)} lines)</summary>"
                f"<blockquote>{inner}</blockquote></details>"
            )
            quoted.clear()

    for line in text.splitlines():
        if QUOTED.match(line):
            flush_plain()
            quoted.append(line)
        else:
            flush_quoted()
            plain.append(line)
    flush_plain()
    flush_quoted()
    return sanitize_html(_linkify("\n".join(blocks)))


URL = re.compile(r"(?<![\"'=])(https?://[^\s<>\"']+[^\s<>\"'.,;:!?)])")


def _linkify(fragment: str) -> str:
    return URL.sub(r'<a href="\1">\1</a>', fragment)
