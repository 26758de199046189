import pytest
from django.core.management import call_command
from django.utils import timezone

from commonplace.accounts.models import User
from commonplace.communities.models import Community
from commonplace.discussions.models import Post, Thread, ThreadKind
from commonplace.events.models import Event, EventKind, EventResponse
from commonplace.insights.models import Expertise
from commonplace.repertoire.models import (
    Endorsement,
    Entry,
    EntryKind,
    EntrySource,
    Maturity,
    MaturityChange,
    Reuse,
)

pytestmark = pytest.mark.django_db


def _assert_fully_indexed() -> None:
    """Every thread, reply, entry, event and person is searchable, and every case embedded."""
    from commonplace.search.indexing import events_standing_alone, series_in_order
    from commonplace.search.models import DocType, Document

    expected = {
        DocType.THREAD: Thread.objects.filter(deleted_at__isnull=True).count(),
        DocType.REPLY: Post.objects.filter(
            is_opening=False, deleted_at__isnull=True, thread__deleted_at__isnull=True
        ).count(),
        DocType.ENTRY: Entry.objects.filter(deleted_at__isnull=True).count(),
        DocType.MEMBER: User.objects.filter(is_active=True).count(),
        DocType.EVENT: sum(
            len(events_standing_alone(s)) for s in series_in_order(Event.objects.all())
        ),
    }
    assert {t: Document.objects.filter(doc_type=t).count() for t in expected} == expected
    assert not Document.objects.filter(embedding_pending=True).exists()


def _repertoire_state():
    return sorted(
        Entry.objects.values_list(
            "community__slug",
            "kind",
            "title",
            "maturity",
            "endorsement_count",
            "reuse_count",
            "version",
        )
    )


def test_demo_loads_a_realistic_constellation_and_is_safe_to_run_twice():
    call_command("demo")
    _assert_fully_indexed()
    # Expertise profiles were rebuilt once at the end, as the index was.

    assert Expertise.objects.filter(topic__isnull=False, accepted__gt=0).count() >= 30
    threads = Thread.objects.all()
    assert Community.objects.count() >= 5
    assert {"public", "members", "private"} <= set(
        Community.objects.values_list("visibility", flat=True)
    )
    assert len(set(Community.objects.values_list("stage", flat=True))) >= 4
    assert User.objects.filter(memberships__status="active").distinct().count() >= 60
    overlapping = [u for u in User.objects.all() if u.memberships.count() > 1]
    assert len(overlapping) >= 20
    assert threads.count() >= 300
    assert set(threads.values_list("kind", flat=True)) == set(ThreadKind.values)
    assert threads.filter(accepted_answer__isnull=False).count() >= 30
    first, last = threads.order_by("created_at")[0], threads.order_by("-created_at")[0]
    assert (last.created_at - first.created_at).days >= 270

    entries = Entry.objects.all()
    assert entries.count() >= 60
    assert set(entries.values_list("kind", flat=True)) == set(EntryKind.values)
    assert set(entries.values_list("maturity", flat=True)) == set(Maturity.values)
    for community in Community.objects.all():
        assert community.entries.count() >= 8, community.slug
    promoted = entries.filter(sources__isnull=False).distinct()
    assert promoted.count() >= 12
    assert not EntrySource.objects.filter(thread__accepted_answer__isnull=True).exists()
    assert entries.filter(maturity=Maturity.ENDORSED).count() >= 6
    assert not MaturityChange.objects.filter(
        to_maturity__in=[Maturity.ENDORSED, Maturity.RETIRED], reason=""
    ).exists()
    overdue = entries.filter(review_due__lt=timezone.localdate()).exclude(maturity=Maturity.RETIRED)
    assert overdue.count() >= 5
    assert Endorsement.objects.count() >= 60
    assert set(Reuse.objects.values_list("entry__kind", flat=True)) == {
        EntryKind.TOOL,
        EntryKind.ASSET,
    }
    assert entries.filter(version__gt=1).count() >= 12

    now = timezone.now()
    events = Event.objects.all()
    assert set(events.values_list("kind", flat=True)) >= set(EventKind.values) - {"social"}
    for community in Community.objects.all():
        assert events.filter(community=community, starts_at__gt=now).exists(), community.slug
        assert events.filter(community=community, ends_at__lt=now).exists(), community.slug
    assert EventResponse.objects.filter(event__starts_at__gt=now).count() >= 30
    assert Expertise.objects.filter(topic__isnull=False, events_led__gt=0).count() >= 10

    counts = (
        Community.objects.count(),
        threads.count(),
        User.objects.count(),
        Endorsement.objects.count(),
        Reuse.objects.count(),
        MaturityChange.objects.count(),
    )
    repertoire = _repertoire_state()
    events_count = Event.objects.count()
    call_command("demo")
    assert (
        Community.objects.count(),
        Thread.objects.count(),
        User.objects.count(),
        Endorsement.objects.count(),
        Reuse.objects.count(),
        MaturityChange.objects.count(),
    ) == counts
    assert _repertoire_state() == repertoire

    # A demo loaded before it had events gets them added.
    Event.objects.filter(community__slug="field-service").delete()
    call_command("demo")
    assert Event.objects.count() == events_count

    # A demo loaded before it had a repertoire gets the same one added.
    Entry.objects.filter(community__slug="field-service").delete()
    call_command("demo")
    assert _repertoire_state() == repertoire
    _assert_fully_indexed()
