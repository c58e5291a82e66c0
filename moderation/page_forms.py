"""HTML forms for the audit and message-template pages. They only parse what was typed: the
selectors decide which filters name something (`queue_selectors.audit_log`) and the services
judge templates (`dashboard_services.reply_template_save`), so every door gives the same
answer. Fields are not required or length-limited here for the same reason."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from community.forum_forms import ServiceErrorsMixin
from moderation.models import ModerationAction, ReplyTemplate


class AuditFilterForm(forms.Form):
    """The audit page's filters, read from the query string. The action list is offered as a
    select, but only `audit_log` decides whether a value names an action."""

    moderator = forms.CharField(
        label=_("Done by (pseudonym)"),
        required=False,
        help_text=_("Leave empty for everyone, the pipeline included."),
    )
    member = forms.CharField(
        label=_("Member concerned (pseudonym)"),
        required=False,
    )
    action = forms.CharField(
        label=_("Action"),
        required=False,
        widget=forms.Select(
            choices=[
                ("", _("Any action")),
                *((value, capfirst(label)) for value, label in ModerationAction.Verb.choices),
            ]
        ),
    )

    def values(self) -> dict[str, str]:
        """What `audit_log` takes, from the cleaned form."""
        data = self.cleaned_data
        return {
            "moderator": data.get("moderator", ""),
            "member": data.get("member", ""),
            "verb": data.get("action", ""),
        }

    def as_params(self) -> dict[str, str]:
        """The filters to keep in pagination links."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {key: data.get(key, "") for key in ("moderator", "member", "action")}


class ReplyTemplateForm(ServiceErrorsMixin, forms.Form):
    """A message template. Errors from the service are shown next to the field they name, and
    everything typed stays in the form."""

    kind = forms.CharField(
        label=_("Kind"),
        required=False,
        widget=forms.Select(
            choices=[(value, capfirst(label)) for value, label in ReplyTemplate.Kind.choices]
        ),
        help_text=_(
            "A reason for removal is shown to the author of what was taken down. A supportive "
            "message is sent privately to a member who may be struggling."
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        help_text=_("Only moderators see the title, in the list of templates."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Write warmly and plainly; say what happened, never blame. For supportive messages, "
            "follow safe-messaging guidance: thank them, say they are not alone, and leave out "
            "any detail about methods."
        ),
    )
    is_active = forms.BooleanField(
        label=_("Offer it on the dashboard"),
        required=False,
    )
    order = forms.IntegerField(
        label=_("Order"),
        required=False,
        help_text=_("Smaller numbers come first in the list."),
        error_messages={"invalid": _("Please enter a whole number, for example 10.")},
    )

    def values(self) -> dict:
        """What `reply_template_save` takes, from the cleaned form."""
        data = self.cleaned_data
        return {
            "kind": data.get("kind", ""),
            "title": data.get("title", ""),
            "body": data.get("body", ""),
            "is_active": bool(data.get("is_active")),
            "order": data.get("order") if data.get("order") is not None else 0,
        }

    @classmethod
    def initial_for(cls, template: ReplyTemplate) -> dict:
        return {
            "kind": template.kind,
            "title": template.title,
            "body": template.body,
            "is_active": template.is_active,
            "order": template.order,
        }
