"""Who may see, join, read, post in and facilitate a peer group.

A group's name, purpose, guidelines and sessions are public, so people can find a group and
ask to join. Its messages are for its active members (and moderators) only, private or not."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from groups.models import Membership, PeerGroup
from moderation.permissions import is_facilitator_of, is_moderator


def membership_of(actor, group: PeerGroup) -> Membership | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return Membership.objects.filter(group=group, member=actor).first()


def is_active_member(actor, group: PeerGroup) -> bool:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return Membership.objects.filter(
        group=group, member=actor, state=Membership.State.ACTIVE
    ).exists()


def can_read_messages(actor, group: PeerGroup) -> bool:
    return is_moderator(actor) or is_active_member(actor, group)


def can_post(actor, group: PeerGroup) -> bool:
    """Membership only; sanctions are the pipeline's business (it says until when)."""
    return can_read_messages(actor, group)


def can_facilitate(actor, group: PeerGroup) -> bool:
    """Approve requests, remove messages, mute and remove members in this group."""
    return is_moderator(actor) or is_facilitator_of(actor, group)


def _deny(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You can't do that in this group."))


def check_read_messages(actor, group: PeerGroup) -> None:
    _deny(can_read_messages(actor, group))


def check_post(actor, group: PeerGroup) -> None:
    _deny(can_post(actor, group))


def check_facilitate(actor, group: PeerGroup) -> None:
    _deny(can_facilitate(actor, group))
