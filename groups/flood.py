"""A budget of frames per chat socket, kept in the event loop.

Every `message.send`, `typing` and `sync` frame costs database work (the member's standing,
the pipeline, a replay). A person sends a few a minute; a flood of thousands would keep its
process's database thread busy for as long as it lasted, each refusal paid for like a message.
Past the budget a frame is answered at once, with no database or cache work: a message with a
`rate_limited` error carrying its local_id (the browser keeps the text and says when to send it
again, as for the pipeline's own limit), a sync with the same error, a typing notice not at all.
The pipeline's per-member limits (MODERATION_RATE_LIMITS) still apply to what gets through.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from django.conf import settings


class FrameBudget:
    """A token bucket: `burst` frames at once, refilled at `per_second`."""

    def __init__(
        self, burst: int, per_second: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst, self.per_second, self.clock = burst, per_second, clock
        self.tokens = float(burst)
        self.updated = clock()

    @classmethod
    def for_chat(cls) -> FrameBudget:
        burst, per_second = settings.CHAT_FRAME_BUDGET
        return cls(burst, per_second)

    def take(self) -> int:
        """0 when one more frame may go now (and counts it); else whole seconds to wait."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return max(1, math.ceil((1 - self.tokens) / self.per_second))
