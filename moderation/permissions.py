"""Who may moderate what.

Moderators moderate everywhere. Facilitators moderate only inside their own group (the
`is_facilitator_of` scope hook). Every `check_*` raises PermissionDenied.

An appeal is decided by someone who moderates where its queue item is, and never by the
moderator who made the decision under appeal (nor by the member appealing)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from moderation.models import Appeal, ModeratedContent, QueueItem, Sanction


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
    """Nobody works an item about themselves: their own words and their own risk are decided,
    noted and answered by someone else."""
    return item.member_id != actor.pk and can_moderate_in(actor, item.group)


def can_decide_content(actor, content: ModeratedContent) -> bool:
    """Approving or restoring publishes words; nobody does that for their own (a facilitator
    could otherwise publish their own message held for crisis risk)."""
    return content.author_id != actor.pk and can_moderate_content(actor, content)


def can_see_reporters(actor) -> bool:
    """Who reported something is for moderators only: a facilitator reported over their own
    words, or a member of their group, must not learn it."""
    return is_moderator(actor)


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


def is_party_to_appeal(actor, appeal: Appeal) -> bool:
    """The member appealing, or the moderator whose decision is appealed."""
    return actor.pk is not None and actor.pk in (appeal.appellant_id, appeal.acted_by_id)


def can_decide_appeal(actor, appeal: Appeal) -> bool:
    group = appeal.queue_item.group if appeal.queue_item_id else None
    return can_moderate_in(actor, group) and not is_party_to_appeal(actor, appeal)


def _deny(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You can't moderate here."))


def check_moderate_content(actor, content: ModeratedContent) -> None:
    _deny(can_moderate_content(actor, content))


def check_work_queue_item(actor, item: QueueItem) -> None:
    if item.member_id is not None and item.member_id == actor.pk:
        raise PermissionDenied(_("This is about you, so another moderator will take care of it."))
    _deny(can_work_queue_item(actor, item))


def check_decide_content(actor, content: ModeratedContent) -> None:
    if content.author_id == actor.pk:
        raise PermissionDenied(
            _("These are your own words, so another moderator will decide about them.")
        )
    _deny(can_moderate_content(actor, content))


def check_sanction(actor, member, *, kind: str, group=None) -> None:
    _deny(can_sanction(actor, member, kind=kind, group=group))


def check_lift_sanction(actor, sanction: Sanction) -> None:
    _deny(can_lift_sanction(actor, sanction))


def check_not_party_to_appeal(actor, appeal: Appeal) -> None:
    """Raise with a clear message when `actor` made the decision under appeal or is appealing."""
    if actor.pk == appeal.acted_by_id:
        raise PermissionDenied(
            _(
                "You made the original decision, so a different moderator needs to look at "
                "this appeal."
            )
        )
    if actor.pk == appeal.appellant_id:
        raise PermissionDenied(_("This is your own appeal; another moderator will decide it."))


def check_decide_appeal(actor, appeal: Appeal) -> None:
    group = appeal.queue_item.group if appeal.queue_item_id else None
    _deny(can_moderate_in(actor, group))
    check_not_party_to_appeal(actor, appeal)
