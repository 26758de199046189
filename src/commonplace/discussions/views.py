"""Pages for threads and posts. Each view: validate, access, one action or query, render.

Reply, vote and accept answer htmx requests with the fragment that changed
and plain form posts with a redirect, so everything works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commonplace.accounts.access import signed_in_user
from commonplace.communities.access import (
    CommunityAccess,
    access_community_content,
    access_community_for_members,
)
from commonplace.core.errors import DomainError
from commonplace.core.forms import add_domain_error
from commonplace.core.http import is_htmx
from commonplace.core.pagination import paginate, parse_page_number
from commonplace.discussions import actions, permissions, queries
from commonplace.discussions.access import access_post, access_thread
from commonplace.discussions.forms import (
    AcceptForm,
    EditThreadForm,
    PostForm,
    ThreadFilterForm,
    ThreadForm,
    VoteForm,
)
from commonplace.discussions.models import Post, Thread
from commonplace.insights.queries import suggested_answerers_for
from commonplace.repertoire.queries import list_entries_written_from
from commonplace.search.queries import related_threads, similar_cases

THREADS_PER_PAGE = 30
# Enough of a draft to say what it is about; the encoder reads about this much.
MAX_SIMILAR_QUERY = 4000


def thread_url(thread: Thread) -> str:
    return reverse("discussions:thread", args=[thread.community.slug, thread.pk])


def thread_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    form = ThreadFilterForm(request.GET)
    filters = (
        queries.ThreadFilters(**form.cleaned_data) if form.is_valid() else queries.ThreadFilters()
    )
    page = paginate(
        queries.list_threads(community=access.community, filters=filters),
        number=parse_page_number(request.GET.get("page")),
        per_page=THREADS_PER_PAGE,
    )
    return render(
        request,
        "discussions/thread_list.html",
        {
            "access": access,
            "community": access.community,
            "form": form,
            "filters": filters,
            "page": page,
            "topics": access.community.topics.all(),
        },
    )


def similar(request: HttpRequest, slug: str) -> HttpResponse:
    """Earlier cases like the thread being written (the compose page asks as you type)."""
    access = access_community_content(user=request.user, slug=slug)
    title = request.GET.get("title", "")[:MAX_SIMILAR_QUERY]
    body = request.GET.get("body", "")[:MAX_SIMILAR_QUERY]
    cases = similar_cases(community=access.community, title=title, body=body)
    return render(
        request,
        "search/_similar_cases.html",
        {"community": access.community, "cases": cases, "compose": True},
    )


@login_required
def thread_new(request: HttpRequest, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    initial = {"kind": request.GET.get("kind", "seeking_experience")}
    form = ThreadForm(request.POST or None, community=access.community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            thread = actions.start_thread(
                community=access.community, author=user, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect(thread_url(thread))
    return render(
        request,
        "discussions/thread_form.html",
        {
            "access": access,
            "community": access.community,
            "form": form,
            "kinds": queries.kind_choices(),
        },
        status=422 if form.errors else 200,
    )


def _thread_context(
    request: HttpRequest, access: CommunityAccess, thread: Thread
) -> dict[str, object]:
    posts = list(queries.list_posts(thread=thread))
    # Comments hang under the post they remark on, not in the flow of replies.
    comments: dict[int, list[Post]] = {}
    for post in posts:
        if post.is_comment and post.parent_id is not None:
            comments.setdefault(post.parent_id, []).append(post)
    for post in posts:
        post.comment_list = comments.get(post.pk, [])  # type: ignore[attr-defined]
    return {
        "access": access,
        "community": access.community,
        "thread": thread,
        "opening": posts[0] if posts and posts[0].is_opening else None,
        "replies": [p for p in posts if not p.is_opening and not p.is_comment],
        "voted": queries.voted_post_ids(user=request.user, posts=posts),
        "can_accept": permissions.can_accept_answer(request.user, thread, access.membership),
        "linked": queries.list_linked_threads(thread=thread),
        "written_down_in": list_entries_written_from(thread=thread),
        "related": related_threads(thread=thread),
        "suggested": suggested_answerers_for(viewer=request.user, access=access, thread=thread),
        "reply_form": PostForm(),
    }


def thread_detail(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    return render(
        request, "discussions/thread_detail.html", _thread_context(request, access, thread)
    )


@login_required
@require_POST
def reply(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = actions.reply_to_thread(
                thread=thread, author=user, body=form.cleaned_data["body"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if is_htmx(request):
                return render(
                    request,
                    "discussions/_reply_created.html",
                    {**_thread_context(request, access, thread), "post": post},
                )
            return redirect(f"{thread_url(thread)}#post-{post.pk}")
    # The form comes back with what was typed, so a long reply is never lost.
    context = {**_thread_context(request, access, thread), "reply_form": form}
    template = (
        "discussions/_reply_form.html" if is_htmx(request) else "discussions/thread_detail.html"
    )
    return render(request, template, context, status=422)


@login_required
def thread_edit(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    permissions.check_can_edit(user, thread.author_id, access.membership)
    opening = thread.posts.get(is_opening=True)
    initial = {
        "title": thread.title,
        "body": opening.body,
        "topics": [t.slug for t in thread.topics.all()],
    }
    form = EditThreadForm(request.POST or None, community=access.community, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_thread(
                thread=thread, by=user, membership=access.membership, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, "Thread updated; the previous version is kept in its history."
            )
            return redirect(thread_url(thread))
    return render(
        request,
        "discussions/thread_edit.html",
        {"access": access, "community": access.community, "thread": thread, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
def post_edit(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    post = access_post(access=access, post_id=post_id)
    if post.is_opening:
        return redirect("discussions:thread_edit", slug, post.thread_id)
    permissions.check_can_edit(user, post.author_id, access.membership)
    form = PostForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_post(
                post=post,
                by=user,
                membership=access.membership,
                body=form.cleaned_data["body"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return redirect(f"{thread_url(post.thread)}#post-{post.pk}")
    return render(
        request,
        "discussions/post_edit.html",
        {
            "access": access,
            "community": access.community,
            "post": post,
            "thread": post.thread,
            "form": form,
        },
        status=422 if form.errors else 200,
    )


def post_history(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    access = access_community_content(user=request.user, slug=slug)
    post = access_post(access=access, post_id=post_id)
    return render(
        request,
        "discussions/post_history.html",
        {
            "access": access,
            "community": access.community,
            "post": post,
            "thread": post.thread,
            "revisions": post.revisions.select_related("edited_by"),
        },
    )


@login_required
@require_POST
def thread_delete(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    actions.delete_thread(thread=thread, by=user, membership=access.membership)
    messages.success(request, "Thread deleted.")
    return redirect("discussions:threads", slug)


@login_required
@require_POST
def post_delete(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    post = access_post(access=access, post_id=post_id)
    actions.delete_post(post=post, by=user, membership=access.membership)
    messages.success(request, "Post deleted.")
    if post.is_opening:
        return redirect("discussions:threads", slug)
    return redirect(thread_url(post.thread))


@login_required
@require_POST
def vote(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    post: Post = access_post(access=access, post_id=post_id)
    form = VoteForm(request.POST)
    undo = form.is_valid() and form.cleaned_data["undo"]
    if undo:
        post = actions.withdraw_vote(post=post, by=user)
    else:
        post = actions.vote_helpful(post=post, by=user, membership=access.membership)
    if is_htmx(request):
        return render(
            request,
            "discussions/_vote_button.html",
            {
                "post": post,
                "voted": set() if undo else {post.pk},
                "access": access,
                "community": access.community,
            },
        )
    return redirect(f"{thread_url(post.thread)}#post-{post.pk}")


@login_required
@require_POST
def accept(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    user = signed_in_user(request)
    access = access_community_for_members(user=user, slug=slug)
    thread = access_thread(access=access, thread_id=thread_id)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        raise DomainError("Say which post answers the question.")
    if form.cleaned_data["undo"]:
        actions.unaccept_answer(thread=thread, by=user, membership=access.membership)
    else:
        answer = access_post(access=access, post_id=form.cleaned_data["post"])
        actions.accept_answer(thread=thread, answer=answer, by=user, membership=access.membership)
    if is_htmx(request):
        return render(
            request, "discussions/_thread_body.html", _thread_context(request, access, thread)
        )
    return redirect(thread_url(thread))
