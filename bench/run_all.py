"""Run every benchmark in bench/ and write the report (`make bench`; issue 9).

    python bench/run_all.py [--repeats N] [--quick] [--only NAME ...] [--output STEM]

Imports each bench/bench_<name>.py in turn and calls its `run(repeats, quick)`; prints progress
with the elapsed time (and a line every minute while a long benchmark runs). A benchmark that
raises is reported as failed, with its traceback in the notes, and the others still run.
Writes bench/results/<STEM>.md and .json (bench/harness.py: the machine, the versions and each
figure's median over the runs):

- a full run of every benchmark writes `latest` (the committed report);
- `--quick` writes `quick` and `--only` writes `partial`, so a trial never overwrites the
  committed report (`--output latest` does, on purpose).

Exits 1 when any benchmark is not ok (failed, lost data, errors, or a query count that grows).
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import harness  # noqa: E402

HEARTBEAT_SECONDS = 60


def available() -> list[str]:
    """Benchmark names (bench_<name>.py), in alphabetical order."""
    return sorted(path.stem.removeprefix("bench_") for path in BENCH.glob("bench_*.py"))


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


def _failed(
    name: str, started: float, error: BaseException | None, detail: str
) -> harness.BenchResult:
    """A benchmark that did not produce a result, with what went wrong in its notes."""
    lines = detail.rstrip().splitlines() or [repr(error)]
    # Indented under the list item the report makes of each note, so it stays one block.
    block = "\n".join(f"  {line}" for line in ["```", *lines, "```"])
    return harness.BenchResult(
        name=name,
        title=f"{name} (failed)",
        what=f"bench/bench_{name}.py did not finish; nothing it measured is reported.",
        baseline="-",
        notes=[f"Failed after {time.monotonic() - started:.1f} s:\n\n{block}"],
        ok=False,
    )


def run_one(name: str, repeats: int, quick: bool) -> harness.BenchResult:
    started = time.monotonic()
    try:
        module = importlib.import_module(f"bench_{name}")
        result = module.run(repeats, quick)
    except Exception as error:  # one benchmark's failure must not stop the others
        return _failed(name, started, error, traceback.format_exc())
    if not isinstance(result, harness.BenchResult):
        return _failed(name, started, None, f"run() returned {type(result).__name__}")
    return result


class Heartbeat:
    """Prints a line every HEARTBEAT_SECONDS while a benchmark runs."""

    def __init__(self, label: str, started: float) -> None:
        self.label, self.started = label, started
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self) -> None:
        while not self.done.wait(HEARTBEAT_SECONDS):
            print(
                f"    ... {self.label} still running ({_clock(time.monotonic() - self.started)})",
                flush=True,
            )

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()


def _summary(result: harness.BenchResult) -> str:
    missed = [f.name for f in result.figures if f.meets_target is False]
    parts = ["ok" if result.ok else "NOT OK"]
    if missed:
        parts.append(f"target missed: {'; '.join(missed)}")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    names = available()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--quick", action="store_true", help="shorter, smaller: to try it out")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=names, help=", ".join(names))
    parser.add_argument("--output", metavar="STEM", help="report name in bench/results/")
    arguments = parser.parse_args(argv)
    if arguments.repeats < 1:
        parser.error("--repeats must be at least 1")
    selected = [name for name in names if not arguments.only or name in arguments.only]
    stem = arguments.output or (
        "quick" if arguments.quick else "partial" if arguments.only else "latest"
    )
    # A SIGTERM ends the run through each benchmark's `finally`, so its servers are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    print(
        f"Running {len(selected)} benchmark(s), {arguments.repeats} run(s) each"
        f"{' (quick)' if arguments.quick else ''}: {', '.join(selected)}",
        flush=True,
    )
    begun = time.monotonic()
    results = []
    for number, name in enumerate(selected, start=1):
        label = f"[{number}/{len(selected)}] {name}"
        started = time.monotonic()
        print(f"{label} ... (total {_clock(started - begun)})", flush=True)
        with Heartbeat(label, started):
            result = run_one(name, arguments.repeats, arguments.quick)
        results.append(result)
        print(f"{label} {_summary(result)} in {_clock(time.monotonic() - started)}", flush=True)

    markdown, data = harness.write_report(
        results, repeats=arguments.repeats, quick=arguments.quick, stem=stem
    )
    print(f"Done in {_clock(time.monotonic() - begun)}. Report: {markdown} and {data}")
    failed = [result.name for result in results if not result.ok]
    if failed:
        print(f"Not ok: {', '.join(failed)} (see the notes in the report)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
