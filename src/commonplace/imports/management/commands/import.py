"""`commonplace import KIND SOURCE --community SLUG`: bring a community's history in."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonplace.accounts.models import User
from commonplace.communities.models import Community, Membership, Role
from commonplace.discussions.models import ThreadKind
from commonplace.imports.discourse import DiscourseError
from commonplace.imports.load import Importer, ImportSummary
from commonplace.imports.mbox import MboxError
from commonplace.imports.slack import SlackError
from commonplace.imports.sources import OPENERS, SourceError
from commonplace.imports.stackexchange import DumpError
from commonplace.search.indexing import embed_pending

MAX_PROBLEMS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import a Stack Exchange dump folder, an mbox file, Discourse JSON or a Slack "
        "export into a community. Safe to re-run: what was imported before is skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(OPENERS), help="What SOURCE is.")
        parser.add_argument("source", type=Path, help="Folder, file or zip to import.")
        parser.add_argument("--community", required=True, help="Slug of the target community.")
        parser.add_argument(
            "--as", dest="as_user", help="Coordinator to import as (default: the first one)."
        )
        parser.add_argument(
            "--thread-kind",
            default=ThreadKind.REQUEST_FOR_INFORMATION,
            choices=ThreadKind.values,
            help="Kind given to imported threads (default: request for information).",
        )
        parser.add_argument(
            "--site",
            default="",
            help="Stack Exchange site host, Discourse base URL or Slack workspace name "
            "(used for source links and to tell sources apart).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        community = Community.objects.filter(slug=options["community"]).first()
        if community is None:
            raise CommandError(f"No community with the address “{options['community']}”.")
        coordinators = Membership.objects.filter(
            community=community, status="active", role=Role.COORDINATOR
        ).select_related("user")
        if options["as_user"]:
            coordinators = coordinators.filter(user__username=options["as_user"])
        membership = coordinators.order_by("joined_at").first()
        if membership is None:
            raise CommandError("Import as a coordinator of the community (see --as).")
        by: User = membership.user
        try:
            source = OPENERS[options["kind"]](options["source"], {"site": options["site"]})
            importer = Importer(
                community=community,
                source=source.source,
                by=by,
                kind=options["thread_kind"],
                progress=not options["no_progress"],
            )
            summary = importer.run(source.records(), label=f"{source.name} → {community.slug}")
        except (SourceError, DumpError, MboxError, DiscourseError, SlackError) as error:
            raise CommandError(
                f"{error} — records before this point were imported; "
                "fix the source and run the import again to resume."
            ) from None
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted. Everything up to the last finished batch is saved; "
                "run the same command again to resume."
            ) from None
        self._report(summary)
        started = time.perf_counter()
        embedded = embed_pending()
        if embedded:
            took = time.perf_counter() - started
            self.stdout.write(f"{embedded} cases embedded for similar-case search in {took:.0f} s")

    def _report(self, summary: ImportSummary) -> None:
        def line(label: str, counts: dict[str, int]) -> str:
            parts = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
            return f"{label:>10}: {parts or 'nothing'}"

        self.stdout.write(line("created", summary.created))
        self.stdout.write(line("updated", summary.updated))
        self.stdout.write(line("unchanged", summary.unchanged))
        self.stdout.write(line("skipped", summary.skipped))
        if summary.problems:
            self.stdout.write(f"{len(summary.problems)} malformed record(s) skipped:")
            for problem in summary.problems[:MAX_PROBLEMS_SHOWN]:
                self.stdout.write(f"  {problem.location}: {problem.reason}")
            if len(summary.problems) > MAX_PROBLEMS_SHOWN:
                self.stdout.write(f"  … and {len(summary.problems) - MAX_PROBLEMS_SHOWN} more")
