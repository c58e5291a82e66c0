"""moderation.services: storing decisions, moderators' actions, the queue, sanctions, the log."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from community import services as community_services
from community.models import ProfileText
from moderation import services
from moderation.models import (
    AuditLogIsAppendOnly,
    ContentStatus,
    ModerationAction,
    QueueItem,
    Sanction,
    Signpost,
    WatchedWord,
)
from moderation.pipeline import ContentRefused, Refusal, submit
from moderation.services import ModerationConflict
from tests.factories import GroupFactory, MemberFactory
from tests.moderation.conftest import CONCERN_TEXT, SOMEONE_ELSE_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db


def _about(member, text="Working on secure attachment, one day at a time."):
    return community_services.member_about_update(actor=member, text=text).content


# --- storing a decision --------------------------------------------------------------------------


def test_urgent_text_is_stored_held_with_urgent_queue_item_signpost_and_audit(established):
    submission = community_services.member_about_update(actor=established, text=URGENT_TEXT)
    content = submission.content
    content.refresh_from_db()
    assert content.status == ContentStatus.HELD
    assert content.body == URGENT_TEXT
    assert content.screening["risk"] == "urgent"
    item = QueueItem.objects.get()
    assert item.content == content
    assert item.reason == QueueItem.Reason.CRISIS_URGENT
    assert item.priority == 0
    assert item.state == QueueItem.State.OPEN
    assert item.snapshot == URGENT_TEXT
    signpost = Signpost.objects.get()
    assert (signpost.member, signpost.tier, signpost.content) == (established, "urgent", content)
    assert signpost.resources[0] == "Emergency services"
    log = ModerationAction.objects.get()
    assert log.verb == ModerationAction.Verb.CONTENT_HELD
    assert log.actor is None
    assert log.member == established
    assert log.queue_item == item


def test_urgent_text_and_its_queue_item_share_one_transaction(established, monkeypatch):
    """If recording the queue item fails, the held content is not stored either (and the
    author keeps their text: the door reports an error)."""

    def broken(**kwargs):
        raise IntegrityError("queue unavailable")

    monkeypatch.setattr(services, "_queue_item_open", broken)
    with pytest.raises(IntegrityError):
        community_services.member_about_update(actor=established, text=URGENT_TEXT)
    assert not ProfileText.objects.exists()
    assert not Signpost.objects.exists()


def test_concern_is_published_with_a_flag_and_signpost(established):
    content = _about(established, CONCERN_TEXT)
    assert content.status == ContentStatus.PUBLISHED
    assert QueueItem.objects.get().reason == QueueItem.Reason.CRISIS_CONCERN
    assert ModerationAction.objects.get().verb == ModerationAction.Verb.CONTENT_FLAGGED
    assert Signpost.objects.get().tier == "concern"


def test_someone_else_is_published_with_low_priority_item(established):
    _about(established, SOMEONE_ELSE_TEXT)
    item = QueueItem.objects.get()
    assert item.reason == QueueItem.Reason.SOMEONE_ELSE
    assert item.priority > QueueItem.PRIORITY[QueueItem.Reason.REPORT]
    assert Signpost.objects.get().tier == "someone_else"


def test_plain_text_leaves_no_queue_item_signpost_or_log(established):
    _about(established)
    assert not QueueItem.objects.exists()
    assert not Signpost.objects.exists()
    assert not ModerationAction.objects.exists()


def test_refusal_raises_stores_nothing_and_keeps_no_log(established):
    WatchedWord.objects.create(phrase="spamword", action="block")
    with pytest.raises(ContentRefused) as refused:
        community_services.member_about_update(actor=established, text="spamword")
    assert refused.value.decision.refusal == Refusal.WATCHED_WORD
    assert not ProfileText.objects.exists()


def test_refused_text_with_risk_still_records_the_signpost(established):
    with pytest.raises(ContentRefused):
        community_services.member_about_update(actor=established, text=URGENT_TEXT + "x" * 2100)
    signpost = Signpost.objects.get()
    assert signpost.tier == "urgent"
    assert signpost.content is None


def test_resubmitting_the_same_held_content_never_queues_it_twice(established):
    content = _about(established, URGENT_TEXT)
    decision = submit(actor=established, kind="profile", text=URGENT_TEXT)
    services.content_submitted(decision=decision, content=content)
    assert QueueItem.objects.count() == 1


def test_edit_keeps_the_words_that_raised_concern_in_the_queue(established):
    _about(established, URGENT_TEXT)
    edited = _about(established, "Sorry, ignore that. I'm ok now.")
    assert edited.edited_at is not None
    assert QueueItem.objects.get().snapshot == URGENT_TEXT
    assert ProfileText.objects.count() == 1


def test_queue_orders_urgent_first_then_by_age(established, other_member):
    _about(other_member, "see https://example.org")  # new member's link: held
    _about(established, SOMEONE_ELSE_TEXT)
    MemberFactory(pseudonym="Third")
    third = MemberFactory(pseudonym="Fourth", date_joined=timezone.now() - timedelta(days=5))
    _about(third, URGENT_TEXT)
    reasons = list(QueueItem.objects.values_list("reason", flat=True))
    assert reasons == [
        QueueItem.Reason.CRISIS_URGENT,
        QueueItem.Reason.NEW_MEMBER_LINK,
        QueueItem.Reason.SOMEONE_ELSE,
    ]


# --- moderators' actions on content --------------------------------------------------------------


def test_moderator_approves_held_content_and_its_crisis_item_waits_for_an_answer(
    established, moderator
):
    content = _about(established, URGENT_TEXT)
    services.content_approve(actor=moderator, content=content, note="Reached out privately.")
    content.refresh_from_db()
    assert content.status == ContentStatus.PUBLISHED
    item = QueueItem.objects.get()
    # Publishing the words answers nothing for the person: the crisis item stays open.
    assert (item.state, item.resolution) == ("open", "")
    log = ModerationAction.objects.filter(verb="content_approved").get()
    assert (log.actor, log.member, log.reason) == (moderator, established, "Reached out privately.")


@pytest.mark.parametrize("verb", ["approve", "remove", "restore"])
def test_members_cannot_moderate_content(established, other_member, verb):
    content = _about(established)
    action = getattr(services, f"content_{verb}")
    kwargs = {"reason": "no"} if verb == "remove" else {}
    with pytest.raises(PermissionDenied):
        action(actor=other_member, content=content, **kwargs)
    with pytest.raises(PermissionDenied):
        action(actor=established, content=content, **kwargs)


def test_inactive_moderator_cannot_moderate(established, moderator):
    content = _about(established)
    moderator.is_active = False
    with pytest.raises(PermissionDenied):
        services.content_remove(actor=moderator, content=content, reason="no")


def test_remove_needs_a_reason_which_the_author_sees(established, moderator):
    content = _about(established)
    with pytest.raises(ModerationConflict, match="reason"):
        services.content_remove(actor=moderator, content=content, reason="   ")
    services.content_remove(actor=moderator, content=content, reason="Please keep names out.")
    content.refresh_from_db()
    assert content.status == ContentStatus.REMOVED
    assert content.removal_reason == "Please keep names out."
    assert content.body, "the text is kept for the record"


def test_remove_reason_has_a_limit(established, moderator):
    content = _about(established)
    with pytest.raises(ModerationConflict, match="under 1000"):
        services.content_remove(actor=moderator, content=content, reason="x" * 1001)


def test_removed_content_is_restored_not_approved(established, moderator):
    content = _about(established)
    services.content_remove(actor=moderator, content=content, reason="Off topic.")
    with pytest.raises(ModerationConflict):
        services.content_approve(actor=moderator, content=content)
    with pytest.raises(ModerationConflict):
        services.content_remove(actor=moderator, content=content, reason="again")
    services.content_restore(actor=moderator, content=content)
    content.refresh_from_db()
    assert (content.status, content.removal_reason) == (ContentStatus.PUBLISHED, "")
    with pytest.raises(ModerationConflict):
        services.content_restore(actor=moderator, content=content)
    verbs = list(ModerationAction.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["content_removed", "content_restored"]


def test_live_readers_are_told_only_after_commit(
    established, moderator, monkeypatch, django_capture_on_commit_callbacks
):
    content = _about(established)
    calls = []
    monkeypatch.setattr(ProfileText, "on_moderated", lambda self: calls.append(self.pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.content_remove(actor=moderator, content=content, reason="Off topic.")
    assert calls == [], "nothing is announced before the transaction commits"
    assert len(callbacks) == 1
    callbacks[0]()
    assert calls == [content.pk]


# --- queue ---------------------------------------------------------------------------------------


def test_claim_release_and_conflicting_claims(established, moderator):
    _about(established, URGENT_TEXT)
    item = QueueItem.objects.get()
    other_moderator = MemberFactory(is_moderator=True)
    services.queue_item_claim(actor=moderator, item=item)
    item.refresh_from_db()
    assert (item.state, item.claimed_by) == ("claimed", moderator)
    assert services.queue_item_claim(actor=moderator, item=item).claimed_by == moderator
    with pytest.raises(ModerationConflict, match="already working"):
        services.queue_item_claim(actor=other_moderator, item=item)
    services.queue_item_release(actor=moderator, item=item)
    item.refresh_from_db()
    assert (item.state, item.claimed_by) == ("open", None)
    services.queue_item_claim(actor=other_moderator, item=item)
    verbs = list(ModerationAction.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs[1:] == ["queue_claimed", "queue_released", "queue_claimed"]


def test_members_cannot_work_the_queue(established, other_member):
    _about(established, URGENT_TEXT)
    item = QueueItem.objects.get()
    for action in (services.queue_item_claim, services.queue_item_release):
        with pytest.raises(PermissionDenied):
            action(actor=other_member, item=item)
    with pytest.raises(PermissionDenied):
        services.queue_item_resolve(actor=other_member, item=item, resolution="no_action")


def test_held_content_must_be_approved_or_removed_not_just_resolved(established, moderator):
    _about(established, URGENT_TEXT)
    item = QueueItem.objects.get()
    with pytest.raises(ModerationConflict, match="still held"):
        services.queue_item_resolve(actor=moderator, item=item, resolution="no_action")
    with pytest.raises(ModerationConflict):
        services.queue_item_resolve(actor=moderator, item=item, resolution="approved")


def test_flagged_item_resolved_with_support_offered(established, moderator):
    _about(established, CONCERN_TEXT)
    item = QueueItem.objects.get()
    services.queue_item_resolve(
        actor=moderator, item=item, resolution="support_offered", note="Sent a kind reply."
    )
    item.refresh_from_db()
    assert (item.state, item.resolution, item.resolution_note) == (
        "resolved",
        "support_offered",
        "Sent a kind reply.",
    )
    with pytest.raises(ModerationConflict, match="already been resolved"):
        services.queue_item_resolve(actor=moderator, item=item, resolution="no_action")
    with pytest.raises(ModerationConflict):
        services.queue_item_claim(actor=moderator, item=item)


def test_crisis_item_is_not_closed_without_a_note_or_a_supportive_message(established, moderator):
    _about(established, CONCERN_TEXT)
    item = QueueItem.objects.get()
    for resolution in ("no_action", "support_offered"):
        with pytest.raises(ModerationConflict, match="supportive message"):
            services.queue_item_resolve(actor=moderator, item=item, resolution=resolution)
    item.refresh_from_db()
    assert item.state == "open"


def test_only_the_claimer_resolves_a_claimed_item(established, moderator):
    _about(established, CONCERN_TEXT)
    item = services.queue_item_claim(actor=moderator, item=QueueItem.objects.get())
    other_moderator = MemberFactory(is_moderator=True)
    with pytest.raises(ModerationConflict, match="working on this"):
        services.queue_item_resolve(actor=other_moderator, item=item, resolution="no_action")


def test_unknown_resolution_is_refused(established, moderator):
    _about(established, CONCERN_TEXT)
    for junk in ("shrug", None, 5):
        with pytest.raises(ValidationError):
            services.queue_item_resolve(
                actor=moderator, item=QueueItem.objects.get(), resolution=junk
            )
    assert QueueItem.objects.get().state == "open"


def test_resolved_item_does_not_block_a_new_one_for_the_same_content(established, moderator):
    content = _about(established, CONCERN_TEXT)
    services.queue_item_resolve(
        actor=moderator,
        item=QueueItem.objects.get(),
        resolution="no_action",
        note="A song lyric, checked with them.",
    )
    services.content_submitted(
        decision=submit(actor=established, kind="profile", text=CONCERN_TEXT), content=content
    )
    assert QueueItem.objects.filter(state="open").count() == 1


# --- sanctions -----------------------------------------------------------------------------------


def test_moderator_mutes_for_a_while_and_submit_enforces_it(established, moderator):
    sanction = services.member_sanction(
        actor=moderator,
        member=established,
        kind="mute",
        reason="Let's take a breather.",
        ends_at=timezone.now() + timedelta(hours=1),
    )
    assert submit(actor=established, kind="chat", text="hi").refusal == Refusal.MUTED
    log = ModerationAction.objects.get()
    assert (log.verb, log.sanction, log.member) == ("member_sanctioned", sanction, established)
    services.sanction_lift(actor=moderator, sanction=sanction, reason="Talked it through.")
    assert submit(actor=established, kind="chat", text="hi").action == "publish"
    with pytest.raises(ModerationConflict, match="already been lifted"):
        services.sanction_lift(actor=moderator, sanction=sanction)


@pytest.mark.parametrize(
    ("kind", "ends_in", "group", "message"),
    [
        ("mute", None, False, "when this ends"),
        ("suspend", None, False, "when this ends"),
        ("suspend", -1, False, "in the future"),
        ("ban", 5, False, "don't have an end"),
        ("warn", 5, False, "don't have an end"),
        ("suspend", 5, True, "single group"),
        ("ban", None, True, "single group"),
        ("nap", None, False, "kind of sanction"),
    ],
)
def test_sanction_shape_is_checked(established, moderator, kind, ends_in, group, message):
    with pytest.raises(ModerationConflict, match=message):
        services.member_sanction(
            actor=moderator,
            member=established,
            kind=kind,
            reason="Reason.",
            group=GroupFactory() if group else None,
            ends_at=timezone.now() + timedelta(hours=ends_in) if ends_in else None,
        )
    assert not Sanction.objects.exists()


def test_sanction_needs_a_reason(established, moderator):
    with pytest.raises(ModerationConflict, match="reason"):
        services.member_sanction(actor=moderator, member=established, kind="warn", reason="")


def test_members_cannot_sanction_and_nobody_sanctions_themselves(established, moderator):
    with pytest.raises(PermissionDenied):
        services.member_sanction(actor=established, member=moderator, kind="warn", reason="x")
    with pytest.raises(PermissionDenied):
        services.member_sanction(actor=moderator, member=moderator, kind="ban", reason="x")


def test_members_cannot_lift_sanctions(established, moderator, other_member):
    sanction = services.member_sanction(
        actor=moderator, member=established, kind="ban", reason="Repeated harassment."
    )
    with pytest.raises(PermissionDenied):
        services.sanction_lift(actor=other_member, sanction=sanction)
    with pytest.raises(PermissionDenied):
        services.sanction_lift(actor=established, sanction=sanction)


def test_members_who_do_not_facilitate_a_group_cannot_moderate_there(established):
    from moderation import permissions

    group = GroupFactory()
    assert not permissions.can_moderate_in(established, group)
    assert not permissions.can_sanction(established, MemberFactory(), kind="mute", group=group)


# --- the audit log is append-only ----------------------------------------------------------------


def _log_row(moderator):
    return ModerationAction.objects.create(actor=moderator, verb="queue_claimed", reason="x")


def test_audit_rows_cannot_be_changed(moderator):
    row = _log_row(moderator)
    row.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        row.save()
    with pytest.raises(AuditLogIsAppendOnly):
        ModerationAction.objects.filter(pk=row.pk).update(reason="rewritten")
    with pytest.raises(AuditLogIsAppendOnly):
        ModerationAction.objects.bulk_update([row], ["reason"])
    with pytest.raises(AuditLogIsAppendOnly):
        ModerationAction.objects.update_or_create(pk=row.pk, defaults={"reason": "rewritten"})
    assert ModerationAction.objects.get(pk=row.pk).reason == "x"


def test_audit_rows_cannot_be_deleted(moderator):
    row = _log_row(moderator)
    with pytest.raises(AuditLogIsAppendOnly):
        row.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        ModerationAction.objects.filter(pk=row.pk).delete()
    with pytest.raises(AuditLogIsAppendOnly):
        ModerationAction.objects.all().delete()
    assert ModerationAction.objects.filter(pk=row.pk).exists()


def test_member_with_a_log_cannot_be_deleted_out_from_under_it(moderator, established):
    services.member_sanction(actor=moderator, member=established, kind="warn", reason="Be kind.")
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        established.delete()
    assert ModerationAction.objects.count() == 1


# --- watched words -------------------------------------------------------------------------------


def test_watched_word_changes_are_logged_and_moderator_only(moderator, established):
    word = WatchedWord(phrase="  buy   now ", action="block", reason="No selling.")
    with pytest.raises(PermissionDenied):
        services.watched_word_save(actor=established, word=word)
    services.watched_word_save(actor=moderator, word=word)
    word.refresh_from_db()
    assert (word.phrase, word.created_by) == ("buy now", moderator)
    services.watched_word_delete(actor=moderator, word=word)
    changes = [row.details["change"] for row in ModerationAction.objects.order_by("pk")]
    assert changes == ["added", "deleted"]


def test_watched_word_must_have_letters(moderator):
    with pytest.raises(ModerationConflict):
        services.watched_word_save(actor=moderator, word=WatchedWord(phrase="!!!", action="hold"))


def test_watched_words_are_unique_ignoring_case(moderator):
    services.watched_word_save(actor=moderator, word=WatchedWord(phrase="Spam", action="hold"))
    with pytest.raises(IntegrityError), transaction.atomic():
        services.watched_word_save(actor=moderator, word=WatchedWord(phrase="spam", action="flag"))
