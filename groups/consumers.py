"""The chat room's websocket door, `/ws/groups/<slug>/` (DESIGN.md "Chat websocket").

A door only: it parses frames, calls one service or selector, and answers with frames. The rules
(who may read, post, be muted, what gets held) live in `groups.services`, `groups.permissions`
and the moderation pipeline, which every door shares.

Guarantees:
- the handshake is checked before anything is shared: visitors are closed with 4401, unknown
  groups with 4404, and anyone who may not read the room (not an active member, banned or
  suspended) with 4403. The socket is accepted only to carry that close code, which a browser
  can't see when a handshake is rejected; no frame is sent before the close;
- every frame from the client gets an answer or its effect: bad frames get an `error` frame and
  the socket stays usable;
- membership is checked again on every frame, on every `chat.recheck` or
  `chat.membership_ended` event and every HEARTBEAT_SECONDS; a member who may no longer read the
  room is closed with 4403 at once;
- when the member's sessions end (`member.signed_out`, or a changed session generation seen on
  the heartbeat) the socket is closed with 4401;
- replay (`?after_seq=N` and `sync`) comes from the database in seq order, with tombstones for
  messages the reader may not see, so a client's seq never has a hole it can't fill.
"""

from __future__ import annotations

import asyncio
import json
import logging
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from groups import presence
from groups.broadcast import member_channel_group, room_name
from groups.flood import FrameBudget
from groups.layer import REJOIN_SECONDS, group_rejoin
from groups.models import PeerGroup
from groups.room import (
    MAX_FRAME_BYTES,
    OUTBOX_SIZE,
    REPLAY_CHUNK,
    CloseCode,
    Reply,
    SendFrame,
    admit,
    error_frame,
    post_message,
    recheck,
    replay_chunk,
    server_error_frame,
    typing_check,
    welcome,
)

logger = logging.getLogger(__name__)


class ChatConsumer(AsyncJsonWebsocketConsumer):
    """One socket of one member in one group's room."""

    group: PeerGroup | None = None

    # -- connection

    async def connect(self) -> None:
        self.group = None
        self.closing = False
        self.hidden: frozenset[int] = frozenset()
        self.presence_version = -1
        self.frame_budget = FrameBudget.for_chat()
        # The highest seq this socket has been sent (hello, replay or live): where to catch up
        # from if the channel layer loses this socket's groups.
        self.seq_sent = 0
        self.tasks: list[asyncio.Task] = []
        self.outbox: asyncio.Queue[SendFrame] = asyncio.Queue(maxsize=OUTBOX_SIZE)
        self.member = self.scope.get("user")
        slug = self.scope["url_route"]["kwargs"]["slug"]
        admission = await database_sync_to_async(admit)(self.member, slug)
        if admission.close_code is not None:
            # Accepted only so the browser sees why; nothing else is sent.
            await self.accept()
            await self.close(code=int(admission.close_code))
            return
        group = admission.group
        self.channel_groups = (room_name(group.pk), member_channel_group(self.member.pk))
        for name in self.channel_groups:
            await self.channel_layer.group_add(name, self.channel_name)
        self.group = group
        greeting = await database_sync_to_async(welcome)(self.member, group)
        await self.accept()
        if greeting.hello is None:
            await self.shut(CloseCode.NOT_ALLOWED)
            return
        self.hidden = greeting.hidden
        self.seq_sent = greeting.hello["last_seq"]
        await self.send_json(greeting.hello)
        await self.enter_presence()
        self.tasks = [
            asyncio.create_task(self.keep_alive()),
            asyncio.create_task(self.post_in_order()),
            asyncio.create_task(self.stay_joined()),
        ]
        after_seq = self.query_after_seq()
        if after_seq == -1:
            await self.send_error("bad_frame", _("after_seq must be a whole number of 0 or more."))
        elif after_seq is not None:
            await self.replay(after_seq)

    def query_after_seq(self) -> int | None:
        """`?after_seq=N` from the URL: N, None when absent, -1 when it is not a valid N."""
        values = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("after_seq")
        if not values:
            return None
        try:
            return max(int(values[-1]), -1)
        except ValueError:
            return -1

    async def disconnect(self, code: int) -> None:
        await self.leave()

    async def leave(self) -> None:
        """Stop listening and leave presence. Safe to call more than once."""
        group, self.group = self.group, None
        if group is None:
            return
        for task in self.tasks:
            if task is not asyncio.current_task():
                task.cancel()
        for name in self.channel_groups:
            await self.channel_layer.group_discard(name, self.channel_name)
        change = await self.presence_call(presence.connection_leave, group.pk, self.channel_name)
        if change is not None and change.changed:
            await self.announce_presence(group, change.presence)

    async def shut(self, code: CloseCode) -> None:
        """Close this socket with `code` and leave the room now."""
        if self.closing:
            return
        self.closing = True
        await self.leave()
        # A plain int: autobahn (daphne) refuses an IntEnum close code and drops the socket.
        await self.close(code=int(code))

    # -- frames from the client

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.group is None:
            return  # a refused socket, or one being closed
        if text_data is None:
            await self.send_error("bad_frame", _("Please send JSON text frames."))
            return
        if len(text_data) > MAX_FRAME_BYTES or len(text_data.encode()) > MAX_FRAME_BYTES:
            await self.send_error(
                "too_large",
                _("That frame is too large (the limit is %(limit)s KiB). Please send less text.")
                % {"limit": MAX_FRAME_BYTES // 1024},
            )
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error("bad_json", _("That frame was not valid JSON."))
            return
        if not isinstance(content, dict):
            await self.send_error("bad_frame", _("A frame must be a JSON object with a type."))
            return
        try:
            await self.receive_json(content)
        except Exception:
            logger.exception("chat frame failed in group %s", getattr(self.group, "pk", None))
            local_id = content.get("local_id")
            await self.send_json(server_error_frame(local_id if isinstance(local_id, str) else ""))

    async def receive_json(self, content: dict, **kwargs) -> None:
        handlers = {
            "message.send": self.on_send,
            "typing": self.on_typing,
            "sync": self.on_sync,
        }
        kind = content.get("type")
        handler = handlers.get(kind) if isinstance(kind, str) else None
        if handler is None:
            await self.send_error(
                "unknown_type",
                _("Unknown frame type. Use message.send, typing or sync."),
            )
            return
        wait = self.frame_budget.take()
        if wait:
            await self.refuse_flood(kind, content, wait)
            return
        await handler(content)

    async def refuse_flood(self, kind: str, content: dict, wait: int) -> None:
        """Over the socket's frame budget (groups/flood.py): answered here, with no database
        work. A typing notice needs no answer."""
        if kind == "typing":
            return
        local_id = content.get("local_id")
        extra = (
            {"local_id": local_id} if kind == "message.send" and isinstance(local_id, str) else {}
        )
        await self.send_error(
            "rate_limited",
            _(
                "That's more than we can take in at once. Please wait %(seconds)s seconds and "
                "send it again; your text is still here."
            )
            % {"seconds": wait},
            retry_after=wait,
            until=None,
            **extra,
        )

    async def on_send(self, content: dict) -> None:
        body = content.get("body")
        local_id = content.get("local_id", "")
        warning = content.get("content_warning", "")
        if not isinstance(local_id, str):
            await self.send_error("bad_frame", _("local_id must be a string."), local_id="")
            return
        if not isinstance(body, str) or not isinstance(warning, str):
            await self.send_error(
                "bad_frame",
                _("A message needs a text body (and, if given, a text content warning)."),
                local_id=local_id,
            )
            return
        # Waits only when OUTBOX_SIZE messages are already waiting (a flood).
        await self.outbox.put(SendFrame(body=body, local_id=local_id, warning=warning))

    async def post_in_order(self) -> None:
        """Post this socket's messages one at a time, in the order they were sent. Runs beside
        the event loop of the consumer, so live messages keep flowing while a post waits for
        the database."""
        while self.group is not None:
            frame = await self.outbox.get()
            group = self.group
            if group is None:
                return
            try:
                reply = await database_sync_to_async(post_message)(
                    self.member,
                    group,
                    body=frame.body,
                    local_id=frame.local_id,
                    warning=frame.warning,
                )
            except Exception:
                logger.exception("chat message post failed in group %s", group.pk)
                reply = Reply([server_error_frame(frame.local_id)])
            for answer in reply.frames:
                await self.send_json(answer)
            if reply.close_code is not None:
                await self.shut(reply.close_code)

    async def on_typing(self, content: dict) -> None:
        group = self.group
        allowed, announce = await database_sync_to_async(typing_check)(self.member, group)
        if not allowed:
            await self.shut(CloseCode.NOT_ALLOWED)
            return
        if announce:
            await self.channel_layer.group_send(
                room_name(group.pk),
                {
                    "type": "chat.typing",
                    "member_id": self.member.pk,
                    "member": self.member.pseudonym,
                },
            )

    async def on_sync(self, content: dict) -> None:
        after_seq = content.get("after_seq")
        if isinstance(after_seq, bool) or not isinstance(after_seq, int) or after_seq < 0:
            await self.send_error(
                "bad_frame", _("sync needs after_seq, a whole number of 0 or more.")
            )
            return
        await self.replay(after_seq)

    async def replay(self, after_seq: int) -> None:
        """Every message after `after_seq`, from the database, in chunks, in seq order."""
        while self.group is not None:
            chunk = await database_sync_to_async(replay_chunk)(self.member, self.group, after_seq)
            if chunk is None:
                await self.shut(CloseCode.NOT_ALLOWED)
                return
            for payload in chunk:
                await self.send_json({"type": "message.new", "message": payload})
            if chunk:
                self.seq_sent = max(self.seq_sent, chunk[-1]["seq"])
            if len(chunk) < REPLAY_CHUNK:
                return
            after_seq = chunk[-1]["seq"]

    async def send_error(self, code: str, detail: str, **extra) -> None:
        await self.send_json(error_frame(code, detail, **extra))

    # -- events from the channel layer (see groups.broadcast)

    async def chat_message(self, event: dict) -> None:
        self.seq_sent = max(self.seq_sent, event["seq"])
        if event["author_id"] in self.hidden:
            tombstone = {"id": event["id"], "seq": event["seq"], "hidden": True}
            await self.send_json({"type": "message.new", "message": tombstone})
            return
        await self.send(text_data=event["frame"])  # encoded once for the room (broadcast.py)

    async def chat_removed(self, event: dict) -> None:
        await self.send_json({"type": "message.removed", "id": event["id"], "seq": event["seq"]})

    async def chat_membership_ended(self, event: dict) -> None:
        if self.group is not None and event.get("group_id") == self.group.pk:
            await self.chat_recheck(event)

    async def chat_recheck(self, event: dict) -> None:
        """A sanction or membership changed: close if the member may no longer be here, and
        pick up a changed ignore list."""
        group = self.group
        if group is None:
            return
        standing, hidden = await database_sync_to_async(recheck)(self.member, group)
        if not standing.allowed:
            signed_out = standing.signed_out
            await self.shut(CloseCode.NOT_LOGGED_IN if signed_out else CloseCode.NOT_ALLOWED)
            return
        self.hidden = hidden
        # A mute given or lifted while connected reaches the composer at once.
        until = standing.muted_until.isoformat() if standing.muted_until else None
        await self.send_json({"type": "standing", "muted_until": until})

    async def member_signed_out(self, event: dict) -> None:
        """Every session of this member ended (see community.sessions): close now."""
        await self.shut(CloseCode.NOT_LOGGED_IN)

    async def chat_support(self, event: dict) -> None:
        """Help, or a supportive message from the moderation team, for this member only."""
        await self.send_json(event["frame"])

    async def chat_typing(self, event: dict) -> None:
        if event["member_id"] == self.member.pk or event["member_id"] in self.hidden:
            return
        await self.send_json({"type": "typing", "member": event["member"]})

    async def chat_presence(self, event: dict) -> None:
        if event["version"] <= self.presence_version:
            return  # an older list arrived after a newer one
        self.presence_version = event["version"]
        await self.send_json({"type": "presence", "online": event["online"]})

    # -- presence

    async def presence_call(self, function, *args, **kwargs):
        """Presence is a courtesy: a cache failure is logged, never fatal to the socket."""
        try:
            return await sync_to_async(function, thread_sensitive=False)(*args, **kwargs)
        except Exception:
            logger.exception("presence update failed")
            return None

    async def enter_presence(self) -> None:
        group = self.group
        change = await self.presence_call(
            presence.connection_enter,
            group.pk,
            self.channel_name,
            member_id=self.member.pk,
            pseudonym=self.member.pseudonym,
        )
        if change is None:
            return
        await self.chat_presence(
            {"version": change.presence.version, "online": list(change.presence.online)}
        )
        if change.changed:
            await self.announce_presence(group, change.presence)

    async def announce_presence(self, group: PeerGroup, room: presence.RoomPresence) -> None:
        await self.channel_layer.group_send(
            room_name(group.pk),
            {"type": "chat.presence", "version": room.version, "online": list(room.online)},
        )

    async def stay_joined(self) -> None:
        """Every REJOIN_SECONDS: rejoin this socket's channel groups (see groups.layer). If
        the layer had lost the room's group (Redis restarted), send what was stored meanwhile,
        so the socket is deaf for seconds at most and misses nothing."""
        while self.group is not None:
            await asyncio.sleep(REJOIN_SECONDS)
            if self.group is None:
                return
            try:
                lost = [
                    name
                    for name in self.channel_groups
                    if await group_rejoin(self.channel_layer, name, self.channel_name)
                ]
                if self.channel_groups[0] in lost:
                    logger.warning("chat socket rejoined its room after the layer lost it")
                    await self.replay(self.seq_sent)
            except Exception:
                # Redis is down: the next round tries again (and the socket's own read of the
                # layer fails and closes it, and the client reconnects and catches up).
                logger.exception("chat socket could not rejoin its groups")

    async def keep_alive(self) -> None:
        """Every HEARTBEAT_SECONDS: stay listed in presence, check the member may still be
        here (a lost `membership_ended` event is caught here), pick up a changed ignore list."""
        while self.group is not None:
            await asyncio.sleep(presence.HEARTBEAT_SECONDS)
            group = self.group
            if group is None:
                return
            try:
                await self.chat_recheck({})
            except Exception:
                logger.exception("chat heartbeat check failed in group %s", group.pk)
            if self.group is None:
                return
            change = await self.presence_call(
                presence.connection_refresh,
                group.pk,
                self.channel_name,
                member_id=self.member.pk,
                pseudonym=self.member.pseudonym,
            )
            if change is not None and change.changed:
                await self.announce_presence(group, change.presence)
