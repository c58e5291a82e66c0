"""HTML pages of the forums: categories, threads with their replies, writing, reactions,
follows, reports, moderators' tools, search and notifications.

Thin, like every door: each page reads through community.forum_selectors and each form calls
one community.forum_services function, then shows its result or its error. What an actor may
not see is a 404, the same answer as for something that does not exist. A refused text is
always shown again in its form, so nothing typed is lost."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import forum_permissions, forum_selectors, forum_services
from community.context_processors import remember_signpost
from community.forum_forms import (
    PostEditForm,
    RemoveForm,
    ReplyForm,
    ReportForm,
    ThreadEditForm,
    ThreadStartForm,
)
from community.forum_permissions import Reader
from community.forum_services import ForumActionRefused
from community.models import Category, Post, Thread
from groups import selectors as group_selectors
from moderation import selectors as moderation_selectors
from moderation.models import Report
from moderation.permissions import check_moderate_content
from moderation.pipeline import ContentRefused, Refusal, held_notice
from moderation.services import AlreadyReported, ModerationConflict, ReportRateLimited

# --- shared plumbing --------------------------------------------------------------------------


def _return_path(request: HttpRequest) -> str:
    """Where to come back to after logging in: the page itself, or for a form's address (which
    only takes POSTs) the page that form belongs to, one level up."""
    if request.method == "GET":
        return request.get_full_path()
    return request.path.rstrip("/").rsplit("/", 1)[0] + "/"


def _problem(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "forums/problem.html", {"message": message}, status=status)


def door(view):
    """A visitor asked to do what only members may is sent to log in (and back here after);
    a member refused by a permission check sees why, kindly, on a 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            if not request.user.is_authenticated:
                return redirect_to_login(_return_path(request))
            return _problem(request, str(denied) or _("You can't do that here."), status=403)

    return wrapper


@dataclass(frozen=True)
class Failure:
    status: int
    retry_after: int = 0


def _attempt(request: HttpRequest, form, action, *, passthrough=()):
    """Run one service call. A refusal becomes an error on `form` (the typed text stays in it)
    and a Failure saying which status to answer with; success returns (result, None)."""
    try:
        return action(), None
    except passthrough:
        raise
    except ContentRefused as refused:
        decision = refused.decision
        form.add_service_error(decision.message)
        if decision.signpost is not None:
            remember_signpost(request, decision.signpost.as_payload())
        status = 429 if decision.refusal == Refusal.RATE_LIMITED else 400
        return None, Failure(status, decision.retry_after)
    except ReportRateLimited as refused:
        form.add_service_error(str(refused))
        return None, Failure(429, refused.retry_after)
    except (ForumActionRefused, ModerationConflict) as refused:
        form.add_service_error(str(refused))
        return None, Failure(400)
    except ValidationError as error:
        form.add_validation_error(error)
        return None, Failure(400)
    except PermissionDenied as denied:
        if not request.user.is_authenticated:
            raise
        form.add_service_error(str(denied) or _("You can't do that here."))
        return None, Failure(403)


def _render(request, template: str, context: dict, failure: Failure | None = None):
    response = render(request, template, context, status=failure.status if failure else 200)
    if failure is not None and failure.retry_after:
        response["Retry-After"] = str(failure.retry_after)
    return response


def _after_writing(request: HttpRequest, written, success: str) -> None:
    """Tell the author what happened: the signpost if their words showed risk, and whether
    others can see it yet."""
    decision = written.decision
    if decision.signpost is not None:
        remember_signpost(request, decision.signpost.as_payload())
    if written.held:
        messages.info(request, held_notice())
    else:
        messages.success(request, success)


def _thread_url(thread: Thread, page: int = 1, anchor: str = "") -> str:
    url = reverse("forums:thread", args=[thread.pk])
    if page > 1:
        url += f"?page={page}"
    return f"{url}#{anchor}" if anchor else url


def _post_url(reader: Reader, post: Post) -> str:
    return _thread_url(
        post.thread, forum_selectors.post_page_number(reader, post), f"post-{post.pk}"
    )


@dataclass(frozen=True)
class Target:
    """A thread's opening post or a reply, with the thread it is in and the reader's standing."""

    content: Thread | Post
    thread: Thread
    reader: Reader

    @property
    def is_thread(self) -> bool:
        return isinstance(self.content, Thread)

    @property
    def kind(self) -> str:
        return "thread" if self.is_thread else "post"

    @property
    def author_label(self) -> str:
        return self.reader.author_label(self.content)

    def url(self) -> str:
        if self.is_thread:
            return _thread_url(self.thread, anchor="opening")
        return _post_url(self.reader, self.content)


def _thread_target(request: HttpRequest, thread_id: int) -> Target:
    thread, reader = forum_selectors.get_thread_for(request.user, thread_id)
    return Target(content=thread, thread=thread, reader=reader)


def _post_target(request: HttpRequest, post_id: int) -> Target:
    post, reader = forum_selectors.get_post_for(request.user, post_id)
    return Target(content=post, thread=post.thread, reader=reader)


# --- categories -------------------------------------------------------------------------------


@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    """Every category the reader may read, with its number of threads and latest activity."""
    return render(
        request,
        "forums/index.html",
        {"listings": forum_selectors.categories_for_list(request.user)},
    )


@require_GET
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One page of a category's threads, pinned first."""
    reader = forum_selectors.get_category_for(request.user, slug)
    page = forum_selectors.threads_page(
        reader, forum_selectors.page_number(request.GET.get("page"))
    )
    return render(
        request,
        "forums/category.html",
        {"reader": reader, "category": reader.category, "page": page, "page_base": "?"},
    )


def _write_page(request, *, form, heading: str, submit: str, back_url: str, category, failure=None):
    return _render(
        request,
        "forums/write.html",
        {
            "form": form,
            "heading": heading,
            "submit_label": submit,
            "back_url": back_url,
            "category": category,
        },
        failure,
    )


@require_http_methods(["GET", "POST"])
@door
def thread_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a thread: title, text, an optional content warning, and anonymity if wanted."""
    reader = forum_selectors.get_category_for(request.user, slug)
    category = reader.category
    page = {
        "heading": _("Start a thread in %(category)s") % {"category": category.name},
        "submit": _("Post thread"),
        "back_url": reverse("forums:category", args=[category.slug]),
        "category": category,
    }
    if request.method == "GET":
        forum_permissions.check_post_in_category(reader)
        return _write_page(request, form=ThreadStartForm(), **page)
    form = ThreadStartForm(request.POST)
    form.is_valid()
    written, failure = _attempt(
        request, form, lambda: forum_services.thread_start(reader=reader, **form.cleaned_data)
    )
    if failure is not None:
        return _write_page(request, form=form, failure=failure, **page)
    _after_writing(request, written, _("Your thread is posted. Thank you for sharing."))
    return redirect(_thread_url(written.content))


# --- a thread ---------------------------------------------------------------------------------


def _thread_page(
    request: HttpRequest,
    thread: Thread,
    reader: Reader,
    number: int,
    *,
    reply_form: ReplyForm | None = None,
    failure: Failure | None = None,
) -> HttpResponse:
    try:
        view = forum_selectors.thread_view(reader, thread, number)
    except Http404:
        if reply_form is None:
            raise
        # A refused reply from a page that no longer exists: show it on the last page.
        view = forum_selectors.thread_view(reader, thread, 1)
        if view.page.paginator.num_pages > 1:
            view = forum_selectors.thread_view(reader, thread, view.page.paginator.num_pages)
    if reader.is_member:
        forum_services.notifications_mark_read(actor=request.user, thread=thread)
    if reply_form is None and view.may_reply:
        reply_form = ReplyForm(
            initial={
                "body": forum_selectors.quote_text(
                    request.user, reader, thread, request.GET.get("quote")
                )
            }
        )
    return _render(
        request,
        "forums/thread.html",
        {
            "view": view,
            "thread": thread,
            "category": thread.category,
            "reader": reader,
            "page": view.page,
            "page_base": "?",
            "reply_form": reply_form,
        },
        failure,
    )


@require_GET
def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    """A thread: its opening post (on page 1), a page of replies and the reply form."""
    thread, reader = forum_selectors.get_thread_for(request.user, thread_id)
    return _thread_page(
        request, thread, reader, forum_selectors.page_number(request.GET.get("page"))
    )


@require_POST
@door
def thread_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Reply in a thread; then show the reply where it landed."""
    thread, reader = forum_selectors.get_thread_for(request.user, thread_id)
    form = ReplyForm(request.POST)
    form.is_valid()
    written, failure = _attempt(
        request,
        form,
        lambda: forum_services.post_reply(reader=reader, thread=thread, **form.cleaned_data),
    )
    if failure is not None:
        try:
            number = forum_selectors.page_number(request.POST.get("page"))
        except Http404:
            number = forum_selectors.MAX_PAGE  # not a page: fall back to the last one
        return _thread_page(request, thread, reader, number, reply_form=form, failure=failure)
    _after_writing(request, written, _("Your reply is posted."))
    return redirect(_post_url(reader, written.content))


@require_GET
def post_permalink(request: HttpRequest, post_id: int) -> HttpResponse:
    """A reply's own address: the page of its thread it is on."""
    post, reader = forum_selectors.get_post_for(request.user, post_id)
    return redirect(_post_url(reader, post))


# --- editing and deleting ---------------------------------------------------------------------


def _edit(request: HttpRequest, target: Target) -> HttpResponse:
    content = target.content
    form_class = ThreadEditForm if target.is_thread else PostEditForm
    page = {
        "heading": _("Edit your thread") if target.is_thread else _("Edit your reply"),
        "submit": _("Save changes"),
        "back_url": target.url(),
        "category": target.thread.category,
    }
    if request.method == "GET":
        forum_permissions.check_edit(target.reader, content, target.thread)
        initial = {"body": content.body, "content_warning": content.content_warning}
        if target.is_thread:
            initial["title"] = content.title
        return _write_page(request, form=form_class(initial=initial), **page)
    form = form_class(request.POST)
    form.is_valid()
    if target.is_thread:

        def action():
            return forum_services.thread_edit(
                reader=target.reader, thread=content, **form.cleaned_data
            )
    else:

        def action():
            return forum_services.post_edit(reader=target.reader, post=content, **form.cleaned_data)

    written, failure = _attempt(request, form, action)
    if failure is not None:
        return _write_page(request, form=form, failure=failure, **page)
    _after_writing(request, written, _("Your changes are saved."))
    return redirect(target.url())


@require_http_methods(["GET", "POST"])
@door
def thread_edit(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _edit(request, _thread_target(request, thread_id))


@require_http_methods(["GET", "POST"])
@door
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    return _edit(request, _post_target(request, post_id))


def _delete(request: HttpRequest, target: Target) -> HttpResponse:
    if request.method == "GET":
        forum_permissions.check_delete(target.reader, target.content)
        return render(request, "forums/delete.html", {"target": target, "back_url": target.url()})
    forum_services.content_delete(reader=target.reader, content=target.content)
    if target.is_thread:
        messages.success(
            request,
            _("Your thread is deleted. Its replies stay, so others' words aren't lost."),
        )
        return redirect("forums:category", slug=target.thread.category.slug)
    messages.success(request, _("Your reply is deleted."))
    return redirect(target.url())


@require_http_methods(["GET", "POST"])
@door
def thread_delete(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _delete(request, _thread_target(request, thread_id))


@require_http_methods(["GET", "POST"])
@door
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    return _delete(request, _post_target(request, post_id))


# --- reactions, following, moderators' buttons ------------------------------------------------


def _react(request: HttpRequest, target: Target) -> HttpResponse:
    kind = request.POST.get("kind", "")
    action = request.POST.get("action", "add")
    service = {"add": forum_services.reaction_add, "remove": forum_services.reaction_remove}.get(
        action
    )
    if service is None:
        return _problem(request, _("Please choose to add or take back a reaction."), status=400)
    try:
        service(reader=target.reader, content=target.content, kind=kind)
    except ForumActionRefused as refused:
        return _problem(request, str(refused), status=400)
    return redirect(target.url())


@require_POST
@door
def thread_react(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _react(request, _thread_target(request, thread_id))


@require_POST
@door
def post_react(request: HttpRequest, post_id: int) -> HttpResponse:
    return _react(request, _post_target(request, post_id))


@require_POST
@door
def thread_follow(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Follow a thread (hear of new replies in your notifications) or stop following it."""
    thread, reader = forum_selectors.get_thread_for(request.user, thread_id)
    if request.POST.get("action") == "unfollow":
        forum_services.thread_unfollow(reader=reader, thread=thread)
        messages.success(request, _("You've stopped following this thread."))
    else:
        forum_services.thread_follow(reader=reader, thread=thread)
        messages.success(
            request, _("You're following this thread. New replies will show in your notifications.")
        )
    return redirect(_thread_url(thread))


@require_POST
@door
def thread_moderate(request: HttpRequest, thread_id: int) -> HttpResponse:
    """Moderators lock or unlock a thread to replies, or pin it to the top of its category."""
    thread, reader = forum_selectors.get_thread_for(request.user, thread_id)
    action = request.POST.get("action")
    if action in ("lock", "unlock"):
        forum_services.thread_lock(reader=reader, thread=thread, locked=action == "lock")
        done = _("The thread is locked.") if action == "lock" else _("The thread is open again.")
    elif action in ("pin", "unpin"):
        forum_services.thread_pin(reader=reader, thread=thread, pinned=action == "pin")
        done = _("The thread is pinned.") if action == "pin" else _("The thread is unpinned.")
    else:
        return _problem(request, _("Please choose lock, unlock, pin or unpin."), status=400)
    messages.success(request, done)
    return redirect(_thread_url(thread))


def _remove(request: HttpRequest, target: Target) -> HttpResponse:
    if request.method == "GET":
        check_moderate_content(request.user, target.content)
        form = RemoveForm()
        failure = None
    else:
        form = RemoveForm(request.POST)
        form.is_valid()
        _removed, failure = _attempt(
            request,
            form,
            lambda: forum_services.content_remove(
                reader=target.reader, content=target.content, reason=form.cleaned_data["reason"]
            ),
        )
        if failure is None:
            messages.success(request, _("It's taken down. The author will see your reason."))
            return redirect(target.url())
    return _render(
        request,
        "forums/remove.html",
        {"target": target, "form": form, "back_url": target.url()},
        failure,
    )


@require_http_methods(["GET", "POST"])
@door
def thread_remove(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _remove(request, _thread_target(request, thread_id))


@require_http_methods(["GET", "POST"])
@door
def post_remove(request: HttpRequest, post_id: int) -> HttpResponse:
    return _remove(request, _post_target(request, post_id))


# --- reports ----------------------------------------------------------------------------------


def _report(request: HttpRequest, target: Target) -> HttpResponse:
    context = {"target": target, "back_url": target.url()}
    if request.method == "GET":
        forum_permissions.check_report(target.reader, target.content)
        context["already_reported"] = moderation_selectors.has_reported(
            request.user, target.content
        )
        context["form"] = ReportForm()
        return render(request, "forums/report.html", context)
    form = ReportForm(request.POST)
    form.is_valid()
    try:
        report, failure = _attempt(
            request,
            form,
            lambda: forum_services.content_report(
                reader=target.reader, content=target.content, **form.cleaned_data
            ),
            passthrough=AlreadyReported,
        )
    except AlreadyReported as already:
        messages.info(request, str(already))
        return redirect(target.url())
    if failure is not None:
        return _render(request, "forums/report.html", {**context, "form": form}, failure)
    messages.success(request, _("Thank you for telling us. A moderator will look at it."))
    if report.reason == Report.Reason.SELF_HARM:
        messages.info(
            request,
            _(
                "Because someone may be at risk, a moderator will look at this quickly. If you "
                "think they are in danger right now, please call your local emergency number."
            ),
            extra_tags="help-link",
        )
    return redirect(target.url())


@require_http_methods(["GET", "POST"])
@door
def thread_report(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _report(request, _thread_target(request, thread_id))


@require_http_methods(["GET", "POST"])
@door
def post_report(request: HttpRequest, post_id: int) -> HttpResponse:
    return _report(request, _post_target(request, post_id))


# --- history (moderators only) ----------------------------------------------------------------


def _history(request: HttpRequest, target: Target) -> HttpResponse:
    try:
        revisions = list(moderation_selectors.revisions_for(request.user, target.content))
    except PermissionDenied:
        raise Http404("No such page.") from None
    return render(
        request,
        "forums/history.html",
        {"target": target, "revisions": revisions, "back_url": target.url()},
    )


@require_GET
def thread_history(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _history(request, _thread_target(request, thread_id))


@require_GET
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    return _history(request, _post_target(request, post_id))


# --- search -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
def search(request: HttpRequest) -> HttpResponse:
    """Search the threads and replies the reader may read. Unusable words get a kind note.

    The site's own search form and its page links send the words by POST, so what a person
    searched for ("panic attacks") stays out of the address bar, browser history, proxy and
    server logs and the Referer header. GET still answers old links and bookmarks."""
    data = request.POST if request.method == "POST" else request.GET
    query = data.get("q")
    context = {"query": query or "", "page": None, "problem": ""}
    if query is not None:
        number = forum_selectors.page_number(data.get("page"))
        try:
            context["page"] = forum_selectors.search_page(request.user, query, number)
        except forum_selectors.SearchQueryInvalid as invalid:
            context["problem"] = str(invalid)
    return render(request, "forums/search.html", context)


# --- notifications ----------------------------------------------------------------------------


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """New replies in the threads the member follows, newest first."""
    page = forum_selectors.notifications_page(
        request.user, forum_selectors.page_number(request.GET.get("page"))
    )
    return render(request, "forums/notifications.html", {"page": page, "page_base": "?"})


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    forum_services.notifications_mark_read(actor=request.user)
    messages.success(request, _("All your notifications are marked as read."))
    return redirect("forums:notifications")


# --- a peer group's forum ---------------------------------------------------------------------


@require_GET
def group_forum(request: HttpRequest, slug: str) -> HttpResponse:
    """A peer group's private forum, for its members and moderators (404 for everyone else)."""
    group = group_selectors.get_group(slug)
    # The forum rule decides, before a first visit creates the group's category.
    if not forum_permissions.can_read_category(
        request.user, Category(visibility=Category.Visibility.GROUP, group=group)
    ):
        raise Http404("No such group forum.")
    category = forum_services.category_for_group(group)
    return redirect("forums:category", slug=category.slug)
