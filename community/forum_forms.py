"""HTML forms for the forum pages. They only parse what was typed: the moderation pipeline
judges the words (empty, too long, watched words) and community.forum_services the rest, so
every door gives the same answer. None of these fields is required or length-limited here."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from moderation.models import Report

MARKDOWN_HELP = _(
    "Markdown works: *italic*, **bold**, > to quote, - for a list, and links. "
    "Please leave out anything that could identify you or someone else."
)
WARNING_HELP = _(
    "Optional. If your post touches on something painful (for example self-harm or abuse), "
    "name it here. Readers will see only this line until they choose to open your post."
)
ANONYMOUS_HELP = _(
    "Other members will see “Anonymous member” instead of your pseudonym. Moderators can "
    "still see who wrote it, to keep everyone safe."
)


class ServiceErrorsMixin:
    """Show a service's refusal next to the field it is about, or above the form."""

    def add_service_error(self, message, field: str | None = None) -> None:
        self.add_error(field if field in self.fields else None, str(message))

    def add_validation_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_service_error(message, field)
        else:
            for message in error.messages:
                self.add_service_error(message)


def _body_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


def _warning_field() -> forms.CharField:
    return forms.CharField(label=_("Content warning"), required=False, help_text=WARNING_HELP)


def _anonymous_field() -> forms.BooleanField:
    return forms.BooleanField(label=_("Post anonymously"), required=False, help_text=ANONYMOUS_HELP)


def _title_field() -> forms.CharField:
    return forms.CharField(
        label=_("Title"),
        required=False,
        help_text=_("A few words that say what your thread is about."),
    )


class ThreadStartForm(ServiceErrorsMixin, forms.Form):
    title = _title_field()
    body = _body_field(_("What would you like to say?"))
    content_warning = _warning_field()
    is_anonymous = _anonymous_field()


class ThreadEditForm(ServiceErrorsMixin, forms.Form):
    title = _title_field()
    body = _body_field(_("Your opening post"))
    content_warning = _warning_field()


class ReplyForm(ServiceErrorsMixin, forms.Form):
    body = _body_field(_("Your reply"))
    content_warning = _warning_field()
    is_anonymous = _anonymous_field()


class PostEditForm(ServiceErrorsMixin, forms.Form):
    body = _body_field(_("Your reply"))
    content_warning = _warning_field()


class ReportForm(ServiceErrorsMixin, forms.Form):
    """Why something needs a moderator's eyes. The reason is checked by the moderation service."""

    reason = forms.CharField(
        label=_("What's wrong?"),
        required=False,
        widget=forms.RadioSelect(choices=Report.Reason.choices),
    )
    note = forms.CharField(
        label=_("Anything else the moderators should know? (optional)"),
        required=False,
        help_text=_("Only moderators read this. The person you report is never told who you are."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def reason_choices(self) -> list[tuple[str, str, bool]]:
        """(value, label, checked) for each reason, so the page can draw a labelled fieldset."""
        chosen = self["reason"].value() or ""
        return [(value, label, value == chosen) for value, label in Report.Reason.choices]


class RemoveForm(ServiceErrorsMixin, forms.Form):
    """Why a moderator takes something down; the author is shown the reason."""

    reason = forms.CharField(
        label=_("Reason for removing it"),
        required=False,
        help_text=_("The author will see this. Say what happened, kindly and plainly."),
    )
