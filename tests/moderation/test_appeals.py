"""Appeals and report outcomes: members appeal a removal or a sanction once; a different
moderator decides; reporters are told what came of their reports."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from community import story_services
from community.models import Category, ProfileText, Story
from moderation import selectors, services
from moderation.models import Appeal, ContentStatus, ModerationAction, QueueItem, Report, Sanction
from moderation.services import AlreadyAppealed, ModerationConflict
from tests.community.forum_helpers import join, make_category, make_post, make_thread
from tests.community.story_helpers import make_story
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

REASON = "This shares someone else's private details, which isn't safe here."
APPEAL = "I had their permission to share this; it was my sister's story, told with her blessing."


@pytest.fixture
def second_moderator(db):
    return MemberFactory(pseudonym="Sam Second", is_moderator=True)


def _about(author, body="Practising saying what I need, kindly and clearly."):
    return ProfileText.objects.create(author=author, body=body, body_html=f"<p>{body}</p>")


def _removed_about(member, moderator):
    return services.content_remove(actor=moderator, content=_about(member), reason=REASON)


def _appeal(member, text=APPEAL, **target):
    return services.appeal_submit(actor=member, text=text, **target)


# --- report outcomes -----------------------------------------------------------------------------


def _reported(reporter, author):
    content = _about(author)
    services.content_report(actor=reporter, content=content, reason=Report.Reason.HARASSMENT)
    return content


def test_removal_tells_the_reporter_it_was_taken_down(member, other_member, moderator):
    content = _reported(member, other_member)
    services.content_remove(actor=moderator, content=content, reason=REASON)
    report = Report.objects.get()
    assert report.outcome == Report.Outcome.REMOVED
    assert report.outcome_at is not None
    assert report.get_outcome_display() == "A moderator took it down."


def test_approval_tells_the_reporter_it_is_within_the_guidelines(member, other_member, moderator):
    content = _reported(member, other_member)
    services.content_approve(actor=moderator, content=content)
    assert Report.objects.get().outcome == Report.Outcome.APPROVED


@pytest.mark.parametrize(
    "resolution", [QueueItem.Resolution.NO_ACTION, QueueItem.Resolution.SUPPORT_OFFERED]
)
def test_resolving_the_item_tells_the_reporter(member, other_member, moderator, resolution):
    _reported(member, other_member)
    services.queue_item_resolve(
        actor=moderator, item=QueueItem.objects.get(), resolution=resolution
    )
    assert Report.objects.get().outcome == resolution


def test_self_harm_report_outcome_set_when_the_crisis_item_is_resolved(
    member, other_member, moderator
):
    content = _about(other_member)
    services.content_report(actor=member, content=content, reason=Report.Reason.SELF_HARM)
    item = QueueItem.objects.get()
    assert item.reason == QueueItem.Reason.CRISIS_CONCERN
    services.queue_item_resolve(
        actor=moderator,
        item=item,
        resolution=QueueItem.Resolution.SUPPORT_OFFERED,
        note="Replied warmly in the thread.",
    )
    assert Report.objects.get().outcome == Report.Outcome.SUPPORT_OFFERED


def test_author_deleting_reported_story_tells_the_reporter_they_took_it_down(member, other_member):
    story = make_story(other_member)
    services.content_report(actor=member, content=story, reason=Report.Reason.SPAM)
    story_services.story_delete(actor=other_member, story=story)
    assert Report.objects.get().outcome == Report.Outcome.WITHDRAWN


def test_returned_story_shows_its_author_the_note_without_an_appeal(other_member, moderator):
    story = make_story(other_member, state=Story.State.SUBMITTED)
    story_services.story_return(actor=moderator, story=story, note="Could you soften the ending?")
    [row] = selectors.moderated_content_for_member(other_member)
    assert (row.returned, row.reason, row.may_appeal) == (
        True,
        "Could you soften the ending?",
        False,
    )


def test_reporter_outcome_never_names_the_moderator(member, other_member, moderator):
    content = _reported(member, other_member)
    services.content_remove(actor=moderator, content=content, reason=REASON)
    [row] = selectors.reports_for_member(member)
    assert row.outcome_label == "A moderator took it down."
    assert moderator.pseudonym not in f"{row}"


def test_a_settled_report_keeps_its_first_outcome(member, other_member, moderator):
    content = _reported(member, other_member)
    services.content_approve(actor=moderator, content=content)
    services.content_remove(actor=moderator, content=content, reason=REASON)
    assert Report.objects.get().outcome == Report.Outcome.APPROVED


# --- submitting ----------------------------------------------------------------------------------


def test_appeal_against_a_removal_opens_an_appeal_item_and_an_audit_row(member, moderator):
    content = _removed_about(member, moderator)
    appeal = _appeal(member, text=f"  {APPEAL}  ", content=content)
    appeal.refresh_from_db()
    assert (appeal.appellant, appeal.content, appeal.sanction) == (member, content, None)
    assert appeal.text == APPEAL
    assert appeal.state == Appeal.State.OPEN
    assert appeal.acted_by == moderator
    item = appeal.queue_item
    assert (item.reason, item.priority, item.state, item.group) == ("appeal", 25, "open", None)
    assert item.content == appeal
    assert APPEAL in item.snapshot and content.body in item.snapshot
    log = ModerationAction.objects.filter(verb=ModerationAction.Verb.APPEAL_SUBMITTED).get()
    assert (log.actor, log.member, log.content, log.queue_item) == (member, member, content, item)
    assert APPEAL not in f"{log.reason} {log.details}"


def test_appeal_item_comes_after_reports_and_before_holds():
    priority = QueueItem.PRIORITY
    assert priority[QueueItem.Reason.REPORT] < priority[QueueItem.Reason.APPEAL]
    assert priority[QueueItem.Reason.APPEAL] < priority[QueueItem.Reason.REVIEW]


def test_appeal_of_a_group_post_lands_in_that_groups_queue(member, moderator):
    category = make_category(Category.Visibility.GROUP)
    join(category.group, member)
    post = make_post(make_thread(category, MemberFactory()), member)
    services.content_remove(actor=moderator, content=post, reason=REASON)
    appeal = _appeal(member, content=post)
    assert appeal.queue_item.group == category.group


def test_appeal_of_a_sanction_lands_in_its_group_with_the_giver_as_actor(member, moderator):
    group = make_category(Category.Visibility.GROUP).group
    sanction = services.member_sanction(
        actor=moderator, member=member, kind=Sanction.Kind.WARN, reason=REASON, group=group
    )
    appeal = _appeal(member, sanction=sanction)
    assert (appeal.sanction, appeal.content, appeal.acted_by) == (sanction, None, moderator)
    assert appeal.queue_item.group == group
    assert REASON in appeal.queue_item.snapshot


def test_a_member_appeals_a_decision_only_once(member, moderator):
    content = _removed_about(member, moderator)
    _appeal(member, content=content)
    with pytest.raises(AlreadyAppealed):
        _appeal(member, text="Please, one more look.", content=content)
    assert Appeal.objects.count() == 1
    assert QueueItem.objects.filter(reason=QueueItem.Reason.APPEAL).count() == 1


def test_appealing_a_sanction_twice_is_refused(member, moderator):
    sanction = services.member_sanction(
        actor=moderator, member=member, kind=Sanction.Kind.BAN, reason=REASON
    )
    _appeal(member, sanction=sanction)
    with pytest.raises(AlreadyAppealed):
        _appeal(member, sanction=sanction)


def test_only_the_author_may_appeal_a_removal(member, other_member, moderator):
    content = _removed_about(member, moderator)
    with pytest.raises(PermissionDenied):
        _appeal(other_member, content=content)
    sanction = services.member_sanction(
        actor=moderator, member=member, kind=Sanction.Kind.WARN, reason=REASON
    )
    with pytest.raises(PermissionDenied):
        _appeal(other_member, sanction=sanction)
    assert not Appeal.objects.exists()


def test_content_that_is_not_removed_cannot_be_appealed(member):
    with pytest.raises(ModerationConflict):
        _appeal(member, content=_about(member))


def test_a_lifted_sanction_cannot_be_appealed(member, moderator):
    sanction = services.member_sanction(
        actor=moderator, member=member, kind=Sanction.Kind.WARN, reason=REASON
    )
    services.sanction_lift(actor=moderator, sanction=sanction)
    with pytest.raises(ModerationConflict):
        _appeal(member, sanction=sanction)


@pytest.mark.parametrize("text", ["", "   \n  ", "x" * 2001])
def test_appeal_text_must_be_one_to_two_thousand_characters(member, moderator, text):
    content = _removed_about(member, moderator)
    with pytest.raises(ValidationError) as error:
        _appeal(member, text=text, content=content)
    assert "text" in error.value.message_dict
    assert not Appeal.objects.exists()


def test_appeal_text_of_exactly_two_thousand_characters_is_accepted(member, moderator):
    content = _removed_about(member, moderator)
    assert len(_appeal(member, text="y" * 2000, content=content).text) == 2000


def test_the_database_refuses_an_appeal_with_two_targets_or_none(member, moderator):
    from django.db import IntegrityError, transaction

    content = _removed_about(member, moderator)
    sanction = services.member_sanction(
        actor=moderator, member=member, kind=Sanction.Kind.WARN, reason=REASON
    )
    from django.contrib.contenttypes.models import ContentType

    both = Appeal(
        appellant=member,
        text=APPEAL,
        content_type=ContentType.objects.get_for_model(content),
        object_id=content.pk,
        sanction=sanction,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        both.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(appellant=member, text=APPEAL)


# --- who decides ---------------------------------------------------------------------------------


def test_the_moderator_who_removed_it_can_neither_claim_nor_resolve_nor_decide(member, moderator):
    appeal = _appeal(member, content=_removed_about(member, moderator))
    with pytest.raises(PermissionDenied, match="different moderator"):
        services.queue_item_claim(actor=moderator, item=appeal.queue_item)
    with pytest.raises(PermissionDenied, match="different moderator"):
        services.queue_item_resolve(
            actor=moderator, item=appeal.queue_item, resolution=QueueItem.Resolution.NO_ACTION
        )
    with pytest.raises(PermissionDenied, match="different moderator"):
        services.appeal_decide(actor=moderator, appeal=appeal, grant=True)
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.OPEN


def test_another_moderator_claims_and_grants_a_removal_appeal(member, moderator, second_moderator):
    content = _removed_about(member, moderator)
    appeal = _appeal(member, content=content)
    services.queue_item_claim(actor=second_moderator, item=appeal.queue_item)
    decided = services.appeal_decide(
        actor=second_moderator, appeal=appeal, grant=True, note="You're right; thank you."
    )
    assert decided.state == Appeal.State.GRANTED
    assert (decided.decided_by, decided.decision_note) == (
        second_moderator,
        "You're right; thank you.",
    )
    content.refresh_from_db()
    assert content.status == ContentStatus.PUBLISHED
    item = QueueItem.objects.get(pk=appeal.queue_item_id)
    assert (item.state, item.resolution) == ("resolved", QueueItem.Resolution.APPEAL_GRANTED)
    verbs = set(ModerationAction.objects.values_list("verb", flat=True))
    assert {"content_restored", "appeal_decided"} <= verbs
    log = ModerationAction.objects.get(verb=ModerationAction.Verb.APPEAL_DECIDED)
    assert (log.actor, log.member, log.details) == (
        second_moderator,
        member,
        {"appeal": appeal.pk, "granted": True},
    )


def test_granting_a_sanction_appeal_lifts_it(member, moderator, second_moderator):
    sanction = services.member_sanction(
        actor=moderator,
        member=member,
        kind=Sanction.Kind.SUSPEND,
        reason=REASON,
        ends_at=timezone.now() + timedelta(days=3),
    )
    appeal = _appeal(member, sanction=sanction)
    services.appeal_decide(actor=second_moderator, appeal=appeal, grant=True)
    sanction.refresh_from_db()
    assert sanction.lifted_by == second_moderator
    assert ModerationAction.objects.filter(
        verb=ModerationAction.Verb.SANCTION_LIFTED, sanction=sanction
    ).exists()


def test_upholding_keeps_the_removal_and_needs_a_note(member, moderator, second_moderator):
    content = _removed_about(member, moderator)
    appeal = _appeal(member, content=content)
    with pytest.raises(ModerationConflict):
        services.appeal_decide(actor=second_moderator, appeal=appeal, grant=False, note=" ")
    services.appeal_decide(
        actor=second_moderator,
        appeal=appeal,
        grant=False,
        note="We looked again; sharing others' details stays off, even with good intent.",
    )
    appeal.refresh_from_db()
    content.refresh_from_db()
    assert appeal.state == Appeal.State.UPHELD
    assert content.status == ContentStatus.REMOVED
    assert appeal.queue_item.resolution == QueueItem.Resolution.APPEAL_UPHELD


def test_a_second_decision_is_told_it_was_already_decided(member, moderator, second_moderator):
    appeal = _appeal(member, content=_removed_about(member, moderator))
    services.appeal_decide(actor=second_moderator, appeal=appeal, grant=True)
    third = MemberFactory(is_moderator=True)
    with pytest.raises(ModerationConflict, match="already been decided"):
        services.appeal_decide(actor=third, appeal=appeal, grant=False, note="No.")


def test_the_appellant_cannot_decide_their_own_appeal(moderator, second_moderator):
    sanction = services.member_sanction(
        actor=moderator, member=second_moderator, kind=Sanction.Kind.WARN, reason=REASON
    )
    appeal = _appeal(second_moderator, sanction=sanction)
    with pytest.raises(PermissionDenied, match="your own appeal"):
        services.appeal_decide(actor=second_moderator, appeal=appeal, grant=True)


def test_members_cannot_decide_appeals(member, other_member, moderator):
    appeal = _appeal(member, content=_removed_about(member, moderator))
    with pytest.raises(PermissionDenied):
        services.appeal_decide(actor=other_member, appeal=appeal, grant=True)


def test_facilitator_decides_appeals_in_their_group_only(member, moderator):
    category = make_category(Category.Visibility.GROUP)
    join(category.group, member)
    facilitator = MemberFactory()
    join(category.group, facilitator, role="facilitator")
    elsewhere = MemberFactory()
    join(make_category(Category.Visibility.GROUP).group, elsewhere, role="facilitator")
    thread = make_thread(category, member)
    services.content_remove(actor=moderator, content=thread, reason=REASON)
    appeal = _appeal(member, content=thread)
    with pytest.raises(PermissionDenied):
        services.appeal_decide(actor=elsewhere, appeal=appeal, grant=True)
    with pytest.raises(PermissionDenied):
        services.queue_item_claim(actor=elsewhere, item=appeal.queue_item)
    assert list(selectors.appeals_to_decide(facilitator)) == [appeal]
    with pytest.raises(Http404):
        selectors.appeals_to_decide(member)
    assert not selectors.appeals_to_decide(elsewhere).exists()
    services.appeal_decide(actor=facilitator, appeal=appeal, grant=True)
    thread.refresh_from_db()
    assert thread.status == ContentStatus.PUBLISHED


def test_appeal_items_close_only_by_a_decision(member, moderator, second_moderator):
    appeal = _appeal(member, content=_removed_about(member, moderator))
    with pytest.raises(ModerationConflict, match="Grant or uphold"):
        services.queue_item_resolve(
            actor=second_moderator,
            item=appeal.queue_item,
            resolution=QueueItem.Resolution.NO_ACTION,
        )


def test_a_decision_waits_for_whoever_claimed_the_item(member, moderator, second_moderator):
    appeal = _appeal(member, content=_removed_about(member, moderator))
    services.queue_item_claim(actor=second_moderator, item=appeal.queue_item)
    third = MemberFactory(is_moderator=True)
    with pytest.raises(ModerationConflict, match="working on this"):
        services.appeal_decide(actor=third, appeal=appeal, grant=True)


def test_an_appeal_showing_urgent_risk_is_signposted_and_queued_first(member, moderator):
    from moderation.models import Signpost
    from tests.moderation.conftest import URGENT_TEXT

    content = _removed_about(member, moderator)
    appeal = _appeal(member, text=URGENT_TEXT, content=content)
    assert appeal.signpost is not None and appeal.signpost.tier == "urgent"
    assert Signpost.objects.filter(member=member, tier="urgent").exists()
    item = appeal.queue_item
    assert item.priority == QueueItem.PRIORITY[QueueItem.Reason.CRISIS_URGENT]
    assert item.detail.startswith("Urgent crisis risk in the appeal.")


def test_an_everyday_appeal_gets_no_signpost(member, moderator):
    appeal = _appeal(member, content=_removed_about(member, moderator))
    assert appeal.signpost is None
    assert appeal.queue_item.priority == QueueItem.PRIORITY[QueueItem.Reason.APPEAL]


def test_the_appeal_page_shows_help_after_an_urgent_appeal(client, member, moderator):
    from django.contrib.contenttypes.models import ContentType

    from tests.moderation.conftest import URGENT_TEXT

    content = _removed_about(member, moderator)
    kind = ContentType.objects.get_for_model(content)
    client.force_login(member)
    response = client.post(
        f"/me/moderation/appeal/?content={kind.app_label}.{kind.model}:{content.pk}",
        {"text": URGENT_TEXT},
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["signpost"]["tier"] == "urgent"
