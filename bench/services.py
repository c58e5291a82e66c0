"""Throwaway infrastructure for the benchmarks: Redis, PostgreSQL (or SQLite) and daphne.

    with Stack(directory, daphnes=2, database="postgres", redis=True) as stack:
        stack.manage("check")              # manage.py with the stack's environment
        ...  # clients talk to ws://127.0.0.1:{stack.ports[i]}/...

Everything runs on 127.0.0.1 on free ports, under `directory` (logs: redis.log, daphne<i>.log,
postgres/server.log) and a PostgreSQL cluster directory of its own. `Stack` stops what it
started, by PID, when the `with` block ends, also on an exception, Ctrl-C or SIGTERM.

Production mode: DJANGO_DEBUG=0 with a random secret key, so the figures are those of a
deployment, not of the debug toolbar-free but query-logging debug mode.

The PostgreSQL cluster is tuned for benchmarks with command-line options only (`PG_OPTIONS`):
`fsync=off` (a throwaway cluster need not survive a power cut; commits then cost no disk
flush, which changes absolute figures on a slow disk). Benchmarks should say so in their notes
(`POSTGRES_NOTE`).
"""

from __future__ import annotations

import contextlib
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
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LOOPBACK = "127.0.0.1"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
# Benchmark-only settings of the throwaway cluster (passed as `postgres -c` options).
PG_OPTIONS = ("fsync=off", "full_page_writes=off")
POSTGRES_NOTE = (
    "PostgreSQL 15 is a throwaway cluster started with fsync=off and full_page_writes=off "
    "(bench/services.py): commits cost no disk flush, so database-bound figures are higher than "
    "on a production server with durable commits."
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_for_port(
    port: int, process: subprocess.Popen | None, what: str, timeout: float = 30
) -> None:
    """Wait until something listens on 127.0.0.1:`port`; fail early if `process` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before listening")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:g} s")


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile (0.99 for p99) by linear interpolation between the two nearest
    ranks (numpy's default, "type 7"); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = min(max(fraction, 0.0), 1.0) * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    if position == low or ordered[high] == ordered[low]:
        return ordered[low]  # also keeps infinite values (e.g. "never arrived") infinite
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class Stack:
    """Redis (optional), a database (a throwaway PostgreSQL 15 cluster or a SQLite file, migrated)
    and `daphnes` daphne processes serving `asgi_app`. A context manager: `__enter__` starts,
    `__exit__` stops everything it started (by PID), whatever ended the block.

    `env` is the environment of the servers and of `manage()`; `extra_env` overrides it (for
    example REDIS_URL of another stack's Redis with redis=False, or DJANGO_DEBUG=1).
    `migrate=False` skips `manage.py migrate` (for an app that never touches the database).
    """

    def __init__(
        self,
        directory: Path,
        *,
        daphnes: int = 1,
        database: str = "postgres",
        redis: bool = True,
        asgi_app: str = "community.asgi:application",
        extra_env: dict | None = None,
        migrate: bool = True,
    ) -> None:
        if database not in ("postgres", "sqlite"):
            raise ValueError(f"database must be 'postgres' or 'sqlite', not {database!r}")
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.database = database
        self.asgi_app = asgi_app
        self.migrate = migrate
        self.ports: list[int] = [free_port() for _ in range(daphnes)]
        self.redis_port: int | None = free_port() if redis else None
        self.pg_port: int | None = free_port() if database == "postgres" else None
        self.pg_root: Path | None = None
        self.daphne_processes: list[subprocess.Popen | None] = [None] * daphnes
        self.redis_process: subprocess.Popen | None = None
        self._pg_started = False
        self._previous_sigterm = None

        hosts = [LOOPBACK, "localhost", "testserver"]
        origins = [f"http://{LOOPBACK}:{port}" for port in self.ports]
        origins += [f"http://localhost:{port}" for port in self.ports]
        if database == "postgres":
            database_url = f"postgres://postgres@{LOOPBACK}:{self.pg_port}/community"
        else:
            database_url = f"sqlite:///{self.directory / 'bench.sqlite3'}"
        self.env: dict[str, str] = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "community.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": ",".join(hosts),
            "DJANGO_CSRF_TRUSTED_ORIGINS": ",".join(origins),
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_VAR_DIR": str(self.directory),
            "DATABASE_URL": database_url,
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("REDIS_URL", None)
        if redis:
            self.env["REDIS_URL"] = f"redis://{LOOPBACK}:{self.redis_port}/0"
        self.env.update(extra_env or {})

    # -- context manager

    def __enter__(self) -> Stack:
        if threading.current_thread() is threading.main_thread():
            # A SIGTERM ends the block through __exit__ (so everything is stopped).
            current = signal.getsignal(signal.SIGTERM)
            if current in (signal.SIG_DFL, None):
                self._previous_sigterm = current
                signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- starting and stopping

    def start(self) -> None:
        if self.redis_port is not None:
            self._start_redis()
        if self.database == "postgres":
            self._start_postgres()
        # The servers start (importing Django takes a while) while the database is migrated:
        # they touch it only once clients connect.
        for number in range(len(self.ports)):
            self._spawn_daphne(number)
        if self.migrate:
            self.manage("migrate", "--noinput", "-v", "0")
        for number in range(len(self.ports)):
            self._wait_daphne(number)

    def stop(self) -> None:
        """Stop everything started, daphne first, each by its own PID. Safe to call twice."""
        for number in range(len(self.daphne_processes)):
            self.stop_daphne(number)
        self._stop_redis()
        self._stop_postgres()
        if self._previous_sigterm is not None:
            with contextlib.suppress(ValueError):  # not the main thread
                signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        """`python manage.py *args` with the stack's environment; raises if it fails."""
        out = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} exited with {out.returncode}:\n"
                f"{(out.stderr or out.stdout)[-3000:]}"
            )
        return out

    # -- faults and restarts

    def stop_daphne(self, number: int) -> None:
        process = self.daphne_processes[number]
        self.daphne_processes[number] = None
        _terminate(process)

    def start_daphne(self, number: int) -> None:
        if self.daphne_processes[number] is not None:
            raise RuntimeError(f"daphne {number} is already running")
        self._spawn_daphne(number)
        self._wait_daphne(number)

    def restart_redis(self) -> None:
        """Stop redis-server and start a new, empty one on the same port."""
        if self.redis_port is None:
            raise RuntimeError("this stack has no Redis")
        self._stop_redis()
        self._start_redis()

    def stop_postgres_server(self) -> None:
        """Stop PostgreSQL (fast shutdown: open connections are ended), keeping its data, for
        a database outage; `start_postgres_server` brings the same cluster back."""
        if self.pg_root is None:
            raise RuntimeError("this stack has no PostgreSQL")
        _run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.pg_root / "data"),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ]
            ),
            "pg_ctl stop",
        )

    def start_postgres_server(self) -> None:
        """Start the stack's cluster (created by `_start_postgres`)."""
        if self.pg_root is None:
            raise RuntimeError("this stack has no PostgreSQL")
        options = f"-h {LOOPBACK} -p {self.pg_port} -k {self.pg_root}"
        options += "".join(f" -c {option}" for option in PG_OPTIONS)
        _run(
            _as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    *("-D", str(self.pg_root / "data"), "-l", str(self.pg_root / "server.log")),
                    *("-o", options, "-w", "start"),
                ]
            ),
            "pg_ctl start",
        )

    # -- redis

    def _start_redis(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed: apt-get install redis-server")
        self.redis_process = self._spawn(
            [
                binary,
                *("--port", str(self.redis_port), "--bind", LOOPBACK, "--save", ""),
                *("--appendonly", "no", "--dir", str(self.directory)),
            ],
            "redis.log",
        )
        wait_for_port(self.redis_port, self.redis_process, "redis-server")

    def _stop_redis(self) -> None:
        process, self.redis_process = self.redis_process, None
        _terminate(process)

    # -- postgresql

    def _start_postgres(self) -> None:
        initdb = PG_BIN / "initdb"
        if not initdb.exists():
            raise SystemExit(
                f"PostgreSQL 15 is not installed ({initdb} is missing): "
                "apt-get install postgresql-15"
            )
        # Its own directory: the postgres user must be able to reach it.
        self.pg_root = Path(tempfile.mkdtemp(prefix="bench-postgres-"))
        data = self.pg_root / "data"
        if os.geteuid() == 0:
            shutil.chown(self.pg_root, "postgres", "postgres")
        _run(
            _as_postgres(
                [str(initdb), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            ),
            "initdb",
        )
        self._pg_started = True
        self.start_postgres_server()
        _run(
            _as_postgres(
                [
                    str(PG_BIN / "createdb"),
                    *("-h", LOOPBACK, "-p", str(self.pg_port), "-U", "postgres", "community"),
                ]
            ),
            "createdb",
        )

    def _stop_postgres(self) -> None:
        root, self.pg_root = self.pg_root, None
        if root is None:
            return
        data = root / "data"
        if self._pg_started:
            self._pg_started = False
            pid_file = data / "postmaster.pid"
            if pid_file.exists():
                stopped = subprocess.run(
                    _as_postgres(
                        [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
                    ),
                    capture_output=True,
                    check=False,
                    timeout=60,
                )
                if stopped.returncode != 0 and pid_file.exists():
                    # The postmaster's own PID is the first line of postmaster.pid.
                    with contextlib.suppress(ValueError, OSError):
                        os.kill(int(pid_file.read_text().split()[0]), signal.SIGQUIT)
        server_log = root / "server.log"
        if server_log.exists():
            with contextlib.suppress(OSError):
                shutil.copy(server_log, self.directory / "postgres-server.log")
        shutil.rmtree(root, ignore_errors=True)

    # -- daphne

    def _spawn_daphne(self, number: int) -> None:
        self.daphne_processes[number] = self._spawn(
            [
                sys.executable,
                *("-m", "daphne", "-b", LOOPBACK, "-p", str(self.ports[number])),
                self.asgi_app,
            ],
            f"daphne{number}.log",
        )

    def _wait_daphne(self, number: int) -> None:
        wait_for_port(self.ports[number], self.daphne_processes[number], f"daphne {number}")

    def _spawn(self, command: list[str], log_name: str) -> subprocess.Popen:
        with (self.directory / log_name).open("ab") as log:
            return subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )


def _run(command: list[str], what: str) -> None:
    out = subprocess.run(
        command, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
    )
    if out.returncode != 0:
        raise RuntimeError(f"{what} exited with {out.returncode}:\n{(out.stderr or out.stdout)}")


def _terminate(process: subprocess.Popen | None, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds; only this process, by its PID."""
    if process is None:
        return
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(143)
