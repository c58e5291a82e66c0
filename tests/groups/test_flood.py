"""A chat socket's frame budget (groups/flood.py): frames past it are answered at once without
database work, a refused message keeps its local_id so the member can send it again, and the
room goes on for everyone else."""

from __future__ import annotations

import pytest
from django.test import override_settings

from groups import consumers
from groups.flood import FrameBudget
from groups.models import ChatMessage
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.groups.test_consumers import join, sockets  # noqa: F401  (fixture)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_a_steady_rate():
    clock = Clock()
    budget = FrameBudget(3, 2.0, clock=clock)

    assert [budget.take() for _ in range(4)] == [0, 0, 0, 1]
    clock.now += 0.5  # one frame's worth (2 a second)
    assert budget.take() == 0
    assert budget.take() == 1
    clock.now += 60  # never more than the burst saved up
    assert [budget.take() for _ in range(4)] == [0, 0, 0, 1]


def test_the_wait_is_whole_seconds_and_at_least_one():
    clock = Clock()
    budget = FrameBudget(1, 0.25, clock=clock)  # one frame every 4 s
    assert budget.take() == 0
    assert budget.take() == 4
    clock.now += 3.5
    assert budget.take() == 1


@pytest.fixture
def room(db):
    return GroupFactory(slug="flood-room", name="Flood room")


@pytest.fixture
def flooder(room):
    member = MemberFactory(pseudonym="Flo Flood")
    MembershipFactory(group=room, member=member)
    return member


@pytest.fixture
def reader(room):
    member = MemberFactory(pseudonym="Rae Reader")
    MembershipFactory(group=room, member=member)
    return member


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@override_settings(CHAT_FRAME_BUDGET=(5, 0.01), MODERATION_RATE_LIMITS={"chat": (100, 30)})
async def test_a_flood_is_answered_without_database_work_and_others_chat_on(
    sockets,  # noqa: F811
    room,
    flooder,
    reader,
    monkeypatch,
):
    from channels.db import database_sync_to_async

    posted = []
    real_post = consumers.post_message

    def counting_post(*args, **kwargs):
        posted.append(kwargs["local_id"])
        return real_post(*args, **kwargs)

    monkeypatch.setattr(consumers, "post_message", counting_post)
    flood = await join(sockets, flooder, room)
    other = await join(sockets, reader, room)

    for number in range(200):
        await flood.send(
            {"type": "message.send", "body": f"again {number}", "local_id": f"f{number}"}
        )
    refusals = [await flood.next("error") for _ in range(195)]

    assert {frame["code"] for frame in refusals} == {"rate_limited"}
    assert [frame["local_id"] for frame in refusals] == [f"f{n}" for n in range(5, 200)]
    assert all(frame["retry_after"] >= 1 for frame in refusals)
    # Only the budget's burst reached the pipeline (and the database).
    assert posted == [f"f{n}" for n in range(5)]
    seen = [await other.next("message.new") for _ in range(5)]
    assert [frame["message"]["local_id"] for frame in seen] == posted
    assert await database_sync_to_async(ChatMessage.objects.count)() == 5

    # Typing past the budget is dropped without an answer; the other socket is unaffected.
    await flood.send({"type": "typing"})
    assert await flood.communicator.receive_nothing(timeout=0.3)
    await other.send({"type": "message.send", "body": "I'm still here.", "local_id": "r1"})
    assert (await other.next("ack"))["seq"] == 6
