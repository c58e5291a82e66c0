"""Shapes of the forum and notification REST API (community/forum_api.py). Serializers here
only check input types and describe output; who may see or do what is decided by
community/forum_permissions.py (through the `Reader` in the serializer context), and every
other rule lives in community/forum_services.py."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.api import SignpostSerializer
from community.api_errors import ApiErrorSerializer
from community.api_fields import TextField
from community.forum_permissions import Reader
from community.forum_selectors import CategoryListing, ItemView, ThreadListing
from community.ids import MAX_DB_ID
from community.models import Category, Notification, Reaction
from moderation.models import ContentRevision, ContentStatus, Report
from moderation.pipeline import held_notice

MAX_MARK_READ_IDS = 500


def _values(choices) -> str:
    return ", ".join(choices.values)


# Plain strings rather than enums: "status" and "visibility" already name other choice sets in
# this API, and the schema must build without naming collisions.
STATUS_HELP = f"One of: {_values(ContentStatus)}."


class ConflictSerializer(ApiErrorSerializer):
    retry_after = serializers.IntegerField(
        required=False, help_text="Only when sending too many reports: seconds to wait."
    )


def _thread_url(thread_id: int) -> str:
    return reverse("api-forum-thread", kwargs={"thread_id": thread_id})


# --- categories -------------------------------------------------------------------------------


class CategorySerializer(serializers.Serializer):
    """A category as listed (CategoryListing)."""

    slug = serializers.CharField(source="category.slug")
    name = serializers.CharField(source="category.name")
    description = serializers.CharField(source="category.description")
    visibility = serializers.CharField(
        source="category.visibility", help_text=f"Who may read: {_values(Category.Visibility)}."
    )
    group = serializers.CharField(
        source="category.group.slug",
        allow_null=True,
        default=None,
        help_text="The peer group whose private forum this is; null otherwise.",
    )
    is_premoderated = serializers.BooleanField(source="category.is_premoderated")
    thread_count = serializers.IntegerField(help_text="Published threads.")
    last_activity_at = serializers.DateTimeField(allow_null=True)
    threads_url = serializers.SerializerMethodField()

    def get_threads_url(self, listing: CategoryListing) -> str:
        return reverse("api-forum-category-threads", kwargs={"slug": listing.category.slug})


class CategoryDetailSerializer(CategorySerializer):
    """Needs the `reader` in the serializer context."""

    may_post = serializers.SerializerMethodField(help_text="Can you start a thread here?")
    moderating = serializers.SerializerMethodField(help_text="Do you moderate this category?")

    def get_may_post(self, listing: CategoryListing) -> bool:
        return self.context["reader"].can_post

    def get_moderating(self, listing: CategoryListing) -> bool:
        return self.context["reader"].moderating


# --- threads and replies ----------------------------------------------------------------------


class ThreadListSerializer(serializers.Serializer):
    """A thread in its category's list (ThreadListing). Needs the `reader` in the context."""

    id = serializers.IntegerField(source="thread.pk")
    title = serializers.CharField(source="thread.title", help_text="Plain text: escape it.")
    category = serializers.SerializerMethodField()
    author_label = serializers.CharField()
    author = serializers.SerializerMethodField(
        help_text="The author's pseudonym; null when they posted anonymously."
    )
    status = serializers.CharField(source="thread.status", help_text=STATUS_HELP)
    notice = serializers.CharField(help_text="For example 'awaiting review'; usually empty.")
    content_warning = serializers.CharField(source="thread.content_warning")
    is_anonymous = serializers.BooleanField(source="thread.is_anonymous")
    is_pinned = serializers.BooleanField(source="thread.is_pinned")
    is_locked = serializers.BooleanField(source="thread.is_locked")
    reply_count = serializers.IntegerField()
    created_at = serializers.DateTimeField(source="thread.created_at")
    edited_at = serializers.DateTimeField(source="thread.edited_at", allow_null=True)
    last_activity_at = serializers.DateTimeField(source="thread.last_activity_at")
    url = serializers.SerializerMethodField()

    def get_category(self, listing: ThreadListing) -> str:
        return self.context["reader"].category.slug

    def get_author(self, listing: ThreadListing) -> str | None:
        reader: Reader = self.context["reader"]
        thread = listing.thread
        return thread.author.pseudonym if reader.author_visible(thread) else None

    def get_url(self, listing: ThreadListing) -> str:
        return _thread_url(listing.thread.pk)


class ReactionCountSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Reaction.Kind.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()
    mine = serializers.BooleanField(help_text="Did you give this one?")


class ItemSerializer(serializers.Serializer):
    """The opening post or a reply as the reader sees it (ItemView)."""

    id = serializers.IntegerField(source="item.pk")
    status = serializers.CharField(source="item.status", help_text=STATUS_HELP)
    notice = serializers.CharField(
        help_text="'Awaiting review', 'Deleted by its author' and the like; usually empty."
    )
    content_warning = serializers.CharField(
        source="item.content_warning",
        help_text="When set, show it and keep the text folded until the reader opens it.",
    )
    author_label = serializers.CharField(help_text="Who to show as the author (plain text).")
    author = serializers.SerializerMethodField(
        help_text="The author's pseudonym; null when they posted anonymously."
    )
    is_anonymous = serializers.BooleanField(source="item.is_anonymous")
    body_html = serializers.SerializerMethodField(
        help_text="Sanitised HTML; null when the text is not yours to read (deleted or removed)."
    )
    body = serializers.SerializerMethodField(
        help_text="The text as written (Markdown), for editing; only for its author."
    )
    reactions = ReactionCountSerializer(many=True)
    may_edit = serializers.BooleanField()
    may_delete = serializers.BooleanField()
    may_react = serializers.BooleanField()
    may_report = serializers.BooleanField()
    may_see_history = serializers.BooleanField()
    created_at = serializers.DateTimeField(source="item.created_at")
    edited_at = serializers.DateTimeField(source="item.edited_at", allow_null=True)

    def get_author(self, view: ItemView) -> str | None:
        return view.item.author.pseudonym if view.author_visible else None

    def get_body_html(self, view: ItemView) -> str | None:
        return view.item.body_html if view.show_text else None

    def get_body(self, view: ItemView) -> str | None:
        return view.item.body if view.may_edit else None


class PostSerializer(ItemSerializer):
    thread = serializers.IntegerField(source="item.thread_id")


class ThreadSerializer(ItemSerializer):
    """A thread with its opening post. Needs `thread_view` (a ThreadView) in the context."""

    title = serializers.CharField(source="item.title", help_text="Plain text: escape it.")
    category = serializers.CharField(source="item.category.slug")
    is_pinned = serializers.BooleanField(source="item.is_pinned")
    is_locked = serializers.BooleanField(source="item.is_locked")
    last_activity_at = serializers.DateTimeField(source="item.last_activity_at")
    reply_count = serializers.SerializerMethodField(help_text="Replies you can see.")
    subscribed = serializers.SerializerMethodField(help_text="Do you follow this thread?")
    may_reply = serializers.SerializerMethodField()
    may_lock_or_pin = serializers.SerializerMethodField()
    posts_url = serializers.SerializerMethodField()

    def get_reply_count(self, view: ItemView) -> int:
        return self.context["thread_view"].page.paginator.count

    def get_subscribed(self, view: ItemView) -> bool:
        return self.context["thread_view"].subscribed

    def get_may_reply(self, view: ItemView) -> bool:
        return self.context["thread_view"].may_reply

    def get_may_lock_or_pin(self, view: ItemView) -> bool:
        return self.context["thread_view"].may_lock_or_pin

    def get_posts_url(self, view: ItemView) -> str:
        return reverse("api-forum-thread-posts", kwargs={"thread_id": view.item.pk})


class _WrittenFields(serializers.Serializer):
    """What the author is told after writing. Needs `written` (forum_services.Written)."""

    held = serializers.SerializerMethodField(help_text="Waiting for a moderator?")
    held_notice = serializers.SerializerMethodField(
        help_text="A kind word for the author when it waits for review; empty otherwise."
    )
    signpost = serializers.SerializerMethodField(help_text="Support offered to you only.")

    def get_held(self, view: ItemView) -> bool:
        return self.context["written"].held

    def get_held_notice(self, view: ItemView) -> str:
        return held_notice() if self.context["written"].held else ""

    @extend_schema_field(SignpostSerializer(allow_null=True))
    def get_signpost(self, view: ItemView) -> dict | None:
        signpost = self.context["written"].decision.signpost
        return signpost.as_payload() if signpost else None


class ThreadWrittenSerializer(ThreadSerializer, _WrittenFields):
    pass


class PostWrittenSerializer(PostSerializer, _WrittenFields):
    pass


class ReactionsSerializer(serializers.Serializer):
    reactions = ReactionCountSerializer(many=True)


class FollowSerializer(serializers.Serializer):
    subscribed = serializers.BooleanField()


class RevisionSerializer(serializers.ModelSerializer):
    editor = serializers.SlugRelatedField(slug_field="pseudonym", read_only=True)
    replaced_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = ContentRevision
        fields = ["id", "title", "body", "content_warning", "editor", "replaced_at"]
        read_only_fields = fields


class ReportResultSerializer(serializers.ModelSerializer):
    detail = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "reason", "created_at", "detail"]
        read_only_fields = fields

    def get_detail(self, report: Report) -> str:
        return str(_("Thank you for telling us. A moderator will take a look."))


# --- search and notifications -----------------------------------------------------------------


class SearchHitSerializer(serializers.Serializer):
    thread = serializers.IntegerField(source="thread.pk")
    post = serializers.IntegerField(
        source="post.pk", allow_null=True, default=None, help_text="Null for the opening post."
    )
    title = serializers.CharField(help_text="Plain text: escape it.")
    snippet = serializers.CharField(help_text="Plain text; empty behind a content warning.")
    content_warning = serializers.CharField()
    author_label = serializers.CharField()
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, hit) -> str:
        return _thread_url(hit.thread.pk)


class NotificationThreadSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()


class NotificationStorySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField(help_text="Plain text: escape it.")
    url = serializers.SerializerMethodField()

    def get_url(self, story) -> str:
        return reverse("api-story", kwargs={"story_id": story.pk})


class NotificationSupportResourceSerializer(serializers.Serializer):
    """A service shown with a message. Links are blank unless they are safe to follow."""

    name = serializers.CharField()
    contact = serializers.CharField()
    hours = serializers.CharField()
    tel = serializers.CharField(source="tel_href", help_text="A tel: link, or blank.")
    sms = serializers.CharField(source="sms_href", help_text="An sms: link, or blank.")
    url = serializers.CharField(help_text="An https: link, or blank.")


class NotificationSupportSerializer(serializers.Serializer):
    """A private message from the moderation team (never who sent it)."""

    id = serializers.IntegerField()
    text = serializers.CharField(help_text="Plain text: escape it.")
    resources = NotificationSupportResourceSerializer(many=True)
    created_at = serializers.DateTimeField()


class NotificationSerializer(serializers.Serializer):
    """A reply in a followed thread (`thread` and `post`), news about your own story
    (`story`) or a message from the moderation team (`support_message`); the fields of the
    other kinds are null."""

    id = serializers.IntegerField(source="notification.pk")
    kind = serializers.ChoiceField(source="notification.kind", choices=Notification.Kind.choices)
    thread = NotificationThreadSerializer(allow_null=True)
    post = serializers.IntegerField(source="post.pk", allow_null=True, default=None)
    story = NotificationStorySerializer(allow_null=True)
    support_message = NotificationSupportSerializer(allow_null=True)
    author_label = serializers.CharField(
        help_text="Who replied (plain text); empty for news about your story."
    )
    unread = serializers.BooleanField()
    created_at = serializers.DateTimeField(source="notification.created_at")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were marked read.")


# --- pages (for the schema; the views build the dicts) ----------------------------------------


class _PageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Items on all pages.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class ThreadPageSerializer(_PageSerializer):
    results = ThreadListSerializer(many=True)


class PostPageSerializer(_PageSerializer):
    results = PostSerializer(many=True)


class SearchPageSerializer(_PageSerializer):
    results = SearchHitSerializer(many=True)


class SearchWordsSerializer(serializers.Serializer):
    # Length is checked by the search itself, so GET and POST say the same.
    q = TextField(help_text="The words to look for.", trim_whitespace=False)


class NotificationPageSerializer(_PageSerializer):
    results = NotificationSerializer(many=True)


# --- input ------------------------------------------------------------------------------------
# Empty and too-long texts and titles are the pipeline's to refuse, and the content warning's
# length the service's, so every door says the same.


class ThreadStartInputSerializer(serializers.Serializer):
    title = TextField(allow_blank=True, help_text="Plain text.")
    body = TextField(allow_blank=True, trim_whitespace=False, help_text="Markdown.")
    content_warning = TextField(required=False, default="", allow_blank=True)
    is_anonymous = serializers.BooleanField(
        required=False, default=False, help_text="Other members see 'Anonymous member'."
    )


class ThreadEditInputSerializer(serializers.Serializer):
    """Fields left out keep their current values."""

    title = TextField(required=False, allow_blank=True)
    body = TextField(required=False, allow_blank=True, trim_whitespace=False)
    content_warning = TextField(required=False, allow_blank=True)


class PostReplyInputSerializer(serializers.Serializer):
    body = TextField(allow_blank=True, trim_whitespace=False, help_text="Markdown.")
    content_warning = TextField(required=False, default="", allow_blank=True)
    is_anonymous = serializers.BooleanField(required=False, default=False)


class PostEditInputSerializer(serializers.Serializer):
    """Fields left out keep their current values."""

    body = TextField(required=False, allow_blank=True, trim_whitespace=False)
    content_warning = TextField(required=False, allow_blank=True)


class LockInputSerializer(serializers.Serializer):
    locked = serializers.BooleanField()


class PinInputSerializer(serializers.Serializer):
    pinned = serializers.BooleanField()


REASON_NEEDED = _("Please give a reason; the member will see it.")


class RemoveInputSerializer(serializers.Serializer):
    reason = TextField(
        error_messages={"required": REASON_NEEDED, "blank": REASON_NEEDED},
        help_text="Shown to the author.",
    )


class ReportInputSerializer(serializers.Serializer):
    # Which reasons exist, and the note's length, are the moderation service's to check.
    reason = TextField(
        required=False,
        default="",
        allow_blank=True,
        help_text="One of: " + ", ".join(Report.Reason.values) + ".",
    )
    note = TextField(
        required=False, default="", allow_blank=True, help_text="Seen only by moderators."
    )


class MarkReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_DB_ID),
        required=False,
        max_length=MAX_MARK_READ_IDS,
        help_text="Notifications to mark read; leave out to mark them all.",
    )
