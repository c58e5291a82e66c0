"""Mood check-in pages under /me/mood/: for the signed-in member alone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from community import mood_selectors as selectors
from community import mood_services as services
from community.context_processors import remember_signpost
from community.mood import CHART_DAYS, check_in_view, daily_averages, mood_chart_svg
from community.mood_forms import MoodCheckInForm, MoodReminderForm

RECENT_SHOWN = 30


def _mood_page(request: HttpRequest, *, form=None, reminder_form=None, status: int = 200):
    today = timezone.now().date()
    window = selectors.mood_check_ins_in_window(request.user, CHART_DAYS, today=today)
    reminder = selectors.mood_reminder_for(request.user)
    return render(
        request,
        "selfhelp/mood.html",
        {
            "form": form or MoodCheckInForm(),
            "reminder": reminder,
            "reminder_form": reminder_form
            or MoodReminderForm(
                initial={"enabled": reminder.enabled, "hour": reminder.hour} if reminder else None
            ),
            # The builder escapes every piece of text it draws.
            "chart_svg": mark_safe(mood_chart_svg(window, days=CHART_DAYS, today=today)),  # noqa: S308
            "series": daily_averages(window, days=CHART_DAYS, today=today),
            "recent": [
                check_in_view(row)
                for row in selectors.mood_check_ins_for(request.user)[:RECENT_SHOWN]
            ],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mood_index(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _mood_page(request)
    form = MoodCheckInForm(request.POST)
    if not form.is_valid():
        return _mood_page(request, form=form, status=400)
    try:
        checkin, signpost = services.mood_check_in(actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return _mood_page(request, form=form, status=400)
    except services.MoodRateLimited as refused:
        form.add_error(None, str(refused))
        response = _mood_page(request, form=form, status=429)
        response["Retry-After"] = str(refused.retry_after)
        return response
    if signpost is not None:
        remember_signpost(request, signpost.as_payload())
    messages.success(request, _("Thank you for checking in. Only you can see this."))
    if services.needs_gentle_word(checkin, signpost):
        messages.info(request, services.gentle_word(), extra_tags="help-link")
    return redirect("mood:index")


@login_required
@require_http_methods(["GET", "POST"])
def mood_delete(request: HttpRequest, checkin_id: str) -> HttpResponse:
    checkin = selectors.get_mood_check_in_for(request.user, checkin_id)
    if request.method == "POST":
        services.mood_check_in_delete(actor=request.user, checkin_id=checkin.pk)
        messages.success(request, _("That check-in is deleted."))
        return redirect("mood:index")
    return render(
        request,
        "selfhelp/mood_delete.html",
        {"checkin": checkin, "entry": check_in_view(checkin)},
    )


@login_required
@require_POST
def mood_reminder(request: HttpRequest) -> HttpResponse:
    form = MoodReminderForm(request.POST)
    if not form.is_valid():
        return _mood_page(request, reminder_form=form, status=400)
    services.mood_reminder_set(actor=request.user, **form.cleaned_data)
    if form.cleaned_data["enabled"]:
        messages.success(
            request,
            _("We'll remind you here from %(hour)02d:00 UTC on days you haven't checked in.")
            % {"hour": form.cleaned_data["hour"]},
        )
    else:
        messages.success(request, _("Reminders are off."))
    return redirect("mood:index")


@login_required
@require_POST
def mood_reminder_dismiss(request: HttpRequest) -> HttpResponse:
    services.mood_reminder_dismiss(actor=request.user)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)
