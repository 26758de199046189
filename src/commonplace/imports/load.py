"""Write importer records through the actions: idempotent, in atomic batches.

Every record is looked up by (source, kind, external id) first: what was
imported before is left alone (or revised, if the source changed it), so a
second run changes nothing and a run after the source grew adds only what
is new. Records are written in batches, each in one transaction; a crash or
Ctrl-C rolls back the batch in progress and the next run resumes there.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from commonplace.accounts.actions import create_imported_person
from commonplace.accounts.models import User
from commonplace.communities.actions import add_topics, admit_member
from commonplace.communities.models import Community, Membership
from commonplace.core.activity import record_activity
from commonplace.core.errors import ConflictError, DomainError
from commonplace.core.markdown import html_to_text, render_plain_text, strip_tags
from commonplace.core.models import Verb
from commonplace.discussions.actions import (
    accept_answer,
    add_imported_vote,
    link_threads,
    reply_to_thread,
    revise_imported_post,
    start_thread,
)
from commonplace.discussions.models import Post, Thread
from commonplace.imports.models import ExternalRef, ImportRun
from commonplace.imports.records import (
    AcceptRecord,
    LinkRecord,
    PersonRecord,
    PostRecord,
    Problem,
    Record,
    Skipped,
    ThreadRecord,
    VoteRecord,
)
from commonplace.insights.expertise import recompute as recompute_expertise
from commonplace.search.indexing import deferred as deferred_indexing
from commonplace.search.indexing import rebuild as rebuild_search_index

BATCH_SIZE = 500
CACHE_LIMIT = 200_000
MAX_TOPICS = 5


@dataclass
class ImportSummary:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> count
    problems: list[Problem] = field(default_factory=list)
    interrupted: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "skipped": dict(self.skipped),
            "problems": [{"location": p.location, "reason": p.reason} for p in self.problems],
            "interrupted": self.interrupted,
        }


class _Skip(Exception):
    """The record refers to something that is not (and will not be) imported."""


def _digest(*parts: str | None) -> str:
    return hashlib.md5(
        "\x1f".join(p or "" for p in parts).encode(), usedforsecurity=False
    ).hexdigest()


def _text_and_html(body_html: str | None, body_text: str | None) -> tuple[str, str]:
    """Editable text and the HTML to show, from a record's HTML or plain text."""
    if body_html is not None:
        return html_to_text(body_html) or "(no text)", body_html
    text = (body_text or "").strip() or "(no text)"
    return text, render_plain_text(text)


class Importer:
    """Loads records into one community, on behalf of one of its coordinators."""

    def __init__(
        self,
        *,
        community: Community,
        source: str,
        by: User,
        kind: str = "request_for_information",
        progress: bool = True,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.community = community
        self.source = source
        self.by = by
        self.kind = kind
        self.progress = progress
        self.batch_size = batch_size
        self.summary = ImportSummary()
        self._refs: dict[tuple[str, str], tuple[int, str]] = {}
        # People are referred to again and again (every post, every vote).
        self._people: dict[str, User] = {}

    # -- external references -------------------------------------------------

    def _ref(self, kind: str, external_id: str | None) -> tuple[int, str] | None:
        if not external_id:
            return None
        key = (kind, external_id)
        if key not in self._refs:
            row = (
                ExternalRef.objects.filter(source=self.source, kind=kind, external_id=external_id)
                .values_list("target_id", "digest")
                .first()
            )
            if row is None:
                return None
            self._remember(key, row)
        return self._refs[key]

    def _remember(self, key: tuple[str, str], value: tuple[int, str]) -> None:
        if len(self._refs) >= CACHE_LIMIT:
            self._refs.clear()  # bounded memory on dumps of any size
        self._refs[key] = value

    def _save_ref(
        self, kind: str, external_id: str, target_id: int, digest: str = "", *, new: bool = True
    ) -> None:
        if new:
            ExternalRef.objects.create(
                source=self.source,
                kind=kind,
                external_id=external_id,
                target_id=target_id,
                digest=digest,
                community=self.community,
            )
        else:
            ExternalRef.objects.filter(
                source=self.source, kind=kind, external_id=external_id
            ).update(target_id=target_id, digest=digest)
        self._remember((kind, external_id), (target_id, digest))

    def _person(self, external_id: str | None) -> User | None:
        if not external_id:
            return None
        if external_id in self._people:
            return self._people[external_id]
        ref = self._ref("person", external_id)
        person = User.objects.filter(pk=ref[0]).first() if ref else None
        if person is not None:
            if len(self._people) >= CACHE_LIMIT // 10:
                self._people.clear()
            self._people[external_id] = person
        return person

    def _thread(self, external_id: str) -> Thread:
        ref = self._ref("thread", external_id)
        thread = Thread.objects.filter(pk=ref[0], community=self.community).first() if ref else None
        if thread is None:
            raise _Skip("refers to a thread that was not imported")
        return thread

    def _post(self, external_id: str) -> Post:
        ref = self._ref("post", external_id)
        post = (
            Post.objects.select_related("thread__community")
            .filter(pk=ref[0], thread__community=self.community)
            .first()
            if ref
            else None
        )
        if post is None:
            raise _Skip("refers to a post that was not imported")
        return post

    def _known_post(self, external_id: str | None, thread: Thread) -> Post | None:
        """The imported post `external_id` in `thread`, or None when it is not known."""
        ref = self._ref("post", external_id)
        return Post.objects.filter(pk=ref[0], thread=thread).first() if ref else None

    # -- one handler per record type -------------------------------------------

    def _import_person(self, record: PersonRecord) -> str:
        if self._ref("person", record.external_id):
            return "unchanged"
        user = create_imported_person(
            display_name=record.display_name,
            email=record.email,
            location=record.location,
            bio=strip_tags(record.about_html) if record.about_html else "",
            at=record.created_at,
        )
        admit_member(community=self.community, user=user, by=self.by, at=record.created_at)
        self._save_ref("person", record.external_id, user.pk)
        return "created"

    def _author(self, external_id: str | None, location: str) -> User | None:
        author = self._person(external_id)
        if author is None and external_id:
            # Kept without an author rather than lost; the summary says so.
            self.summary.skipped["author unknown, kept without author"] += 1
        return author

    def _import_thread(self, record: ThreadRecord) -> str:
        body, html = _text_and_html(record.body_html, record.body_text)
        digest = _digest(record.title, body)
        ref = self._ref("thread", record.external_id)
        if ref is not None:
            if ref[1] == digest:
                return "unchanged"
            opening = self._post(record.external_id)
            revise_imported_post(
                post=opening, body=body, imported_html=html, title=record.title, by=None
            )
            self._save_ref("thread", record.external_id, ref[0], digest, new=False)
            return "updated"
        slugs = add_topics(community=self.community, names=record.tags[:MAX_TOPICS])
        thread = start_thread(
            community=self.community,
            author=self._author(record.author_id, record.location),
            kind=record.kind if record.kind != "request_for_information" else self.kind,
            title=(record.title or body.splitlines()[0])[:200],
            body=body,
            topics=slugs,
            at=record.created_at,
            imported_html=html,
            source_url=record.source_url,
        )
        opening = thread.posts.get(is_opening=True)
        self._save_ref("thread", record.external_id, thread.pk, digest)
        self._save_ref("post", record.external_id, opening.pk, digest)
        return "created"

    def _import_post(self, record: PostRecord) -> str:
        kind = "comment" if record.parent_id else "post"
        body, html = _text_and_html(record.body_html, record.body_text)
        digest = _digest(body)
        ref = self._ref(kind, record.external_id)
        if ref is not None:
            if ref[1] == digest:
                return "unchanged"
            post = Post.objects.get(pk=ref[0], thread__community=self.community)
            revise_imported_post(post=post, body=body, imported_html=html, title=None, by=None)
            self._save_ref(kind, record.external_id, ref[0], digest, new=False)
            return "updated"
        if record.parent_id:
            parent: Post | None = self._post(record.parent_id)
            thread = parent.thread  # type: ignore[union-attr]
        else:
            thread = self._thread(record.thread_id)
            parent = self._known_post(record.reply_to_id, thread)
        post = reply_to_thread(
            thread=thread,
            author=self._author(record.author_id, record.location),
            body=body,
            at=record.created_at,
            parent=parent,
            is_comment=bool(record.parent_id),
            imported_html=html,
            source_url=record.source_url,
        )
        self._save_ref(kind, record.external_id, post.pk, digest)
        return "created"

    def _import_vote(self, record: VoteRecord) -> str:
        if self._ref("vote", record.external_id):
            return "unchanged"
        post = self._post(record.post_id)
        vote_at = record.created_at
        add_imported_vote(post=post, voter=self._person(record.voter_id), at=vote_at)
        self._save_ref("vote", record.external_id, post.pk)
        return "created"

    def _import_accept(self, record: AcceptRecord) -> str:
        thread = self._thread(record.thread_id)
        answer = self._post(record.post_id)
        if thread.accepted_answer_id == answer.pk:
            return "unchanged"
        # The asker accepted it; if the asker is unknown, the importing coordinator does.
        by = thread.author or self.by
        membership = Membership.objects.filter(community=self.community, user=by).first()
        at = record.at or max(answer.created_at, thread.created_at)
        accept_answer(thread=thread, answer=answer, by=by, membership=membership, at=at)
        return "created"

    def _import_link(self, record: LinkRecord) -> str:
        if self._ref("link", record.external_id):
            return "unchanged"
        source, target = self._thread(record.from_thread_id), self._thread(record.to_thread_id)
        try:
            link = link_threads(
                from_thread=source,
                to_thread=target,
                kind=record.kind,
                by=None,
                at=record.created_at,
            )
        except ConflictError:
            return "unchanged"
        self._save_ref("link", record.external_id, link.pk)
        return "created"

    # -- the run -----------------------------------------------------------------

    def _import_one(self, record: Record) -> None:
        if isinstance(record, Problem):
            self.summary.problems.append(record)
            return
        if isinstance(record, Skipped):
            self.summary.skipped[record.reason] += 1
            return
        name = type(record).__name__.removesuffix("Record").lower()
        handler = getattr(self, f"_import_{name}")
        try:
            with transaction.atomic():
                outcome = handler(record)
        except _Skip as skip:
            self.summary.skipped[f"{name} {skip}"] += 1
            return
        except DomainError as error:
            self.summary.problems.append(Problem(record.location, error.message))
            return
        getattr(self.summary, outcome)[name] += 1

    def _write_batch(self, batch: list[Record]) -> None:
        keys_before = set(self._refs)
        try:
            with transaction.atomic():
                for record in batch:
                    self._import_one(record)
        except BaseException:
            # The batch rolled back: forget references it had cached.
            for key in set(self._refs) - keys_before:
                del self._refs[key]
            self._people.clear()
            raise

    def run(self, records: Iterable[Record], *, label: str = "") -> ImportSummary:
        started = timezone.now()
        bar = tqdm(
            desc=label or "importing", unit=" records", disable=not self.progress, mininterval=0.5
        )
        batch: list[Record] = []
        try:
            with deferred_indexing():
                for record in records:
                    batch.append(record)
                    if len(batch) >= self.batch_size:
                        self._write_batch(batch)
                        bar.update(len(batch))
                        bar.set_postfix(created=sum(self.summary.created.values()), refresh=False)
                        batch = []
                if batch:
                    self._write_batch(batch)
                    bar.update(len(batch))
        finally:
            bar.close()
            # The index and the expertise profiles followed none of it, record
            # by record: one rebuild of the community is much cheaper, and
            # also covers a partial run.
            # Embeddings stay pending for the command to compute in bulk.
            rebuild_search_index(community_id=self.community.pk, embed=False)
            recompute_expertise(community_id=self.community.pk)
        self._finish(started)
        return self.summary

    def _finish(self, started: datetime) -> None:
        ImportRun.objects.create(
            community=self.community,
            kind=self.source.split(":", 1)[0],
            source=self.source,
            started_by=self.by,
            started_at=started,
            finished_at=timezone.now(),
            summary=self.summary.as_dict(),
        )
        record_activity(
            actor=self.by,
            verb=Verb.IMPORT_RUN,
            community=self.community,
            target=self.community,
            data={"source": self.source, "created": sum(self.summary.created.values())},
        )
