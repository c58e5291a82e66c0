"""The ASGI application checks where a websocket comes from before anything else runs."""

import pytest
from channels.testing import WebsocketCommunicator
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from community.asgi import application

# A path no consumer serves: reaching the router (an error) proves the origin check passed.
PATH = "/ws/nowhere/"


async def handshake(
    headers: list[tuple[bytes, bytes]], *, timeout: float = 3
) -> tuple[bool, int | str | None]:
    communicator = WebsocketCommunicator(application, PATH, headers=headers)
    try:
        return await communicator.connect(timeout=timeout)
    finally:
        await communicator.disconnect()


@pytest.mark.asyncio
async def test_websocket_from_a_foreign_origin_is_refused():
    connected, _ = await handshake([(b"origin", b"http://evil.example")])

    assert connected is False


@pytest.mark.asyncio
async def test_websocket_without_an_origin_header_is_refused():
    connected, _ = await handshake([])

    assert connected is False


@pytest.mark.asyncio
async def test_websocket_from_the_sites_own_origin_passes_the_origin_check():
    # Getting as far as the router proves the origin check (and the session/auth stack) let
    # the handshake through. The communicator reports the application's error only when its
    # wait ends, hence the short timeout.
    with pytest.raises(ValueError, match="No route found for path 'ws/nowhere/'"):
        await handshake([(b"origin", b"http://testserver")], timeout=1)


def handshake_status(url: str, origin: str | None) -> int:
    """The HTTP status daphne gives a websocket handshake (101 when it is accepted)."""
    try:
        with connect(url, origin=origin, open_timeout=10):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


def test_live_server_refuses_websockets_from_foreign_or_missing_origins(live_server_url):
    url = live_server_url.replace("http://", "ws://") + PATH

    assert handshake_status(url, "http://evil.example") == 403
    assert handshake_status(url, None) == 403
    # The same origin gets past the check and reaches the router, which has no such route.
    assert handshake_status(url, live_server_url) == 500
