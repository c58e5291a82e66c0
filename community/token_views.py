"""The /me/tokens/ page: make, list and revoke API tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from community import tokens
from community.models.tokens import MAX_ACTIVE_TOKENS, TOKEN_NAME_MAX_LENGTH


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=TOKEN_NAME_MAX_LENGTH,
        help_text=gettext_lazy("Something to recognise it by, like “my phone app”."),
    )


def _page(request, *, form=None, created=None, secret=None, status=200) -> HttpResponse:
    context = {
        "form": form or ApiTokenForm(),
        "tokens": tokens.api_tokens_for(request.user),
        "created": created,
        "secret": secret,
        "max_tokens": MAX_ACTIVE_TOKENS,
    }
    response = render(request, "community/tokens.html", context, status=status)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    if "revoke" in request.POST:
        token = tokens.get_api_token_for(request.user, request.POST["revoke"])
        tokens.api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("me-tokens")
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = tokens.api_token_create(
                owner=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("name", message)
        else:
            return _page(request, created=token, secret=secret)
    return _page(request, form=form, status=400)
