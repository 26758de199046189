"""Pages of the shared repertoire. Each view: validate, access, one action or query, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from commonplace.accounts.access import signed_in_user
from commonplace.communities.access import access_community_content, access_community_for_members
from commonplace.core.errors import DomainError
from commonplace.core.forms import add_domain_error
from commonplace.core.pagination import paginate, parse_page_number
from commonplace.discussions.access import access_thread
from commonplace.repertoire import actions, permissions, queries
from commonplace.repertoire.access import access_entry, access_entry_file, access_revision
from commonplace.repertoire.files import serve_entry_file
from commonplace.repertoire.forms import (
    DiffForm,
    EditEntryForm,
    EntryFilterForm,
    EntryForm,
    FileForm,
    MaturityForm,
    ReuseForm,
)
from commonplace.repertoire.models import KIND_TEMPLATES, Entry, EntryKind, Maturity


def entry_url(entry: Entry) -> str:
    return reverse("repertoire:entry", args=[entry.community.slug, entry.pk])


def entry_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    form = EntryFilterForm(request.GET)
    filters = (
        queries.EntryFilters(**form.cleaned_data) if form.is_valid() else queries.EntryFilters()
    )
    page = paginate(
        queries.list_entries(community=access.community, filters=filters),
        number=parse_page_number(request.GET.get("page")),
        per_page=30,
    )
    return render(
        request,
        "repertoire/entry_list.html",
        {
            "access": access,
            "community": access.community,
            "form": form,
            "filters": filters,
            "page": page,
            "topics": access.community.topics.all(),
            "needing_review": queries.count_needing_review(community=access.community),
        },
    )


@login_required
def entry_new(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    kind = request.GET.get("kind", EntryKind.PRACTICE)
    kind = kind if kind in EntryKind.values else EntryKind.PRACTICE
    initial = {"kind": kind, "body": KIND_TEMPLATES[EntryKind(kind)]}
    form = EntryForm(request.POST or None, community=access.community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = actions.create_entry(community=access.community, by=user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect(entry_url(entry))
    return render(
        request,
        "repertoire/entry_form.html",
        {
            "access": access,
            "community": access.community,
            "form": form,
            "outlines": {k.value: t for k, t in KIND_TEMPLATES.items()},
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def write_down_thread(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    """A documentation project: turn a thread into an entry, pre-filled and linked."""
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    kind = request.POST.get("kind") or EntryKind.CASE
    try:
        entry = actions.promote_threads_to_entry(
            threads=[thread], by=user, kind=kind if kind in EntryKind.values else EntryKind.CASE
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("discussions:thread", slug, thread.pk)
    messages.success(request, "A draft entry was written from the discussion. Shape it now.")
    return redirect("repertoire:entry_edit", slug, entry.pk)


def entry_detail(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    return render(
        request,
        "repertoire/entry_detail.html",
        {
            "access": access,
            "community": access.community,
            "entry": entry,
            "sources": queries.list_sources(entry=entry),
            # The events it was written up from (the events app links them here).
            "written_up": list(entry.written_up_from.select_related("event")),
            "authors": list(entry.authors.all()),
            "changes": list(entry.maturity_changes.select_related("changed_by")[:10]),
            "can_curate": permissions.can_curate(access.membership),
            "maturity_form": MaturityForm(initial={"maturity": entry.maturity}),
            "maturities": Maturity.choices,
            "endorsed": request.user.is_authenticated
            and entry.endorsements.filter(user=request.user).exists(),
            "reusable": entry.kind in {EntryKind.ASSET, EntryKind.TOOL},
            "reuses": list(entry.reuses.select_related("user")[:10]),
            "files": list(entry.files.all()),
            "file_form": FileForm(),
            "review_overdue": entry.review_due <= timezone.now().date(),
        },
    )


@login_required
def entry_edit(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    initial = {
        "title": entry.title,
        "body": entry.body,
        "topics": [t.slug for t in entry.topics.all()],
        "review_due": entry.review_due,
        "base_version": entry.version,
    }
    form = EditEntryForm(request.POST or None, community=access.community, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_entry(entry=entry, by=user, **form.cleaned_data)
        except actions.EditConflict as error:
            conflict = error.current
            form.add_error(None, error.message)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Saved as a new version.")
            return redirect(entry_url(entry))
    return render(
        request,
        "repertoire/entry_edit.html",
        {
            "access": access,
            "community": access.community,
            "entry": entry,
            "form": form,
            "conflict": conflict,
            "conflict_diff": queries.diff_texts(conflict.body, form.data.get("body", ""))
            if conflict
            else None,
        },
        status=409 if conflict else 422 if form.errors else 200,
    )


def entry_history(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    revisions = list(entry.revisions.select_related("edited_by"))
    diff = None
    form = DiffForm(request.GET or None)
    if form.is_valid():
        old = access_revision(entry=entry, number=form.cleaned_data["a"])
        new = access_revision(entry=entry, number=form.cleaned_data["b"])
        diff = {"old": old, "new": new, "lines": queries.diff_texts(old.body, new.body)}
    return render(
        request,
        "repertoire/entry_history.html",
        {
            "access": access,
            "community": access.community,
            "entry": entry,
            "revisions": revisions,
            "diff": diff,
        },
    )


@login_required
@require_POST
def entry_restore(request: HttpRequest, slug: str, entry_id: int, number: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    actions.restore_revision(
        entry=entry, revision=access_revision(entry=entry, number=number), by=user
    )
    messages.success(request, f"Version {number} is back, as the newest version.")
    return redirect(entry_url(entry))


@login_required
@require_POST
def entry_maturity(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    form = MaturityForm(request.POST)
    if not form.is_valid():
        raise DomainError("Choose a maturity from the list.")
    actions.change_maturity(
        entry=entry,
        to=form.cleaned_data["maturity"],
        by=user,
        membership=access.membership,
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, f"The entry is now {entry.get_maturity_display().lower()}.")
    return redirect(entry_url(entry))


@login_required
@require_POST
def entry_endorse(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    actions.endorse_entry(entry=entry, by=user)
    messages.success(request, "Thanks: others can now see this is in use.")
    return redirect(entry_url(entry))


@login_required
@require_POST
def entry_reuse(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    form = ReuseForm(request.POST)
    if not form.is_valid():
        raise DomainError("Keep the note under 500 characters.")
    actions.record_reuse(entry=entry, by=user, note=form.cleaned_data["note"])
    messages.success(request, "Your reuse is recorded.")
    return redirect(entry_url(entry))


@login_required
@require_POST
def entry_file_upload(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        raise DomainError("Choose a file to attach.", field="file")
    attachment = actions.attach_file(entry=entry, upload=form.cleaned_data["file"], by=user)
    messages.success(request, f"“{attachment.name}” is attached.")
    return redirect(entry_url(entry))


def entry_file(request: HttpRequest, slug: str, entry_id: int, file_id: int) -> FileResponse:
    """Files are only ever served here, after the same check as the entry itself."""
    access = access_community_content(user=request.user, slug=slug)
    entry = access_entry(access=access, entry_id=entry_id)
    return serve_entry_file(access_entry_file(entry=entry, file_id=file_id))
