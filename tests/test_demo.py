import pytest
from django.core.management import call_command

from commonplace.accounts.models import User
from commonplace.communities.models import Community
from commonplace.discussions.models import Thread, ThreadKind

pytestmark = pytest.mark.django_db


def test_demo_loads_a_realistic_constellation_and_is_safe_to_run_twice():
    call_command("demo")
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
    counts = (Community.objects.count(), threads.count(), User.objects.count())
    call_command("demo")
    assert (Community.objects.count(), Thread.objects.count(), User.objects.count()) == counts
