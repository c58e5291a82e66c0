"""Forum thread page and group list against a plain page on the same server (issues 5 and 9).

bench/services.py starts a throwaway PostgreSQL and Redis and ONE daphne process serving
community.asgi.application with debug off, as in production. A child process (Django set up
on that database) writes, through the services, so the pipeline runs:

- a public forum thread with 20 replies from 5 members and reactions on most posts;
- 40 peer groups (a realistic community: each with a purpose and a facilitator).

It counts each page's queries once (Django's test client), then, as a visitor, with a fixed
number of concurrent keep-alive connections, warms up and requests each page back to back for
a fixed time, in every repeat:

- GET /forums/threads/<id>/ (the thread page: opening post, 20 replies, reactions);
- GET /groups/ (the group list);
- GET /guidelines/ (the baseline: a plain template render with the same base.html and
  context processors, no database query for a visitor).

Figures: requests per second of each page with the plain page's, measured in the same repeat, as
the baseline; p99 latency likewise. Not ok if any request fails. Everything it started is
stopped on exit.

Run alone: .venv/bin/python bench/bench_forum_page.py [--repeats N] [--quick]
Environment: BENCH_FORUM_CONNECTIONS (concurrent connections, default 8).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import harness  # noqa: E402
import services  # noqa: E402

LOOPBACK = "127.0.0.1"
CONNECTIONS = int(os.environ.get("BENCH_FORUM_CONNECTIONS", "8"))
REPLIES = 20
AUTHORS = 6
GROUPS = 40
TRIVIAL_PATH = "/guidelines/"
TARGET_THREAD_SHARE = 0.40  # issue 5: the thread page at >= 40% of the plain page's rate


# --- the child process: writes the content and counts queries -------------------------------


def _seed() -> dict:
    """Runs in a child process with the stack's environment (Django on its database)."""
    import django

    django.setup()
    from datetime import timedelta

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from community import forum_services
    from community.forum_permissions import reader_for
    from community.models import Category, Member
    from groups import services as group_services
    from groups.models import PeerGroup
    from moderation.kinds import ContentKind
    from moderation.pipeline import rate_window

    now = timezone.now()

    def member(name: str, **extra) -> Member:
        return Member.objects.create_user(
            pseudonym=name,
            email=f"{name.replace(' ', '-').lower()}@example.org",
            password=None,
            country="GB",
            date_joined=now - timedelta(days=60),
            guidelines_accepted_at=now,
            adult_confirmed_at=now,
            **extra,
        )

    category = Category.objects.get(slug="texting-and-waiting")
    with transaction.atomic():
        authors = [member(f"Bench author {number}") for number in range(AUTHORS)]
        readers = [reader_for(author, category) for author in authors]
        thread = forum_services.thread_start(
            reader=readers[0],
            title="What helps you while you wait for a reply?",
            body="I'm collecting small things that help. **What works for you?**",
        ).content
        for number in range(REPLIES):
            author = authors[1 + number % (AUTHORS - 1)]
            rate_window(author, ContentKind.FORUM_POST).clear()  # a bench, not a flood
            post = forum_services.post_reply(
                reader=readers[1 + number % (AUTHORS - 1)],
                thread=thread,
                body=f"Reply {number + 1}: I put the phone in another room and *breathe*.",
            ).content
            for reader, kind in zip(readers, ("hug", "me_too", "thank_you", "proud"), strict=False):
                if reader.actor.pk != author.pk and number % 4 != 3:
                    forum_services.reaction_add(reader=reader, content=post, kind=kind)
        for reader in readers[1:]:
            forum_services.reaction_add(reader=reader, content=thread, kind="hug")

        moderator = member("Bench moderator", is_moderator=True)
        facilitator = member("Bench facilitator")
        for number in range(GROUPS):
            group = PeerGroup.objects.create(
                name=f"Peer group {number + 1:02d}: steadier replies",
                slug=f"peer-group-{number + 1}",
                purpose=(
                    "For the long minutes after you hit send. Share what you feel while you "
                    "wait and what helps you put the phone down."
                ),
                guidelines="Speak from your own experience.",
                visibility=(
                    PeerGroup.Visibility.PRIVATE if number % 5 == 4 else PeerGroup.Visibility.OPEN
                ),
                created_by=moderator,
            )
            group_services.membership_appoint_facilitator(
                actor=moderator, group=group, member=facilitator
            )

    pages = {
        "thread": f"/forums/threads/{thread.pk}/",
        "groups": "/groups/",
        "trivial": TRIVIAL_PATH,
    }
    queries = {}
    client = Client()
    for name, path in pages.items():
        client.get(path)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}; nothing to measure.")
        queries[name] = len(captured)
    connection.close()
    return {"pages": pages, "queries": queries}


# --- load -------------------------------------------------------------------------------------


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def p(self, fraction: float) -> float:
        return services.percentile(self.latencies, fraction) * 1000


def hammer(port: int, path: str, seconds: float) -> Load:
    """CONNECTIONS threads, each on its own keep-alive connection, request `path` back to back
    for `seconds`."""
    result = Load()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        latencies, errors = [], 0
        connection = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
        connection.close()
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors

    workers = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    started = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    result.elapsed = time.perf_counter() - started
    return result


def _seed_in_child(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--seed"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"seeding exited with {out.returncode}:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(repeats: int, quick: bool) -> harness.BenchResult:
    seconds, warmup = (2.0, 1.0) if quick else (10.0, 2.0)
    directory = Path(tempfile.mkdtemp(prefix="bench-forum-"))
    loads: dict[str, list[Load]] = {"thread": [], "groups": [], "trivial": []}
    try:
        # Production-like (services.Stack): debug off, a random secret key, plain HTTP.
        with services.Stack(directory, daphnes=1, database="postgres", redis=True) as stack:
            seeded = _seed_in_child(stack.env)
            port = stack.ports[0]
            pages = seeded["pages"]
            for path in pages.values():
                hammer(port, path, warmup)
            for _ in range(repeats):
                for name in ("trivial", "thread", "groups"):
                    loads[name].append(hammer(port, pages[name], seconds))
    finally:
        shutil.rmtree(directory, ignore_errors=True)

    queries = seeded["queries"]
    trivial = loads["trivial"]
    thread_rps = harness.Figure(
        name=f"thread page ({REPLIES} replies): requests/s",
        unit="req/s",
        runs=[round(load.rate, 1) for load in loads["thread"]],
        baseline_runs=[round(load.rate, 1) for load in trivial],
        target=f">= {TARGET_THREAD_SHARE:.0%} of the plain page",
    )
    thread_rps.meets_target = (thread_rps.ratio or 0) >= TARGET_THREAD_SHARE
    figures = [
        thread_rps,
        harness.Figure(
            name=f"group list ({GROUPS} groups): requests/s",
            unit="req/s",
            runs=[round(load.rate, 1) for load in loads["groups"]],
            baseline_runs=[round(load.rate, 1) for load in trivial],
        ),
        harness.Figure(
            name="thread page: p99 latency",
            unit="ms",
            runs=[round(load.p(0.99), 1) for load in loads["thread"]],
            better="lower",
            baseline_runs=[round(load.p(0.99), 1) for load in trivial],
        ),
        harness.Figure(
            name="group list: p99 latency",
            unit="ms",
            runs=[round(load.p(0.99), 1) for load in loads["groups"]],
            better="lower",
            baseline_runs=[round(load.p(0.99), 1) for load in trivial],
        ),
    ]
    labels = {
        "thread": f"thread, {REPLIES} replies",
        "groups": f"group list, {GROUPS} groups",
        "trivial": "plain page (baseline)",
    }
    rows = []
    for name, label in labels.items():
        runs = loads[name]
        rows.append(
            [
                label,
                f"`{pages[name]}`",
                queries[name],
                sum(len(load.latencies) for load in runs),
                round(sorted(load.p(0.50) for load in runs)[len(runs) // 2], 1),
                sum(load.errors for load in runs),
            ]
        )
    errors = sum(load.errors for runs in loads.values() for load in runs)
    notes = [
        "Queries per request for a visitor: "
        + ", ".join(f"{labels[name]} {count}" for name, count in queries.items())
        + ".",
        f"One daphne process, PostgreSQL and Redis on this machine; {CONNECTIONS} keep-alive "
        f"connections from this process as a visitor; {warmup:g} s warm-up, then {seconds:g} s "
        "per page in each run (plain page, thread, group list).",
        services.POSTGRES_NOTE,
    ]
    if errors:
        notes.append(f"**{errors} requests failed**: every request must answer 200.")
    return harness.BenchResult(
        name="forum_page",
        title="Forum thread page and group list",
        what=(
            "Requests per second and p99 latency of the forum thread page (opening post, "
            f"{REPLIES} replies from {AUTHORS - 1} members, reactions) and of the group list "
            f"({GROUPS} groups), served by one daphne process with PostgreSQL, debug off, "
            f"to {CONNECTIONS} concurrent visitors."
        ),
        baseline=(
            f"{TRIVIAL_PATH} on the same server in the same run: a plain template page with "
            "the same base.html and context processors and no query, so the ratio is the cost "
            "of the page's own data and markup."
        ),
        figures=figures,
        tables=[
            harness.Table(
                title="Per page (all runs)",
                columns=["page", "path", "queries", "requests", "p50 ms (median run)", "errors"],
                rows=rows,
            )
        ],
        notes=notes,
        ok=errors == 0,
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(_seed()))
    else:
        harness.main(run)
