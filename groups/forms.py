"""HTML forms for the group pages: they parse what was typed; the rules live in groups.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.services import MAX_NOTE_LENGTH, MAX_REASON_LENGTH


class JoinRequestForm(forms.Form):
    """The optional note a member sends with a request to join a private group."""

    note = forms.CharField(
        label=_("A note for the facilitator (optional)"),
        required=False,
        max_length=MAX_NOTE_LENGTH,
        help_text=_(
            "A line or two about why you'd like to join helps them say yes. "
            "Only the group's facilitators see it."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Please keep your note under %(limit_value)s characters."),
        },
    )


class RemoveMemberForm(forms.Form):
    """Why a facilitator removes a member; the member is shown the reason."""

    reason = forms.CharField(
        label=_("Reason for removing them"),
        max_length=MAX_REASON_LENGTH,
        help_text=_("The member will see this. Say what happened, kindly and plainly."),
        widget=forms.TextInput(),
        error_messages={"required": _("Please give a reason; the member will see it.")},
    )
