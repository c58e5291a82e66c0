"""Pages of the member's private journal (/me/journal/) and milestones (/me/milestones/).

Thin, like every door: each page reads through community.journal_selectors (the member's own
rows only; anyone else's is a 404) and each form calls one community.journal_services
function, then shows its result or its error. A refused text is shown again in its form, so
nothing typed is lost. Search words travel by POST only, so they never appear in an address,
the browser's history or a server log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import journal, journal_selectors, journal_services
from community.context_processors import remember_signpost
from community.forum_selectors import SearchQueryInvalid, page_number
from community.journal_forms import JournalEntryForm, MilestoneForm, SearchForm
from community.journal_services import PrivateSpaceRateLimited
from moderation.pipeline import ContentRefused

SUGGEST = "suggest"


def _show_signpost(request: HttpRequest, signpost) -> None:
    if signpost is not None:
        remember_signpost(request, signpost.as_payload())


def _add_errors(form, error: ValidationError) -> None:
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def _refused(request, template: str, context: dict, error: Exception) -> HttpResponse:
    """Show the form again with what went wrong (400, or 429 with Retry-After)."""
    form = context["form"]
    if isinstance(error, ValidationError):
        _add_errors(form, error)
        return render(request, template, context, status=400)
    if isinstance(error, PrivateSpaceRateLimited):
        form.add_error(None, str(error))
        response = render(request, template, context, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    form.add_error(None, str(error))
    return render(request, template, context, status=403)


# --- the journal ------------------------------------------------------------------------------


@require_GET
@login_required
def journal_list(request: HttpRequest) -> HttpResponse:
    page = journal_selectors.journal_page(request.user, page_number(request.GET.get("page")))
    return render(
        request,
        "selfhelp/journal.html",
        {"page": page, "page_base": "?", "search_form": SearchForm()},
    )


def _write_page(request, form, *, entry=None, suggested=None, status=200) -> HttpResponse:
    return render(
        request,
        "selfhelp/journal_write.html",
        {"form": form, "entry": entry, "suggested": suggested, "suggest": SUGGEST},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def journal_new(request: HttpRequest) -> HttpResponse:
    """Write an entry. "Give me a prompt" posts the form back with a prompt chosen at random
    and everything typed kept."""
    if request.method == "GET":
        return _write_page(request, JournalEntryForm())
    form = JournalEntryForm(request.POST)
    form.is_valid()
    data = {"body": request.POST.get("body", ""), "prompt_key": request.POST.get("prompt_key", "")}
    if request.POST.get("action") == SUGGEST:
        prompt = journal.suggest_prompt(not_key=data["prompt_key"])
        form = JournalEntryForm(initial={"body": data["body"], "prompt_key": prompt.key})
        return _write_page(request, form, suggested=prompt)
    try:
        entry, signpost = journal_services.journal_entry_create(actor=request.user, **data)
    except (ValidationError, PrivateSpaceRateLimited, PermissionDenied) as error:
        return _refused(request, "selfhelp/journal_write.html", _write_context(form), error)
    _show_signpost(request, signpost)
    messages.success(request, _("Your entry is saved. Only you can see it."))
    return redirect("journal:detail", entry_id=entry.pk)


def _write_context(form, entry=None) -> dict:
    return {"form": form, "entry": entry, "suggested": None, "suggest": SUGGEST}


@require_GET
@login_required
def journal_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = journal_selectors.get_journal_entry_for(request.user, entry_id)
    return render(request, "selfhelp/journal_entry.html", {"entry": entry})


@require_http_methods(["GET", "POST"])
@login_required
def journal_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = journal_selectors.get_journal_entry_for(request.user, entry_id)
    if request.method == "GET":
        return _write_page(request, JournalEntryForm(initial={"body": entry.body}), entry=entry)
    form = JournalEntryForm(request.POST)
    form.is_valid()
    try:
        entry, signpost = journal_services.journal_entry_edit(
            actor=request.user, entry=entry, body=request.POST.get("body", "")
        )
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, "selfhelp/journal_write.html", _write_context(form, entry), error)
    _show_signpost(request, signpost)
    messages.success(request, _("Your changes are saved."))
    return redirect("journal:detail", entry_id=entry.pk)


@require_http_methods(["GET", "POST"])
@login_required
def journal_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = journal_selectors.get_journal_entry_for(request.user, entry_id)
    if request.method == "GET":
        return render(request, "selfhelp/journal_delete.html", {"entry": entry})
    journal_services.journal_entry_delete(actor=request.user, entry=entry)
    messages.success(request, _("The entry is deleted. There is no copy of it anywhere."))
    return redirect("journal:list")


@require_http_methods(["GET", "POST"])
@login_required
def journal_search(request: HttpRequest) -> HttpResponse:
    """Search the member's own entries. The form and its page buttons send the words by POST;
    a GET shows only the empty form, so the words never live in an address."""
    context = {"query": "", "page": None, "problem": ""}
    if request.method == "POST":
        query = request.POST.get("q", "")
        context["query"] = query
        try:
            rows = journal_selectors.journal_search(request.user, query)
            context["page"] = journal_selectors.rows_page(
                rows, journal_selectors.ENTRIES_PER_PAGE, page_number(request.POST.get("page"))
            )
        except SearchQueryInvalid as invalid:
            context["problem"] = str(invalid)
    return render(request, "selfhelp/journal_search.html", context)


# --- milestones -------------------------------------------------------------------------------


def _milestones_page(request, form=None, status=200) -> HttpResponse:
    rows = list(journal_selectors.milestones(request.user))
    return render(
        request,
        "selfhelp/milestones.html",
        {
            "form": form or MilestoneForm(),
            "open_goals": [row for row in rows if row.achieved_at is None],
            "achieved": [row for row in rows if row.achieved_at is not None],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def milestone_list(request: HttpRequest) -> HttpResponse:
    """The member's goals and what they have achieved, and the form to set a new goal."""
    if request.method == "GET":
        return _milestones_page(request)
    form = MilestoneForm(request.POST)
    form.is_valid()
    try:
        _milestone, signpost = journal_services.milestone_create(
            actor=request.user,
            title=request.POST.get("title", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        _add_errors(form, error)
        return _milestones_page(request, form, status=400)
    except PrivateSpaceRateLimited as error:
        form.add_error(None, str(error))
        response = _milestones_page(request, form, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    _show_signpost(request, signpost)
    messages.success(request, _("Your milestone is set. Mark it when you get there."))
    return redirect("milestones:list")


@require_http_methods(["GET", "POST"])
@login_required
def milestone_edit(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = journal_selectors.get_milestone_for(request.user, milestone_id)
    template = "selfhelp/milestone_edit.html"
    if request.method == "GET":
        form = MilestoneForm(initial={"title": milestone.title, "note": milestone.note})
        return render(request, template, {"form": form, "milestone": milestone})
    form = MilestoneForm(request.POST)
    form.is_valid()
    try:
        _milestone, signpost = journal_services.milestone_edit(
            actor=request.user,
            milestone=milestone,
            title=request.POST.get("title", ""),
            note=request.POST.get("note", ""),
        )
    except ValidationError as error:
        _add_errors(form, error)
        return render(request, template, {"form": form, "milestone": milestone}, status=400)
    _show_signpost(request, signpost)
    messages.success(request, _("Your changes are saved."))
    return redirect("milestones:list")


@require_POST
@login_required
def milestone_achieve(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = journal_selectors.get_milestone_for(request.user, milestone_id)
    achieved = request.POST.get("achieved") == "yes"
    journal_services.milestone_achieve(actor=request.user, milestone=milestone, achieved=achieved)
    if achieved:
        messages.success(
            request,
            _("Well done: “%(title)s” is marked as achieved.") % {"title": milestone.title},
        )
    else:
        messages.success(
            request, _("“%(title)s” is back with your goals.") % {"title": milestone.title}
        )
    return redirect("milestones:list")


@require_http_methods(["GET", "POST"])
@login_required
def milestone_delete(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = journal_selectors.get_milestone_for(request.user, milestone_id)
    if request.method == "GET":
        return render(request, "selfhelp/milestone_delete.html", {"milestone": milestone})
    journal_services.milestone_delete(actor=request.user, milestone=milestone)
    messages.success(request, _("The milestone is deleted."))
    return redirect("milestones:list")


@require_POST
@login_required
def milestone_story(request: HttpRequest, milestone_id: int) -> HttpResponse:
    """Turn a milestone into a draft story and open it for editing (the same draft if it
    already has one)."""
    milestone = journal_selectors.get_milestone_for(request.user, milestone_id)
    try:
        story = journal_services.milestone_to_story(actor=request.user, milestone=milestone)
    except ContentRefused as refused:
        decision = refused.decision
        _show_signpost(request, decision.signpost)
        messages.error(request, decision.message)
        return redirect("milestones:list")
    messages.success(
        request,
        _("Here is a draft story from your milestone. It stays a draft until you send it."),
    )
    return redirect("stories:edit", story_id=story.pk)
