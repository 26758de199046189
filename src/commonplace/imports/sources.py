"""The importers by name: each turns a path into a stream of records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from commonplace.imports.discourse import DiscourseExport
from commonplace.imports.mbox import MboxArchive
from commonplace.imports.records import Record
from commonplace.imports.slack import SlackExport
from commonplace.imports.stackexchange import StackExchangeDump


class SourceError(Exception):
    """The source cannot be read at all: a missing file, a wrong format."""


@dataclass(frozen=True)
class Source:
    name: str
    source: str  # the idempotency key's namespace, e.g. "stackexchange:beer.stackexchange.com"
    records: Callable[[], Iterator[Record]]


def open_stackexchange(path: Path, options: dict[str, str]) -> Source:
    dump = StackExchangeDump(path, site=options.get("site") or None)
    return Source("stackexchange", dump.source, dump.records)


def open_mbox(path: Path, options: dict[str, str]) -> Source:
    archive = MboxArchive(path)
    return Source("mbox", archive.source, archive.records)


def open_discourse(path: Path, options: dict[str, str]) -> Source:
    export = DiscourseExport(path, site=options.get("site", ""))
    return Source("discourse", export.source, export.records)


def open_slack(path: Path, options: dict[str, str]) -> Source:
    export = SlackExport(path, workspace=options.get("site", ""))
    return Source("slack", export.source, export.records)


OPENERS: dict[str, Callable[[Path, dict[str, str]], Source]] = {
    "stackexchange": open_stackexchange,
    "mbox": open_mbox,
    "discourse": open_discourse,
    "slack": open_slack,
}
