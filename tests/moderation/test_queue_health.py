"""Queue health selectors (moderation/queue_health.py): thresholds, overdue items, counts per
priority band scoped by role, waiting times, the daily series and the server-drawn chart."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.utils.safestring import SafeString

from community.models import ProfileText
from moderation.models import QueueItem
from moderation.queue_health import (
    BANDS,
    OPENED_COLOUR,
    RESOLVED_COLOUR,
    SVG_NAMESPACE,
    TEXT_COLOUR,
    DayPoint,
    ageing_threshold,
    daily_series,
    human_duration,
    is_overdue,
    open_counts,
    percentile,
    queue_chart_svg,
    timing_stats,
)
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 14, 12, 0, tzinfo=UTC)
R = QueueItem.Reason
SVG = f"{{{SVG_NAMESPACE}}}"


class Items:
    """Builds queue items pointing at real profile texts. Open items are unique per content and
    reason, so a fresh profile text is made whenever a reason would repeat."""

    def __init__(self) -> None:
        self.content_type = ContentType.objects.get_for_model(ProfileText)
        self.used: dict[int, set[str]] = {}
        self.target: ProfileText | None = None

    def _target_for(self, reason: str) -> ProfileText:
        if self.target is None or reason in self.used[self.target.pk]:
            author = MemberFactory()
            self.target = ProfileText.objects.create(
                author=author, body="About me", body_html="<p>About me</p>"
            )
            self.used[self.target.pk] = set()
        self.used[self.target.pk].add(reason)
        return self.target

    def make(
        self,
        reason: str = R.REVIEW,
        *,
        created_at: datetime = NOW,
        claimed_at: datetime | None = None,
        resolved_at: datetime | None = None,
        group=None,
    ) -> QueueItem:
        if resolved_at is not None:
            state = QueueItem.State.RESOLVED
        elif claimed_at is not None:
            state = QueueItem.State.CLAIMED
        else:
            state = QueueItem.State.OPEN
        target = self._target_for(reason)
        return QueueItem.objects.create(
            content_type=self.content_type,
            object_id=target.pk,
            reason=reason,
            priority=QueueItem.PRIORITY[reason],
            created_at=created_at,
            claimed_at=claimed_at,
            resolved_at=resolved_at,
            state=state,
            group=group,
        )


@pytest.fixture
def items(db) -> Items:
    return Items()


def zero_counts() -> dict:
    zeros = dict.fromkeys(BANDS, 0)
    return {"open": zeros, "overdue": zeros, "total": 0, "overdue_total": 0}


# --- thresholds and overdue -------------------------------------------------------------------


def test_default_thresholds_are_five_minutes_for_urgent_crisis_and_a_day_for_the_rest():
    assert ageing_threshold(R.CRISIS_URGENT) == timedelta(minutes=5)
    for reason in R.values:
        if reason != R.CRISIS_URGENT:
            assert ageing_threshold(reason) == timedelta(hours=24)


@override_settings(MODERATION_AGEING_URGENT_MINUTES=7, MODERATION_AGEING_OTHER_HOURS=2)
def test_thresholds_follow_settings_for_items_reasons_and_priorities(items):
    urgent = items.make(R.CRISIS_URGENT)
    report = items.make(R.REPORT)

    assert ageing_threshold(urgent) == timedelta(minutes=7)
    assert ageing_threshold(report) == timedelta(hours=2)
    assert ageing_threshold(QueueItem.PRIORITY[R.CRISIS_URGENT]) == timedelta(minutes=7)
    assert ageing_threshold(QueueItem.PRIORITY[R.CRISIS_CONCERN]) == timedelta(hours=2)
    assert ageing_threshold(QueueItem.PRIORITY[R.REVIEW]) == timedelta(hours=2)


def test_urgent_item_is_overdue_one_second_past_five_minutes_not_exactly_at_it(items):
    at_threshold = items.make(R.CRISIS_URGENT, created_at=NOW - timedelta(minutes=5))
    past = items.make(R.CRISIS_URGENT, created_at=NOW - timedelta(minutes=5, seconds=1))

    assert not is_overdue(at_threshold, now=NOW)
    assert is_overdue(past, now=NOW)


def test_report_is_overdue_one_second_past_a_day_not_exactly_at_it(items):
    at_threshold = items.make(R.REPORT, created_at=NOW - timedelta(hours=24))
    past = items.make(R.REPORT, created_at=NOW - timedelta(hours=24, seconds=1))

    assert not is_overdue(at_threshold, now=NOW)
    assert is_overdue(past, now=NOW)


def test_claimed_items_can_be_overdue_but_resolved_items_never_are(items):
    long_ago = NOW - timedelta(days=3)
    claimed = items.make(R.REVIEW, created_at=long_ago, claimed_at=long_ago)
    resolved = items.make(R.REVIEW, created_at=long_ago, resolved_at=long_ago)

    assert is_overdue(claimed, now=NOW)
    assert not is_overdue(resolved, now=NOW)


def test_open_counts_use_the_same_boundary_as_is_overdue(items, moderator):
    items.make(R.CRISIS_URGENT, created_at=NOW - timedelta(minutes=5))
    items.make(R.CRISIS_URGENT, created_at=NOW - timedelta(minutes=5, seconds=1))
    items.make(R.REPORT, created_at=NOW - timedelta(hours=24))
    items.make(R.REPORT, created_at=NOW - timedelta(hours=24, seconds=1))

    counts = open_counts(actor=moderator, now=NOW)

    assert counts.open["urgent"] == 2
    assert counts.overdue["urgent"] == 1
    assert counts.open["reports"] == 2
    assert counts.overdue["reports"] == 1


@override_settings(MODERATION_AGEING_URGENT_MINUTES=60)
def test_open_counts_follow_the_threshold_settings(items, moderator):
    items.make(R.CRISIS_URGENT, created_at=NOW - timedelta(minutes=30))

    assert open_counts(actor=moderator, now=NOW).overdue["urgent"] == 0


# --- counts per band and scope ----------------------------------------------------------------


def seed_every_band(items, *, group=None) -> None:
    """2 urgent (1 overdue), 1 concern, 1 report (overdue), 3 holds of different reasons (1
    overdue, 1 claimed); and resolved items of every band, which never count."""
    old = NOW - timedelta(days=2)
    items.make(R.CRISIS_URGENT, created_at=NOW - timedelta(minutes=1), group=group)
    items.make(R.CRISIS_URGENT, created_at=NOW - timedelta(minutes=10), group=group)
    items.make(R.CRISIS_CONCERN, created_at=NOW - timedelta(hours=1), group=group)
    items.make(R.REPORT, created_at=old, group=group)
    items.make(R.REVIEW, created_at=old, group=group)
    items.make(R.WATCHED_WORD, created_at=NOW, claimed_at=NOW, group=group)
    items.make(R.SOMEONE_ELSE, created_at=NOW - timedelta(hours=3), group=group)
    for reason in (R.CRISIS_URGENT, R.CRISIS_CONCERN, R.REPORT, R.NEW_MEMBER):
        items.make(reason, created_at=old, resolved_at=NOW, group=group)


EVERY_BAND = {
    "open": {"urgent": 2, "concern": 1, "reports": 1, "holds": 3},
    "overdue": {"urgent": 1, "concern": 0, "reports": 1, "holds": 1},
    "total": 7,
    "overdue_total": 3,
}


def test_moderator_counts_open_items_per_band_with_overdue(items, moderator):
    seed_every_band(items)

    assert asdict(open_counts(actor=moderator, now=NOW)) == EVERY_BAND


def test_no_actor_counts_the_whole_queue(items):
    seed_every_band(items)

    assert asdict(open_counts(now=NOW)) == EVERY_BAND


def test_facilitator_counts_only_items_of_groups_they_actively_facilitate(items):
    facilitator = MemberFactory()
    theirs = MembershipFactory(member=facilitator, role="facilitator").group
    left = MembershipFactory(member=facilitator, role="facilitator", state="left").group
    only_member = MembershipFactory(member=facilitator, role="member").group
    elsewhere = GroupFactory()
    seed_every_band(items, group=theirs)
    for group in (left, only_member, elsewhere, None):
        seed_every_band(items, group=group)

    assert asdict(open_counts(actor=facilitator, now=NOW)) == EVERY_BAND


def test_members_visitors_and_inactive_facilitators_count_nothing(items, member):
    inactive = MemberFactory(is_active=False)
    group = MembershipFactory(member=inactive, role="facilitator").group
    MembershipFactory(member=member, group=group, role="member")
    seed_every_band(items, group=group)
    seed_every_band(items)

    for actor in (member, AnonymousUser(), inactive):
        assert asdict(open_counts(actor=actor, now=NOW)) == zero_counts()
        stats = timing_stats(now=NOW, actor=actor)
        assert (stats.items, stats.first_action_count, stats.resolution_count) == (0, 0, 0)
        assert all((p.opened, p.resolved) == (0, 0) for p in daily_series(now=NOW, actor=actor))


def test_empty_queue_counts_zero_everywhere(moderator):
    assert asdict(open_counts(actor=moderator, now=NOW)) == zero_counts()


# --- waiting times ----------------------------------------------------------------------------


def test_percentile_uses_the_nearest_rank_method():
    assert percentile([], 50) is None
    assert percentile([42], 50) == 42
    assert percentile([42], 90) == 42
    assert percentile([600, 60, 240, 120, 180], 50) == 180
    assert percentile([600, 60, 240, 120, 180], 90) == 600
    # Even count: the lower middle value, never an average.
    assert percentile([10, 20, 30, 40], 50) == 20
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile(list(range(1, 11)), 100) == 10


def seed_timings(items, *, group=None) -> None:
    created = NOW - timedelta(days=1)

    def at(seconds: int) -> datetime:
        return created + timedelta(seconds=seconds)

    items.make(R.REPORT, created_at=created, claimed_at=at(60), resolved_at=at(300), group=group)
    items.make(R.REVIEW, created_at=created, claimed_at=at(120), resolved_at=at(900), group=group)
    items.make(R.CRISIS_URGENT, created_at=created, claimed_at=at(180), group=group)
    items.make(R.CRISIS_CONCERN, created_at=created, claimed_at=at(240), group=group)
    # Resolved without a claim: its first action is its resolution.
    items.make(R.NEW_MEMBER, created_at=created, resolved_at=at(600), group=group)
    # Nobody has looked yet: counted as an item, not in the times.
    items.make(R.WATCHED_WORD, created_at=created, group=group)


def test_timing_stats_give_median_and_p90_to_first_action_and_resolution(items, moderator):
    seed_timings(items)

    stats = timing_stats(days=7, now=NOW, actor=moderator)

    assert stats.days == 7
    assert stats.items == 6
    assert stats.first_action_count == 5
    assert (stats.first_action_median, stats.first_action_p90) == (180, 600)
    assert stats.resolution_count == 3
    assert (stats.resolution_median, stats.resolution_p90) == (600, 900)


def test_timing_stats_leave_out_items_created_before_the_window(items, moderator):
    seed_timings(items)
    eight_days_ago = NOW - timedelta(days=8)
    items.make(
        R.SOMEONE_ELSE,
        created_at=eight_days_ago,
        claimed_at=eight_days_ago + timedelta(seconds=1),
        resolved_at=eight_days_ago + timedelta(seconds=2),
    )

    stats = timing_stats(days=7, now=NOW, actor=moderator)

    assert (stats.items, stats.first_action_count, stats.resolution_count) == (6, 5, 3)
    assert stats.first_action_median == 180
    assert timing_stats(days=9, now=NOW, actor=moderator).items == 7


def test_timing_stats_with_no_data_are_none_with_zero_counts(items, moderator):
    items.make(R.REVIEW, created_at=NOW - timedelta(hours=1))

    stats = timing_stats(days=7, now=NOW, actor=moderator)

    assert stats.items == 1
    assert stats.first_action_count == stats.resolution_count == 0
    assert stats.first_action_median is stats.first_action_p90 is None
    assert stats.resolution_median is stats.resolution_p90 is None


def test_timing_stats_for_a_facilitator_cover_only_their_groups(items):
    facilitator = MemberFactory()
    theirs = MembershipFactory(member=facilitator, role="facilitator").group
    seed_timings(items, group=theirs)
    created = NOW - timedelta(days=1)
    items.make(R.REPORT, created_at=created, claimed_at=created + timedelta(hours=5))

    stats = timing_stats(days=7, now=NOW, actor=facilitator)

    assert (stats.items, stats.first_action_count) == (6, 5)
    assert stats.first_action_p90 == 600


def test_human_duration_reads_like_a_person_would_say_it():
    assert human_duration(None) == "no data"
    assert human_duration(0) == "0 s"
    assert human_duration(45) == "45 s"
    assert human_duration(240) == "4 min"
    assert human_duration(3600) == "1 h"
    assert human_duration(2 * 3600 + 10 * 60) == "2 h 10 min"
    assert human_duration(24 * 3600) == "1 d"
    assert human_duration(27 * 3600) == "1 d 3 h"


# --- daily series -----------------------------------------------------------------------------


def test_daily_series_has_fourteen_days_ending_today_with_zeros_for_quiet_days(moderator):
    series = daily_series(now=NOW, actor=moderator)

    assert [p.date for p in series] == [date(2026, 5, 1) + timedelta(days=n) for n in range(14)]
    assert all((p.opened, p.resolved) == (0, 0) for p in series)


def test_daily_series_counts_each_utc_day_across_midnight(items, moderator):
    before_midnight = datetime(2026, 5, 10, 23, 59, 59, tzinfo=UTC)
    midnight = datetime(2026, 5, 11, 0, 0, tzinfo=UTC)
    items.make(R.REPORT, created_at=before_midnight)
    items.make(R.REVIEW, created_at=before_midnight, resolved_at=before_midnight)
    items.make(R.CRISIS_URGENT, created_at=before_midnight, resolved_at=midnight)
    items.make(R.CRISIS_CONCERN, created_at=midnight)
    # The first day of the window starts at its UTC midnight; the day before is left out.
    items.make(R.NEW_MEMBER, created_at=datetime(2026, 5, 1, 0, 0, tzinfo=UTC))
    items.make(
        R.WATCHED_WORD,
        created_at=datetime(2026, 4, 30, 23, 59, 59, tzinfo=UTC),
        resolved_at=datetime(2026, 5, 14, 11, 0, tzinfo=UTC),
    )

    series = {p.date: (p.opened, p.resolved) for p in daily_series(now=NOW, actor=moderator)}

    assert series[date(2026, 5, 10)] == (3, 1)
    assert series[date(2026, 5, 11)] == (1, 1)
    assert series[date(2026, 5, 1)] == (1, 0)
    assert series[date(2026, 5, 14)] == (0, 1)
    assert sum(opened for opened, _ in series.values()) == 5
    assert sum(resolved for _, resolved in series.values()) == 3


def test_daily_series_takes_its_days_from_now_in_utc(moderator):
    late_evening_elsewhere = datetime(2026, 5, 14, 1, 30, tzinfo=UTC)

    series = daily_series(days=3, now=late_evening_elsewhere, actor=moderator)

    assert [p.date for p in series] == [date(2026, 5, 12), date(2026, 5, 13), date(2026, 5, 14)]


# --- query counts -----------------------------------------------------------------------------


def seed_many(items, count: int, group) -> None:
    reasons = itertools.cycle(R.values)
    for n in range(count):
        created = NOW - timedelta(hours=n % 200)
        if n % 3 == 0:
            items.make(
                next(reasons),
                created_at=created,
                claimed_at=created + timedelta(minutes=n),
                resolved_at=created + timedelta(minutes=2 * n),
                group=group,
            )
        else:
            items.make(next(reasons), created_at=created, group=group)


@pytest.mark.parametrize("count", [10, 100])
def test_queue_health_selectors_cost_the_same_queries_for_10_or_100_items(
    items, moderator, count, django_assert_num_queries
):
    facilitator = MemberFactory()
    group = MembershipFactory(member=facilitator, role="facilitator").group
    seed_many(items, count, group)

    for actor in (moderator, facilitator):
        with django_assert_num_queries(1):
            counts = open_counts(actor=actor, now=NOW)
        with django_assert_num_queries(1):
            stats = timing_stats(days=14, now=NOW, actor=actor)
        with django_assert_num_queries(2):
            series = daily_series(now=NOW, actor=actor)
        assert counts.total == count - len(range(0, count, 3))
        assert stats.items == sum(1 for n in range(count) if n % 200 < 14 * 24)
        assert sum(p.opened for p in series) == stats.items


def test_a_visitor_costs_no_queries(items, django_assert_num_queries):
    seed_every_band(items)

    with django_assert_num_queries(0):
        open_counts(actor=AnonymousUser(), now=NOW)
        timing_stats(now=NOW, actor=AnonymousUser())
        daily_series(now=NOW, actor=AnonymousUser())


# --- the chart --------------------------------------------------------------------------------


def series_of(*pairs: tuple[int, int]) -> list[DayPoint]:
    start = date(2026, 5, 1)
    return [
        DayPoint(date=start + timedelta(days=n), opened=opened, resolved=resolved)
        for n, (opened, resolved) in enumerate(pairs)
    ]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class", "").startswith("bar ")]


def test_chart_is_an_accessible_well_formed_svg_labelled_by_title_and_desc():
    svg = queue_chart_svg(series_of((3, 1), (0, 2), (5, 5)))

    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Review queue, last 3 days"
    assert desc.text == (
        "From 2026-05-01 to 2026-05-03, 8 items were opened and 8 resolved. "
        "The most opened in one day was 5, on 2026-05-03."
    )


def test_chart_draws_one_bar_per_non_zero_count_each_with_a_tooltip():
    root = parse(queue_chart_svg(series_of((3, 1), (0, 2), (0, 0), (5, 5))))

    drawn = bars(root)
    assert len(drawn) == 5
    tooltips = [bar.find(f"{SVG}title").text for bar in drawn]
    assert tooltips == [
        "2026-05-01: 3 items opened",
        "2026-05-01: 1 item resolved",
        "2026-05-02: 2 items resolved",
        "2026-05-04: 5 items opened",
        "2026-05-04: 5 items resolved",
    ]
    heights = [float(bar.get("height")) for bar in drawn]
    assert heights[3] == heights[4] == max(heights)
    assert heights[0] == pytest.approx(heights[3] * 3 / 5)


def test_chart_labels_the_first_and_last_day_on_the_axis():
    root = parse(queue_chart_svg(series_of(*[(1, 0)] * 14)))

    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "axis-label"]
    assert labels == ["2026-05-01", "2026-05-14"]


def test_chart_of_a_quiet_fortnight_says_so_and_draws_no_bars():
    root = parse(queue_chart_svg(series_of(*[(0, 0)] * 14)))

    assert bars(root) == []
    assert root.find(f"{SVG}desc").text == (
        "From 2026-05-01 to 2026-05-14 no items were opened or resolved."
    )
    assert parse(queue_chart_svg([])).find(f"{SVG}desc").text == "No days to show."


def test_chart_escapes_hostile_text_so_it_stays_text():
    hostile = '</title><script>alert("x")</script><a href="https://evil.example">&amp;'
    svg = queue_chart_svg(series_of((2, 1)), title=hostile, id_prefix='x"><script>')

    root = parse(svg)
    assert root.find(f"{SVG}title").text == hostile
    assert root.get("aria-labelledby") == 'x"><script>-title x"><script>-desc'
    assert "<script" not in svg.lower()
    assert "<a " not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert not list(root.iter(f"{SVG}a"))
    assert not any("href" in attr for el in root.iter() for attr in el.attrib)


def test_chart_has_no_scripts_styles_or_external_references():
    svg = queue_chart_svg(series_of(*[(n % 4, n % 3) for n in range(14)]))

    root = parse(svg)
    assert "<script" not in svg.lower()
    assert re.findall(r"https?://[^\s\"'<>]*", svg) == [SVG_NAMESPACE]
    assert "url(" not in svg
    assert not list(root.iter(f"{SVG}style"))
    assert not any(attr.startswith("on") for el in root.iter() for attr in el.attrib)


def test_chart_refuses_counts_that_are_not_numbers():
    with pytest.raises(ValueError):
        queue_chart_svg([DayPoint(date=date(2026, 5, 1), opened="<b>1</b>", resolved=0)])


def test_chart_is_the_same_for_the_same_input():
    series = series_of((3, 1), (0, 2), (7, 4))

    assert queue_chart_svg(series) == queue_chart_svg(list(series))


def contrast_with_white(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def test_chart_colours_contrast_with_the_white_background():
    for colour in (OPENED_COLOUR, RESOLVED_COLOUR, TEXT_COLOUR):
        assert contrast_with_white(colour) >= 4.5
    svg = queue_chart_svg(series_of((1, 1)))
    assert OPENED_COLOUR in svg and RESOLVED_COLOUR in svg
