"""Settings come from the environment.

Each test imports `community.settings` fresh in a subprocess with a controlled environment
(nothing leaks in from the shell or from CI), so what is checked is exactly what a server
started with those variables would get.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from channels_redis.core import RedisChannelLayer

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY_ERROR = "DJANGO_SECRET_KEY is missing or a placeholder, and DJANGO_DEBUG is off"

# The production values documented in README.md ("Production settings").
PRODUCTION_HOST = "community.example.org"
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": PRODUCTION_HOST,
    "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{PRODUCTION_HOST}",
}

SETTINGS_AS_JSON = """
import json
from django.conf import settings

db = settings.DATABASES["default"]
layer = settings.CHANNEL_LAYERS["default"]
cache = settings.CACHES["default"]
print(json.dumps({
    "debug": settings.DEBUG,
    "db_engine": db["ENGINE"],
    "db_name": str(db["NAME"]),
    "db_host": db.get("HOST", ""),
    "db_port": db.get("PORT", ""),
    "db_user": db.get("USER", ""),
    "db_test_name": str(db.get("TEST", {}).get("NAME")),
    "db_options": {k: v for k, v in db.get("OPTIONS", {}).items() if k != "timeout"},
    "db_conn_max_age": db.get("CONN_MAX_AGE", 0),
    "db_health_checks": db.get("CONN_HEALTH_CHECKS", False),
    "channel_layer": layer["BACKEND"],
    "channel_layer_config": layer.get("CONFIG", {}),
    "cache": cache["BACKEND"],
    "cache_location": cache.get("LOCATION", ""),
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "csrf_trusted_origins": settings.CSRF_TRUSTED_ORIGINS,
    "proxy_ssl_header": getattr(settings, "SECURE_PROXY_SSL_HEADER", None),
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "secure_cookies": settings.SESSION_COOKIE_SECURE,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
}))
"""


def clean_env(**variables: str) -> dict[str, str]:
    """Only what Python needs, plus the given variables: no DATABASE_URL or REDIS_URL leaks
    in from the environment the tests run in."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    if "HOME" in os.environ:
        env["HOME"] = os.environ["HOME"]
    env["DJANGO_SETTINGS_MODULE"] = "community.settings"
    env.update(variables)
    return env


def run_python(
    code: str, env: dict[str, str], *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *(args or ("-c", code))],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def settings_with(**variables: str) -> dict:
    result = run_python(SETTINGS_AS_JSON, clean_env(**variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_for_development_use_sqlite_under_var_and_in_memory_layer_and_cache():
    config = settings_with(DJANGO_DEBUG="1")

    assert config["debug"] is True
    assert config["db_engine"] == "django.db.backends.sqlite3"
    assert Path(config["db_name"]) == REPO_ROOT / "var" / "community.sqlite3"
    assert Path(config["db_test_name"]) == REPO_ROOT / "var" / "test.sqlite3"
    assert config["channel_layer"] == "channels.layers.InMemoryChannelLayer"
    assert config["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert config["allowed_hosts"] == ["127.0.0.1", "localhost", "[::1]", "testserver"]
    assert config["ssl_redirect"] is False
    assert config["secure_cookies"] is False


def test_var_dir_moves_the_sqlite_databases(tmp_path):
    config = settings_with(DJANGO_DEBUG="1", DJANGO_VAR_DIR=str(tmp_path))

    assert Path(config["db_name"]) == tmp_path / "community.sqlite3"
    assert Path(config["db_test_name"]) == tmp_path / "test.sqlite3"


def test_redis_url_gives_the_redis_channel_layer_and_redis_cache():
    url = "redis://redis.internal:6379/2"
    config = settings_with(DJANGO_DEBUG="1", REDIS_URL=url)

    assert config["channel_layer"] == "channels_redis.core.RedisChannelLayer"
    # Longer than channels_redis's 5 s blocking read, or quiet rooms' sockets drop.
    assert config["channel_layer_config"]["hosts"] == [{"address": url, "socket_timeout": 15}]
    assert config["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert config["cache_location"] == url


def test_postgres_database_url_gives_postgresql_with_an_explicit_test_database_name():
    config = settings_with(
        DJANGO_DEBUG="1", DATABASE_URL="postgres://steady:pw@db.internal:5433/community"
    )

    assert config["db_engine"] == "django.db.backends.postgresql"
    assert config["db_name"] == "community"
    assert (config["db_host"], config["db_port"], config["db_user"]) == (
        "db.internal",
        5433,
        "steady",
    )
    # Explicit, so a live-server child process uses the same test database as the tests.
    assert config["db_test_name"] == "test_community"


def test_postgresql_connections_come_from_a_checked_pool_per_process():
    config = settings_with(
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://steady@127.0.0.1:5432/community",
        DJANGO_DB_POOL_SIZE="16",
    )

    # Daphne runs requests and chat messages in worker threads: a pool, not per-thread
    # persistent connections, and connections checked before use so a restart heals itself.
    assert config["db_options"]["pool"] == {"min_size": 2, "max_size": 16, "timeout": 5}
    assert config["db_conn_max_age"] == 0
    assert config["db_health_checks"] is True


def test_sqlite_has_no_connection_pool():
    config = settings_with(DJANGO_DEBUG="1")

    assert "pool" not in config["db_options"]


def test_test_database_name_can_be_chosen_for_postgresql():
    config = settings_with(
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://steady@127.0.0.1:5432/community",
        DJANGO_TEST_DATABASE_NAME="test_community_ci",
    )

    assert config["db_test_name"] == "test_community_ci"


@pytest.mark.parametrize(
    "secret_key",
    [
        None,
        "",
        "change-me",
        "x" * 49,
        "django-insecure-" + "k" * 60,
    ],
    ids=["missing", "empty", "placeholder", "too-short", "django-insecure-prefix"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    variables = {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": PRODUCTION_HOST}
    if secret_key is not None:
        variables["DJANGO_SECRET_KEY"] = secret_key

    result = run_python(SETTINGS_AS_JSON, clean_env(**variables))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert SECRET_KEY_ERROR in result.stderr
    assert "secrets.token_urlsafe(64)" in result.stderr


def test_debug_is_off_unless_asked_for_so_a_forgotten_variable_cannot_run_insecurely():
    result = run_python(SETTINGS_AS_JSON, clean_env())

    assert result.returncode != 0
    assert SECRET_KEY_ERROR in result.stderr


def test_production_values_pass_the_deploy_checklist_with_no_warnings(tmp_path):
    result = run_python(
        "",
        clean_env(DJANGO_VAR_DIR=str(tmp_path), **PRODUCTION_ENV),
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_readme_documents_the_production_values_that_pass_the_deploy_checklist():
    readme = (REPO_ROOT / "README.md").read_text()

    for name, value in PRODUCTION_ENV.items():
        if name == "DJANGO_SECRET_KEY":
            assert re.search(r"DJANGO_SECRET_KEY=\S+", readme)
        else:
            assert f"{name}={value}" in readme


def test_readme_lists_every_variable_that_settings_read():
    source = (REPO_ROOT / "community" / "settings.py").read_text()
    readme = (REPO_ROOT / "README.md").read_text()
    names = set(
        re.findall(r"""\b(?:environ\.get|env_bool|env_list)\(\s*["']([A-Z_]+)["']""", source)
    )
    assert "DJANGO_SECRET_KEY" in names

    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"README.md does not document: {missing}"


RESPONSES_AS_JSON = """
import json
import django
django.setup()
from django.test import Client

client = Client(raise_request_exception=False)
host = {host!r}


def summary(response):
    return {{
        "status": response.status_code,
        "headers": {{k.lower(): v for k, v in response.headers.items()}},
        "cookies": {{
            name: {{"secure": bool(c["secure"]), "httponly": bool(c["httponly"]),
                    "samesite": c["samesite"]}}
            for name, c in response.cookies.items()
        }},
    }}


print(json.dumps({{
    "https": summary(client.get("/", headers={{"host": host}}, secure=True)),
    "signup": summary(client.get("/accounts/signup/", headers={{"host": host}}, secure=True)),
    "http": summary(client.get("/", headers={{"host": host}})),
    "healthz_http": summary(client.get("/healthz", headers={{"host": host}})),
    "proxied": summary(
        client.get("/", headers={{"host": host, "x-forwarded-proto": "https"}})
    ),
    "other_host": summary(client.get("/", headers={{"host": "evil.example"}}, secure=True)),
}}))
"""


def production_responses(var_dir: Path, **extra: str) -> dict:
    env = clean_env(DJANGO_VAR_DIR=str(var_dir), **PRODUCTION_ENV, **extra)
    # The home page reads forum threads, so the throwaway database needs its tables.
    migrated = run_python("", env, "manage.py", "migrate", "--noinput", "-v0", timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    result = run_python(RESPONSES_AS_JSON.format(host=PRODUCTION_HOST), env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    """Responses of a server started with the production values (no proxy)."""
    return production_responses(tmp_path_factory.mktemp("production-var"))


def test_production_responses_carry_strict_security_headers(production):
    responses = production

    page = responses["https"]
    assert page["status"] == 200
    headers = page["headers"]
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    csp = [part.strip() for part in headers["content-security-policy"].split(";")]
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "default-src 'self'" in csp
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cross-origin-opener-policy"] == "same-origin"


def test_production_cookies_are_https_only(production):
    responses = production

    csrf = responses["signup"]["cookies"]["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"


def test_production_redirects_plain_http_to_https_except_the_health_check(production):
    responses = production

    assert responses["http"]["status"] == 301
    assert responses["http"]["headers"]["location"] == f"https://{PRODUCTION_HOST}/"
    # Load balancers probe /healthz over plain HTTP inside the network.
    assert responses["healthz_http"]["status"] == 200
    assert responses["other_host"]["status"] == 400


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted_only_when_configured(
    production, tmp_path
):
    untrusted = production
    trusted = production_responses(tmp_path, DJANGO_BEHIND_TLS_PROXY="1")

    # Without the setting a spoofed header changes nothing: still redirected to HTTPS.
    assert untrusted["proxied"]["status"] == 301
    assert trusted["proxied"]["status"] == 200
    assert "strict-transport-security" in trusted["proxied"]["headers"]


# ------------------------------------------------------------------------------------ Redis


def redis_layer_config(redis_url: str) -> dict:
    return settings_with(DJANGO_DEBUG="1", REDIS_URL=redis_url)["channel_layer_config"]


@pytest.mark.redis
@pytest.mark.asyncio
async def test_message_sent_on_one_redis_layer_reaches_another_layer_sharing_redis(redis_server):
    config = redis_layer_config(redis_server.url)
    sender, receiver = RedisChannelLayer(**config), RedisChannelLayer(**config)
    try:
        channel = await receiver.new_channel("test.")
        await sender.send(channel, {"type": "chat.note", "text": "direct"})
        assert await asyncio.wait_for(receiver.receive(channel), timeout=5) == {
            "type": "chat.note",
            "text": "direct",
        }

        await receiver.group_add("group-calm", channel)
        await sender.group_send("group-calm", {"type": "chat.note", "text": "to the group"})
        assert await asyncio.wait_for(receiver.receive(channel), timeout=5) == {
            "type": "chat.note",
            "text": "to the group",
        }
    finally:
        await sender.close_pools()
        await receiver.close_pools()


SEND_TO_GROUP = """
import asyncio
from channels.layers import get_channel_layer

asyncio.run(get_channel_layer().group_send("group-steady", {"type": "chat.note", "text": "hi"}))
"""


@pytest.mark.redis
@pytest.mark.asyncio
async def test_group_message_from_another_process_arrives_through_redis(redis_server):
    receiver = RedisChannelLayer(**redis_layer_config(redis_server.url))
    try:
        channel = await receiver.new_channel("test.")
        await receiver.group_add("group-steady", channel)

        sender = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            textwrap.dedent(SEND_TO_GROUP),
            cwd=REPO_ROOT,
            env=clean_env(DJANGO_DEBUG="1", REDIS_URL=redis_server.url),
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(sender.communicate(), timeout=60)
        assert sender.returncode == 0, stderr.decode()

        message = await asyncio.wait_for(receiver.receive(channel), timeout=5)
        assert message == {"type": "chat.note", "text": "hi"}
    finally:
        await receiver.close_pools()
