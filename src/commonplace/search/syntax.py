"""The search box's language: words, "quoted phrases", -exclusions and filters.

    dry hopping "hop creep" -lager topic:hops kind:case is:unanswered
    author:alice community:brewers after:2024-01-01 before:2024-12-31

Parsing never fails: what it cannot use becomes a sentence in `notes`, shown
to the person, and the rest of the query still runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from commonplace.search.text import words

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
FLAGS = ("unanswered", "answered", "resolved", "unresolved")
FILTERS = ("topic", "kind", "is", "author", "community", "in", "type", "before", "after")
TYPES = {"thread": "thread", "threads": "thread", "reply": "reply", "replies": "reply",
         "entry": "entry", "entries": "entry", "member": "member", "members": "member",
         "people": "member", "person": "member", "event": "event", "events": "event"}  # fmt: skip

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass
class Query:
    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)
    topic: str = ""
    kind: str = ""
    type: str = ""
    author: str = ""
    community: str = ""
    flags: set[str] = field(default_factory=set)
    after: date | None = None
    before: date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.terms or self.phrases)

    @property
    def has_filters(self) -> bool:
        return bool(
            self.topic or self.kind or self.type or self.author or self.community
            or self.flags or self.after or self.before
        )  # fmt: skip

    @property
    def is_empty(self) -> bool:
        return not (self.has_text or self.has_filters)


def _date(value: str, name: str, notes: list[str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        notes.append(f"“{name}:{value}” was ignored: write dates as YYYY-MM-DD.")
        return None


def _apply_filter(query: Query, name: str, value: str) -> None:
    value = value.strip().lower()
    if not value:
        query.notes.append(f"“{name}:” needs a value, as in {name}:something.")
    elif name == "topic":
        query.topic = value
    elif name == "kind":
        query.kind = value.replace("-", "_")
    elif name == "type":
        if value in TYPES:
            query.type = TYPES[value]
        else:
            query.notes.append(
                f"“type:{value}” was ignored: use thread, reply, entry, event or member."
            )
    elif name == "is":
        if value in FLAGS:
            query.flags.add(value)
        else:
            query.notes.append(f"“is:{value}” was ignored: use {', '.join(FLAGS)}.")
    elif name == "author":
        query.author = value.lstrip("@")
    elif name in ("community", "in"):
        query.community = value
    elif name in ("after", "before"):
        setattr(query, name, _date(value, name, query.notes))


def parse(raw: str) -> Query:
    """Read what someone typed into the search box."""
    query = Query()
    text = raw.replace("\x00", " ").strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        query.notes.append(f"Only the first {MAX_QUERY_CHARS} characters were searched.")
    count = 0
    for match in _TOKEN.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            name, sep, value = bare.partition(":")
            if sep and name.lower() in FILTERS:
                _apply_filter(query, name.lower(), value)
                continue
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            pieces = words(bare)
        else:
            pieces = words(quoted)
        if not pieces:
            continue
        count += len(pieces)
        if count > MAX_TERMS:
            query.notes.append(f"Only the first {MAX_TERMS} words were searched.")
            break
        if negated:
            query.excluded.append(pieces)
        elif quoted is not None and len(pieces) > 1:
            query.phrases.append(pieces)
        elif len(pieces) > 1:
            # "hop-creep" typed bare is a phrase of its words, as people mean it.
            query.phrases.append(pieces)
        else:
            query.terms.append(pieces[0])
    if query.excluded and not query.has_text:
        query.notes.append("Add a word to look for: exclusions alone match nothing.")
    if query.after and query.before and query.after > query.before:
        query.notes.append("“after:” is later than “before:”, so nothing can match.")
    return query
