"""Benchmark and score moderation.screening.assess_crisis (pure Python: no Django needed).

Prints screenings per second on the labelled set and on a ~20,000-character post, then the
precision and recall per tier and the false-alarm rate on the labelled set.

Run: .venv/bin/python bench/bench_screening.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from moderation.screening import assess_crisis  # noqa: E402

DATA = ROOT / "tests" / "moderation" / "data" / "labelled_messages.jsonl"
TIERS = ("urgent", "concern", "none")
RISK = {"urgent", "concern"}
SECONDS = 2.0

PARAGRAPH = (
    "Long update, sorry. He went quiet again after the weekend and I felt the old panic: "
    "checking when he was last online, drafting messages I didn't send, telling myself he's "
    "bored of me. I tried the grounding exercise from group, named five things I could see, and "
    "texted my sister instead of him. My therapist says the urge to chase is a protest "
    "behaviour, and that I can notice it without obeying it. It's strange to be proud of not "
    "sending a text, but I am. This homework is killing me though, and I'm dying to know what "
    "everyone else does when the waiting gets loud.\n\n"
)
POST = (PARAGRAPH * (20_000 // len(PARAGRAPH) + 1))[:20_000]


def _rate(texts: list[str]) -> tuple[int, float]:
    """Screen ``texts`` round-robin for about SECONDS; return (count, elapsed)."""
    for text in texts[:50]:  # warm-up
        assess_crisis(text)
    count = 0
    start = time.perf_counter()
    deadline = start + SECONDS
    while time.perf_counter() < deadline:
        for text in texts:
            assess_crisis(text)
        count += len(texts)
    return count, time.perf_counter() - start


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.3f}" if denominator else "  n/a"


def main() -> None:
    """Print throughput, then precision / recall per tier and the false-alarm rate."""
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    texts = [row["text"] for row in rows]

    count, elapsed = _rate(texts)
    print(f"labelled set: {len(texts)} messages")
    print(f"  {count} screenings in {elapsed:.2f} s: {count / elapsed:,.0f} screenings/second")
    count, elapsed = _rate([POST])
    print(f"post of {len(POST):,} characters")
    print(f"  {count} screenings in {elapsed:.2f} s: {count / elapsed:,.1f} screenings/second")

    pairs = [(row["label"], assess_crisis(row["text"]).tier) for row in rows]
    print()
    print(f"{'tier':<8} {'labelled':>8} {'predicted':>9} {'precision':>9} {'recall':>7}")
    for tier in TIERS:
        labelled = sum(label == tier for label, _ in pairs)
        predicted = sum(got == tier for _, got in pairs)
        correct = sum(label == got == tier for label, got in pairs)
        precision, recall = _ratio(correct, predicted), _ratio(correct, labelled)
        print(f"{tier:<8} {labelled:>8} {predicted:>9} {precision:>9} {recall:>7}")
    risky = [got for label, got in pairs if label in RISK]
    found = sum(got in RISK for got in risky)
    everyday = [got for label, got in pairs if label == "none"]
    alarms = sum(got in RISK for got in everyday)
    urgent_missed = sum(label == "urgent" and got == "none" for label, got in pairs)
    print()
    print(f"risk recall (urgent or concern found): {_ratio(found, len(risky))}")
    print(
        f"false alarms on everyday talk: {alarms}/{len(everyday)} = {_ratio(alarms, len(everyday))}"
    )
    print(f"urgent screened as none: {urgent_missed}")


if __name__ == "__main__":
    main()
