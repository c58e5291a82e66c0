"""The review dashboard's live door, `/ws/moderation/` (issue 7, "Live").

A door only: it reads with `moderation.queue_selectors` and answers with frames; it never writes.

Guarantees:
- only people who may use the queue get in: moderators, and active facilitators of at least one
  group. Visitors, members and inactive accounts are refused with 4403 before the handshake is
  accepted, so nothing is shared with them;
- moderators listen to every queue change (`moderation.all`); facilitators only to the changes of
  their own groups' items. Someone who is both listens as a moderator, once;
- an event carries ids only. Each socket reads the item and the counts again with its owner's
  permissions, as they are in the database now: an item outside the reader's scope is never
  described, and someone who may no longer use the queue (demoted, deactivated) is closed with
  4403 at the next event or frame; one whose sessions end (signed out everywhere, password
  changed, suspended, banned, account deleted) is closed with 4401 at once;
- every frame from the client gets an answer, and bad frames get an `error` frame while the
  socket stays open.

Server -> client: `queue.hello` `{counts}` once, after the handshake; `queue.changed`
`{event, item, counts}` (event: new, claimed, released, resolved, updated); `queue.counts`
`{counts}`; `pong`; `error` `{code, detail}`.
Client -> server: `{"type": "ping"}`, `{"type": "counts"}`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from groups.broadcast import member_channel_group
from moderation import permissions
from moderation.broadcast import ALL_ITEMS, group_items
from moderation.queue_selectors import (
    facilitated_group_ids,
    may_use_queue,
    queue_counts,
    queue_item_payload,
)

logger = logging.getLogger(__name__)

# Client frames are a type and nothing else; anything much larger is not one of ours.
MAX_FRAME_BYTES = 1024
NOT_ALLOWED = 4403
NOT_LOGGED_IN = 4401
# How often an open dashboard reads its owner's standing again, so a lost `member.signed_out`
# event (or a demotion that sent no event) costs seconds, not an open socket.
STANDING_CHECK_SECONDS = 20


# --- reads, run in a worker thread -----------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """What a socket's owner may hear now: `channel_groups` is empty when nothing at all."""

    channel_groups: frozenset[str]
    counts: dict | None = None
    item: dict | None = None

    @property
    def allowed(self) -> bool:
        return bool(self.channel_groups)


def _fresh(user_id: int | None, generation: int | None = None):
    """The socket's owner as the database has them now: None when gone, or when the session
    the socket was opened with has ended (community.sessions)."""
    if user_id is None:
        return None
    actor = get_user_model().objects.filter(pk=user_id).first()
    if actor is None or (generation is not None and actor.session_generation != generation):
        return None
    return actor


def _channel_groups(actor) -> frozenset[str]:
    if permissions.is_moderator(actor):
        return frozenset({ALL_ITEMS})
    return frozenset(group_items(group_id) for group_id in facilitated_group_ids(actor))


def _session_ended(user_id: int | None, generation: int | None) -> bool:
    actor = get_user_model().objects.filter(pk=user_id).first()
    return actor is None or actor.session_generation != generation or not actor.is_active


def standing(
    user_id: int | None, *, item_id: int | None = None, generation: int | None = None
) -> Standing:
    """The owner's channel groups and counts now, and the item `item_id` if they may see it."""
    actor = _fresh(user_id, generation)
    if actor is None or not may_use_queue(actor):
        return Standing(channel_groups=frozenset())
    item = queue_item_payload(actor, item_id) if item_id is not None else None
    if item_id is not None and item is None:
        return Standing(channel_groups=_channel_groups(actor))
    return Standing(
        channel_groups=_channel_groups(actor),
        counts=queue_counts(actor).as_payload(),
        item=item,
    )


def error_frame(detail: str) -> dict:
    return {"type": "error", "code": "bad_frame", "detail": detail}


# --- the consumer ----------------------------------------------------------------------------


class ModerationConsumer(AsyncJsonWebsocketConsumer):
    """One open dashboard of one moderator or facilitator."""

    async def connect(self) -> None:
        self.live = False
        self.channel_groups: frozenset[str] = frozenset()
        user = self.scope.get("user")
        self.user_id = user.pk if getattr(user, "is_authenticated", False) else None
        self.generation = user.session_generation if self.user_id is not None else None
        now = await database_sync_to_async(standing)(self.user_id, generation=self.generation)
        if not now.allowed:
            await self.close(code=NOT_ALLOWED)
            return
        # The owner's own group: told when their sessions end (community.sessions).
        self.member_group = member_channel_group(self.user_id)
        await self.channel_layer.group_add(self.member_group, self.channel_name)
        await self.listen_to(now.channel_groups)
        self.live = True
        await self.accept()
        await self.send_json({"type": "queue.hello", "counts": now.counts})
        self.standing_task = asyncio.create_task(self.check_standing())

    async def check_standing(self) -> None:
        """Every STANDING_CHECK_SECONDS: may the owner still use the queue, with this session?"""
        while self.live:
            await asyncio.sleep(STANDING_CHECK_SECONDS)
            if not self.live:
                return
            try:
                now = await database_sync_to_async(standing)(
                    self.user_id, generation=self.generation
                )
            except Exception:
                logger.exception("dashboard standing check failed")
                continue
            if not now.allowed:
                signed_out = await database_sync_to_async(_session_ended)(
                    self.user_id, self.generation
                )
                await self.shut(NOT_LOGGED_IN if signed_out else NOT_ALLOWED)
                return

    async def disconnect(self, code: int) -> None:
        self.live = False
        task = getattr(self, "standing_task", None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        await self.listen_to(frozenset())
        if getattr(self, "member_group", None):
            await self.channel_layer.group_discard(self.member_group, self.channel_name)

    async def listen_to(self, channel_groups: frozenset[str]) -> None:
        """Join `channel_groups` and leave every other one this socket listened to."""
        for name in sorted(self.channel_groups - channel_groups):
            await self.channel_layer.group_discard(name, self.channel_name)
        for name in sorted(channel_groups - self.channel_groups):
            await self.channel_layer.group_add(name, self.channel_name)
        self.channel_groups = channel_groups

    async def shut(self, code: int = NOT_ALLOWED) -> None:
        """Close with 4403 and stop listening: the owner may no longer use the queue (4401:
        their session ended)."""
        if not self.live:
            return
        self.live = False
        await self.listen_to(frozenset())
        await self.close(code=code)

    async def recheck(self, *, item_id: int | None = None) -> Standing | None:
        """Read the owner's standing again; None (and the socket closed) if it is gone. A
        facilitator given or relieved of a group hears of that group's items from now on."""
        now = await database_sync_to_async(standing)(
            self.user_id, item_id=item_id, generation=self.generation
        )
        if not now.allowed:
            await self.shut()
            return None
        await self.listen_to(now.channel_groups)
        return now

    # -- frames from the client

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.live:
            return
        if text_data is None:
            await self.send_json(error_frame(_("Please send JSON text frames.")))
            return
        if len(text_data) > MAX_FRAME_BYTES or len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.send_json(
                error_frame(_("That frame is too large. Frames here are a type and nothing else."))
            )
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_json(error_frame(_("That frame was not valid JSON.")))
            return
        if not isinstance(content, dict):
            await self.send_json(error_frame(_("A frame must be a JSON object with a type.")))
            return
        try:
            await self.receive_json(content)
        except Exception:
            logger.exception("moderation dashboard frame failed")
            await self.send_json(
                {
                    "type": "error",
                    "code": "server_error",
                    "detail": _("Something went wrong on our side. Please try again."),
                }
            )

    async def receive_json(self, content: dict, **kwargs) -> None:
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "counts":
            now = await self.recheck()
            if now is not None:
                await self.send_json({"type": "queue.counts", "counts": now.counts})
        else:
            await self.send_json(error_frame(_("Unknown frame type. Use ping or counts.")))

    # -- events from the channel layer (see moderation.broadcast)

    async def member_signed_out(self, event: dict) -> None:
        """Every session of the owner ended (see community.sessions)."""
        await self.shut(NOT_LOGGED_IN)

    async def queue_changed(self, event: dict) -> None:
        if not self.live:
            return
        now = await self.recheck(item_id=event["item_id"])
        if now is None or now.item is None:
            return  # gone, or an item this reader may not see: say nothing about it
        await self.send_json(
            {
                "type": "queue.changed",
                "event": event["event"],
                "item": now.item,
                "counts": now.counts,
            }
        )
