"""Sign-up, sign-in and the member's own account page."""

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from community import account_services, selectors, services
from community.context_processors import remember_signpost
from community.forms import (
    AboutForm,
    AccountDeleteForm,
    PasswordChangeForm,
    ProfileForm,
    SignupForm,
    ThrottledLoginForm,
)
from community.sessions import member_sessions_end
from moderation.models import ContentStatus
from moderation.pipeline import ContentRefused, Refusal, held_notice


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("me")
    form = SignupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                member = services.member_signup(
                    data=form.signup_data(), client_address=client_address(request)
                )
            except ValidationError as error:
                form.add_service_errors(error)
            except services.SignupRefused as refused:
                form.add_error(None, str(refused))
                status = 429
            else:
                login(request, member, backend="community.auth_backends.PseudonymOrEmailBackend")
                messages.success(
                    request,
                    _("Welcome, %(name)s. We're glad you're here.") % {"name": member.pseudonym},
                )
                return redirect("me")
        if status == 200:
            status = 400
    return render(request, "registration/signup.html", {"form": form}, status=status)


class ThrottledLoginView(LoginView):
    form_class = ThrottledLoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def _me_page(request: HttpRequest, *, form=None, about_form=None, status: int = 200):
    about = selectors.profile_text_for(request.user)
    return render(
        request,
        "community/me.html",
        {
            "form": form or ProfileForm(initial={"country": request.user.country}),
            "about_form": about_form
            or AboutForm(initial={"about": about.body if about is not None else ""}),
            "about": about,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _me_page(request)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.member_profile_update(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field, message)
        else:
            messages.success(request, _("Your settings are saved."))
            return redirect("me")
    return _me_page(request, form=form, status=400)


@login_required
@require_POST
def me_about(request: HttpRequest) -> HttpResponse:
    """Save "About you" through the moderation pipeline and say what happened to it."""
    about_form = AboutForm(request.POST)
    if not about_form.is_valid():
        return _me_page(request, about_form=about_form, status=400)
    text = about_form.cleaned_data["about"]
    if not text.strip():
        services.member_about_delete(actor=request.user)
        messages.success(request, _("Your profile text is removed."))
        return redirect("me")
    try:
        submission = services.member_about_update(actor=request.user, text=text)
    except ContentRefused as refused:
        decision = refused.decision
        about_form.add_error("about", decision.message)
        if decision.signpost is not None:
            remember_signpost(request, decision.signpost.as_payload())
        rate_limited = decision.refusal == Refusal.RATE_LIMITED
        response = _me_page(request, about_form=about_form, status=429 if rate_limited else 400)
        if decision.retry_after:
            response["Retry-After"] = str(decision.retry_after)
        return response
    decision = submission.decision
    if decision.signpost is not None:
        remember_signpost(request, decision.signpost.as_payload())
    if submission.content.status == ContentStatus.HELD:
        messages.info(request, held_notice())
    else:
        messages.success(request, _("Your profile text is saved. Other members can see it."))
    return redirect("me")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the emailed link also lifts any sign-in pause, and ends
    every session and open socket of the account (someone else may have been in it)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.member_login_pause_clear(member=form.user)
        member_sessions_end(member=form.user)
        return response


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out everywhere: every session and open socket of the member ends, in every
    process, not only this browser's."""
    if request.user.is_authenticated:
        member_sessions_end(member=request.user)
    logout(request)
    messages.success(request, _("You're signed out, on this device and every other one."))
    return redirect("home")


def _form_errors(form, error: ValidationError, fields: dict[str, str]) -> None:
    for field, errors in error.message_dict.items():
        for message in errors:
            form.add_error(fields.get(field), message)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change the password; this browser stays signed in, every other session ends."""
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                member = account_services.member_password_change(
                    actor=request.user,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password1"],
                )
            except ValidationError as error:
                _form_errors(
                    form,
                    error,
                    {"old_password": "old_password", "new_password": "new_password1"},
                )
            except account_services.PasswordCheckRefused as refused:
                form.add_error(None, str(refused))
                status = 429
            else:
                update_session_auth_hash(request, member)
                return redirect("password_change_done")
    return render(request, "registration/password_change_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete the account after the password is typed again (see member_erase)."""
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                account_services.member_erase(
                    actor=request.user,
                    password=data["password"],
                    choices=account_services.ErasureChoices.from_data(data),
                )
            except ValidationError as error:
                _form_errors(
                    form,
                    error,
                    {
                        name: name
                        for name in ("password", "group_messages", "forum_posts", "stories")
                    },
                )
            except account_services.PasswordCheckRefused as refused:
                form.add_error(None, str(refused))
                status = 429
                retry_after = refused.retry_after
            else:
                logout(request)
                messages.success(
                    request,
                    _(
                        "Your account is deleted. Thank you for being part of this community; "
                        "we wish you well. Help is here whenever you need it."
                    ),
                )
                return redirect("home")
    response = render(request, "community/account_delete.html", {"form": form}, status=status)
    if status == 429:
        response["Retry-After"] = str(retry_after)
    return response
