"""What moderators work with on the review dashboard: internal notes on queue items, editable
message templates (removal reasons and supportive messages), the crisis checklist and the
supportive messages sent to members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models.core import QueueItem


class QueueNote(models.Model):
    """A note moderators leave each other on a queue item. Never shown to members."""

    MAX_TEXT_LENGTH = 2000

    queue_item = models.ForeignKey(
        QueueItem, on_delete=models.PROTECT, related_name="notes", verbose_name=_("queue item")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    text = models.TextField(_("note"), max_length=MAX_TEXT_LENGTH)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self) -> str:
        return f"Note #{self.pk} on item #{self.queue_item_id}"


class ReplyTemplate(models.Model):
    """A message moderators start from: why something was removed, or a supportive word to a
    member in crisis. Moderators edit them; the text sent is kept with what was sent."""

    MAX_BODY_LENGTH = 1000

    class Kind(models.TextChoices):
        REMOVAL = "removal", _("reason for removal")
        SUPPORT = "support", _("supportive message")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("text"), max_length=MAX_BODY_LENGTH)
    is_active = models.BooleanField(_("offered on the dashboard"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        ordering = ["kind", "order", "pk"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "title"], name="reply_template_unique_title")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class SupportMessage(models.Model):
    """A private, supportive message from the moderation team to a member (never between
    members). The member sees it as from "the moderation team", never from a named person."""

    MAX_TEXT_LENGTH = 2000

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="support_messages",
        verbose_name=_("for"),
    )
    text = models.TextField(_("message"), max_length=MAX_TEXT_LENGTH)
    resources = models.JSONField(_("services shown"), default=list, blank=True)
    queue_item = models.ForeignKey(
        QueueItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_messages",
        verbose_name=_("queue item"),
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("supportive message")
        verbose_name_plural = _("supportive messages")
        indexes = [models.Index(fields=["member", "read_at"], name="support_message_unread")]

    def __str__(self) -> str:
        return f"Supportive message #{self.pk} for {self.member}"


class CrisisStep(models.Model):
    """One step of the crisis checklist on a crisis queue item, recorded once."""

    class Step(models.TextChoices):
        SIGNPOST_CONFIRMED = "signpost_confirmed", _("help was shown to the member")
        SUPPORT_SENT = "support_sent", _("a supportive message was sent")
        FOLLOW_UP = "follow_up", _("follow-up noted")
        ESCALATED = "escalated", _("escalated: the person may be in immediate danger")

    queue_item = models.ForeignKey(
        QueueItem,
        on_delete=models.PROTECT,
        related_name="crisis_steps",
        verbose_name=_("queue item"),
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    done_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["done_at", "pk"]
        verbose_name = _("crisis checklist step")
        verbose_name_plural = _("crisis checklist steps")
        constraints = [
            models.UniqueConstraint(fields=["queue_item", "step"], name="crisis_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} (item #{self.queue_item_id})"
