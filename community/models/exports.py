"""Data exports: a member's own copy of everything the platform holds about them.

The archive is built in the background and kept in the database (gzip-compressed JSON), so
whichever process answers the download can serve it; it is deleted once it expires."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DataExport(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting to start")
        RUNNING = "running", _("being prepared")
        READY = "ready", _("ready to download")
        FAILED = "failed", _("could not be prepared")

    # Goes with the account when the member deletes it (community.account_services).
    erase_with_member = True

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        verbose_name=_("member"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(
        _("current step"), max_length=40, blank=True, help_text=_("The section being copied.")
    )
    created_at = models.DateTimeField(_("asked for at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Touched after every section; a running export whose heartbeat stops was killed with its
    # process, and is taken over by the next builder.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True, db_index=True)
    payload = models.BinaryField(_("archive (gzip JSON)"), null=True, blank=True, editable=False)
    size_bytes = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    error = models.CharField(
        _("error"), max_length=200, blank=True, help_text=_("Never contains personal text.")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        indexes = [models.Index(fields=["member", "-created_at"], name="data_export_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="data_export_progress_max_100"
            )
        ]

    def __str__(self) -> str:
        return f"Data export #{self.pk} ({self.state})"

    @property
    def is_in_progress(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)

    def is_available(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.READY and (
            self.expires_at is not None and self.expires_at > now
        )


# For the API schema's enum names (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
DATA_EXPORT_STATES = DataExport.State
