"""`python manage.py moderation_report`: the health of the review queue, in plain text.

Prints the open items per priority band with how many are overdue (and the thresholds), the
median and p90 time to first action and to resolution over the last `--days` days (default 7),
and items opened and resolved per UTC day for the last 14 days. `--json` prints the same as one
JSON object (times in seconds, null when there are no data). Counts the whole queue; reads
only."""

from __future__ import annotations

import json
from argparse import ArgumentTypeError
from dataclasses import asdict

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from moderation import queue_health
from moderation.models import QueueItem

BAND_LABELS = {
    queue_health.URGENT: "urgent crisis",
    queue_health.CONCERN: "crisis concern",
    queue_health.REPORTS: "reports",
    queue_health.HOLDS: "holds and flags",
}


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return number


class Command(BaseCommand):
    help = (
        "Print review-queue health: open items by priority with how many are overdue, median "
        "and p90 time to first action and to resolution, and opened/resolved per day."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=_positive_int,
            default=7,
            help="Window, in days, for the waiting times (default 7).",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print one JSON object instead of text.",
        )

    def handle(self, *args, days: int, as_json: bool, **options) -> None:
        now = timezone.now()
        urgent = queue_health.ageing_threshold(QueueItem.Reason.CRISIS_URGENT)
        other = queue_health.ageing_threshold(QueueItem.Reason.REVIEW)
        counts = queue_health.open_counts(now=now)
        timing = queue_health.timing_stats(days=days, now=now)
        series = queue_health.daily_series(now=now)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "generated_at": now.isoformat(),
                        "thresholds": {
                            "urgent_seconds": int(urgent.total_seconds()),
                            "other_seconds": int(other.total_seconds()),
                        },
                        "open": asdict(counts),
                        "timing": asdict(timing),
                        "daily": [
                            {"date": p.date.isoformat(), "opened": p.opened, "resolved": p.resolved}
                            for p in series
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return
        human = queue_health.human_duration
        lines = [
            f"Review queue health at {now:%Y-%m-%d %H:%M} UTC",
            "",
            f"Open items (overdue: urgent crisis after "
            f"{settings.MODERATION_AGEING_URGENT_MINUTES} min, everything else after "
            f"{settings.MODERATION_AGEING_OTHER_HOURS} h)",
            f"  {'':<18}{'open':>6}{'overdue':>9}",
        ]
        for band in queue_health.BANDS:
            lines.append(
                f"  {BAND_LABELS[band]:<18}{counts.open[band]:>6}{counts.overdue[band]:>9}"
            )
        lines.append(f"  {'total':<18}{counts.total:>6}{counts.overdue_total:>9}")
        lines += [
            "",
            f"Waiting times, items created in the last {days} "
            f"{'day' if days == 1 else 'days'} ({timing.items} items)",
            f"  {'':<18}{'median':>12}{'p90':>12}{'based on':>10}",
            f"  {'to first action':<18}{human(timing.first_action_median):>12}"
            f"{human(timing.first_action_p90):>12}{timing.first_action_count:>10}",
            f"  {'to resolution':<18}{human(timing.resolution_median):>12}"
            f"{human(timing.resolution_p90):>12}{timing.resolution_count:>10}",
            "",
            f"Opened and resolved per day (UTC), last {len(series)} days",
            f"  {'date':<12}{'opened':>8}{'resolved':>10}",
        ]
        lines += [f"  {p.date.isoformat():<12}{p.opened:>8}{p.resolved:>10}" for p in series]
        self.stdout.write("\n".join(lines))
