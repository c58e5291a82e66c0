"""API tokens: how a member's own scripts and apps sign in without a browser.

Only a SHA-256 hash of each secret is stored; the secret itself is shown to the member once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_ACTIVE_TOKENS = 10
TOKEN_NAME_MAX_LENGTH = 60
TOKEN_PREFIX_LENGTH = 8


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=TOKEN_NAME_MAX_LENGTH)
    prefix = models.CharField(
        _("prefix"), max_length=TOKEN_PREFIX_LENGTH, help_text=_("The start of the secret.")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
