"""Who may moderate what.

Moderators moderate everywhere. Facilitators moderate only inside their own group (the
`is_facilitator_of` scope hook). Every `check_*` raises PermissionDenied."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from moderation.models import ModeratedContent, QueueItem, Sanction


def is_moderator(actor) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.is_moderator
    )


def is_facilitator_of(actor, group) -> bool:
    """Scope hook: True when `actor` is an active facilitator of `group`."""
    if group is None or not getattr(actor, "is_authenticated", False):
        return False
    from groups.models import Membership

    return Membership.objects.filter(
        group=group,
        member=actor,
        role=Membership.Role.FACILITATOR,
        state=Membership.State.ACTIVE,
    ).exists()


def can_moderate_in(actor, group) -> bool:
    if is_moderator(actor):
        return True
    return (
        group is not None and getattr(actor, "is_active", False) and is_facilitator_of(actor, group)
    )


def can_moderate_content(actor, content: ModeratedContent) -> bool:
    return can_moderate_in(actor, content.moderation_group())


def can_work_queue_item(actor, item: QueueItem) -> bool:
    return can_moderate_in(actor, item.group)


def can_sanction(actor, member, *, kind: str, group=None) -> bool:
    """Moderators may give any sanction; facilitators may warn or mute only in their group.
    Nobody sanctions themselves, and only moderators may sanction another moderator."""
    if actor.pk == member.pk:
        return False
    if is_moderator(actor):
        return True
    if member.is_moderator:
        return False
    return kind in {Sanction.Kind.WARN, Sanction.Kind.MUTE} and (
        group is not None and can_moderate_in(actor, group)
    )


def can_lift_sanction(actor, sanction: Sanction) -> bool:
    if is_moderator(actor):
        return True
    return sanction.group_id is not None and can_moderate_in(actor, sanction.group)


def _deny(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You can't moderate here."))


def check_moderate_content(actor, content: ModeratedContent) -> None:
    _deny(can_moderate_content(actor, content))


def check_work_queue_item(actor, item: QueueItem) -> None:
    _deny(can_work_queue_item(actor, item))


def check_sanction(actor, member, *, kind: str, group=None) -> None:
    _deny(can_sanction(actor, member, kind=kind, group=group))


def check_lift_sanction(actor, sanction: Sanction) -> None:
    _deny(can_lift_sanction(actor, sanction))
