"""A socket stays in its chat room when Redis loses the channel layer's groups (a restart), and
a message stored while the layer is down is neither undone nor reported as failed."""

from __future__ import annotations

import asyncio

import pytest
import redis
from channels_redis.core import RedisChannelLayer
from django.test import override_settings

from groups import services
from groups.layer import group_rejoin
from groups.models import ChatMessage
from tests.factories import GroupFactory, MemberFactory, MembershipFactory


def redis_layer(url: str) -> RedisChannelLayer:
    return RedisChannelLayer(hosts=[{"address": url, "socket_timeout": 15}], prefix="layer-test")


async def received(layer: RedisChannelLayer, channel: str, timeout: float = 2.0) -> dict | None:
    try:
        return await asyncio.wait_for(layer.receive(channel), timeout)
    except TimeoutError:
        return None


@pytest.mark.asyncio
async def test_rejoining_after_redis_lost_the_group_says_so_and_hears_the_room_again(
    redis_server,
):
    layer = redis_layer(redis_server.url)
    channel = await layer.new_channel()
    try:
        await layer.group_add("chat.1", channel)
        assert await group_rejoin(layer, "chat.1", channel) is False  # still there

        redis.Redis.from_url(redis_server.url).flushall()  # what a restart leaves
        await layer.group_send("chat.1", {"type": "chat.message", "seq": 1})
        assert await received(layer, channel, timeout=0.5) is None  # deaf

        assert await group_rejoin(layer, "chat.1", channel) is True
        await layer.group_send("chat.1", {"type": "chat.message", "seq": 2})
        assert (await received(layer, channel))["seq"] == 2
        assert await group_rejoin(layer, "chat.1", channel) is False
    finally:
        await layer.flush()
        await layer.close_pools()


@pytest.mark.asyncio
async def test_in_memory_layer_never_loses_a_group():
    from channels.layers import InMemoryChannelLayer

    layer = InMemoryChannelLayer()
    channel = await layer.new_channel()
    assert await group_rejoin(layer, "chat.1", channel) is False
    await layer.group_send("chat.1", {"type": "chat.message", "seq": 1})
    assert (await received(layer, channel))["seq"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_message_stored_while_the_layer_is_down_is_acknowledged_not_failed(redis_down_url):
    group = GroupFactory()
    member = MemberFactory()
    MembershipFactory(group=group, member=member)
    layers = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_down_url]},
        }
    }
    with override_settings(CHANNEL_LAYERS=layers):
        from channels.layers import channel_layers

        channel_layers.backends.clear()
        try:
            result = services.chat_message_post(
                actor=member, group=group, body="Still here while Redis restarts.", local_id="r1"
            )
        finally:
            channel_layers.backends.clear()

    assert result.message.seq == 1
    assert ChatMessage.objects.get(local_id="r1").status == "published"
