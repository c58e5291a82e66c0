"""`python manage.py moderation_report`: queue health as text or one JSON object, the same
numbers as the selectors in moderation/queue_health.py."""

from __future__ import annotations

import io
import json
from dataclasses import asdict
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from community.models import ProfileText
from moderation.models import QueueItem
from moderation.queue_health import daily_series, open_counts, timing_stats
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
R = QueueItem.Reason


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("moderation_report", *args, stdout=out)
    return out.getvalue()


def row(output: str, label: str) -> list[str]:
    """The cells of the first line starting with `label` (after indentation)."""
    for line in output.splitlines():
        if line.strip().startswith(label):
            return line.strip()[len(label) :].split()
    raise AssertionError(f"no line for {label!r} in:\n{output}")


@pytest.fixture
def seeded(db):
    """Queue items relative to the real clock (the command reads timezone.now()):
    an overdue urgent item, a fresh one, a report 2 days old, a claimed hold, and three items
    resolved in the last week with first actions after 4, 4 and 130 minutes."""
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(ProfileText)
    targets = [
        ProfileText.objects.create(author=MemberFactory(), body="About me", body_html="<p>x</p>")
        for _ in range(3)
    ]

    def make(target, reason, created_at, claimed_at=None, resolved_at=None):
        state = (
            QueueItem.State.RESOLVED
            if resolved_at
            else QueueItem.State.CLAIMED
            if claimed_at
            else QueueItem.State.OPEN
        )
        QueueItem.objects.create(
            content_type=content_type,
            object_id=target.pk,
            reason=reason,
            priority=QueueItem.PRIORITY[reason],
            created_at=created_at,
            claimed_at=claimed_at,
            resolved_at=resolved_at,
            state=state,
        )

    make(targets[0], R.CRISIS_URGENT, now - timedelta(minutes=30))
    make(targets[1], R.CRISIS_URGENT, now - timedelta(minutes=1))
    make(targets[0], R.REPORT, now - timedelta(days=2))
    make(targets[0], R.REVIEW, now - timedelta(hours=1), claimed_at=now - timedelta(minutes=50))
    # Early in that day, so the resolutions (up to 140 minutes later) fall on the same day
    # whatever time the tests run.
    three_days_ago = (now - timedelta(days=3)).replace(hour=1, minute=0, second=0, microsecond=0)
    for target, reason, first, done in (
        (targets[1], R.WATCHED_WORD, 4, 10),
        (targets[2], R.NEW_MEMBER, 4, 20),
        (targets[2], R.WATCHED_WORD, 130, 140),
    ):
        make(
            target,
            reason,
            three_days_ago,
            claimed_at=three_days_ago + timedelta(minutes=first),
            resolved_at=three_days_ago + timedelta(minutes=done),
        )
    return now


def test_report_on_an_empty_database_says_there_is_nothing_and_no_data():
    output = report()

    assert "Open items (overdue: urgent crisis after 5 min, everything else after 24 h)" in output
    for label in ("urgent crisis", "crisis concern", "reports", "holds and flags", "total"):
        assert row(output, label) == ["0", "0"]
    assert row(output, "to first action") == ["no", "data", "no", "data", "0"]
    assert row(output, "to resolution") == ["no", "data", "no", "data", "0"]
    assert "last 7 days (0 items)" in output
    today = timezone.now().date()
    day_rows = [line.split() for line in output.splitlines() if line.startswith("  20")]
    assert len(day_rows) == 14
    assert day_rows[-1] == [today.isoformat(), "0", "0"]
    assert all(cells[1:] == ["0", "0"] for cells in day_rows)


def test_report_shows_open_items_overdue_and_waiting_times_in_human_units(seeded):
    output = report()

    assert row(output, "urgent crisis") == ["2", "1"]
    assert row(output, "crisis concern") == ["0", "0"]
    assert row(output, "reports") == ["1", "1"]
    assert row(output, "holds and flags") == ["1", "0"]
    assert row(output, "total") == ["4", "2"]
    assert "last 7 days (7 items)" in output
    # First actions 10, 4, 4, 130 minutes: median 4 min (nearest rank), p90 2 h 10 min.
    assert row(output, "to first action") == ["4", "min", "2", "h", "10", "min", "4"]
    # Resolutions 10, 20, 140 minutes.
    assert row(output, "to resolution") == ["20", "min", "2", "h", "20", "min", "3"]
    three_days_ago = (seeded - timedelta(days=3)).date()
    by_day = {
        cells[0]: cells[1:]
        for cells in (line.split() for line in output.splitlines() if line.startswith("  20"))
    }
    assert len(by_day) == 14
    assert by_day[three_days_ago.isoformat()] == ["3", "3"]
    assert sum(int(opened) for opened, _resolved in by_day.values()) == 7
    assert sum(int(resolved) for _opened, resolved in by_day.values()) == 3


def test_report_window_follows_days(seeded):
    output = report("--days", "1")

    assert "last 1 day (3 items)" in output
    assert row(output, "to first action") == ["10", "min", "10", "min", "1"]
    assert row(output, "to resolution") == ["no", "data", "no", "data", "0"]


@override_settings(MODERATION_AGEING_URGENT_MINUTES=45, MODERATION_AGEING_OTHER_HOURS=72)
def test_report_thresholds_follow_settings(seeded):
    output = report()

    assert "urgent crisis after 45 min, everything else after 72 h" in output
    assert row(output, "total") == ["4", "0"]


def test_json_report_is_one_object_matching_the_selectors(seeded):
    data = json.loads(report("--json"))

    assert set(data) == {"generated_at", "thresholds", "open", "timing", "daily"}
    assert data["thresholds"] == {"urgent_seconds": 300, "other_seconds": 86400}
    assert data["open"] == asdict(open_counts())
    assert data["timing"] == asdict(timing_stats(days=7))
    assert data["daily"] == [
        {"date": p.date.isoformat(), "opened": p.opened, "resolved": p.resolved}
        for p in daily_series()
    ]
    assert data["open"]["open"] == {"urgent": 2, "concern": 0, "reports": 1, "holds": 1}
    assert data["timing"]["first_action_median"] == 240


def test_json_report_on_an_empty_database_has_nulls_for_missing_times():
    data = json.loads(report("--json", "--days", "3"))

    assert data["open"]["total"] == 0
    assert data["timing"]["days"] == 3
    assert data["timing"]["first_action_median"] is None
    assert data["timing"]["resolution_p90"] is None
    assert len(data["daily"]) == 14


@pytest.mark.parametrize("days", ["0", "-3", "seven"])
def test_report_refuses_a_window_that_is_not_a_positive_number_of_days(days):
    with pytest.raises(CommandError, match="at least 1"):
        report("--days", days)
