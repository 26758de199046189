"""What every importer produces: source-neutral records, one per thing to create.

Parsers turn a source (a Stack Exchange dump, an mbox, a Discourse or Slack
export) into these records; one loader writes them through the actions. Each
record names its source location so a problem can be reported as file:line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class PersonRecord:
    external_id: str
    display_name: str
    location: str
    created_at: datetime | None = None
    email: str = ""
    about_html: str = ""


@dataclass(frozen=True)
class ThreadRecord:
    external_id: str
    location: str
    author_id: str | None
    title: str
    created_at: datetime
    kind: str = "request_for_information"
    body_html: str | None = None
    body_text: str | None = None
    tags: tuple[str, ...] = ()
    source_url: str = ""


@dataclass(frozen=True)
class PostRecord:
    """A reply to a thread (answering `reply_to_id` if known), or, with
    `parent_id`, a comment on one of its posts."""

    external_id: str
    location: str
    thread_id: str
    author_id: str | None
    created_at: datetime
    body_html: str | None = None
    body_text: str | None = None
    parent_id: str | None = None
    reply_to_id: str | None = None
    source_url: str = ""


@dataclass(frozen=True)
class VoteRecord:
    external_id: str
    location: str
    post_id: str
    voter_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class AcceptRecord:
    location: str
    thread_id: str
    post_id: str
    at: datetime | None = None


@dataclass(frozen=True)
class LinkRecord:
    external_id: str
    location: str
    from_thread_id: str
    to_thread_id: str
    kind: str  # "duplicate" or "related"
    created_at: datetime


@dataclass(frozen=True)
class Problem:
    """A record that could not be imported, and why."""

    location: str
    reason: str


@dataclass(frozen=True)
class Skipped:
    """A record left out on purpose (a repeated message), counted in the summary."""

    location: str
    reason: str


Record = (
    Skipped
    | PersonRecord
    | ThreadRecord
    | PostRecord
    | VoteRecord
    | AcceptRecord
    | LinkRecord
    | Problem
)


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.skipped
