"""`/healthz`: can this process reach its database and its channel layer?"""

import asyncio
import secrets

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

CHECK_TIMEOUT_SECONDS = 3.0


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _channel_layer_answers() -> None:
    """Redis answers every connection of the layer (PING). The layer's own receive path is not
    used: its readers share one lock and one list per process with the chat sockets, so a probe
    that reads either waits behind them or, after a Redis restart, could be left waiting for
    good (both seen in tests/faults and tests/deploy). The in-memory layer (one process, no
    Redis) sends itself a message and reads it back."""
    layer = get_channel_layer()
    if hasattr(layer, "ring_size"):
        for index in range(layer.ring_size):
            if not await layer.connection(index).ping():
                raise RuntimeError("Redis did not answer PING")
        return
    channel = await layer.new_channel()
    token = secrets.token_hex(8)
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("the channel layer returned a different message")


async def _status(check) -> str:
    try:
        await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means "not healthy"; the reason is reported
        return f"error: {type(exc).__name__}"
    return "ok"


@never_cache
async def healthz(request: HttpRequest) -> JsonResponse:
    database = await _status(sync_to_async(_database_answers, thread_sensitive=True))
    channel_layer = await _status(_channel_layer_answers)
    healthy = database == "ok" and channel_layer == "ok"
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "database": database,
            "channel_layer": channel_layer,
        },
        status=200 if healthy else 503,
    )
