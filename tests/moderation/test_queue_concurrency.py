"""Two moderators acting on the same queue item at the same moment, from two threads with their
own database connections (so real transactions and row locks meet): exactly one wins, the other
is told why, and the audit log and live events record the change once.

Run on SQLite (the default) and on PostgreSQL (DATABASE_URL=postgres://...)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from groups.models import ChatMessage
from moderation import broadcast, dashboard_services
from moderation import services as moderation_services
from moderation.models import (
    ContentStatus,
    CrisisStep,
    ModerationAction,
    QueueItem,
    Signpost,
    SupportMessage,
)
from moderation.services import ModerationConflict
from tests.factories import GroupFactory, MembershipFactory
from tests.moderation.test_queue_selectors import chat, queue, settled

pytestmark = pytest.mark.django_db(transaction=True)

Reason = QueueItem.Reason
Verb = ModerationAction.Verb
ROUNDS = 3
TIMEOUT = 30


class Outcome:
    def __init__(self) -> None:
        self.value = None
        self.error: BaseException | None = None


def race(*calls: Callable[[], object]) -> list[Outcome]:
    """Run `calls` at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(call, outcome: Outcome) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            outcome.value = call()
        except BaseException as error:
            outcome.error = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(call, outcome), daemon=True)
        for call, outcome in zip(calls, outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a racer never finished (deadlock?)"
    return outcomes


def one_winner(outcomes: list[Outcome]) -> tuple[int, ModerationConflict]:
    """The index of the one racer that succeeded, and the conflict the other was told."""
    errors = [outcome.error for outcome in outcomes]
    unexpected = [e for e in errors if e is not None and not isinstance(e, ModerationConflict)]
    assert not unexpected, f"the loser must be told kindly, not crash: {unexpected!r}"
    winners = [index for index, error in enumerate(errors) if error is None]
    assert len(winners) == 1, f"exactly one must win: {errors!r}"
    [conflict] = [error for error in errors if error is not None]
    assert str(conflict), "the loser is told what happened"
    return winners[0], conflict


class ThreadSafeLayer:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group: str, message: dict) -> None:
        with self.lock:
            self.sent.append((group, message))

    def events(self, item_id: int) -> list[str]:
        return [
            message["event"]
            for group, message in self.sent
            if group == broadcast.ALL_ITEMS and message.get("item_id") == item_id
        ]


@pytest.fixture
def layer(monkeypatch):
    recording = ThreadSafeLayer()
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: recording)
    return recording


@pytest.fixture
def room(db):
    return GroupFactory(slug="anxious-mornings", name="Anxious mornings")


@pytest.fixture
def writer(room):
    member = settled("Ash Writer")
    MembershipFactory(group=room, member=member)
    return member


@pytest.fixture
def moderators(db):
    return settled("Mo First", is_moderator=True), settled("Max Second", is_moderator=True)


@pytest.fixture
def no_member_frames(monkeypatch):
    from groups import broadcast as group_broadcast

    monkeypatch.setattr(group_broadcast, "member_support", lambda member_id, payload: None)


def _concern(writer, room) -> QueueItem:
    return queue(
        chat(writer, room, "Everyone would be better off without me"), Reason.CRISIS_CONCERN
    )


# ---------------------------------------------------------------------------------- tests


def test_two_moderators_resolve_the_same_item_at_once_and_exactly_one_wins(
    moderators, writer, room, layer
):
    for _round in range(ROUNDS):
        item = _concern(writer, room)
        first, second = moderators

        outcomes = race(
            *[
                lambda who=who, item=item: moderation_services.queue_item_resolve(
                    actor=who, item=item, resolution="support_offered", note=f"{who} reached out."
                )
                for who in (first, second)
            ]
        )

        winner, conflict = one_winner(outcomes)
        assert "already been resolved" in str(conflict)
        item.refresh_from_db()
        assert item.state == QueueItem.State.RESOLVED
        assert item.resolved_by == moderators[winner]
        assert item.resolution_note == f"{moderators[winner]} reached out."
        rows = ModerationAction.objects.filter(queue_item=item, verb=Verb.QUEUE_RESOLVED)
        assert [row.actor for row in rows] == [moderators[winner]]
        assert layer.events(item.pk) == ["resolved"]


def test_two_moderators_claim_the_same_item_at_once_and_the_other_is_told_who_has_it(
    moderators, writer, room, layer
):
    for _round in range(ROUNDS):
        item = _concern(writer, room)

        outcomes = race(
            *[
                lambda who=who, item=item: moderation_services.queue_item_claim(
                    actor=who, item=item
                )
                for who in moderators
            ]
        )

        winner, conflict = one_winner(outcomes)
        assert f"{moderators[winner]} is already working on this" in str(conflict)
        item.refresh_from_db()
        assert (item.state, item.claimed_by) == (QueueItem.State.CLAIMED, moderators[winner])
        rows = ModerationAction.objects.filter(queue_item=item, verb=Verb.QUEUE_CLAIMED)
        assert [row.actor for row in rows] == [moderators[winner]]
        assert layer.events(item.pk) == ["claimed"]


def test_a_claim_racing_a_resolve_leaves_one_consistent_outcome(moderators, writer, room, layer):
    resolver, claimer = moderators
    for _round in range(ROUNDS):
        item = _concern(writer, room)

        outcomes = race(
            lambda item=item: moderation_services.queue_item_resolve(
                actor=resolver, item=item, resolution="no_action", note="Checked with them."
            ),
            lambda item=item: moderation_services.queue_item_claim(actor=claimer, item=item),
        )

        winner, _conflict = one_winner(outcomes)
        item.refresh_from_db()
        if winner == 0:
            assert (item.state, item.claimed_by) == (QueueItem.State.RESOLVED, None)
            assert layer.events(item.pk) == ["resolved"]
        else:
            assert (item.state, item.claimed_by) == (QueueItem.State.CLAIMED, claimer)
            assert layer.events(item.pk) == ["claimed"]
        assert ModerationAction.objects.filter(queue_item=item).count() == 1


def test_two_moderators_remove_the_same_message_at_once(moderators, writer, room, layer):
    for _round in range(ROUNDS):
        message = chat(writer, room, "Here is where you can buy pills cheap")
        item = queue(message, Reason.REPORT)

        outcomes = race(
            *[
                lambda who=who, message=message: moderation_services.content_remove(
                    actor=who, content=message, reason=f"Advertising ({who})."
                )
                for who in moderators
            ]
        )

        winner, conflict = one_winner(outcomes)
        assert "already been taken down" in str(conflict)
        message.refresh_from_db()
        assert message.status == ContentStatus.REMOVED
        assert message.removal_reason == f"Advertising ({moderators[winner]})."
        removals = ModerationAction.objects.filter(verb=Verb.CONTENT_REMOVED, object_id=message.pk)
        assert [row.actor for row in removals] == [moderators[winner]]
        item.refresh_from_db()
        assert (item.state, item.resolved_by) == (QueueItem.State.RESOLVED, moderators[winner])
        assert layer.events(item.pk) == ["resolved"]
    assert ChatMessage.objects.filter(status=ContentStatus.REMOVED).count() == ROUNDS


def test_two_moderators_approve_the_same_held_message_at_once_and_it_gets_one_seq(
    moderators, writer, room, layer
):
    for _round in range(ROUNDS):
        message = chat(writer, room, "Hello everyone", status=ContentStatus.HELD)
        item = queue(message, Reason.NEW_MEMBER)

        outcomes = race(
            *[
                lambda who=who, item=item: dashboard_services.queue_items_bulk_approve(
                    actor=who, item_ids=[item.pk]
                )
                for who in moderators
            ]
        )

        assert [outcome.error for outcome in outcomes] == [None, None]
        done = [outcome.value.done for outcome in outcomes]
        assert sorted(done) == [[], [item.pk]], "one approves, the other is told it's done"
        message.refresh_from_db()
        assert message.status == ContentStatus.PUBLISHED and message.seq is not None
        approvals = ModerationAction.objects.filter(
            verb=Verb.CONTENT_APPROVED, object_id=message.pk
        )
        assert approvals.count() == 1
        assert layer.events(item.pk) == ["resolved"]
    seqs = list(ChatMessage.objects.values_list("seq", flat=True).order_by("seq"))
    assert seqs == list(range(1, ROUNDS + 1))


def test_two_moderators_confirm_the_signpost_at_once(moderators, writer, room, no_member_frames):
    for _round in range(ROUNDS):
        item = _concern(writer, room)

        outcomes = race(
            *[
                lambda who=who, item=item: dashboard_services.crisis_signpost_confirm(
                    actor=who, item=item
                )
                for who in moderators
            ]
        )

        winner, conflict = one_winner(outcomes)
        assert "already recorded" in str(conflict)
        step = CrisisStep.objects.get(queue_item=item)
        assert step.done_by == moderators[winner]
        assert Signpost.objects.filter(object_id=item.object_id).count() == 1


def test_two_support_messages_at_once_both_arrive_and_tick_the_step_once(
    moderators, writer, room, no_member_frames
):
    for _round in range(ROUNDS):
        item = _concern(writer, room)

        outcomes = race(
            *[
                lambda who=who, item=item: dashboard_services.support_message_send(
                    actor=who, item=item, text=f"From {who}: we're here."
                )
                for who in moderators
            ]
        )

        assert [outcome.error for outcome in outcomes] == [None, None]
        assert SupportMessage.objects.filter(queue_item=item).count() == 2
        assert CrisisStep.objects.filter(queue_item=item).count() == 1
