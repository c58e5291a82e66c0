"""Chat fan-out through two daphne processes sharing Redis and PostgreSQL (DESIGN.md "Scale").

bench/services.py starts a throwaway Redis, PostgreSQL and two daphne processes serving
community.asgi.application with debug off, plus two more daphne processes on the same Redis
serving the baseline, bench/relay_asgi.py: a bare Channels consumer that relays every frame to
its room with one group_send (no database, no pipeline, no presence). A child process creates
the rooms (peer groups), their members (active memberships) and their session cookies.

For each room size (10, 50 and 100 clients; each room's clients alternate between the two
daphne processes), both systems climb the same ladder of offered message rates, ours first,
then the baseline. A step that needs more senders than one room has uses several rooms of that
size at once. Each sending member sends one message every SEND_INTERVAL seconds (the chat limit
is 20 per 30 s per member; it is not loosened); the step's messages follow a fixed schedule
(open loop: each send is made at its intended time, however late the answers are, and latency
is measured from that intended time, so a slow server cannot slow the senders down and hide
its queue). Every client timestamps every message it receives. Per step:

- delivered messages per second (live receipts at every client other than the author);
- p50 / p99 / p99.9 latency, intended send time to receipt at each other client; a delivery
  that never arrives live counts as infinitely late;
- lost (never received live; then asked for with `sync`, as clients do: lost after catch-up
  must be 0) and duplicated (must be 0); for the baseline, which has no database, lost live.

Clients behave as real ones: a socket the server closes is reconnected (and what it missed is
fetched with `sync`), a failed handshake is tried again; both are counted and reported, and a
socket the server closed makes the result not ok. Sockets join at a steady pace
(JOINS_PER_SECOND).

A system stops climbing after the first step (at or above the reference rate) whose p99 is over
P99_LIMIT_MS. Its capacity is the last offered rate under the limit; its throughput "at equal
p99" is the highest delivered/s it reached with p99 under the limit. Figures per room size: that
throughput (ours against the baseline's, target >= 50% with zero loss), p99 at the reference
rate, and capacity. Everything started is stopped on exit.

Run alone: .venv/bin/python bench/bench_chat_fanout.py [--repeats N] [--quick]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import harness  # noqa: E402
import services  # noqa: E402

LOOPBACK = services.LOOPBACK
RELAY_APP = "bench.relay_asgi:application"
P99_LIMIT_MS = 250.0
TARGET_SHARE = 0.50
# Seconds between one member's messages: 15 per 30 s, under the chat limit of 20 per 30 s with
# room for the server's timing jitter (at 1.5 s a few ms of jitter would trip the limit).
SEND_INTERVAL = 2.0
QUIET_SECONDS = 2.0  # a step's drain ends when nothing more arrived for this long
# Sockets opened per second into rooms of `size`: 1000 / size, at most 40. Every join is
# announced to the whole room (presence), so a join costs more in a bigger room; at 40 joins
# per second into one room of 100 the handshakes queue for seconds and some pass daphne's 5 s
# handshake timeout.
JOINS_PER_SECOND = 1000.0
CONNECT_ATTEMPTS = 3


@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]
    ladders: dict[int, tuple[float, ...]]  # offered messages per second, per room size
    reference: dict[int, float]  # the rate at which p99 is compared (always measured)
    min_seconds: float  # send window: long enough for DELIVERIES_PER_STEP, within these bounds
    max_seconds: float
    drain_seconds: float  # at most, after the send window


# Each system climbs until its p99 passes the limit; steps are about x1.5 apart.
FULL = Plan(
    sizes=(10, 50, 100),
    # High enough that each system passes the limit: a ladder both systems climb to the top
    # says only "at least" about either capacity.
    ladders={
        10: (10, 20, 30, 45, 70, 100, 150, 220, 330),
        50: (4, 8, 12, 18, 27, 40, 60, 90),
        100: (2, 4, 6, 9, 13, 20, 30, 45),
    },
    reference={10: 10, 50: 4, 100: 2},
    min_seconds=4.0,
    max_seconds=6.0,
    drain_seconds=15.0,
)
QUICK = Plan(
    sizes=(10, 50),
    ladders={10: (10, 30, 60), 50: (4, 12, 27)},
    reference={10: 10, 50: 4},
    min_seconds=2.5,
    max_seconds=3.0,
    drain_seconds=8.0,
)
DELIVERIES_PER_STEP = 2000  # aimed at, so p99 rests on enough samples


def senders_for(rate: float) -> int:
    return max(1, math.ceil(rate * SEND_INTERVAL))


def rooms_for(size: int, rate: float) -> int:
    return math.ceil(senders_for(rate) / size)


def send_seconds(plan: Plan, size: int, rate: float) -> float:
    wanted = DELIVERIES_PER_STEP / (rate * (size - 1))
    return min(plan.max_seconds, max(plan.min_seconds, wanted))


# --- the child process: rooms, members, sessions ---------------------------------------------


def _seed(spec: dict[str, int]) -> dict:
    """Runs in a child process with the stack's environment. `spec`: room size -> rooms.
    Returns, per size, a list of rooms: [slug, [session cookie of each member]]."""
    import django

    django.setup()
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from community.models import Member
    from groups.models import Membership, PeerGroup

    now = timezone.now()
    rooms: dict[str, list] = {}
    with transaction.atomic():
        for size_text, count in spec.items():
            size = int(size_text)
            rooms[size_text] = []
            for room in range(count):
                group = PeerGroup.objects.create(
                    name=f"Bench room {room + 1} of {size}",
                    slug=f"bench-{size}-{room + 1}",
                    purpose="A benchmark room.",
                )
                cookies = []
                for number in range(size):
                    name = f"bench-{size}-{room + 1}-{number + 1}"
                    member = Member.objects.create_user(
                        pseudonym=name,
                        email=f"{name}@example.org",
                        password=None,
                        country="GB",
                        guidelines_accepted_at=now,
                        adult_confirmed_at=now,
                    )
                    Membership.objects.create(group=group, member=member, state="active")
                    client = Client()
                    client.force_login(member)
                    cookies.append(f"sessionid={client.cookies['sessionid'].value}")
                rooms[size_text].append([group.slug, cookies])
    return rooms


def _seed_in_child(env: dict[str, str], spec: dict[int, int]) -> dict[int, list]:
    out = subprocess.run(
        [sys.executable, __file__, "--seed", json.dumps({str(k): v for k, v in spec.items()})],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"seeding exited with {out.returncode}:\n{out.stderr[-3000:]}")
    rooms = json.loads(out.stdout.strip().splitlines()[-1])
    return {int(size): value for size, value in rooms.items()}


# --- clients ----------------------------------------------------------------------------------


@dataclass
class Step:
    """What one ladder step sent and what its clients saw."""

    sent_at: dict[str, float] = field(default_factory=dict)  # local_id -> intended send time
    author: dict[str, Client] = field(default_factory=dict)
    room_of: dict[str, int] = field(default_factory=dict)
    acks: dict[str, tuple[int, int]] = field(default_factory=dict)  # local_id -> (id, seq)
    latencies: list[float] = field(default_factory=list)
    delivered: int = 0
    duplicated: int = 0
    last_receipt: float = 0.0
    errors: list[str] = field(default_factory=list)


class Client:
    """One member's socket: ours (`/ws/groups/<slug>/`) or the relay (`/ws/relay/<room>/`)."""

    def __init__(self, url: str, origin: str, cookie: str, room: int, relay: bool) -> None:
        self.url, self.origin, self.cookie, self.room, self.relay = url, origin, cookie, room, relay
        self.seen: set[str] = set()  # local_ids received (live or by catch-up)
        self.catching_up = False
        self.step: Step | None = None
        self.hello = asyncio.Event()
        self.last_frame = 0.0
        self.socket = None
        self.task: asyncio.Task | None = None
        self.closing = False
        self.drops: list[int | None] = []  # close codes of sockets the server closed

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        self.hello = asyncio.Event()

        self.socket = await connect(
            self.url,
            origin=self.origin,
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
            compression=None,
            ping_interval=None,
            max_queue=None,
            open_timeout=60,
        )
        if self.relay:
            self.hello.set()
        self.task = asyncio.create_task(self.read())

    async def read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.socket:
                now = time.perf_counter()
                self.last_frame = now
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "message.new":
                    self.receive(frame["message"].get("local_id", ""), now)
                elif kind == "message.send":  # the relay passes frames on unchanged
                    self.receive(frame["local_id"], now)
                elif kind == "ack":
                    if self.step is not None and "seq" in frame:
                        self.step.acks[frame["local_id"]] = (frame["id"], frame["seq"])
                    elif self.step is not None:
                        self.step.errors.append(f"ack {frame.get('status')}")
                elif kind == "error":
                    if self.step is not None:
                        self.step.errors.append(frame.get("code", "error"))
                elif kind == "hello":
                    self.hello.set()
        except ConnectionClosed:
            pass
        if not self.closing:
            self.drops.append(self.socket.close_code)

    @property
    def dropped(self) -> bool:
        return self.task is not None and self.task.done() and not self.closing

    async def join(self) -> int:
        """Open the socket and wait for the room's hello, trying again after a failed
        handshake as a client does; returns how many attempts failed."""
        from websockets.exceptions import InvalidHandshake

        for attempt in range(CONNECT_ATTEMPTS):
            try:
                await self.open()
                await asyncio.wait_for(self.hello.wait(), 60)
                return attempt
            except (OSError, InvalidHandshake, TimeoutError):
                if attempt == CONNECT_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(1.0)
        return CONNECT_ATTEMPTS

    async def reopen(self) -> int:
        """Reconnect a socket the server closed, as a client does (what it missed meanwhile
        is fetched with `sync` at the end of the step)."""
        await self.task
        return await self.join()

    def receive(self, local_id: str, now: float) -> None:
        step = self.step
        if step is None or local_id not in step.sent_at:
            return
        if step.author[local_id] is self:
            return
        if local_id in self.seen:
            if not self.catching_up:
                step.duplicated += 1
            return
        self.seen.add(local_id)
        if self.catching_up:
            return  # recovered, not delivered live
        step.delivered += 1
        step.latencies.append(now - step.sent_at[local_id])
        step.last_receipt = max(step.last_receipt, now)

    async def send(self, frame: dict) -> None:
        if self.dropped:
            await self.reopen()
        await self.socket.send(json.dumps(frame))

    async def close(self) -> None:
        self.closing = True
        if self.socket is not None:
            await self.socket.close()
        if self.task is not None:
            await self.task


@dataclass
class StepResult:
    system: str
    size: int
    rate: float
    rooms: int
    senders: int
    seconds: float
    sent: int
    published: int
    expected: int
    delivered: int
    per_second: float
    p50: float
    p99: float
    p999: float
    lost_live: int
    lost_after: int
    duplicated: int
    errors: int
    unacked: int
    dropped: int  # sockets the server closed (reconnected by the client)
    retries: int  # handshakes that failed (and were tried again) while joining for this step
    cpu: dict[str, float]  # cores used during the step, per part (see CpuMeter)

    @property
    def under_limit(self) -> bool:
        return self.p99 <= P99_LIMIT_MS

    def row(self, repeat: int) -> list:
        return [
            repeat,
            self.system,
            self.rate,
            f"{self.rooms}x{self.size}",
            self.published,
            self.per_second,
            self.p50,
            self.p99,
            self.p999,
            self.lost_live,
            self.lost_after,
            self.duplicated,
            self.errors + self.unacked,
            self.dropped,
            *(round(self.cpu[part], 2) for part in CpuMeter.PARTS),
        ]


COLUMNS = [
    "repeat",
    "system",
    "offered msg/s",
    "rooms",
    "published",
    "delivered/s",
    "p50 ms",
    "p99 ms",
    "p99.9 ms",
    "lost live",
    "lost after sync",
    "duplicated",
    "errors",
    "sockets dropped",
    "daphne cores",
    "postgres cores",
    "redis cores",
    "client cores",
    "machine busy cores",
]


def _proc_times(pid: int) -> tuple[int, int]:
    """(utime + stime, cutime + cstime) of a process, in clock ticks; (0, 0) if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])
    except (OSError, IndexError, ValueError):
        return 0, 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


class CpuMeter:
    """CPU time, in seconds, of the parts of the benchmark: the system's two daphne processes,
    PostgreSQL (the postmaster, its live backends and those it reaped), Redis, this load
    generator, and the whole machine (other people's work included)."""

    PARTS = ("daphne", "postgres", "redis", "client", "machine")

    def __init__(self, stack: services.Stack, daphne_pids: list[int]) -> None:
        self.daphne_pids = daphne_pids
        self.redis_pid = stack.redis_process.pid if stack.redis_process else None
        self.postmaster = None
        if stack.pg_root is not None:
            pid_file = stack.pg_root / "data" / "postmaster.pid"
            with contextlib.suppress(OSError, ValueError, IndexError):
                self.postmaster = int(pid_file.read_text().split()[0])
        self.ticks = os.sysconf("SC_CLK_TCK")

    def snapshot(self) -> dict[str, float]:
        postgres = 0
        if self.postmaster is not None:
            own, reaped = _proc_times(self.postmaster)
            postgres = own + reaped + sum(_proc_times(pid)[0] for pid in _children(self.postmaster))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        with open("/proc/stat") as stat:
            numbers = [int(value) for value in stat.readline().split()[1:]]
        idle = numbers[3] + numbers[4]  # idle + iowait
        return {
            "daphne": sum(_proc_times(pid)[0] for pid in self.daphne_pids) / self.ticks,
            "postgres": postgres / self.ticks,
            "redis": (_proc_times(self.redis_pid)[0] if self.redis_pid else 0) / self.ticks,
            "client": usage.ru_utime + usage.ru_stime,
            "machine": (sum(numbers[:8]) - idle) / self.ticks,
            "wall": time.perf_counter(),
        }

    @staticmethod
    def cores(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        wall = max(after["wall"] - before["wall"], 1e-9)
        return {part: (after[part] - before[part]) / wall for part in CpuMeter.PARTS}

    async def settle(self, seconds: float = 15.0) -> None:
        """Wait until the daphne processes are nearly idle (a backlog of an overloaded step is
        worked off before the next system is measured)."""
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            before = self.snapshot()
            await asyncio.sleep(0.5)
            if self.cores(before, self.snapshot())["daphne"] < 0.1:
                return


class Ladder:
    """One system's clients for one room size; rooms are connected as the ladder needs them."""

    def __init__(
        self, system: str, size: int, rooms: list, ports: list[int], meter: CpuMeter, tag: str
    ) -> None:
        self.system, self.size, self.rooms, self.ports = system, size, rooms, ports
        self.meter = meter
        self.relay = system == "baseline"
        self.tag = tag
        self.clients: list[list[Client]] = []  # per connected room
        self.step_number = 0
        self.drops_counted = 0  # sockets dropped before the current step, all counted
        self.connect_failures = 0  # handshakes that failed and were tried again

    async def connect(self, count: int) -> None:
        """Make sure the first `count` rooms are connected (and quiet again). Sockets open at a
        steady pace (see JOINS_PER_SECOND), so their heartbeats (every 20 s) do not all fall
        together; a failed handshake is tried again, as a client does."""
        if count <= len(self.clients):
            return
        new: list[Client] = []
        for index in range(len(self.clients), count):
            slug, cookies = self.rooms[index]
            room_clients = []
            for number, cookie in enumerate(cookies):
                port = self.ports[number % len(self.ports)]
                if self.relay:
                    path, cookie = f"/ws/relay/{self.tag}-{slug}/", ""
                else:
                    path = f"/ws/groups/{slug}/"
                url, origin = f"ws://{LOOPBACK}:{port}{path}", f"http://{LOOPBACK}:{port}"
                room_clients.append(Client(url, origin, cookie, index, self.relay))
            self.clients.append(room_clients)
            new.extend(room_clients)

        async def open_one(client: Client, delay: float) -> None:
            await asyncio.sleep(delay)
            self.connect_failures += await client.join()

        rate = min(40.0, JOINS_PER_SECOND / self.size)
        await asyncio.gather(
            *(open_one(client, number / rate) for number, client in enumerate(new))
        )
        await self.quiet(1.0, 30)

    async def quiet(self, seconds: float, limit: float) -> None:
        """Wait until no client received anything for `seconds` (at most `limit` seconds)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            last = max((c.last_frame for room in self.clients for c in room), default=0.0)
            if time.perf_counter() - last >= seconds:
                return
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        await asyncio.gather(*(c.close() for room in self.clients for c in room))
        self.clients = []

    async def step(self, rate: float, seconds: float, drain_seconds: float) -> StepResult:
        rooms = rooms_for(self.size, rate)
        failures_before = self.connect_failures
        await self.connect(rooms)
        self.step_number += 1
        step = Step()
        active = [c for room in self.clients[:rooms] for c in room]
        for failures in await asyncio.gather(*(c.reopen() for c in active if c.dropped)):
            self.connect_failures += failures
        for client in active:
            client.step = step
            client.catching_up = False
        # Senders spread over the rooms: sender j is member j // rooms of room j % rooms.
        count = senders_for(rate)
        senders = [self.clients[j % rooms][j // rooms] for j in range(count)]
        total = round(rate * seconds)
        tasks: list[asyncio.Task] = []
        before = self.meter.snapshot()
        started = time.perf_counter() + 0.1
        for j in range(total):
            intended = started + j / rate
            delay = intended - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            sender = senders[j % count]
            local_id = f"{self.tag}-{self.step_number}-{j}"
            step.sent_at[local_id] = intended
            step.author[local_id] = sender
            step.room_of[local_id] = sender.room
            frame = {"type": "message.send", "body": f"Bench message {j}.", "local_id": local_id}
            tasks.append(asyncio.create_task(sender.send(frame)))
        last_send = time.perf_counter()
        for outcome in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(outcome, BaseException):
                step.errors.append(f"send failed: {outcome!r}")
        expected_per_message = self.size - 1

        def complete() -> bool:
            published = step.sent_at if self.relay else step.acks
            return (
                len(published) == total and step.delivered >= len(published) * expected_per_message
            )

        # Drain: until everything arrived, or nothing more arrived for QUIET_SECONDS.
        deadline = time.perf_counter() + drain_seconds
        while time.perf_counter() < deadline and not complete():
            last = max(c.last_frame for c in active)
            if time.perf_counter() - max(last, last_send) > QUIET_SECONDS:
                break
            await asyncio.sleep(0.02)
        elapsed = max(seconds, (step.last_receipt or started) - started)
        cpu = CpuMeter.cores(before, self.meter.snapshot())

        published = set(step.sent_at) if self.relay else set(step.acks)
        for client in active:
            client.catching_up = True  # whatever comes now is not live
        lost_live = self.missing(active, published, step)
        lost_after = lost_live
        if lost_live and not self.relay:
            lost_after = await self.catch_up(active, published, step)
        latencies = step.latencies + [math.inf] * lost_live
        dropped = sum(len(c.drops) for room in self.clients for c in room)
        self.drops_counted, dropped = dropped, dropped - self.drops_counted
        for client in active:
            client.step = None
        # No member sends again sooner than SEND_INTERVAL after its last message.
        await asyncio.sleep(max(0.0, last_send + SEND_INTERVAL - time.perf_counter()))
        return StepResult(
            system=self.system,
            size=self.size,
            rate=rate,
            rooms=rooms,
            senders=count,
            seconds=seconds,
            sent=total,
            published=len(published),
            expected=len(published) * expected_per_message,
            delivered=step.delivered,
            per_second=step.delivered / elapsed,
            p50=services.percentile(latencies, 0.50) * 1000,
            p99=services.percentile(latencies, 0.99) * 1000,
            p999=services.percentile(latencies, 0.999) * 1000,
            lost_live=lost_live,
            lost_after=lost_after,
            duplicated=step.duplicated,
            errors=len(step.errors),
            unacked=0 if self.relay else total - len(step.acks),
            dropped=dropped,
            retries=self.connect_failures - failures_before,
            cpu=cpu,
        )

    @staticmethod
    def missing(active: list[Client], published: set[str], step: Step) -> int:
        return sum(
            1
            for client in active
            for local_id in published
            if step.room_of[local_id] == client.room
            and step.author[local_id] is not client
            and local_id not in client.seen
        )

    async def catch_up(self, active: list[Client], published: set[str], step: Step) -> int:
        """Ask for what is missing with `sync`, as a client does; how much is still missing."""
        for failures in await asyncio.gather(*(c.reopen() for c in active if c.dropped)):
            self.connect_failures += failures
        for _ in range(3):
            for client in active:
                wanted = [
                    step.acks[local_id][1]
                    for local_id in published
                    if step.room_of[local_id] == client.room
                    and step.author[local_id] is not client
                    and local_id not in client.seen
                ]
                if wanted:
                    await client.send({"type": "sync", "after_seq": min(wanted) - 1})
            deadline = time.perf_counter() + 5
            while time.perf_counter() < deadline and self.missing(active, published, step):
                await asyncio.sleep(0.05)
            if not self.missing(active, published, step):
                break
        return self.missing(active, published, step)


async def climb(
    system: str,
    size: int,
    rooms: list,
    ports: list[int],
    meter: CpuMeter,
    plan: Plan,
    tag: str,
    warm_up: bool = False,
) -> list[StepResult]:
    """One system up the ladder of one room size, until p99 passes the limit (at or above the
    reference rate) or the ladder ends. `warm_up`: one short step at the first rate, not
    reported (the first messages a process handles are slow: imports, caches)."""
    ladder = Ladder(system, size, rooms, ports, meter, tag)
    results = []
    try:
        if warm_up:
            await ladder.step(plan.ladders[size][0], plan.min_seconds, plan.drain_seconds)
        for rate in plan.ladders[size]:
            seconds = send_seconds(plan, size, rate)
            result = await ladder.step(rate, seconds, plan.drain_seconds)
            results.append(result)
            print(
                f"    {system:8} {result.rooms:>2}x{size:<3} {rate:>5g} msg/s: "
                f"{result.per_second:7,.0f} delivered/s, p99 {result.p99:7.1f} ms, lost "
                f"{result.lost_live}/{result.lost_after}, dup {result.duplicated}, errors "
                f"{result.errors + result.unacked}, cores: "
                + ", ".join(f"{part} {result.cpu[part]:.2f}" for part in CpuMeter.PARTS),
                file=sys.stderr,
                flush=True,
            )
            if not result.under_limit and rate >= plan.reference[size]:
                break
    finally:
        await ladder.close()
    await meter.settle()
    return results


# --- the figures ------------------------------------------------------------------------------


def capacity(steps: list[StepResult]) -> float:
    """The last offered rate with p99 under the limit, climbing (0 when even the first was
    over)."""
    last = 0.0
    for step in steps:
        if not step.under_limit:
            break
        last = step.rate
    return last


def best_throughput(steps: list[StepResult]) -> float:
    under = [step.per_second for step in steps if step.under_limit]
    return max(under) if under else 0.0


def at_reference(steps: list[StepResult], rate: float) -> float:
    for step in steps:
        if step.rate == rate:
            return step.p99
    return math.inf


def run(repeats: int, quick: bool) -> harness.BenchResult:
    plan = QUICK if quick else FULL
    spec = {size: max(rooms_for(size, rate) for rate in plan.ladders[size]) for size in plan.sizes}
    directory = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    steps: dict[int, list[list[StepResult]]] = {size: [] for size in plan.sizes}
    with_ours: dict[int, list[list[StepResult]]] = {size: [] for size in plan.sizes}
    with_base: dict[int, list[list[StepResult]]] = {size: [] for size in plan.sizes}
    try:
        with contextlib.ExitStack() as started:
            stack = started.enter_context(
                services.Stack(directory / "ours", daphnes=2, database="postgres")
            )
            # The baseline's two daphne processes use the same Redis; their SQLite database
            # is never touched (the relay has no models), so it is not even migrated.
            relay = started.enter_context(
                services.Stack(
                    directory / "relay",
                    daphnes=2,
                    database="sqlite",
                    redis=False,
                    asgi_app=RELAY_APP,
                    extra_env={"REDIS_URL": stack.env["REDIS_URL"]},
                    migrate=False,
                )
            )
            rooms = _seed_in_child(stack.env, spec)
            ours_meter = CpuMeter(stack, [p.pid for p in stack.daphne_processes])
            relay_meter = CpuMeter(stack, [p.pid for p in relay.daphne_processes])
            for repeat in range(1, repeats + 1):
                for size in plan.sizes:
                    print(f"  repeat {repeat}, rooms of {size}", file=sys.stderr, flush=True)
                    first = repeat == 1 and size == plan.sizes[0]
                    ours = asyncio.run(
                        climb(
                            "ours",
                            size,
                            rooms[size],
                            stack.ports,
                            ours_meter,
                            plan,
                            f"o{repeat}",
                            warm_up=first,
                        )
                    )
                    base = asyncio.run(
                        climb(
                            "baseline",
                            size,
                            rooms[size],
                            relay.ports,
                            relay_meter,
                            plan,
                            f"r{repeat}",
                            warm_up=first,
                        )
                    )
                    with_ours[size].append(ours)
                    with_base[size].append(base)
                    steps[size].append(ours + base)
        timeouts = {name: _redis_timeouts(directory / name) for name in ("ours", "relay")}
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return _result(plan, with_ours, with_base, steps, timeouts)


def _redis_timeouts(directory: Path) -> int:
    """How often the daphne logs say a channel layer read timed out (a consumer then dies and
    its socket is closed with 1011)."""
    return sum(
        log.read_text(errors="replace").count("redis.exceptions.TimeoutError")
        for log in directory.glob("daphne*.log")
    )


def _result(
    plan: Plan, with_ours: dict, with_base: dict, steps: dict, timeouts: dict[str, int]
) -> harness.BenchResult:
    figures, tables, notes = [], [], []
    ok = True
    for size in plan.sizes:
        ours_runs, base_runs = with_ours[size], with_base[size]
        lost = sum(step.lost_after for run in ours_runs for step in run)
        duplicated = sum(step.duplicated for run in ours_runs for step in run)
        clean = lost == 0 and duplicated == 0
        if not clean:
            ok = False
            notes.append(
                f"**Rooms of {size}: {lost} deliveries lost after catch-up and {duplicated} "
                "duplicated (both must be 0).**"
            )
        base_lost = sum(step.lost_live + step.duplicated for run in base_runs for step in run)
        if base_lost:
            notes.append(
                f"Rooms of {size}: the baseline lost or duplicated {base_lost} deliveries live "
                "(the channel layer is at-most-once; the relay has no database to catch up from)."
            )
        throughput = harness.Figure(
            name=f"delivered msgs/s at p99 <= {P99_LIMIT_MS:g} ms, rooms of {size}",
            unit="msg/s",
            runs=[best_throughput(run) for run in ours_runs],
            baseline_runs=[best_throughput(run) for run in base_runs],
            target=f">= {TARGET_SHARE:.0%} of baseline, zero loss",
        )
        ratio = throughput.ratio
        throughput.meets_target = bool(ratio is not None and ratio >= TARGET_SHARE and clean)
        reference = plan.reference[size]
        figures += [
            throughput,
            harness.Figure(
                name=f"p99 latency at {reference:g} msg/s offered, rooms of {size}",
                unit="ms",
                runs=[at_reference(run, reference) for run in ours_runs],
                better="lower",
                baseline_runs=[at_reference(run, reference) for run in base_runs],
            ),
            harness.Figure(
                name=f"capacity (offered msg/s with p99 <= {P99_LIMIT_MS:g} ms), rooms of {size}",
                unit="msg/s",
                runs=[capacity(run) for run in ours_runs],
                baseline_runs=[capacity(run) for run in base_runs],
            ),
        ]
        top = plan.ladders[size][-1]
        if any(capacity(run) == top for run in base_runs):
            notes.append(
                f"Rooms of {size}: the baseline stayed under {P99_LIMIT_MS:g} ms up to the top "
                f"of the ladder ({top:g} msg/s), so its capacity and throughput are at least "
                "the figures shown and ours / baseline is an upper bound."
            )
        tables.append(
            harness.Table(
                title=f"Rooms of {size}: every ladder step",
                columns=COLUMNS,
                rows=[
                    step.row(number) for number, run in enumerate(steps[size], 1) for step in run
                ],
            )
        )
    every = [step for size in plan.sizes for run in steps[size] for step in run]
    dropped = {
        system: sum(step.dropped for step in every if step.system == system)
        for system in ("ours", "baseline")
    }
    if dropped["ours"] or dropped["baseline"]:
        ok = False
        notes.insert(
            0,
            f"**Sockets closed by the server: {dropped['ours']} of ours, {dropped['baseline']} "
            f"of the baseline's** (the clients reconnected and caught up, as real clients do). "
            f"The daphne logs show {timeouts['ours']} (ours) and {timeouts['relay']} (baseline) "
            "redis.exceptions.TimeoutError in the channel layer's receive: redis-py >= 8 gives "
            "connections a 5 s socket_timeout by default, the same as channels_redis' blocking "
            "BZPOPMIN, so a process that receives no channel message for 5 s loses one consumer "
            "(closed with 1011) every 5 s. Fix: CHANNEL_LAYERS hosts "
            '[{"address": REDIS_URL, "socket_timeout": None}] (or redis < 8).',
        )
    retries = {
        system: sum(step.retries for step in every if step.system == system)
        for system in ("ours", "baseline")
    }
    if retries["ours"] or retries["baseline"]:
        notes.append(
            f"Socket handshakes that failed and were tried again: {retries['ours']} to ours, "
            f"{retries['baseline']} to the baseline (daphne drops a handshake the application "
            "has not accepted within 5 s)."
        )
    unacked = sum(step.unacked + step.errors for step in every)
    if unacked:
        notes.append(
            f"{unacked} messages were refused or not acknowledged before the drain ended "
            "(only on overloaded steps, whose p99 is over the limit, is this expected)."
        )
    notes += [
        f"Each sending member sends one message every {SEND_INTERVAL:g} s (the chat limit is "
        "20 per 30 s per member, unchanged); a step needing more senders than a room has uses "
        "several rooms of that size at once (column rooms: rooms x clients). Each step sends for "
        f"{plan.min_seconds:g} to {plan.max_seconds:g} s (aiming at {DELIVERIES_PER_STEP} "
        "deliveries, so p99 rests on enough samples); each room's clients alternate between the "
        "two daphne processes. Per room size, ours climbs first, then the baseline; each system's "
        "first ladder of the run starts with an unreported warm-up step.",
        "Latency is from each message's intended send time (open loop, fixed schedule: a slow "
        "answer never delays the next send) to its receipt at every other client of the room; "
        "a delivery that never arrived live counts as infinitely late. Delivered/s counts live "
        "receipts over the send window (or until the last receipt, if later).",
        f"'At equal p99': both systems climb the same ladder of offered rates (steps about x1.5 "
        f"apart); each one's throughput is the highest delivered/s it reached on a step with "
        f"p99 <= {P99_LIMIT_MS:g} ms, its capacity the last offered rate with p99 under the "
        "limit (so capacities are only as fine as the ladder). A system stops climbing after "
        "its first step over the limit at or above the reference rate.",
        "CPU columns are cores used over the step (CPU seconds / wall seconds): the system's two "
        "daphne processes, PostgreSQL (all backends), Redis, the load generator (one Python "
        "process on the same machine) and the whole machine, which others may share "
        "(2 cores: near 2.0 means the machine was the limit).",
        services.POSTGRES_NOTE,
    ]
    return harness.BenchResult(
        name="chat_fanout",
        title="Chat fan-out: two daphne processes, Redis, PostgreSQL",
        what=(
            "Rooms of " + ", ".join(str(size) for size in plan.sizes) + " clients split over two "
            "daphne processes serving the real chat consumer (authentication, moderation "
            "pipeline, PostgreSQL, seq, presence) with Redis as the channel layer; senders at "
            "fixed rates (open loop) climb a ladder of offered message rates. Figures: the "
            "highest delivered messages per second with p99 latency (send to receipt at every "
            f"other client) <= {P99_LIMIT_MS:g} ms, p99 at a reference rate, and the capacity "
            "(last offered rate under the limit). Lost messages are fetched with `sync` as "
            "clients do; lost after catch-up and duplicates must be zero."
        ),
        baseline=(
            "bench/relay_asgi.py: a bare Channels consumer that relays every frame to its room "
            "with one group_send through the same Redis channel layer (no database, no "
            "pipeline), served the same way by two daphne processes, on the same ladder."
        ),
        figures=figures,
        tables=tables,
        notes=notes,
        ok=ok,
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--seed":
        sys.path.insert(0, str(ROOT))
        print(json.dumps(_seed(json.loads(sys.argv[2]))))
        sys.exit(0)
    harness.main(run)
