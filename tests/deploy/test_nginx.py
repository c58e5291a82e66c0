"""nginx in front of two daphne processes, configured exactly as deploy/ describes (rendered
and started by tests/deploy/stack.py). The two daphne processes share a real redis-server and
the test database, as app hosts share Redis and PostgreSQL (docs/deploy.md).

nginx reaches daphne from 127.0.0.1; the clients here connect from other loopback addresses
(127.0.0.2, ...), so the tests can tell the client's address from the proxy's.

Needs nginx and redis-server: skipped without them, failed when REQUIRE_NGINX=1 (or
REQUIRE_REDIS=1).
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import signal
import subprocess
from urllib.parse import urlencode

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from community.tokens import api_token_create
from tests.deploy.stack import (
    ANON_RATE,
    LOOPBACK,
    REPO,
    SERVER_NAME,
    SITE,
    Reply,
    Stack,
    cookie_header,
    fetch,
    nginx_binary,
    nginx_main_conf,
    render_locations,
    substitute,
    wait_until,
)
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

pytestmark = [pytest.mark.deploy]

PASSWORD = "deploy-test-password-2026"


# ------------------------------------------------------------------------------ members


def _member_in_group(pseudonym: str, slug: str):
    member = MemberFactory(pseudonym=pseudonym)
    # The servers hash with production's hashers, not the tests' fast one.
    member.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    member.save(update_fields=["password"])
    group = GroupFactory(slug=slug)
    MembershipFactory(group=group, member=member)
    return member, group


def sign_in(stack: Stack, pseudonym: str, *, source: str) -> str:
    """Sign in through nginx with the login form, as a browser does; the Cookie header."""
    page = fetch(stack.port, "/accounts/login/", source=source)
    assert page.status == 200, page.status
    cookies = page.cookies()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    reply = fetch(
        stack.port,
        "/accounts/login/",
        method="POST",
        body=urlencode({"csrfmiddlewaretoken": token, "username": pseudonym, "password": PASSWORD}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(cookies),
            "Origin": stack.origin,
        },
        source=source,
    )
    assert reply.status == 302, (reply.status, reply.text[:2000])
    cookies.update(reply.cookies())
    assert "sessionid" in cookies
    return cookie_header(cookies)


async def open_room(stack: Stack, slug: str, cookie: str, after_seq: int = 0) -> ClientConnection:
    socket_ = await connect(
        f"ws://{LOOPBACK}:{stack.port}/ws/groups/{slug}/?after_seq={after_seq}",
        origin=stack.origin,
        additional_headers={"Cookie": cookie},
        open_timeout=10,
    )
    assert (await next_frame(socket_, "hello"))["type"] == "hello"
    return socket_


async def next_frame(socket_: ClientConnection, kind: str, timeout: float = 15) -> dict:
    async def read() -> dict:
        while True:
            frame = json.loads(await socket_.recv())
            if frame["type"] == kind:
                return frame

    return await asyncio.wait_for(read(), timeout)


def ws_connects_per_backend(stack: Stack, slug: str) -> list[int]:
    pattern = f'"WSCONNECT /ws/groups/{slug}/"'
    return [sum(pattern in line for line in backend.lines()) for backend in stack.backends]


# ------------------------------------------------------------------------------------ tests


@pytest.mark.redis
def test_healthz_answers_through_the_proxy_even_to_a_probe_that_sends_an_address(stack):
    reply = fetch(stack.port, "/healthz")
    assert reply.status == 200, stack.diagnostics()
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}
    # Load balancers probe with the machine's address as Host; nginx sends the site's name...
    assert fetch(stack.port, "/healthz", headers={"Host": "10.9.8.7"}).status == 200
    # ... which matters, because the app alone refuses a Host it does not serve.
    direct = fetch(stack.backends[0].port, "/healthz", headers={"Host": "10.9.8.7"})
    assert direct.status == 400


@pytest.mark.redis
def test_requests_are_spread_over_both_processes(stack):
    client = "127.0.0.6"
    for _ in range(6):
        assert fetch(stack.port, "/healthz", source=client).status == 200
    # daphne logs the client's address (--proxy-headers), so these lines are the test's.
    wait_until(
        lambda: all(
            any(line.startswith(f"{client}:") and '"GET /healthz"' in line for line in b.lines())
            for b in stack.backends
        ),
        what="both daphne processes to answer",
    )
    used = {
        match
        for line in stack.access_log()
        for match in re.findall(r"upstream=(\S+:\d+)", line)
        if "/healthz" in line
    }
    assert used == {f"{LOOPBACK}:{backend.port}" for backend in stack.backends}


@pytest.mark.redis
def test_pages_and_static_files_through_the_proxy(stack):
    home = fetch(stack.port, "/", source="127.0.0.2")
    assert home.status == 200, stack.diagnostics()
    assert "Get help now" in home.text
    assert "Content-Security-Policy" in home.headers

    # nginx serves collected static files itself, revalidated by ETag.
    css = fetch(stack.port, "/static/community/site.css")
    assert css.status == 200
    assert css.body == (REPO / "community" / "static" / "community" / "site.css").read_bytes()
    assert css.headers["Cache-Control"] == "no-cache"
    assert css.headers["ETag"]
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    assert css.headers["Content-Type"].startswith("text/css")
    assert not any("/static/community/site.css" in line for line in stack.backend_lines())
    assert fetch(stack.port, "/static/community/site.css").status == 200

    # A file collectstatic has not put there (yet) is passed on to daphne, which serves it.
    (stack.var_dir / "static" / "groups" / "room.js").unlink()
    js = fetch(stack.port, "/static/groups/room.js")
    assert js.status == 200
    assert js.body == (REPO / "groups" / "static" / "groups" / "room.js").read_bytes()
    wait_until(
        lambda: any("/static/groups/room.js" in line for line in stack.backend_lines()),
        what="daphne to serve the file nginx did not have",
    )


@pytest.mark.redis
def test_a_client_cannot_claim_https_through_the_proxy(stack):
    """With DJANGO_BEHIND_TLS_PROXY=1 the app believes X-Forwarded-Proto; nginx overwrites it."""
    spoofed = {"X-Forwarded-Proto": "https"}
    via_proxy = fetch(stack.port, "/", headers=spoofed)
    assert via_proxy.status == 200
    assert "Strict-Transport-Security" not in via_proxy.headers
    # The header is believed when it reaches the app (this is why nginx must replace it).
    direct = fetch(stack.backends[0].port, "/", headers=spoofed)
    assert direct.status == 200
    assert "Strict-Transport-Security" in direct.headers


@pytest.mark.redis
def test_visitors_are_throttled_by_their_real_address_whatever_x_forwarded_for_says(stack):
    spoofer, neighbour = "127.0.0.2", "127.0.0.3"
    statuses = [
        fetch(
            stack.port,
            "/api/v1/help/",
            headers={"X-Forwarded-For": f"1.2.3.{number}"},
            source=spoofer,
        ).status
        for number in range(ANON_RATE + 1)
    ]
    assert statuses == [200] * ANON_RATE + [429], stack.diagnostics()
    # Another client of the same proxy has its own budget: the proxy's address is not counted.
    assert fetch(stack.port, "/api/v1/help/", source=neighbour).status == 200

    store = redis.Redis.from_url(stack.redis_url)
    counted = {key.decode().rsplit("_", 1)[-1] for key in store.scan_iter("*throttle_anon_*")}
    assert counted == {spoofer, neighbour}
    # daphne (--proxy-headers) saw the same address as the client: REMOTE_ADDR, which the
    # sign-up limit counts, is the real client too, never the forged one.
    wait_until(
        lambda: (
            sum('"GET /api/v1/help/"' in line for line in stack.backend_lines()) == ANON_RATE + 2
        ),
        what="daphne's access log",
    )
    clients = {
        line.split(":", 1)[0] for line in stack.backend_lines() if '"GET /api/v1/help/"' in line
    }
    assert clients == {spoofer, neighbour}
    assert "1.2.3." not in "\n".join(stack.backend_lines())


@pytest.mark.redis
def test_bodies_over_the_apps_limit_get_its_answer_and_huge_ones_stop_at_nginx(stack):
    member, group = _member_in_group("Deploy Poster", "big-bodies")
    _, secret = api_token_create(owner=member, name="deploy test")
    path = f"/api/v1/groups/{group.slug}/messages/"
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}

    def post(size: int) -> Reply:
        body = json.dumps({"body": "x" * size, "local_id": f"big-{size}"})
        return fetch(stack.port, path, method="POST", headers=headers, body=body)

    over_the_app = post(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    assert over_the_app.status == 413
    assert over_the_app.json()["code"] == "too_large"  # the app's own answer
    huge = post(4 * 1024 * 1024)
    assert huge.status == 413
    assert huge.headers["Content-Type"].startswith("text/html")  # nginx's
    posts = [line for line in stack.backend_lines() if f'"POST {path}"' in line]
    assert len(posts) == 1
    assert not group.messages.exists()


@pytest.mark.redis
def test_chat_through_the_proxy_crosses_between_the_two_processes(stack):
    member, group = _member_in_group("Deploy Chatter", "two-processes")
    cookie = sign_in(stack, member.pseudonym, source="127.0.0.4")
    me = fetch(stack.port, "/me/", headers={"Cookie": cookie})
    assert me.status == 200
    assert member.pseudonym in me.text

    async def chat() -> tuple[dict, dict, dict]:
        first = await open_room(stack, group.slug, cookie)
        second = await open_room(stack, group.slug, cookie)
        try:
            await first.send(
                json.dumps(
                    {"type": "message.send", "body": "Hello through nginx.", "local_id": "d-1"}
                )
            )
            ack = await next_frame(first, "ack")
            seen_by_sender = await next_frame(first, "message.new")
            seen_by_other_tab = await next_frame(second, "message.new")
            return ack, seen_by_sender, seen_by_other_tab
        finally:
            await first.close()
            await second.close()

    ack, seen_by_sender, seen_by_other_tab = asyncio.run(chat())
    assert ack["local_id"] == "d-1"
    assert ack["seq"] == 1
    for frame in (seen_by_sender, seen_by_other_tab):
        assert frame["message"]["id"] == ack["id"]
        assert frame["message"]["body_html"] == "<p>Hello through nginx.</p>\n"
    # least_conn put the second socket on the other process (the first was still open there),
    # so the message reached it through Redis.
    assert ws_connects_per_backend(stack, group.slug) == [1, 1]


@pytest.mark.redis
def test_a_crashed_process_is_passed_over_and_its_clients_catch_up(stack):
    """Runs last in this module: it kills one of the two daphne processes."""
    member, group = _member_in_group("Deploy Survivor", "crash-drill")
    cookie = sign_in(stack, member.pseudonym, source="127.0.0.5")

    async def crash_and_catch_up() -> tuple[dict, list[dict]]:
        staying = await open_room(stack, group.slug, cookie)
        counts = ws_connects_per_backend(stack, group.slug)
        assert sorted(counts) == [0, 1], counts
        dropped = await open_room(stack, group.slug, cookie)
        # least_conn put the second socket on the other process: crash that one.
        assert ws_connects_per_backend(stack, group.slug) == [1, 1]
        victim = stack.backends[counts.index(0)]
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait(10)
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(dropped.recv(), 10)
        try:
            await staying.send(
                json.dumps({"type": "message.send", "body": "Are you there?", "local_id": "s-1"})
            )
            ack = await next_frame(staying, "ack")
            # The dropped tab reconnects through nginx, to the live process, and catches up.
            back = await open_room(stack, group.slug, cookie, after_seq=0)
            try:
                replayed = [await next_frame(back, "message.new")]
            finally:
                await back.close()
            return ack, replayed
        finally:
            await staying.close()

    ack, replayed = asyncio.run(crash_and_catch_up())
    assert [frame["message"]["id"] for frame in replayed] == [ack["id"]]
    assert replayed[0]["message"]["seq"] == 1

    dead, live = (
        (stack.backends[0], stack.backends[1])
        if stack.backends[0].process.poll() is not None
        else (stack.backends[1], stack.backends[0])
    )
    # Plain requests go on too; the first of them to try the dead process is passed on.
    for _ in range(6):
        assert fetch(stack.port, "/healthz", source="127.0.0.7").status == 200
    failed_over = f"upstream={LOOPBACK}:{dead.port}, {LOOPBACK}:{live.port} "
    assert any(failed_over in line for line in stack.access_log()), stack.diagnostics()


def test_tls_template_is_valid_nginx(tmp_path):
    """The commented TLS servers of community.conf, uncommented with a throwaway certificate,
    pass `nginx -t` (the plain server they replace is removed, as the comments say)."""
    nginx = nginx_binary()
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-nodes", "-days", "1", "-subj", f"/CN={SERVER_NAME}"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    text = SITE.read_text()
    plain = re.search(
        r"^# --- BEGIN plain HTTP server.*?^# --- END plain HTTP server[^\n]*\n",
        text,
        re.MULTILINE | re.DOTALL,
    )
    tls = re.search(
        r"^# --- BEGIN TLS servers.*?\n(.*?)^# --- END TLS servers[^\n]*\n",
        text,
        re.MULTILINE | re.DOTALL,
    )
    assert plain and tls, "community.conf lost its BEGIN/END markers"
    template = "\n".join(
        line[2:] if line.startswith("# ") else line.lstrip("#")
        for line in tls.group(1).splitlines()
    )
    template = substitute(
        template,
        r"^    ssl_certificate     \S+;$",
        f"    ssl_certificate     {tmp_path / 'cert.pem'};",
    )
    template = substitute(
        template,
        r"^    ssl_certificate_key \S+;$",
        f"    ssl_certificate_key {tmp_path / 'key.pem'};",
    )
    template = re.sub(r"^    listen \[::\]:\d+( ssl)?;\n", "", template, flags=re.MULTILINE)
    template = substitute(template, r"^    listen 443 ssl;$", f"    listen {LOOPBACK}:1443 ssl;")
    template = substitute(template, r"^    listen 80;$", f"    listen {LOOPBACK}:1080;")
    locations = tmp_path / "community-locations.conf"
    locations.write_text(render_locations(var_dir=tmp_path, log_dir=tmp_path))
    template = template.replace("/etc/nginx/snippets/community-locations.conf", str(locations))
    site_text = text.replace(plain.group(0), "").replace(tls.group(0), template)
    site = tmp_path / "community.conf"
    site.write_text(site_text)
    main = tmp_path / "nginx.conf"
    main.write_text(nginx_main_conf(tmp_path, site))
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ssl_certificate" in template
