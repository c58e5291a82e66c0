"""Where a data export is built: `settings.DATA_EXPORT_RUNNER`.

- "thread" (the default): in a background thread of this process (one at a time), so the
  request that asked for it answers at once. If the process dies mid-build, the export's
  heartbeat stops and `manage.py run_data_exports` (or the next builder) takes it over.
- "inline": at once, in the caller's thread (the unit tests use it).
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

logger = logging.getLogger(__name__)

RUNNERS = ("thread", "inline")

_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()


def _forget_executor_after_fork() -> None:
    # A forked child inherits the executor object but not its thread: start a new one there.
    global _executor
    _executor = None


os.register_at_fork(after_in_child=_forget_executor_after_fork)


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="data-export")
        return _executor


def _build_in_thread(export_id: int) -> None:
    from community.export_services import data_export_build

    try:
        data_export_build(export_id=export_id)
    except Exception:
        # data_export_build records its own failures; this is a last guard for the thread.
        logger.exception("Data export %s: the background build stopped unexpectedly", export_id)
    finally:
        # This thread's connections are its own; never leave them open between jobs.
        connections.close_all()


def schedule(export_id: int) -> None:
    """Build the export with the configured runner. Call it after the export is committed."""
    runner = getattr(settings, "DATA_EXPORT_RUNNER", "thread")
    if runner == "inline":
        from community.export_services import data_export_build

        data_export_build(export_id=export_id)
    elif runner == "thread":
        _pool().submit(_build_in_thread, export_id)
    else:
        raise ImproperlyConfigured(
            f"DATA_EXPORT_RUNNER is {runner!r}; it must be one of {', '.join(RUNNERS)}."
        )
