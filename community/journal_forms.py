"""Forms of the journal and milestone pages. They only read what was sent; lengths, prompts
and every other rule are the services' (community/journal_services.py), so the pages and the
API say the same."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community import journal


def _prompt_choices():
    return [("", _("No prompt, I'll write freely"))] + [
        (prompt.key, prompt.text) for prompt in journal.PROMPTS
    ]


class JournalEntryForm(forms.Form):
    prompt_key = forms.ChoiceField(
        label=_("A prompt, if you'd like one"), choices=_prompt_choices, required=False
    )
    body = forms.CharField(
        label=_("Your entry"),
        help_text=_("You can use Markdown: **bold**, *italic*, lists and links."),
        widget=forms.Textarea(attrs={"rows": 12}),
        strip=False,
        required=False,
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label=_("Your milestone"),
        help_text=_('For example: "waited an hour before replying" or "set a boundary".'),
        required=False,
        strip=False,
    )
    note = forms.CharField(
        label=_("A note for yourself (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        strip=False,
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search your journal"), required=False, strip=False)
