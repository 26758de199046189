"""Keep the search index in step with the things it describes.

The index follows the activity log (`follow_activity` in apps.py): every write
records an activity in the same transaction, so the affected documents are
rebuilt from their sources before that transaction commits. A document is a
pure function of its source rows, which is what makes `reindex` safe to run at
any time.

Embeddings are slower to compute than the rest, so a write only marks its
document `embedding_pending`; `embed_pending` fills them in batches (after the
request, during imports, before a similar-case query, and in `reindex`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import groupby
from operator import attrgetter
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from commonplace.accounts.models import User
from commonplace.communities.models import Membership, MembershipStatus
from commonplace.core.activity import bulk_writes, writing_in_bulk
from commonplace.core.models import Activity, Verb
from commonplace.discussions.models import Post, Thread
from commonplace.events.models import Event
from commonplace.repertoire.models import Entry, Maturity
from commonplace.search import pgstats
from commonplace.search.embedding import get_encoder
from commonplace.search.models import DocType, Document
from commonplace.search.text import plain_text, printable

# What an embedding sees of a case: its title and the start of its body
# (the encoder truncates at 256 word pieces anyway).
EMBED_CHARS = 2000
EMBED_BATCH = 64
# Vectors of texts already encoded in one embed_pending run (about 30 MB at most).
KNOWN_TEXTS_MAX = 20_000

ANSWER_VERBS = {Verb.ANSWER_ACCEPTED, Verb.ANSWER_UNACCEPTED}
# Recorded just before their membership is deleted.
MEMBERSHIP_ENDS = {Verb.MEMBER_LEFT, Verb.MEMBER_DENIED, Verb.INVITATION_DECLINED}
# Writes after a request embed a few cases at once; bulk work calls
# embed_pending() itself.
EMBED_AFTER_COMMIT = 16

# Importers and the demo write inside this block and rebuild the index after.
deferred = bulk_writes


def boost(*, resolved: bool, helpful: int, maturity: str = "") -> float:
    """How much more than its bare relevance a document deserves.

    Accepted answers and endorsed entries are what a community vouches for;
    helpful votes count with diminishing returns so a famous thread does not
    drown a precise one; retired entries sink but stay findable.
    """
    value = 1.0 + 0.5 * resolved + 0.15 * math.log1p(helpful)
    if maturity == Maturity.IN_USE:
        value += 0.2
    elif maturity == Maturity.RETIRED:
        value *= 0.5
    return value


def _spaced(values: Iterable[object]) -> str:
    """Values between spaces (" a b "), so that one LIKE or tag rule finds each."""
    joined = " ".join(str(v) for v in values)
    return f" {joined} " if joined else ""


def _topics(slugs: Iterable[str]) -> str:
    return _spaced(sorted(slugs))


def _save(doc_type: str, object_id: int, *, embed: bool, **fields: object) -> None:
    """Create or update one document; a changed text makes its embedding pending."""
    current = (
        Document.objects.filter(doc_type=doc_type, object_id=object_id)
        .values("id", "title", "body")
        .first()
    )
    if current is None:
        Document.objects.create(
            doc_type=doc_type, object_id=object_id, embedding_pending=embed, **fields
        )
        return
    if embed and (current["title"], current["body"]) != (fields["title"], fields["body"]):
        fields |= {"embedding_pending": True}
    Document.objects.filter(pk=current["id"]).update(**fields)


def _delete(doc_type: str, object_ids: Iterable[int]) -> None:
    Document.objects.filter(doc_type=doc_type, object_id__in=list(object_ids)).delete()


# -- one document per source ------------------------------------------------


def _thread_fields(thread: Thread, opening: Post | None) -> dict[str, object]:
    resolved = thread.accepted_answer_id is not None
    return {
        "community_id": thread.community_id,
        "thread_id": thread.pk,
        "kind": thread.kind,
        "title": printable(thread.title),
        "body": plain_text(opening.body_html) if opening is not None else "",
        "topics": _topics(t.slug for t in thread.topics.all()),
        "author_id": thread.author_id,
        "created_at": thread.created_at,
        "is_resolved": resolved,
        "is_answered": thread.reply_count > 0,
        "helpful": thread.helpful_count,
        "boost": boost(resolved=resolved, helpful=thread.helpful_count),
    }


def _reply_fields(post: Post, thread: Thread) -> dict[str, object]:
    accepted = thread.accepted_answer_id == post.pk
    return {
        "community_id": thread.community_id,
        "thread_id": thread.pk,
        "kind": thread.kind,
        # The thread's title is shown with a reply but not indexed with it, or
        # every reply of a thread whose title matches would crowd the results.
        "title": "",
        "body": plain_text(post.body_html),
        "topics": _topics(t.slug for t in thread.topics.all()),
        "author_id": post.author_id,
        "created_at": post.created_at,
        "is_resolved": accepted,
        "is_answered": False,
        "helpful": post.helpful_count,
        "boost": boost(resolved=accepted, helpful=post.helpful_count),
    }


def _entry_fields(entry: Entry) -> dict[str, object]:
    endorsed = entry.maturity == Maturity.ENDORSED
    return {
        "community_id": entry.community_id,
        "thread_id": None,
        "kind": entry.kind,
        "title": printable(entry.title),
        "body": plain_text(entry.body_html),
        "topics": _topics(t.slug for t in entry.topics.all()),
        "author_id": entry.created_by_id,
        "created_at": entry.created_at,
        "is_resolved": endorsed,
        "is_answered": False,
        "helpful": entry.endorsement_count + entry.reuse_count,
        "boost": boost(
            resolved=endorsed,
            helpful=entry.endorsement_count + entry.reuse_count,
            maturity=entry.maturity,
        ),
    }


def event_fields(event: Event) -> dict[str, object]:
    # Where it happens is searched with what it is about ("brewhouse" finds
    # the visit). Cancelled events stay findable, as they stay listed, below
    # the others.
    body = " ".join(part for part in (event.location, plain_text(event.description_html)) if part)
    return {
        "community_id": event.community_id,
        "thread_id": None,
        "kind": event.kind,
        "title": printable(event.title),
        "body": printable(body),
        "topics": _topics(t.slug for t in event.topics.all()),
        "author_id": event.created_by_id,
        # When it was planned, as for everything else in the index; the
        # pages show when it takes place.
        "created_at": event.created_at,
        "is_resolved": False,
        "is_answered": False,
        "helpful": 0,
        "boost": 0.5 if event.cancelled_at else 1.0,
    }


def _member_fields(user: User, communities: Iterable[int]) -> dict[str, object]:
    about = [user.bio, user.org_unit, user.location, *user.skills, *user.interests]
    return {
        "member_of": _spaced(sorted(set(communities))),
        "community_id": None,
        "thread_id": None,
        "kind": "",
        "title": printable(f"{user.display_name} {user.username}".strip()),
        "body": printable(" ".join(part for part in about if part)),
        "topics": _topics(s.lower() for s in user.skills),
        "author_id": user.pk,
        "created_at": user.date_joined,
        "is_resolved": False,
        "is_answered": False,
        "helpful": 0,
        "boost": 1.0,
    }


def _live_posts() -> Any:
    return Prefetch(
        "posts", queryset=Post.objects.filter(deleted_at__isnull=True), to_attr="live_posts"
    )


def index_thread(thread_id: int, *, with_replies: bool = False) -> None:
    thread = (
        Thread.objects.filter(pk=thread_id)
        .prefetch_related("topics", *([_live_posts()] if with_replies else []))
        .first()
    )
    if thread is None or thread.deleted_at is not None:
        _delete(DocType.THREAD, [thread_id])
        _delete_replies_of([thread_id])
        return
    opening = Post.objects.filter(thread=thread, is_opening=True).first()
    _save(DocType.THREAD, thread.pk, embed=True, **_thread_fields(thread, opening))
    if with_replies:
        for post in thread.live_posts:  # type: ignore[attr-defined]
            if not post.is_opening:
                _save(DocType.REPLY, post.pk, embed=False, **_reply_fields(post, thread))


def _delete_replies_of(thread_ids: list[int]) -> None:
    Document.objects.filter(doc_type=DocType.REPLY, thread_id__in=thread_ids).delete()


def index_post(post_id: int) -> None:
    post = Post.objects.filter(pk=post_id).select_related("thread").first()
    if post is None:
        _delete(DocType.REPLY, [post_id])
        return
    if post.is_opening:
        index_thread(post.thread_id)
        return
    index_thread(post.thread_id)  # reply counts and helpful votes show on the thread
    thread = Thread.objects.prefetch_related("topics").get(pk=post.thread_id)
    if post.deleted_at is not None or thread.deleted_at is not None:
        _delete(DocType.REPLY, [post.pk])
        return
    _save(DocType.REPLY, post.pk, embed=False, **_reply_fields(post, thread))


def index_entry(entry_id: int) -> None:
    entry = Entry.objects.filter(pk=entry_id).prefetch_related("topics").first()
    if entry is None or entry.deleted_at is not None:
        _delete(DocType.ENTRY, [entry_id])
        return
    _save(DocType.ENTRY, entry.pk, embed=True, **_entry_fields(entry))


def _event_text(event: Any) -> tuple[object, ...]:
    topics = sorted(t.pk for t in event.topics.all())
    return (
        event.kind, event.title, event.description, event.location, event.online_url,
        event.cancelled_at is None, topics,
    )  # fmt: skip


def events_standing_alone(series: Sequence[Any]) -> list[Any]:
    """Which events of one series (in time order; or one event alone) get a document.

    A weekly call planned 26 times would fill a page of results with one
    title, so a series is found once per run of alike occurrences: by its
    first event (whose page lists them all), then by each occurrence that
    differs from the one before: changed, moved elsewhere, cancelled alone,
    or the first back to the usual after such a one.
    """
    alone, before = [], None
    for event in series:
        text = _event_text(event)
        if text != before:
            alone.append(event)
        before = text
    return alone


def index_event(event_id: int, *, whole_series: bool = True) -> None:
    """Index the series `event_id` belongs to (one occurrence decides the next one's).

    `whole_series=False` writes `event_id`'s document alone: right for an event
    just planned, the last of its series so far, which changes no other's.
    """
    row = Event.objects.filter(pk=event_id).values("repeats_id").first()
    if row is None:
        _delete(DocType.EVENT, [event_id])
        return
    first = row["repeats_id"] or event_id
    series = Event.objects.filter(Q(pk=first) | Q(repeats_id=first))
    for events in series_in_order(series):
        alone = {e.pk for e in events_standing_alone(events)}
        for event in events if whole_series else [e for e in events if e.pk == event_id]:
            if event.pk in alone:
                _save(DocType.EVENT, event.pk, embed=False, **event_fields(event))
            else:
                _delete(DocType.EVENT, [event.pk])


def series_in_order(events: Any) -> Iterator[list[Any]]:
    """`events` (a queryset) grouped by series, each in time order, topics fetched."""
    ordered = (
        events.annotate(series_id=Coalesce("repeats_id", "id"))
        .order_by("series_id", "starts_at", "id")
        .prefetch_related("topics")
    )
    for _, group in groupby(ordered.iterator(chunk_size=2000), key=attrgetter("series_id")):
        yield list(group)


def index_member(user_id: int, *, leaving: int | None = None) -> None:
    """`leaving`: a membership of the user's that is being deleted."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.is_active:
        _delete(DocType.MEMBER, [user_id])
        return
    communities = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
    if leaving is not None:
        communities = communities.exclude(pk=leaving)
    _save(
        DocType.MEMBER,
        user.pk,
        embed=False,
        **_member_fields(user, communities.values_list("community_id", flat=True)),
    )


def on_activity(activity: Activity) -> None:
    """Rebuild what `activity` changed (called inside the writing transaction)."""
    target_id = activity.target_id
    if target_id is None or writing_in_bulk():
        return
    match activity.target_type:
        case "thread":
            # Replies carry their thread's title and topics, and the accepted flag.
            index_thread(target_id, with_replies=True)
        case "post" if activity.verb in ANSWER_VERBS:
            thread_id = Post.objects.filter(pk=target_id).values_list("thread_id", flat=True)
            for tid in thread_id:
                index_thread(tid, with_replies=True)
        case "post":
            index_post(target_id)
        case "entry":
            index_entry(target_id)
        case "event" if activity.verb != Verb.EVENT_RESPONDED:
            # A series is planned one event at a time, each after the last.
            index_event(target_id, whole_series=activity.verb != Verb.EVENT_SCHEDULED)
            return  # events are not cases: nothing to embed
        case "user":
            index_member(target_id)
        case "membership":
            # Leaving records the activity before the membership goes.
            leaving = target_id if activity.verb in MEMBERSHIP_ENDS else None
            for user_id in Membership.objects.filter(pk=target_id).values_list(
                "user_id", flat=True
            ):
                index_member(user_id, leaving=leaving)
            return
        case "community" if activity.verb == Verb.COMMUNITY_CREATED and activity.actor_id:
            index_member(activity.actor_id)  # its first coordinator
            return
        case _:
            return
    # robust: the write has committed; a failing encoder must not turn it into
    # an error page. The case stays pending and is embedded later.
    transaction.on_commit(lambda: embed_pending(limit=EMBED_AFTER_COMMIT), robust=True)


# -- embeddings ---------------------------------------------------------------


def embedding_text(title: str, body: str) -> str:
    return f"{title}. {body[:EMBED_CHARS]}"


def embed_fresh(community_ids: list[int]) -> int:
    """Embed the few cases of `community_ids` still waiting for their embedding.

    A similar-case query calls this, so a case written a moment ago is found
    by meaning too. A backlog (an import without embeddings, an interrupted
    reindex) is left to `embed_pending()` in bulk: encoding a batch of it in
    every query would make each one slow until the backlog is gone.
    """
    ids = list(
        Document.objects.filter(embedding_pending=True, community_id__in=community_ids)
        .order_by("community_id", "id")
        .values_list("id", flat=True)[: EMBED_AFTER_COMMIT + 1]
    )
    if len(ids) > EMBED_AFTER_COMMIT:
        return 0
    return embed_pending(ids=ids) if ids else 0


def embed_pending(limit: int | None = None, *, ids: list[int] | None = None) -> int:
    """Compute the embeddings still pending (of `ids`, if given), in batches; returns how many."""
    pending = Document.objects.filter(embedding_pending=True)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    done = 0
    # Identical texts (templated posts, cross-posted questions) are encoded once.
    known: dict[str, np.ndarray] = {}
    while limit is None or done < limit:
        size = EMBED_BATCH if limit is None else min(EMBED_BATCH, limit - done)
        batch = [
            (doc_id, embedding_text(title, body))
            for doc_id, title, body in pending.order_by("id").values_list("id", "title", "body")[
                :size
            ]
        ]
        if not batch:
            break
        new_texts = list(dict.fromkeys(text for _, text in batch if text not in known))
        if new_texts:
            known.update(zip(new_texts, get_encoder().encode(new_texts), strict=True))
        now = timezone.now()
        with transaction.atomic():
            for doc_id, text in batch:
                Document.objects.filter(pk=doc_id).update(
                    embedding=known[text].astype(np.float32).tobytes(),
                    embedding_pending=False,
                    embedded_at=now,
                )
        done += len(batch)
        if len(known) > KNOWN_TEXTS_MAX:
            known.clear()
    return done


# -- rebuilding everything ----------------------------------------------------


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _text_key(doc_type: str, object_id: int, title: str, body: str) -> tuple[str, int, bytes]:
    return (
        doc_type,
        object_id,
        hashlib.blake2b(f"{title}\x00{body}".encode(), digest_size=16).digest(),
    )


def rebuild(*, community_id: int | None = None, embed: bool = True) -> dict[str, int]:
    """Rebuild documents from their sources (one community's and its members', or all).

    Embeddings of texts that did not change are kept, so a rebuild costs the
    full-text work only.
    """
    counts = {t.value: 0 for t in DocType}
    threads = Thread.objects.filter(deleted_at__isnull=True)
    entries = Entry.objects.filter(deleted_at__isnull=True)
    events = Event.objects.all()
    users = User.objects.filter(is_active=True)
    docs = Document.objects.all()
    if community_id is not None:
        threads = threads.filter(community_id=community_id)
        entries = entries.filter(community_id=community_id)
        events = events.filter(community_id=community_id)
        member_ids = Membership.objects.filter(community_id=community_id).values("user_id")
        users = users.filter(pk__in=member_ids)
        docs = docs.filter(
            Q(community_id=community_id) | Q(doc_type=DocType.MEMBER, object_id__in=member_ids)
        )
    with transaction.atomic():
        kept = {
            _text_key(t, o, title, body): bytes(vector)  # type: ignore[arg-type]
            for t, o, title, body, vector in docs.filter(embedding__isnull=False)
            .values_list("doc_type", "object_id", "title", "body", "embedding")
            .iterator(chunk_size=2000)
        }
        docs.delete()
        now = timezone.now()
        for chunk in _chunks(list(threads.values_list("id", flat=True))):
            created = _rebuild_threads(chunk, kept, now)
            counts["thread"] += len(chunk)
            counts["reply"] += created - len(chunk)
        for chunk in _chunks(list(entries.values_list("id", flat=True))):
            batch = Entry.objects.filter(pk__in=chunk).prefetch_related("topics")
            Document.objects.bulk_create(
                _with_embedding(
                    Document(doc_type=DocType.ENTRY, object_id=e.pk, **_entry_fields(e)), kept, now
                )
                for e in batch
            )
            counts["entry"] += len(chunk)
        alone = [e for series in series_in_order(events) for e in events_standing_alone(series)]
        Document.objects.bulk_create(
            (Document(doc_type=DocType.EVENT, object_id=e.pk, **event_fields(e)) for e in alone),
            batch_size=500,
        )
        counts["event"] = len(alone)
        for chunk in _chunks(list(users.values_list("id", flat=True))):
            belongs: dict[int, list[int]] = {}
            for user_id, community in Membership.objects.filter(
                user_id__in=chunk, status=MembershipStatus.ACTIVE
            ).values_list("user_id", "community_id"):
                belongs.setdefault(user_id, []).append(community)
            Document.objects.bulk_create(
                Document(
                    doc_type=DocType.MEMBER,
                    object_id=u.pk,
                    **_member_fields(u, belongs.get(u.pk, [])),
                )
                for u in User.objects.filter(pk__in=chunk)
            )
            counts["member"] += len(chunk)
    if embed:
        embed_pending()
    if connection.vendor == "postgresql":
        # Bulk changes leave the planner's statistics behind until autovacuum
        # catches up; stale ones sent lookups for pending embeddings through
        # every row instead of the partial index.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_document")
        pgstats.forget()
    return counts


def _with_embedding(
    doc: Document, kept: dict[tuple[str, int, bytes], bytes], now: datetime
) -> Document:
    """Reuse the embedding of an unchanged text, or mark the case pending."""
    vector = kept.get(_text_key(doc.doc_type, doc.object_id, doc.title, doc.body))
    if vector is None:
        doc.embedding_pending = True
    else:
        # A fresh time, so every process's vector store picks the new row up.
        doc.embedding, doc.embedded_at = vector, now
    return doc


def _rebuild_threads(
    ids: list[int], kept: dict[tuple[str, int, bytes], bytes], now: datetime
) -> int:
    threads = Thread.objects.filter(pk__in=ids).prefetch_related("topics", _live_posts())
    docs: list[Document] = []
    for thread in threads:
        posts = thread.live_posts  # type: ignore[attr-defined]
        opening = next((p for p in posts if p.is_opening), None)
        doc = Document(
            doc_type=DocType.THREAD, object_id=thread.pk, **_thread_fields(thread, opening)
        )
        docs.append(_with_embedding(doc, kept, now))
        docs.extend(
            Document(doc_type=DocType.REPLY, object_id=p.pk, **_reply_fields(p, thread))
            for p in posts
            if not p.is_opening
        )
    Document.objects.bulk_create(docs, batch_size=500)
    return len(docs)
