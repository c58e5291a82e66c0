"""Mood check-ins and the reminder: what is stored, what is refused, and that a worrying note
shows the member help at once without reaching anyone else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from community import mood_selectors as selectors
from community import mood_services as services
from community.models import MoodCheckIn, MoodReminder
from moderation.models import ModerationAction, QueueItem, Signpost
from tests.factories import MemberFactory
from tests.moderation.conftest import CONCERN_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db


def test_a_check_in_is_stored_with_its_feelings_and_note(member):
    checkin, signpost = services.mood_check_in(
        actor=member, mood=4, feelings=["hopeful", "calm", "hopeful"], note="Waited an hour."
    )
    assert signpost is None
    checkin.refresh_from_db()
    assert (checkin.member, checkin.mood, checkin.note) == (member, 4, "Waited an hour.")
    assert checkin.feelings == ["hopeful", "calm"]


@pytest.mark.parametrize("mood", [0, 6, -1, True, False, "3", 3.0, None, [3]])
def test_a_mood_outside_one_to_five_or_not_a_whole_number_is_refused(member, mood):
    with pytest.raises(ValidationError) as refused:
        services.mood_check_in(actor=member, mood=mood)
    assert "mood" in refused.value.message_dict
    assert not MoodCheckIn.objects.exists()


@pytest.mark.parametrize("feelings", [["anxious", "furious"], "anxious", [1], [["calm"]], None])
def test_feelings_not_on_the_list_are_refused(member, feelings):
    with pytest.raises(ValidationError) as refused:
        services.mood_check_in(actor=member, mood=3, feelings=feelings)
    assert "feelings" in refused.value.message_dict
    assert not MoodCheckIn.objects.exists()


@pytest.mark.parametrize("note", ["x" * 1001, 42, None, ["a"]])
def test_a_note_too_long_or_not_text_is_refused(member, note):
    with pytest.raises(ValidationError) as refused:
        services.mood_check_in(actor=member, mood=3, note=note)
    assert "note" in refused.value.message_dict


def test_a_note_of_exactly_the_limit_is_kept(member):
    checkin, _signpost = services.mood_check_in(actor=member, mood=3, note="x" * 1000)
    assert len(checkin.note) == 1000


def test_visitors_and_erased_accounts_cannot_check_in(member):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.mood_check_in(actor=AnonymousUser(), mood=3)
    member.erased_at = datetime.now(UTC)
    with pytest.raises(PermissionDenied):
        services.mood_check_in(actor=member, mood=3)
    assert not MoodCheckIn.objects.exists()


def test_thirty_check_ins_an_hour_then_a_pause_with_when_to_retry(member, clock):
    for _number in range(services.CHECK_INS_PER_HOUR):
        services.mood_check_in(actor=member, mood=3)
    with pytest.raises(services.MoodRateLimited) as refused:
        services.mood_check_in(actor=member, mood=3)
    assert 0 < refused.value.retry_after <= 3600
    assert MoodCheckIn.objects.count() == services.CHECK_INS_PER_HOUR
    clock.advance(3601)
    services.mood_check_in(actor=member, mood=3)


def test_one_members_pace_does_not_slow_another(member, other_member):
    for _number in range(services.CHECK_INS_PER_HOUR):
        services.mood_check_in(actor=member, mood=3)
    services.mood_check_in(actor=other_member, mood=3)


@pytest.mark.parametrize(("note", "tier"), [(URGENT_TEXT, "urgent"), (CONCERN_TEXT, "concern")])
def test_a_worrying_note_shows_help_at_once_and_reaches_nobody(member, note, tier):
    _checkin, signpost = services.mood_check_in(actor=member, mood=1, note=note)
    assert signpost is not None and signpost.tier == tier
    assert signpost.resources
    assert "moderator" not in signpost.text
    assert MoodCheckIn.objects.get().note == note  # kept for the member, as written
    assert not QueueItem.objects.exists()
    assert not Signpost.objects.exists()
    assert not ModerationAction.objects.exists()


def test_a_very_low_mood_without_words_gets_a_gentle_word_not_a_crisis_response(member):
    checkin, signpost = services.mood_check_in(actor=member, mood=1)
    assert signpost is None
    assert services.needs_gentle_word(checkin, signpost)
    assert "alone" in services.gentle_word()
    assert not QueueItem.objects.exists()
    low_with_words, _ = services.mood_check_in(actor=member, mood=1, note="Tired, that's all.")
    assert not services.needs_gentle_word(low_with_words, None)
    better, _ = services.mood_check_in(actor=member, mood=2)
    assert not services.needs_gentle_word(better, None)


def test_a_member_deletes_their_own_check_in_but_not_anyone_elses(member, other_member, moderator):
    mine, _ = services.mood_check_in(actor=member, mood=2)
    for someone in (other_member, moderator):
        with pytest.raises(Http404):
            services.mood_check_in_delete(actor=someone, checkin_id=mine.pk)
    assert MoodCheckIn.objects.filter(pk=mine.pk).exists()
    services.mood_check_in_delete(actor=member, checkin_id=mine.pk)
    assert not MoodCheckIn.objects.exists()
    with pytest.raises(Http404):
        services.mood_check_in_delete(actor=member, checkin_id=mine.pk)


def test_reminder_is_set_once_per_member_and_changed_in_place(member):
    services.mood_reminder_set(actor=member, enabled=True, hour=19)
    services.mood_reminder_set(actor=member, enabled=False, hour=7)
    reminder = MoodReminder.objects.get(member=member)
    assert (reminder.enabled, reminder.hour) == (False, 7)


@pytest.mark.parametrize(
    ("enabled", "hour", "field"),
    [(True, 24, "hour"), (True, -1, "hour"), (True, "18", "hour"), (True, True, "hour"),
     ("yes", 18, "enabled"), (1, 18, "enabled")],
)  # fmt: skip
def test_reminder_refuses_impossible_hours_and_non_yes_no_answers(member, enabled, hour, field):
    with pytest.raises(ValidationError) as refused:
        services.mood_reminder_set(actor=member, enabled=enabled, hour=hour)
    assert field in refused.value.message_dict
    assert not MoodReminder.objects.exists()


# --- when is a reminder due? (a fixed clock: `now` is passed in) ------------------------------

EVENING = datetime(2026, 3, 28, 19, 5, tzinfo=UTC)


def _remind(member, hour=18):
    services.mood_reminder_set(actor=member, enabled=True, hour=hour)


def test_no_reminder_unless_the_member_turned_it_on(member):
    assert not selectors.mood_reminder_due(member, EVENING)
    services.mood_reminder_set(actor=member, enabled=False, hour=18)
    assert not selectors.mood_reminder_due(member, EVENING)


def test_reminder_is_due_from_its_hour_in_utc(member):
    _remind(member, hour=18)
    assert not selectors.mood_reminder_due(member, EVENING.replace(hour=17, minute=59))
    assert selectors.mood_reminder_due(member, EVENING.replace(hour=18, minute=0))
    assert selectors.mood_reminder_due(member, EVENING.replace(hour=23, minute=59))


def test_a_check_in_today_ends_the_reminder_until_tomorrow(member):
    _remind(member)
    checkin, _ = services.mood_check_in(actor=member, mood=3)
    MoodCheckIn.objects.filter(pk=checkin.pk).update(created_at=EVENING - timedelta(hours=1))
    selectors.forget_reminder_state(member.pk)
    assert not selectors.mood_reminder_due(member, EVENING)
    assert selectors.mood_reminder_due(member, EVENING + timedelta(days=1))


def test_yesterdays_check_in_does_not_count_for_today(member):
    _remind(member)
    checkin, _ = services.mood_check_in(actor=member, mood=3)
    MoodCheckIn.objects.filter(pk=checkin.pk).update(created_at=EVENING - timedelta(days=1))
    selectors.forget_reminder_state(member.pk)
    assert selectors.mood_reminder_due(member, EVENING)


def test_not_today_hides_the_reminder_for_the_rest_of_that_day(member):
    _remind(member)
    assert selectors.mood_reminder_due(member, EVENING)
    services.mood_reminder_dismiss(actor=member, now=EVENING)
    assert not selectors.mood_reminder_due(member, EVENING + timedelta(hours=2))
    assert selectors.mood_reminder_due(member, EVENING + timedelta(days=1))


def test_dismissing_without_a_reminder_stores_nothing(member):
    assert services.mood_reminder_dismiss(actor=member, now=EVENING) is None
    assert not MoodReminder.objects.exists()


def test_the_reminder_answer_follows_every_change_at_once(member):
    """The answer is kept in the cache; each service forgets it when it changes."""
    _remind(member)
    assert selectors.mood_reminder_due(member, EVENING)
    services.mood_reminder_set(actor=member, enabled=False, hour=18)
    assert not selectors.mood_reminder_due(member, EVENING)
    services.mood_reminder_set(actor=member, enabled=True, hour=18)
    assert selectors.mood_reminder_due(member, EVENING)


def test_the_reminder_costs_no_query_once_known(member, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.mood_reminder_due(member, EVENING)
    with django_assert_num_queries(0):
        selectors.mood_reminder_due(member, EVENING)


def test_nobody_else_sees_or_changes_a_members_check_ins(member, other_member, moderator):
    facilitator = MemberFactory(pseudonym="Fi Facilitator")
    mine, _ = services.mood_check_in(actor=member, mood=5, note="A good day.")
    for someone in (other_member, moderator, facilitator):
        assert list(selectors.mood_check_ins_for(someone)) == []
        with pytest.raises(Http404):
            selectors.get_mood_check_in_for(someone, mine.pk)
        series = selectors.mood_series(someone, today=datetime.now(UTC).date())
        assert all(day.average is None for day in series)
    assert selectors.get_mood_check_in_for(member, mine.pk) == mine
