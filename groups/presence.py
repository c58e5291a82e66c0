"""Who is in a group's room right now, and who may announce typing, shared by every daphne
process through Django's cache (Redis when REDIS_URL is set, local memory otherwise).

One cache key per room holds an index of open connections, each with its member and an expiry
time. Every change to the index happens under a short per-room lock taken with `cache.add`
(atomic in Redis and in the local-memory cache), so two processes updating one room at once
never lose each other's entries. Guarantees:

- a member with several open tabs (connections) is listed once;
- a connection that is not refreshed for EXPIRE_SECONDS (its process crashed) stops being
  listed, and is pruned by the next update in that room (connections refresh every
  HEARTBEAT_SECONDS, so a room with anyone in it is updated at least that often);
- every update that changes who is online gets a larger `version` than any earlier one in that
  room, so a socket that receives presence frames out of order can keep only the newest;
- typing is announced at most once per member and room every TYPING_THROTTLE_SECONDS, across all
  processes and tabs.

Presence is a courtesy, not a record: callers treat a failure here as "unknown", never as a
reason to refuse a message.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache

HEARTBEAT_SECONDS = 20
EXPIRE_SECONDS = 60
TYPING_THROTTLE_SECONDS = 3
LOCK_SECONDS = 5
# The index outlives its newest entry a little, so a quiet room's version keeps rising.
INDEX_SECONDS = EXPIRE_SECONDS * 2


class PresenceUnavailable(Exception):
    """The room's presence index could not be locked in time (the cache is overloaded)."""


@dataclass(frozen=True)
class RoomPresence:
    """Who is online in one room: pseudonyms, each once, sorted; `version` orders updates."""

    version: int
    online: tuple[str, ...]

    def as_frame(self) -> dict:
        return {"type": "presence", "online": list(self.online)}


@dataclass(frozen=True)
class PresenceChange:
    presence: RoomPresence
    changed: bool  # True when the list of members online differs from before the update


def _index_key(group_id: int) -> str:
    return f"presence:room:{group_id}"


def _lock_key(group_id: int) -> str:
    return f"presence:lock:{group_id}"


def _typing_key(group_id: int, member_id: int) -> str:
    return f"presence:typing:{group_id}:{member_id}"


@contextmanager
def _room_lock(group_id: int) -> Iterator[None]:
    """Hold the room's lock. It expires by itself after LOCK_SECONDS, so a process that dies
    while holding it blocks the room for at most that long."""
    key = _lock_key(group_id)
    token = secrets.token_hex(8)
    deadline = time.monotonic() + LOCK_SECONDS + 1
    delay = 0.002
    while not cache.add(key, token, timeout=LOCK_SECONDS):
        if time.monotonic() > deadline:
            raise PresenceUnavailable(f"presence lock for room {group_id} not free")
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
    try:
        yield
    finally:
        # Only release our own lock (it can only have expired if we held it for LOCK_SECONDS).
        if cache.get(key) == token:
            cache.delete(key)


def _live(connections: dict, now: float) -> dict:
    return {conn: entry for conn, entry in connections.items() if entry[2] > now}


def _online(connections: dict) -> tuple[str, ...]:
    return tuple(sorted({entry[1] for entry in connections.values()}))


def _read(group_id: int) -> dict:
    index = cache.get(_index_key(group_id))
    if not isinstance(index, dict):
        return {"version": 0, "connections": {}}
    return index


def _update(group_id: int, change: Callable[[dict, float], None]) -> PresenceChange:
    """Apply `change(connections, now)` to the room's live connections under the room lock."""
    with _room_lock(group_id):
        now = time.time()
        index = _read(group_id)
        before = _online(_live(index["connections"], now))
        connections = _live(index["connections"], now)
        change(connections, now)
        after = _online(connections)
        # Milliseconds since the epoch, but always above the last version, so the order holds
        # even if the index expired in between.
        version = max(int(index["version"]) + 1, int(now * 1000))
        cache.set(
            _index_key(group_id),
            {"version": version, "connections": connections},
            timeout=INDEX_SECONDS,
        )
    return PresenceChange(RoomPresence(version, after), changed=after != before)


def connection_enter(
    group_id: int, connection: str, *, member_id: int, pseudonym: str
) -> PresenceChange:
    """Add one open connection (a tab) of a member to the room."""

    def add(connections: dict, now: float) -> None:
        connections[connection] = [member_id, pseudonym, now + EXPIRE_SECONDS]

    return _update(group_id, add)


def connection_refresh(
    group_id: int, connection: str, *, member_id: int, pseudonym: str
) -> PresenceChange:
    """Keep a connection listed for another EXPIRE_SECONDS (and prune expired ones)."""
    return connection_enter(group_id, connection, member_id=member_id, pseudonym=pseudonym)


def connection_leave(group_id: int, connection: str) -> PresenceChange:
    """Remove one connection; its member stays listed while another of their tabs is open."""

    def remove(connections: dict, now: float) -> None:
        connections.pop(connection, None)

    return _update(group_id, remove)


def room_presence(group_id: int) -> RoomPresence:
    """Who is online now (read without the lock; expired connections are left out)."""
    index = _read(group_id)
    return RoomPresence(int(index["version"]), _online(_live(index["connections"], time.time())))


def typing_may_announce(group_id: int, member_id: int) -> bool:
    """True at most once per member and room every TYPING_THROTTLE_SECONDS, across processes."""
    return bool(cache.add(_typing_key(group_id, member_id), 1, timeout=TYPING_THROTTLE_SECONDS))
