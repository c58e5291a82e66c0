"""The deployment of deploy/ on one machine, for tests/deploy: nginx rendered from the samples in
front of daphne processes started with the unit's ExecStart line and env.example's values.

The samples are what is tested. deploy/nginx/community.conf and community-locations.conf are
rendered with the test's ports and paths (every substitution must match exactly, so the samples
cannot drift away from the tests); each daphne runs the ExecStart line of
deploy/daphne@.service; the environment is deploy/env.example with only what a test must change
(secret key, host names, the test database, the test Redis, plain HTTP).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.fixtures.servers import (
    DAPHNE_START_TIMEOUT_SECONDS,
    LOOPBACK,
    _die_with_parent,
    _env_flag,
    free_port,
)

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "deploy" / "nginx" / "community.conf"
LOCATIONS = REPO / "deploy" / "nginx" / "community-locations.conf"
UNIT = REPO / "deploy" / "daphne@.service"
ENV_EXAMPLE = REPO / "deploy" / "env.example"
SERVER_NAME = "community.example.org"
ANON_RATE = 5  # API_THROTTLE_ANON for the visitors' throttle, per minute
NGINX_START_TIMEOUT_SECONDS = 10.0
ENV_NAME = r"[A-Z][A-Z0-9_]*"


def read_env_file(path: Path) -> dict[str, str]:
    """The KEY=value lines of an environment file as systemd's EnvironmentFile= reads them
    (comments and blank lines skipped, one pair of surrounding quotes removed)."""
    values = {}
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, separator, value = line.partition("=")
        assert separator and re.fullmatch(ENV_NAME, key), f"{path.name}:{number}: {raw!r}"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


# ------------------------------------------------------------------------------ rendering


def substitute(text: str, pattern: str, replacement: str, *, count: int = 1) -> str:
    """Replace an active (uncommented) line of a sample; it must be there `count` times."""
    result, found = re.subn(pattern, lambda _: replacement, text, flags=re.MULTILINE)
    assert found == count, f"the sample no longer has {count} line(s) matching {pattern!r}"
    return result


def render_site(*, listen: str, backends: list[int], locations: Path) -> str:
    """community.conf with the test's backends in the upstream, its listen address and the
    rendered snippet. The upstream keeps the sample's balancing and server parameters."""
    text = SITE.read_text()
    upstream = re.search(r"^upstream community \{\n.*?^\}\n", text, re.MULTILINE | re.DOTALL)
    assert upstream, "community.conf has no `upstream community { ... }` block"
    block = upstream.group(0)
    server_line = r"^    server \S+:\d+((?: [^;\n]*)?);\n"
    first = re.search(server_line, block, re.MULTILINE)
    assert first, "the upstream has no active `server host:port ...;` line"
    ours = "".join(f"    server {LOOPBACK}:{port}{first.group(1)};\n" for port in backends)
    stripped = re.sub(server_line, "", block, flags=re.MULTILINE)
    block = stripped[: first.start()] + ours + stripped[first.start() :]
    text = text.replace(upstream.group(0), block)
    text = substitute(text, r"^    listen 80;$", f"    listen {listen};")
    return substitute(
        text,
        r"^    include /etc/nginx/snippets/community-locations\.conf;$",
        f"    include {locations};",
    )


def render_locations(*, var_dir: Path, log_dir: Path) -> str:
    text = LOCATIONS.read_text()
    text = substitute(text, r"^    root /srv/community/var;$", f"    root {var_dir};")
    return substitute(
        text,
        r"^access_log /var/log/nginx/community\.access\.log community;$",
        f"access_log {log_dir}/community.access.log community;",
    )


def nginx_main_conf(directory: Path, site: Path) -> str:
    """What /etc/nginx/nginx.conf provides on a real host, kept inside `directory`."""
    temp_paths = "".join(
        f"    {kind}_temp_path {directory}/{kind}_temp;\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    mime_types = Path("/etc/nginx/mime.types")
    return (
        # As root, nginx's workers would run as `nobody`, who cannot read the temporary dir.
        ("user root;\n" if os.geteuid() == 0 else "")
        + "worker_processes 1;\ndaemon off;\n"
        + f"pid {directory}/nginx.pid;\nerror_log {directory}/error.log notice;\n"
        + "events {\n    worker_connections 512;\n}\nhttp {\n"
        + (f"    include {mime_types};\n" if mime_types.exists() else "")
        + "    default_type application/octet-stream;\n"
        + temp_paths
        + f"    access_log {directory}/other.access.log;\n"
        + f"    include {site};\n}}\n"
    )


def daphne_command(port: int, env: dict[str, str]) -> list[str]:
    """The ExecStart line of deploy/daphne@.service for instance `port`, with this venv's
    Python in place of /srv/community/.venv/bin/daphne."""
    lines = re.findall(r"^ExecStart=(.+)$", UNIT.read_text(), re.MULTILINE)
    assert len(lines) == 1, lines
    program, *arguments = shlex.split(lines[0])
    assert program.endswith("/daphne"), program

    def expand(argument: str) -> str:
        argument = argument.replace("%i", str(port))
        return re.sub(r"\$\{(\w+)\}", lambda match: env[match.group(1)], argument)

    return [sys.executable, "-m", "daphne", *(expand(argument) for argument in arguments)]


def tests_database_url() -> str:
    """A DATABASE_URL for the test database the parent process set up."""
    from django.db import connection

    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(config['NAME']).resolve()}"
    assert connection.vendor == "postgresql", connection.vendor
    credentials = quote(config["USER"] or "", safe="")
    if config["PASSWORD"]:
        credentials += ":" + quote(config["PASSWORD"], safe="")
    host = quote(config["HOST"] or "localhost", safe="")
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(config['NAME'], safe='')}"


# --------------------------------------------------------------------------------- clients


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)

    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


def fetch(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    source: str = LOOPBACK,
) -> Reply:
    """One request on its own connection, from the loopback address `source`."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=20, source_address=(source, 0))
    try:
        # nginx may answer (413) and stop reading before a large body is all sent.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def wait_until(condition: Callable[[], bool], *, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


# ---------------------------------------------------------------------------------- servers


@dataclass
class Backend:
    port: int
    process: subprocess.Popen
    log: Path

    def lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()


@dataclass
class Stack:
    port: int  # nginx
    backends: list[Backend]
    directory: Path
    var_dir: Path
    redis_url: str

    @property
    def origin(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def access_log(self) -> list[str]:
        return (self.directory / "community.access.log").read_text().splitlines()

    def backend_lines(self) -> list[str]:
        return [line for backend in self.backends for line in backend.lines()]

    def diagnostics(self) -> str:
        parts = []
        for name in ("error.log", "community.access.log"):
            path = self.directory / name
            if path.exists():
                parts.append(f"--- {name}\n" + path.read_text(errors="replace")[-3000:])
        for backend in self.backends:
            parts.append(f"--- daphne :{backend.port}\n" + "\n".join(backend.lines()[-40:]))
        return "\n".join(parts)


def nginx_binary() -> str:
    binary = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)),
        None,
    )
    if binary is None:
        message = "nginx is not installed (apt-get install nginx)"
        if _env_flag("REQUIRE_NGINX"):
            pytest.fail(f"REQUIRE_NGINX=1 but {message}.", pytrace=False)
        pytest.skip(message)
    return binary


def _listening(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.5):
            return True
    except OSError:
        return False


def _stop(process: subprocess.Popen, stop_signal: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(stop_signal)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _backend_environment(*, nginx_port: int, redis_url: str, var_dir: Path) -> dict[str, str]:
    env = read_env_file(ENV_EXAMPLE)
    env.update(
        PATH=os.environ.get("PATH", "/usr/bin:/bin"),
        HOME=os.environ.get("HOME", "/tmp"),
        LANG="C.UTF-8",
        PYTHONUNBUFFERED="1",  # the access log reaches the file line by line
        DJANGO_SETTINGS_MODULE="community.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS=f"{LOOPBACK},{SERVER_NAME}",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"http://{LOOPBACK}:{nginx_port}",
        DATABASE_URL=tests_database_url(),
        REDIS_URL=redis_url,
        DJANGO_VAR_DIR=str(var_dir),
        # This nginx speaks plain HTTP (its TLS server is a template): no redirect to HTTPS,
        # and cookies over HTTP. Everything else is env.example's production values.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        API_THROTTLE_ANON=f"{ANON_RATE}/min",
    )
    return env


def _start_backend(port: int, env: dict[str, str], directory: Path) -> Backend:
    log_path = directory / f"daphne-{port}.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            daphne_command(port, env),
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
    return Backend(port=port, process=process, log=log_path)


def _wait_for_backend(backend: Backend) -> None:
    deadline = time.monotonic() + DAPHNE_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and backend.process.poll() is None:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if fetch(backend.port, "/healthz", headers={"Host": SERVER_NAME}).status == 200:
                return
        time.sleep(0.1)
    pytest.fail(
        f"daphne on port {backend.port} did not become healthy:\n"
        + "\n".join(backend.lines()[-40:]),
        pytrace=False,
    )


@contextlib.contextmanager
def running_stack(redis_url: str, django_db_blocker) -> Iterator[Stack]:
    """nginx in front of two daphne processes sharing `redis_url` and the test database."""
    nginx = nginx_binary()
    with tempfile.TemporaryDirectory(prefix="test-deploy-") as tmp:
        directory = Path(tmp)
        var_dir = directory / "var"
        nginx_port = free_port()
        env = _backend_environment(nginx_port=nginx_port, redis_url=redis_url, var_dir=var_dir)
        # Static files for nginx, as a release does on the proxy host.
        collected = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        assert collected.returncode == 0, collected.stderr
        backends: list[Backend] = []
        nginx_process = None
        try:
            with django_db_blocker.unblock():
                from django.db import connections

                connections.close_all()
            for _ in range(2):
                backends.append(_start_backend(free_port(), env, directory))
            for backend in backends:
                _wait_for_backend(backend)

            locations = directory / "community-locations.conf"
            locations.write_text(render_locations(var_dir=var_dir, log_dir=directory))
            site = directory / "community.conf"
            site.write_text(
                render_site(
                    listen=f"{LOOPBACK}:{nginx_port}",
                    backends=[backend.port for backend in backends],
                    locations=locations,
                )
            )
            main = directory / "nginx.conf"
            main.write_text(nginx_main_conf(directory, site))
            with (directory / "nginx.stderr").open("ab") as errors:
                nginx_process = subprocess.Popen(
                    [
                        nginx,
                        "-p",
                        str(directory),
                        "-c",
                        str(main),
                        "-e",
                        str(directory / "error.log"),
                    ],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                    preexec_fn=_die_with_parent,
                )
            deadline = time.monotonic() + NGINX_START_TIMEOUT_SECONDS
            while not _listening(nginx_port):
                if nginx_process.poll() is not None or time.monotonic() > deadline:
                    errors = (directory / "nginx.stderr").read_text(errors="replace")
                    pytest.fail(f"nginx did not start:\n{errors}", pytrace=False)
                time.sleep(0.05)
            yield Stack(
                port=nginx_port,
                backends=backends,
                directory=directory,
                var_dir=var_dir,
                redis_url=redis_url,
            )
        finally:
            if nginx_process is not None:
                _stop(nginx_process, signal.SIGQUIT)
            for backend in backends:
                _stop(backend.process)
