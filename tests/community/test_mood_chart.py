"""The mood chart and its summary: a pure function of the check-ins and of today."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from community.mood import (
    CHART_DAYS,
    FEELINGS,
    MOOD_LABELS,
    chart_summary,
    daily_averages,
    mood_chart_svg,
)

TODAY = date(2026, 3, 28)
SVG = "{http://www.w3.org/2000/svg}"


def checkin(day: date, mood: int, hour: int = 12):
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return SimpleNamespace(created_at=moment, mood=mood)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def points(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{SVG}circle")


def test_five_moods_and_twelve_feelings_with_stable_keys():
    assert [str(MOOD_LABELS[n]) for n in (1, 5)] == ["Very low", "Very good"]
    assert sorted(MOOD_LABELS) == [1, 2, 3, 4, 5]
    assert list(FEELINGS) == [
        "anxious", "lonely", "hopeful", "calm", "on edge", "rejected",
        "loved", "angry", "tired", "proud", "numb", "safe",
    ]  # fmt: skip


def test_daily_averages_cover_every_day_oldest_first_with_gaps():
    series = daily_averages(
        [checkin(TODAY, 2), checkin(TODAY, 5), checkin(TODAY - timedelta(days=3), 1)],
        today=TODAY,
    )
    assert len(series) == CHART_DAYS
    assert series[0].day == TODAY - timedelta(days=27) and series[-1].day == TODAY
    assert series[-1].average == 3.5 and series[-1].count == 2
    assert series[-4].average == 1 and series[-4].count == 1
    assert series[-2].average is None and series[-2].count == 0


def test_check_ins_outside_the_window_are_left_out():
    old = checkin(TODAY - timedelta(days=CHART_DAYS), 5)
    future = checkin(TODAY + timedelta(days=1), 5)
    first_day = checkin(TODAY - timedelta(days=CHART_DAYS - 1), 2, hour=0)
    series = daily_averages([old, future, first_day], today=TODAY)
    assert [p.count for p in series if p.count] == [1]
    assert series[0].average == 2


def test_days_are_utc_days():
    late = SimpleNamespace(
        created_at=datetime(2026, 3, 27, 23, 30, tzinfo=UTC).astimezone(ZoneInfo("Asia/Tokyo")),
        mood=4,
    )
    assert daily_averages([late], today=TODAY)[-2].average == 4


def test_days_below_one_are_refused():
    with pytest.raises(ValueError):
        daily_averages([], days=0, today=TODAY)


def test_empty_chart_is_an_accessible_image_that_says_there_is_nothing_yet():
    svg = mood_chart_svg([], today=TODAY)
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "mood-chart-title mood-chart-desc"
    assert root.find(f"{SVG}title").text == "Your mood over the last 28 days"
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith("No check-ins between 1 March and 28 March yet.")
    assert points(root) == []
    assert root.find(f"{SVG}path") is None
    # The axis is there even without data: the five moods and a date each week.
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"Very low", "Okay", "Very good"} <= set(texts)
    assert [t for t in texts if "March" in t] == ["7 March", "14 March", "21 March", "28 March"]


def test_one_point_is_drawn_and_described():
    root = parse(mood_chart_svg([checkin(TODAY, 4)], today=TODAY))
    [point] = points(root)
    assert point.find(f"{SVG}title").text == "28 March: 4.0 (1 check-in)"
    desc = root.find(f"{SVG}desc").text
    assert "Average 4.0 over 1 check-in" in desc
    assert "Checked in on 28 March (4.0)." in desc
    assert "27 days have no check-in." in desc
    assert root.find(f"{SVG}path").get("d").startswith("M")


def test_a_day_without_check_ins_breaks_the_line():
    data = [checkin(TODAY - timedelta(days=n), 3) for n in (0, 1, 3, 4)]
    root = parse(mood_chart_svg(data, today=TODAY))
    d = root.find(f"{SVG}path").get("d")
    assert d.count("M") == 2 and d.count("L") == 2
    assert len(points(root)) == 4


def test_summary_names_the_average_the_lowest_and_the_highest_day():
    data = [
        checkin(date(2026, 3, 5), 1),
        checkin(date(2026, 3, 5), 2),
        checkin(date(2026, 3, 20), 5),
        checkin(date(2026, 3, 21), 4),
    ]
    text = chart_summary(daily_averages(data, today=TODAY))
    assert text.startswith("Average 3.0 over 4 check-ins between 1 March and 28 March.")
    assert "Lowest on 5 March (1.5), highest on 20 March (5.0)." in text


def test_points_stay_inside_the_drawing_at_both_ends_of_the_scale():
    data = [checkin(TODAY, 5), checkin(TODAY - timedelta(days=27), 1)]
    root = parse(mood_chart_svg(data, today=TODAY))
    _x, _y, width, height = map(float, root.get("viewBox").split())
    ys = sorted(float(c.get("cy")) for c in points(root))
    xs = sorted(float(c.get("cx")) for c in points(root))
    assert 0 < ys[0] < ys[1] < height
    assert 0 < xs[0] < xs[1] < width
    # 5 is drawn level with the "Very good" line, 1 with "Very low".
    lines = sorted(float(line.get("y1")) for line in root.iter(f"{SVG}line"))
    assert ys == [lines[0], lines[-1]]


def test_the_chart_has_no_style_no_script_and_no_outside_address():
    svg = mood_chart_svg([checkin(TODAY, 3)], today=TODAY)
    assert "style" not in svg
    assert "<script" not in svg
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", svg)


def test_text_in_the_chart_is_escaped():
    svg = mood_chart_svg([], today=TODAY, chart_id='x" onload="alert(1)')
    root = parse(svg)
    assert root.get("id") == 'x" onload="alert(1)'
    assert "onload" not in root.attrib


def test_a_shorter_window_is_titled_for_its_days():
    root = parse(mood_chart_svg([checkin(TODAY, 2)], days=7, today=TODAY))
    assert root.find(f"{SVG}title").text == "Your mood over the last 7 days"
    assert len(points(root)) == 1
