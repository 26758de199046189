"""Sign-up, profiles and API tokens. Log-in and password reset are Django's own views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commonplace.accounts import actions
from commonplace.accounts.access import access_own_token, access_user, signed_in_user
from commonplace.accounts.forms import ProfileForm, SignUpForm, TokenForm
from commonplace.communities.queries import list_skills, list_visible_memberships
from commonplace.core.errors import DomainError
from commonplace.core.forms import add_domain_error
from commonplace.discussions.queries import personal_data
from commonplace.events.queries import list_led_soon, personal_events
from commonplace.insights.queries import list_member_strengths, personal_routing
from commonplace.repertoire.queries import personal_entries


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.sign_up(
                username=data["username"],
                email=data["email"],
                password=data["password"],
                display_name=data["display_name"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Find a community to join, or start one.")
            return redirect("communities:directory")
    return render(
        request, "accounts/signup.html", {"form": form}, status=422 if form.errors else 200
    )


def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = access_user(username=username)
    memberships = list_visible_memberships(person=person, viewer=request.user)
    strengths = list_member_strengths(person=person, viewer=request.user)
    skills, may_endorse = list_skills(person=person, viewer=request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "memberships": memberships,
            "strengths": strengths,
            "skills": skills,
            "may_endorse": may_endorse,
            "leading": list_led_soon(person=person, viewer=request.user),
        },
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    initial = {
        "display_name": user.display_name,
        "bio": user.bio,
        "org_unit": user.org_unit,
        "location": user.location,
        "skills": ", ".join(user.skills),
        "interests": ", ".join(user.interests),
        "routes_questions": user.routes_questions,
        "email_notifications": user.email_notifications,
        "time_zone": user.time_zone,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_profile(user=user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("profile", username=user.username)
    return render(
        request, "accounts/profile_edit.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _, new_key = actions.create_api_token(user=user, name=form.cleaned_data["name"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "new_key": new_key, "tokens": user.api_tokens.all()},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = signed_in_user(request)
    token = access_own_token(user=user, token_id=token_id)
    actions.revoke_api_token(token=token, by=user)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    data = {
        **personal_data(user),
        **personal_entries(user=user),
        **personal_events(user=user),
        **personal_routing(user=user),
    }
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="commonplace-{user.username}.json"'
    return response
