"""Sign-up, sign-in and the member's own account page."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from community import services
from community.forms import ProfileForm, SignupForm, ThrottledLoginForm


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


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        initial={"country": request.user.country},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_profile_update(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field, message)
        else:
            messages.success(request, _("Your settings are saved."))
            return redirect("me")
    status = 400 if form.errors else 200
    return render(request, "community/me.html", {"form": form}, status=status)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the emailed link also lifts any sign-in pause."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.member_login_pause_clear(member=form.user)
        return response
