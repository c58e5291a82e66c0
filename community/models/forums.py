"""Forums: categories of threads, replies, supportive reactions, follows and notifications.

A thread is itself moderated content (its text is the opening post); replies are `Post`s.
Who may read what is decided in `community.forum_permissions`, never here."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from community.markup import MAX_TITLE_LENGTH
from moderation.models import ModeratedContent

# Paths under /forums/ that a category's address must not hide.
RESERVED_SLUGS = frozenset({"search", "threads", "posts", "new"})


def validate_category_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is used by the forum pages. Please choose another address."),
            params={"slug": value},
        )


class Category(models.Model):
    """A place for threads on one theme. A group category is its peer group's private forum."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone may read, members write")
        MEMBERS = "members", _("Members only")
        GROUP = "group", _("One peer group's members only")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(
        _("address"), max_length=100, unique=True, validators=[validate_category_slug]
    )
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("who may read"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    group = models.ForeignKey(
        "groups.PeerGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forum_categories",
        verbose_name=_("peer group"),
        help_text=_("Only for a group's private forum."),
    )
    is_premoderated = models.BooleanField(
        _("pre-moderated"),
        default=False,
        help_text=_("A new member's first posts here wait for a moderator before others see them."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")
        constraints = [
            models.CheckConstraint(
                condition=(Q(visibility="group") & Q(group__isnull=False))
                | (~Q(visibility="group") & Q(group__isnull=True)),
                name="category_group_iff_group_visibility",
                violation_error_message=_("A group forum needs its group, and only it has one."),
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(group__isnull=False),
                name="category_one_forum_per_group",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Thread(ModeratedContent):
    """A conversation in a category. Its own text is the opening post."""

    PURGED_TITLE = gettext_noop("Removed thread")

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="threads", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Other members see “Anonymous member”.")
    )
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(
        _("locked"), default=False, help_text=_("No new replies, except from moderators.")
    )
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at", "-pk"]
        verbose_name = _("forum thread")
        verbose_name_plural = _("forum threads")
        indexes = [
            models.Index(
                fields=["category", "status", "-is_pinned", "-last_activity_at"],
                name="thread_listing",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def moderation_group(self):
        return self.category.group

    def moderation_context(self):
        """The category it was started in, with its first replies."""
        from django.urls import reverse

        from moderation.context import ContentContext, neighbours_of

        replies = self.posts.select_related("author").order_by("created_at", "pk")
        return ContentContext(
            place=_("Forum thread in %(category)s") % {"category": self.category.name},
            url=reverse("forums:thread", args=[self.pk]),
            neighbours=neighbours_of(self, [self, *replies[: Post.CONTEXT_AFTER]]),
        )

    def snapshot_text(self) -> str:
        return f"{self.title}\n\n{self.body}"

    def on_moderated(self) -> None:
        from community import forum_services

        forum_services.thread_moderated(self)


class Post(ModeratedContent):
    """A reply in a thread."""

    thread = models.ForeignKey(
        Thread, on_delete=models.PROTECT, related_name="posts", verbose_name=_("thread")
    )
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Other members see “Anonymous member”.")
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("forum reply")
        verbose_name_plural = _("forum replies")
        indexes = [models.Index(fields=["thread", "created_at"], name="post_in_thread")]

    def __str__(self) -> str:
        return _("Reply #%(id)s") % {"id": self.pk}

    CONTEXT_BEFORE = 3
    CONTEXT_AFTER = 3

    def moderation_group(self):
        return self.thread.category.group

    def moderation_context(self):
        """The thread it replies to: its opening post and the replies around this one."""
        from django.urls import reverse

        from moderation.context import ContentContext, neighbours_of

        replies = Post.objects.filter(thread_id=self.thread_id).select_related("author")
        before = replies.filter(
            Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk)
        ).order_by("-created_at", "-pk")[: self.CONTEXT_BEFORE]
        after = replies.filter(
            Q(created_at__gt=self.created_at) | Q(created_at=self.created_at, pk__gt=self.pk)
        ).order_by("created_at", "pk")[: self.CONTEXT_AFTER]
        thread = self.thread
        return ContentContext(
            place=_("Reply in “%(title)s”") % {"title": thread.title},
            url=reverse("forums:post", args=[self.pk]),
            neighbours=neighbours_of(self, [thread, *reversed(list(before)), self, *after]),
        )

    def on_moderated(self) -> None:
        from community import forum_services

        forum_services.post_moderated(self)


class Reaction(models.Model):
    """A supportive reaction; one of each kind per member per post (or opening post)."""

    class Kind(models.TextChoices):
        HUG = "hug", _("Hug")
        ME_TOO = "me_too", _("Me too")
        THANK_YOU = "thank_you", _("Thank you")
        PROUD = "proud", _("Proud of you")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_reactions",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("reaction"), max_length=10, choices=Kind.choices)
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    created_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(thread__isnull=False) & Q(post__isnull=True))
                | (Q(thread__isnull=True) & Q(post__isnull=False)),
                name="reaction_on_thread_or_post",
            ),
            models.UniqueConstraint(
                fields=["member", "kind", "post"],
                condition=Q(post__isnull=False),
                name="reaction_one_per_kind_per_post",
            ),
            models.UniqueConstraint(
                fields=["member", "kind", "thread"],
                condition=Q(thread__isnull=False),
                name="reaction_one_per_kind_per_thread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.member}"


class Subscription(models.Model):
    """A member follows a thread and is told about new replies."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_subscriptions",
        verbose_name=_("member"),
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("thread")
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("followed thread")
        verbose_name_plural = _("followed threads")
        constraints = [
            models.UniqueConstraint(fields=["member", "thread"], name="subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member} follows {self.thread_id}"


class Notification(models.Model):
    """Something in the community a member should know about, shown by the bell.

    It stores no text of its own: what it shows is read, with the reader's permissions,
    when it is shown, so a post removed later or a forum the member left leaks nothing."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("new reply in a thread you follow")
        STORY_PUBLISHED = "story_published", _("your story was published")
        STORY_RETURNED = "story_returned", _("your story was returned to you to revise")
        SUPPORT_MESSAGE = "support_message", _("a message from the moderation team")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("for"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    story = models.ForeignKey(
        "community.Story", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    support_message = models.ForeignKey(
        "moderation.SupportMessage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "post"],
                condition=Q(post__isnull=False),
                name="notification_once_per_post",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient}"
