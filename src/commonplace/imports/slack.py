"""Slack: a standard workspace export (a folder or its zip).

`users.json` and `channels.json` at the top, one folder per channel with a
file per day (`general/2021-03-04.json`). Top-level messages open threads;
messages whose `thread_ts` names another message reply to it. Day files are
read one at a time, in two passes (openings, then replies), so memory holds
one day of one channel at a time.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from commonplace.imports.records import (
    PersonRecord,
    PostRecord,
    Problem,
    Record,
    ThreadRecord,
    VoteRecord,
)

DAY_FILE = re.compile(r"^([^/]+)/(\d{4}-\d{2}-\d{2})\.json$")
MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]+))?>")
CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]+)>")
SPECIAL = re.compile(r"<!(here|channel|everyone)[^>]*>")
SKIPPED_SUBTYPES = {
    "channel_join",
    "channel_leave",
    "channel_topic",
    "channel_purpose",
    "bot_message",
}


class SlackError(Exception):
    """The export cannot be read at all."""


def _ts_time(ts: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(ts), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


class SlackExport:
    def __init__(self, path: Path, *, workspace: str = "") -> None:
        if not path.exists():
            raise SlackError(f"{path}: no such file or folder")
        self.path = path
        self.zip = zipfile.ZipFile(path) if path.is_file() else None
        names = self._names()
        if "users.json" not in names or "channels.json" not in names:
            raise SlackError(f"{path}: not a Slack export (users.json and channels.json missing)")
        self.workspace = workspace or path.stem
        self._user_names: dict[str, str] = {}

    @property
    def source(self) -> str:
        return f"slack:{self.workspace}"

    def _names(self) -> list[str]:
        if self.zip is not None:
            return sorted(n.rstrip("/") for n in self.zip.namelist())
        return sorted(str(p.relative_to(self.path).as_posix()) for p in self.path.rglob("*.json"))

    def _load(self, name: str) -> Any:
        if self.zip is not None:
            return json.loads(self.zip.read(name).decode("utf-8"))
        return json.loads((self.path / PurePosixPath(name)).read_text(encoding="utf-8"))

    def _people(self) -> Iterator[Record]:
        try:
            users = self._load("users.json")
        except (ValueError, UnicodeDecodeError) as error:
            raise SlackError(f"users.json:{getattr(error, 'lineno', 1)}: not valid JSON") from None
        for index, user in enumerate(users if isinstance(users, list) else []):
            if not isinstance(user, dict) or not user.get("id"):
                yield Problem(f"users.json[{index}]", "user without id")
                continue
            profile = user.get("profile") or {}
            name = (
                profile.get("real_name") or user.get("real_name") or profile.get("display_name")
                or user.get("name") or user["id"]
            )  # fmt: skip
            self._user_names[user["id"]] = str(user.get("name") or name)
            yield PersonRecord(
                external_id=str(user["id"]),
                display_name=str(name)[:80],
                location="",
                email=str(profile.get("email") or ""),
            )

    def _text(self, raw: str) -> str:
        text = MENTION.sub(lambda m: "@" + self._user_names.get(m.group(1), m.group(1)), raw)
        text = LINK.sub(
            lambda m: m.group(1) if not m.group(2) else f"{m.group(2)} ({m.group(1)})", text
        )
        text = CHANNEL.sub(r"#\1", text)
        text = SPECIAL.sub(r"@\1", text)
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")

    def _days(self) -> Iterator[tuple[str, str, list[Any] | None]]:
        for name in self._names():
            match = DAY_FILE.match(name)
            if not match:
                continue
            try:
                messages = self._load(name)
            except (ValueError, UnicodeDecodeError):
                yield name, match.group(1), None
                continue
            yield name, match.group(1), messages if isinstance(messages, list) else None

    def _messages(self, *, openings: bool) -> Iterator[Record]:
        for name, channel, messages in self._days():
            if messages is None:
                if openings:
                    yield Problem(name, "not a JSON list of messages")
                continue
            for index, message in enumerate(messages):
                where = f"{name}[{index}]"
                if not isinstance(message, dict) or message.get("subtype") in SKIPPED_SUBTYPES:
                    continue
                ts = str(message.get("ts") or "")
                created = _ts_time(ts)
                if created is None:
                    if openings:
                        yield Problem(where, "message without a valid ts")
                    continue
                thread_ts = str(message.get("thread_ts") or ts)
                is_opening = thread_ts == ts
                text = self._text(str(message.get("text") or "")).strip()
                key = f"{channel}:{ts}"
                if openings and is_opening:
                    first_line = text.splitlines()[0] if text else "(no text)"
                    yield ThreadRecord(
                        external_id=key,
                        location=where,
                        author_id=message.get("user"),
                        title=first_line[:120],
                        created_at=created,
                        body_text=text or "(no text)",
                        tags=(channel,),
                    )
                elif not openings and not is_opening:
                    yield PostRecord(
                        external_id=key,
                        location=where,
                        thread_id=f"{channel}:{thread_ts}",
                        author_id=message.get("user"),
                        created_at=created,
                        body_text=text or "(no text)",
                    )
                if not openings:
                    yield from self._reactions(where, key, message, created)

    @staticmethod
    def _reactions(where: str, key: str, message: dict[str, Any], at: datetime) -> Iterator[Record]:
        author = message.get("user")
        for reaction in message.get("reactions") or []:
            for user in reaction.get("users") or []:
                if user != author:
                    yield VoteRecord(f"{key}:{reaction.get('name')}:{user}", where, key, user, at)

    def records(self) -> Iterator[Record]:
        yield from self._people()
        yield from self._messages(openings=True)
        yield from self._messages(openings=False)
