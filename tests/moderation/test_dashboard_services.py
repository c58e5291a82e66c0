"""moderation.dashboard_services (notes, bulk decisions, the crisis checklist, supportive
messages, templates), the crisis-resolution rule in moderation.services, the live queue events
sent after commit, and supportive messages in a member's notifications."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from community import forum_selectors
from community.models import Notification
from groups import broadcast as group_broadcast
from groups import services as group_services
from groups.models import ChatMessage, Membership
from moderation import broadcast, dashboard_services
from moderation import services as moderation_services
from moderation.dashboard_services import MAX_BULK_ITEMS
from moderation.models import (
    ContentStatus,
    CrisisStep,
    ModerationAction,
    QueueItem,
    QueueNote,
    ReplyTemplate,
    Report,
    Signpost,
    SupportMessage,
)
from moderation.services import ModerationConflict
from tests.factories import CrisisResourceFactory, GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import URGENT_TEXT
from tests.moderation.test_queue_selectors import (
    chat,
    facilitate,
    profile,
    queue,
    settled,
    story,
)

pytestmark = pytest.mark.django_db

Reason = QueueItem.Reason
State = QueueItem.State
Verb = ModerationAction.Verb


# -------------------------------------------------------------------------------- fixtures


@pytest.fixture
def group_a(db):
    return GroupFactory(slug="anxious-mornings", name="Anxious mornings")


@pytest.fixture
def group_b(db):
    return GroupFactory(slug="after-the-breakup", name="After the breakup")


@pytest.fixture
def writer(group_a, group_b):
    member = settled("Ash Writer", country="GB")
    MembershipFactory(group=group_a, member=member)
    MembershipFactory(group=group_b, member=member)
    return member


@pytest.fixture
def reporter(group_a, group_b):
    member = settled("Rae Reporter")
    MembershipFactory(group=group_a, member=member)
    MembershipFactory(group=group_b, member=member)
    return member


@pytest.fixture
def facilitator_a(group_a):
    member = settled("Fran Facilitator")
    facilitate(member, group_a)
    return member


@pytest.fixture
def second_moderator(db):
    return settled("Max Moderator", is_moderator=True)


@pytest.fixture
def helplines(db):
    return [CrisisResourceFactory(country_code="GB", service_name="Calm Line")]


@pytest.fixture
def told(monkeypatch):
    """What reached a member's open chat sockets (groups.broadcast.member_support)."""
    frames: list[tuple[int, dict]] = []
    monkeypatch.setattr(
        group_broadcast,
        "member_support",
        lambda member_id, payload: frames.append((member_id, payload)),
    )
    return frames


class RecordingLayer:
    """Stands in for the channel layer: keeps what was sent to which channel group."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group: str, message: dict) -> None:
        self.sent.append((group, message))

    def events(self) -> list[tuple[str, int, str]]:
        return [
            (group, message["item_id"], message["event"])
            for group, message in self.sent
            if message.get("type") == "queue.changed"
        ]


@pytest.fixture
def layer(monkeypatch):
    recording = RecordingLayer()
    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: recording)
    monkeypatch.setattr(group_broadcast, "get_channel_layer", lambda: recording)
    return recording


def _crisis_item(writer, group, *, reason=Reason.CRISIS_URGENT):
    status = ContentStatus.HELD if reason == Reason.CRISIS_URGENT else None
    return queue(chat(writer, group, "I can't do this any more", status=status), reason)


def _reported(writer, group, reporter, *, reason="harassment"):
    message = chat(writer, group, "You're all pathetic")
    moderation_services.content_report(actor=reporter, content=message, reason=reason)
    return message, QueueItem.objects.get(object_id=message.pk, content_type__model="chatmessage")


def _held(writer, group, reason=Reason.REVIEW):
    return queue(chat(writer, group, "First post, hello!", status=ContentStatus.HELD), reason)


def _verbs(**filters) -> list[str]:
    return list(
        ModerationAction.objects.filter(**filters).order_by("pk").values_list("verb", flat=True)
    )


# ----------------------------------------------------------------------------------- notes


def test_moderator_adds_an_internal_note_with_an_audit_row(moderator, writer, group_a):
    item = _held(writer, group_a)

    note = dashboard_services.queue_note_add(actor=moderator, item=item, text="  Known spammer.  ")

    assert (note.queue_item, note.author, note.text) == (item, moderator, "Known spammer.")
    row = ModerationAction.objects.get(verb=Verb.NOTE_ADDED)
    assert (row.actor, row.member, row.queue_item) == (moderator, writer, item)
    assert row.details == {"note": note.pk}


def test_facilitator_adds_a_note_in_their_group(facilitator_a, writer, group_a):
    item = _held(writer, group_a)

    dashboard_services.queue_note_add(actor=facilitator_a, item=item, text="I know them.")

    assert QueueNote.objects.get().author == facilitator_a


@pytest.mark.parametrize("text", ["", "   \n ", None, "x" * (QueueNote.MAX_TEXT_LENGTH + 1)])
def test_empty_or_oversized_note_is_refused(moderator, writer, group_a, text):
    item = _held(writer, group_a)

    with pytest.raises(ValidationError) as refused:
        dashboard_services.queue_note_add(actor=moderator, item=item, text=text)

    assert "text" in refused.value.message_dict
    assert not QueueNote.objects.exists()
    assert not ModerationAction.objects.exists()


def test_a_note_of_exactly_the_limit_is_kept(moderator, writer, group_a):
    item = _held(writer, group_a)

    note = dashboard_services.queue_note_add(
        actor=moderator, item=item, text="x" * QueueNote.MAX_TEXT_LENGTH
    )

    assert len(note.text) == QueueNote.MAX_TEXT_LENGTH


@pytest.mark.parametrize("who", ["facilitator_of_other_group", "member", "inactive_moderator"])
def test_note_out_of_scope_is_permission_denied(facilitator_a, writer, group_b, who):
    item = _held(writer, group_b)
    actor = {"facilitator_of_other_group": facilitator_a, "member": writer}.get(who)
    if actor is None:
        actor = MemberFactory(is_active=False, is_moderator=True)

    with pytest.raises(PermissionDenied):
        dashboard_services.queue_note_add(actor=actor, item=item, text="Sneaky.")

    assert not QueueNote.objects.exists()


def test_group_less_item_is_out_of_every_facilitators_scope(facilitator_a, writer):
    item = queue(profile(writer), Reason.CRISIS_CONCERN)

    for action in (
        lambda: dashboard_services.queue_note_add(actor=facilitator_a, item=item, text="Hi"),
        lambda: dashboard_services.support_message_send(actor=facilitator_a, item=item, text="Hi"),
        lambda: dashboard_services.crisis_signpost_confirm(actor=facilitator_a, item=item),
        lambda: dashboard_services.crisis_follow_up_note(actor=facilitator_a, item=item, note="x"),
    ):
        with pytest.raises(PermissionDenied):
            action()
    assert not ModerationAction.objects.exists()


# ---------------------------------------------------------------------------- bulk approve


def test_bulk_approve_publishes_held_items_and_skips_the_rest_with_reasons(
    moderator, writer, group_a, group_b, facilitator_a
):
    first, second = _held(writer, group_a), _held(writer, group_a, Reason.NEW_MEMBER)
    crisis = _crisis_item(writer, group_a)
    resolved = queue(chat(writer, group_a), Reason.REPORT, state=State.RESOLVED)
    elsewhere = _held(writer, group_b)

    result = dashboard_services.queue_items_bulk_approve(
        actor=facilitator_a,
        item_ids=[first.pk, crisis.pk, resolved.pk, elsewhere.pk, 987654, second.pk],
    )

    assert result.done == [first.pk, second.pk]
    assert set(result.skipped) == {crisis.pk, resolved.pk, elsewhere.pk, 987654}
    assert "Crisis items are never decided in bulk" in result.skipped[crisis.pk]
    assert "already been resolved" in result.skipped[resolved.pk]
    assert result.skipped[elsewhere.pk] == result.skipped[987654], "out of scope looks missing"
    assert "couldn't find" in result.skipped[elsewhere.pk]
    for item in (first, second):
        item.refresh_from_db()
        assert (item.state, item.resolution, item.resolved_by) == (
            State.RESOLVED,
            QueueItem.Resolution.APPROVED,
            facilitator_a,
        )
        assert item.content.status == ContentStatus.PUBLISHED
        assert item.content.seq is not None
    crisis.refresh_from_db()
    elsewhere.refresh_from_db()
    assert crisis.state == State.OPEN and crisis.content.status == ContentStatus.HELD
    assert elsewhere.state == State.OPEN and elsewhere.content.status == ContentStatus.HELD
    assert _verbs(verb=Verb.CONTENT_APPROVED) == ["content_approved"] * 2


@pytest.mark.parametrize(
    "reason", [Reason.CRISIS_URGENT, Reason.CRISIS_CONCERN, Reason.SOMEONE_ELSE]
)
def test_no_crisis_reason_is_ever_decided_in_bulk(moderator, writer, group_a, reason):
    item = _crisis_item(writer, group_a, reason=reason)

    approved = dashboard_services.queue_items_bulk_approve(actor=moderator, item_ids=[item.pk])
    resolved = dashboard_services.queue_items_bulk_resolve(
        actor=moderator, item_ids=[item.pk], note="Looked fine."
    )

    assert approved.done == resolved.done == []
    assert item.pk in approved.skipped and item.pk in resolved.skipped
    item.refresh_from_db()
    assert item.state == State.OPEN
    assert not ModerationAction.objects.exclude(verb=Verb.CONTENT_REPORTED).exists()


def test_bulk_approve_tells_reporters_the_outcome(moderator, writer, group_a, reporter):
    _message, item = _reported(writer, group_a, reporter)

    result = dashboard_services.queue_items_bulk_approve(actor=moderator, item_ids=[item.pk])

    assert result.done == [item.pk]
    report = Report.objects.get()
    assert report.outcome == Report.Outcome.APPROVED
    assert report.outcome_at is not None


def test_one_failing_item_does_not_undo_the_others(moderator, writer, group_a):
    first = _held(writer, group_a)
    broken = _held(writer, group_a)
    last = _held(writer, group_a)
    # Taken down meanwhile (its item left open): approving it must fail on its own.
    ChatMessage.objects.filter(pk=broken.object_id).update(status=ContentStatus.REMOVED)

    result = dashboard_services.queue_items_bulk_approve(
        actor=moderator, item_ids=[first.pk, broken.pk, last.pk]
    )

    assert result.done == [first.pk, last.pk]
    assert "restore it instead" in result.skipped[broken.pk]
    assert QueueItem.objects.filter(state=State.RESOLVED).count() == 2
    broken.refresh_from_db()
    assert broken.state == State.OPEN


def test_bulk_approve_skips_appeals_and_stories_not_waiting(
    moderator, second_moderator, writer, group_a
):
    message = chat(writer, group_a, "Off topic")
    moderation_services.content_remove(actor=moderator, content=message, reason="Off topic.")
    appeal = moderation_services.appeal_submit(actor=writer, content=message, text="Please?")
    draft = story(writer)
    draft.state = "draft"
    draft.save()
    draft_item = queue(draft, Reason.REVIEW)

    result = dashboard_services.queue_items_bulk_approve(
        actor=second_moderator, item_ids=[appeal.queue_item_id, draft_item.pk]
    )

    assert result.done == []
    assert "one at a time" in result.skipped[appeal.queue_item_id]
    assert draft_item.pk in result.skipped


@pytest.mark.parametrize("count", [0, MAX_BULK_ITEMS + 1])
def test_bulk_needs_one_to_a_hundred_items(moderator, count):
    for action in (
        dashboard_services.queue_items_bulk_approve,
        dashboard_services.queue_items_bulk_resolve,
    ):
        with pytest.raises(ValidationError) as refused:
            action(actor=moderator, item_ids=list(range(1, count + 1)))
        assert "items" in refused.value.message_dict


def test_a_hundred_ids_are_accepted_and_repeats_count_once(moderator, writer, group_a):
    item = _held(writer, group_a)
    ids = [item.pk] * 150 + list(range(10_000, 10_099))

    result = dashboard_services.queue_items_bulk_approve(actor=moderator, item_ids=ids)

    assert result.done == [item.pk]
    assert len(result.skipped) == 99


def test_the_same_item_given_as_text_and_number_is_decided_once(moderator, writer, group_a):
    """Form posts send ids as text, JSON as numbers; one item must be approved (and logged)
    once, and the result keyed by its id whichever way it came."""
    item = _held(writer, group_a)

    result = dashboard_services.queue_items_bulk_approve(
        actor=moderator, item_ids=[str(item.pk), item.pk]
    )

    assert result.done == [item.pk]
    assert result.skipped == {}
    assert _verbs(verb=Verb.CONTENT_APPROVED) == ["content_approved"]


def test_bulk_approve_leaves_an_item_another_moderator_is_working_on(
    moderator, second_moderator, writer, group_a
):
    """Bulk decisions must respect a claim exactly as a single resolve does, or two people work
    the same item unknowingly."""
    item = _held(writer, group_a)
    moderation_services.queue_item_claim(actor=second_moderator, item=item)

    result = dashboard_services.queue_items_bulk_approve(actor=moderator, item_ids=[item.pk])

    assert result.done == []
    assert "Max Moderator" in result.skipped[item.pk]
    item.refresh_from_db()
    assert (item.state, item.claimed_by) == (State.CLAIMED, second_moderator)
    assert item.content.status == ContentStatus.HELD


def test_bulk_approve_of_a_report_never_closes_the_same_contents_crisis_item(
    moderator, writer, group_a, reporter
):
    """A post both flagged as a crisis concern and reported: approving the report in bulk must
    not close the crisis item with it (crisis items are never decided in bulk, and never closed
    without a note or a supportive message)."""
    message, report_item = _reported(writer, group_a, reporter)
    crisis = queue(message, Reason.CRISIS_CONCERN)

    result = dashboard_services.queue_items_bulk_approve(actor=moderator, item_ids=[report_item.pk])

    assert result.done == [report_item.pk]
    crisis.refresh_from_db()
    assert crisis.state == State.OPEN


# ---------------------------------------------------------------------------- bulk resolve


def test_bulk_resolve_closes_reports_as_no_action_and_tells_reporters(
    moderator, writer, group_a, reporter
):
    _message, first = _reported(writer, group_a, reporter)
    _message, second = _reported(writer, group_a, reporter)
    held = _held(writer, group_a)

    result = dashboard_services.queue_items_bulk_resolve(
        actor=moderator, item_ids=[first.pk, held.pk, second.pk], note="Banter between friends."
    )

    assert result.done == [first.pk, second.pk]
    assert "still held" in result.skipped[held.pk]
    for item in (first, second):
        item.refresh_from_db()
        assert (item.state, item.resolution, item.resolution_note) == (
            State.RESOLVED,
            QueueItem.Resolution.NO_ACTION,
            "Banter between friends.",
        )
    assert set(Report.objects.values_list("outcome", flat=True)) == {Report.Outcome.NO_ACTION}
    assert _verbs(verb=Verb.QUEUE_RESOLVED) == ["queue_resolved"] * 2


def test_bulk_resolve_skips_appeals_and_claims_of_others(
    moderator, second_moderator, writer, group_a, reporter
):
    message = chat(writer, group_a, "Off topic")
    moderation_services.content_remove(actor=second_moderator, content=message, reason="Off.")
    appeal = moderation_services.appeal_submit(actor=writer, content=message, text="Please?")
    _message, claimed = _reported(writer, group_a, reporter)
    moderation_services.queue_item_claim(actor=second_moderator, item=claimed)

    result = dashboard_services.queue_items_bulk_resolve(
        actor=moderator, item_ids=[appeal.queue_item_id, claimed.pk]
    )

    assert result.done == []
    assert "appeal" in result.skipped[appeal.queue_item_id]
    assert "Max Moderator is working on this" in result.skipped[claimed.pk]


def test_members_get_nothing_from_bulk_actions(writer, group_a, reporter):
    _message, item = _reported(writer, group_a, reporter)

    result = dashboard_services.queue_items_bulk_resolve(actor=reporter, item_ids=[item.pk])

    assert result.done == [] and set(result.skipped) == {item.pk}
    item.refresh_from_db()
    assert item.state == State.OPEN


# ------------------------------------------------------------------------ crisis checklist


def test_confirming_the_signpost_shows_help_when_none_was_shown(
    moderator, writer, group_a, reporter, helplines, told, django_capture_on_commit_callbacks
):
    """A member reported as at risk saw no help from the pipeline: confirming shows it now."""
    message, item = _reported(writer, group_a, reporter, reason="self_harm")
    assert item.reason == Reason.CRISIS_CONCERN
    assert not Signpost.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        step = dashboard_services.crisis_signpost_confirm(actor=moderator, item=item)

    signpost = Signpost.objects.get()
    assert (signpost.member, signpost.tier, signpost.content) == (writer, "concern", message)
    assert "Calm Line" in signpost.resources
    assert (step.step, step.done_by) == (CrisisStep.Step.SIGNPOST_CONFIRMED, moderator)
    assert "now" in step.note
    assert [member_id for member_id, _payload in told] == [writer.pk]
    payload = told[0][1]
    assert payload["type"] == "signpost"
    assert payload["tier"] == "concern"
    assert "Mo Moderator" not in str(payload)
    row = ModerationAction.objects.get(verb=Verb.CRISIS_STEP)
    assert (row.actor, row.member, row.queue_item) == (moderator, writer, item)
    assert row.details == {"step": "signpost_confirmed"}


def test_confirming_the_signpost_twice_is_a_conflict_and_shows_help_once(
    moderator,
    second_moderator,
    writer,
    group_a,
    reporter,
    told,
    django_capture_on_commit_callbacks,
):
    _message, item = _reported(writer, group_a, reporter, reason="self_harm")
    with django_capture_on_commit_callbacks(execute=True):
        dashboard_services.crisis_signpost_confirm(actor=moderator, item=item)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ModerationConflict) as c:
        dashboard_services.crisis_signpost_confirm(actor=second_moderator, item=item)

    assert "already recorded" in str(c.value)
    assert Signpost.objects.count() == 1
    assert CrisisStep.objects.count() == 1
    assert len(told) == 1
    assert _verbs(verb=Verb.CRISIS_STEP) == ["crisis_step"]


def test_confirming_when_the_pipeline_already_showed_help_adds_no_second_signpost(
    moderator, writer, group_a, told, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = group_services.chat_message_post(actor=writer, group=group_a, body=URGENT_TEXT)
    item = QueueItem.objects.get(reason=Reason.CRISIS_URGENT)
    assert Signpost.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        step = dashboard_services.crisis_signpost_confirm(actor=moderator, item=item)

    assert Signpost.objects.count() == 1
    assert Signpost.objects.get().content == message.message
    assert "had been shown" in step.note
    assert told == []


@pytest.mark.parametrize("reason", [Reason.REPORT, Reason.REVIEW, Reason.WATCHED_WORD])
def test_checklist_steps_are_only_for_crisis_items(moderator, writer, group_a, reason):
    item = queue(chat(writer, group_a), reason)

    for action in (
        lambda: dashboard_services.crisis_signpost_confirm(actor=moderator, item=item),
        lambda: dashboard_services.crisis_follow_up_note(actor=moderator, item=item, note="x"),
        lambda: dashboard_services.crisis_escalate(actor=moderator, item=item, note="x"),
    ):
        with pytest.raises(ModerationConflict, match="only for crisis"):
            action()
    assert not CrisisStep.objects.exists()
    assert not Signpost.objects.exists()


def test_follow_up_is_noted_once(moderator, second_moderator, writer, group_a):
    item = _crisis_item(writer, group_a, reason=Reason.CRISIS_CONCERN)

    step = dashboard_services.crisis_follow_up_note(
        actor=moderator, item=item, note="  Check in on Friday.  "
    )

    assert (step.step, step.note, step.done_by) == ("follow_up", "Check in on Friday.", moderator)
    with pytest.raises(ModerationConflict):
        dashboard_services.crisis_follow_up_note(actor=second_moderator, item=item, note="Again")
    assert ModerationAction.objects.get(verb=Verb.CRISIS_STEP).reason == "Check in on Friday."


@pytest.mark.parametrize("note", ["", "  ", "x" * (QueueNote.MAX_TEXT_LENGTH + 1)])
def test_follow_up_and_escalation_need_a_note_of_sensible_length(moderator, writer, group_a, note):
    item = _crisis_item(writer, group_a)

    with pytest.raises(ValidationError) as follow_up:
        dashboard_services.crisis_follow_up_note(actor=moderator, item=item, note=note)
    with pytest.raises(ValidationError) as escalation:
        dashboard_services.crisis_escalate(actor=moderator, item=item, note=note)

    assert "note" in follow_up.value.message_dict
    assert "note" in escalation.value.message_dict
    assert not CrisisStep.objects.exists()


def test_moderator_escalates_once(moderator, second_moderator, writer, group_a):
    item = _crisis_item(writer, group_a)

    step = dashboard_services.crisis_escalate(
        actor=moderator, item=item, note="Called 999 at 21:04 with what they shared."
    )

    assert (step.step, step.done_by) == (CrisisStep.Step.ESCALATED, moderator)
    with pytest.raises(ModerationConflict):
        dashboard_services.crisis_escalate(actor=second_moderator, item=item, note="Me too")


def test_facilitator_cannot_escalate_even_in_their_group(facilitator_a, writer, group_a):
    item = _crisis_item(writer, group_a)

    with pytest.raises(PermissionDenied, match="ask a moderator"):
        dashboard_services.crisis_escalate(actor=facilitator_a, item=item, note="Called 999.")

    assert not CrisisStep.objects.exists()
    assert not ModerationAction.objects.exists()


def test_facilitator_works_the_rest_of_the_checklist_in_their_group(
    facilitator_a, writer, group_a, told
):
    item = _crisis_item(writer, group_a)

    dashboard_services.crisis_signpost_confirm(actor=facilitator_a, item=item)
    dashboard_services.crisis_follow_up_note(actor=facilitator_a, item=item, note="Tomorrow.")
    dashboard_services.support_message_send(actor=facilitator_a, item=item, text="We're here.")

    assert set(CrisisStep.objects.values_list("step", flat=True)) == {
        "signpost_confirmed",
        "follow_up",
        "support_sent",
    }


# ------------------------------------------------------------------------ supportive messages


def test_support_message_reaches_the_member_and_ticks_the_checklist(
    moderator, writer, group_a, helplines, told, django_capture_on_commit_callbacks
):
    item = _crisis_item(writer, group_a)

    with django_capture_on_commit_callbacks(execute=True):
        message = dashboard_services.support_message_send(
            actor=moderator, item=item, text="  We read what you wrote and we're here.  "
        )

    assert message.member == writer
    assert message.text == "We read what you wrote and we're here."
    assert message.queue_item == item
    assert message.sent_by == moderator
    assert message.read_at is None
    assert [row["name"] for row in message.resources][-1] == "Calm Line"
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.support_message) == (
        writer,
        Notification.Kind.SUPPORT_MESSAGE,
        message,
    )
    # One action, one audit row: the checklist step is recorded without a row of its own.
    assert _verbs() == ["support_sent"]
    sent = ModerationAction.objects.get(verb=Verb.SUPPORT_SENT)
    assert (sent.actor, sent.member, sent.queue_item) == (moderator, writer, item)
    assert sent.details == {"support_message": message.pk}
    step = CrisisStep.objects.get()
    assert (step.step, step.done_by) == (CrisisStep.Step.SUPPORT_SENT, moderator)
    assert told == [
        (
            writer.pk,
            {
                "type": "support",
                "id": message.pk,
                "text": "We read what you wrote and we're here.",
                "resources": message.resources,
            },
        )
    ]


def test_second_support_message_is_sent_without_a_second_step(
    moderator, second_moderator, writer, group_a, told
):
    item = _crisis_item(writer, group_a)

    dashboard_services.support_message_send(actor=moderator, item=item, text="We're here.")
    dashboard_services.support_message_send(actor=second_moderator, item=item, text="Still here.")

    assert SupportMessage.objects.count() == 2
    assert Notification.objects.count() == 2
    assert CrisisStep.objects.get().done_by == moderator
    assert _verbs(verb=Verb.SUPPORT_SENT) == ["support_sent"] * 2


def test_support_message_on_a_non_crisis_item_has_no_checklist_step(
    moderator, writer, group_a, reporter, told
):
    _message, item = _reported(writer, group_a, reporter)

    dashboard_services.support_message_send(actor=moderator, item=item, text="Are you ok?")

    assert SupportMessage.objects.get().queue_item == item
    assert not CrisisStep.objects.exists()


def test_nobody_sends_a_support_message_about_themselves(moderator, group_a, told):
    item = _crisis_item(moderator, group_a)

    with pytest.raises(PermissionDenied, match="about you"):
        dashboard_services.support_message_send(actor=moderator, item=item, text="Hi me.")

    assert not SupportMessage.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * (SupportMessage.MAX_TEXT_LENGTH + 1)])
def test_empty_or_oversized_support_message_is_refused(moderator, writer, group_a, told, text):
    item = _crisis_item(writer, group_a)

    with pytest.raises(ValidationError) as refused:
        dashboard_services.support_message_send(actor=moderator, item=item, text=text)

    assert "text" in refused.value.message_dict
    assert not SupportMessage.objects.exists()
    assert not Notification.objects.exists()
    assert told == []


def test_support_message_out_of_scope_is_refused(facilitator_a, writer, reporter, group_b, told):
    item = _crisis_item(writer, group_b)

    for actor in (facilitator_a, reporter):
        with pytest.raises(PermissionDenied):
            dashboard_services.support_message_send(actor=actor, item=item, text="Hi.")

    assert not SupportMessage.objects.exists()


def test_the_member_is_told_only_after_commit(
    moderator, writer, group_a, told, django_capture_on_commit_callbacks
):
    item = _crisis_item(writer, group_a)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dashboard_services.support_message_send(actor=moderator, item=item, text="Here.")

    assert told == []
    for callback in callbacks:
        callback()
    assert [member_id for member_id, _payload in told] == [writer.pk]


def test_members_mark_their_own_support_messages_read(moderator, writer, reporter, group_a, told):
    first = dashboard_services.support_message_send(
        actor=moderator, item=_crisis_item(writer, group_a), text="One."
    )
    second = dashboard_services.support_message_send(
        actor=moderator, item=_crisis_item(writer, group_a), text="Two."
    )
    theirs = dashboard_services.support_message_send(
        actor=moderator, item=_crisis_item(reporter, group_a), text="Theirs."
    )

    assert (
        dashboard_services.support_messages_mark_read(member=writer, ids=[first.pk, theirs.pk]) == 1
    )
    assert dashboard_services.support_messages_mark_read(member=writer) == 1
    assert dashboard_services.support_messages_mark_read(member=writer) == 0
    for row, read in ((first, True), (second, True), (theirs, False)):
        row.refresh_from_db()
        assert (row.read_at is not None) is read


# ------------------------------------------------------------------------ notifications


def test_a_members_notifications_include_their_support_message_without_the_sender(
    moderator, writer, reporter, group_a, told
):
    message = dashboard_services.support_message_send(
        actor=moderator, item=_crisis_item(writer, group_a), text="We're here."
    )

    page = forum_selectors.notifications_page(writer, 1)
    others = forum_selectors.notifications_page(reporter, 1)

    [row] = page.object_list
    assert row.support_message.id == message.pk
    assert row.support_message.text == "We're here."
    assert row.author_label == ""
    assert (row.thread, row.post, row.story) == (None, None, None)
    assert row.unread is True
    assert list(others.object_list) == []
    assert forum_selectors.unread_notification_count(writer) == 1
    assert forum_selectors.unread_notification_count(reporter) == 0


def test_a_notification_pointing_at_another_members_message_is_never_shown(
    moderator, writer, reporter, group_a, told
):
    message = dashboard_services.support_message_send(
        actor=moderator, item=_crisis_item(writer, group_a), text="Only for Ash."
    )
    Notification.objects.create(
        recipient=reporter, kind=Notification.Kind.SUPPORT_MESSAGE, support_message=message
    )

    assert list(forum_selectors.notifications_page(reporter, 1).object_list) == []
    assert forum_selectors.unread_notification_count(reporter) == 0


def test_the_notifications_page_shows_the_message_without_naming_the_moderator(
    moderator, writer, group_a, told, client
):
    dashboard_services.support_message_send(
        actor=moderator, item=_crisis_item(writer, group_a), text="We're here."
    )
    client.force_login(writer)

    page = client.get("/notifications/")
    api = client.get("/api/v1/notifications/")

    assert page.status_code == 200
    assert "moderation team" in page.content.decode()
    assert "Mo Moderator" not in page.content.decode()
    assert api.status_code == 200
    assert "Mo Moderator" not in api.content.decode()
    assert api.json()["results"][0]["kind"] == "support_message"
    assert api.json()["results"][0]["support_message"]["text"] == "We're here."
    assert "sent_by" not in api.json()["results"][0]["support_message"]


# ------------------------------------------------------------------ the crisis-resolution rule


@pytest.mark.parametrize("reason", [Reason.CRISIS_CONCERN, Reason.SOMEONE_ELSE])
@pytest.mark.parametrize("resolution", ["no_action", "support_offered"])
def test_crisis_item_is_not_closed_without_a_message_or_a_note(
    moderator, writer, group_a, reason, resolution
):
    item = _crisis_item(writer, group_a, reason=reason)

    with pytest.raises(ModerationConflict, match="supportive message"):
        moderation_services.queue_item_resolve(
            actor=moderator, item=item, resolution=resolution, note="   "
        )

    item.refresh_from_db()
    assert item.state == State.OPEN
    assert not ModerationAction.objects.exists()


def test_crisis_item_closes_once_a_supportive_message_was_sent(moderator, writer, group_a, told):
    item = _crisis_item(writer, group_a, reason=Reason.CRISIS_CONCERN)
    dashboard_services.support_message_send(actor=moderator, item=item, text="We're here.")

    moderation_services.queue_item_resolve(actor=moderator, item=item, resolution="support_offered")

    item.refresh_from_db()
    assert (item.state, item.resolution) == (State.RESOLVED, "support_offered")


def test_crisis_item_closes_with_a_note(moderator, writer, group_a):
    item = _crisis_item(writer, group_a, reason=Reason.CRISIS_CONCERN)

    moderation_services.queue_item_resolve(
        actor=moderator, item=item, resolution="no_action", note="Song lyrics; checked in chat."
    )

    item.refresh_from_db()
    assert (item.state, item.resolution_note) == (State.RESOLVED, "Song lyrics; checked in chat.")


def test_a_message_sent_on_another_item_does_not_count(moderator, writer, group_a, told):
    other = _crisis_item(writer, group_a, reason=Reason.CRISIS_CONCERN)
    dashboard_services.support_message_send(actor=moderator, item=other, text="We're here.")
    item = _crisis_item(writer, group_a, reason=Reason.CRISIS_CONCERN)

    with pytest.raises(ModerationConflict):
        moderation_services.queue_item_resolve(actor=moderator, item=item, resolution="no_action")


def test_approving_held_urgent_content_without_a_note_does_not_silently_close_the_crisis(
    moderator, writer, group_a
):
    """Approving the words is a decision about the text; the person still needs a human answer
    on record (a supportive message or a note), as `queue_items_close_for` already keeps crisis
    items open. Either the approval is refused or the crisis item stays open."""
    item = _crisis_item(writer, group_a)

    with contextlib.suppress(ModerationConflict):
        moderation_services.content_approve(actor=moderator, content=item.content)

    item.refresh_from_db()
    assert item.state == State.OPEN


# ------------------------------------------------------------------------------- templates


def test_moderator_creates_changes_and_deletes_a_template_with_audit_rows(moderator):
    template = dashboard_services.reply_template_save(
        actor=moderator, kind="support", title=" Gentle check-in ", body="Hi, we're here.", order=4
    )
    assert (template.kind, template.title, template.order, template.updated_by) == (
        "support",
        "Gentle check-in",
        4,
        moderator,
    )

    dashboard_services.reply_template_save(
        actor=moderator,
        template=template,
        kind="support",
        title="Gentle check-in",
        body="Hi, this is the moderation team.",
        is_active=False,
    )
    template.refresh_from_db()
    assert (template.body, template.is_active) == ("Hi, this is the moderation team.", False)

    dashboard_services.reply_template_delete(actor=moderator, template=template)
    assert not ReplyTemplate.objects.filter(title="Gentle check-in").exists()
    rows = ModerationAction.objects.filter(verb=Verb.TEMPLATE_CHANGED).order_by("pk")
    assert [row.details["change"] for row in rows] == ["created", "changed", "deleted"]
    assert {row.actor for row in rows} == {moderator}
    assert rows[0].details["title"] == "Gentle check-in"


def test_facilitators_and_members_cannot_change_templates(facilitator_a, writer):
    existing = ReplyTemplate.objects.filter(kind="removal").first()

    for actor in (facilitator_a, writer):
        with pytest.raises(PermissionDenied):
            dashboard_services.reply_template_save(
                actor=actor, kind="removal", title="Mine", body="Text."
            )
        with pytest.raises(PermissionDenied):
            dashboard_services.reply_template_delete(actor=actor, template=existing)

    assert ReplyTemplate.objects.filter(pk=existing.pk).exists()
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "unkind to ANOTHER member"}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 81}, "title"),
        ({"body": "  "}, "body"),
        ({"body": "x" * (ReplyTemplate.MAX_BODY_LENGTH + 1)}, "body"),
        ({"kind": "praise"}, "kind"),
        ({"order": -1}, "order"),
        ({"order": 40000}, "order"),
    ],
)
def test_template_input_is_checked(moderator, changes, field):
    data = {"kind": "removal", "title": "New reason", "body": "Because.", **changes}

    with pytest.raises(ValidationError) as refused:
        dashboard_services.reply_template_save(actor=moderator, **data)

    assert field in refused.value.message_dict
    assert not ModerationAction.objects.exists()


def test_the_same_title_may_be_used_for_the_other_kind_and_kept_on_change(moderator):
    support = dashboard_services.reply_template_save(
        actor=moderator, kind="support", title="Unkind to another member", body="Hi."
    )
    again = dashboard_services.reply_template_save(
        actor=moderator,
        template=support,
        kind="support",
        title="Unkind to another member",
        body="Hello.",
    )

    assert again.pk == support.pk


# ---------------------------------------------------------------------- live queue events


def test_events_go_out_only_after_commit_to_everyone_and_the_group(
    moderator, writer, group_a, layer, django_capture_on_commit_callbacks
):
    item = _held(writer, group_a)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dashboard_services.queue_note_add(actor=moderator, item=item, text="Looking.")
    assert layer.sent == [], "nothing is announced before commit"

    for callback in callbacks:
        callback()
    assert layer.events() == [
        ("moderation.all", item.pk, "updated"),
        (f"moderation.group.{group_a.pk}", item.pk, "updated"),
    ]
    assert all(set(message) == {"type", "item_id", "event"} for _group, message in layer.sent)


def test_group_less_items_are_announced_to_moderators_only(
    moderator, writer, layer, django_capture_on_commit_callbacks
):
    item = queue(profile(writer), Reason.CRISIS_CONCERN)

    with django_capture_on_commit_callbacks(execute=True):
        dashboard_services.queue_note_add(actor=moderator, item=item, text="Looking.")

    assert layer.events() == [("moderation.all", item.pk, "updated")]


def test_claim_release_resolve_and_new_items_are_announced(
    moderator, writer, group_a, reporter, layer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _message, item = _reported(writer, group_a, reporter)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.queue_item_claim(actor=moderator, item=item)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.queue_item_release(actor=moderator, item=item)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.queue_item_resolve(actor=moderator, item=item, resolution="no_action")

    events = [event for group, _pk, event in layer.events() if group == "moderation.all"]
    assert events == ["new", "claimed", "released", "resolved"]
    assert {pk for _group, pk, _event in layer.events()} == {item.pk}
    assert {group for group, _pk, _event in layer.events()} == {
        "moderation.all",
        f"moderation.group.{group_a.pk}",
    }


def test_pipeline_report_removal_and_appeal_items_are_announced(
    moderator, writer, group_a, reporter, layer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        group_services.chat_message_post(actor=writer, group=group_a, body=URGENT_TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        message, report_item = _reported(writer, group_a, reporter)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.content_remove(actor=moderator, content=message, reason="Unkind.")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = moderation_services.appeal_submit(
            actor=writer, content=message, text="I was upset; please restore it."
        )

    crisis = QueueItem.objects.get(reason=Reason.CRISIS_URGENT)
    expected = []
    for pk, event in (
        (crisis.pk, "new"),
        (report_item.pk, "new"),
        (report_item.pk, "resolved"),
        (appeal.queue_item_id, "new"),
    ):
        expected += [("moderation.all", pk, event), (f"moderation.group.{group_a.pk}", pk, event)]
    assert layer.events() == expected


def test_checklist_and_support_steps_are_announced_as_updates(
    moderator, writer, group_a, layer, django_capture_on_commit_callbacks
):
    item = _crisis_item(writer, group_a)

    with django_capture_on_commit_callbacks(execute=True):
        dashboard_services.support_message_send(actor=moderator, item=item, text="Here.")
    with django_capture_on_commit_callbacks(execute=True):
        dashboard_services.crisis_follow_up_note(actor=moderator, item=item, note="Friday.")

    assert [event for group, _pk, event in layer.events() if group == "moderation.all"] == [
        "updated",
        "updated",
    ]
    member_frames = [message for group, message in layer.sent if group == f"member.{writer.pk}"]
    assert [frame["frame"]["type"] for frame in member_frames] == ["support"]
    assert member_frames[0]["type"] == "chat.support"


def test_a_rolled_back_change_is_never_announced(
    moderator, writer, group_a, layer, django_capture_on_commit_callbacks
):
    item = _held(writer, group_a)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        dashboard_services.queue_note_add(actor=moderator, item=item, text="Oops.")
        moderation_services.queue_item_claim(actor=moderator, item=item)
        raise RuntimeError("the request failed after the services ran")

    assert layer.sent == []
    assert not QueueNote.objects.exists()
    item.refresh_from_db()
    assert item.state == State.OPEN


def test_a_refused_action_is_never_announced(
    moderator, second_moderator, writer, group_a, layer, django_capture_on_commit_callbacks
):
    item = _crisis_item(writer, group_a, reason=Reason.CRISIS_CONCERN)
    moderation_services.queue_item_claim(actor=second_moderator, item=item)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ModerationConflict):
            moderation_services.queue_item_claim(actor=moderator, item=item)
        with pytest.raises(ModerationConflict):
            moderation_services.queue_item_resolve(
                actor=second_moderator, item=item, resolution="no_action"
            )

    assert layer.sent == []


def test_the_in_memory_layer_delivers_to_a_facilitators_dashboard_channel(
    moderator, writer, group_a, group_b, django_capture_on_commit_callbacks
):
    real = get_channel_layer()
    mine = async_to_sync(real.new_channel)()
    async_to_sync(real.group_add)(broadcast.group_items(group_a.pk), mine)
    item_a = _held(writer, group_a)
    item_b = _held(writer, group_b)

    async def next_message():
        try:
            return await asyncio.wait_for(real.receive(mine), 0.5)
        except TimeoutError:
            return None

    try:
        with django_capture_on_commit_callbacks(execute=True):
            dashboard_services.queue_note_add(actor=moderator, item=item_b, text="B.")
            dashboard_services.queue_note_add(actor=moderator, item=item_a, text="A.")
        received = async_to_sync(next_message)()
        nothing_more = async_to_sync(next_message)()
    finally:
        async_to_sync(real.group_discard)(broadcast.group_items(group_a.pk), mine)

    assert received == {"type": "queue.changed", "item_id": item_a.pk, "event": "updated"}
    assert nothing_more is None


# ------------------------------------------------------------------- scope of every service


def test_former_facilitator_can_do_nothing_on_their_old_groups_items(
    facilitator_a, writer, group_a, told
):
    item = _crisis_item(writer, group_a, reason=Reason.CRISIS_CONCERN)
    Membership.objects.filter(member=facilitator_a).update(state=Membership.State.LEFT)

    for action in (
        lambda: dashboard_services.queue_note_add(actor=facilitator_a, item=item, text="x"),
        lambda: dashboard_services.support_message_send(actor=facilitator_a, item=item, text="x"),
        lambda: dashboard_services.crisis_signpost_confirm(actor=facilitator_a, item=item),
        lambda: dashboard_services.crisis_follow_up_note(actor=facilitator_a, item=item, note="x"),
        lambda: moderation_services.queue_item_claim(actor=facilitator_a, item=item),
        lambda: moderation_services.queue_item_resolve(
            actor=facilitator_a, item=item, resolution="no_action", note="x"
        ),
    ):
        with pytest.raises(PermissionDenied):
            action()
    result = dashboard_services.queue_items_bulk_resolve(actor=facilitator_a, item_ids=[item.pk])
    assert result.done == []
    assert not ModerationAction.objects.exists()


# ------------------------------------------------------------------------ sanctions from items


def test_a_warning_about_a_group_item_stays_in_that_group_unless_asked(
    moderator, writer, group_a, reporter
):
    _message, item = _reported(writer, group_a, reporter)

    narrow = dashboard_services.queue_item_sanction(
        actor=moderator, item=item, kind="warn", reason="Please keep it kind."
    )
    wide = dashboard_services.queue_item_sanction(
        actor=moderator, item=item, kind="warn", reason="Again, kindly.", in_group=False
    )

    assert (narrow.member, narrow.group) == (writer, group_a)
    assert wide.group is None
    assert ModerationAction.objects.filter(verb=Verb.MEMBER_SANCTIONED).count() == 2


def test_a_ban_from_an_item_is_site_wide_and_never_limited_to_a_group(
    moderator, writer, group_a, reporter
):
    _message, item = _reported(writer, group_a, reporter)

    ban = dashboard_services.queue_item_sanction(
        actor=moderator, item=item, kind="ban", reason="Repeated harassment."
    )
    assert ban.group is None
    with pytest.raises(ModerationConflict):
        dashboard_services.queue_item_sanction(
            actor=moderator, item=item, kind="ban", reason="Again.", in_group=True
        )


def test_a_facilitator_warns_in_their_group_but_may_not_ban(
    facilitator_a, writer, group_a, reporter
):
    _message, item = _reported(writer, group_a, reporter)

    warning = dashboard_services.queue_item_sanction(
        actor=facilitator_a, item=item, kind="warn", reason="Please keep it kind."
    )
    assert warning.group == group_a
    with pytest.raises(PermissionDenied):
        dashboard_services.queue_item_sanction(
            actor=facilitator_a, item=item, kind="ban", reason="No."
        )


def test_a_group_sanction_needs_a_group_item(moderator, writer):
    item = queue(profile(writer, "my profile words"), Reason.REPORT)

    with pytest.raises(ValidationError) as refused:
        dashboard_services.queue_item_sanction(
            actor=moderator, item=item, kind="warn", reason="Kindly.", in_group=True
        )
    assert "in_group" in refused.value.message_dict


def test_a_failing_channel_layer_never_turns_a_stored_decision_into_an_error(
    moderator, writer, group_a, monkeypatch, django_capture_on_commit_callbacks
):
    """Redis down, or a full channel: the claim is stored and the caller is not told of an
    error; dashboards see the item's state on their next read."""

    class BrokenLayer:
        async def group_send(self, name, message):
            raise ConnectionError("the channel layer is down")

    monkeypatch.setattr(broadcast, "get_channel_layer", lambda: BrokenLayer())
    item = queue(chat(writer, group_a), Reason.REPORT)

    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.queue_item_claim(actor=moderator, item=item)

    item.refresh_from_db()
    assert (item.state, item.claimed_by) == (State.CLAIMED, moderator)
