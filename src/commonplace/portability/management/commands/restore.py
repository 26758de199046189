"""`commonplace restore ARCHIVE`: load an archive into an empty database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonplace.portability.archive import ArchiveError, restore_archive


class Command(BaseCommand):
    help = "Restore an archive written by `commonplace export` into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["archive"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            count = restore_archive(path)
        except ArchiveError as error:
            raise CommandError(f"{error} — nothing was restored.") from None
        self.stdout.write(f"{count} records restored from {path}")
