from datetime import timedelta

import pytest
from django.utils import timezone

from commonplace.communities.actions import (
    approve_request,
    create_community,
    decline_invitation,
    deny_request,
    invite_member,
    join_community,
    leave_community,
    request_to_join,
    set_leadership_roles,
    set_member_role,
    update_charter,
)
from commonplace.communities.models import Community, Membership
from commonplace.core.errors import ConflictError, DomainError, ForbiddenError
from commonplace.core.models import Activity, Verb
from commonplace.events.actions import schedule_event
from commonplace.repertoire.actions import create_entry
from tests.factories import add_member, make_community, make_thread, make_user

pytestmark = pytest.mark.django_db


def test_create_community_makes_creator_coordinator_and_first_revision():
    founder = make_user()
    community = make_community(coordinator=founder, topics=("Hops", "Yeast", "hops"))
    membership = Membership.objects.get(community=community, user=founder)
    assert membership.is_coordinator
    assert community.member_count == 1
    assert community.domain_revisions.count() == 1
    assert sorted(t.slug for t in community.topics.all()) == ["hops", "yeast"]
    assert Activity.objects.filter(verb=Verb.COMMUNITY_CREATED, community=community).exists()


def test_create_community_rejects_duplicate_slug_case_insensitively():
    make_community(slug="brewers")
    with pytest.raises(ConflictError):
        make_community(slug="Brewers")


def test_create_community_rejects_reserved_slug_and_bad_colour():
    with pytest.raises(DomainError):
        make_community(slug="new")
    with pytest.raises(DomainError):
        make_community(accent_color="red")
    assert not Community.objects.exists()


def test_update_charter_keeps_every_domain_revision():
    community = make_community()
    coordinator = community.created_by
    update_charter(
        community=community,
        by=coordinator,
        domain_statement="A sharper domain.",
        revision_note="why",
    )
    update_charter(community=community, by=coordinator, domain_statement="A sharper domain.")
    texts = list(community.domain_revisions.values_list("text", flat=True))
    assert texts == ["A sharper domain.", f"The practice of {community.slug}."]
    assert community.domain_revisions.first().note == "why"


def test_update_charter_keeps_topics_still_used_by_threads_entries_and_events():
    community = make_community(topics=("Hops", "Yeast", "Malt", "Kegs", "Cider"))
    make_thread(community, topics=("hops",))
    create_entry(
        community=community, by=community.created_by, kind="tool", title="Yeast pitch rates",
        body="Use it", topics=["yeast"],
    )  # fmt: skip
    start = timezone.now() + timedelta(days=3)
    schedule_event(
        community=community, by=community.created_by, kind="visit", title="Maltings visit",
        starts_at=start, ends_at=start + timedelta(hours=2), topics=["malt"],
    )  # fmt: skip
    update_charter(community=community, by=community.created_by, topics=["Water"])
    assert sorted(t.slug for t in community.topics.all()) == ["hops", "malt", "water", "yeast"]


def test_join_community_respects_join_policy():
    person = make_user()
    with pytest.raises(ForbiddenError):
        join_community(community=make_community(join_policy="request"), user=person)
    with pytest.raises(ForbiddenError):
        join_community(community=make_community(join_policy="invite"), user=person)
    open_community = make_community()
    join_community(community=open_community, user=person)
    open_community.refresh_from_db()
    assert open_community.member_count == 2
    with pytest.raises(ConflictError):
        join_community(community=open_community, user=person)


def test_request_approve_and_deny_flow():
    community = make_community(join_policy="request")
    coordinator = community.created_by
    first, second = make_user(), make_user()
    approve_request(membership=request_to_join(community=community, user=first), by=coordinator)
    deny_request(membership=request_to_join(community=community, user=second), by=coordinator)
    assert Membership.objects.get(community=community, user=first).is_active
    assert not Membership.objects.filter(community=community, user=second).exists()
    with pytest.raises(ConflictError):
        request_to_join(community=community, user=first)


def test_invitation_can_be_accepted_or_declined():
    community = make_community(join_policy="invite", visibility="private")
    guest, other = make_user(), make_user()
    invite_member(community=community, user=guest, by=community.created_by)
    join_community(community=community, user=guest)
    decline_invitation(
        membership=invite_member(community=community, user=other, by=community.created_by)
    )
    assert Membership.objects.get(community=community, user=guest).is_active
    assert not Membership.objects.filter(community=community, user=other).exists()


def test_leave_community_refuses_the_last_coordinator():
    community = make_community()
    coordinator_membership = community.memberships.get(role="coordinator")
    with pytest.raises(ConflictError):
        leave_community(membership=coordinator_membership)
    helper = add_member(community)
    helper_membership = community.memberships.get(user=helper)
    set_member_role(membership=helper_membership, role="coordinator", by=community.created_by)
    leave_community(membership=coordinator_membership)
    community.refresh_from_db()
    assert community.member_count == 1


def test_set_leadership_roles_logs_each_change_and_rejects_unknown_roles():
    community = make_community()
    member = add_member(community)
    membership = community.memberships.get(user=member)
    set_leadership_roles(
        membership=membership, roles=["boundary", "inspirational"], by=community.created_by
    )
    assert membership.leadership_roles == ["inspirational", "boundary"]
    set_leadership_roles(membership=membership, roles=["boundary"], by=community.created_by)
    verbs = list(
        Activity.objects.filter(target_type="membership", target_id=membership.pk)
        .filter(verb__in=[Verb.LEADERSHIP_ASSIGNED, Verb.LEADERSHIP_REMOVED])
        .values_list("verb", flat=True)
    )
    assert sorted(verbs) == sorted(
        [Verb.LEADERSHIP_ASSIGNED, Verb.LEADERSHIP_ASSIGNED, Verb.LEADERSHIP_REMOVED]
    )
    with pytest.raises(DomainError):
        set_leadership_roles(membership=membership, roles=["wizard"], by=community.created_by)


def test_a_person_can_belong_to_many_communities():
    person = make_user()
    communities = [make_community() for _ in range(3)]
    for community in communities:
        join_community(community=community, user=person)
    assert Membership.objects.filter(user=person, status="active").count() == 3


def test_create_community_with_original_time_keeps_it():
    from datetime import UTC, datetime

    at = datetime(2020, 5, 1, tzinfo=UTC)
    community = create_community(
        name="Old", slug="old", domain_statement="Old practice.", by=make_user(), at=at
    )
    assert community.created_at == at
    assert Activity.objects.get(verb=Verb.COMMUNITY_CREATED, community=community).created_at == at
