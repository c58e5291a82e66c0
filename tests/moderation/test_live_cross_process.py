"""The review dashboard's live socket across two daphne processes that share a real Redis and the
test database, as in production past one machine (DESIGN.md "Scale", issue 7 "Live").

A member posts in a group chat on process B; a moderator's dashboard on process A hears of it,
and of another moderator's claim made in a third process (this one, through the service, with
the same Redis channel layer). A facilitator of another group, also on A, hears nothing of
either: the first thing their dashboard hears is an item of their own group, sent after the
others.

Needs redis-server: skipped without it, failed when REQUIRE_REDIS=1 (see tests/fixtures).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import redis
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.test import Client as DjangoClient
from django.test.utils import override_settings
from django.utils import timezone
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from groups import services as group_services
from groups.models import ChatMessage, Membership
from moderation import services as moderation_services
from moderation.models import QueueItem
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.fixtures.servers import DAPHNE_START_TIMEOUT_SECONDS, LOOPBACK, LiveServer
from tests.groups.test_cross_process import _server_setup, _settings_with_redis
from tests.moderation.conftest import URGENT_TEXT

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

DEADLINE_SECONDS = 15


def _live_application():
    from community.asgi import application

    return application


@pytest.fixture(scope="module")
def two_servers(redis_server, django_db_setup, django_db_blocker) -> Iterator[list[LiveServer]]:
    """Two daphne processes serving community.asgi.application, sharing Redis (as REDIS_URL
    configures it) and the test database, for the module."""
    from daphne.testing import DaphneProcess
    from django.conf import settings
    from django.db import connections

    processes = []
    with django_db_blocker.unblock():
        connections.close_all()
        for _ in range(2):
            process = DaphneProcess(
                LOOPBACK,
                _live_application,
                setup=_server_setup(redis_server.url, settings.MODERATION_RATE_LIMITS),
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


@pytest.fixture
def redis_layer(redis_server):
    """This process sends its broadcasts through the same Redis channel layer as the servers."""
    with override_settings(CHANNEL_LAYERS=_settings_with_redis(redis_server.url)["CHANNEL_LAYERS"]):
        yield


def _cookie(member) -> str:
    client = DjangoClient()
    client.force_login(member)
    return f"sessionid={client.cookies['sessionid'].value}"


@dataclass
class Socket:
    """A websocket client that keeps every frame it receives, in order."""

    name: str
    socket: ClientConnection
    frames: list[dict] = field(default_factory=list)
    reader: asyncio.Task | None = None

    @classmethod
    async def open(cls, name: str, server: LiveServer, path: str, cookie: str) -> Socket:
        socket = await connect(
            f"{server.ws_url}{path}",
            origin=server.url,
            additional_headers={"Cookie": cookie},
            open_timeout=10,
        )
        client = cls(name=name, socket=socket)
        client.reader = asyncio.create_task(client.read())
        return client

    async def read(self) -> None:
        try:
            async for raw in self.socket:
                self.frames.append(json.loads(raw))
        except ConnectionClosed:
            pass

    async def send(self, frame: dict) -> None:
        await self.socket.send(json.dumps(frame))

    async def first(self, matches, *, what: str) -> dict:
        """The first frame received that `matches`, waiting up to DEADLINE_SECONDS for it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DEADLINE_SECONDS
        while True:
            for frame in self.frames:
                if matches(frame):
                    return frame
            if loop.time() > deadline:
                raise AssertionError(f"{self.name}: timed out waiting for {what}; {self.frames}")
            if self.reader.done():
                raise AssertionError(f"{self.name}: closed waiting for {what}; {self.frames}")
            await asyncio.sleep(0.02)

    async def close(self) -> None:
        await self.socket.close()
        await self.reader


def changed(event: str, item_id: int | None = None):
    def matches(frame: dict) -> bool:
        return (
            frame["type"] == "queue.changed"
            and frame["event"] == event
            and (item_id is None or (frame.get("item") or {}).get("id") == item_id)
        )

    return matches


def _settled(pseudonym: str, **extra):
    return MemberFactory(
        pseudonym=pseudonym, date_joined=timezone.now() - timedelta(days=30), **extra
    )


@dataclass
class Cast:
    room: object
    other_room: object
    writer: object
    other_writer: object
    moderator: object
    second_moderator: object
    facilitator: object
    cookies: dict[str, str]


@pytest.fixture
def cast(transactional_db) -> Cast:
    room = GroupFactory(slug="quiet-evenings", name="Quiet evenings")
    other_room = GroupFactory(slug="new-beginnings", name="New beginnings")
    writer = _settled("Wren Writer")
    other_writer = _settled("Oak Writer")
    moderator = _settled("Mo Moderator", is_moderator=True)
    second_moderator = _settled("Max Moderator", is_moderator=True)
    facilitator = _settled("Fen Facilitator")
    MembershipFactory(group=room, member=writer)
    MembershipFactory(group=other_room, member=other_writer)
    MembershipFactory(group=other_room, member=facilitator, role=Membership.Role.FACILITATOR)
    return Cast(
        room=room,
        other_room=other_room,
        writer=writer,
        other_writer=other_writer,
        moderator=moderator,
        second_moderator=second_moderator,
        facilitator=facilitator,
        cookies={
            name: _cookie(member)
            for name, member in (
                ("writer", writer),
                ("moderator", moderator),
                ("facilitator", facilitator),
            )
        },
    )


def _item_of_message(local_id: str) -> QueueItem:
    message = ChatMessage.objects.get(local_id=local_id)
    return QueueItem.objects.get(content_type__model="chatmessage", object_id=message.pk)


@pytest.mark.asyncio
async def test_dashboard_on_one_process_hears_of_a_crisis_posted_and_claimed_elsewhere(
    servers, redis_layer, cast
):
    process_a, process_b = servers
    dashboard = await Socket.open(
        "moderator", process_a, "/ws/moderation/", cast.cookies["moderator"]
    )
    facilitating = await Socket.open(
        "facilitator", process_a, "/ws/moderation/", cast.cookies["facilitator"]
    )
    chat = await Socket.open(
        "writer", process_b, f"/ws/groups/{cast.room.slug}/", cast.cookies["writer"]
    )
    try:
        # Each dashboard listens from before its hello (channel groups are joined first).
        hello = await dashboard.first(lambda f: f["type"] == "queue.hello", what="hello")
        assert hello["counts"]["urgent"] == 0
        await facilitating.first(lambda f: f["type"] == "queue.hello", what="hello")
        await chat.first(lambda f: f["type"] == "hello", what="chat hello")

        # A member's urgent message on process B is held, and reaches the dashboard on A.
        await chat.send({"type": "message.send", "body": URGENT_TEXT, "local_id": "crisis-1"})
        ack = await chat.first(lambda f: f["type"] == "ack", what="the ack")
        assert (ack["local_id"], ack["status"]) == ("crisis-1", "held")
        item = await database_sync_to_async(_item_of_message)("crisis-1")

        new = await dashboard.first(changed("new", item.pk), what="the new item")
        assert new["item"]["priority"] == 0
        assert new["item"]["reason"] == "crisis_urgent"
        assert new["item"]["group"] == cast.room.slug
        assert new["item"]["member"] == "Wren Writer"
        assert new["counts"]["urgent"] == 1

        # Another moderator claims it from a third process; the dashboard on A sees who.
        await database_sync_to_async(moderation_services.queue_item_claim)(
            actor=cast.second_moderator, item=item
        )
        claimed = await dashboard.first(changed("claimed", item.pk), what="the claim")
        assert claimed["item"]["state"] == "claimed"
        assert claimed["item"]["claimed_by"] == "Max Moderator"

        # The facilitator of the other group: the first change they hear of is their own
        # group's, sent after the others (events reach one socket in the order sent).
        await database_sync_to_async(group_services.chat_message_post)(
            actor=cast.other_writer, group=cast.other_room, body=URGENT_TEXT, local_id="theirs"
        )
        own = await database_sync_to_async(_item_of_message)("theirs")
        theirs = await facilitating.first(changed("new"), what="their own group's item")
        await dashboard.first(changed("new", own.pk), what="the second item")

        assert theirs["item"]["id"] == own.pk
        assert theirs["item"]["group"] == cast.other_room.slug
        assert theirs["counts"]["urgent"] == 1
        assert [frame["type"] for frame in facilitating.frames] == ["queue.hello", "queue.changed"]
        assert all(frame.get("item", {}).get("id") != item.pk for frame in facilitating.frames), (
            facilitating.frames
        )
    finally:
        for socket in (dashboard, facilitating, chat):
            await socket.close()
        await get_channel_layer().close_pools()
