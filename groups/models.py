"""Peer groups.

Only the group itself exists so far: moderation scopes sanctions and facilitator rights to a
group. Memberships, sessions and chat messages build on it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Group(models.Model):
    """A peer group that meets in its own chat room."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_private = models.BooleanField(
        _("private"),
        default=False,
        help_text=_("Only members of a private group can see it or read its messages."),
    )
    is_premoderated = models.BooleanField(
        _("pre-moderated"),
        default=False,
        help_text=_("A new member's first posts here wait for a moderator before others see them."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")

    def __str__(self) -> str:
        return self.name
