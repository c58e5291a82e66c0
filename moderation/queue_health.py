"""Reads about the health of the review queue: how much is waiting, what is overdue, how long
people wait for a moderator, and a small server-drawn chart of the last two weeks.

Every selector here costs a fixed number of queries, whatever the number of items, and takes
an optional `actor` to scope what it counts:

- `actor=None`: the whole queue (system use, such as `manage.py moderation_report`);
- a moderator: the whole queue;
- anyone else who is logged in and active: only items of the groups they actively facilitate
  (one subquery), so a plain member counts nothing;
- a visitor or an inactive account: nothing, without a query.

Times are in UTC; `now` defaults to `timezone.now()` and exists so callers and tests can pin it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from moderation import permissions
from moderation.models import QueueItem

URGENT = "urgent"
CONCERN = "concern"
REPORTS = "reports"
HOLDS = "holds"
# Priority bands, most pressing first. "holds" is every reason not named here.
BANDS: tuple[str, ...] = (URGENT, CONCERN, REPORTS, HOLDS)
BAND_REASONS: dict[str, str] = {
    URGENT: QueueItem.Reason.CRISIS_URGENT,
    CONCERN: QueueItem.Reason.CRISIS_CONCERN,
    REPORTS: QueueItem.Reason.REPORT,
}
SERIES_DAYS = 14


@dataclass(frozen=True)
class QueueCounts:
    """Open (not resolved) items per band (`BANDS`), and how many of those are overdue."""

    open: dict[str, int]
    overdue: dict[str, int]
    total: int
    overdue_total: int


@dataclass(frozen=True)
class TimingStats:
    """How long items created in the last `days` days waited, in seconds.

    `first_action_*` measures created -> claimed (or -> resolved when nobody claimed it first);
    `resolution_*` measures created -> resolved. Medians and p90s are None when their count is
    0. `items` is how many items were created in the window, acted on or not."""

    days: int
    items: int
    first_action_count: int
    first_action_median: float | None
    first_action_p90: float | None
    resolution_count: int
    resolution_median: float | None
    resolution_p90: float | None


@dataclass(frozen=True)
class DayPoint:
    """One UTC day: items created that day (`opened`) and items resolved that day."""

    date: date
    opened: int
    resolved: int


def _threshold_for_reason(reason: str) -> timedelta:
    if reason == QueueItem.Reason.CRISIS_URGENT:
        return timedelta(minutes=settings.MODERATION_AGEING_URGENT_MINUTES)
    return timedelta(hours=settings.MODERATION_AGEING_OTHER_HOURS)


def ageing_threshold(item_or_priority: QueueItem | str | int) -> timedelta:
    """How old an open item may get before it is overdue.

    Accepts a queue item, a reason (`QueueItem.Reason`) or a priority number. Urgent items
    (priority 0: urgent crisis, and appeals written in urgent crisis) get
    `MODERATION_AGEING_URGENT_MINUTES`; everything else `MODERATION_AGEING_OTHER_HOURS`.
    Settings are read on every call, so overrides apply."""
    if isinstance(item_or_priority, QueueItem):
        item_or_priority = item_or_priority.priority
    if isinstance(item_or_priority, str):
        return _threshold_for_reason(item_or_priority)
    urgent_priority = QueueItem.PRIORITY[QueueItem.Reason.CRISIS_URGENT]
    return _threshold_for_reason(
        QueueItem.Reason.CRISIS_URGENT if item_or_priority == urgent_priority else ""
    )


def is_overdue(item: QueueItem, now: datetime | None = None) -> bool:
    """True when `item` is still open or claimed and strictly older than its threshold (an item
    exactly at its threshold is not yet overdue). Resolved items are never overdue. No query."""
    if item.state == QueueItem.State.RESOLVED:
        return False
    now = now or timezone.now()
    return now - item.created_at > ageing_threshold(item)


def scoped_items(actor) -> QuerySet[QueueItem]:
    items = QueueItem.objects.all()
    if actor is None or permissions.is_moderator(actor):
        return items
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return items.none()
    from groups.models import Membership

    facilitated = Membership.objects.filter(
        member=actor,
        role=Membership.Role.FACILITATOR,
        state=Membership.State.ACTIVE,
    ).values("group_id")
    return items.filter(group_id__in=facilitated)


def _band_filter(band: str) -> Q:
    # Urgent goes by priority, so an appeal written in urgent crisis counts as urgent.
    urgent = Q(priority=QueueItem.URGENT_PRIORITY)
    if band == URGENT:
        return urgent
    if band == HOLDS:
        return ~Q(reason__in=list(BAND_REASONS.values())) & ~urgent
    return Q(reason=BAND_REASONS[band]) & ~urgent


def open_counts(actor=None, now: datetime | None = None) -> QueueCounts:
    """Open and claimed items per band, with how many are overdue (see `is_overdue`), scoped to
    `actor` as the module docstring says. One query (none for a visitor)."""
    now = now or timezone.now()
    urgent_cutoff = now - _threshold_for_reason(QueueItem.Reason.CRISIS_URGENT)
    other_cutoff = now - _threshold_for_reason("")
    aggregates = {}
    for band in BANDS:
        cutoff = urgent_cutoff if band == URGENT else other_cutoff
        aggregates[f"{band}_open"] = Count("pk", filter=_band_filter(band))
        aggregates[f"{band}_overdue"] = Count(
            "pk", filter=_band_filter(band) & Q(created_at__lt=cutoff)
        )
    row = scoped_items(actor).exclude(state=QueueItem.State.RESOLVED).aggregate(**aggregates)
    opened = {band: row[f"{band}_open"] or 0 for band in BANDS}
    overdue = {band: row[f"{band}_overdue"] or 0 for band in BANDS}
    return QueueCounts(
        open=opened,
        overdue=overdue,
        total=sum(opened.values()),
        overdue_total=sum(overdue.values()),
    )


def percentile(values: Sequence[float], p: float) -> float | None:
    """The `p`-th percentile (0 < p <= 100) of `values` by the nearest-rank method: sort, then
    take the value at rank ceil(p / 100 * n) (1-based). Always one of the values, never an
    interpolation; so the median of an even count is the lower middle value. None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def timing_stats(days: int = 7, now: datetime | None = None, actor=None) -> TimingStats:
    """Median and p90 waiting times over items created in the last `days` days up to `now`,
    scoped to `actor`. One query (a values_list); the percentiles are computed in Python with
    `percentile` (nearest rank). A timestamp earlier than creation counts as 0 seconds."""
    now = now or timezone.now()
    rows = list(
        scoped_items(actor)
        .filter(created_at__gte=now - timedelta(days=days), created_at__lte=now)
        .order_by()
        .values_list("created_at", "claimed_at", "resolved_at")
    )
    first_action: list[float] = []
    resolution: list[float] = []
    for created_at, claimed_at, resolved_at in rows:
        first = claimed_at or resolved_at
        if first is not None:
            first_action.append(max(0.0, (first - created_at).total_seconds()))
        if resolved_at is not None:
            resolution.append(max(0.0, (resolved_at - created_at).total_seconds()))
    return TimingStats(
        days=days,
        items=len(rows),
        first_action_count=len(first_action),
        first_action_median=percentile(first_action, 50),
        first_action_p90=percentile(first_action, 90),
        resolution_count=len(resolution),
        resolution_median=percentile(resolution, 50),
        resolution_p90=percentile(resolution, 90),
    )


def _per_day(items: QuerySet[QueueItem], field: str, start: datetime, end: datetime) -> dict:
    rows = (
        items.filter(**{f"{field}__gte": start, f"{field}__lt": end})
        .annotate(day=TruncDate(field, tzinfo=UTC))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return dict(rows)


def daily_series(
    days: int = SERIES_DAYS, now: datetime | None = None, actor=None
) -> list[DayPoint]:
    """Items opened and resolved per UTC day for the last `days` days including today, oldest
    first: exactly `days` points, with zeros for quiet days. Scoped to `actor`. Two queries
    (none for a visitor)."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()
    first_day = today - timedelta(days=days - 1)
    start = datetime.combine(first_day, time.min, tzinfo=UTC)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=UTC)
    items = scoped_items(actor)
    opened = _per_day(items, "created_at", start, end)
    resolved = _per_day(items, "resolved_at", start, end)
    points = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        points.append(DayPoint(date=day, opened=opened.get(day, 0), resolved=resolved.get(day, 0)))
    return points


def human_duration(seconds: float | None) -> str:
    """A waiting time for people: "45 s", "4 min", "2 h 10 min", "3 d 4 h"; "no data" for None.
    Rounded to the nearest minute from one minute up, to the nearest hour from one day up."""
    if seconds is None:
        return _("no data")
    if seconds < 59.5:
        return _("%(n)d s") % {"n": round(seconds)}
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        if rest:
            return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
        return _("%(h)d h") % {"h": hours}
    days, hours = divmod(round(seconds / 3600), 24)
    if hours:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    return _("%(d)d d") % {"d": days}


# Chart geometry (user units) and colours. Both bar colours reach at least 7:1 against the white
# background, and the series are also told apart by the legend and each bar's tooltip.
CHART_WIDTH = 480
CHART_HEIGHT = 200
PLOT_LEFT = 36
PLOT_RIGHT = 12
PLOT_TOP = 32
PLOT_BOTTOM = 28
OPENED_COLOUR = "#1d4f91"
RESOLVED_COLOUR = "#1b5e20"
TEXT_COLOUR = "#222222"
AXIS_COLOUR = "#595959"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def queue_chart_svg(
    series: Sequence[DayPoint],
    *,
    title: str | None = None,
    id_prefix: str = "queue-chart",
) -> SafeString:
    """An accessible inline SVG bar chart of `series` (as from `daily_series`): for each day a
    bar for items opened and one for items resolved.

    Guarantees: well-formed XML in the SVG namespace; `role="img"` labelled by its <title> and a
    <desc> that says the numbers in words; one `<rect class="bar ...">` per non-zero bar (days
    with 0 draw no bar), each with a <title> tooltip; the first and last day labelled on the
    axis; no scripts, styles from outside, links or other external references. Every text value
    (including `title` and `id_prefix`) is escaped and every number passes through int()/float
    formatting, so the result is safe to mark safe. The same input always gives the same output.
    """
    title = _("Review queue, last %(n)d days") % {"n": len(series)} if title is None else title
    points = [(p.date, int(p.opened), int(p.resolved)) for p in series]
    title_id = escape(f"{id_prefix}-title")
    desc_id = escape(f"{id_prefix}-desc")
    total_opened = sum(opened for _day, opened, _resolved in points)
    total_resolved = sum(resolved for _day, _opened, resolved in points)

    if not points:
        description = _("No days to show.")
    elif total_opened == 0 and total_resolved == 0:
        description = _("From %(first)s to %(last)s no items were opened or resolved.") % {
            "first": points[0][0].isoformat(),
            "last": points[-1][0].isoformat(),
        }
    else:
        busiest_day, busiest, _resolved = max(points, key=lambda p: (p[1], p[0]))
        description = _(
            "From %(first)s to %(last)s, %(opened)d items were opened and %(resolved)d "
            "resolved. The most opened in one day was %(busiest)d, on %(busiest_day)s."
        ) % {
            "first": points[0][0].isoformat(),
            "last": points[-1][0].isoformat(),
            "opened": total_opened,
            "resolved": total_resolved,
            "busiest": busiest,
            "busiest_day": busiest_day.isoformat(),
        }

    plot_width = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    plot_height = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    baseline = PLOT_TOP + plot_height
    peak = max([1, *(max(opened, resolved) for _day, opened, resolved in points)])
    slot = plot_width / max(1, len(points))
    bar_width = slot * 0.38

    parts = [
        f'<svg xmlns="{SVG_NAMESPACE}" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
        f'width="{CHART_WIDTH}" height="{CHART_HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" class="queue-chart">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<rect class="background" x="0" y="0" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
        'fill="#ffffff"/>',
        f'<g font-family="sans-serif" font-size="12" fill="{TEXT_COLOUR}">',
        f'<rect class="legend" x="{PLOT_LEFT}" y="8" width="12" height="12" '
        f'fill="{OPENED_COLOUR}"/>',
        f'<text x="{PLOT_LEFT + 16}" y="18">{escape(_("opened"))}</text>',
        f'<rect class="legend" x="{PLOT_LEFT + 90}" y="8" width="12" height="12" '
        f'fill="{RESOLVED_COLOUR}"/>',
        f'<text x="{PLOT_LEFT + 106}" y="18">{escape(_("resolved"))}</text>',
        f'<text x="{PLOT_LEFT - 4}" y="{PLOT_TOP + 4}" text-anchor="end">{peak}</text>',
        f'<text x="{PLOT_LEFT - 4}" y="{baseline}" text-anchor="end">0</text>',
        f'<line x1="{PLOT_LEFT}" y1="{baseline}" x2="{PLOT_LEFT + plot_width}" '
        f'y2="{baseline}" stroke="{AXIS_COLOUR}" stroke-width="1"/>',
    ]
    for index, (day, opened, resolved) in enumerate(points):
        left = PLOT_LEFT + index * slot + slot * 0.1
        bars = (
            ("opened", opened, OPENED_COLOUR, left),
            ("resolved", resolved, RESOLVED_COLOUR, left + bar_width),
        )
        for name, count, colour, x in bars:
            if count <= 0:
                continue
            height = plot_height * count / peak
            if name == "opened":
                tooltip = ngettext(
                    "%(day)s: %(n)d item opened", "%(day)s: %(n)d items opened", count
                ) % {"day": day.isoformat(), "n": count}
            else:
                tooltip = ngettext(
                    "%(day)s: %(n)d item resolved", "%(day)s: %(n)d items resolved", count
                ) % {"day": day.isoformat(), "n": count}
            parts.append(
                f'<rect class="bar bar-{name}" x="{_num(x)}" y="{_num(baseline - height)}" '
                f'width="{_num(bar_width)}" height="{_num(height)}" fill="{colour}">'
                f"<title>{escape(tooltip)}</title></rect>"
            )
    if points:
        parts.append(
            f'<text class="axis-label" x="{PLOT_LEFT}" y="{CHART_HEIGHT - 8}">'
            f"{escape(points[0][0].isoformat())}</text>"
        )
        parts.append(
            f'<text class="axis-label" x="{PLOT_LEFT + plot_width}" y="{CHART_HEIGHT - 8}" '
            f'text-anchor="end">{escape(points[-1][0].isoformat())}</text>'
        )
    parts.append("</g></svg>")
    # Built only from numbers, fixed markup and escaped text (see the docstring).
    return mark_safe("".join(parts))  # noqa: S308
