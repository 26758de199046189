"""Mailing-list archives in mbox format (pipermail and LISTSERV).

The file is streamed line by line, one message at a time. A first pass keeps
only each message's threading headers (ids, references, subject), which is
enough to thread the whole archive JWZ-style: by Message-ID, In-Reply-To and
References, with the subject as a fallback for replies whose parent is not in
the archive. Later passes stream the messages again and yield records, thread
openings first, so every reply finds its thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from commonplace.imports.records import (
    PersonRecord,
    PostRecord,
    Problem,
    Record,
    Skipped,
    ThreadRecord,
)

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
OBFUSCATED_AT = re.compile(r"\s+at\s+", re.IGNORECASE)
REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?|tr)\s*(\[\d+\])?\s*:\s*|\[[^\]]+\]\s*)+", re.I)
FROM_LINE = re.compile(rb"^From \S+")
PARSER = BytesParser(policy=policy.default)


class MboxError(Exception):
    """The archive cannot be read at all."""


def normalize_address(raw: str) -> str:
    """One spelling per person: lower case, and "name at example.org" un-obfuscated."""
    return OBFUSCATED_AT.sub("@", raw.strip()).strip("<>").lower()


def normalize_subject(subject: str) -> str:
    return " ".join(REPLY_PREFIX.sub("", subject.strip("'\" ")).split()).lower()


@dataclass
class Header:
    """What threading needs to know about one message."""

    key: str
    line: int
    subject: str
    parent_ids: list[str]  # References then In-Reply-To, nearest last
    date: datetime | None


@dataclass
class Threading:
    root_of: dict[str, str]  # message key -> key of its thread's opening
    parent_of: dict[str, str]  # message key -> key of the message it answers


def _ids(message: EmailMessage, name: str) -> list[str]:
    """Message ids in a header, read raw: the strict parser truncates odd but real ids
    such as <123.AAA@host.com@GATEWAY>, and then replies no longer find their parent."""
    found: list[str] = []
    for header, value in message.raw_items():
        if header.lower() == name:
            found += MESSAGE_ID.findall(str(value))
    return found


def _date(message: EmailMessage, fallback: datetime | None) -> datetime | None:
    raw = message.get("date")
    if raw:
        try:
            parsed = parsedate_to_datetime(str(raw))
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return fallback


def _from_line_date(line: bytes) -> datetime | None:
    # "From jjl at pobox.com  Thu Nov  1 11:19:12 2001": the date is the last five words.
    words = line.decode("ascii", "replace").split()
    try:
        return datetime.strptime(" ".join(words[-5:]), "%a %b %d %H:%M:%S %Y").replace(tzinfo=UTC)
    except ValueError:
        return None


class MboxArchive:
    def __init__(self, path: Path, *, list_name: str | None = None) -> None:
        if not path.is_file():
            raise MboxError(f"{path}: no such file")
        with path.open("rb") as handle:
            if not FROM_LINE.match(handle.readline()):
                raise MboxError(f"{path.name}:1: not an mbox file (no 'From ' line first)")
        self.path = path
        self.list_name = list_name or path.stem

    @property
    def source(self) -> str:
        return f"mbox:{self.list_name}"

    def _raw_messages(self) -> Iterator[tuple[int, bytes, bytes]]:
        """(first line number, From line, message bytes), streamed."""
        start, from_line = 0, b""
        lines: list[bytes] = []
        with self.path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if FROM_LINE.match(line) and (not lines or lines[-1].strip() == b""):
                    if from_line:
                        yield start, from_line, b"".join(lines)
                    start, from_line, lines = number, line, []
                else:
                    # mboxrd escapes body lines that begin with "From ".
                    lines.append(line[1:] if line.startswith(b">From ") else line)
        if from_line:
            yield start, from_line, b"".join(lines)

    def _messages(self) -> Iterator[tuple[str, int, EmailMessage | None, bytes]]:
        for line, from_line, raw in self._raw_messages():
            try:
                message = PARSER.parsebytes(raw)
            except Exception:  # noqa: BLE001 - any parser failure is one bad record
                yield f"line{line}", line, None, from_line
                continue
            ids = _ids(message, "message-id")
            key = ids[0] if ids else f"<line-{line}@{self.list_name}>"
            yield key, line, message, from_line

    def headers(self) -> Iterator[Header]:
        for key, line, message, from_line in self._messages():
            if message is None:
                continue
            parents = [i for i in _ids(message, "references") if i != key]
            for reply_to in _ids(message, "in-reply-to"):
                if reply_to != key:
                    if reply_to in parents:
                        parents.remove(reply_to)
                    parents.append(reply_to)
            yield Header(
                key,
                line,
                str(message.get("subject") or ""),
                parents,
                _date(message, _from_line_date(from_line)),
            )

    def thread(self) -> Threading:
        """JWZ-style threading over the archive's headers (no bodies in memory)."""
        headers = {h.key: h for h in self.headers()}
        parent_of: dict[str, str] = {}
        for header in headers.values():
            # The nearest referenced message that is in the archive is the parent.
            for candidate in reversed(header.parent_ids):
                if candidate in headers and not self._descends(candidate, header.key, parent_of):
                    parent_of[header.key] = candidate
                    break
        # Subject fallback: a reply whose parent is not here joins the earliest
        # thread with the same subject.
        first_by_subject: dict[str, str] = {}
        latest = datetime.max.replace(tzinfo=UTC)
        ordered = sorted(headers.values(), key=lambda h: (h.date or latest, h.line))
        for header in ordered:
            if header.key in parent_of:
                continue
            subject = normalize_subject(header.subject)
            earlier = first_by_subject.get(subject)
            is_reply = header.parent_ids or REPLY_PREFIX.match(header.subject.strip("'\" "))
            if earlier and subject and is_reply:
                parent_of[header.key] = earlier
            elif subject:
                first_by_subject.setdefault(subject, header.key)
        root_of = {key: self._root(key, parent_of) for key in headers}
        return Threading(root_of, parent_of)

    @staticmethod
    def _descends(candidate: str, key: str, parent_of: dict[str, str]) -> bool:
        """Whether `candidate` already has `key` among its ancestors (a loop)."""
        seen = set()
        while candidate in parent_of and candidate not in seen:
            seen.add(candidate)
            candidate = parent_of[candidate]
            if candidate == key:
                return True
        return False

    @staticmethod
    def _root(key: str, parent_of: dict[str, str]) -> str:
        seen = set()
        while key in parent_of and key not in seen:
            seen.add(key)
            key = parent_of[key]
        return key

    @staticmethod
    def _sender(message: EmailMessage) -> tuple[str, str]:
        raw = str(message.get("from") or "")
        pairs = getaddresses([raw.replace(" at ", "@")])
        name, address = pairs[0] if pairs else ("", "")
        address = normalize_address(address or raw)
        if "@" not in address:
            return "", name
        return address, (name or address.split("@")[0]).strip().strip('"')

    @staticmethod
    def _body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        try:
            text = part.get_content()
        except (LookupError, UnicodeError, KeyError):
            payload = part.get_payload(decode=True) or b""
            text = payload.decode("latin-1", "replace") if isinstance(payload, bytes) else ""
        if part.get_content_subtype() == "html":
            from commonplace.core.markdown import html_to_text

            return html_to_text(text)
        return text

    def records(self) -> Iterator[Record]:
        threading = self.thread()
        people: set[str] = set()
        for _key, _line, message, _ in self._messages():
            if message is None:
                continue
            address, name = self._sender(message)
            if address and address not in people:
                people.add(address)
                yield PersonRecord(
                    external_id=address, display_name=name[:80], location="", email=address
                )
        for opening_pass in (True, False):
            seen: set[str] = set()
            for key, line, message, from_line in self._messages():
                where = f"{self.path.name}:{line}"
                if message is None:
                    if opening_pass:
                        yield Problem(where, "message could not be parsed")
                    continue
                if key in seen:
                    # Archives often hold the same message twice (a list re-sent).
                    if opening_pass:
                        yield Skipped(where, "message repeated in the archive")
                    continue
                seen.add(key)
                is_opening = threading.root_of.get(key, key) == key
                if is_opening != opening_pass:
                    continue
                yield self._record(key, where, message, from_line, threading)

    def _record(
        self, key: str, where: str, message: EmailMessage, from_line: bytes, threading: Threading
    ) -> Record:
        address, _ = self._sender(message)
        created = _date(message, _from_line_date(from_line))
        if created is None:
            return Problem(where, "message without a readable date")
        body = self._body(message)
        subject = " ".join(str(message.get("subject") or "").split()).strip("'")
        if threading.root_of.get(key, key) == key:
            return ThreadRecord(
                external_id=key,
                location=where,
                author_id=address or None,
                title=REPLY_PREFIX.sub("", subject) or "(no subject)",
                created_at=created,
                body_text=body,
            )
        return PostRecord(
            external_id=key,
            location=where,
            thread_id=threading.root_of[key],
            author_id=address or None,
            created_at=created,
            body_text=body,
            reply_to_id=threading.parent_of.get(key),
        )
