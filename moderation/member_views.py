"""A member's own moderation page at /me/moderation/: what came of their reports, what of theirs
was removed or returned and why, limits on their account, the form to appeal a decision, and the
supportive messages the moderation team sent them (/me/moderation/support/).

Thin, like every door: reads through moderation.selectors, writes through
`moderation.services.appeal_submit`. Only the member's own records are ever shown; anything
else is a 404, the same answer as for something that does not exist."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from community.context_processors import remember_signpost
from moderation import dashboard_services, selectors, services
from moderation.member_support import support_messages_for_member
from moderation.models import Appeal


class AppealForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Why should this decision change?"),
        help_text=gettext_lazy(
            "Up to 2,000 characters. A different moderator from the one who decided will "
            "read it, and you'll see their answer on this page."
        ),
        max_length=Appeal.MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": Appeal.MAX_TEXT_LENGTH}),
    )


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    member = request.user
    return render(
        request,
        "moderation/member/overview.html",
        {
            "reports": selectors.reports_for_member(member),
            "removed": selectors.moderated_content_for_member(member),
            "sanctions": selectors.sanctions_for_member(member),
        },
    )


def _target(request: HttpRequest, source) -> dict:
    """What is being appealed, from `?content=<kind>:<id>` or `?sanction=<id>`; 404 unless it
    is the member's own removed content or their own sanction."""
    content_ref = source.get("content") or request.GET.get("content")
    sanction_ref = source.get("sanction") or request.GET.get("sanction")
    if content_ref and not sanction_ref:
        kind, _sep, object_id = content_ref.partition(":")
        content = selectors.get_own_removed_content(request.user, kind, object_id)
        return {"content": content, "content_ref": content_ref}
    if sanction_ref and not content_ref:
        sanction = selectors.get_own_sanction(request.user, sanction_ref)
        return {"sanction": sanction}
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest) -> HttpResponse:
    target = _target(request, request.POST if request.method == "POST" else {})
    content, sanction = target.get("content"), target.get("sanction")
    context = {
        "content": content,
        "content_ref": target.get("content_ref", ""),
        "sanction": sanction,
        "kind_label": content._meta.verbose_name if content is not None else "",
        "excerpt": selectors.excerpt(content) if content is not None else "",
    }
    if request.method != "POST":
        return render(request, "moderation/member/appeal.html", {**context, "form": AppealForm()})
    form = AppealForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            appeal = services.appeal_submit(
                actor=request.user,
                content=content,
                sanction=sanction,
                text=form.cleaned_data["text"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        except services.ModerationConflict as conflict:
            form.add_error(None, str(conflict))
            status = 409
        else:
            if appeal.signpost is not None:
                remember_signpost(request, appeal.signpost.as_payload())
            messages.success(
                request,
                _(
                    "Thank you, your appeal is sent. A different moderator will read it, and "
                    "you'll see their answer here."
                ),
            )
            return redirect("my-moderation:overview")
    return render(
        request, "moderation/member/appeal.html", {**context, "form": form}, status=status
    )


@login_required
@require_GET
def support(request: HttpRequest) -> HttpResponse:
    """The member's supportive messages, shown as from the moderation team. Opening the page
    marks the messages on it read, and the bell's notifications about them."""
    member = request.user
    shown = support_messages_for_member(member, request.GET.get("page"))
    dashboard_services.support_messages_mark_read(member=member, ids=shown.message_ids)
    return render(
        request,
        "moderation/member/support.html",
        {"page": shown.page, "support_messages": shown.messages, "page_base": "?"},
    )
