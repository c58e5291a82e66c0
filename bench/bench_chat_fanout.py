"""Benchmark chat fan-out through two daphne processes sharing Redis (DESIGN.md "Scale").

Starts its own throwaway redis-server, a temporary SQLite database (migrated) and two daphne
processes serving community.asgi.application; connects rooms of 10 and 50 members split over
both processes; a few of them send at a fixed rate; every client counts what it receives.
Prints, per room: delivered messages per second, p50 / p99 latency (send to receipt), lost
(never received live; then fetched with `sync`, as clients do) and duplicated. Lost after
catch-up and duplicated must be zero; the script exits 1 otherwise. Everything it started is
stopped on exit.

Run: .venv/bin/python bench/bench_chat_fanout.py   (needs redis-server)
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOOPBACK = "127.0.0.1"
ROOMS = (10, 50)
# Heavier runs: BENCH_CHAT_SENDERS=50 BENCH_CHAT_INTERVAL=1.5 python bench/bench_chat_fanout.py
SENDERS = int(os.environ.get("BENCH_CHAT_SENDERS", "10"))  # members who send in each room
# Seconds between one sender's messages (the chat limit is 20 per 30 s, so not below 1.5).
SEND_INTERVAL = float(os.environ.get("BENCH_CHAT_INTERVAL", "2.0"))
SEND_SECONDS = 10.0
DRAIN_SECONDS = 2.0


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


class Services:
    """redis-server and two daphne processes, stopped (by their own PIDs) on exit."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.processes: list[subprocess.Popen] = []
        self.ports: list[int] = []
        self.env: dict[str, str] = {}

    def start(self) -> None:
        redis_binary = shutil.which("redis-server")
        if redis_binary is None:
            raise SystemExit("redis-server is not installed (apt-get install redis-server)")
        redis_port = free_port()
        redis = self._spawn(
            [
                redis_binary,
                *("--port", str(redis_port), "--bind", LOOPBACK, "--save", ""),
                *("--appendonly", "no", "--dir", str(self.directory)),
            ],
            "redis.log",
        )
        wait_for_port(redis_port, redis, "redis-server")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "community.settings",
            "DJANGO_DEBUG": "1",
            "DJANGO_VAR_DIR": str(self.directory),
            "DATABASE_URL": f"sqlite:///{self.directory / 'bench.sqlite3'}",
            "REDIS_URL": f"redis://{LOOPBACK}:{redis_port}/0",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        # The servers start while the database is migrated: they touch it only once clients
        # connect.
        daphnes = []
        for number in range(2):
            port = free_port()
            daphnes.append(
                self._spawn(
                    [
                        sys.executable,
                        *("-m", "daphne", "-b", LOOPBACK, "-p", str(port)),
                        "community.asgi:application",
                    ],
                    f"daphne{number}.log",
                )
            )
            self.ports.append(port)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        for number, (port, daphne) in enumerate(zip(self.ports, daphnes, strict=True)):
            wait_for_port(port, daphne, f"daphne {number}")

    def _spawn(self, command: list[str], log_name: str) -> subprocess.Popen:
        log = (self.directory / log_name).open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env or None,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def create_rooms(env: dict[str, str]) -> dict[int, tuple[str, list[str]]]:
    """For each room size: (slug, session cookies of its members). Runs Django in this process
    against the benchmark's database, in one transaction (one commit is much faster)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from community.models import Member
    from groups.models import Membership, PeerGroup

    rooms = {}
    with transaction.atomic():
        for size in ROOMS:
            group = PeerGroup.objects.create(
                name=f"Bench room of {size}", slug=f"bench-{size}", purpose="Benchmark room."
            )
            cookies = []
            for number in range(size):
                member = Member.objects.create_user(
                    pseudonym=f"bench{size}-{number}",
                    email=f"bench{size}-{number}@example.org",
                    password=None,
                    country="GB",
                    guidelines_accepted_at=timezone.now(),
                    adult_confirmed_at=timezone.now(),
                )
                Membership.objects.create(group=group, member=member, state="active")
                client = Client()
                client.force_login(member)
                cookies.append(f"sessionid={client.cookies['sessionid'].value}")
            rooms[size] = (group.slug, cookies)
    return rooms


@dataclass
class Receiver:
    url: str
    origin: str
    cookie: str
    received: dict[int, int] = field(default_factory=dict)  # message id -> times received
    seqs: set[int] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)
    acks: dict[str, int] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    socket: object | None = None
    task: asyncio.Task | None = None

    async def open(self, sent_at: dict[str, float]) -> None:
        from websockets.asyncio.client import connect

        self.socket = await connect(
            self.url, origin=self.origin, additional_headers={"Cookie": self.cookie}
        )
        self.task = asyncio.create_task(self.read(sent_at))

    async def read(self, sent_at: dict[str, float]) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.socket:
                frame = json.loads(raw)
                kind = frame["type"]
                if kind == "message.new":
                    message = frame["message"]
                    self.received[message["id"]] = self.received.get(message["id"], 0) + 1
                    self.seqs.add(message["seq"])
                    started = sent_at.get(message.get("local_id", ""))
                    if started is not None and self.received[message["id"]] == 1:
                        self.latencies.append(time.perf_counter() - started)
                elif kind == "ack" and "id" in frame:
                    self.acks[frame["local_id"]] = frame["id"]
                elif kind == "error":
                    self.errors.append(frame)
        except ConnectionClosed:
            pass

    async def close(self) -> None:
        await self.socket.close()
        await self.task


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


async def catch_up(receiver: Receiver, last_seq: int) -> int:
    """Ask for missing seqs with `sync` as a client would; how many are still missing."""
    for _ in range(20):
        missing = sorted(set(range(1, last_seq + 1)) - receiver.seqs)
        if not missing:
            return 0
        await receiver.socket.send(json.dumps({"type": "sync", "after_seq": missing[0] - 1}))
        await asyncio.sleep(0.25)
    return len(set(range(1, last_seq + 1)) - receiver.seqs)


async def run_room(size: int, slug: str, cookies: list[str], ports: list[int]) -> dict:
    sent_at: dict[str, float] = {}
    receivers = []
    for number, cookie in enumerate(cookies):
        port = ports[number % 2]
        receivers.append(
            Receiver(
                url=f"ws://{LOOPBACK}:{port}/ws/groups/{slug}/",
                origin=f"http://{LOOPBACK}:{port}",
                cookie=cookie,
            )
        )
    for receiver in receivers:
        await receiver.open(sent_at)
    await asyncio.sleep(0.5)  # let joins and presence settle

    senders = receivers[:SENDERS]

    async def send(number: int, sender: Receiver) -> None:
        # Senders are staggered so the room gets a steady rate.
        await asyncio.sleep(number * SEND_INTERVAL / len(senders))
        deadline = time.perf_counter() + SEND_SECONDS
        index = 0
        while time.perf_counter() < deadline:
            local_id = f"s{number}-{index}"
            sent_at[local_id] = time.perf_counter()
            frame = {"type": "message.send", "body": f"Bench {index}", "local_id": local_id}
            await sender.socket.send(json.dumps(frame))
            index += 1
            await asyncio.sleep(SEND_INTERVAL)

    started = time.perf_counter()
    await asyncio.gather(*(send(number, sender) for number, sender in enumerate(senders)))
    await asyncio.sleep(DRAIN_SECONDS)
    elapsed = time.perf_counter() - started
    published = {id_ for sender in senders for id_ in sender.acks.values()}
    last_seq = len(published)
    delivered = sum(sum(1 for id_ in r.received if id_ in published) for r in receivers)
    lost_live = sum(len(published - set(r.received)) for r in receivers)
    duplicated = sum(count - 1 for r in receivers for count in r.received.values())
    lost_after_sync = 0
    for receiver in receivers:
        lost_after_sync += await catch_up(receiver, last_seq)
    latencies = [value for r in receivers for value in r.latencies]
    errors = [error["code"] for r in receivers for error in r.errors]
    for receiver in receivers:
        await receiver.close()
    return {
        "size": size,
        "sent": len(sent_at),
        "published": len(published),
        "delivered": delivered,
        "per_second": delivered / elapsed,
        "p50": percentile(latencies, 0.50) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "lost_live": lost_live,
        "lost_after_sync": lost_after_sync,
        "duplicated": duplicated,
        "errors": errors,
    }


def main() -> int:
    # A SIGTERM ends the run through the `finally` below, so the servers are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    directory = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    services = Services(directory)
    try:
        services.start()
        rooms = create_rooms(services.env)
        results = [asyncio.run(run_room(size, *rooms[size], services.ports)) for size in ROOMS]
    finally:
        services.stop()
        shutil.rmtree(directory, ignore_errors=True)
    failed = False
    print(
        f"two daphne processes + Redis + SQLite; {SENDERS} senders per room, one message "
        f"every {SEND_INTERVAL:g} s each, for {SEND_SECONDS:g} s"
    )
    for result in results:
        print(
            f"room of {result['size']:>2}: sent {result['sent']}, published {result['published']}, "
            f"delivered {result['delivered']} ({result['per_second']:,.0f} messages/s), "
            f"latency p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
            f"lost live {result['lost_live']} (after sync {result['lost_after_sync']}), "
            f"duplicated {result['duplicated']}, errors {len(result['errors'])}"
        )
        if (
            result["lost_after_sync"]
            or result["duplicated"]
            or result["errors"]
            or result["published"] != result["sent"]
        ):
            failed = True
    if failed:
        print("FAILED: every message must arrive exactly once, with no errors.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
