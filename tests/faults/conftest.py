"""Fixtures of tests/faults: the deployment in small (two daphne processes serving the app,
sharing a real redis-server and a throwaway PostgreSQL 15 cluster, started by
bench/services.py), rooms of members with sessions, and a view of what the database stored.

Run with `make faults` (`.ci/run` does). Without redis-server or PostgreSQL 15 the tests skip,
and fail instead when REQUIRE_REDIS=1 or CI is set.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

from tests.fixtures.servers import _env_flag

REPO = Path(__file__).resolve().parents[2]
_rooms = count(1)


def _bench_services():
    spec = importlib.util.spec_from_file_location("bench_services", REPO / "bench" / "services.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_services"] = module
    spec.loader.exec_module(module)
    return module


services = _bench_services()


def _missing() -> str | None:
    import shutil

    if shutil.which("redis-server") is None:
        return "redis-server is not installed (apt-get install redis-server)"
    if not (services.PG_BIN / "initdb").exists():
        return "PostgreSQL 15 is not installed (apt-get install postgresql-15)"
    return None


@pytest.fixture(scope="session")
def stack() -> Iterator:
    """Two daphne processes, Redis and PostgreSQL; a test that stops one of them starts it
    again before it ends."""
    missing = _missing()
    if missing:
        if _env_flag("REQUIRE_REDIS") or _env_flag("CI"):
            pytest.fail(f"fault tests need it: {missing}", pytrace=False)
        pytest.skip(missing)
    with (
        tempfile.TemporaryDirectory(prefix="faults-") as directory,
        services.Stack(Path(directory), daphnes=2, database="postgres") as running,
    ):
        yield running


def seed_room(stack, members: int = 6, messages: int = 0) -> dict:
    """A new room: {"slug", "group_id", "cookies" (one session per member)}."""
    spec = {"slug": f"faults-{next(_rooms)}", "members": members, "messages": messages}
    out = subprocess.run(
        [sys.executable, "-m", "tests.faults.seed", json.dumps(spec)],
        cwd=REPO,
        env=stack.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def room(stack) -> dict:
    """A new room with six members."""
    return seed_room(stack)


def stored_messages(stack, group_id: int) -> dict[int, tuple[int, str]]:
    """seq -> (id, local_id) of every published message of the group, from PostgreSQL."""
    import psycopg

    with psycopg.connect(
        host=services.LOOPBACK, port=stack.pg_port, user="postgres", dbname="community"
    ) as connection:
        rows = connection.execute(
            "SELECT seq, id, local_id FROM groups_chatmessage "
            "WHERE group_id = %s AND status = 'published' ORDER BY seq",
            [group_id],
        ).fetchall()
    return {seq: (pk, local_id) for seq, pk, local_id in rows}


def http_status(port: int, path: str, timeout: float = 5.0) -> int | str:
    """The status of GET `path` on one daphne process, or why there was none."""
    try:
        with urllib.request.urlopen(
            f"http://{services.LOOPBACK}:{port}{path}", timeout=timeout
        ) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return f"no answer: {error}"
