"""A chat client that behaves as the browser's (groups/static/groups/room.js) does where faults
matter, for tests/faults:

- it keeps every message once, by seq (the server may send one twice: replay and live can
  cross), and fills any gap in seq with a `sync` frame;
- when its socket drops it reconnects with capped back-off, to its own server first and then to
  the others (as a proxy would send it elsewhere), with `?after_seq=` of what it has;
- a message not yet acknowledged is sent again after a reconnect, with the same local_id (the
  server stores it once).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

LOOPBACK = "127.0.0.1"


@dataclass
class Sent:
    local_id: str
    body: str
    at: float
    acked_at: float | None = None
    seq: int | None = None
    errors: list[str] = field(default_factory=list)


class ChatClient:
    def __init__(self, ports: list[int], slug: str, cookie: str, name: str) -> None:
        self.ports, self.slug, self.cookie, self.name = ports, slug, cookie, name
        self.messages: dict[int, dict] = {}  # seq -> payload, each once
        self.received_at: dict[int, float] = {}  # seq -> first receipt (monotonic)
        self.frames_per_seq: dict[int, int] = {}
        self.sent: dict[str, Sent] = {}
        self.connections = 0
        self.drops: list[int | None] = []  # close codes of sockets that ended under us
        self.failed_handshakes = 0
        self.socket = None
        self.task: asyncio.Task | None = None
        self.stopping = False
        self.connected = asyncio.Event()
        self.background: set[asyncio.Task] = set()

    # -- state

    @property
    def contiguous(self) -> int:
        seq = 0
        while seq + 1 in self.messages:
            seq += 1
        return seq

    def unacked(self) -> list[Sent]:
        return [sent for sent in self.sent.values() if sent.acked_at is None and not sent.errors]

    # -- running

    def start(self) -> None:
        self.task = asyncio.create_task(self.run())

    async def run(self) -> None:
        delay = 0.1
        attempt = 0
        while not self.stopping:
            port = self.ports[attempt % len(self.ports)]
            attempt += 1
            try:
                async with connect(
                    f"ws://{LOOPBACK}:{port}/ws/groups/{self.slug}/?after_seq={self.contiguous}",
                    origin=f"http://{LOOPBACK}:{port}",
                    additional_headers={"Cookie": self.cookie},
                    open_timeout=10,
                    ping_interval=None,
                    max_queue=None,
                ) as socket:
                    self.socket = socket
                    self.connections += 1
                    attempt = self.ports.index(port)  # stay with a server that answers
                    delay = 0.1
                    await self.read(socket)
            except (OSError, InvalidHandshake, TimeoutError):
                self.failed_handshakes += 1
            finally:
                self.connected.clear()
                self.socket = None
            if not self.stopping:
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0)

    async def read(self, socket) -> None:
        try:
            async for raw in socket:
                self.on_frame(json.loads(raw))
        except ConnectionClosed:
            pass
        if not self.stopping:
            self.drops.append(socket.close_code)

    def later(self, work) -> None:
        task = asyncio.create_task(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    def on_frame(self, frame: dict) -> None:
        kind = frame.get("type")
        if kind == "hello":
            self.connected.set()
            for sent in self.unacked():  # as the browser does after a reconnect
                self.later(self._send(sent))
            if frame["last_seq"] > self.contiguous:
                self.later(self.sync())
        elif kind == "message.new":
            payload = frame["message"]
            seq = payload["seq"]
            self.frames_per_seq[seq] = self.frames_per_seq.get(seq, 0) + 1
            if seq not in self.messages:
                self.messages[seq] = payload
                self.received_at[seq] = time.monotonic()
            if max(self.messages) > self.contiguous:
                self.later(self.sync_soon())
        elif kind == "ack":
            sent = self.sent.get(frame.get("local_id"))
            if sent is not None and "seq" in frame:
                sent.acked_at = time.monotonic()
                sent.seq = frame["seq"]
        elif kind == "error":
            sent = self.sent.get(frame.get("local_id"))
            if sent is not None:
                sent.errors.append(frame.get("code", "error"))

    async def sync_soon(self) -> None:
        """Frames from two servers can cross: ask for a gap only if it is still there."""
        await asyncio.sleep(0.5)
        if self.messages and max(self.messages) > self.contiguous:
            await self.sync()

    async def sync(self) -> None:
        await self._frame({"type": "sync", "after_seq": self.contiguous})

    async def _frame(self, frame: dict) -> bool:
        socket = self.socket
        if socket is None:
            return False
        try:
            await socket.send(json.dumps(frame))
            return True
        except ConnectionClosed:
            return False

    async def _send(self, sent: Sent) -> None:
        await self._frame({"type": "message.send", "body": sent.body, "local_id": sent.local_id})

    async def send(self, local_id: str, body: str) -> Sent:
        """Send a message now if connected; otherwise it goes when the socket is back."""
        sent = self.sent[local_id] = Sent(local_id=local_id, body=body, at=time.monotonic())
        await self._send(sent)
        return sent

    async def wait_connected(self, timeout: float = 20) -> None:
        await asyncio.wait_for(self.connected.wait(), timeout)

    async def stop(self) -> None:
        self.stopping = True
        if self.socket is not None:
            await self.socket.close()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
