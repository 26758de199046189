"""`commonplace reindex [--community SLUG] [--no-embeddings]`: rebuild the search index."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonplace.communities.models import Community
from commonplace.search.indexing import embed_pending, rebuild

PLURALS = {
    "thread": "threads", "reply": "replies", "entry": "entries", "member": "members",
    "event": "events",
}  # fmt: skip


class Command(BaseCommand):
    help = "Rebuild the full-text index and the sentence embeddings from the content."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--community", help="Only this community (slug).")
        parser.add_argument(
            "--no-embeddings",
            action="store_true",
            help="Leave embeddings pending (they are filled in as they are needed).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        community_id = None
        if options["community"]:
            community = Community.objects.filter(slug=options["community"]).first()
            if community is None:
                raise CommandError(f"No community with the address “{options['community']}”.")
            community_id = community.pk
        started = time.perf_counter()
        counts = rebuild(community_id=community_id, embed=False)
        summary = ", ".join(f"{n} {PLURALS[kind]}" for kind, n in counts.items())
        self.stdout.write(f"Indexed {summary} in {time.perf_counter() - started:.1f} s")
        if not options["no_embeddings"]:
            started = time.perf_counter()
            done = embed_pending()
            self.stdout.write(f"Embedded {done} cases in {time.perf_counter() - started:.1f} s")
