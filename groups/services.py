"""Writes for peer groups: joining and leaving, facilitators' decisions, chat messages, room
moderation and ignoring. Every door (pages, API, websocket) calls these."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import broadcast, permissions
from groups.models import (
    ChatMessage,
    GroupSession,
    MemberIgnore,
    Membership,
    PeerGroup,
    next_seq,
)
from moderation import services as moderation_services
from moderation.kinds import ContentKind
from moderation.models import ContentStatus, ModerationAction, Sanction
from moderation.pipeline import Decision, SubmissionContext, sanction_refusal

LOCAL_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
MAX_MUTE_MINUTES = 7 * 24 * 60
MAX_NOTE_LENGTH = 1000
MAX_REASON_LENGTH = moderation_services.MAX_REASON_LENGTH


class GroupActionRefused(Exception):
    """The action can't be done; the message says why and what to do instead."""


@dataclass(frozen=True)
class PostResult:
    message: ChatMessage
    decision: Decision | None  # None for a repeat of an earlier local_id
    duplicate: bool = False

    @property
    def held(self) -> bool:
        return self.message.status == ContentStatus.HELD


def _locked_membership(group: PeerGroup, member) -> Membership | None:
    return Membership.objects.select_for_update().filter(group=group, member=member).first()


# --- joining and leaving --------------------------------------------------------------------------


def group_join(*, actor, group: PeerGroup, note: str = "") -> Membership:
    """Join an open group at once, or ask to join a private one (a facilitator decides).
    Joining again after leaving is fine; a member removed by a facilitator can't rejoin."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Please log in to join a group."))
    code, message, _until = sanction_refusal(actor, SubmissionContext())
    if code in ("banned", "suspended"):
        raise GroupActionRefused(message)
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise GroupActionRefused(
            _("Please keep your note under %(limit)s characters.") % {"limit": MAX_NOTE_LENGTH}
        )
    target = Membership.State.REQUESTED if group.is_private else Membership.State.ACTIVE
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(group=group, member=actor).first()
        )
        if membership is None:
            try:
                with transaction.atomic():
                    return Membership.objects.create(
                        group=group, member=actor, state=target, request_note=note
                    )
            except IntegrityError:  # a double click raced us: use the row that won
                membership = Membership.objects.select_for_update().get(group=group, member=actor)
        if membership.state in (Membership.State.ACTIVE, Membership.State.REQUESTED):
            return membership
        if membership.state == Membership.State.REMOVED:
            raise GroupActionRefused(
                _(
                    "A facilitator removed you from this group, so you can't rejoin it. "
                    "Other groups are open to you."
                )
            )
        membership.state = target
        membership.role = Membership.Role.MEMBER
        membership.request_note = note
        membership.changed_at = timezone.now()
        membership.changed_by = actor
        membership.save(update_fields=["state", "role", "request_note", "changed_at", "changed_by"])
    return membership


def group_leave(*, actor, group: PeerGroup) -> Membership | None:
    """Leave a group (or withdraw a request). Open sockets in its room close."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(group=group, member=actor).first()
        )
        if membership is None or membership.state not in (
            Membership.State.ACTIVE,
            Membership.State.REQUESTED,
        ):
            return membership
        membership.state = Membership.State.LEFT
        membership.changed_at = timezone.now()
        membership.changed_by = actor
        membership.save(update_fields=["state", "changed_at", "changed_by"])
        transaction.on_commit(lambda: broadcast.membership_ended(group, actor.pk))
    return membership


def _decide_request(*, actor, membership: Membership, approve: bool) -> Membership:
    permissions.check_facilitate(actor, membership.group)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.state != Membership.State.REQUESTED:
            raise GroupActionRefused(_("This request has already been answered or withdrawn."))
        membership.state = Membership.State.ACTIVE if approve else Membership.State.DECLINED
        membership.changed_at = timezone.now()
        membership.changed_by = actor
        membership.save(update_fields=["state", "changed_at", "changed_by"])
        ModerationAction.objects.create(
            actor=actor,
            verb=ModerationAction.Verb.MEMBERSHIP_APPROVED
            if approve
            else ModerationAction.Verb.MEMBERSHIP_DECLINED,
            member=membership.member,
            details={"group": membership.group_id},
        )
    return membership


def membership_request_approve(*, actor, membership: Membership) -> Membership:
    """A facilitator of the group (or a moderator) lets a member into a private group."""
    return _decide_request(actor=actor, membership=membership, approve=True)


def membership_request_decline(*, actor, membership: Membership) -> Membership:
    return _decide_request(actor=actor, membership=membership, approve=False)


def membership_remove(*, actor, membership: Membership, reason: str) -> Membership:
    """Remove a member from a group; their open sockets close at once. Facilitators remove
    members; only moderators remove facilitators."""
    group = membership.group
    permissions.check_facilitate(actor, group)
    reason = (reason or "").strip()
    if not reason:
        raise GroupActionRefused(_("Please give a reason; the member will see it."))
    if len(reason) > MAX_REASON_LENGTH:
        # The reason goes into the audit log, which is never edited, so it is bounded here
        # for every door, not only by the page's form.
        raise GroupActionRefused(
            _("Please keep the reason under %(limit)s characters.") % {"limit": MAX_REASON_LENGTH}
        )
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.member_id == actor.pk:
            raise GroupActionRefused(_("To leave the group yourself, use Leave."))
        if membership.role == Membership.Role.FACILITATOR and not actor.is_moderator:
            raise PermissionDenied(_("Only moderators remove facilitators."))
        if membership.member.is_moderator and not actor.is_moderator:
            raise PermissionDenied(_("Only moderators remove moderators."))
        membership.state = Membership.State.REMOVED
        membership.changed_at = timezone.now()
        membership.changed_by = actor
        membership.save(update_fields=["state", "changed_at", "changed_by"])
        ModerationAction.objects.create(
            actor=actor,
            verb=ModerationAction.Verb.MEMBERSHIP_REMOVED,
            member=membership.member,
            reason=reason,
            details={"group": group.pk},
        )
        member_id = membership.member_id
        transaction.on_commit(lambda: broadcast.membership_ended(group, member_id))
    return membership


def membership_appoint_facilitator(*, actor, group: PeerGroup, member) -> Membership:
    """A moderator makes `member` a facilitator of `group` (joining them if needed)."""
    if not actor.is_moderator:
        raise PermissionDenied(_("Only moderators appoint facilitators."))
    with transaction.atomic():
        membership = _locked_membership(group, member)
        if membership is None:
            membership = Membership(group=group, member=member)
        membership.role = Membership.Role.FACILITATOR
        membership.state = Membership.State.ACTIVE
        membership.changed_at = timezone.now()
        membership.changed_by = actor
        membership.save()
    return membership


def group_session_schedule(
    *, actor, group: PeerGroup, starts_at, topic: str, duration_minutes: int = 60
) -> GroupSession:
    """A facilitator of the group (or a moderator) schedules a facilitated session."""
    permissions.check_facilitate(actor, group)
    topic = " ".join((topic or "").split())
    if not topic or len(topic) > 200:
        raise GroupActionRefused(_("Please give the session a topic (up to 200 characters)."))
    if not 15 <= duration_minutes <= 240:
        raise GroupActionRefused(_("A session lasts between 15 minutes and 4 hours."))
    return GroupSession.objects.create(
        group=group,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        topic=topic,
        facilitator=actor if permissions.is_active_member(actor, group) else None,
    )


# --- chat ----------------------------------------------------------------------------------------


def clean_local_id(local_id) -> str:
    if local_id in (None, ""):
        return ""
    if not isinstance(local_id, str) or not LOCAL_ID.match(local_id):
        raise GroupActionRefused(
            _("local_id must be 1 to 64 letters, digits or the characters _ . : -")
        )
    return local_id


def chat_message_post(
    *, actor, group: PeerGroup, body: str, local_id: str = "", content_warning: str = ""
) -> PostResult:
    """Store a member's chat message through the moderation pipeline.

    Guarantees: idempotent per (actor, group, local_id); a published message gets the group's
    next seq in the storing transaction and is broadcast only after commit; urgent risk is held,
    queued and signposted, never dropped; a refusal raises ContentRefused and stores nothing."""
    permissions.check_post(actor, group)
    local_id = clean_local_id(local_id)
    content_warning = " ".join((content_warning or "").split())[:120]
    if local_id:
        earlier = ChatMessage.objects.filter(author=actor, group=group, local_id=local_id).first()
        if earlier is not None:
            return PostResult(message=earlier, decision=None, duplicate=True)

    def store(decision: Decision) -> ChatMessage:
        message = ChatMessage(
            author=actor,
            group=group,
            body=decision.body,
            body_html=decision.body_html,
            status=decision.status,
            screening=decision.screening_record,
            local_id=local_id,
            content_warning=content_warning,
        )
        if message.status == ContentStatus.PUBLISHED:
            message.seq = next_seq(group.pk)
        message.save()
        if message.status == ContentStatus.PUBLISHED:
            transaction.on_commit(lambda: broadcast.message_new(message))
        return message

    context = SubmissionContext(group=group, premoderated=group.is_premoderated)
    try:
        submission = moderation_services.content_submit(
            actor=actor, kind=ContentKind.CHAT, text=body, store=store, context=context
        )
    except IntegrityError:
        # The same local_id was stored by a concurrent retry: answer with that one.
        earlier = ChatMessage.objects.filter(author=actor, group=group, local_id=local_id).first()
        if not local_id or earlier is None:
            raise
        return PostResult(message=earlier, decision=None, duplicate=True)
    return PostResult(message=submission.content, decision=submission.decision)


def chat_message_remove(*, actor, message: ChatMessage, reason: str) -> ChatMessage:
    """Take a message down for everyone (a facilitator of its group or a moderator)."""
    return moderation_services.content_remove(actor=actor, content=message, reason=reason)


def member_mute_in_group(*, actor, group: PeerGroup, member, minutes: int, reason: str) -> Sanction:
    """Mute a member in this group's room for a while; their input says until when."""
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        raise GroupActionRefused(_("Please give the length of the mute in minutes."))
    if not 1 <= minutes <= MAX_MUTE_MINUTES:
        raise GroupActionRefused(
            _("A mute in a room lasts from 1 minute to 7 days; for longer, ask a moderator.")
        )
    return moderation_services.member_sanction(
        actor=actor,
        member=member,
        kind=Sanction.Kind.MUTE,
        reason=reason,
        group=group,
        ends_at=timezone.now() + timedelta(minutes=minutes),
    )


# --- ignoring ----------------------------------------------------------------------------------


def member_ignore(*, actor, other) -> MemberIgnore:
    """Stop seeing `other`'s messages, everywhere. They are not told."""
    if other.pk == actor.pk:
        raise GroupActionRefused(_("You can't ignore yourself."))
    with transaction.atomic():
        ignore, _created = MemberIgnore.objects.get_or_create(member=actor, ignored=other)
        transaction.on_commit(lambda: broadcast.member_restricted(actor.pk))
    return ignore


def member_unignore(*, actor, other) -> None:
    """See `other`'s messages again; open rooms show new ones at once."""
    with transaction.atomic():
        MemberIgnore.objects.filter(member=actor, ignored=other).delete()
        transaction.on_commit(lambda: broadcast.member_restricted(actor.pk))
