"""The chat room across two daphne processes that share a real Redis (channel layer, cache,
presence) and the test database, as in production past one machine (DESIGN.md "Scale").

Clients here behave as DESIGN.md asks of every client: they order messages by seq, de-duplicate
by id, reconnect with `?after_seq=<last seen>`, resend unacknowledged messages with the same
local_id, and ask for missing seqs with `sync`.

Needs redis-server: skipped without it, failed when REQUIRE_REDIS=1 (see tests/fixtures).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import redis
from channels.db import database_sync_to_async
from django.test import Client as DjangoClient
from django.test.utils import override_settings
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from groups.models import ChatMessage
from tests.factories import TEST_PASSWORD, GroupFactory, MemberFactory, MembershipFactory
from tests.fixtures.servers import (
    DAPHNE_START_TIMEOUT_SECONDS,
    LOOPBACK,
    LiveServer,
    _use_test_database,
)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

MESSAGES = 500
SENDERS = 5
WINDOW = 8  # messages a sender has in flight before it waits for acks
FLAKY_RECONNECT_EVERY = 12  # the flaky client drops its socket after this many sends
DEADLINE_SECONDS = 40


def _settings_with_redis(url: str) -> dict:
    """The channel layer and cache the project configures when REDIS_URL is set (read from
    community/settings.py; the module and the environment are put back afterwards)."""
    import community.settings as project

    previous = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = url
    try:
        configured = importlib.reload(project)
        return {"CHANNEL_LAYERS": configured.CHANNEL_LAYERS, "CACHES": configured.CACHES}
    finally:
        if previous is None:
            os.environ.pop("REDIS_URL", None)
        else:
            os.environ["REDIS_URL"] = previous
        importlib.reload(project)


def _server_setup(redis_url: str, rate_limits: dict):
    def setup() -> None:
        """Runs in each forked server: the test database, Redis as REDIS_URL configures it,
        and chat limits (the pipeline's and each socket's frame budget) high enough for 100
        messages per member sent at once."""
        _use_test_database()
        override_settings(
            **_settings_with_redis(redis_url),
            MODERATION_RATE_LIMITS=rate_limits,
            CHAT_FRAME_BUDGET=(1000, 1000.0),
        ).enable()

    return setup


def _live_application():
    from community.asgi import application

    return application


@pytest.fixture(scope="module")
def two_servers(redis_server, django_db_setup, django_db_blocker) -> Iterator[list[LiveServer]]:
    """Two daphne processes serving community.asgi.application, sharing Redis and the test
    database, for the module."""
    from daphne.testing import DaphneProcess
    from django.conf import settings
    from django.db import connections

    rate_limits = {**settings.MODERATION_RATE_LIMITS, "chat": (1000, 30)}
    processes = []
    with django_db_blocker.unblock():
        connections.close_all()
        for _ in range(2):
            process = DaphneProcess(
                LOOPBACK, _live_application, setup=_server_setup(redis_server.url, rate_limits)
            )
            process.daemon = True
            process.start()
            processes.append(process)
    try:
        for process in processes:
            if not process.ready.wait(DAPHNE_START_TIMEOUT_SECONDS):
                detail = "no error reported"
                if not process.errors.empty():
                    detail = process.errors.get(False)[1]
                pytest.fail(f"daphne did not start: {detail}", pytrace=False)
        yield [LiveServer(host=LOOPBACK, port=process.port.value) for process in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()


@pytest.fixture
def servers(two_servers, redis_server, transactional_db) -> list[LiveServer]:
    """The two servers, with Redis emptied of earlier tests' presence and throttles."""
    redis.Redis.from_url(redis_server.url).flushdb()
    return two_servers


def _cookie(member) -> str:
    client = DjangoClient()
    client.force_login(member)
    return f"sessionid={client.cookies['sessionid'].value}"


@dataclass
class ChatClient:
    """A client as DESIGN.md describes one."""

    name: str
    cookie: str
    slug: str
    by_seq: dict[int, dict] = field(default_factory=dict)
    seq_of_id: dict[int, int] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)  # local_id -> body, not yet acked
    acked: dict[str, int] = field(default_factory=dict)  # local_id -> message id
    presence: list[list[str]] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    deliveries: int = 0
    connections: int = 0
    socket: ClientConnection | None = None
    reader: asyncio.Task | None = None

    def last_contiguous_seq(self) -> int:
        seq = 0
        while seq + 1 in self.by_seq:
            seq += 1
        return seq

    async def connect(self, server: LiveServer) -> None:
        url = f"{server.ws_url}/ws/groups/{self.slug}/?after_seq={self.last_contiguous_seq()}"
        socket = await connect(
            url, origin=server.url, additional_headers={"Cookie": self.cookie}, open_timeout=10
        )
        hello = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert hello["type"] == "hello", hello
        self.socket = socket
        self.connections += 1
        self.reader = asyncio.create_task(self.read(socket))

    async def read(self, socket: ClientConnection) -> None:
        try:
            async for raw in socket:
                self.handle(json.loads(raw))
        except ConnectionClosed:
            pass

    def handle(self, frame: dict) -> None:
        kind = frame["type"]
        if kind == "message.new":
            message = frame["message"]
            self.deliveries += 1
            known_seq = self.seq_of_id.get(message["id"])
            if known_seq is not None and known_seq != message["seq"]:
                self.conflicts.append(f"id {message['id']} has seq {known_seq} and {message}")
            known = self.by_seq.get(message["seq"])
            if known is not None and known["id"] != message["id"]:
                self.conflicts.append(f"seq {message['seq']} has ids {known['id']} and {message}")
            self.by_seq[message["seq"]] = message
            self.seq_of_id[message["id"]] = message["seq"]
        elif kind == "ack":
            if frame["local_id"] in self.pending:
                del self.pending[frame["local_id"]]
            previous = self.acked.setdefault(frame["local_id"], frame["id"])
            if previous != frame["id"]:
                self.conflicts.append(f"{frame['local_id']} acked as {previous} and {frame}")
        elif kind == "presence":
            self.presence.append(frame["online"])
        elif kind == "error":
            self.errors.append(frame)
            if frame.get("local_id") in self.pending:
                asyncio.get_running_loop().call_later(
                    max(frame.get("retry_after") or 0, 0.2),
                    lambda: asyncio.ensure_future(self.send_pending(frame["local_id"])),
                )

    async def send(self, local_id: str, body: str) -> None:
        self.pending[local_id] = body
        await self.send_pending(local_id)

    async def send_pending(self, local_id: str) -> None:
        body = self.pending.get(local_id)
        if body is None or self.socket is None:
            return
        frame = {"type": "message.send", "body": body, "local_id": local_id}
        with contextlib.suppress(ConnectionClosed):  # resent after reconnecting
            await self.socket.send(json.dumps(frame))

    async def reconnect(self, server: LiveServer) -> None:
        """Drop the socket and come back with ?after_seq; resend what was never acked."""
        await self.close()
        await self.connect(server)
        for local_id in list(self.pending):
            await self.send_pending(local_id)

    async def sync_missing(self, last_seq: int) -> bool:
        """Ask for the first missing seq (and everything after it); True when complete."""
        missing = sorted(set(range(1, last_seq + 1)) - set(self.by_seq))
        if not missing:
            return True
        await self.socket.send(json.dumps({"type": "sync", "after_seq": missing[0] - 1}))
        return False

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
            await self.reader
            self.socket = None


async def wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def _room(size: int):
    group = GroupFactory(slug="boundaries-practice", name="Boundaries practice")
    members = [MemberFactory(pseudonym=f"Sender {number}") for number in range(size)]
    for member in members:
        MembershipFactory(group=group, member=member)
    return group, [(member, _cookie(member)) for member in members]


@pytest.fixture
def room_of_five(transactional_db):
    return _room(SENDERS)


@pytest.mark.asyncio
async def test_messages_and_presence_cross_between_two_processes_both_ways(servers, room_of_five):
    group, people = room_of_five
    (_, cookie_a), (_, cookie_b) = people[:2]
    alice = ChatClient("a", cookie_a, group.slug)
    bob = ChatClient("b", cookie_b, group.slug)
    await alice.connect(servers[0])
    await bob.connect(servers[1])
    try:
        await wait_for(
            lambda: bob.presence and bob.presence[-1] == ["Sender 0", "Sender 1"],
            timeout=15,
            what="presence across processes",
        )
        await wait_for(
            lambda: alice.presence and alice.presence[-1] == ["Sender 0", "Sender 1"],
            timeout=15,
            what="presence across processes",
        )

        # A sender's ack leaves its process after the message is broadcast, so the other
        # process's reader can have the message first: wait for both, whatever their order.
        await alice.send("from-a", "Hello from the first process.")
        await wait_for(lambda: 1 in bob.by_seq, timeout=15, what="a's message at b")
        await wait_for(lambda: "from-a" in alice.acked, timeout=15, what="a's ack")
        await bob.send("from-b", "And hello back from the second.")
        await wait_for(lambda: 2 in alice.by_seq, timeout=15, what="b's message at a")
        await wait_for(lambda: "from-b" in bob.acked, timeout=15, what="b's ack")

        assert bob.by_seq[1]["author"] == "Sender 0"
        assert bob.by_seq[1]["body_html"] == "<p>Hello from the first process.</p>\n"
        assert alice.by_seq[2]["author"] == "Sender 1"
        assert alice.acked == {"from-a": bob.by_seq[1]["id"]}
        assert bob.acked == {"from-b": alice.by_seq[2]["id"]}

        await alice.close()
        await wait_for(
            lambda: bob.presence[-1] == ["Sender 1"], timeout=15, what="a leaving, seen at b"
        )
    finally:
        await alice.close()
        await bob.close()


@pytest.mark.asyncio
async def test_500_messages_from_5_clients_reach_every_client_once_in_order_despite_reconnects(
    servers, room_of_five
):
    group, people = room_of_five
    clients = [
        ChatClient(f"c{number}", cookie, group.slug) for number, (_, cookie) in enumerate(people)
    ]
    flaky = clients[-1]
    for number, client in enumerate(clients):
        await client.connect(servers[number % 2])
    per_sender = MESSAGES // SENDERS

    async def send_all(client: ChatClient, number: int) -> None:
        for index in range(per_sender):
            await wait_for(
                lambda: len(client.pending) < WINDOW, timeout=DEADLINE_SECONDS, what="acks"
            )
            await client.send(f"{client.name}-{index}", f"Message {index} from {client.name}")
            if client is flaky and index % FLAKY_RECONNECT_EVERY == FLAKY_RECONNECT_EVERY - 1:
                await client.reconnect(servers[(number + client.connections) % 2])
            await asyncio.sleep(0)

    try:
        await asyncio.wait_for(
            asyncio.gather(*(send_all(client, n) for n, client in enumerate(clients))),
            DEADLINE_SECONDS,
        )
        await wait_for(
            lambda: all(not client.pending for client in clients),
            timeout=DEADLINE_SECONDS,
            what="every message acked",
        )
        # Live delivery is at-most-once; what is missing is asked for, as a client would.
        for _ in range(10):
            complete = [await client.sync_missing(MESSAGES) for client in clients]
            if all(complete):
                break
            with contextlib.suppress(AssertionError):
                await wait_for(
                    lambda: all(len(client.by_seq) == MESSAGES for client in clients),
                    timeout=2,
                    what="replies to sync",
                )
    finally:
        for client in clients:
            await client.close()

    stored = await database_sync_to_async(
        lambda: list(
            ChatMessage.objects.filter(group=group)
            .order_by("seq")
            .values_list("seq", "id", "local_id", "author__pseudonym")
        )
    )()
    assert [row[0] for row in stored] == list(range(1, MESSAGES + 1))
    expected_ids = [row[1] for row in stored]
    for client in clients:
        assert not client.conflicts, client.conflicts
        received = [client.by_seq[seq]["id"] for seq in sorted(client.by_seq)]
        assert sorted(client.by_seq) == list(range(1, MESSAGES + 1)), client.name
        assert received == expected_ids, client.name
        assert len(set(received)) == MESSAGES
        own = {local_id: id_ for _, id_, local_id, _ in stored if local_id.startswith(client.name)}
        assert client.acked == own, client.name
        unexpected = [error for error in client.errors if error["code"] != "server_error"]
        assert not unexpected, unexpected
    assert flaky.connections >= MESSAGES // SENDERS // FLAKY_RECONNECT_EVERY


def _enter_many(redis_url: str, process_number: int, count: int) -> None:
    """Runs in a forked process: open `count` connections of distinct members in room 1."""
    from groups import presence

    override_settings(CACHES=_settings_with_redis(redis_url)["CACHES"]).enable()
    for number in range(count):
        presence.connection_enter(
            1,
            f"p{process_number}-c{number}",
            member_id=process_number * 1000 + number,
            pseudonym=f"p{process_number}-m{number:03}",
        )
    os._exit(0)


def test_presence_updates_from_two_processes_at_once_are_never_lost(redis_server):
    import multiprocessing

    from groups import presence

    redis.Redis.from_url(redis_server.url).flushdb()
    count = 150
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_enter_many, args=(redis_server.url, number, count))
        for number in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert [worker.exitcode for worker in workers] == [0, 0]

    with override_settings(CACHES=_settings_with_redis(redis_server.url)["CACHES"]):
        online = presence.room_presence(1).online
        # Removing one tab of each member from the other side also holds together.
        for number in range(count):
            presence.connection_leave(1, f"p0-c{number}")
        after = presence.room_presence(1).online

    assert len(online) == 2 * count
    assert after == tuple(f"p1-m{number:03}" for number in range(count))


# --- sessions end everywhere (issue 10: logout, password change, suspension, ban) ------------


def _http(server: LiveServer, method: str, path: str, cookie: str, body: dict | None = None):
    """A request as a browser makes it: the session cookie, and for a POST the CSRF cookie and
    header it would have. Returns (status, headers)."""
    import urllib.error
    import urllib.request

    headers = {"Cookie": cookie, "Origin": server.url, "Referer": server.url + "/"}
    data = None
    if method == "POST":
        token = "a" * 32
        headers["Cookie"] = f"{cookie}; csrftoken={token}"
        headers["X-CSRFToken"] = token
        headers["Content-Type"] = "application/json"
        data = json.dumps(body or {}).encode()
    request = urllib.request.Request(server.url + path, data=data, headers=headers, method=method)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


async def _closed_with(socket: ClientConnection, timeout: float) -> int | None:
    """The close code the server sends within `timeout` seconds (frames on the way skipped)."""

    async def until_closed():
        try:
            async for _frame in socket:
                pass
        except ConnectionClosed:
            pass
        return socket.close_code

    return await asyncio.wait_for(until_closed(), timeout)


async def _open_room(server: LiveServer, cookie: str, slug: str) -> ClientConnection:
    socket = await connect(
        f"{server.ws_url}/ws/groups/{slug}/",
        origin=server.url,
        additional_headers={"Cookie": cookie},
        open_timeout=10,
    )
    hello = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert hello["type"] == "hello", hello
    return socket


async def _refused_code(server: LiveServer, cookie: str, slug: str) -> int | None:
    socket = await connect(
        f"{server.ws_url}/ws/groups/{slug}/",
        origin=server.url,
        additional_headers={"Cookie": cookie},
        open_timeout=10,
    )
    return await _closed_with(socket, 10)


@pytest.mark.asyncio
@pytest.mark.parametrize("how", ["sign_out", "password_change"])
async def test_signing_out_or_changing_the_password_closes_sockets_in_both_processes(
    servers, room_of_five, how
):
    group, people = room_of_five
    (_member, cookie), (_other, other_cookie) = people[:2]
    on_first = await _open_room(servers[0], cookie, group.slug)
    on_second = await _open_room(servers[1], cookie, group.slug)
    bystander = await _open_room(servers[1], other_cookie, group.slug)
    try:
        started = asyncio.get_running_loop().time()
        if how == "sign_out":
            status, _ = await asyncio.to_thread(
                _http, servers[0], "POST", "/api/v1/me/logout/", cookie
            )
        else:
            status, _ = await asyncio.to_thread(
                _http,
                servers[0],
                "POST",
                "/api/v1/me/password/",
                cookie,
                {"old_password": TEST_PASSWORD, "new_password": "a quiet harbour at dawn"},
            )
        assert status == 204
        codes = await asyncio.gather(_closed_with(on_first, 5), _closed_with(on_second, 5))
        assert codes == [4401, 4401]
        assert asyncio.get_running_loop().time() - started < 5
        # The session is gone in every process: pages and sockets treat it as a visitor.
        status, headers = await asyncio.to_thread(_http, servers[1], "GET", "/me/", cookie)
        assert status == 302 and "/accounts/login/" in headers["Location"]
        assert await _refused_code(servers[1], cookie, group.slug) == 4401
        # Someone else's socket is untouched.
        await bystander.send(json.dumps({"type": "sync", "after_seq": 0}))
        assert bystander.close_code is None
    finally:
        for socket in (on_first, on_second, bystander):
            await socket.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("kind", ["suspend", "ban"])
async def test_suspension_and_ban_close_sockets_in_both_processes(
    servers, redis_server, room_of_five, kind
):
    from datetime import timedelta

    from django.utils import timezone

    from moderation import services as moderation_services

    group, people = room_of_five
    (member, cookie), (moderator, _cookie_m) = people[:2]
    on_first = await _open_room(servers[0], cookie, group.slug)
    on_second = await _open_room(servers[1], cookie, group.slug)
    try:

        def sanction() -> None:
            # Acting from this (third) process, through the Redis layer the servers share.
            type(moderator).objects.filter(pk=moderator.pk).update(is_moderator=True)
            moderator.is_moderator = True
            with override_settings(**_settings_with_redis(redis_server.url)):
                moderation_services.member_sanction(
                    actor=moderator,
                    member=member,
                    kind=kind,
                    reason="Taking a break for everyone's safety.",
                    ends_at=timezone.now() + timedelta(days=1) if kind == "suspend" else None,
                )

        await database_sync_to_async(sanction)()
        codes = await asyncio.gather(_closed_with(on_first, 5), _closed_with(on_second, 5))
        assert codes == [4401, 4401]
        status, _headers = await asyncio.to_thread(_http, servers[0], "GET", "/me/", cookie)
        assert status == 302
    finally:
        for socket in (on_first, on_second):
            await socket.close()
