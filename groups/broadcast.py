"""Telling a group's live room about changes. Called only after the change is committed
(`transaction.on_commit`), so nothing is announced that was not stored. The channel layer is
at-most-once; clients recover anything missed from the database by seq."""

from __future__ import annotations

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from groups.frames import message_payload
from groups.models import ChatMessage, PeerGroup
from moderation.models import ContentStatus

logger = logging.getLogger(__name__)


def room_name(group_id: int) -> str:
    return f"chat.{group_id}"


def member_channel_group(member_id: int) -> str:
    """Every socket of one member, in any room, so they can be told (or closed) at once."""
    return f"member.{member_id}"


def _send(group_name: str, event: dict) -> None:
    """Best effort, after the change is committed: if the layer is down (Redis restarting), the
    change is still stored and is not undone or reported as failed; rooms catch up from the
    database by seq, and sockets re-check standing on their heartbeat."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_name, event)
    except Exception:
        logger.exception("live event %s to %s was not sent", event.get("type"), group_name)


def message_new(message: ChatMessage) -> None:
    """The `message.new` frame is encoded here, once for the whole room: each socket sends the
    same text instead of encoding the same message again (a room of 100 did it 100 times)."""
    payload = message_payload(message)
    _send(
        room_name(message.group_id),
        {
            "type": "chat.message",
            "id": payload["id"],
            "seq": payload["seq"],
            "author_id": payload.get("author_id"),
            "frame": json.dumps({"type": "message.new", "message": payload}),
        },
    )


def message_changed(message: ChatMessage) -> None:
    """After a moderator's decision: a message that became visible is new to the room; one that
    was taken down is removed for everyone."""
    if message.seq is None:
        return
    if message.status == ContentStatus.PUBLISHED:
        message_new(message)
    else:
        _send(
            room_name(message.group_id),
            {"type": "chat.removed", "id": message.pk, "seq": message.seq},
        )


def membership_ended(group: PeerGroup, member_id: int) -> None:
    """Close this member's sockets in this group's room (they were removed, or left)."""
    _send(member_channel_group(member_id), {"type": "chat.membership_ended", "group_id": group.pk})


def member_restricted(member_id: int) -> None:
    """A sanction changed: sockets re-check what the member may do."""
    _send(member_channel_group(member_id), {"type": "chat.recheck"})


def member_signed_out(member_id: int) -> None:
    """The member's sessions ended (signed out, password changed, suspended, banned, account
    deleted): every socket of theirs, chat or dashboard, in any process, closes with 4401."""
    _send(member_channel_group(member_id), {"type": "member.signed_out"})


def member_support(member_id: int, payload: dict) -> None:
    """Show a member, in every room they have open, help or a message from the moderation team
    (`payload` is the frame: `signpost` or `support`)."""
    _send(member_channel_group(member_id), {"type": "chat.support", "frame": payload})
