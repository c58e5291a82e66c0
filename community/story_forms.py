"""HTML forms for the story pages. Like the forum forms they only parse what was typed: the
moderation pipeline judges the words and community.story_services the rest (which tags exist,
who may read it, how long a note may be), so every door gives the same answer. No field is
required or length-limited here, and an unknown tag or audience is handed to the service as
typed, so its kind message is what the author sees."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from community.forum_forms import MARKDOWN_HELP, ServiceErrorsMixin
from community.models import Story, StoryTag

WARNING_HELP = _(
    "Optional. If your story touches on something painful (for example self-harm or abuse), "
    "name it here. Readers will see only this line until they choose to open your story."
)
ANONYMOUS_HELP = _(
    "Readers will see “Anonymous member” instead of your pseudonym. Moderators can still see "
    "who wrote it, to keep everyone safe."
)
SEND_FOR_REVIEW = "review"
SAVE_AS_DRAFT = "draft"


class AnyChoices(forms.MultipleChoiceField):
    """Checkboxes whose values are checked by the service, not here."""

    def valid_value(self, value) -> bool:
        return True


class StoryForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        help_text=_("A few words that say what changed for you."),
    )
    body = forms.CharField(
        label=_("Your story"),
        required=False,
        strip=False,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    tags = AnyChoices(label=_("Milestones"), required=False)
    audience = forms.CharField(label=_("Who may read it"), required=False)
    is_anonymous = forms.BooleanField(
        label=_("Share anonymously"), required=False, help_text=ANONYMOUS_HELP
    )
    content_warning = forms.CharField(
        label=_("Content warning"), required=False, help_text=WARNING_HELP
    )

    def __init__(self, *args, tags: list[StoryTag], **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("audience", Story.Audience.MEMBERS)
        super().__init__(*args, **kwargs)
        self.tag_rows = tags

    @classmethod
    def for_story(cls, story: Story, *, tags: list[StoryTag]) -> StoryForm:
        return cls(
            tags=tags,
            initial={
                "title": story.title,
                "body": story.body,
                "tags": [tag.slug for tag in story.tags.all()],
                "audience": story.audience,
                "is_anonymous": story.is_anonymous,
                "content_warning": story.content_warning,
            },
        )

    def service_arguments(self) -> dict:
        """What story_save takes, exactly as typed."""
        data = self.cleaned_data
        return {
            "title": data.get("title", ""),
            "body": data.get("body", ""),
            "tags": data.get("tags", []),
            "audience": data.get("audience", ""),
            "is_anonymous": data.get("is_anonymous", False),
            "content_warning": data.get("content_warning", ""),
        }

    # The page draws the tags and the audience as labelled fieldsets itself.

    def tag_choices(self) -> list[tuple[str, str, bool]]:
        """(slug, name, checked) for each milestone tag."""
        chosen = {str(value) for value in (self["tags"].value() or [])}
        return [(tag.slug, tag.name, tag.slug in chosen) for tag in self.tag_rows]

    def audience_choices(self) -> list[tuple[str, str, str, bool]]:
        """(value, label, hint, checked) for each audience."""
        chosen = self["audience"].value() or ""
        hints = {
            Story.Audience.MEMBERS: _("Only people signed in to Steady Ground can read it."),
            Story.Audience.EVERYONE: _(
                "Anyone can read it, also people without an account, and it appears in the "
                "public story feed."
            ),
        }
        return [
            (value, label, hints.get(value, ""), value == chosen)
            for value, label in Story.Audience.choices
        ]
