"""Benchmark the forum thread page against a trivial page served by the same daphne (issue 5).

Creates a throwaway SQLite database (migrated) under a temporary directory, a public thread with
20 replies from several authors with reactions (written through the forum services, so the
pipeline runs), and serves community.asgi.application with ONE daphne process, debug off as in
production. Then, as a visitor, with a fixed number of concurrent keep-alive connections, it
warms up and requests each page for a fixed time:

- GET /forums/threads/<id>/ (the thread page: opening post, 20 replies, reactions);
- GET /guidelines/ (a plain template render, the same base.html, no database query for a
  visitor).

Prints a Markdown table (requests per second, p50 / p99 latency, errors) and the ratio
thread / trivial. Before measuring, it counts each page's queries once with Django's test
client, so the table says what the difference is made of. Exits 1 if any request failed.
Everything it started is stopped on exit.

Run: .venv/bin/python bench/bench_forum_page.py
Environment: BENCH_FORUM_SECONDS (measured seconds per page, default 10),
BENCH_FORUM_CONNECTIONS (concurrent connections, default 8), BENCH_FORUM_WARMUP (seconds,
default 2).
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOOPBACK = "127.0.0.1"
SECONDS = float(os.environ.get("BENCH_FORUM_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_FORUM_CONNECTIONS", "8"))
WARMUP_SECONDS = float(os.environ.get("BENCH_FORUM_WARMUP", "2"))
REPLIES = 20
AUTHORS = 6
TRIVIAL_PATH = "/guidelines/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port}")


class Server:
    """One daphne process on a throwaway SQLite database, stopped (by its own PID) on exit."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.port = free_port()
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "community.settings",
            # Production-like: debug off (no query log, no debug pages), plain HTTP on loopback.
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": f"{LOOPBACK},testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_VAR_DIR": str(directory),
            "DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite3'}",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        self.env.pop("REDIS_URL", None)

    def migrate(self) -> None:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )

    def start(self) -> None:
        log = (self.directory / "daphne.log").open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "daphne", "-b", LOOPBACK, "-p", str(self.port)),
                "community.asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_for_port(self.port, self.process, "daphne")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def create_thread(env: dict[str, str]) -> tuple[int, dict[str, int]]:
    """A public thread with REPLIES replies from AUTHORS members and reactions on most posts,
    written through the forum services. Returns its id and the number of database queries
    each page makes for a visitor. Runs Django in this process against the benchmark's
    database."""
    os.environ.update(env)
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
    from moderation.kinds import ContentKind
    from moderation.pipeline import rate_window

    category = Category.objects.get(slug="texting-and-waiting")
    with transaction.atomic():
        authors = [
            Member.objects.create_user(
                pseudonym=f"Bench author {number}",
                email=f"bench-author-{number}@example.org",
                password=None,
                country="GB",
                date_joined=timezone.now() - timedelta(days=60),
                guidelines_accepted_at=timezone.now(),
                adult_confirmed_at=timezone.now(),
            )
            for number in range(AUTHORS)
        ]
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
    queries = {}
    client = Client()
    for name, path in (("thread", f"/forums/threads/{thread.pk}/"), ("trivial", TRIVIAL_PATH)):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} answered {response.status_code}; nothing to measure.")
        queries[name] = len(captured)
    connection.close()
    return thread.pk, queries


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0


def hammer(port: int, path: str, seconds: float) -> Result:
    """CONNECTIONS threads, each on its own keep-alive connection, request `path` back to back
    for `seconds`."""
    result = Result()
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


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def main() -> int:
    # A SIGTERM ends the run through the `finally` below, so the server is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    directory = Path(tempfile.mkdtemp(prefix="bench-forum-"))
    server = Server(directory)
    try:
        server.migrate()
        thread_id, queries = create_thread(server.env)
        server.start()
        pages = {"thread": f"/forums/threads/{thread_id}/", "trivial": TRIVIAL_PATH}
        for path in pages.values():
            hammer(server.port, path, WARMUP_SECONDS)
        results = {name: hammer(server.port, path, SECONDS) for name, path in pages.items()}
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    print(
        f"one daphne process + SQLite, debug off; {CONNECTIONS} keep-alive connections as a "
        f"visitor; {WARMUP_SECONDS:g} s warm-up, then {SECONDS:g} s per page"
    )
    print()
    print("| page | path | queries | requests | requests/s | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    rates = {}
    for name, path in pages.items():
        result = results[name]
        rates[name] = len(result.latencies) / result.elapsed if result.elapsed else 0.0
        label = f"thread, {REPLIES} replies" if name == "thread" else "trivial template"
        print(
            f"| {label} | `{path}` | {queries[name]} | {len(result.latencies)} | "
            f"{rates[name]:,.0f} | {percentile(result.latencies, 0.50) * 1000:.1f} | "
            f"{percentile(result.latencies, 0.99) * 1000:.1f} | {result.errors} |"
        )
    print()
    ratio = rates["thread"] / rates["trivial"] if rates["trivial"] else 0.0
    print(f"thread / trivial requests per second: {ratio:.2f}")
    if any(result.errors for result in results.values()):
        print("FAILED: every request must answer 200.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
