"""Reads for moderation. Facilitators will see their own group's records once groups have
facilitators; today only moderators see any."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from moderation import permissions
from moderation.models import ContentRevision, ModeratedContent, ModerationAction, Report


def moderation_log_for(actor, *, verb: str = "") -> QuerySet[ModerationAction]:
    """The audit log rows `actor` may read, newest first."""
    if not permissions.is_moderator(actor):
        return ModerationAction.objects.none()
    rows = ModerationAction.objects.select_related("actor", "member", "content_type")
    if verb:
        rows = rows.filter(verb=verb)
    return rows.order_by("-pk")


def _about(content: ModeratedContent) -> dict:
    return {
        "content_type": ContentType.objects.get_for_model(content, for_concrete_model=True),
        "object_id": content.pk,
    }


def has_reported(actor, content: ModeratedContent) -> bool:
    """True when `actor` has already reported `content` (so a door can say so up front)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return Report.objects.filter(reporter=actor, **_about(content)).exists()


def revisions_for(actor, content: ModeratedContent) -> QuerySet[ContentRevision]:
    """Earlier versions of `content`, newest first. Raises PermissionDenied unless `actor` may
    moderate it: members never read what an author has since replaced."""
    permissions.check_moderate_content(actor, content)
    return ContentRevision.objects.filter(**_about(content)).select_related("editor")
