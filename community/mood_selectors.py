"""Reads of mood check-ins and the reminder. Every read is of the actor's own rows: nobody else
(no member, facilitator or moderator) can reach them, and what is not theirs is the same 404 as
what does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import OuterRef, QuerySet, Subquery

from community.models import Member, MoodCheckIn, MoodReminder
from community.mood import CHART_DAYS, DayMood, daily_averages, utc_day
from community.private_space import private_row_or_404, private_rows

REMINDER_CACHE_SECONDS = 6 * 60 * 60


def _member(actor) -> Member | None:
    if not getattr(actor, "is_authenticated", False) or actor.erased_at is not None:
        return None
    return actor


def mood_check_ins_for(actor) -> QuerySet[MoodCheckIn]:
    """The actor's own check-ins, newest first (nothing for anyone not signed in)."""
    return private_rows(actor, MoodCheckIn).order_by("-created_at", "-pk")


def get_mood_check_in_for(actor, checkin_id) -> MoodCheckIn:
    """The actor's own check-in; Http404 for anyone else's (a moderator's too) or none."""
    return private_row_or_404(actor, MoodCheckIn, checkin_id)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def mood_series(actor, days: int = CHART_DAYS, *, today: date) -> list[DayMood]:
    """The actor's daily average mood over the `days` days ending `today` (UTC), oldest first."""
    start = _start_of(today - timedelta(days=days - 1))
    end = _start_of(today + timedelta(days=1))
    rows = mood_check_ins_for(actor).filter(created_at__gte=start, created_at__lt=end)
    return daily_averages(rows.only("created_at", "mood"), days=days, today=today)


def mood_check_ins_in_window(actor, days: int = CHART_DAYS, *, today: date) -> list[MoodCheckIn]:
    """The actor's check-ins of the chart's window, for the chart builder."""
    start = _start_of(today - timedelta(days=days - 1))
    end = _start_of(today + timedelta(days=1))
    return list(mood_check_ins_for(actor).filter(created_at__gte=start, created_at__lt=end))


def mood_reminder_for(actor) -> MoodReminder | None:
    member = _member(actor)
    if member is None:
        return None
    return MoodReminder.objects.filter(member=member).first()


# --- is a reminder due? -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderState:
    """What deciding "is a reminder due?" needs, small enough to keep in the cache."""

    enabled: bool
    hour: int
    dismissed_on: date | None
    last_check_in_on: date | None


def reminder_cache_key(member_id: int) -> str:
    return f"mood-reminder:{member_id}"


def forget_reminder_state(member_id: int) -> None:
    """Called by the services after any change that could change the answer."""
    cache.delete(reminder_cache_key(member_id))


_NO_REMINDER = "none"


def _reminder_state(member: Member) -> ReminderState | None:
    """The member's reminder and the day of their latest check-in, in one query, kept in the
    cache so that pages showing the banner usually cost no query at all."""
    key = reminder_cache_key(member.pk)
    cached = cache.get(key)
    if cached == _NO_REMINDER:
        return None
    if isinstance(cached, ReminderState):
        return cached
    latest = MoodCheckIn.objects.filter(member=OuterRef("member")).order_by("-created_at")
    row = (
        MoodReminder.objects.filter(member=member)
        .annotate(last_check_in_at=Subquery(latest.values("created_at")[:1]))
        .values("enabled", "hour", "dismissed_on", "last_check_in_at")
        .first()
    )
    if row is None or not row["enabled"]:
        cache.set(key, _NO_REMINDER, REMINDER_CACHE_SECONDS)
        return None
    last = row["last_check_in_at"]
    state = ReminderState(
        enabled=True,
        hour=row["hour"],
        dismissed_on=row["dismissed_on"],
        last_check_in_on=utc_day(last) if last is not None else None,
    )
    cache.set(key, state, REMINDER_CACHE_SECONDS)
    return state


def mood_reminder_due(actor, now: datetime) -> bool:
    """Show the gentle reminder now? Only when the member turned it on, it is `hour` or later
    (UTC), they haven't checked in today and haven't said "not today"."""
    member = _member(actor)
    if member is None:
        return False
    state = _reminder_state(member)
    if state is None or not state.enabled:
        return False
    moment = now.astimezone(UTC)
    today = moment.date()
    if moment.hour < state.hour:
        return False
    if state.dismissed_on == today:
        return False
    return state.last_check_in_on != today
