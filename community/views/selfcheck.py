"""HTML pages of the attachment self-check, in the member's private space at /me/self-check/:
the questionnaire, a result, every past result with the change over time, and deleting one.

Thin, like every door: each page reads through community.selfcheck_selectors and each form
calls one community.selfcheck_services function. Every page is for its member alone: a result
of anyone else is a 404 (the same answer as for one that does not exist), whoever asks."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community import selfcheck
from community import selfcheck_selectors as selectors
from community import selfcheck_services as services


@dataclass(frozen=True)
class Question:
    number: int
    item: selfcheck.Item
    value: object  # what the member chose (an int), or None
    errors: list[str]

    @property
    def key(self) -> str:
        return self.item.key


def _posted_answers(post) -> dict:
    """The answers in the form, by item key: whole numbers as numbers, anything else as sent
    (the service says what is wrong with it). Unanswered items are left out."""
    answers = {}
    for key in selfcheck.ITEM_KEYS:
        raw = post.get(key, "").strip()
        if raw:
            answers[key] = int(raw) if raw.isdigit() and len(raw) < 3 else raw
    return answers


def _form_page(
    request: HttpRequest,
    *,
    chosen: dict | None = None,
    errors: dict | None = None,
    refusal: str = "",
    status: int = 200,
    retry_after: int = 0,
) -> HttpResponse:
    chosen, errors = chosen or {}, errors or {}
    questions = [
        Question(number, item, chosen.get(item.key), errors.get(item.key, []))
        for number, item in enumerate(selfcheck.ITEMS, start=1)
    ]
    response = render(
        request,
        "selfhelp/selfcheck.html",
        {
            "questions": questions,
            "with_errors": [question for question in questions if question.errors],
            "refusal": refusal,
            "scale": selfcheck.SCALE,
            "note": selfcheck.not_a_diagnosis_note(),
            "latest": selectors.self_checks_for(request.user).first(),
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "POST"])
@login_required
def self_check(request: HttpRequest) -> HttpResponse:
    """The questionnaire. A complete answer is stored and shown as a result; an incomplete one
    comes back with every choice kept and each missing answer named at the top."""
    if request.method == "GET":
        return _form_page(request)
    chosen = _posted_answers(request.POST)
    try:
        check = services.self_check_submit(actor=request.user, answers=chosen)
    except ValidationError as invalid:
        return _form_page(request, chosen=chosen, errors=invalid.message_dict, status=400)
    except services.SelfCheckRateLimited as refused:
        return _form_page(
            request,
            chosen=chosen,
            refusal=str(refused),
            status=429,
            retry_after=refused.retry_after,
        )
    return redirect("selfcheck:result", check_id=check.pk)


@require_GET
@login_required
def self_check_result(request: HttpRequest, check_id: int) -> HttpResponse:
    """One result: both scores in words and numbers, what they may mean, the change since the
    result before it, and groups and forums that may fit."""
    check = selectors.get_self_check_for(request.user, check_id)
    return render(
        request,
        "selfhelp/selfcheck_result.html",
        {
            "check": check,
            "anxiety_level": selfcheck.level(check.anxiety),
            "avoidance_level": selfcheck.level(check.avoidance),
            "interpretation": selfcheck.interpretation(check.anxiety, check.avoidance),
            "change": selectors.change_for(request.user, check),
            "suggestions": selectors.suggestions_for(request.user, check.anxiety, check.avoidance),
        },
    )


@require_GET
@login_required
def self_check_history(request: HttpRequest) -> HttpResponse:
    """Every past result, newest first, with the change each time and a chart over time."""
    return render(
        request,
        "selfhelp/selfcheck_history.html",
        {"history": selectors.history_for(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def self_check_delete(request: HttpRequest, check_id: int) -> HttpResponse:
    """Asks first; a POST deletes the result for good."""
    check = selectors.get_self_check_for(request.user, check_id)
    if request.method == "GET":
        return render(request, "selfhelp/selfcheck_delete.html", {"check": check})
    services.self_check_delete(actor=request.user, check=check)
    messages.success(request, _("That result is deleted for good."))
    return redirect("selfcheck:history")
