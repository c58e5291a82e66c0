"""Moderation records: the shared content base, watched words, the review queue, members'
reports, earlier versions of edited content, sanctions, members' appeals, signposts and the
append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContentStatus(models.TextChoices):
    PUBLISHED = "published", _("published")
    HELD = "held", _("held for review")
    REMOVED = "removed", _("removed by a moderator")
    DELETED = "deleted", _("deleted by its author")


class ModeratedContent(models.Model):
    """Base of everything a member writes: stored raw, shown only as sanitised HTML.

    Concrete models add where the content lives (a group, a thread) and may override
    `moderation_group` so facilitators can moderate inside their own group."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text as written"))
    body_html = models.TextField(_("text as shown"), editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContentStatus.choices,
        default=ContentStatus.PUBLISHED,
        db_index=True,
    )
    content_warning = models.CharField(_("content warning"), max_length=120, blank=True)
    removal_reason = models.TextField(
        _("reason for removal"), blank=True, help_text=_("Shown to the author.")
    )
    screening = models.JSONField(_("screening result"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("written at"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # When it was removed by a moderator or deleted by its author (retention counts from here),
    # and when its words were purged (moderation.retention, account deletion).
    taken_down_at = models.DateTimeField(_("taken down at"), null=True, blank=True, editable=False)
    purged_at = models.DateTimeField(_("words purged at"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    # What purging leaves in each text field: the row stays (a chat seq, a thread's replies and
    # the moderation record need it), the words go.
    PURGED_TITLE = ""

    @classmethod
    def purged_values(cls) -> dict:
        values = {
            "body": "",
            "body_html": "",
            "content_warning": "",
            "removal_reason": "",
            "screening": {},
        }
        if cls.PURGED_TITLE:
            values["title"] = cls.PURGED_TITLE
        return values

    @property
    def is_published(self) -> bool:
        return self.status == ContentStatus.PUBLISHED

    def snapshot_text(self) -> str:
        """The words a queue item keeps, so a later edit never hides what raised concern."""
        return self.body

    def moderation_group(self):  # -> groups.models.PeerGroup | None
        """The peer group this content belongs to, if any (facilitators moderate there)."""
        return None

    def before_publish(self) -> list[str]:
        """Called inside the transaction that makes this content visible (approval), before it
        is saved; returns the names of fields it changed. A chat message takes its seq here."""
        return []

    def before_remove(self) -> list[str]:
        """Called inside the transaction that takes this content down, before it is saved;
        returns the names of fields it changed."""
        return []

    def awaits_decision(self) -> bool:
        """Is this waiting for a moderator to approve or remove it? Such content's queue items
        close with that decision, not on their own."""
        return self.status == ContentStatus.HELD

    def on_moderated(self) -> None:
        """Called after a moderator's decision is committed (approve, remove, restore), so a
        content kind can tell live readers. Does nothing by default."""

    def moderation_context(self):  # -> moderation.context.ContentContext
        """Where this content lives and what is around it, for the moderator reviewing it.
        Override to add a link and neighbouring items."""
        from moderation.context import ContentContext

        return ContentContext(place=str(self))


class WatchedWord(models.Model):
    """A word or phrase moderators want the pipeline to act on."""

    class Action(models.TextChoices):
        BLOCK = "block", _("block: refuse the text and say why")
        HOLD = "hold", _("hold: keep it back for review")
        FLAG = "flag", _("flag: publish and add to the review queue")
        CENSOR = "censor", _("censor: publish with the word masked")

    phrase = models.CharField(
        _("word or phrase"),
        max_length=100,
        help_text=_("Matched as whole words, ignoring case, punctuation and repeated letters."),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(
        _("reason"),
        max_length=200,
        blank=True,
        help_text=_("Shown to the author when the text is blocked, and to moderators."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")
        constraints = [
            models.UniqueConstraint(
                Lower("phrase"),
                name="watched_word_phrase_unique",
                violation_error_message=_("This word or phrase is already watched."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phrase} ({self.action})"


class QueueItem(models.Model):
    """One thing waiting for a moderator's eyes. Lower priority numbers come first."""

    class Reason(models.TextChoices):
        CRISIS_URGENT = "crisis_urgent", _("urgent crisis risk")
        CRISIS_CONCERN = "crisis_concern", _("crisis concern")
        REPORT = "report", _("reported by a member")
        WATCHED_WORD = "watched_word", _("watched word")
        NEW_MEMBER = "new_member", _("new member's first posts")
        NEW_MEMBER_LINK = "new_member_link", _("link from a new member")
        SOMEONE_ELSE = "someone_else", _("someone else may be at risk")
        REVIEW = "review", _("waiting for review before publishing")
        APPEAL = "appeal", _("appeal from a member")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        CLAIMED = "claimed", _("claimed")
        RESOLVED = "resolved", _("resolved")

    class Resolution(models.TextChoices):
        APPROVED = "approved", _("approved")
        REMOVED = "removed", _("removed")
        RESTORED = "restored", _("restored")
        NO_ACTION = "no_action", _("no action needed")
        SUPPORT_OFFERED = "support_offered", _("support offered")
        RETURNED = "returned", _("returned to the author to revise")
        APPEAL_GRANTED = "appeal_granted", _("appeal granted: the decision was reversed")
        APPEAL_UPHELD = "appeal_upheld", _("appeal upheld: the decision stands")

    # Urgent is a priority, not only a reason: an appeal written in urgent crisis is urgent too.
    URGENT_PRIORITY = 0
    # Crisis first; then reports and holds, oldest first within a priority.
    PRIORITY = {
        Reason.CRISIS_URGENT: URGENT_PRIORITY,
        Reason.CRISIS_CONCERN: 10,
        Reason.REPORT: 20,
        Reason.WATCHED_WORD: 30,
        Reason.NEW_MEMBER: 30,
        Reason.NEW_MEMBER_LINK: 30,
        Reason.SOMEONE_ELSE: 40,
        Reason.REVIEW: 30,
        # After reports, before holds: a member is waiting to hear back about a decision.
        Reason.APPEAL: 25,
    }

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    detail = models.TextField(_("detail"), blank=True)
    snapshot = models.TextField(
        _("text when queued"),
        blank=True,
        help_text=_("Kept so the words that raised concern are never lost to a later edit."),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), db_index=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    group = models.ForeignKey(
        "groups.PeerGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member concerned"),
        help_text=_("Who wrote the content (or made the appeal)."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("claimed by"),
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)

    class Meta:
        ordering = ["priority", "created_at", "pk"]
        verbose_name = _("review queue item")
        verbose_name_plural = _("review queue")
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["state", "priority", "created_at"], name="queue_item_order"),
        ]
        constraints = [
            # Replays and double submits never queue the same thing twice.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reason"],
                condition=~Q(state="resolved"),
                name="queue_item_one_open_per_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"

    @property
    def is_urgent(self) -> bool:
        return self.priority == self.URGENT_PRIORITY


# The author may be at risk: such items close only with a moderator's own answer (a supportive
# message or a note), never as a side effect of a decision about the text.
AT_RISK_REASONS = frozenset({QueueItem.Reason.CRISIS_URGENT, QueueItem.Reason.CRISIS_CONCERN})
# Crisis items (the author, or someone they worry about): their own tab and checklist, and never
# decided in bulk.
CRISIS_REASONS = AT_RISK_REASONS | {QueueItem.Reason.SOMEONE_ELSE}


class Report(models.Model):
    """A member telling moderators that something they saw needs a look. One per member per
    piece of content; several members' reports share one open queue item."""

    class Reason(models.TextChoices):
        HARASSMENT = "harassment", _("harassment or bullying")
        SELF_HARM = "self_harm", _("someone may be at risk of harming themselves")
        SPAM = "spam", _("spam or advertising")
        MISINFORMATION = "misinformation", _("misleading or harmful information")
        OTHER = "other", _("something else")

    class Outcome(models.TextChoices):
        """What the reporter is told, in kind words and never naming the moderator."""

        REMOVED = "removed", _("A moderator took it down.")
        APPROVED = "approved", _("A moderator looked and found it within our guidelines.")
        NO_ACTION = "no_action", _("A moderator looked and left it up.")
        SUPPORT_OFFERED = (
            "support_offered",
            _("A moderator looked and reached out to offer support."),
        )
        RETURNED = "returned", _("A moderator asked the author to revise it.")
        WITHDRAWN = "withdrawn", _("The person who wrote it took it down.")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reports_made",
        verbose_name=_("reported by"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True, help_text=_("Seen only by moderators."))
    queue_item = models.ForeignKey(
        QueueItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("review queue item"),
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=Outcome.choices,
        blank=True,
        help_text=_("Shown to the member who reported; empty until the report is settled."),
    )
    outcome_at = models.DateTimeField(_("outcome at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                name="report_one_per_member_per_content",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"


class ContentRevision(models.Model):
    """The earlier version of a piece of content, kept when its author edits it. Only
    moderators read these."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text as written"))
    content_warning = models.CharField(_("content warning"), max_length=120, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("edited by"),
    )
    created_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"Earlier version #{self.pk}"


class Sanction(models.Model):
    """A limit placed on a member. A warning limits nothing; it is a recorded word."""

    class Kind(models.TextChoices):
        WARN = "warn", _("warning")
        MUTE = "mute", _("mute")
        SUSPEND = "suspend", _("suspension")
        BAN = "ban", _("ban")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sanctions",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    group = models.ForeignKey(
        "groups.PeerGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only in group"),
        help_text=_("Leave empty to apply everywhere."),
    )
    reason = models.TextField(_("reason"), help_text=_("Shown to the member."))
    starts_at = models.DateTimeField(_("starts at"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("given by"),
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        indexes = [models.Index(fields=["member", "lifted_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.member}"

    def is_active_at(self, when) -> bool:
        return (
            self.lifted_at is None
            and self.starts_at <= when
            and (self.ends_at is None or self.ends_at > when)
        )


class Appeal(models.Model):
    """A member asking for a second look at a removal of their content or a sanction on them.
    One per member per target; decided by someone other than the moderator who acted."""

    MAX_TEXT_LENGTH = 2000

    class State(models.TextChoices):
        OPEN = "open", _("waiting for a moderator")
        UPHELD = "upheld", _("the decision stands")
        GRANTED = "granted", _("the decision was reversed")

    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("member appealing"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    content = GenericForeignKey("content_type", "object_id")
    sanction = models.ForeignKey(
        Sanction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("sanction"),
    )
    text = models.TextField(_("what the member says"), max_length=MAX_TEXT_LENGTH)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True
    )
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator who acted"),
        help_text=_("Who removed the content or gave the sanction; they may not decide this."),
    )
    queue_item = models.ForeignKey(
        QueueItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("review queue item"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(
        _("note to the member"), blank=True, help_text=_("Shown to the member.")
    )
    created_at = models.DateTimeField(_("appealed at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(content_type__isnull=False, object_id__isnull=False, sanction__isnull=True)
                    | Q(content_type__isnull=True, object_id__isnull=True, sanction__isnull=False)
                ),
                name="appeal_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["appellant", "content_type", "object_id"],
                condition=Q(sanction__isnull=True),
                name="appeal_once_per_content",
            ),
            models.UniqueConstraint(
                fields=["appellant", "sanction"],
                condition=Q(sanction__isnull=False),
                name="appeal_once_per_sanction",
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal #{self.pk} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Signpost(models.Model):
    """A record that crisis help was shown to a member, so moderators know it happened."""

    class Tier(models.TextChoices):
        URGENT = "urgent", _("urgent")
        CONCERN = "concern", _("concern")
        SOMEONE_ELSE = "someone_else", _("someone else at risk")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signposts",
        verbose_name=_("member"),
    )
    tier = models.CharField(_("tier"), max_length=15, choices=Tier.choices)
    country_code = models.CharField(_("country"), max_length=2, blank=True)
    text = models.TextField(_("message shown"))
    resources = models.JSONField(_("services shown"), default=list)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    content = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("shown at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("signpost")
        verbose_name_plural = _("signposts")

    def __str__(self) -> str:
        return f"{self.get_tier_display()} signpost for {self.member}"


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete a moderation audit row."""


class ModerationActionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("The moderation log cannot be changed.")

    def delete(self):
        raise AuditLogIsAppendOnly("The moderation log cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly("The moderation log cannot be changed.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AuditLogIsAppendOnly("The moderation log cannot be changed.")

    def redact_personal_text(self, *, why: str) -> int:
        """The one change the log allows: when a member deletes their account (or retention
        purges removed content), rows keep the fact of each action (who acted, what, when, on
        which item) but lose their free text, which may quote the member. Returns the count."""
        return super().update(reason="", details={"redacted": why})


class ModerationAction(models.Model):
    """One line of the audit log: who did what to whom, and why. Rows are only ever added."""

    class Verb(models.TextChoices):
        CONTENT_HELD = "content_held", _("content held by the pipeline")
        CONTENT_FLAGGED = "content_flagged", _("content flagged by the pipeline")
        CONTENT_APPROVED = "content_approved", _("content approved")
        CONTENT_REMOVED = "content_removed", _("content removed")
        CONTENT_RESTORED = "content_restored", _("content restored")
        CONTENT_REPORTED = "content_reported", _("content reported by a member")
        MEMBER_SANCTIONED = "member_sanctioned", _("member sanctioned")
        SANCTION_LIFTED = "sanction_lifted", _("sanction lifted")
        QUEUE_CLAIMED = "queue_claimed", _("queue item claimed")
        QUEUE_RELEASED = "queue_released", _("queue item released")
        QUEUE_RESOLVED = "queue_resolved", _("queue item resolved")
        WATCHED_WORD_CHANGED = "watched_word_changed", _("watched word changed")
        MEMBERSHIP_APPROVED = "membership_approved", _("request to join approved")
        MEMBERSHIP_DECLINED = "membership_declined", _("request to join declined")
        MEMBERSHIP_REMOVED = "membership_removed", _("member removed from a group")
        THREAD_LOCKED = "thread_locked", _("forum thread locked or unlocked")
        THREAD_PINNED = "thread_pinned", _("forum thread pinned or unpinned")
        STORY_RETURNED = "story_returned", _("story returned to its author")
        STORY_FEATURED = "story_featured", _("story featured or unfeatured")
        APPEAL_SUBMITTED = "appeal_submitted", _("appeal submitted by a member")
        APPEAL_DECIDED = "appeal_decided", _("appeal decided")
        NOTE_ADDED = "note_added", _("internal note added")
        CRISIS_STEP = "crisis_step", _("crisis checklist step recorded")
        SUPPORT_SENT = "support_sent", _("supportive message sent to a member")
        TEMPLATE_CHANGED = "template_changed", _("message template changed")
        ACCOUNT_ERASED = "account_erased", _("account deleted by its member")
        CONTENT_PURGED = "content_purged", _("removed content purged after the retention period")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
        help_text=_("Empty when the pipeline acted on its own."),
    )
    verb = models.CharField(_("action"), max_length=30, choices=Verb.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member concerned"),
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    content = GenericForeignKey("content_type", "object_id")
    queue_item = models.ForeignKey(
        QueueItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sanction = models.ForeignKey(
        Sanction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    objects = ModerationActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_verb_display()} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("The moderation log cannot be changed.")
        kwargs.pop("force_update", None)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("The moderation log cannot be deleted.")
