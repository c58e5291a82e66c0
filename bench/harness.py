"""What every benchmark in bench/ shares: the figures it reports, medians over repeated runs,
the machine it ran on, and the report `make bench` writes (bench/results/, Markdown and JSON).

A benchmark is a module `bench/bench_<name>.py` with

    def run(repeats: int, quick: bool) -> BenchResult

It measures each figure `repeats` times (the report gives the median and every run) and, in
the same run on the same machine, the baseline it is compared with, because absolute times on
a shared machine mean little. `quick` is for trying a benchmark out (shorter, smaller); the
committed report is never a quick run. Run one alone with `python bench/bench_<name>.py`
(see `main`)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


@dataclass
class Figure:
    """One measured quantity: `runs` holds one value per repeat (the report shows the median).
    `baseline_runs`, when given, were measured the same way on the baseline in the same run;
    `ratio` is then ours / baseline (for "lower is better" figures: baseline / ours, so 1.0
    always means "as good as the baseline" and less means worse)."""

    name: str
    unit: str
    runs: list[float]
    better: str = "higher"  # "higher" or "lower"
    baseline_runs: list[float] | None = None
    target: str = ""  # e.g. ">= 50% of baseline"; "" when there is none
    meets_target: bool | None = None  # None when there is no target

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    @property
    def baseline_median(self) -> float | None:
        return statistics.median(self.baseline_runs) if self.baseline_runs else None

    @property
    def ratio(self) -> float | None:
        base = self.baseline_median
        ours = self.median
        if base is None or not base or not ours:
            return None
        return ours / base if self.better == "higher" else base / ours

    def as_dict(self) -> dict:
        return {
            **asdict(self),
            "median": self.median,
            "baseline_median": self.baseline_median,
            "ratio": self.ratio,
        }


@dataclass
class Table:
    """Extra detail a benchmark reports as a table (e.g. one row per room size)."""

    title: str
    columns: list[str]
    rows: list[list]


@dataclass
class BenchResult:
    name: str  # short, e.g. "chat_fanout"
    title: str
    what: str  # one paragraph: what is measured and how
    baseline: str  # one sentence: what the baseline is
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ok: bool = True  # False when something a user would notice went wrong (loss, errors)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "what": self.what,
            "baseline": self.baseline,
            "figures": [figure.as_dict() for figure in self.figures],
            "tables": [asdict(table) for table in self.tables],
            "notes": self.notes,
            "ok": self.ok,
        }


def _command_version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _package(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info() -> dict:
    """The machine and the versions the figures were measured with."""
    postgres = "/usr/lib/postgresql/15/bin/postgres"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {
            name: _package(name)
            for name in ("django", "channels", "channels-redis", "daphne", "redis", "nh3")
        },
        "redis_server": _command_version(["redis-server", "--version"]),
        "postgresql": _command_version([postgres, "--version"]),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def _number(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def render_markdown(info: dict, results: list[BenchResult], repeats: int, quick: bool) -> str:
    lines = ["# Benchmark report", ""]
    lines.append(f"Measured {info['date']} with `make bench` ({repeats} runs per figure; medians).")
    if quick:
        lines.append("**Quick run: shorter and smaller than the real benchmark; do not quote.**")
    lines += [
        "",
        "## Machine",
        "",
        f"- CPU: {info['cpu']} ({info['cores']} cores), memory {info['memory_gib']} GiB",
        f"- OS: {info['os']}; Python {info['python']}",
        "- "
        + ", ".join(f"{name} {version}" for name, version in info["packages"].items())
        + f"; {info['redis_server']}; {info['postgresql']}",
        f"- Load average when the run started: {info['load_average']}",
        "",
    ]
    for result in results:
        lines += [f"## {result.title}", "", result.what, "", f"Baseline: {result.baseline}", ""]
        if not result.ok:
            lines += ["**Something went wrong in this benchmark: see the notes.**", ""]
        if result.figures:
            lines += [
                "| figure | median | unit | baseline | ours / baseline | target | met | runs |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for figure in result.figures:
                met = {None: "", True: "yes", False: "**no**"}[figure.meets_target]
                ratio = figure.ratio
                lines.append(
                    f"| {figure.name} | {_number(figure.median)} | {figure.unit} | "
                    f"{_number(figure.baseline_median)} | "
                    f"{'' if ratio is None else f'{ratio:.0%}'} | {figure.target} | {met} | "
                    + ", ".join(_number(run) for run in figure.runs)
                    + " |"
                )
            lines.append("")
        for table in result.tables:
            lines += [f"**{table.title}**", ""]
            lines.append("| " + " | ".join(table.columns) + " |")
            lines.append("|" + "---|" * len(table.columns))
            for row in table.rows:
                lines.append("| " + " | ".join(_number(cell) for cell in row) + " |")
            lines.append("")
        for note in result.notes:
            lines.append(f"- {note}")
        if result.notes:
            lines.append("")
    return "\n".join(lines)


def write_report(
    results: list[BenchResult], *, repeats: int, quick: bool, stem: str = "latest"
) -> tuple[Path, Path]:
    """Writes bench/results/<stem>.md and .json; returns their paths."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    info = machine_info()
    markdown = RESULTS / f"{stem}.md"
    data = RESULTS / f"{stem}.json"
    markdown.write_text(render_markdown(info, results, repeats, quick) + "\n")
    data.write_text(
        json.dumps(
            {
                "machine": info,
                "repeats": repeats,
                "quick": quick,
                "results": [result.as_dict() for result in results],
            },
            indent=2,
        )
        + "\n"
    )
    return markdown, data


def main(run) -> None:
    """Run one benchmark alone: `python bench/bench_<name>.py [--repeats N] [--quick]`.
    Prints its Markdown section; exits 1 when the result is not ok."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    arguments = parser.parse_args()
    result = run(arguments.repeats, arguments.quick)
    print(render_markdown(machine_info(), [result], arguments.repeats, arguments.quick))
    sys.exit(0 if result.ok else 1)
