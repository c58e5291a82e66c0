"""Success stories: shared with consent, read by a moderator before anyone else sees them.

`state` is the story's own workflow; the moderation `status` follows it (only a published
story is PUBLISHED), so the generic queue, admin and dashboard work on stories as on any
content. Who may read what is decided in `community.story_permissions`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from community.markup import MAX_TITLE_LENGTH
from moderation.models import ContentStatus, ModeratedContent


class StoryTag(models.Model):
    """A milestone a story can mark, such as "setting a boundary"."""

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("milestone tag")
        verbose_name_plural = _("milestone tags")

    def __str__(self) -> str:
        return self.name


class Story(ModeratedContent):
    """A member's success story."""

    PURGED_TITLE = gettext_noop("Removed story")

    @classmethod
    def purged_values(cls) -> dict:
        return {**super().purged_values(), "return_note": "", "is_featured": False}

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft: not sent for review yet")
        SUBMITTED = "submitted", _("Awaiting review")
        PUBLISHED = "published", _("Published")
        RETURNED = "returned", _("Returned to you to revise")
        REMOVED = "removed", _("Removed by a moderator")
        DELETED = "deleted", _("Deleted by you")

    class Audience(models.TextChoices):
        MEMBERS = "members", _("Members only")
        EVERYONE = "everyone", _("Members and visitors")

    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH)
    tags = models.ManyToManyField(StoryTag, blank=True, related_name="stories")
    audience = models.CharField(
        _("who may read it"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Readers see “Anonymous member”.")
    )
    is_featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown on the home page.")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    return_note = models.TextField(
        _("note to the author"), blank=True, help_text=_("Why it was returned, kindly.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    state_before_removal = models.CharField(
        _("state before removal"), max_length=10, choices=State.choices, blank=True
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("success story")
        verbose_name_plural = _("success stories")
        indexes = [
            models.Index(fields=["status", "audience", "-published_at"], name="story_listing")
        ]

    def __str__(self) -> str:
        return self.title

    def snapshot_text(self) -> str:
        return f"{self.title}\n\n{self.body}"

    def moderation_context(self):
        from django.urls import reverse

        from moderation.context import ContentContext

        return ContentContext(
            place=_("Success story “%(title)s”") % {"title": self.title},
            url=reverse("stories:detail", args=[self.pk]),
        )

    def before_publish(self) -> list[str]:
        # Checked here, under the deciding transaction's row lock, so an approval racing a
        # return (or the author's deletion) can't publish what is no longer waiting, and a
        # restore never publishes words no moderator approved.
        from moderation.services import ModerationConflict

        restoring = self.state == self.State.REMOVED
        if restoring and self.state_before_removal != self.State.PUBLISHED:
            raise ModerationConflict(
                _(
                    "This story was removed before it was published, so restoring it would "
                    "publish words nobody approved. Its author can write it again."
                )
            )
        if not restoring and self.state != self.State.SUBMITTED:
            raise ModerationConflict(
                _("This story isn't waiting for review: it is a draft, returned or deleted.")
            )
        self.state = self.State.PUBLISHED
        self.published_at = self.published_at if restoring else timezone.now()
        self.return_note = ""
        return ["state", "published_at", "return_note"]

    def before_remove(self) -> list[str]:
        self.state_before_removal = self.state
        self.state = self.State.REMOVED
        self.is_featured = False
        return ["state_before_removal", "state", "is_featured"]

    def awaits_decision(self) -> bool:
        # Drafts and returned stories are held but wait for their author, not a moderator.
        return self.state == self.State.SUBMITTED

    def on_moderated(self) -> None:
        from community import story_services

        story_services.story_moderated(self)


def state_status(state: str) -> str:
    """The moderation status that goes with a story's state."""
    return {
        Story.State.PUBLISHED: ContentStatus.PUBLISHED,
        Story.State.REMOVED: ContentStatus.REMOVED,
        Story.State.DELETED: ContentStatus.DELETED,
    }.get(state, ContentStatus.HELD)


class StoryReaction(models.Model):
    """ "This gave me hope": one per member per story."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="story_reactions",
        verbose_name=_("member"),
    )
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("story")
    )
    created_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("“this gave me hope”")
        verbose_name_plural = _("“this gave me hope” reactions")
        constraints = [
            models.UniqueConstraint(fields=["member", "story"], name="story_reaction_once")
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.story_id}"
