"""A client that stops reading cannot stall the room or grow the server's memory without bound
(issue 9): once 1 MiB waits unsent for it, the server drops it (community/websocket_limits.py),
and everyone else keeps chatting as before."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
import time

import pytest

from tests.faults.chat import LOOPBACK
from tests.faults.conftest import seed_room
from tests.faults.scenario import chatter, open_clients, settle

pytestmark = [pytest.mark.faults, pytest.mark.asyncio]

# Each sync asks for the room's whole history (about 1.3 MB). The socket's frame budget
# (groups/flood.py) lets about 30 through at once: 40 MB, far more than the kernel's buffers
# and the 1 MiB that daphne may hold for one client.
SYNCS = 80


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def masked_text_frame(text: str) -> bytes:
    payload = text.encode()
    mask = os.urandom(4)
    header = bytes([0x81])
    if len(payload) < 126:
        header += bytes([0x80 | len(payload)])
    else:
        header += bytes([0x80 | 126]) + struct.pack("!H", len(payload))
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def open_non_reader(port: int, slug: str, cookie: str) -> socket.socket:
    """A websocket that completes its handshake and then never reads again, with a small
    receive buffer, as a stalled phone would."""
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.connect((LOOPBACK, port))
    key = base64.b64encode(os.urandom(16)).decode()
    raw.sendall(
        (
            f"GET /ws/groups/{slug}/ HTTP/1.1\r\nHost: {LOOPBACK}:{port}\r\n"
            f"Origin: http://{LOOPBACK}:{port}\r\nCookie: {cookie}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += raw.recv(1)
    assert answer.startswith(b"HTTP/1.1 101"), answer
    return raw


def is_closed_by_server(raw: socket.socket) -> bool:
    """Read what is left: a dropped connection ends (EOF or reset) instead of blocking."""
    raw.settimeout(5)
    try:
        while raw.recv(65536):
            pass
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False
    return True


async def test_a_client_that_stops_reading_is_dropped_and_the_room_goes_on(stack):
    room = seed_room(stack, members=6, messages=800)
    clients = await open_clients(stack, room)
    port = stack.ports[0]
    pid = stack.daphne_processes[0].pid
    try:
        await chatter(clients[1:], 6, "quiet")
        before = rss_bytes(pid)
        raw = await asyncio.to_thread(open_non_reader, port, room["slug"], room["cookies"][0])
        sync = masked_text_frame(json.dumps({"type": "sync", "after_seq": 0}))
        for _ in range(SYNCS):
            try:
                await asyncio.to_thread(raw.sendall, sync)
            except (BrokenPipeError, ConnectionResetError):
                break  # already dropped
        started = time.monotonic()
        await chatter(clients[1:], 10, "busy")
        after = rss_bytes(pid)
        dropped = await asyncio.to_thread(is_closed_by_server, raw)
        raw.close()
        await settle(stack, room, clients[1:])
    finally:
        for client in clients:
            await client.stop()

    assert dropped, "the server kept a socket that stopped reading"
    growth = after - before
    assert growth < 16 * 1024 * 1024, f"daphne grew by {growth / 2**20:.1f} MiB"
    # The room went on: every busy message reached every other client quickly.
    for sender in clients[1:]:
        for sent in sender.sent.values():
            if sent.local_id.startswith("busy") and sent.seq is not None:
                for client in clients[1:]:
                    if client is not sender:
                        assert client.received_at[sent.seq] - sent.at < 2.0
    assert time.monotonic() - started < 60
