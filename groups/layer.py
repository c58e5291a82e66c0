"""Staying in the channel layer's groups when Redis loses them.

channels_redis keeps group membership in Redis only. When Redis restarts (or fails over to a
replica that never saw it), every open socket stays connected (redis-py reconnects its reads)
but is in no group any more: it would hear nothing until it reconnected. Each chat socket
therefore rejoins its groups every REJOIN_SECONDS; `group_rejoin` says whether the channel was
missing, so the socket can fetch from the database what it missed meanwhile.
"""

from __future__ import annotations

import time

REJOIN_SECONDS = 5


async def group_rejoin(layer, group: str, channel: str) -> bool:
    """Add `channel` to `group` again (refreshing the group's expiry); True when it was not in
    the group, i.e. the layer had lost it. Other layers (in memory, one process) never lose a
    group: a plain group_add, and False."""
    if not hasattr(layer, "_group_key"):
        await layer.group_add(group, channel)
        return False
    # channels_redis's own group_add, but keeping ZADD's answer: how many members were new.
    key = layer._group_key(group)
    connection = layer.connection(layer.consistent_hash(group))
    added = await connection.zadd(key, {channel: time.time()})
    await connection.expire(key, layer.group_expiry)
    return bool(added)
