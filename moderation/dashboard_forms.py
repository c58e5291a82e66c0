"""HTML forms of the review dashboard. They only parse what was typed and offer the choices a
page shows: the moderation services decide everything else (empty notes, reasons the member
will see, who may sanction whom, conflicts), so the HTML door and the API give the same
answers. A field is required here only when a service could not read the input at all."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import QueueItem, ReplyTemplate, Sanction


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


class DashboardForm(ServiceErrorsMixin, forms.Form):
    """Every form on an item page gets its own id prefix (`name`), so several forms with a
    `note` field can share one page while posting plain field names."""

    name = "action"

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"{self.name}_%s")
        super().__init__(*args, **kwargs)


def _text(label, *, help_text="", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _template_choices(templates, empty_label) -> list[tuple[str, str]]:
    return [("", empty_label), *((str(row.pk), row.title) for row in templates)]


# --- the queue -----------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The queue's filters, drawn as a GET form that works without JavaScript. Values are
    checked by `queue_selectors.QueueFilters.from_params` (the one judge of filters); its
    complaint is added here, next to the field it is about."""

    tab = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = forms.CharField(label=_("Kind"), required=False, widget=forms.Select)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Select)
    group = forms.CharField(label=_("Group"), required=False, widget=forms.Select)
    state = forms.CharField(label=_("State"), required=False, widget=forms.Select)

    def __init__(self, *args, kinds=(), groups=(), **kwargs) -> None:
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.choices = [("", _("Any kind")), *kinds]
        self.fields["reason"].widget.choices = [
            ("", _("Any reason")),
            *((value, str(label).capitalize()) for value, label in QueueItem.Reason.choices),
        ]
        self.fields["group"].widget.choices = [
            ("", _("Any group")),
            *((group.slug, group.name) for group in groups),
        ]
        self.fields["state"].widget.choices = [
            ("", _("Any state")),
            *((value, str(label).capitalize()) for value, label in QueueItem.State.choices),
        ]

    def add_filter_error(self, field: str, message: str) -> None:
        self.is_valid()
        self.add_error(field if field in self.fields and field != "tab" else None, message)


class BulkForm(ServiceErrorsMixin, forms.Form):
    """Approve or close several non-crisis items at once. Which items may be decided in bulk
    is the service's call; it says which it left alone, and why."""

    ACTIONS = (
        ("", _("Choose what to do")),
        ("approve", _("Approve them (publish held content, keep reported content up)")),
        ("resolve", _("Close them: no action needed")),
    )

    items = forms.Field(required=False, widget=forms.MultipleHiddenInput)
    action = forms.ChoiceField(
        label=_("What to do with the chosen items"),
        choices=ACTIONS,
        error_messages={"required": _("Please choose what to do with the chosen items.")},
    )
    note = forms.CharField(
        label=_("Note for the record (optional)"),
        required=False,
        help_text=_("Kept with each item you close. Members don't see it."),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)

    def clean_items(self) -> list[str]:
        # Ids are read by the service, which skips (and names) any it cannot use.
        return [
            str(value).strip() for value in self.cleaned_data["items"] or [] if str(value).strip()
        ]


# --- one item: the queue and the content -----------------------------------------------------


class ClaimForm(DashboardForm):
    name = "claim"


class ReleaseForm(DashboardForm):
    name = "release"


class ResolveForm(DashboardForm):
    name = "resolve"

    resolution = forms.ChoiceField(
        label=_("How did it end?"),
        choices=(
            (QueueItem.Resolution.NO_ACTION, _("No action needed")),
            (QueueItem.Resolution.SUPPORT_OFFERED, _("Support was offered")),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose how it ended.")},
    )
    note = _text(
        _("Note for the record"),
        help_text=_(
            "Moderators read this; a reporter is only told the outcome. For a crisis item, "
            "say what was done or why no support is needed."
        ),
    )


class ApproveForm(DashboardForm):
    name = "approve"

    note = forms.CharField(label=_("Note for the record (optional)"), required=False)


class RestoreForm(DashboardForm):
    name = "restore"

    note = forms.CharField(label=_("Note for the record (optional)"), required=False)


class RemoveForm(DashboardForm):
    """Take content down with a reason the author is shown: a removal template, or the
    moderator's own words (which win when both are given)."""

    name = "remove"

    template = forms.ChoiceField(label=_("Reason"), required=False)
    reason = _text(
        _("In your own words"),
        help_text=_(
            "The author will see the reason, so please say what happened kindly and plainly. "
            "If you write here, your words are used instead of the template."
        ),
        rows=4,
    )

    def __init__(self, *args, templates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.templates = {str(row.pk): row for row in templates}
        self.fields["template"].choices = _template_choices(
            templates, _("Choose a reason, or write your own below")
        )

    def clean(self) -> dict:
        data = super().clean()
        own = (data.get("reason") or "").strip()
        chosen = self.templates.get(data.get("template") or "")
        data["reason"] = own or (chosen.body if chosen is not None else "")
        return data


class SanctionForm(DashboardForm):
    """Warn, mute, suspend or ban the member concerned. Only the kinds the actor may give are
    offered; the service checks again, and checks the reason and the end."""

    name = "sanction"
    DURATIONS = {
        "1h": timedelta(hours=1),
        "1d": timedelta(days=1),
        "7d": timedelta(days=7),
        "30d": timedelta(days=30),
    }
    EVERYWHERE = "everywhere"
    IN_GROUP = "group"

    kind = forms.ChoiceField(
        label=_("What to do"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a warning, mute, suspension or ban.")},
    )
    reason = _text(
        _("Reason"),
        help_text=_("The member will see this. Say what happened, kindly and plainly."),
    )
    duration = forms.ChoiceField(
        label=_("For how long"),
        required=False,
        help_text=_("Mutes and suspensions end after this. Warnings and bans have no end."),
        choices=(
            ("", _("No end (warnings and bans)")),
            ("1h", _("1 hour")),
            ("1d", _("1 day")),
            ("7d", _("7 days")),
            ("30d", _("30 days")),
        ),
    )
    where = forms.ChoiceField(label=_("Where"), required=False)

    def __init__(
        self, *args, kinds=tuple(Sanction.Kind.values), group=None, everywhere=True, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offer_kinds(kinds)
        where = [(self.EVERYWHERE, _("Everywhere on the site"))] if everywhere else []
        if group is not None:
            where.append(
                (self.IN_GROUP, _("Only in %(group)s (warnings and mutes)") % {"group": group.name})
            )
        self.fields["where"].choices = where

    def offer_kinds(self, kinds) -> None:
        """Offer only these kinds (the ones the actor may give); the service checks again."""
        self.fields["kind"].choices = [
            (value, str(label).capitalize())
            for value, label in Sanction.Kind.choices
            if value in kinds
        ]

    def ends_at(self):
        delta = self.DURATIONS.get(self.cleaned_data.get("duration") or "")
        return timezone.now() + delta if delta is not None else None

    def in_group(self) -> bool:
        return self.cleaned_data.get("where") == self.IN_GROUP


class NoteForm(DashboardForm):
    name = "note"

    text = _text(
        _("Add an internal note"),
        help_text=_("Only moderators and facilitators working the queue read notes."),
    )


class SupportForm(DashboardForm):
    """A private, supportive message to the member, from "the moderation team". A template only
    fills the text in (in the browser, or by reloading the page with `?support_template=`);
    what is sent is the text, as the moderator edited it."""

    name = "support"

    text = _text(
        _("Message"),
        help_text=_(
            "The member sees this privately, from the moderation team (never your name), with "
            "helplines for their country. Please be warm and plain, and don't promise what "
            "we can't do."
        ),
        rows=6,
    )


# --- one item: the crisis checklist and appeals ---------------------------------------------------


class SignpostForm(DashboardForm):
    name = "signpost"


class FollowUpForm(DashboardForm):
    name = "follow_up"

    note = _text(
        _("Follow-up"),
        help_text=_("For example, when someone will check in again, or why none is needed."),
    )


class EscalateForm(DashboardForm):
    name = "escalate"

    note = _text(
        _("What was done"),
        help_text=_("For example, who was called, when, and what they were told."),
    )


class AppealForm(DashboardForm):
    name = "appeal"

    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=(
            ("grant", _("Grant it: reverse the decision")),
            ("uphold", _("Uphold it: the decision stands")),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose to grant or uphold the appeal.")},
    )
    note = _text(
        _("Note to the member"),
        help_text=_(
            "The member sees this. It is needed when the decision stands, so they know why."
        ),
    )

    @property
    def grant(self) -> bool:
        return self.cleaned_data.get("decision") == "grant"


ITEM_FORMS = {
    form.name: form
    for form in (
        ClaimForm,
        ReleaseForm,
        ResolveForm,
        ApproveForm,
        RestoreForm,
        RemoveForm,
        SanctionForm,
        NoteForm,
        SupportForm,
        SignpostForm,
        FollowUpForm,
        EscalateForm,
        AppealForm,
    )
}


def support_template_choice(templates, raw) -> ReplyTemplate | None:
    """The support template named in `?support_template=` (None for junk or none)."""
    return next((row for row in templates if str(row.pk) == str(raw or "")), None)
