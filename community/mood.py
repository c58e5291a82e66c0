"""Mood check-ins in the member's private space: the five moods, the feelings a member may pick,
the daily averages of the last weeks and the chart of them, drawn on the server as SVG.

Everything here is pure (no database, no clock): the chart is a function of the check-ins and
of `today`, so it can be tested exactly. The SVG goes inline in the page, where the site's CSP
allows neither inline styles nor <style>, so it is drawn with presentation attributes only, and
every piece of text in it is escaped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from community.models.selfhelp import MOOD_MAX, MOOD_MIN

CHART_DAYS = 28

MOOD_LABELS = {
    1: gettext_lazy("Very low"),
    2: gettext_lazy("Low"),
    3: gettext_lazy("Okay"),
    4: gettext_lazy("Good"),
    5: gettext_lazy("Very good"),
}

# Stable keys (stored in check-ins and sent over the API) and the words a member sees.
FEELINGS = {
    "anxious": gettext_lazy("Anxious"),
    "lonely": gettext_lazy("Lonely"),
    "hopeful": gettext_lazy("Hopeful"),
    "calm": gettext_lazy("Calm"),
    "on edge": gettext_lazy("On edge"),
    "rejected": gettext_lazy("Rejected"),
    "loved": gettext_lazy("Loved"),
    "angry": gettext_lazy("Angry"),
    "tired": gettext_lazy("Tired"),
    "proud": gettext_lazy("Proud"),
    "numb": gettext_lazy("Numb"),
    "safe": gettext_lazy("Safe"),
}


def mood_label(mood: int) -> str:
    return str(MOOD_LABELS.get(mood, ""))


def feeling_labels(keys: Iterable[str]) -> list[str]:
    """The words for stored feeling keys, in the order given (unknown keys are skipped)."""
    return [str(FEELINGS[key]) for key in keys if key in FEELINGS]


@dataclass(frozen=True)
class DayMood:
    """One day of the chart: the average mood that day (None without a check-in)."""

    day: date
    average: float | None
    count: int


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def daily_averages(checkins: Iterable, *, days: int = CHART_DAYS, today: date) -> list[DayMood]:
    """The average mood of each of the `days` days ending with `today` (UTC days), oldest
    first. `checkins` are anything with `created_at` and `mood`; those outside the window
    are ignored."""
    if days < 1:
        raise ValueError("days must be at least 1")
    first = today - timedelta(days=days - 1)
    totals: dict[date, list[int]] = {}
    for checkin in checkins:
        day = utc_day(checkin.created_at)
        if first <= day <= today:
            totals.setdefault(day, []).append(int(checkin.mood))
    series = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        moods = totals.get(day, [])
        average = round(sum(moods) / len(moods), 2) if moods else None
        series.append(DayMood(day=day, average=average, count=len(moods)))
    return series


def _day(day: date) -> str:
    return date_format(day, "j F")


def _number(value: float) -> str:
    return f"{value:.1f}"


def chart_summary(series: list[DayMood]) -> str:
    """One or two sentences that say what the chart shows, for its <desc> and for anyone who
    can't see it."""
    if not series:
        return _("No check-ins to show.")
    with_data = [point for point in series if point.average is not None]
    span = {"first": _day(series[0].day), "last": _day(series[-1].day)}
    if not with_data:
        return (
            _("No check-ins between %(first)s and %(last)s yet. The chart fills in as you go.")
            % span
        )
    count = sum(point.count for point in with_data)
    average = sum(point.average * point.count for point in with_data) / count
    text = ngettext(
        "Average %(average)s over %(count)d check-in between %(first)s and %(last)s.",
        "Average %(average)s over %(count)d check-ins between %(first)s and %(last)s.",
        count,
    ) % {"average": _number(average), "count": count, **span}
    if len(with_data) > 1:
        lowest = min(with_data, key=lambda point: (point.average, point.day))
        highest = max(with_data, key=lambda point: (point.average, -point.day.toordinal()))
        text += " " + _("Lowest on %(low_day)s (%(low)s), highest on %(high_day)s (%(high)s).") % {
            "low_day": _day(lowest.day),
            "low": _number(lowest.average),
            "high_day": _day(highest.day),
            "high": _number(highest.average),
        }
    else:
        text += " " + _("Checked in on %(day)s (%(value)s).") % {
            "day": _day(with_data[0].day),
            "value": _number(with_data[0].average),
        }
    missing = len(series) - len(with_data)
    if missing:
        text += " " + ngettext(
            "%(count)d day has no check-in.", "%(count)d days have no check-in.", missing
        ) % {"count": missing}
    return text


# --- the drawing ------------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 16, 44
INK = "#1f3b3a"
GRID = "#c9d6d4"
LINE = "#1d6b66"


def _x(index: int, days: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner * index / (days - 1) if days > 1 else inner / 2)


def _y(value: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (MOOD_MAX - value) / (MOOD_MAX - MOOD_MIN)


def _f(value: float) -> str:
    return f"{value:.1f}"


def _path(series: list[DayMood]) -> str:
    """Line segments through the days with check-ins; a day without one breaks the line."""
    parts = []
    pen_down = False
    for index, point in enumerate(series):
        if point.average is None:
            pen_down = False
            continue
        command = "L" if pen_down else "M"
        parts.append(f"{command}{_f(_x(index, len(series)))} {_f(_y(point.average))}")
        pen_down = True
    return " ".join(parts)


def mood_chart_svg(
    checkins: Iterable, *, days: int = CHART_DAYS, today: date, chart_id: str = "mood-chart"
) -> str:
    """The chart of the daily average mood over the `days` days ending `today`, as an inline
    SVG string: mood labels on the side, a date every week along the bottom, a line through the
    days with check-ins (broken where a day has none) and a point on each. `role="img"` with a
    <title> and a <desc> that summarises it (see `chart_summary`)."""
    series = daily_averages(checkins, days=days, today=today)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" class="mood-chart" '
        f'role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" focusable="false">',
        f'<title id="{escape(title_id)}">'
        + escape(
            ngettext(
                "Your mood over the last %(days)d day",
                "Your mood over the last %(days)d days",
                days,
            )
            % {"days": days}
        )
        + "</title>",
        f'<desc id="{escape(desc_id)}">{escape(chart_summary(series))}</desc>',
        f'<g font-family="sans-serif" font-size="12" fill="{INK}">',
    ]
    for mood in range(MOOD_MIN, MOOD_MAX + 1):
        y = _f(_y(mood))
        out.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="{GRID}" '
            f'stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 8}" y="{y}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(mood_label(mood))}</text>"
        )
    baseline = _f(HEIGHT - BOTTOM + 20)
    for index, point in enumerate(series):
        if (len(series) - 1 - index) % 7 == 0:
            out.append(
                f'<text x="{_f(_x(index, len(series)))}" y="{baseline}" text-anchor="middle">'
                f"{escape(_day(point.day))}</text>"
            )
    out.append("</g>")
    line = _path(series)
    if line:
        out.append(
            f'<path d="{line}" fill="none" stroke="{LINE}" stroke-width="2.5" '
            f'stroke-linejoin="round" stroke-linecap="round"/>'
        )
    for index, point in enumerate(series):
        if point.average is None:
            continue
        label = ngettext(
            "%(day)s: %(value)s (%(count)d check-in)",
            "%(day)s: %(value)s (%(count)d check-ins)",
            point.count,
        ) % {"day": _day(point.day), "value": _number(point.average), "count": point.count}
        out.append(
            f'<circle class="mood-chart__point" cx="{_f(_x(index, len(series)))}" '
            f'cy="{_f(_y(point.average))}" r="4.5" fill="{LINE}" stroke="#ffffff" '
            f'stroke-width="1.5"><title>{escape(label)}</title></circle>'
        )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class CheckInView:
    """A check-in with the words a page shows for its mood and feelings."""

    checkin: object
    label: str
    feelings: list[str]


def check_in_view(checkin) -> CheckInView:
    return CheckInView(
        checkin=checkin, label=mood_label(checkin.mood), feelings=feeling_labels(checkin.feelings)
    )
