"""Shared language: a community's glossary terms, linked where its members use them.

A glossary entry's title is the term; the comma- or line-separated list under its
"## Synonyms" heading names the same thing in other words. Posts and entries of the
community link the first use of each term to the entry, with a short definition as
the link's title.

Speed: the terms of a community become one compiled matcher, kept in Django's cache
under the community id and a glossary version; every write to a glossary entry bumps
the version (`bump_glossary_version`), which makes the old matcher and every linked
fragment rendered with it unreachable. Linked fragments are cached by the version and
a hash of their HTML, so an edited post (new HTML) is linked afresh.

Privacy: the matcher is built from, and keyed by, one community only. A fragment is
linked with the terms of the community it is shown in and no other, so a private
community's terms and definitions never reach another community's pages.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeAlias

import lxml.etree
import lxml.html
from django.core.cache import cache
from django.db import transaction
from lxml.etree import _Element

from commonplace.core.markdown import sanitize_html
from commonplace.repertoire.models import Entry, EntryKind, Maturity

# Every key expires, so a process whose cache is not shared (the local-memory
# default) picks up another process's edits within this time at the latest.
CACHE_SECONDS = 60 * 60
DEFINITION_LENGTH = 160
MAX_SYNONYMS, MAX_TERM_LENGTH = 20, 100
# Text inside these is code, a link already, or a heading: never linked.
SKIPPED_TAGS = frozenset({"a", "code", "pre", "kbd", "h1", "h2", "h3", "h4", "h5", "h6"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
SYNONYM_SEPARATORS = re.compile(r"[,\n]")
WORD = re.compile(r"\w")
# Characters XML (so lxml) refuses, such as control characters: they are invisible
# in a page, and a fragment holding one could not be linked at all.
NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Phrases by character; the key "" marks the end of a phrase.
Trie: TypeAlias = dict[str, "Trie"]


@dataclass(frozen=True)
class GlossaryTerm:
    entry_id: int
    href: str
    definition: str


@dataclass(frozen=True)
class GlossaryMatcher:
    """The live terms of one community; `pattern` is None when it has none."""

    pattern: re.Pattern[str] | None
    # Normalized phrase (words single-spaced, lower case) -> the term it names.
    terms: dict[str, GlossaryTerm]


# --- versions ------------------------------------------------------------------------


def glossary_version_key(community_id: int) -> str:
    return f"repertoire:glossary:version:{community_id}"


def get_glossary_version(community_id: int) -> int:
    key = glossary_version_key(community_id)
    version = cache.get(key)
    if version is None:
        # Start from the clock, not from 1: after the cache lost the key (eviction,
        # restart), a counter from 1 could meet a matcher cached under an old number.
        cache.add(key, time.time_ns(), CACHE_SECONDS)
        version = cache.get(key)
    return int(version) if version is not None else time.time_ns()


def bump_glossary_version(community_id: int) -> None:
    """Invalidate the community's matcher and linked fragments. Call after any write to
    one of its glossary entries (create, edit, maturity change, deletion).

    The version is bumped at once and again when the transaction commits: a reader
    that rebuilt the matcher in between saw the entries as they were before the write
    and cached them under the first new number; the second bump retires that matcher.
    """
    _bump(community_id)
    transaction.on_commit(lambda: _bump(community_id))


def _bump(community_id: int) -> None:
    key = glossary_version_key(community_id)
    try:
        cache.incr(key)
    except ValueError:  # not cached (yet, or any more)
        cache.set(key, time.time_ns(), CACHE_SECONDS)


# --- reading terms out of glossary entries -------------------------------------------


def _normalize(phrase: str) -> str:
    # lower(), not casefold(): the pattern is built from these, and the regex engine's
    # case-insensitive matching would not find "Straße" in a pattern folded to "strasse".
    return " ".join(phrase.split()).lower()


def _sections(body_html: str) -> tuple[list[_Element], dict[str, list[_Element]]]:
    """The blocks before the first heading, and the blocks under each heading by name."""
    root = lxml.html.fragment_fromstring(body_html or "", create_parent="div")
    lead: list[_Element] = []
    sections: dict[str, list[_Element]] = {}
    current = lead
    for block in root:
        if block.tag in HEADINGS:
            current = sections.setdefault(_normalize(block.text_content()), [])
        elif isinstance(block.tag, str):
            current.append(block)
    return lead, sections


def parse_synonyms(body_html: str) -> list[str]:
    """The terms listed under the entry's "Synonyms" heading, in order, without repeats."""
    _, sections = _sections(body_html)
    found: dict[str, str] = {}
    for block in sections.get("synonyms", []):
        items = block.findall(".//li") if block.tag in {"ul", "ol"} else [block]
        for item in items:
            for part in SYNONYM_SEPARATORS.split(item.text_content()):
                synonym = " ".join(part.split()).strip(" .;")
                if WORD.search(synonym) and len(synonym) <= MAX_TERM_LENGTH:
                    found.setdefault(_normalize(synonym), synonym)
    return list(found.values())[:MAX_SYNONYMS]


def short_definition(body_html: str) -> str:
    """The "Definition" section (or else the text before the first heading), shortened."""
    lead, sections = _sections(body_html)
    blocks = sections.get("definition") or lead
    text = " ".join(NOT_XML.sub("", " ".join(b.text_content() for b in blocks)).split())
    if len(text) <= DEFINITION_LENGTH:
        return text
    return text[: DEFINITION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def build_glossary_matcher(community_id: int) -> GlossaryMatcher:
    """One query: the community's live glossary entries (not deleted, not retired)."""
    rows = (
        Entry.objects.filter(
            community_id=community_id, kind=EntryKind.GLOSSARY, deleted_at__isnull=True
        )
        .exclude(maturity=Maturity.RETIRED)
        .order_by("pk")
        .values_list("pk", "title", "body_html", "community__slug")
    )
    terms: dict[str, GlossaryTerm] = {}
    synonyms: list[tuple[str, GlossaryTerm]] = []
    for entry_id, title, body_html, slug in rows:
        # Entry pages are being built at this address; a plain path keeps this
        # module free of the repertoire's URL configuration for now.
        term = GlossaryTerm(
            entry_id=entry_id,
            href=f"/c/{slug}/r/{entry_id}/",
            definition=short_definition(body_html),
        )
        # A title names its own entry even if another entry lists it as a synonym;
        # between two entries with the same term, the older one wins.
        if WORD.search(title):
            terms.setdefault(_normalize(title), term)
        synonyms.extend((synonym, term) for synonym in parse_synonyms(body_html))
    for synonym, term in synonyms:
        terms.setdefault(_normalize(synonym), term)
    return compile_glossary_matcher(terms)


def compile_glossary_matcher(terms: dict[str, GlossaryTerm]) -> GlossaryMatcher:
    """One pattern for all `terms` (keys normalized with `_normalize`)."""
    if not terms:
        return GlossaryMatcher(pattern=None, terms={})
    trie: Trie = {}
    for phrase in terms:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}  # a phrase ends here
    pattern = re.compile(rf"(?<!\w){_trie_pattern(trie)}(?!\w)", re.IGNORECASE)
    return GlossaryMatcher(pattern=pattern, terms=terms)


def _trie_pattern(node: Trie) -> str:
    """The phrases below `node` as one regex that branches per character.

    A flat alternation of hundreds of terms makes the engine try each at every
    position of every post; the trie tries one branch per character instead. Each
    optional tail is greedy, so the longest term wins ("feature flag" over
    "feature"), and backtracking falls back to a shorter term when the longer one
    does not end at a word boundary. A space stands for any run of whitespace,
    since Markdown wraps lines anywhere.
    """
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_pattern(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    joined = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{joined})?" if "" in node else joined


@lru_cache(maxsize=256)
def _matcher(community_id: int, version: int) -> GlossaryMatcher:
    # Kept per process as well, so a page of many posts unpickles and recompiles
    # the matcher once; the version in the key keeps it as fresh as the shared cache.
    key = f"repertoire:glossary:matcher:{community_id}:{version}"
    matcher = cache.get(key)
    if matcher is None:
        matcher = build_glossary_matcher(community_id)
        cache.set(key, matcher, CACHE_SECONDS)
    return matcher


def get_glossary_matcher(community_id: int) -> GlossaryMatcher:
    return _matcher(community_id, get_glossary_version(community_id))


# --- linking -------------------------------------------------------------------------


def link_glossary_terms(community_id: int, body_html: str, *, skip_entry_id: int = 0) -> str:
    """`body_html` (a fragment of the community `community_id`) with the first use of
    each of the community's glossary terms linked to its entry, sanitized.

    The caller has established that the fragment belongs to that community (it shows
    it on that community's page). `skip_entry_id` leaves one entry's terms unlinked:
    a glossary entry's own page does not link to itself.
    """
    version = get_glossary_version(community_id)
    matcher = _matcher(community_id, version)
    if matcher.pattern is None:
        return sanitize_html(body_html)
    digest = hashlib.sha256(body_html.encode()).hexdigest()
    key = f"repertoire:glossary:html:{community_id}:{version}:{skip_entry_id}:{digest}"
    linked = cache.get(key)
    if linked is None:
        linked = sanitize_html(_link(body_html, matcher.pattern, matcher.terms, skip_entry_id))
        cache.set(key, linked, CACHE_SECONDS)
    return str(linked)


def _link(
    body_html: str, pattern: re.Pattern[str], terms: dict[str, GlossaryTerm], skip_entry_id: int
) -> str:
    # Cheap test first: most fragments use no term at all, and need no parsing. The
    # text is unescaped so that a term such as "R&D" is found in "R&amp;D"; a term
    # found only in markup (an attribute) costs one parse, then nothing is linked.
    if not pattern.search(html_lib.unescape(body_html)):
        return body_html
    try:
        root = lxml.html.fragment_fromstring(NOT_XML.sub("", body_html), create_parent="div")
    except (ValueError, lxml.etree.ParserError):
        return body_html  # shown as it is, unlinked, rather than not at all
    linked: set[int] = {skip_entry_id}

    def anchors(text: str | None) -> tuple[str | None, list[_Element]]:
        """`text` up to the first new term, and a link per new term (its tail the rest)."""
        if not text:
            return text, []
        lead: str | None = None
        made: list[_Element] = []
        position = 0
        for match in pattern.finditer(text):
            term = terms.get(_normalize(match.group()))
            if term is None or term.entry_id in linked:
                continue
            linked.add(term.entry_id)
            before = text[position : match.start()]
            if made:
                made[-1].tail = before
            else:
                lead = before
            link = lxml.html.Element("a", {"class": "glossary-term", "href": term.href})
            if term.definition:
                link.set("title", term.definition)
            link.text = match.group()
            made.append(link)
            position = match.end()
        if not made:
            return text, []
        made[-1].tail = text[position:]
        return lead, made

    # Document order without recursion (imported HTML may nest deeply): an element's
    # text, then each child's subtree followed by the child's tail.
    stack: list[tuple[bool, _Element]] = [(True, root)]
    while stack:
        entering, element = stack.pop()
        if not entering:
            element.tail, made = anchors(element.tail)
            parent = element.getparent()
            if made and parent is not None:
                at = parent.index(element) + 1
                for offset, link in enumerate(made):
                    parent.insert(at + offset, link)
            continue
        if not isinstance(element.tag, str) or element.tag in SKIPPED_TAGS:
            continue
        children = list(element)
        element.text, made = anchors(element.text)
        for offset, link in enumerate(made):
            element.insert(offset, link)
        for child in reversed(children):
            stack.append((False, child))
            stack.append((True, child))
    serialized = lxml.html.tostring(root, encoding="unicode")
    return serialized.removeprefix("<div>").removesuffix("</div>")
