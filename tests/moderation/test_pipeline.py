"""moderation.pipeline.submit: every decision path, as the calling service sees it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import ProfileText
from moderation.kinds import ContentKind
from moderation.models import ContentStatus, QueueItem, Sanction, WatchedWord
from moderation.pipeline import Action, Refusal, SubmissionContext, submit
from tests.factories import GroupFactory, MemberFactory, WatchedWordFactory
from tests.moderation.conftest import (
    CONCERN_TEXT,
    EVERYDAY_TEXT,
    SOMEONE_ELSE_TEXT,
    URGENT_TEXT,
)

pytestmark = pytest.mark.django_db


def _sanction(member, kind, *, group=None, ends_in=timedelta(hours=2), **extra):
    return Sanction.objects.create(
        member=member,
        kind=kind,
        group=group,
        reason="Please take a break from posting.",
        ends_at=timezone.now() + ends_in if ends_in else None,
        created_by=MemberFactory(is_moderator=True),
        **extra,
    )


# --- publish -------------------------------------------------------------------------------------


def test_everyday_text_is_published_with_safe_html(established):
    decision = submit(actor=established, kind=ContentKind.FORUM_POST, text="I *did* it today.")
    assert decision.action == Action.PUBLISH
    assert decision.status == ContentStatus.PUBLISHED
    assert decision.body_html.strip() == "<p>I <em>did</em> it today.</p>"
    assert decision.risk == "none"
    assert decision.queue_reason == ""
    assert decision.signpost is None


def test_idiom_is_published_without_signpost(established):
    decision = submit(actor=established, kind=ContentKind.CHAT, text=EVERYDAY_TEXT)
    assert decision.action == Action.PUBLISH
    assert decision.signpost is None


def test_script_is_stored_raw_but_rendered_inert(established):
    decision = submit(actor=established, kind=ContentKind.CHAT, text="<script>alert(1)</script> hi")
    assert decision.action == Action.PUBLISH
    assert decision.body == "<script>alert(1)</script> hi"
    assert "<script" not in decision.body_html
    assert "&lt;script&gt;" in decision.body_html


def test_line_endings_and_outer_space_are_normalised(established):
    decision = submit(actor=established, kind=ContentKind.CHAT, text="  one\r\ntwo \r\n")
    assert decision.body == "one\ntwo"


# --- block: empty, too long ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t", None, 42, ["a list"]])
def test_empty_or_not_text_is_refused_with_a_reason(established, text):
    decision = submit(actor=established, kind=ContentKind.CHAT, text=text)
    assert decision.refused
    assert decision.refusal == Refusal.EMPTY
    assert "write something" in decision.message


def test_too_long_is_refused_with_the_limit(established):
    decision = submit(actor=established, kind=ContentKind.CHAT, text="a" * 2001)
    assert decision.refused
    assert decision.refusal == Refusal.TOO_LONG
    assert "2,000" in decision.message
    with pytest.raises(ValueError):
        decision.status  # noqa: B018 - a refused text has no status


def test_text_at_the_limit_is_accepted(established):
    decision = submit(actor=established, kind=ContentKind.CHAT, text="a" * 2000)
    assert decision.action == Action.PUBLISH


def test_too_long_cry_for_help_is_refused_but_still_signposted(established):
    decision = submit(actor=established, kind=ContentKind.CHAT, text=URGENT_TEXT + " " + "x" * 2100)
    assert decision.refusal == Refusal.TOO_LONG
    assert decision.risk == "urgent"
    assert decision.signpost is not None
    assert decision.signpost.tier == "urgent"


# --- crisis tiers --------------------------------------------------------------------------------


def test_urgent_risk_is_held_signposted_and_queued_first(established):
    decision = submit(actor=established, kind=ContentKind.FORUM_POST, text=URGENT_TEXT)
    assert decision.action == Action.HOLD
    assert decision.status == ContentStatus.HELD
    assert decision.risk == "urgent"
    assert decision.queue_reason == QueueItem.Reason.CRISIS_URGENT
    assert decision.signpost.tier == "urgent"
    assert decision.reasons, "moderators see why"


def test_concern_is_published_signposted_and_flagged(established):
    decision = submit(actor=established, kind=ContentKind.FORUM_POST, text=CONCERN_TEXT)
    assert decision.action == Action.PUBLISH
    assert decision.risk == "concern"
    assert decision.queue_reason == QueueItem.Reason.CRISIS_CONCERN
    assert decision.signpost.tier == "concern"


def test_someone_else_at_risk_gets_helper_resources_and_low_priority(established):
    decision = submit(actor=established, kind=ContentKind.FORUM_POST, text=SOMEONE_ELSE_TEXT)
    assert decision.action == Action.PUBLISH
    assert decision.risk == "none"
    assert decision.about_someone_else
    assert decision.queue_reason == QueueItem.Reason.SOMEONE_ELSE
    assert decision.signpost.tier == "someone_else"
    assert "worried about someone" in decision.signpost.text


# --- signpost content per country ----------------------------------------------------------------


def test_urgent_signpost_for_gb_puts_emergency_number_first():
    member = MemberFactory(country="GB")
    signpost = submit(actor=member, kind=ContentKind.CHAT, text=URGENT_TEXT).signpost
    names = [row["name"] for row in signpost.resources]
    assert names[0] == "Emergency services"
    assert signpost.resources[0]["tel"] == "tel:999"
    assert "Samaritans" in names
    assert "999 or 112" in signpost.text
    assert signpost.country_code == "GB"
    assert len(signpost.resources) <= 4


def test_concern_signpost_for_us_lists_988_and_no_emergency_line():
    member = MemberFactory(country="US")
    signpost = submit(actor=member, kind=ContentKind.CHAT, text=CONCERN_TEXT).signpost
    names = [row["name"] for row in signpost.resources]
    assert "988 Suicide & Crisis Lifeline" in names
    assert "Emergency services" not in names
    assert signpost.country_code == "US"


def test_signpost_without_country_falls_back_to_international_directory():
    member = MemberFactory(country="")
    signpost = submit(actor=member, kind=ContentKind.CHAT, text=URGENT_TEXT).signpost
    assert signpost.country_code == ""
    assert any("Find A Helpline" in row["name"] for row in signpost.resources)
    assert "your local emergency number" in signpost.text


def test_signpost_text_is_warm_and_never_lectures_or_promises():
    member = MemberFactory(country="GB")
    for text in (URGENT_TEXT, CONCERN_TEXT, SOMEONE_ELSE_TEXT):
        words = submit(actor=member, kind=ContentKind.CHAT, text=text).signpost.text.lower()
        assert "thank" in words or "worried about someone" in words
        for phrase in ("gets better", "get better", "you should", "selfish", "against the"):
            assert phrase not in words


# --- watched words -------------------------------------------------------------------------------


def test_blocked_word_refuses_with_the_moderators_reason(established):
    WatchedWordFactory(phrase="buy now", action="block", reason="Selling isn't allowed here.")
    decision = submit(actor=established, kind=ContentKind.CHAT, text="Buy   NOW!!! cheap")
    assert decision.refused
    assert decision.refusal == Refusal.WATCHED_WORD
    assert "Selling isn't allowed here." in decision.message


def test_blocked_word_without_reason_names_the_phrase(established):
    WatchedWordFactory(phrase="spamword", action="block")
    decision = submit(actor=established, kind=ContentKind.CHAT, text="a spamword here")
    assert "spamword" in decision.message


def test_held_word_holds_for_review(established):
    WatchedWordFactory(phrase="meet up", action="hold")
    decision = submit(actor=established, kind=ContentKind.CHAT, text="Shall we meet up?")
    assert decision.action == Action.HOLD
    assert decision.queue_reason == QueueItem.Reason.WATCHED_WORD


def test_flagged_word_publishes_and_queues(established):
    WatchedWordFactory(phrase="phone number", action="flag")
    decision = submit(actor=established, kind=ContentKind.CHAT, text="what's your phone number")
    assert decision.action == Action.PUBLISH
    assert decision.queue_reason == QueueItem.Reason.WATCHED_WORD


def test_censored_word_is_masked_in_output_only(established):
    WatchedWordFactory(phrase="darn", action="censor")
    decision = submit(actor=established, kind=ContentKind.CHAT, text="Darn it, DAAARN!")
    assert decision.action == Action.PUBLISH
    assert decision.body == "Darn it, DAAARN!"
    assert "darn" not in decision.body_html.lower()
    assert "\u2022\u2022\u2022\u2022 it" in decision.body_html


def test_disguised_censored_word_is_held_because_it_cannot_be_masked(established):
    WatchedWordFactory(phrase="darn", action="censor")
    decision = submit(actor=established, kind=ContentKind.CHAT, text="d.a.r.n it")
    assert decision.action == Action.HOLD


@pytest.mark.parametrize(
    "text",
    [
        "SpamWord",
        "spamword!!!",
        "sspppaaamword",
        "s p a m w o r d",
        "spam\u200bword",
        "\uff53\uff50\uff41\uff4d\uff57\uff4f\uff52\uff44",
    ],
)
def test_watched_word_ignores_case_punctuation_stretching_and_disguise(established, text):
    WatchedWordFactory(phrase="spamword", action="hold")
    assert submit(actor=established, kind=ContentKind.CHAT, text=text).action == Action.HOLD


@pytest.mark.parametrize("text", ["as you said", "a class act", "spamwords"])
def test_watched_word_matches_whole_words_only(established, text):
    WatchedWordFactory(phrase="ass", action="hold")
    WatchedWordFactory(phrase="spamword", action="hold")
    assert submit(actor=established, kind=ContentKind.CHAT, text=text).action == Action.PUBLISH


def test_inactive_watched_word_is_ignored(established):
    WatchedWordFactory(phrase="spamword", action="block", is_active=False)
    assert submit(actor=established, kind=ContentKind.CHAT, text="spamword").action == "publish"


def test_blocked_word_never_bounces_a_cry_for_help(established):
    WatchedWordFactory(phrase="pills", action="block", reason="No drug talk.")
    decision = submit(actor=established, kind=ContentKind.CHAT, text=URGENT_TEXT)
    assert decision.action == Action.HOLD
    assert decision.queue_reason == QueueItem.Reason.CRISIS_URGENT
    assert decision.signpost.tier == "urgent"


# --- sanctions -----------------------------------------------------------------------------------


def test_banned_member_is_refused(established):
    _sanction(established, Sanction.Kind.BAN, ends_in=None)
    decision = submit(actor=established, kind=ContentKind.CHAT, text="hello")
    assert decision.refusal == Refusal.BANNED
    assert "Please take a break from posting." in decision.message


def test_suspended_member_is_told_until_when(established):
    sanction = _sanction(established, Sanction.Kind.SUSPEND, ends_in=timedelta(days=3))
    decision = submit(actor=established, kind=ContentKind.CHAT, text="hello")
    assert decision.refusal == Refusal.SUSPENDED
    assert decision.until == sanction.ends_at
    assert sanction.ends_at.strftime("%d %B %Y") in decision.message


def test_mute_everywhere_refuses_in_any_space(established):
    _sanction(established, Sanction.Kind.MUTE)
    group = GroupFactory()
    for context in (None, SubmissionContext(group=group)):
        decision = submit(actor=established, kind=ContentKind.CHAT, text="hi", context=context)
        assert decision.refusal == Refusal.MUTED


def test_mute_in_one_group_applies_only_there(established):
    muted_in, elsewhere = GroupFactory(), GroupFactory()
    _sanction(established, Sanction.Kind.MUTE, group=muted_in)
    refused = submit(
        actor=established, kind="chat", text="hi", context=SubmissionContext(group=muted_in)
    )
    assert refused.refusal == Refusal.MUTED
    other = submit(
        actor=established, kind="chat", text="hi", context=SubmissionContext(group=elsewhere)
    )
    assert other.action == Action.PUBLISH
    assert submit(actor=established, kind="forum_post", text="hi").action == Action.PUBLISH


def test_warning_limits_nothing(established):
    _sanction(established, Sanction.Kind.WARN, ends_in=None)
    assert submit(actor=established, kind="chat", text="hello").action == Action.PUBLISH


def test_lifted_and_expired_sanctions_no_longer_apply(established):
    _sanction(established, Sanction.Kind.BAN, ends_in=None, lifted_at=timezone.now())
    expired = _sanction(established, Sanction.Kind.SUSPEND)
    Sanction.objects.filter(pk=expired.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert submit(actor=established, kind="chat", text="hello").action == Action.PUBLISH


def test_deactivated_account_cannot_post(established):
    established.is_active = False
    established.save()
    assert submit(actor=established, kind="chat", text="hello").refusal == Refusal.BANNED


def test_muted_member_in_crisis_is_held_for_a_moderator_not_refused(established):
    _sanction(established, Sanction.Kind.MUTE)
    decision = submit(actor=established, kind=ContentKind.CHAT, text=URGENT_TEXT)
    assert decision.action == Action.HOLD
    assert decision.queue_reason == QueueItem.Reason.CRISIS_URGENT
    assert decision.signpost.tier == "urgent"
    concern = submit(actor=established, kind=ContentKind.CHAT, text=CONCERN_TEXT)
    assert concern.action == Action.HOLD, "a muted member's words are never published"
    assert concern.queue_reason == QueueItem.Reason.CRISIS_CONCERN


# --- rate limits ---------------------------------------------------------------------------------


def test_chat_allows_20_messages_per_30_seconds(established, clock):
    for number in range(20):
        assert submit(actor=established, kind="chat", text=f"m{number}").action == "publish"
    refused = submit(actor=established, kind="chat", text="one more")
    assert refused.refusal == Refusal.RATE_LIMITED
    assert 1 <= refused.retry_after <= 30
    assert f"{refused.retry_after} seconds" in refused.message
    clock.advance(31)
    assert submit(actor=established, kind="chat", text="later").action == "publish"


def test_posts_share_5_per_10_minutes_across_threads_replies_and_stories(established, clock):
    kinds = ["forum_thread", "forum_post", "story", "forum_post", "forum_thread"]
    for kind in kinds:
        assert submit(actor=established, kind=kind, text="a post").action == "publish"
    refused = submit(actor=established, kind="story", text="one more")
    assert refused.refusal == Refusal.RATE_LIMITED
    assert refused.retry_after > 500
    assert submit(actor=established, kind="chat", text="chat is separate").action == "publish"
    clock.advance(601)
    assert submit(actor=established, kind="forum_post", text="later").action == "publish"


def test_refused_attempts_do_not_use_up_the_budget(established, clock):
    for _ in range(30):
        submit(actor=established, kind="chat", text="")
    assert submit(actor=established, kind="chat", text="hello").action == "publish"


def test_rate_limit_is_per_member(established, clock):
    for _ in range(20):
        submit(actor=established, kind="chat", text="hi")
    other = MemberFactory(date_joined=timezone.now() - timedelta(days=9))
    assert submit(actor=other, kind="chat", text="hi").action == "publish"


def test_moderators_are_not_rate_limited(moderator, clock):
    for _ in range(25):
        assert submit(actor=moderator, kind="chat", text="welcome").action == "publish"


def test_cry_for_help_beyond_the_rate_limit_is_held_not_refused(established, clock):
    for _ in range(20):
        submit(actor=established, kind="chat", text="hi")
    decision = submit(actor=established, kind="chat", text=URGENT_TEXT)
    assert decision.action == Action.HOLD
    assert decision.queue_reason == QueueItem.Reason.CRISIS_URGENT


# --- new-member rules ----------------------------------------------------------------------------


def _publish_profile(member) -> None:
    ProfileText.objects.filter(author=member).delete()
    ProfileText.objects.create(author=member, body="x", body_html="<p>x</p>")


def test_first_three_items_of_a_member_are_held_in_premoderated_spaces(established):
    premoderated = SubmissionContext(group=GroupFactory(is_premoderated=True), premoderated=True)
    decision = submit(actor=established, kind="chat", text="hello all", context=premoderated)
    assert decision.action == Action.HOLD
    assert decision.queue_reason == QueueItem.Reason.NEW_MEMBER
    assert submit(actor=established, kind="chat", text="hello all").action == "publish"


def test_held_items_do_not_count_towards_the_first_three(established):
    premoderated = SubmissionContext(premoderated=True)
    ProfileText.objects.create(
        author=established, body="x", body_html="x", status=ContentStatus.HELD
    )
    decision = submit(actor=established, kind="chat", text="hi", context=premoderated)
    assert decision.action == Action.HOLD


def test_member_with_three_published_items_is_no_longer_premoderated(established, settings):
    settings.MODERATION_PREMODERATED_FIRST_ITEMS = 1
    premoderated = SubmissionContext(premoderated=True)
    assert submit(actor=established, kind="chat", text="hi", context=premoderated).action == "hold"
    _publish_profile(established)
    assert (
        submit(actor=established, kind="chat", text="hi", context=premoderated).action == "publish"
    )


def test_links_from_members_younger_than_a_day_are_held(member):
    decision = submit(actor=member, kind="chat", text="see https://example.org/page")
    assert decision.action == Action.HOLD
    assert decision.queue_reason == QueueItem.Reason.NEW_MEMBER_LINK


def test_links_from_established_members_are_published(established):
    decision = submit(actor=established, kind="chat", text="see https://example.org/page")
    assert decision.action == Action.PUBLISH
    assert 'href="https://example.org/page"' in decision.body_html


def test_text_without_links_from_new_member_is_published(member):
    assert submit(actor=member, kind="chat", text="hello, I'm new").action == Action.PUBLISH


def test_moderators_skip_new_member_rules():
    fresh_moderator = MemberFactory(is_moderator=True)
    decision = submit(
        actor=fresh_moderator,
        kind="chat",
        text="Welcome! See https://example.org",
        context=SubmissionContext(premoderated=True),
    )
    assert decision.action == Action.PUBLISH


def test_a_held_decision_carries_the_most_urgent_queue_reason(member):
    decision = submit(
        actor=member,
        kind="chat",
        text=URGENT_TEXT + " https://example.org",
        context=SubmissionContext(premoderated=True),
    )
    assert decision.queue_reason == QueueItem.Reason.CRISIS_URGENT
    assert len(decision.reasons) >= 3


def test_unknown_kind_is_a_programming_error(established):
    with pytest.raises(ValueError):
        submit(actor=established, kind="email", text="hi")


def test_submit_writes_nothing(established, django_assert_num_queries):
    WatchedWord.objects.create(phrase="pills", action="flag")
    # sanctions, watched words, crisis help for the signpost
    with django_assert_num_queries(3) as queries:
        submit(actor=established, kind="chat", text=URGENT_TEXT)
    assert not any(
        query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        for query in queries.captured_queries
    )


def test_everyday_text_costs_two_queries(established, django_assert_num_queries):
    with django_assert_num_queries(2):
        submit(actor=established, kind="chat", text="hello")


def test_premoderated_space_adds_one_count_per_content_kind(member, django_assert_num_queries):
    from moderation.registry import content_models

    with django_assert_num_queries(2 + len(content_models())):
        submit(
            actor=member, kind="chat", text="hello", context=SubmissionContext(premoderated=True)
        )
