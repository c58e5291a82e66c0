"""Sliding-window counters kept in the cache (Redis when REDIS_URL is set, so every process
shares them).

Used for throttles that protect members: failed logins, sign-up floods and, later, posting rates.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class SlidingWindow:
    """At most `limit` events per `window_seconds` for one key."""

    scope: str
    subject: str
    limit: int
    window_seconds: int

    @property
    def cache_key(self) -> str:
        digest = hashlib.sha256(self.subject.encode()).hexdigest()[:32]
        return f"ratelimit:{self.scope}:{digest}"

    def _recent(self, now: float) -> list[float]:
        stamps = cache.get(self.cache_key) or []
        return [stamp for stamp in stamps if stamp > now - self.window_seconds]

    def count(self) -> int:
        return len(self._recent(time.time()))

    def retry_after(self) -> int:
        """Seconds until one more event is allowed; 0 when it is allowed now."""
        now = time.time()
        recent = self._recent(now)
        if len(recent) < self.limit:
            return 0
        oldest_that_counts = sorted(recent)[-self.limit]
        return max(1, math.ceil(oldest_that_counts + self.window_seconds - now))

    def add(self) -> None:
        now = time.time()
        recent = self._recent(now)
        recent.append(now)
        cache.set(self.cache_key, recent[-self.limit * 2 :], timeout=self.window_seconds)

    def clear(self) -> None:
        cache.delete(self.cache_key)
