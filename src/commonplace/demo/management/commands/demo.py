"""`commonplace demo`: load a realistic demo constellation (safe to run twice)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from commonplace.demo.load import load_demo
from commonplace.insights.expertise import recompute as recompute_expertise
from commonplace.insights.routing import route_open_questions
from commonplace.search.indexing import deferred, rebuild


class Command(BaseCommand):
    help = (
        "Load six demo communities with 60 people, about 300 threads and 60 repertoire "
        "entries over 12 months."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")

    def handle(self, *args: Any, **options: Any) -> None:
        # As the importers do: indexing every write of a bulk load, and
        # embedding after each commit, cost more than one rebuild at the end.
        with deferred():
            added = load_demo(log=self.stdout.write, seed=options["seed"])
        if added:
            # Also embeds every case, in bulk, for similar-case search.
            counts = rebuild()
            recompute_expertise()
            # The last fortnight's open questions get their suggested answerers,
            # as if they had been asked with the platform running.
            routed = route_open_questions(since=timezone.now() - timedelta(days=14))
            self.stdout.write(f"Suggested answerers for {routed} open questions.")
            self.stdout.write(f"Search index rebuilt: {sum(counts.values())} documents.")
        self.stdout.write(
            self.style.SUCCESS(f"Demo ready: {added} communities added or completed.")
            if added
            else "Demo data was already loaded; nothing changed."
        )
