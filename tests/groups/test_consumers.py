"""The chat room's websocket (`/ws/groups/<slug>/`), driven through the real ASGI application
(origin check, session auth, router) with channels' WebsocketCommunicator."""

from __future__ import annotations

import asyncio
import json

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from community.asgi import application
from groups import services
from groups.consumers import ChatConsumer
from groups.models import ChatMessage, Membership
from moderation import services as moderation_services
from moderation.models import ContentStatus
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import CONCERN_TEXT, URGENT_TEXT

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

ORIGIN = (b"origin", b"http://testserver")
WAIT = 3


# --------------------------------------------------------------------------------- helpers


def _session_cookie(member) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(member)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


async def headers_for(member=None, *, origin=ORIGIN) -> list[tuple[bytes, bytes]]:
    headers = [origin] if origin else []
    if member is not None:
        headers.append(await database_sync_to_async(_session_cookie)(member))
    return headers


def room_path(group, query: str = "") -> str:
    return f"/ws/groups/{group.slug}/" + (f"?{query}" if query else "")


class Socket:
    """One client socket; `frames` keeps everything received, in order."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator
        self.frames: list[dict] = []

    async def send(self, frame: dict | str) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame)
        await self.communicator.send_to(text_data=text)

    async def next(self, kind: str, *, timeout: float = WAIT) -> dict:
        """The next frame of type `kind`; frames of other types on the way are kept."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no {kind!r} frame; got {self.frames}")
            output = await self.communicator.receive_output(timeout=remaining)
            if output["type"] == "websocket.close":
                raise AssertionError(f"closed with {output.get('code')} waiting for {kind!r}")
            frame = json.loads(output["text"])
            self.frames.append(frame)
            if frame["type"] == kind:
                return frame

    async def drain(self, quiet: float = 0.3) -> list[dict]:
        """Every frame that arrives until none has for `quiet` seconds."""
        received = []
        while not await self.communicator.receive_nothing(timeout=quiet):
            output = await self.communicator.receive_output()
            assert output["type"] == "websocket.send", output
            frame = json.loads(output["text"])
            self.frames.append(frame)
            received.append(frame)
        return received

    async def closed_with(self, *, timeout: float = WAIT) -> int:
        """Wait for the server to close the socket; its close code."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            assert remaining > 0, f"still open; got {self.frames}"
            output = await self.communicator.receive_output(timeout=remaining)
            if output["type"] == "websocket.close":
                return output.get("code")
            self.frames.append(json.loads(output["text"]))

    async def close(self) -> None:
        await self.communicator.disconnect()


@pytest_asyncio.fixture
async def sockets():
    """Opens sockets for a test and closes all of them afterwards."""
    opened: list[Socket] = []

    async def open_socket(member, group, query: str = "") -> Socket:
        communicator = WebsocketCommunicator(
            application, room_path(group, query), headers=await headers_for(member)
        )
        connected, _ = await communicator.connect(timeout=WAIT)
        assert connected
        socket = Socket(communicator)
        opened.append(socket)
        return socket

    yield open_socket
    for socket in opened:
        await socket.close()


async def join(sockets, member, group, query: str = "") -> Socket:
    """Open a socket that was let in: it has had its hello and presence frames."""
    socket = await sockets(member, group, query)
    hello = await socket.next("hello")
    assert hello["member"] == member.pseudonym
    await socket.next("presence")
    return socket


async def refusal_code(path: str, headers) -> int | None:
    """The close code a refused handshake carries (None if the handshake itself failed)."""
    communicator = WebsocketCommunicator(application, path, headers=headers)
    try:
        connected, _ = await communicator.connect(timeout=WAIT)
        if not connected:
            return None
        output = await communicator.receive_output(timeout=WAIT)
        assert output["type"] == "websocket.close", f"let in: {output}"
        return output.get("code")
    finally:
        await communicator.disconnect()


def sync(function):
    return database_sync_to_async(function)


def post(member, group, body: str, local_id: str = ""):
    return sync(services.chat_message_post)(actor=member, group=group, body=body, local_id=local_id)


@pytest.fixture
def room(db):
    return GroupFactory(slug="waiting-for-a-reply", name="Waiting for a reply")


@pytest.fixture
def robin(room, member):
    MembershipFactory(group=room, member=member)
    return member


@pytest.fixture
def kit(room, other_member):
    MembershipFactory(group=room, member=other_member)
    return other_member


@pytest.fixture
def facilitator(room):
    facilitator = MemberFactory(pseudonym="Fran Facilitator")
    MembershipFactory(group=room, member=facilitator, role="facilitator")
    return facilitator


# ---------------------------------------------------------------------------- joining


async def test_member_joining_gets_hello_with_the_rooms_last_seq_and_presence(sockets, room, robin):
    await post(robin, room, "Morning, everyone.")
    socket = await sockets(robin, room)

    hello = await socket.next("hello")
    presence = await socket.next("presence")

    assert hello == {
        "type": "hello",
        "member": "Robin Test",
        "group": room.slug,
        "last_seq": 1,
        "muted_until": None,
    }
    assert presence == {"type": "presence", "online": ["Robin Test"]}


@pytest.mark.parametrize(
    "state", [None, "requested", "left", "removed", "declined"], ids=lambda s: f"state-{s}"
)
async def test_someone_who_is_not_an_active_member_is_refused_with_4403(room, member, state):
    if state is not None:
        await sync(MembershipFactory)(group=room, member=member, state=state)

    assert await refusal_code(room_path(room), await headers_for(member)) == 4403


async def test_visitor_is_refused_with_4401(room):
    assert await refusal_code(room_path(room), await headers_for()) == 4401


async def test_unknown_group_is_refused_with_4404(member):
    assert await refusal_code("/ws/groups/no-such-group/", await headers_for(member)) == 4404


async def test_foreign_origin_is_refused_before_the_room_is_reached(room, robin):
    headers = await headers_for(robin, origin=(b"origin", b"http://evil.example"))
    communicator = WebsocketCommunicator(application, room_path(room), headers=headers)

    connected, _ = await communicator.connect(timeout=WAIT)

    assert connected is False
    await communicator.disconnect()


@pytest.mark.parametrize("kind", ["ban", "suspend"])
async def test_banned_or_suspended_member_is_refused_with_4403(room, robin, moderator, kind):
    await sync(moderation_services.member_sanction)(
        actor=moderator,
        member=robin,
        kind=kind,
        reason="Repeated personal attacks.",
        ends_at=None if kind == "ban" else _in_minutes(60),
    )

    assert await refusal_code(room_path(room), await headers_for(robin)) == 4403


def _in_minutes(minutes: int):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(minutes=minutes)


async def test_moderator_who_is_not_a_member_may_join(sockets, room, moderator):
    await join(sockets, moderator, room)


# ---------------------------------------------------------------------------- sending


async def test_message_is_acked_to_its_author_and_reaches_another_member(sockets, room, robin, kit):
    author = await join(sockets, robin, room)
    reader = await join(sockets, kit, room)

    await author.send({"type": "message.send", "body": "I waited **an hour**.", "local_id": "a1"})

    ack = await author.next("ack")
    received = await reader.next("message.new")
    echoed = await author.next("message.new")
    stored = await sync(ChatMessage.objects.get)(group=room)
    assert ack == {"type": "ack", "local_id": "a1", "id": stored.pk, "seq": 1}
    assert received["message"]["id"] == stored.pk
    assert received["message"]["seq"] == 1
    assert received["message"]["author"] == "Robin Test"
    assert received["message"]["body_html"] == "<p>I waited <strong>an hour</strong>.</p>\n"
    assert echoed["message"]["local_id"] == "a1"


async def test_resending_a_local_id_gets_the_first_ack_and_stores_one_message(
    sockets, room, robin, kit
):
    author = await join(sockets, robin, room)
    reader = await join(sockets, kit, room)
    frame = {"type": "message.send", "body": "Only once, please.", "local_id": "retry-7"}

    await author.send(frame)
    first = await author.next("ack")
    await author.send(frame)
    second = await author.next("ack")

    assert first == second
    assert await sync(ChatMessage.objects.filter(group=room).count)() == 1
    news = [f for f in await reader.drain() if f["type"] == "message.new"]
    assert len(news) == 1


async def test_reconnecting_with_after_seq_replays_exactly_what_was_missed(sockets, room, robin):
    for number in range(1, 5):
        await post(robin, room, f"Message {number}")

    socket = await join(sockets, robin, room, "after_seq=2")
    replayed = [await socket.next("message.new") for _ in range(2)]

    assert [frame["message"]["seq"] for frame in replayed] == [3, 4]
    assert replayed[0]["message"]["body_html"] == "<p>Message 3</p>\n"
    assert not [f for f in await socket.drain() if f["type"] == "message.new"]


async def test_sync_frame_fills_a_gap_from_the_database(sockets, room, robin, kit):
    for number in range(1, 4):
        await post(kit, room, f"Earlier {number}")
    socket = await join(sockets, robin, room)

    await socket.send({"type": "sync", "after_seq": 1})
    replayed = [await socket.next("message.new") for _ in range(2)]

    assert [frame["message"]["seq"] for frame in replayed] == [2, 3]


async def test_replay_of_more_than_one_chunk_sends_everything_in_order(
    sockets, room, robin, monkeypatch
):
    from groups import consumers

    monkeypatch.setattr(consumers, "REPLAY_CHUNK", 3)
    for number in range(1, 9):
        await post(robin, room, f"Line {number}")

    socket = await join(sockets, robin, room, "after_seq=0")
    replayed = [await socket.next("message.new") for _ in range(8)]

    assert [frame["message"]["seq"] for frame in replayed] == list(range(1, 9))


# ---------------------------------------------------------------------------- bad frames


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("x" * (16 * 1024 + 1), "too_large"),
        (json.dumps({"type": "message.send", "body": "é" * 9000, "local_id": "big"}), "too_large"),
        ("{not json", "bad_json"),
        ("[1, 2, 3]", "bad_frame"),
        ('"just a string"', "bad_frame"),
        (json.dumps({"type": "dance"}), "unknown_type"),
        (json.dumps({"body": "no type"}), "unknown_type"),
        (json.dumps({"type": "message.send", "body": 42, "local_id": "n1"}), "bad_frame"),
        (json.dumps({"type": "message.send", "body": "hi", "local_id": 7}), "bad_frame"),
        (json.dumps({"type": "message.send", "body": "hi", "local_id": "no spaces"}), "bad_frame"),
        (json.dumps({"type": "sync", "after_seq": "3"}), "bad_frame"),
        (json.dumps({"type": "sync", "after_seq": -1}), "bad_frame"),
        (json.dumps({"type": "sync", "after_seq": True}), "bad_frame"),
    ],
    ids=[
        "oversize",
        "oversize-multibyte",
        "malformed-json",
        "json-array",
        "json-string",
        "unknown-type",
        "missing-type",
        "body-not-text",
        "local-id-not-text",
        "local-id-bad-characters",
        "after-seq-not-int",
        "after-seq-negative",
        "after-seq-bool",
    ],
)
async def test_bad_frame_gets_an_error_frame_and_the_socket_stays_usable(
    sockets, room, robin, frame, code
):
    socket = await join(sockets, robin, room)

    await socket.send(frame)
    error = await socket.next("error")
    await socket.send({"type": "message.send", "body": "Still here.", "local_id": "after"})
    ack = await socket.next("ack")

    assert error["code"] == code
    assert error["detail"]
    assert ack["seq"] == 1


async def test_binary_frame_gets_an_error_frame(sockets, room, robin):
    socket = await join(sockets, robin, room)

    await socket.communicator.send_to(bytes_data=b"\x00\x01")

    assert (await socket.next("error"))["code"] == "bad_frame"


async def test_bad_after_seq_in_the_url_gets_an_error_frame_but_the_room_opens(
    sockets, room, robin
):
    socket = await join(sockets, robin, room, "after_seq=soon")

    assert (await socket.next("error"))["code"] == "bad_frame"


# ---------------------------------------------------------------------------- the pipeline


async def test_urgent_message_is_held_signposted_to_its_author_only_and_not_broadcast(
    sockets, room, robin, kit
):
    author = await join(sockets, robin, room)
    reader = await join(sockets, kit, room)

    await author.send({"type": "message.send", "body": URGENT_TEXT, "local_id": "u1"})
    ack = await author.next("ack")
    signpost = await author.next("signpost")

    assert ack["status"] == "held"
    assert ack["local_id"] == "u1"
    assert "moderator" in ack["reason"]
    assert signpost["tier"] == "urgent"
    assert signpost["text"]
    assert isinstance(signpost["resources"], list)
    stored = await sync(ChatMessage.objects.get)(group=room)
    assert stored.status == ContentStatus.HELD
    assert stored.seq is None
    assert not [f for f in await reader.drain(0.5) if f["type"] in ("message.new", "signpost")]
    assert not [f for f in await author.drain() if f["type"] == "message.new"]


async def test_concern_message_is_published_and_signposted_to_its_author_only(
    sockets, room, robin, kit
):
    author = await join(sockets, robin, room)
    reader = await join(sockets, kit, room)

    await author.send({"type": "message.send", "body": CONCERN_TEXT, "local_id": "c1"})
    ack = await author.next("ack")
    signpost = await author.next("signpost")
    received = await reader.next("message.new")

    assert ack["seq"] == 1
    assert signpost["tier"] == "concern"
    assert received["message"]["seq"] == 1
    assert not [f for f in await reader.drain(0.5) if f["type"] == "signpost"]


async def test_muted_member_is_told_until_when_and_nothing_is_stored(
    sockets, room, robin, facilitator
):
    socket = await join(sockets, robin, room)
    await sync(services.member_mute_in_group)(
        actor=facilitator, group=room, member=robin, minutes=30, reason="Let's cool down."
    )

    await socket.send({"type": "message.send", "body": "Hello?", "local_id": "m1"})
    error = await socket.next("error")

    assert error["code"] == "muted"
    assert error["until"]
    assert error["local_id"] == "m1"
    assert "until" in error["detail"]
    assert await sync(ChatMessage.objects.filter(group=room).exists)() is False
    # Still in the room: a mute stops posting, not reading. A new socket says until when.
    second = await sockets(robin, room)
    assert (await second.next("hello"))["muted_until"] == error["until"]


async def test_mute_given_and_lifted_while_connected_reaches_the_member_at_once(
    sockets, room, robin, facilitator
):
    socket = await join(sockets, robin, room)
    sanction = await sync(services.member_mute_in_group)(
        actor=facilitator, group=room, member=robin, minutes=30, reason="Let's cool down."
    )

    muted = await socket.next("standing")
    await sync(moderation_services.sanction_lift)(actor=facilitator, sanction=sanction)
    lifted = await socket.next("standing")

    assert muted["muted_until"] == sanction.ends_at.isoformat()
    assert lifted["muted_until"] is None


async def test_sending_too_fast_gets_an_error_with_retry_after(sockets, room, robin, settings):
    settings.MODERATION_RATE_LIMITS = {**settings.MODERATION_RATE_LIMITS, "chat": (2, 30)}
    socket = await join(sockets, robin, room)

    for number in range(2):
        await socket.send({"type": "message.send", "body": f"n{number}", "local_id": f"r{number}"})
        await socket.next("ack")
    await socket.send({"type": "message.send", "body": "one more", "local_id": "r2"})
    error = await socket.next("error")

    assert error["code"] == "rate_limited"
    assert 1 <= error["retry_after"] <= 30
    assert error["local_id"] == "r2"


# ---------------------------------------------------------------------------- moderation


async def test_removed_message_is_removed_for_everyone_at_once(
    sockets, room, robin, kit, facilitator
):
    author = await join(sockets, robin, room)
    reader = await join(sockets, kit, room)
    result = await post(robin, room, "Something unkind.")

    await sync(services.chat_message_remove)(
        actor=facilitator, message=result.message, reason="Unkind to another member."
    )

    expected = {"type": "message.removed", "id": result.message.pk, "seq": 1}
    assert await author.next("message.removed") == expected
    assert await reader.next("message.removed") == expected
    # Replay shows a tombstone in its place.
    late = await join(sockets, kit, room, "after_seq=0")
    assert (await late.next("message.new"))["message"] == {
        "id": result.message.pk,
        "seq": 1,
        "removed": True,
    }


async def test_member_removed_while_connected_is_disconnected_at_once(
    sockets, room, robin, kit, facilitator
):
    removed = await join(sockets, robin, room)
    staying = await join(sockets, kit, room)
    membership = await sync(Membership.objects.get)(group=room, member=robin)

    await sync(services.membership_remove)(
        actor=facilitator, membership=membership, reason="Ignored the group guidelines."
    )

    assert await removed.closed_with() == 4403
    presence = await staying.next("presence")
    assert presence["online"] == ["Kit Other"]


async def test_member_who_leaves_is_disconnected_from_the_room(sockets, room, robin):
    socket = await join(sockets, robin, room)

    await sync(services.group_leave)(actor=robin, group=room)

    assert await socket.closed_with() == 4403


async def test_member_banned_while_connected_is_closed_at_once(sockets, room, robin, moderator):
    socket = await join(sockets, robin, room)
    await sync(moderation_services.member_sanction)(
        actor=moderator, member=robin, kind="ban", reason="Harassment."
    )

    # A ban ends every session too, so the socket closes as signed out.
    assert await socket.closed_with() == 4401


async def test_banned_member_whose_recheck_was_lost_is_told_why_on_sending_and_closed(
    sockets, room, robin, moderator
):
    from moderation.models import Sanction

    socket = await join(sockets, robin, room)
    # Written directly, as if the recheck event were lost (the channel layer is at-most-once).
    await sync(Sanction.objects.create)(
        member=robin, kind="ban", reason="Harassment.", created_by=moderator
    )

    await socket.send({"type": "message.send", "body": "hi", "local_id": "b1"})

    assert (await socket.next("error"))["code"] == "banned"
    assert await socket.closed_with() == 4403


async def test_reader_who_ignores_an_author_gets_hidden_tombstones_live_and_in_replay(
    sockets, room, robin, kit
):
    await sync(services.member_ignore)(actor=kit, other=robin)
    await post(robin, room, "Before you came.")
    reader = await join(sockets, kit, room, "after_seq=0")
    replayed = await reader.next("message.new")
    author = await join(sockets, robin, room)

    await author.send({"type": "message.send", "body": "While you are here.", "local_id": "i1"})
    live = await reader.next("message.new")
    seen_by_author = await author.next("message.new")

    assert replayed["message"] == {"id": replayed["message"]["id"], "seq": 1, "hidden": True}
    assert live["message"] == {"id": live["message"]["id"], "seq": 2, "hidden": True}
    assert seen_by_author["message"]["body_html"] == "<p>While you are here.</p>\n"


async def test_a_live_message_is_encoded_once_for_the_room_not_once_per_socket(
    sockets, room, robin, kit, monkeypatch
):
    readers = [await join(sockets, kit, room) for _ in range(4)]
    encoded = []
    real_encode = ChatConsumer.encode_json

    def counting_encode(cls, content):
        encoded.append(content.get("type"))
        return real_encode(content)

    monkeypatch.setattr(ChatConsumer, "encode_json", classmethod(counting_encode))

    await post(robin, room, "One message for everyone here.", local_id="o1")
    frames = [await reader.next("message.new") for reader in readers]

    assert all(frame == frames[0] for frame in frames)
    assert frames[0]["message"]["body_html"] == "<p>One message for everyone here.</p>\n"
    assert frames[0]["message"]["local_id"] == "o1"
    assert "message.new" not in encoded  # the sockets sent the text broadcast.py encoded


async def test_ignoring_someone_hides_their_messages_in_an_open_room_at_once(
    sockets, room, robin, kit
):
    reader = await join(sockets, kit, room)
    await sync(services.member_ignore)(actor=kit, other=robin)
    await reader.drain()

    await post(robin, room, "Hidden now.")

    assert (await reader.next("message.new"))["message"]["hidden"] is True


# ---------------------------------------------------------------------------- presence, typing


async def test_member_with_two_tabs_is_present_once(sockets, room, robin, kit):
    watcher = await join(sockets, kit, room)
    await join(sockets, robin, room)
    second_tab = await join(sockets, robin, room)

    assert (await watcher.next("presence"))["online"] == ["Kit Other", "Robin Test"]
    assert second_tab.frames[1]["online"] == ["Kit Other", "Robin Test"]
    # The second tab changed nobody's list, so nothing more was announced.
    assert not [f for f in await watcher.drain() if f["type"] == "presence"]

    await second_tab.close()
    assert not [f for f in await watcher.drain() if f["type"] == "presence"]


async def test_leaving_updates_presence_for_the_others(sockets, room, robin, kit):
    watcher = await join(sockets, kit, room)
    leaving = await join(sockets, robin, room)
    await watcher.next("presence")

    await leaving.close()

    assert (await watcher.next("presence"))["online"] == ["Kit Other"]


async def test_typing_reaches_others_not_the_typist_and_is_throttled(sockets, room, robin, kit):
    typist = await join(sockets, robin, room)
    other_tab = await join(sockets, robin, room)
    reader = await join(sockets, kit, room)

    await typist.send({"type": "typing"})
    await typist.send({"type": "typing"})

    assert await reader.next("typing") == {"type": "typing", "member": "Robin Test"}
    assert not [f for f in await reader.drain(0.5) if f["type"] == "typing"]
    assert not [f for f in await typist.drain() if f["type"] == "typing"]
    assert not [f for f in await other_tab.drain() if f["type"] == "typing"]


async def test_typing_of_a_muted_member_is_not_announced(sockets, room, robin, kit, facilitator):
    typist = await join(sockets, robin, room)
    reader = await join(sockets, kit, room)
    await sync(services.member_mute_in_group)(
        actor=facilitator, group=room, member=robin, minutes=5, reason="A short pause."
    )

    await typist.send({"type": "typing"})

    assert not [f for f in await reader.drain(0.5) if f["type"] == "typing"]
