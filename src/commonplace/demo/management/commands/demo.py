"""`commonplace demo`: load a realistic demo constellation (safe to run twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from commonplace.demo.load import load_demo
from commonplace.search.indexing import embed_pending


class Command(BaseCommand):
    help = (
        "Load six demo communities with 60 people, about 300 threads and 60 repertoire "
        "entries over 12 months."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=7, help="Random seed (default 7).")

    def handle(self, *args: Any, **options: Any) -> None:
        added = load_demo(log=self.stdout.write, seed=options["seed"])
        # Similar-case search needs every case's embedding; compute them in bulk now.
        embedded = embed_pending()
        if embedded:
            self.stdout.write(f"{embedded} cases embedded for similar-case search.")
        self.stdout.write(
            self.style.SUCCESS(f"Demo ready: {added} communities added or completed.")
            if added
            else "Demo data was already loaded; nothing changed."
        )
