"""Helpers of the fault tests: members chatting at a steady pace, waiting for the room to
settle, and the end state every client must reach."""

from __future__ import annotations

import asyncio
import time

from tests.faults.chat import ChatClient
from tests.faults.conftest import stored_messages

# Seconds between one member's messages: well under every chat rate limit, so nothing here is
# refused for flooding.
SEND_EVERY = 2.5


async def open_clients(stack, room: dict) -> list[ChatClient]:
    """One client per member, alternating between the two daphne processes; each waits for its
    room's hello."""
    clients = []
    for number, cookie in enumerate(room["cookies"]):
        ports = stack.ports[number % 2 :] + stack.ports[: number % 2]
        client = ChatClient(ports, room["slug"], cookie, f"m{number + 1}")
        client.start()
        clients.append(client)
    await asyncio.gather(*(client.wait_connected() for client in clients))
    return clients


async def chatter(clients: list[ChatClient], seconds: float, tag: str) -> None:
    """Every client sends a message every SEND_EVERY seconds for `seconds`, staggered, whatever
    happens to its socket (a message sent while it is down goes after the reconnect)."""

    async def member(number: int, client: ChatClient) -> None:
        await asyncio.sleep(number * SEND_EVERY / len(clients))
        end = time.monotonic() + seconds
        sent = 0
        while time.monotonic() < end:
            await client.send(f"{tag}-{client.name}-{sent}", f"Message {sent} from {client.name}.")
            sent += 1
            await asyncio.sleep(SEND_EVERY)

    await asyncio.gather(*(member(number, client) for number, client in enumerate(clients)))


async def settle(stack, room: dict, clients: list[ChatClient], timeout: float = 40) -> dict:
    """Wait until every message sent has its answer and every client has what the database
    stored (asking with `sync` as the browser does); the stored messages."""
    deadline = time.monotonic() + timeout
    while True:
        stored = await asyncio.to_thread(stored_messages, stack, room["group_id"])
        pending = [sent.local_id for client in clients for sent in client.unacked()]
        behind = [client for client in clients if set(client.messages) != set(stored)]
        if not pending and not behind:
            return stored
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not settled after {timeout} s: unanswered {pending}, behind "
                f"{[(c.name, sorted(set(stored) - set(c.messages))) for c in behind]}"
            )
        for client in behind:
            await client.sync()
        await asyncio.sleep(0.5)


def assert_everyone_has_every_message_once(clients: list[ChatClient], stored: dict) -> None:
    """Every client shows exactly the stored messages, each once; every acknowledged message
    is stored, once; seqs have no gap."""
    assert sorted(stored) == list(range(1, len(stored) + 1)), "a hole in the room's seq"
    expected = {seq: pk for seq, (pk, _local_id) in stored.items()}
    for client in clients:
        assert {seq: payload["id"] for seq, payload in client.messages.items()} == expected, (
            client.name
        )
    local_ids = [local_id for _pk, local_id in stored.values()]
    assert len(local_ids) == len(set(local_ids)), "a message was stored twice"
    for client in clients:
        for sent in client.sent.values():
            if sent.acked_at is not None:
                assert sent.local_id in local_ids, f"{sent.local_id} was acknowledged, not stored"
