"""Writes of mood check-ins and the reminder: the only code that stores them.

A check-in is the member's alone. Its note is screened for crisis language only so that the
member sees help at once (`private_signpost`); nothing is queued, recorded or sent to anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import MoodCheckIn, MoodReminder
from community.models.selfhelp import MOOD_MAX, MOOD_MIN, NOTE_MAX_LENGTH
from community.mood import FEELINGS
from community.mood_selectors import forget_reminder_state, get_mood_check_in_for
from community.private_space import PrivateSpaceRateLimited, check_private_space
from community.ratelimit import SlidingWindow
from community.signposting import SignpostOffer, private_signpost

CHECK_INS_PER_HOUR = 30


class MoodRateLimited(PrivateSpaceRateLimited):
    """Too many check-ins in a short time; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            retry_after,
            _(
                "That's a lot of check-ins in a short time. Please take a breath and try again "
                "in about %(minutes)d minutes."
            )
            % {"minutes": max(1, (retry_after + 59) // 60)},
        )


def _forget_reminder_state(member_id: int) -> None:
    """The cached "is a reminder due?" answer is dropped now and again after the commit, so a
    page read in between cannot keep the old answer."""
    forget_reminder_state(member_id)
    transaction.on_commit(lambda: forget_reminder_state(member_id))


def _check_in_window(actor) -> SlidingWindow:
    return SlidingWindow(
        scope="mood-check-in", subject=str(actor.pk), limit=CHECK_INS_PER_HOUR, window_seconds=3600
    )


def _valid_mood(mood) -> int:
    if isinstance(mood, bool) or not isinstance(mood, int) or not MOOD_MIN <= mood <= MOOD_MAX:
        raise ValidationError(
            {"mood": [_("Please choose how you feel, from 1 (very low) to 5 (very good).")]}
        )
    return mood


def _valid_feelings(feelings) -> list[str]:
    if isinstance(feelings, str | bytes) or not isinstance(feelings, Iterable):
        raise ValidationError({"feelings": [_("Please choose feelings from the list.")]})
    chosen: list[str] = []
    for key in feelings:
        if not isinstance(key, str) or key not in FEELINGS:
            raise ValidationError({"feelings": [_("Please choose feelings from the list.")]})
        if key not in chosen:
            chosen.append(key)
    return chosen


def _valid_note(note) -> str:
    if not isinstance(note, str):
        raise ValidationError({"note": [_("The note should be text.")]})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "note": [
                    _("Please keep the note to %(limit)d characters (it has %(count)d).")
                    % {"limit": NOTE_MAX_LENGTH, "count": len(note)}
                ]
            }
        )
    return note


def mood_check_in(
    *, actor, mood: int, feelings: Iterable[str] = (), note: str = ""
) -> tuple[MoodCheckIn, SignpostOffer | None]:
    """Store how the member feels, for them alone. Returns the check-in and, when the note
    shows risk, the help to show them at once (nothing is queued or sent to anyone)."""
    check_private_space(actor)
    mood = _valid_mood(mood)
    chosen = _valid_feelings(feelings)
    note = _valid_note(note)
    window = _check_in_window(actor)
    retry_after = window.retry_after()
    if retry_after:
        raise MoodRateLimited(retry_after)
    with transaction.atomic():
        checkin = MoodCheckIn.objects.create(member=actor, mood=mood, feelings=chosen, note=note)
        _forget_reminder_state(actor.pk)
    window.add()
    signpost = private_signpost(actor, note) if note.strip() else None
    return checkin, signpost


def needs_gentle_word(checkin: MoodCheckIn, signpost: SignpostOffer | None) -> bool:
    """A very low mood with no words: a kind line and a link to help, not a crisis."""
    return signpost is None and checkin.mood == MOOD_MIN and not checkin.note.strip()


def gentle_word() -> str:
    return _(
        "Thank you for checking in. A very low day is hard, and you don't have to carry this "
        "alone. If you'd like to talk to someone, there are people ready to listen."
    )


def mood_check_in_delete(*, actor, checkin_id) -> None:
    """Delete one of the member's own check-ins (anyone else's is Http404)."""
    check_private_space(actor)
    with transaction.atomic():
        checkin = get_mood_check_in_for(actor, checkin_id)
        checkin.delete()
        _forget_reminder_state(actor.pk)


def _valid_hour(hour) -> int:
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ValidationError({"hour": [_("Please choose an hour from 0 to 23.")]})
    return hour


def mood_reminder_set(*, actor, enabled: bool, hour: int) -> MoodReminder:
    """Turn the member's daily reminder on or off, from `hour` (UTC)."""
    check_private_space(actor)
    if not isinstance(enabled, bool):
        raise ValidationError({"enabled": [_("Please say yes or no.")]})
    hour = _valid_hour(hour)
    with transaction.atomic():
        reminder, _created = MoodReminder.objects.select_for_update().get_or_create(
            member=actor, defaults={"enabled": enabled, "hour": hour}
        )
        if (reminder.enabled, reminder.hour) != (enabled, hour):
            reminder.enabled, reminder.hour = enabled, hour
            reminder.save(update_fields=["enabled", "hour"])
        _forget_reminder_state(actor.pk)
    return reminder


def mood_reminder_dismiss(*, actor, now: datetime | None = None) -> MoodReminder | None:
    """ "Not today": no reminder again until tomorrow (UTC). None when there is no reminder."""
    check_private_space(actor)
    today = (now or timezone.now()).astimezone(UTC).date()
    with transaction.atomic():
        reminder = MoodReminder.objects.select_for_update().filter(member=actor).first()
        if reminder is None:
            return None
        if reminder.dismissed_on != today:
            reminder.dismissed_on = today
            reminder.save(update_fields=["dismissed_on"])
        _forget_reminder_state(actor.pk)
    return reminder
