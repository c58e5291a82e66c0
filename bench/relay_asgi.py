"""The chat benchmark's baseline: a bare Channels relay (bench/bench_chat_fanout.py).

An ASGI application for daphne (`python -m daphne bench.relay_asgi:application`) with the
project's settings, so it uses the same channel layer (channels_redis with the project's
CHANNEL_LAYERS when REDIS_URL is set), but nothing else: no authentication, no database, no
moderation pipeline, no presence. A socket on `/ws/relay/<room>/` joins the channel group of
<room>; every text frame it sends is passed with one `group_send` to every socket in the room
(the sender's included), which writes it out unchanged. That is the least any chat room over
this channel layer must do, so the real room's throughput is compared with it.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

import django

django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class RelayConsumer(AsyncWebsocketConsumer):
    """Joins the room's channel group; relays every text frame to the whole room."""

    room = ""

    async def connect(self) -> None:
        self.room = f"relay.{self.scope['url_route']['kwargs']['room']}"
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.room:
            await self.channel_layer.group_discard(self.room, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is not None:
            await self.channel_layer.group_send(
                self.room, {"type": "relay.frame", "text": text_data}
            )

    async def relay_frame(self, event: dict) -> None:
        await self.send(text_data=event["text"])


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/relay/<slug:room>/", RelayConsumer.as_asgi())])}
)
