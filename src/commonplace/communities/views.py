"""Pages about communities: directory, home, charter, members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from commonplace.accounts.access import access_user, signed_in_user
from commonplace.accounts.models import User
from commonplace.communities import actions, queries
from commonplace.communities.access import (
    access_community,
    access_community_content,
    access_community_for_coordinators,
    access_membership,
)
from commonplace.communities.forms import (
    CreateCommunityForm,
    DirectoryFilterForm,
    EditCharterForm,
    InviteForm,
    MemberRolesForm,
    RequestToJoinForm,
    SkillEndorsementForm,
)
from commonplace.communities.models import (
    LEADERSHIP_DESCRIPTIONS,
    RECOGNITION_DESCRIPTIONS,
    STAGE_DESCRIPTIONS,
)
from commonplace.core.errors import DomainError
from commonplace.core.forms import add_domain_error
from commonplace.core.pagination import paginate, parse_page_number
from commonplace.discussions.queries import count_open_questions, list_recent_threads
from commonplace.events.queries import get_rhythm, list_next_events
from commonplace.repertoire.queries import (
    list_entries_needing_review_by,
    list_highlighted_entries,
)

CHARTER_FIELDS = actions.CHARTER_FIELDS


def home(request: HttpRequest) -> HttpResponse:
    memberships = (
        list(queries.list_memberships_of(user=request.user))
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "communities/home.html",
        {
            "memberships": [m for m in memberships if m.is_active],
            "invitations": [m for m in memberships if m.status == "invited"],
            "requests": [m for m in memberships if m.status == "pending"],
            "featured": queries.list_directory(user=request.user).order_by("-last_activity_at")[:6],
            "to_review": list_entries_needing_review_by(user=request.user)
            if request.user.is_authenticated
            else [],
        },
    )


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET)
    query, topic = "", ""
    if form.is_valid():
        query, topic = form.cleaned_data["q"], form.cleaned_data["topic"]
    page = paginate(
        queries.list_directory(user=request.user, query=query, topic=topic),
        number=parse_page_number(request.GET.get("page")),
        per_page=24,
    )
    return render(
        request,
        "communities/directory.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "topic": topic,
            "topics": queries.list_directory_topics(user=request.user)[:30],
        },
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = CreateCommunityForm(
        request.POST or None, initial={"visibility": "public", "join_policy": "open"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            community = actions.create_community(
                name=data["name"],
                slug=data["slug"],
                domain_statement=data["domain_statement"],
                topics=data["topics"],
                by=user,
                **{f: data[f] for f in CHARTER_FIELDS if f != "name"},
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"{community.name} is ready. Invite the first members.")
            return redirect("communities:home", slug=community.slug)
    return render(
        request,
        "communities/charter_form.html",
        {"form": form, "creating": True, **_charter_help()},
        status=422 if form.errors else 200,
    )


def _charter_help() -> dict[str, object]:
    return {
        "stage_help": STAGE_DESCRIPTIONS,
        "recognition_help": RECOGNITION_DESCRIPTIONS,
    }


def community_home(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community(user=request.user, slug=slug)
    community = access.community
    context: dict[str, object] = {"access": access, "community": community}
    if access.can_read:
        context.update(
            recent_threads=list_recent_threads(community=community),
            open_questions=count_open_questions(community=community),
            coordinators=list(queries.list_coordinators(community=community)[:6]),
            members=list(queries.list_members(community=community)[:18]),
            topics=list(queries.list_topics(community=community)),
            entries=list_highlighted_entries(community=community),
            next_events=list_next_events(community=community),
            rhythm=get_rhythm(community=community),
        )
    return render(request, "communities/community_home.html", context)


@login_required
def charter_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_coordinators(user=user, slug=slug)
    community = access.community
    form = EditCharterForm(request.POST or None, initial=EditCharterForm.initial_for(community))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_charter(
                community=community,
                by=user,
                domain_statement=data["domain_statement"],
                revision_note=data["revision_note"],
                topics=data["topics"],
                **{f: data[f] for f in CHARTER_FIELDS},
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "The charter is updated.")
            return redirect("communities:home", slug=community.slug)
    return render(
        request,
        "communities/charter_form.html",
        {"form": form, "access": access, "community": community, **_charter_help()},
        status=422 if form.errors else 200,
    )


def charter_history(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community(user=request.user, slug=slug)
    revisions = access.community.domain_revisions.select_related("revised_by")
    return render(
        request,
        "communities/charter_history.html",
        {"access": access, "community": access.community, "revisions": revisions},
    )


def members(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    page = paginate(
        queries.list_members(community=access.community),
        number=parse_page_number(request.GET.get("page")),
        per_page=60,
    )
    return render(
        request,
        "communities/members.html",
        {
            "access": access,
            "community": access.community,
            "page": page,
            "pending": queries.list_pending(community=access.community)
            if access.is_coordinator
            else [],
            "invite_form": InviteForm(),
            "leadership_help": LEADERSHIP_DESCRIPTIONS,
        },
    )


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community(user=user, slug=slug)
    actions.join_community(community=access.community, user=user)
    messages.success(request, f"Welcome to {access.community.name}.")
    return redirect("communities:home", slug=slug)


@login_required
def request_to_join(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community(user=user, slug=slug)
    form = RequestToJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_to_join(
                community=access.community, user=user, message=form.cleaned_data["message"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Your request is sent; a coordinator will answer it.")
            return redirect("communities:home", slug=slug)
    return render(
        request,
        "communities/request_to_join.html",
        {"access": access, "community": access.community, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community(user=request.user, slug=slug)
    if access.membership is None:
        raise Http404("You are not a member of this community.")
    actions.leave_community(membership=access.membership)
    messages.success(request, f"You left {access.community.name}.")
    if access.community.visibility == "private":
        return redirect("home")
    return redirect("communities:home", slug=slug)


@login_required
@require_POST
def decline_invitation(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community(user=request.user, slug=slug)
    if not access.is_invited or access.membership is None:
        raise Http404("You have no invitation to this community.")
    actions.decline_invitation(membership=access.membership)
    messages.success(request, "Invitation declined.")
    return redirect("home")


@login_required
@require_POST
def decide_request(request: HttpRequest, slug: str, username: str, decision: str) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_coordinators(user=user, slug=slug)
    membership = access_membership(access=access, username=username)
    if decision == "approve":
        actions.approve_request(membership=membership, by=user)
        messages.success(request, f"{membership.user.name} is now a member.")
    else:
        actions.deny_request(membership=membership, by=user)
        messages.success(request, f"Request from {membership.user.name} denied.")
    return redirect("communities:members", slug=slug)


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_coordinators(user=user, slug=slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        invitee = User.objects.filter(
            username=form.cleaned_data["username"], is_active=True
        ).first()
        if invitee is None:
            form.add_error("username", "Nobody has that username.")
        else:
            try:
                actions.invite_member(
                    community=access.community,
                    user=invitee,
                    by=user,
                    message=form.cleaned_data["message"],
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, f"{invitee.name} is invited.")
                return redirect("communities:members", slug=slug)
    return render(
        request,
        "communities/invite.html",
        {"access": access, "community": access.community, "invite_form": form},
        status=422,
    )


@login_required
@require_POST
def member_roles(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_coordinators(user=user, slug=slug)
    membership = access_membership(access=access, username=username)
    form = MemberRolesForm(request.POST)
    if not form.is_valid():
        raise DomainError("Choose a role and leadership roles from the lists.")
    actions.update_member_roles(
        membership=membership,
        role=form.cleaned_data["role"],
        leadership_roles=form.cleaned_data["leadership_roles"],
        by=user,
    )
    messages.success(request, f"Roles of {membership.user.name} updated.")
    return redirect("communities:members", slug=slug)


@login_required
@require_POST
def skill_endorsement(request: HttpRequest, username: str) -> HttpResponse:
    """Vouch for one of a peer's declared skills, or withdraw it (`withdraw=1`)."""
    person = access_user(username=username)
    user = signed_in_user(request)
    form = SkillEndorsementForm(request.POST)
    if not form.is_valid():
        raise DomainError("Say which skill.", field="skill")
    skill = form.cleaned_data["skill"]
    if form.cleaned_data["withdraw"]:
        actions.withdraw_skill_endorsement(person=person, skill=skill, by=user)
        messages.success(request, f"You no longer vouch for {person.name} on “{skill}”.")
    else:
        actions.endorse_skill(person=person, skill=skill, by=user)
        messages.success(request, f"You vouched for {person.name} on “{skill}”.")
    return redirect("profile", username=person.username)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The signed-in person's notifications; a POST marks them all read."""
    user = signed_in_user(request)
    if request.method == "POST":
        count = actions.mark_notifications_read(user=user)
        messages.success(request, f"Marked {count} notification{'s' * (count != 1)} read.")
        return redirect("notifications")
    page = paginate(
        queries.list_notifications(user=user),
        number=parse_page_number(request.GET.get("page")),
        per_page=30,
    )
    return render(request, "communities/notifications.html", {"page": page})


@login_required
@require_POST
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go where it points."""
    notification = (
        queries.list_notifications(user=signed_in_user(request)).filter(pk=notification_id).first()
    )
    if notification is None:
        raise Http404("No such notification.")
    actions.mark_notifications_read(user=notification.user, ids=[notification.pk])
    # Notifications point inside the site; anything else goes to the list.
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications")
    return redirect(notification.url)
