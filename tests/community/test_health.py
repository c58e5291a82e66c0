"""`/healthz` tells a load balancer whether this process can reach its database and its
channel layer, and which of the two failed."""

import json
import time
import urllib.request

import pytest
from django.test import override_settings

from community.views.health import CHECK_TIMEOUT_SECONDS


def redis_channel_layer(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [url], "prefix": "community-test"},
        }
    }


def test_healthz_answers_ok_for_the_database_and_in_memory_channel_layer(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}
    # A stale cached "ok" would hide an outage.
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_unavailable_and_names_the_channel_layer_when_redis_is_down(
    client, db, redis_down_url
):
    with override_settings(CHANNEL_LAYERS=redis_channel_layer(redis_down_url)):
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["channel_layer"].startswith("error: ")
    # A refused connection is reported at once, not after the check's timeout.
    assert elapsed < CHECK_TIMEOUT_SECONDS


@pytest.mark.redis
def test_healthz_answers_ok_with_a_running_redis_channel_layer(client, db, redis_server):
    with override_settings(CHANNEL_LAYERS=redis_channel_layer(redis_server.url)):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok"}


def test_live_daphne_server_answers_healthz_and_serves_pages_and_the_stylesheet(
    live_server_url,
):
    with urllib.request.urlopen(f"{live_server_url}/healthz", timeout=10) as response:
        assert response.status == 200
        assert json.load(response) == {"status": "ok", "database": "ok", "channel_layer": "ok"}

    with urllib.request.urlopen(f"{live_server_url}/", timeout=10) as response:
        page = response.read().decode()
    assert response.status == 200
    assert "Steady Ground" in page
    assert 'href="/static/community/site.css"' in page

    with urllib.request.urlopen(
        f"{live_server_url}/static/community/site.css", timeout=10
    ) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/css")
        assert b"Steady Ground" in response.read()
