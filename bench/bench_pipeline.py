"""The content pipeline's CPU work per message, on one core (issue 9; was bench_markup.py and
bench_screening.py).

Every text a member sends goes through moderation.pipeline before it is stored. Most of that is
pure CPU and runs once per message: the length check, crisis screening
(moderation.screening.assess_crisis), watched words (moderation.watchwords), rendering and
sanitising (community.markup.render_markdown: markdown-it-py then nh3) and the decision. This
benchmark runs exactly that (the body of moderation.pipeline.screen_text, with the watched words
loaded once instead of per text) in ONE process, so the figures are per core. The database part
of `submit` (sanctions, rate limit, first-posts count, the watched-word query) is not included:
it is measured by the page and chat benchmarks.

Texts: "chat" is the labelled set of tests/moderation/data (632 real-sounding chat messages,
everyday talk and crisis language, median ~60 characters), round-robin; "post" is a ~600
character forum post with Markdown (lists, a quote, links); "long post" is a 20,000 character
post (the limit), the worst case a member can send.

The work runs in a child process (a fresh interpreter with its own Django settings), so it is
unaffected by other benchmarks run in the same `make bench`.

Run alone: .venv/bin/python bench/bench_pipeline.py [--repeats N] [--quick]
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import harness  # noqa: E402

DATA = ROOT / "tests" / "moderation" / "data" / "labelled_messages.jsonl"
TARGET_CHAT_PER_SECOND = 5_000
TIERS = ("urgent", "concern", "none")
RISK = {"urgent", "concern"}

POST = """Had a **rough** week, but I tried the *pause before replying* idea.

> It's okay to wait before you answer a message.

Things that helped:

- Naming the feeling out loud
- Texting a friend instead of *him*
- ~~Checking his status~~ muting the chat

1. Breathe
2. Wait 20 minutes

The worksheet is at https://www.example.org/attachment/worksheet and the book
[Attached](https://example.com/attached) was useful. Try `box breathing` too. My phone number
is not something I'd share here, don't worry.

Thanks all, you're kind. This homework is killing me though, and I'm dying to know what helps
you when the waiting gets loud.
"""

PARAGRAPH = (
    "Long update, sorry. He went quiet again after the weekend and I felt the old panic: "
    "checking when he was last online, drafting messages I didn't send, telling myself he's "
    "bored of me. I tried the grounding exercise from group, named five things I could see, and "
    "texted my sister instead of him. My therapist says the urge to chase is a protest "
    "behaviour, and that I can notice it without obeying it. It's strange to be proud of not "
    "sending a text, but I am. This homework is killing me though, and I'm dying to know what "
    "everyone else does when the waiting gets loud.\n\n"
)
LONG_POST = (PARAGRAPH * (20_000 // len(PARAGRAPH) + 1))[:20_000]


def _labelled() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]


# --- the child process: Django set up, measures, prints one JSON object ----------------------


def _worker(repeats: int, quick: bool) -> dict:
    import django

    django.setup()
    from community.management.commands.seed_demo import DEMO_WATCHED_WORDS
    from community.markup import render_markdown
    from moderation import pipeline
    from moderation.kinds import ContentKind
    from moderation.models import WatchedWord
    from moderation.screening import assess_crisis
    from moderation.watchwords import match_watched_words

    # The demo's watched words, as the pipeline loads them (one query per text in `submit`).
    words = [WatchedWord(phrase=p, action=a, reason=r) for p, a, r in DEMO_WATCHED_WORDS]

    def decide(text: str, kind: str):
        """moderation.pipeline.screen_text without its database query: the CPU work `submit`
        does for every text of an established member in an open space."""
        draft = pipeline._Draft(kind=ContentKind(kind), body=pipeline._normalise_body(text))
        if not pipeline._refused_before_rendering(draft):
            pipeline._evaluate(draft, words=words)
        return pipeline._decision(draft, None)

    def baseline(text: str, kind: str) -> str:
        """What any forum that accepts formatting does per text: Markdown to safe HTML."""
        return render_markdown(text)

    def floor(text: str, kind: str) -> int:
        """The least any server does with a text it shows: escape it and measure it."""
        return len(html.escape(text))

    rows = _labelled()
    chat = [row["text"] for row in rows]
    sets = {
        "chat": (chat, ContentKind.CHAT),
        "post": ([POST], ContentKind.FORUM_POST),
        "long post": ([LONG_POST], ContentKind.FORUM_POST),
    }
    seconds = (
        {"chat": 0.6, "post": 0.4, "long post": 0.4}
        if quick
        else {
            "chat": 2.0,
            "post": 1.5,
            "long post": 1.5,
        }
    )

    def rate(function, texts: list[str], kind: str, duration: float) -> float:
        """Texts per second: `function` over `texts` round-robin for about `duration`."""
        for text in texts[:50]:  # warm-up (caches, lazy imports)
            function(text, kind)
        count = 0
        start = time.perf_counter()
        deadline = start + duration
        while time.perf_counter() < deadline:
            for text in texts:
                function(text, kind)
            count += len(texts)
        return count / (time.perf_counter() - start)

    runs: dict[str, dict[str, list[float]]] = {name: {"ours": [], "baseline": []} for name in sets}
    for _ in range(repeats):
        for name, (texts, kind) in sets.items():
            runs[name]["baseline"].append(rate(baseline, texts, kind, seconds[name] / 2))
            runs[name]["ours"].append(rate(decide, texts, kind, seconds[name]))

    # Where the time goes (one pass each, microseconds per text): the stages of `decide`.
    stages = {
        "crisis screening": lambda text, kind: assess_crisis(text),
        "watched words": lambda text, kind: match_watched_words(text, words),
        "render + sanitise (the baseline)": baseline,
        "whole pipeline": decide,
        "floor: html.escape + len": floor,
    }
    stage_rows = []
    for stage, function in stages.items():
        row = [stage]
        for name, (texts, kind) in sets.items():
            row.append(round(1e6 / rate(function, texts, kind, seconds[name] / 4), 1))
        stage_rows.append(row)

    # Precision and recall of crisis screening on the labelled set (one pass: cheap).
    pairs = [(row["label"], decide(row["text"], ContentKind.CHAT).risk) for row in rows]
    return {
        "runs": runs,
        "stages": stage_rows,
        "pairs": pairs,
        "sizes": {
            "chat": len(chat),
            "chat_median_chars": sorted(len(t) for t in chat)[len(chat) // 2],
            "post": len(POST),
            "long post": len(LONG_POST),
        },
    }


def _child(repeats: int, quick: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as directory:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "community.settings",
            "DJANGO_DEBUG": "1",  # only so settings need no secret: nothing here is a request
            # Never touched (no query runs), but never the developer's database either.
            "DATABASE_URL": f"sqlite:///{directory}/unused.sqlite3",
            "DJANGO_VAR_DIR": directory,
        }
        env.pop("REDIS_URL", None)
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(repeats), "1" if quick else "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if out.returncode != 0:
        raise RuntimeError(f"pipeline worker exited with {out.returncode}:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def _quality_table(pairs: list[list[str]]) -> tuple[harness.Table, list[str]]:
    rows = []
    for tier in TIERS:
        labelled = sum(label == tier for label, _ in pairs)
        predicted = sum(got == tier for _, got in pairs)
        correct = sum(label == got == tier for label, got in pairs)
        rows.append(
            [tier, labelled, predicted, _ratio(correct, predicted), _ratio(correct, labelled)]
        )
    risky = [got for label, got in pairs if label in RISK]
    everyday = [got for label, got in pairs if label == "none"]
    found = sum(got in RISK for got in risky)
    alarms = sum(got in RISK for got in everyday)
    missed = sum(label == "urgent" and got == "none" for label, got in pairs)
    notes = [
        f"Crisis screening on the labelled set: risk recall (urgent or concern found) "
        f"{found}/{len(risky)}; false alarms on everyday talk {alarms}/{len(everyday)}; "
        f"urgent screened as none: {missed}.",
    ]
    table = harness.Table(
        title="Crisis screening on the labelled set (tests/moderation/data/)",
        columns=["tier", "labelled", "predicted", "precision", "recall"],
        rows=rows,
    )
    return table, notes


def run(repeats: int, quick: bool) -> harness.BenchResult:
    data = _child(repeats, quick)
    runs, sizes = data["runs"], data["sizes"]
    labels = {
        "chat": f"chat messages per second per core ({sizes['chat']} labelled messages)",
        "post": f"forum posts per second per core ({sizes['post']} characters, Markdown)",
        "long post": f"long posts per second per core ({sizes['long post']:,} characters)",
    }
    figures = []
    for name, label in labels.items():
        figure = harness.Figure(
            name=label,
            unit="texts/s",
            runs=[round(value, 1) for value in runs[name]["ours"]],
            baseline_runs=[round(value, 1) for value in runs[name]["baseline"]],
        )
        if name == "chat":
            figure.target = f">= {TARGET_CHAT_PER_SECOND:,} per core"
            figure.meets_target = figure.median >= TARGET_CHAT_PER_SECOND
        figures.append(figure)
    quality, notes = _quality_table(data["pairs"])
    stages = harness.Table(
        title="Where the time goes: microseconds per text, per stage (one pass each)",
        columns=["stage", "chat", "post", "long post"],
        rows=data["stages"],
    )
    notes = [
        f"Chat messages: median {sizes['chat_median_chars']} characters. Watched words: the "
        "demo's list (seed_demo), loaded once. Risk texts would also build a signpost (a "
        "database read), not included.",
        "The pipeline function is moderation.pipeline.screen_text's body (_Draft, "
        "_refused_before_rendering, _evaluate, _decision) with the words passed in.",
        *notes,
    ]
    return harness.BenchResult(
        name="pipeline",
        title="Content pipeline: render and screen per core",
        what=(
            "Texts per second one process (one core) puts through the pipeline's CPU work for "
            "each message: length check, crisis screening, watched words, Markdown rendering "
            "and nh3 sanitising, decision. No database, no network."
        ),
        baseline=(
            "render + sanitise alone (community.markup.render_markdown) on the same texts in "
            "the same process and run: what any forum that accepts Markdown does per text, so "
            "the ratio is the share of the pipeline's time that is not rendering (screening, "
            "watched words, decision). The bare floor (html.escape + len) is in the stage table."
        ),
        figures=figures,
        tables=[stages, quality],
        notes=notes,
        ok=True,
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(_worker(int(sys.argv[2]), sys.argv[3] == "1")))
    else:
        harness.main(run)
