"""Shapes of the success-story REST API (community/story_api.py). Serializers here only check
input types and describe output; who may see or do what is decided by
community/story_permissions.py (read through `StoryView` or with the `actor` in the serializer
context), and every other rule lives in community/story_services.py."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community import story_permissions as permissions
from community.api import SignpostSerializer
from community.api_fields import TextField
from community.forum_serializers import STATUS_HELP, _PageSerializer
from community.models import Story, StoryTag
from community.story_selectors import StoryListing, StoryView
from community.story_services import MAX_NOTE_LENGTH
from moderation.pipeline import held_notice


def _values(choices) -> str:
    return ", ".join(choices.values)


# Plain strings rather than enums in the output: "state" already names another choice set in
# this API, and the schema must build without naming collisions.
STATE_HELP = f"One of: {_values(Story.State)}."
AUDIENCE_HELP = f"Who may read it once published: {_values(Story.Audience)}."


def story_url(story_id: int) -> str:
    return reverse("api-story", kwargs={"story_id": story_id})


class StoryTagSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField(help_text="Plain text.")
    stories_url = serializers.SerializerMethodField(help_text="Published stories with this tag.")

    def get_stories_url(self, tag: StoryTag) -> str:
        return f"{reverse('api-stories')}?tag={tag.slug}"


class _AuthorFields(serializers.Serializer):
    """Who wrote it. Needs the `actor` in the serializer context."""

    author_label = serializers.SerializerMethodField(help_text="Who to show as the author.")
    author = serializers.SerializerMethodField(
        help_text="The author's pseudonym; null when it was shared anonymously."
    )

    def _story(self, row) -> Story:
        return row if isinstance(row, Story) else row.story

    def get_author_label(self, row) -> str:
        return permissions.author_label(self.context["actor"], self._story(row))

    def get_author(self, row) -> str | None:
        story = self._story(row)
        if permissions.author_visible(self.context["actor"], story):
            return story.author.pseudonym
        return None


class StoryListSerializer(_AuthorFields):
    """A published story in the list (StoryListing). Needs the `actor` in the context."""

    id = serializers.IntegerField(source="story.pk")
    title = serializers.CharField(source="story.title", help_text="Plain text: escape it.")
    tags = StoryTagSerializer(many=True)
    audience = serializers.CharField(source="story.audience", help_text=AUDIENCE_HELP)
    is_anonymous = serializers.BooleanField(source="story.is_anonymous")
    is_featured = serializers.BooleanField(source="story.is_featured")
    content_warning = serializers.CharField(
        source="story.content_warning",
        help_text="When set, show it and keep the text folded until the reader opens it.",
    )
    hope_count = serializers.IntegerField(help_text="How many said 'this gave me hope'.")
    published_at = serializers.DateTimeField(source="story.published_at")
    url = serializers.SerializerMethodField()

    def get_author_label(self, listing: StoryListing) -> str:
        return listing.author_label

    def get_url(self, listing: StoryListing) -> str:
        return story_url(listing.story.pk)


class StoryPageSerializer(_PageSerializer):
    results = StoryListSerializer(many=True)


class StorySerializer(serializers.Serializer):
    """One story as the reader sees it (StoryView). Needs the `actor` in the context."""

    id = serializers.IntegerField(source="story.pk")
    title = serializers.CharField(source="story.title", help_text="Plain text: escape it.")
    tags = StoryTagSerializer(many=True)
    audience = serializers.CharField(source="story.audience", help_text=AUDIENCE_HELP)
    is_anonymous = serializers.BooleanField(source="story.is_anonymous")
    is_featured = serializers.BooleanField(source="story.is_featured")
    author_label = serializers.CharField(help_text="Who to show as the author (plain text).")
    author = serializers.SerializerMethodField(
        help_text="The author's pseudonym; null when it was shared anonymously."
    )
    content_warning = serializers.CharField(
        source="story.content_warning",
        help_text="When set, show it and keep the text folded until the reader opens it.",
    )
    body_html = serializers.CharField(source="story.body_html", help_text="Sanitised HTML.")
    body = serializers.SerializerMethodField(
        help_text="The text as written (Markdown), for editing; only for its author."
    )
    state = serializers.CharField(source="story.state", help_text=STATE_HELP)
    state_label = serializers.CharField(help_text="The state in words, for example 'Published'.")
    status = serializers.CharField(source="story.status", help_text=STATUS_HELP)
    is_public = serializers.BooleanField(help_text="Published, so others may read it.")
    return_note = serializers.SerializerMethodField(
        help_text="Why a moderator returned it; only for its author and moderators."
    )
    removal_reason = serializers.SerializerMethodField(
        help_text="Why a moderator removed it; only for its author and moderators."
    )
    hope_count = serializers.IntegerField(help_text="How many said 'this gave me hope'.")
    hoped_by_me = serializers.BooleanField(help_text="Did you say it?")
    may_edit = serializers.BooleanField()
    may_delete = serializers.BooleanField()
    may_react = serializers.BooleanField()
    may_review = serializers.BooleanField(help_text="Can you approve, return or remove it?")
    created_at = serializers.DateTimeField(source="story.created_at")
    edited_at = serializers.DateTimeField(source="story.edited_at", allow_null=True)
    submitted_at = serializers.DateTimeField(source="story.submitted_at", allow_null=True)
    published_at = serializers.DateTimeField(source="story.published_at", allow_null=True)
    url = serializers.SerializerMethodField()

    def _own_or_reviewing(self, view: StoryView) -> bool:
        return view.may_review or permissions.is_author(self.context["actor"], view.story)

    def get_author(self, view: StoryView) -> str | None:
        return view.story.author.pseudonym if view.author_visible else None

    def get_body(self, view: StoryView) -> str | None:
        return view.story.body if view.may_edit else None

    def get_return_note(self, view: StoryView) -> str | None:
        return view.story.return_note if self._own_or_reviewing(view) else None

    def get_removal_reason(self, view: StoryView) -> str | None:
        return view.story.removal_reason if self._own_or_reviewing(view) else None

    def get_url(self, view: StoryView) -> str:
        return story_url(view.story.pk)


class StorySavedSerializer(StorySerializer):
    """What the author is told after saving. Needs `saved` (story_services.StorySaved)."""

    submitted = serializers.SerializerMethodField(
        help_text="Sent for review (false: kept as a draft only you can see)."
    )
    held_notice = serializers.SerializerMethodField(
        help_text="A kind word for the author while it waits for review; empty for a draft."
    )
    signpost = serializers.SerializerMethodField(help_text="Support offered to you only.")

    def get_submitted(self, view: StoryView) -> bool:
        return self.context["saved"].submitted

    def get_held_notice(self, view: StoryView) -> str:
        return held_notice() if self.context["saved"].submitted else ""

    @extend_schema_field(SignpostSerializer(allow_null=True))
    def get_signpost(self, view: StoryView) -> dict | None:
        signpost = self.context["saved"].decision.signpost
        return signpost.as_payload() if signpost else None


class MyStorySerializer(serializers.Serializer):
    """One of the author's own stories, in any state but deleted."""

    id = serializers.IntegerField(source="pk")
    title = serializers.CharField(help_text="Plain text: escape it.")
    tags = StoryTagSerializer(many=True, source="tags.all")
    audience = serializers.CharField(help_text=AUDIENCE_HELP)
    is_anonymous = serializers.BooleanField()
    is_featured = serializers.BooleanField()
    content_warning = serializers.CharField()
    state = serializers.CharField(help_text=STATE_HELP)
    state_label = serializers.CharField(source="get_state_display")
    status = serializers.CharField(help_text=STATUS_HELP)
    return_note = serializers.CharField(help_text="Why a moderator returned it, if they did.")
    removal_reason = serializers.CharField(help_text="Why a moderator removed it, if they did.")
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, story: Story) -> str:
        return story_url(story.pk)


class ReviewStorySerializer(_AuthorFields):
    """A story waiting for a moderator. Needs the `actor` in the context."""

    id = serializers.IntegerField(source="pk")
    title = serializers.CharField(help_text="Plain text: escape it.")
    tags = StoryTagSerializer(many=True, source="tags.all")
    audience = serializers.CharField(help_text=AUDIENCE_HELP)
    is_anonymous = serializers.BooleanField()
    content_warning = serializers.CharField()
    body_html = serializers.CharField(help_text="Sanitised HTML.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    edited_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, story: Story) -> str:
        return story_url(story.pk)


class HopeSerializer(serializers.Serializer):
    hope_count = serializers.IntegerField()
    hoped_by_me = serializers.BooleanField()


# --- input ------------------------------------------------------------------------------------
# Empty and too-long titles and texts are the pipeline's to refuse; which tags exist, how many
# may be chosen and the content warning's length are the service's, so every door says the same.


class StoryWriteInputSerializer(serializers.Serializer):
    title = TextField(allow_blank=True, help_text="Plain text.")
    body = TextField(allow_blank=True, trim_whitespace=False, help_text="Markdown.")
    tags = serializers.ListField(
        child=TextField(), required=False, default=list, help_text="Milestone tag slugs."
    )
    audience = serializers.ChoiceField(
        choices=Story.Audience.choices, required=False, default=Story.Audience.MEMBERS
    )
    is_anonymous = serializers.BooleanField(
        required=False, default=False, help_text="Others see 'Anonymous member'."
    )
    content_warning = TextField(required=False, default="", allow_blank=True)
    send_for_review = serializers.BooleanField(
        required=False, default=True, help_text="False keeps it as a draft only you can see."
    )


class StoryEditInputSerializer(serializers.Serializer):
    """Fields left out keep their current values."""

    title = TextField(required=False, allow_blank=True)
    body = TextField(required=False, allow_blank=True, trim_whitespace=False)
    tags = serializers.ListField(child=TextField(), required=False)
    audience = serializers.ChoiceField(choices=Story.Audience.choices, required=False)
    is_anonymous = serializers.BooleanField(required=False)
    content_warning = TextField(required=False, allow_blank=True)
    send_for_review = serializers.BooleanField(
        required=False,
        default=True,
        help_text="False keeps a draft a draft; any other story goes back to review.",
    )


class ApproveInputSerializer(serializers.Serializer):
    note = TextField(
        required=False, default="", allow_blank=True, help_text="For the record; optional."
    )


class ReturnInputSerializer(serializers.Serializer):
    note = TextField(
        allow_blank=True,
        help_text=f"What to change, said kindly; the author sees it (up to {MAX_NOTE_LENGTH}).",
    )


class FeatureInputSerializer(serializers.Serializer):
    featured = serializers.BooleanField()
