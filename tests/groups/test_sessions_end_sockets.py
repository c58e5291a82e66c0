"""When a member's sessions end (community.sessions), their open sockets close with 4401: chat
rooms and the moderation dashboard, by the `member.signed_out` event or, if that event was
lost, at the next standing check. Driven through the real ASGI application with the in-memory
layer; tests/groups/test_cross_process.py does the same across two daphne processes."""

from __future__ import annotations

import pytest
from channels.layers import get_channel_layer

from community.models import Member
from community.sessions import member_sessions_end
from groups.broadcast import member_channel_group
from tests.factories import GroupFactory, MembershipFactory
from tests.groups.test_consumers import headers_for as chat_headers
from tests.groups.test_consumers import join, refusal_code, room_path, sockets, sync  # noqa: F401
from tests.moderation.test_consumers import dashboards  # noqa: F401

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def group(db):
    return GroupFactory(slug="evenings")


@pytest.fixture
def two_members(group, member, other_member):
    for person in (member, other_member):
        MembershipFactory(group=group, member=person)
    return member, other_member


async def test_every_chat_socket_of_the_member_closes_and_no_one_elses(sockets, group, two_members):  # noqa: F811
    member, other = two_members
    first = await join(sockets, member, group)
    second = await join(sockets, member, group)
    bystander = await join(sockets, other, group)
    headers = await chat_headers(member)  # the session cookie the sockets opened with
    await sync(member_sessions_end)(member=member)
    assert await first.closed_with() == 4401
    assert await second.closed_with() == 4401
    await bystander.send({"type": "sync", "after_seq": 0})
    await bystander.drain()  # fails if the socket was closed
    # The old session can't open a new socket.
    assert await refusal_code(room_path(group), headers) == 4401


async def test_a_lost_sign_out_event_is_caught_at_the_next_standing_check(
    sockets,  # noqa: F811
    group,
    two_members,
):
    member, _other = two_members
    socket = await join(sockets, member, group)
    # The generation changes but the event never comes (as if the layer dropped it) ...
    await sync(Member.objects.filter(pk=member.pk).update)(session_generation=99)
    # ... until the heartbeat's check, which a `chat.recheck` event runs now.
    await get_channel_layer().group_send(member_channel_group(member.pk), {"type": "chat.recheck"})
    assert await socket.closed_with() == 4401


async def test_the_moderation_dashboard_closes_when_the_moderators_sessions_end(
    dashboards,  # noqa: F811
    moderator,
):
    dashboard = await dashboards(moderator)
    await sync(member_sessions_end)(member=moderator)
    assert await dashboard.closed_with() == 4401


async def test_deleting_the_account_closes_its_sockets_at_once(sockets, group, two_members):  # noqa: F811
    from community.account_services import ErasureChoices, member_erase
    from tests.factories import TEST_PASSWORD

    member, _other = two_members
    socket = await join(sockets, member, group)
    await sync(member_erase)(actor=member, password=TEST_PASSWORD, choices=ErasureChoices())
    assert await socket.closed_with() == 4401


async def test_deleted_messages_leave_the_open_room_at_once(sockets, group, two_members):  # noqa: F811
    from community.account_services import ErasureChoices, member_erase
    from groups import services
    from tests.factories import TEST_PASSWORD

    member, other = two_members
    posted = await sync(services.chat_message_post)(
        actor=member, group=group, body="Goodnight, everyone.", local_id="n-1"
    )
    reader = await join(sockets, other, group)
    await sync(member_erase)(actor=member, password=TEST_PASSWORD, choices=ErasureChoices())
    removed = await reader.next("message.removed")
    assert (removed["id"], removed["seq"]) == (posted.message.pk, posted.message.seq)


@pytest.mark.parametrize(
    ("change", "code"), [({"session_generation": 7}, 4401), ({"is_moderator": False}, 4403)]
)
async def test_the_dashboard_checks_its_standing_without_any_event(
    dashboards,  # noqa: F811
    moderator,
    monkeypatch,
    change,
    code,
):
    from moderation import consumers

    monkeypatch.setattr(consumers, "STANDING_CHECK_SECONDS", 0.2)
    dashboard = await dashboards(moderator)
    # No event at all: as if it were lost, or the change sent none.
    await sync(Member.objects.filter(pk=moderator.pk).update)(**change)
    assert await dashboard.closed_with() == code
