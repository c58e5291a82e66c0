"""Reads for moderation. Facilitators will see their own group's records once groups have
facilitators; today only moderators see any."""

from __future__ import annotations

from django.db.models import QuerySet

from moderation import permissions
from moderation.models import ModerationAction


def moderation_log_for(actor, *, verb: str = "") -> QuerySet[ModerationAction]:
    """The audit log rows `actor` may read, newest first."""
    if not permissions.is_moderator(actor):
        return ModerationAction.objects.none()
    rows = ModerationAction.objects.select_related("actor", "member", "content_type")
    if verb:
        rows = rows.filter(verb=verb)
    return rows.order_by("-pk")
