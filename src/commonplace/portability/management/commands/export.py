"""`commonplace export [--community SLUG] OUT.jsonl.gz`: everything, portable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonplace.communities.models import Community
from commonplace.portability.archive import write_archive


class Command(BaseCommand):
    help = "Write a versioned JSON-lines archive (gzip) of the installation or of one community."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="File to write, e.g. backup.jsonl.gz")
        parser.add_argument("--community", help="Only this community (slug) and its people.")

    def handle(self, *args: Any, **options: Any) -> None:
        community = None
        if options["community"]:
            community = Community.objects.filter(slug=options["community"]).first()
            if community is None:
                raise CommandError(f"No community with the address “{options['community']}”.")
        out: Path = options["out"]
        if not out.parent.is_dir():
            raise CommandError(f"{out.parent}: no such folder")
        count = write_archive(out, community)
        self.stdout.write(f"{count} records written to {out}")
