"""Faults in a busy room served by two daphne processes (issue 9): Redis restarted, one daphne
process killed, the database briefly gone. The channel layer is at-most-once, so what members
end up with must come from the database and the catch-up protocol: every client ends with every
stored message exactly once, nothing acknowledged is lost, nothing is shown that was not stored.
"""

from __future__ import annotations

import asyncio
import signal
import time

import pytest

from groups.layer import REJOIN_SECONDS
from tests.faults.conftest import http_status
from tests.faults.scenario import (
    assert_everyone_has_every_message_once,
    chatter,
    open_clients,
    settle,
)

pytestmark = [pytest.mark.faults, pytest.mark.asyncio]


async def poll_http(
    stack, path: str, statuses: list, stop: asyncio.Event, ports: list[int] | None = None
) -> None:
    """GET `path` on each of `ports` (every daphne process's) every 0.2 s until `stop`."""
    while not stop.is_set():
        for port in ports or stack.ports:
            statuses.append(await asyncio.to_thread(http_status, port, path))
        await asyncio.sleep(0.2)


async def test_redis_restarted_in_a_busy_room_loses_no_message_and_pages_keep_answering(
    stack, room
):
    clients = await open_clients(stack, room)
    pages, health, stop = [], [], asyncio.Event()
    pollers = [
        asyncio.create_task(poll_http(stack, "/guidelines/", pages, stop)),
        asyncio.create_task(poll_http(stack, "/healthz", health, stop)),
    ]
    try:
        traffic = asyncio.create_task(chatter(clients, 18, "redis"))
        await asyncio.sleep(5)
        await asyncio.to_thread(stack.restart_redis)
        restarted = time.monotonic()
        await traffic
        stored = await settle(stack, room, clients)
    finally:
        stop.set()
        await asyncio.gather(*pollers)
        for client in clients:
            await client.stop()

    assert_everyone_has_every_message_once(clients, stored)
    # Pages that need no Redis answered all along; /healthz answered (503 while Redis was
    # gone, naming it), and says ok again.
    assert pages and all(status == 200 for status in pages), pages
    assert all(status in (200, 503) for status in health), health
    assert health[-1] == 200
    # Sockets open across the restart hear the room live again within seconds (they rejoin
    # their groups, which the new Redis did not have): messages sent a while after the restart
    # reach every other client quickly, not only through the final catch-up.
    late = [
        sent
        for client in clients
        for sent in client.sent.values()
        if sent.seq is not None and sent.at > restarted + REJOIN_SECONDS + 1
    ]
    assert len(late) >= 6
    for sent in late:
        for client in clients:
            assert client.received_at[sent.seq] - sent.at < 3.0, (client.name, sent.local_id)


async def test_one_daphne_killed_its_clients_reconnect_to_the_other_and_lose_nothing(stack, room):
    clients = await open_clients(stack, room)
    on_killed = [client for client in clients if client.ports[0] == stack.ports[1]]
    pages, stop = [], asyncio.Event()
    # The surviving process keeps answering (requests to the killed one fail, as they must).
    poller = asyncio.create_task(poll_http(stack, "/guidelines/", pages, stop, [stack.ports[0]]))
    try:
        traffic = asyncio.create_task(chatter(clients, 14, "kill"))
        await asyncio.sleep(5)
        process = stack.daphne_processes[1]
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.wait)
        stack.daphne_processes[1] = None
        await traffic
        stored = await settle(stack, room, clients)
    finally:
        stop.set()
        await poller
        for client in clients:
            await client.stop()
        if stack.daphne_processes[1] is None:
            await asyncio.to_thread(stack.start_daphne, 1)

    assert_everyone_has_every_message_once(clients, stored)
    assert on_killed and all(client.connections >= 2 for client in on_killed)
    assert all(len(client.sent) >= 5 for client in clients)
    assert pages and all(status == 200 for status in pages), pages


async def test_database_outage_gives_clear_errors_shows_nothing_unstored_and_recovers(stack, room):
    clients = await open_clients(stack, room)
    try:
        await chatter(clients, 3, "before")
        await settle(stack, room, clients)
        await asyncio.to_thread(stack.stop_postgres_server)
        try:
            during = [
                await client.send(f"down-{client.name}", "Is anyone there?")
                for client in clients[:3]
            ]
            # Longer than the connection pool's wait (5 s): the first sends fail.
            await asyncio.sleep(8)
        finally:
            await asyncio.to_thread(stack.start_postgres_server)
        # Without reconnecting, the room works again: new messages are stored and delivered.
        connections = [client.connections for client in clients]
        await chatter(clients, 3, "after")
        stored = await settle(stack, room, clients)
    finally:
        for client in clients:
            await client.stop()

    assert_everyone_has_every_message_once(clients, stored)
    local_ids = {local_id for _pk, local_id in stored.values()}
    for sent in during:
        # Each send had a clear answer: the server's "please send it again" (and then it was
        # not stored), or, for one that waited until the database was back, its ack.
        if sent.errors:
            assert sent.errors == ["server_error"] and sent.acked_at is None, sent
            assert sent.local_id not in local_ids
        else:
            assert sent.acked_at is not None and sent.local_id in local_ids, sent
    assert during[0].errors == ["server_error"]  # the outage was felt, and said so
    assert [client.connections for client in clients] == connections
    assert all(f"after-{client.name}-0" in local_ids for client in clients)
