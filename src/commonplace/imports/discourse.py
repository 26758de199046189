"""Discourse: the JSON its public API returns, saved as files.

A folder (searched recursively) of `/t/{id}.json` topic files and, optionally,
`/c/{slug}/{id}.json` category listings. Topic files carry the posts
(`post_stream.posts`, with `cooked` HTML), listings carry the users. Each
file is read on its own, so memory holds one topic at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from commonplace.imports.records import (
    AcceptRecord,
    PersonRecord,
    PostRecord,
    Problem,
    Record,
    ThreadRecord,
    VoteRecord,
)

LIKE = 2  # Discourse's post action type for a like


class DiscourseError(Exception):
    """The export cannot be read at all."""


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class DiscourseExport:
    def __init__(self, folder: Path, *, site: str = "") -> None:
        if not folder.exists():
            raise DiscourseError(f"{folder}: no such file or folder")
        self.files = sorted(folder.rglob("*.json")) if folder.is_dir() else [folder]
        if not self.files:
            raise DiscourseError(f"{folder}: no .json files")
        self.folder = folder if folder.is_dir() else folder.parent
        self.site = site.rstrip("/")

    @property
    def source(self) -> str:
        return f"discourse:{self.site or self.folder.name}"

    def _documents(self) -> Iterator[tuple[str, dict[str, Any] | None]]:
        for path in self.files:
            name = str(path.relative_to(self.folder))
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as error:
                yield f"{name}:{getattr(error, 'lineno', 1)}", None
                continue
            yield name, data if isinstance(data, dict) else None

    def _people(self) -> Iterator[Record]:
        seen: set[str] = set()
        for _name, data in self._documents():
            if data is None:
                continue
            users = data.get("users") or []
            posts = (data.get("post_stream") or {}).get("posts") or []
            for user in [*users, *posts]:
                username = str(user.get("username") or "").strip()
                if not username or username.lower() in seen:
                    continue
                seen.add(username.lower())
                yield PersonRecord(
                    external_id=username.lower(),
                    display_name=str(user.get("name") or username)[:80],
                    location="",
                )

    def _topics(self, *, openings: bool) -> Iterator[Record]:
        for name, data in self._documents():
            if data is None:
                if openings:
                    yield Problem(name, "not a JSON object")
                continue
            if "post_stream" not in data:
                continue  # a category listing: its users were read already
            topic_id = data.get("id")
            posts = (data.get("post_stream") or {}).get("posts") or []
            if topic_id is None or not posts:
                if openings:
                    yield Problem(name, "topic without id or posts")
                continue
            yield from self._topic_records(name, data, str(topic_id), posts, openings=openings)

    def _url(self, data: dict[str, Any], number: Any) -> str:
        if not self.site:
            return ""
        return f"{self.site}/t/{data.get('slug') or 'topic'}/{data['id']}/{number}"

    def _topic_records(
        self, name: str, data: dict[str, Any], topic_id: str, posts: list[Any], *, openings: bool
    ) -> Iterator[Record]:
        by_number = {p.get("post_number"): str(p.get("id")) for p in posts}
        for index, post in enumerate(posts):
            where = f"{name}:posts[{index}]"
            created = _time(post.get("created_at"))
            if post.get("id") is None or created is None:
                if openings:
                    yield Problem(where, "post without id or created_at")
                continue
            post_id = str(post["id"])
            author = str(post.get("username") or "").lower() or None
            is_first = post.get("post_number") == 1 or index == 0
            if openings and is_first:
                yield ThreadRecord(
                    external_id=topic_id,
                    location=where,
                    author_id=author,
                    title=str(data.get("title") or data.get("fancy_title") or "(untitled)"),
                    created_at=_time(data.get("created_at")) or created,
                    body_html=str(post.get("cooked") or ""),
                    tags=tuple(str(t) for t in data.get("tags") or [] if isinstance(t, str)),
                    source_url=self._url(data, 1),
                )
            elif not openings and not is_first:
                reply_to = by_number.get(post.get("reply_to_post_number"))
                yield PostRecord(
                    external_id=post_id,
                    location=where,
                    thread_id=topic_id,
                    author_id=author,
                    created_at=created,
                    body_html=str(post.get("cooked") or ""),
                    reply_to_id=reply_to,
                    source_url=self._url(data, post.get("post_number")),
                )
            if not openings:
                yield from self._likes(where, post_id if not is_first else topic_id, post, created)
                if post.get("accepted_answer") and not is_first:
                    yield AcceptRecord(where, topic_id, post_id)

    @staticmethod
    def _likes(where: str, post_key: str, post: dict[str, Any], at: datetime) -> Iterator[Record]:
        for action in post.get("actions_summary") or []:
            if action.get("id") == LIKE:
                for n in range(int(action.get("count") or 0)):
                    # Discourse says how many liked a post, not who.
                    yield VoteRecord(f"{post_key}:like:{n}", where, post_key, None, at)

    def records(self) -> Iterator[Record]:
        yield from self._people()
        yield from self._topics(openings=True)
        yield from self._topics(openings=False)
