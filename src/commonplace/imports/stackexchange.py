"""Stack Exchange data dumps (the official XML: Posts, Users, Comments, Votes, PostLinks).

Files are read with lxml's iterparse and each element is cleared as soon as
it is read, so memory stays flat however large the dump. Posts.xml is read
three times (questions, then answers, then accepted answers) so that every
record can refer to one already written, without holding the dump in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from commonplace.imports.records import (
    AcceptRecord,
    LinkRecord,
    PersonRecord,
    PostRecord,
    Problem,
    Record,
    ThreadRecord,
    VoteRecord,
)

TAG = re.compile(r"<([^<>]+)>")
UPVOTE, ACCEPT_VOTE = "2", "1"
LINK_KINDS = {"1": "related", "3": "duplicate"}


class DumpError(Exception):
    """The dump as a whole cannot be read (missing folder or file, not XML)."""


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, attributes) of every <row> in a dump file, streamed."""
    try:
        context = etree.iterparse(str(path), events=("end",), tag="row", huge_tree=True)
        for _, element in context:
            yield element.sourceline or 0, dict(element.attrib)
            # Free what was read: the file may be far larger than memory.
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise DumpError(f"{path.name}:{error.lineno}: not well-formed XML ({error.msg})") from None
    except OSError as error:
        raise DumpError(f"{path.name}: cannot be read ({error.strerror or error})") from None


class StackExchangeDump:
    """A dump folder. `site` names the site for source URLs (beer.stackexchange.com)."""

    required = ("Posts.xml", "Users.xml")

    def __init__(self, folder: Path, *, site: str | None = None) -> None:
        if not folder.is_dir():
            raise DumpError(f"{folder}: no such folder")
        missing = [name for name in self.required if not (folder / name).is_file()]
        if missing:
            raise DumpError(f"{folder}: missing {', '.join(missing)}")
        self.folder = folder
        self.site = site or f"{folder.name}.stackexchange.com"

    @property
    def source(self) -> str:
        return f"stackexchange:{self.site}"

    def _question_url(self, post_id: str) -> str:
        return f"https://{self.site}/q/{post_id}"

    def _answer_url(self, post_id: str) -> str:
        return f"https://{self.site}/a/{post_id}"

    def _rows(self, name: str) -> Iterator[tuple[str, dict[str, str]]]:
        path = self.folder / name
        if not path.is_file():
            return
        for line, row in iter_rows(path):
            yield f"{name}:{line}", row

    def people(self) -> Iterator[PersonRecord | Problem]:
        for where, row in self._rows("Users.xml"):
            user_id = row.get("Id")
            if not user_id:
                yield Problem(where, "user without Id")
                continue
            yield PersonRecord(
                external_id=user_id,
                display_name=(row.get("DisplayName") or f"user{user_id}").strip()[:80],
                location=(row.get("Location") or "").strip()[:120],
                about_html=row.get("AboutMe") or "",
                created_at=parse_time(row.get("CreationDate")),
            )

    def threads(self) -> Iterator[ThreadRecord | Problem]:
        for where, row in self._rows("Posts.xml"):
            if row.get("PostTypeId") != "1":
                continue
            post_id, created = row.get("Id"), parse_time(row.get("CreationDate"))
            if not post_id or created is None:
                yield Problem(where, "question without Id or CreationDate")
                continue
            yield ThreadRecord(
                external_id=post_id,
                location=where,
                author_id=row.get("OwnerUserId"),
                title=(row.get("Title") or "").strip(),
                created_at=created,
                body_html=row.get("Body") or "",
                tags=tuple(TAG.findall(row.get("Tags") or "")),
                source_url=self._question_url(post_id),
            )

    def answers(self) -> Iterator[PostRecord | Problem]:
        for where, row in self._rows("Posts.xml"):
            if row.get("PostTypeId") != "2":
                continue
            post_id, created = row.get("Id"), parse_time(row.get("CreationDate"))
            if not post_id or not row.get("ParentId") or created is None:
                yield Problem(where, "answer without Id, ParentId or CreationDate")
                continue
            yield PostRecord(
                external_id=post_id,
                location=where,
                thread_id=row["ParentId"],
                author_id=row.get("OwnerUserId"),
                created_at=created,
                body_html=row.get("Body") or "",
                source_url=self._answer_url(post_id),
            )

    def acceptances(self) -> Iterator[AcceptRecord]:
        for where, row in self._rows("Posts.xml"):
            if row.get("PostTypeId") == "1" and row.get("AcceptedAnswerId") and row.get("Id"):
                yield AcceptRecord(where, row["Id"], row["AcceptedAnswerId"])

    def comments(self) -> Iterator[PostRecord | Problem]:
        for where, row in self._rows("Comments.xml"):
            comment_id, created = row.get("Id"), parse_time(row.get("CreationDate"))
            if not comment_id or not row.get("PostId") or created is None:
                yield Problem(where, "comment without Id, PostId or CreationDate")
                continue
            yield PostRecord(
                external_id=comment_id,
                location=where,
                thread_id="",  # found through the post it comments on
                parent_id=row["PostId"],
                author_id=row.get("UserId"),
                created_at=created,
                body_text=row.get("Text") or "",
            )

    def votes(self) -> Iterator[VoteRecord | Problem]:
        for where, row in self._rows("Votes.xml"):
            if row.get("VoteTypeId") != UPVOTE:
                continue
            vote_id, created = row.get("Id"), parse_time(row.get("CreationDate"))
            if not vote_id or not row.get("PostId") or created is None:
                yield Problem(where, "vote without Id, PostId or CreationDate")
                continue
            yield VoteRecord(vote_id, where, row["PostId"], row.get("UserId"), created)

    def links(self) -> Iterator[LinkRecord | Problem]:
        for where, row in self._rows("PostLinks.xml"):
            kind = LINK_KINDS.get(row.get("LinkTypeId", ""))
            created = parse_time(row.get("CreationDate"))
            if kind is None:
                continue
            if not row.get("Id") or not row.get("PostId") or not row.get("RelatedPostId"):
                yield Problem(where, "link without Id, PostId or RelatedPostId")
                continue
            yield LinkRecord(
                row["Id"], where, row["PostId"], row["RelatedPostId"], kind,
                created or datetime.now(tz=UTC),
            )  # fmt: skip

    def records(self) -> Iterator[Record]:
        """Every record in dependency order: people, threads, replies, comments, votes..."""
        yield from self.people()
        yield from self.threads()
        yield from self.answers()
        yield from self.acceptances()
        yield from self.comments()
        yield from self.votes()
        yield from self.links()
