"""Forms of the mood pages: they turn posted text into the types the services take."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models.selfhelp import NOTE_MAX_LENGTH
from community.mood import FEELINGS, MOOD_LABELS


class MoodCheckInForm(forms.Form):
    mood = forms.TypedChoiceField(
        label=_("How are you feeling?"),
        choices=[(value, f"{value} · {label}") for value, label in MOOD_LABELS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose how you feel, from 1 to 5.")},
    )
    feelings = forms.MultipleChoiceField(
        label=_("Any of these feelings? (optional)"),
        choices=list(FEELINGS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("A note for yourself (optional)"),
        required=False,
        strip=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoodReminderForm(forms.Form):
    enabled = forms.BooleanField(label=_("Remind me to check in"), required=False)
    hour = forms.TypedChoiceField(
        label=_("From (UTC)"),
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        coerce=int,
        initial=18,
    )
