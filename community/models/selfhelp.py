"""A member's private self-help space at /me/: the attachment self-check, journal, mood
check-ins (with an optional reminder) and milestones.

Everything here belongs to one member and is readable by that member alone: not by other
members, facilitators or moderators, through any door. None of it passes the moderation
pipeline; entries are screened for crisis language only to show the member help at once, and
nothing is queued or recorded for anyone else. Each model goes with the account when the member
deletes it (`erase_with_member`) and is part of their data export. Deliberately not in the
Django admin: staff have no door to these words either.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MOOD_MIN, MOOD_MAX = 1, 5
JOURNAL_MAX_LENGTH = 20_000
NOTE_MAX_LENGTH = 1_000
MILESTONE_TITLE_MAX_LENGTH = 120


class PrivateToMember(models.Model):
    """Base of every private self-help row: its owner, and when it was written."""

    erase_with_member = True

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="%(class)s_set",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        # Never the words: a label that is safe in any list or log.
        return f"{self._meta.verbose_name} {self.pk}"


class SelfCheck(PrivateToMember):
    """One completed attachment self-check: the answers (1-5 per item, by item key) and the two
    scores they give, each the mean on a 1-5 scale."""

    answers = models.JSONField(_("answers"), default=dict)
    anxiety = models.DecimalField(_("closeness worry (anxiety)"), max_digits=3, decimal_places=2)
    avoidance = models.DecimalField(
        _("keeping distance (avoidance)"), max_digits=3, decimal_places=2
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")
        constraints = [
            models.CheckConstraint(
                condition=Q(anxiety__gte=1, anxiety__lte=5, avoidance__gte=1, avoidance__lte=5),
                name="self_check_scores_in_range",
            )
        ]


class JournalEntry(PrivateToMember):
    """A journal entry, in Markdown, optionally answering one of the healing-path prompts."""

    prompt = models.CharField(_("prompt"), max_length=200, blank=True)
    body = models.TextField(_("text as written"))
    body_html = models.TextField(_("text as shown"), editable=False)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")


class MoodCheckIn(PrivateToMember):
    """How the member felt: 1 (very low) to 5 (very good), feelings from a fixed list, a note."""

    mood = models.PositiveSmallIntegerField(_("mood"))
    feelings = models.JSONField(_("feelings"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mood check-in")
        verbose_name_plural = _("mood check-ins")
        constraints = [
            models.CheckConstraint(
                condition=Q(mood__gte=MOOD_MIN, mood__lte=MOOD_MAX), name="mood_in_range"
            )
        ]


class MoodReminder(PrivateToMember):
    """The member's choice of a gentle in-app reminder to check in, once a day from `hour`
    (in UTC) when they have not checked in that day."""

    enabled = models.BooleanField(_("remind me"), default=False)
    hour = models.PositiveSmallIntegerField(_("from hour (UTC)"), default=18)
    dismissed_on = models.DateField(_("dismissed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("mood reminder")
        verbose_name_plural = _("mood reminders")
        constraints = [
            models.UniqueConstraint(fields=["member"], name="mood_reminder_one_per_member"),
            models.CheckConstraint(condition=Q(hour__lte=23), name="mood_reminder_hour"),
        ]


class Milestone(PrivateToMember):
    """A goal the member sets ("waited an hour before replying") and marks when achieved. One
    click turns it into a draft success story (`story`)."""

    title = models.CharField(_("milestone"), max_length=MILESTONE_TITLE_MAX_LENGTH)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)
    achieved_at = models.DateTimeField(_("achieved at"), null=True, blank=True)
    story = models.ForeignKey(
        "community.Story",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("draft story"),
    )

    class Meta:
        # Goals still open first, then the most recently achieved.
        ordering = [F("achieved_at").desc(nulls_first=True), "-created_at", "-pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
