"""HTML pages of success stories: the list with its milestone filter, a story, writing and
editing, "this gave me hope", deleting, "my stories", and the moderators' review.

Thin, like every door: each page reads through community.story_selectors and each form calls
one community.story_services function, then shows its result or its error. A story the reader
may not see is a 404, the same answer as for one that does not exist. A refused story is
always shown again in its form, so nothing typed is lost."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import forum_services, story_permissions, story_selectors, story_services
from community.context_processors import remember_signpost
from community.forum_selectors import page_number
from community.models import Story
from community.story_forms import SAVE_AS_DRAFT, StoryForm
from community.story_services import StoryActionRefused
from moderation.pipeline import ContentRefused, Refusal
from moderation.services import ModerationConflict

EXCERPT_LENGTH = 240
_TAG = re.compile(r"<[^>]+>")

# --- shared plumbing --------------------------------------------------------------------------


def _problem(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "stories/problem.html", {"message": message}, status=status)


def _door(view, *, back_to_parent: bool):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as denied:
            if not request.user.is_authenticated:
                back = request.get_full_path() if request.method == "GET" else request.path
                if back_to_parent:  # a button's address takes only POSTs: go back to the story
                    back = request.path.rstrip("/").rsplit("/", 1)[0] + "/"
                return redirect_to_login(back)
            return _problem(request, str(denied) or _("You can't do that here."), status=403)

    return wrapper


def door(view):
    """A page with a form. A visitor is sent to log in and back to this page; a member refused
    by a permission check sees why, kindly, on a 403 page."""
    return _door(view, back_to_parent=False)


def button_door(view):
    """A button's address (POST only): a visitor is sent to log in and back to the story."""
    return _door(view, back_to_parent=True)


@dataclass(frozen=True)
class Failure:
    status: int
    retry_after: int = 0


def _render(request, template: str, context: dict, failure: Failure | None = None):
    response = render(request, template, context, status=failure.status if failure else 200)
    if failure is not None and failure.retry_after:
        response["Retry-After"] = str(failure.retry_after)
    return response


def _story_url(story: Story) -> str:
    return reverse("stories:detail", args=[story.pk])


def excerpt(story: Story) -> str:
    """The start of a story as plain text (the template escapes it), for a card."""
    text = html.unescape(_TAG.sub(" ", story.body_html))
    return Truncator(" ".join(text.split())).chars(EXCERPT_LENGTH)


@dataclass(frozen=True)
class Card:
    """A story in a list: its listing from the selector and the start of its text."""

    listing: story_selectors.StoryListing
    excerpt: str


def cards(listings) -> list[Card]:
    return [Card(listing=listing, excerpt=excerpt(listing.story)) for listing in listings]


# --- reading ----------------------------------------------------------------------------------


@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    """Published stories the reader may read, newest first, twelve a page, by milestone."""
    slug = request.GET.get("tag")
    tag = story_selectors.get_tag(slug) if slug else None
    page = story_selectors.stories_page(request.user, page_number(request.GET.get("page")), tag=tag)
    return render(
        request,
        "stories/list.html",
        {
            "page": page,
            "cards": cards(page.object_list),
            "tags": story_selectors.story_tags(),
            "chosen_tag": tag,
            "page_base": f"?{urlencode({'tag': tag.slug})}&" if tag else "?",
            "may_write": story_permissions.can_write(request.user),
        },
    )


def _detail_page(
    request: HttpRequest,
    story: Story,
    *,
    review: dict | None = None,
    failure: Failure | None = None,
) -> HttpResponse:
    view = story_selectors.story_view(request.user, story)
    return _render(
        request,
        "stories/detail.html",
        {
            "view": view,
            "story": story,
            "is_author": story_permissions.is_author(request.user, story),
            "review": review or {},
        },
        failure,
    )


@require_GET
def story_detail(request: HttpRequest, story_id: int) -> HttpResponse:
    """One story. Its author also sees where it is in review; moderators see their buttons."""
    story = story_selectors.get_story_for(request.user, story_id)
    if request.user.is_authenticated:
        # Reading the story is reading any news about it (published, returned).
        forum_services.notifications_mark_read(actor=request.user, story=story)
    return _detail_page(request, story)


@require_GET
@login_required
def my_stories(request: HttpRequest) -> HttpResponse:
    """Every story of the member, in every state but deleted, with where it is in review."""
    return render(
        request,
        "stories/mine.html",
        {"stories": story_selectors.my_stories(request.user)},
    )


@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Stories waiting for a moderator, oldest first. Nobody else learns this page exists."""
    try:
        waiting = story_selectors.stories_awaiting_review(request.user)
    except PermissionDenied:
        raise Http404("No such page.") from None
    rows = [(story, story_permissions.author_label(request.user, story)) for story in waiting]
    return render(request, "stories/review.html", {"rows": rows})


# --- writing ----------------------------------------------------------------------------------


def _attempt(request: HttpRequest, form: StoryForm, action):
    """Run one service call. A refusal becomes an error on `form` (the typed text stays in it)
    and a Failure saying which status to answer with; success returns (result, None)."""
    try:
        return action(), None
    except ContentRefused as refused:
        decision = refused.decision
        form.add_service_error(decision.message)
        if decision.signpost is not None:
            remember_signpost(request, decision.signpost.as_payload())
        status = 429 if decision.refusal == Refusal.RATE_LIMITED else 400
        return None, Failure(status, decision.retry_after)
    except StoryActionRefused as refused:
        form.add_service_error(str(refused))
        return None, Failure(400)


def _write_page(request, *, form: StoryForm, story: Story | None, failure=None):
    return _render(
        request,
        "stories/write.html",
        {
            "form": form,
            "story": story,
            "may_keep_draft": story_permissions.can_keep_as_draft(story),
            "send_draft": SAVE_AS_DRAFT,
            "back_url": _story_url(story) if story else reverse("stories:list"),
        },
        failure,
    )


def _save(request: HttpRequest, story: Story | None, tags) -> HttpResponse:
    form = StoryForm(request.POST, tags=tags)
    form.is_valid()
    saved, failure = _attempt(
        request,
        form,
        lambda: story_services.story_save(
            actor=request.user,
            story=story,
            send_for_review=request.POST.get("send") != SAVE_AS_DRAFT,
            **form.service_arguments(),
        ),
    )
    if failure is not None:
        return _write_page(request, form=form, story=story, failure=failure)
    if saved.decision.signpost is not None:
        remember_signpost(request, saved.decision.signpost.as_payload())
    if saved.submitted:
        messages.success(
            request,
            _(
                "Thank you for sharing. A moderator will read it soon; we'll let you know here "
                "when it's published."
            ),
        )
    else:
        messages.success(request, _("Saved as a draft. Only you can see it."))
    return redirect(_story_url(saved.story))


@require_http_methods(["GET", "POST"])
@door
def story_new(request: HttpRequest) -> HttpResponse:
    """Write a story: send it for review, or keep it as a draft for later."""
    tags = story_selectors.story_tags()
    if request.method == "GET":
        story_permissions.check_write(request.user)
        return _write_page(request, form=StoryForm(tags=tags), story=None)
    return _save(request, None, tags)


@require_http_methods(["GET", "POST"])
@door
def story_edit(request: HttpRequest, story_id: int) -> HttpResponse:
    """Change a story. A published or returned one goes back to a moderator."""
    story = story_selectors.get_story_for(request.user, story_id)
    tags = story_selectors.story_tags()
    if request.method == "GET":
        story_permissions.check_edit(request.user, story)
        return _write_page(request, form=StoryForm.for_story(story, tags=tags), story=story)
    return _save(request, story, tags)


@require_http_methods(["GET", "POST"])
@door
def story_delete(request: HttpRequest, story_id: int) -> HttpResponse:
    story = story_selectors.get_story_for(request.user, story_id)
    if request.method == "GET":
        story_permissions.check_delete(request.user, story)
        return render(request, "stories/delete.html", {"story": story})
    story_services.story_delete(actor=request.user, story=story)
    messages.success(request, _("Your story is deleted. Nobody else can see it now."))
    return redirect("stories:mine")


# --- buttons ----------------------------------------------------------------------------------


@require_POST
@button_door
def story_hope(request: HttpRequest, story_id: int) -> HttpResponse:
    """ "This gave me hope", or taking it back."""
    story = story_selectors.get_story_for(request.user, story_id)
    action = request.POST.get("action", "add")
    if action == "add":
        story_services.story_hope_add(actor=request.user, story=story)
    elif action == "remove":
        story_services.story_hope_remove(actor=request.user, story=story)
    else:
        return _problem(request, _("Please choose to add or take back your reaction."), status=400)
    return redirect(_story_url(story) + "#hope")


REVIEW_ACTIONS = ("approve", "return", "remove", "feature", "unfeature")


@require_POST
@button_door
def story_review(request: HttpRequest, story_id: int) -> HttpResponse:
    """A moderator publishes, returns with a note, removes with a reason, or (un)features."""
    actor = request.user
    story = story_selectors.get_story_for(actor, story_id)
    action = request.POST.get("action", "")
    note = request.POST.get("note", "")
    reason = request.POST.get("reason", "")
    calls = {
        "approve": lambda: story_services.story_approve(actor=actor, story=story),
        "return": lambda: story_services.story_return(actor=actor, story=story, note=note),
        "remove": lambda: story_services.story_remove(actor=actor, story=story, reason=reason),
        "feature": lambda: story_services.story_feature(actor=actor, story=story, featured=True),
        "unfeature": lambda: story_services.story_feature(actor=actor, story=story, featured=False),
    }
    if action not in calls:
        story_permissions.check_review(actor)
        return _problem(
            request,
            _("Please choose to publish, return, remove, feature or stop featuring the story."),
            status=400,
        )
    try:
        calls[action]()
    except (StoryActionRefused, ModerationConflict) as refused:
        story = story_selectors.get_story_for(actor, story.pk)
        review = {"action": action, "error": str(refused), "note": note, "reason": reason}
        return _detail_page(request, story, review=review, failure=Failure(400))
    done = {
        "approve": _("The story is published. Its author will be told."),
        "return": _("The story is returned to its author with your note."),
        "remove": _("The story is taken down. Its author will see your reason."),
        "feature": _("The story is featured on the home page."),
        "unfeature": _("The story is no longer featured on the home page."),
    }
    messages.success(request, done[action])
    return redirect(_story_url(story))
