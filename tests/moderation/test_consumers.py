"""The review dashboard's websocket (`/ws/moderation/`), driven through the real ASGI application
(origin check, session auth, router) with channels' WebsocketCommunicator and the in-memory
channel layer. Queue changes are made through the services, whose on-commit broadcasts run
because these tests commit (transaction=True)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.utils import timezone

from community import services as community_services
from community.asgi import application
from groups import services as group_services
from groups.models import Membership
from moderation import services as moderation_services
from moderation.consumers import MAX_FRAME_BYTES
from moderation.models import QueueItem
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import CONCERN_TEXT, URGENT_TEXT

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

PATH = "/ws/moderation/"
ORIGIN = (b"origin", b"http://testserver")
WAIT = 3
QUIET = 0.3


# --------------------------------------------------------------------------------- helpers


def sync(function):
    return database_sync_to_async(function)


def _session_cookie(member) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(member)
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


async def headers_for(member=None) -> list[tuple[bytes, bytes]]:
    headers = [ORIGIN]
    if member is not None:
        headers.append(await sync(_session_cookie)(member))
    return headers


class Dashboard:
    """One dashboard socket; `frames` keeps everything received, in order."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator
        self.frames: list[dict] = []

    async def send(self, frame: dict | list | str) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame)
        await self.communicator.send_to(text_data=text)

    async def next(self, *, timeout: float = WAIT) -> dict:
        output = await self.communicator.receive_output(timeout=timeout)
        assert output["type"] == "websocket.send", f"closed: {output}; got {self.frames}"
        frame = json.loads(output["text"])
        self.frames.append(frame)
        return frame

    async def silent(self, quiet: float = QUIET) -> bool:
        return await self.communicator.receive_nothing(timeout=quiet)

    async def closed_with(self, *, timeout: float = WAIT) -> int | None:
        output = await self.communicator.receive_output(timeout=timeout)
        assert output["type"] == "websocket.close", f"still open: {output}"
        return output.get("code")

    async def close(self) -> None:
        await self.communicator.disconnect()


@pytest_asyncio.fixture
async def dashboards():
    """Opens dashboards (already past their `queue.hello`) and closes them afterwards."""
    opened: list[Dashboard] = []

    async def open_dashboard(member) -> Dashboard:
        communicator = WebsocketCommunicator(application, PATH, headers=await headers_for(member))
        connected, code = await communicator.connect(timeout=WAIT)
        assert connected, f"refused with {code}"
        dashboard = Dashboard(communicator)
        opened.append(dashboard)
        hello = await dashboard.next()
        assert hello["type"] == "queue.hello", hello
        return dashboard

    yield open_dashboard
    for dashboard in opened:
        await dashboard.close()


async def refusal(member=None) -> tuple[bool, int | None]:
    communicator = WebsocketCommunicator(application, PATH, headers=await headers_for(member))
    try:
        return await communicator.connect(timeout=WAIT)
    finally:
        await communicator.disconnect()


def _settled(pseudonym: str, **extra):
    """A member who joined a month ago, so new-member rules add no items of their own."""
    return MemberFactory(
        pseudonym=pseudonym, date_joined=timezone.now() - timedelta(days=30), **extra
    )


def _post(member, group, body: str = URGENT_TEXT):
    return group_services.chat_message_post(actor=member, group=group, body=body).message


def _item_of(message) -> QueueItem:
    return QueueItem.objects.get(object_id=message.pk, content_type__model="chatmessage")


post = sync(_post)


@pytest.fixture
def group_a(db):
    return GroupFactory(slug="anxious-mornings", name="Anxious mornings")


@pytest.fixture
def group_b(db):
    return GroupFactory(slug="after-the-breakup", name="After the breakup")


@pytest.fixture
def writer_a(group_a):
    writer = _settled("Ash Writer")
    MembershipFactory(group=group_a, member=writer)
    return writer


@pytest.fixture
def writer_b(group_b):
    writer = _settled("Bea Writer")
    MembershipFactory(group=group_b, member=writer)
    return writer


@pytest.fixture
def facilitator_a(group_a):
    facilitator = _settled("Fran Facilitator")
    MembershipFactory(group=group_a, member=facilitator, role=Membership.Role.FACILITATOR)
    return facilitator


@pytest.fixture
def second_moderator(db):
    return _settled("Max Moderator", is_moderator=True)


# ------------------------------------------------------------------------------- who gets in


async def test_visitor_is_refused_before_the_handshake_is_accepted():
    assert await refusal() == (False, 4403)


async def test_member_is_refused(member):
    assert await refusal(member) == (False, 4403)


async def test_ordinary_group_member_is_refused(writer_a):
    assert await refusal(writer_a) == (False, 4403)


async def test_former_facilitator_who_left_the_group_is_refused(group_a):
    former = await sync(_settled)("Former Facilitator")
    await sync(MembershipFactory)(
        group=group_a, member=former, role=Membership.Role.FACILITATOR, state="left"
    )

    assert await refusal(former) == (False, 4403)


async def test_inactive_moderator_is_refused(db):
    moderator = await sync(_settled)("Gone Moderator", is_moderator=True)
    # Logged in first, then deactivated: the session still names them.
    headers = await headers_for(moderator)
    moderator.is_active = False
    await sync(moderator.save)()

    communicator = WebsocketCommunicator(application, PATH, headers=headers)
    connected, code = await communicator.connect(timeout=WAIT)
    await communicator.disconnect()

    assert (connected, code) == (False, 4403)


async def test_moderator_gets_hello_with_the_queue_counts(moderator, group_a, writer_a):
    await post(writer_a, group_a)
    communicator = WebsocketCommunicator(application, PATH, headers=await headers_for(moderator))
    connected, _ = await communicator.connect(timeout=WAIT)
    assert connected

    hello = await communicator.receive_json_from(timeout=WAIT)
    await communicator.disconnect()

    assert hello["type"] == "queue.hello"
    assert set(hello) == {"type", "counts"}
    assert hello["counts"]["urgent"] == 1
    assert hello["counts"]["tabs"]["open"] == 1
    assert hello["counts"]["tabs"]["crisis"] == 1
    assert hello["counts"]["overdue"] == 0


async def test_facilitator_hello_counts_only_their_groups_items(
    dashboards, moderator, group_a, group_b, writer_a, writer_b, facilitator_a
):
    await post(writer_b, group_b)
    await post(writer_b, group_b, CONCERN_TEXT)
    await post(writer_a, group_a)
    communicator = WebsocketCommunicator(
        application, PATH, headers=await headers_for(facilitator_a)
    )
    connected, _ = await communicator.connect(timeout=WAIT)
    assert connected

    hello = await communicator.receive_json_from(timeout=WAIT)
    await communicator.disconnect()

    assert hello["counts"]["urgent"] == 1
    assert hello["counts"]["tabs"]["open"] == 1


# ------------------------------------------------------------------------- live queue changes


async def test_new_urgent_chat_message_reaches_the_moderator_at_the_top_of_the_queue(
    dashboards, moderator, group_a, writer_a
):
    dashboard = await dashboards(moderator)

    message = await post(writer_a, group_a)
    frame = await dashboard.next()

    item = await sync(_item_of)(message)
    assert frame["type"] == "queue.changed"
    assert frame["event"] == "new"
    assert frame["item"]["id"] == item.pk
    assert frame["item"]["priority"] == 0
    assert frame["item"]["reason"] == "crisis_urgent"
    assert frame["item"]["is_crisis"] is True
    assert frame["item"]["state"] == "open"
    assert frame["item"]["group"] == group_a.slug
    assert frame["item"]["member"] == "Ash Writer"
    assert frame["counts"]["urgent"] == 1
    assert await dashboard.silent()


async def test_claim_and_resolve_by_another_moderator_reach_the_moderator_live(
    dashboards, moderator, second_moderator, group_a, writer_a
):
    dashboard = await dashboards(moderator)
    message = await post(writer_a, group_a)
    assert (await dashboard.next())["event"] == "new"
    item = await sync(_item_of)(message)

    await sync(moderation_services.queue_item_claim)(actor=second_moderator, item=item)
    claimed = await dashboard.next()

    assert claimed["event"] == "claimed"
    assert claimed["item"]["id"] == item.pk
    assert claimed["item"]["state"] == "claimed"
    assert claimed["item"]["claimed_by"] == "Max Moderator"

    # Removing the words leaves the crisis item open; the moderator's own answer closes it.
    await sync(moderation_services.content_remove)(
        actor=second_moderator, content=message, reason="It names a method."
    )
    await sync(moderation_services.queue_item_resolve)(
        actor=second_moderator,
        item=item,
        resolution="support_offered",
        note="Reached out with the helplines.",
    )
    resolved = await dashboard.next()

    assert resolved["event"] == "resolved"
    assert resolved["item"]["id"] == item.pk
    assert resolved["item"]["state"] == "resolved"
    assert resolved["item"]["resolution"] == "support_offered"
    assert resolved["counts"]["urgent"] == 0
    assert resolved["counts"]["tabs"]["open"] == 0
    assert await dashboard.silent()


async def test_facilitator_hears_of_their_groups_items_and_nothing_of_other_items(
    dashboards, moderator, group_a, group_b, writer_a, writer_b, facilitator_a
):
    watching = await dashboards(moderator)
    facilitating = await dashboards(facilitator_a)

    # An item in another group, and one with no group at all (profile text).
    await post(writer_b, group_b)
    await sync(community_services.member_about_update)(actor=writer_b, text=URGENT_TEXT)
    assert [(await watching.next())["event"] for _ in range(2)] == ["new", "new"]
    assert await facilitating.silent()

    message = await post(writer_a, group_a)
    item = await sync(_item_of)(message)
    frame = await facilitating.next()

    assert frame["event"] == "new"
    assert frame["item"]["id"] == item.pk
    assert frame["item"]["group"] == group_a.slug
    assert frame["counts"]["urgent"] == 1  # their group's item only
    assert frame["counts"]["tabs"]["open"] == 1
    assert await facilitating.silent()
    assert facilitating.frames[1:] == [frame]


async def test_facilitator_does_not_hear_of_claims_in_other_groups(
    dashboards, moderator, second_moderator, group_b, writer_b, facilitator_a
):
    message = await post(writer_b, group_b)
    item = await sync(_item_of)(message)
    facilitating = await dashboards(facilitator_a)

    await sync(moderation_services.queue_item_claim)(actor=second_moderator, item=item)

    assert await facilitating.silent()


async def test_moderator_who_also_facilitates_hears_of_a_group_item_once(
    dashboards, group_a, writer_a
):
    both = await sync(_settled)("Both Roles", is_moderator=True)
    await sync(MembershipFactory)(group=group_a, member=both, role=Membership.Role.FACILITATOR)
    dashboard = await dashboards(both)

    await post(writer_a, group_a)

    assert (await dashboard.next())["event"] == "new"
    assert await dashboard.silent()


async def test_facilitator_demoted_while_connected_hears_nothing_and_is_closed(
    dashboards, group_a, writer_a, facilitator_a
):
    dashboard = await dashboards(facilitator_a)
    await sync(Membership.objects.filter(member=facilitator_a, group=group_a).update)(
        role=Membership.Role.MEMBER
    )

    await post(writer_a, group_a)

    assert await dashboard.closed_with() == 4403
    assert dashboard.frames == [{"type": "queue.hello", "counts": dashboard.frames[0]["counts"]}]


async def test_facilitator_relieved_of_one_group_hears_nothing_more_of_it(
    dashboards, group_a, group_b, writer_a, writer_b, facilitator_a
):
    await sync(MembershipFactory)(
        group=group_b, member=facilitator_a, role=Membership.Role.FACILITATOR
    )
    dashboard = await dashboards(facilitator_a)
    await sync(Membership.objects.filter(member=facilitator_a, group=group_a).update)(
        role=Membership.Role.MEMBER
    )

    await post(writer_a, group_a)
    assert await dashboard.silent()
    message = await post(writer_b, group_b)
    frame = await dashboard.next()

    assert frame["item"]["id"] == (await sync(_item_of)(message)).pk
    assert frame["counts"]["tabs"]["open"] == 1  # group A's item is not counted
    assert await dashboard.silent()


async def test_moderator_deactivated_while_connected_is_closed_at_the_next_change(
    dashboards, moderator, group_a, writer_a
):
    dashboard = await dashboards(moderator)
    moderator.is_active = False
    await sync(moderator.save)()

    await post(writer_a, group_a)

    assert await dashboard.closed_with() == 4403


async def test_moderator_demoted_while_connected_is_closed_when_asking_for_counts(
    dashboards, moderator
):
    dashboard = await dashboards(moderator)
    moderator.is_moderator = False
    await sync(moderator.save)()

    await dashboard.send({"type": "counts"})

    assert await dashboard.closed_with() == 4403


# ------------------------------------------------------------------------ frames from clients


async def test_ping_is_answered_with_pong(dashboards, moderator):
    dashboard = await dashboards(moderator)

    await dashboard.send({"type": "ping"})

    assert await dashboard.next() == {"type": "pong"}


async def test_counts_frame_is_answered_with_the_current_counts(
    dashboards, moderator, group_a, writer_a
):
    dashboard = await dashboards(moderator)
    await post(writer_a, group_a)
    await dashboard.next()

    await dashboard.send({"type": "counts"})
    answer = await dashboard.next()

    assert answer["type"] == "queue.counts"
    assert answer["counts"]["urgent"] == 1
    assert answer["counts"]["tabs"]["crisis"] == 1


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "resolve", "item_id": 1},
        {"kind": "ping"},
        {"type": ["ping"]},
        ["ping"],
        "null",
        '"ping"',
        "not json at all",
        json.dumps({"type": "ping", "padding": "x" * MAX_FRAME_BYTES}),
    ],
    ids=[
        "unknown-type",
        "no-type",
        "type-not-text",
        "a-list",
        "null",
        "a-string",
        "not-json",
        "oversized",
    ],
)
async def test_bad_frame_is_answered_with_an_error_and_the_socket_stays_open(
    dashboards, moderator, frame
):
    dashboard = await dashboards(moderator)

    await dashboard.send(frame)
    error = await dashboard.next()
    await dashboard.send({"type": "ping"})

    assert error["type"] == "error"
    assert error["code"] == "bad_frame"
    assert isinstance(error["detail"], str) and error["detail"]
    assert await dashboard.next() == {"type": "pong"}


async def test_binary_frame_is_answered_with_an_error_and_the_socket_stays_open(
    dashboards, moderator
):
    dashboard = await dashboards(moderator)

    await dashboard.communicator.send_to(bytes_data=b'{"type": "ping"}')
    error = await dashboard.next()
    await dashboard.send({"type": "ping"})

    assert (error["type"], error["code"]) == ("error", "bad_frame")
    assert await dashboard.next() == {"type": "pong"}


async def test_frames_are_answered_in_order(dashboards, moderator):
    dashboard = await dashboards(moderator)

    for _ in range(3):
        await dashboard.send({"type": "ping"})
    await dashboard.send({"type": "counts"})
    answers = [await dashboard.next() for _ in range(4)]

    assert [answer["type"] for answer in answers] == ["pong", "pong", "pong", "queue.counts"]
    assert await dashboard.silent()
