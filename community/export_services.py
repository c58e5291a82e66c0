"""Members' data exports: asking for one, building it, downloading it and purging old ones.

A member asks (`data_export_request`); after commit the runner (`community.export_runner`) calls
`data_export_build`, which claims the export with one UPDATE so no two processes ever build the
same one, writes the archive section by section with a heartbeat, and stores it gzip-compressed
in the database. Only its member may download it (`data_export_download`), for
DATA_EXPORT_HOURS; `data_export_purge_expired` deletes it after that.
"""

from __future__ import annotations

import gzip
import io
import logging
import math
import traceback
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community import export_runner
from community.export_selectors import export_write
from community.models import DataExport, Member

logger = logging.getLogger(__name__)

# At most this many exports per member in any REQUEST_WINDOW.
REQUESTS_PER_WINDOW = 3
REQUEST_WINDOW = timedelta(hours=24)
# A running export whose heartbeat is older than this was killed with its process.
STALE_AFTER = timedelta(minutes=2)


class DataExportRefused(Exception):
    """The member may not have an export now; the message says why, kindly."""


class DataExportRateLimited(DataExportRefused):
    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _ClaimLost(Exception):
    """Another builder took the export over (this one had stopped beating)."""


def available_hours() -> int:
    return int(getattr(settings, "DATA_EXPORT_HOURS", 48))


def _waiting_message(retry_after: int) -> str:
    hours = max(1, math.ceil(retry_after / 3600))
    return ngettext(
        "You have asked for a copy of your data %(limit)d times in the last day, which is "
        "as many as we can prepare. You can ask again in about %(hours)d hour. Any copy that "
        "is ready is still there to download.",
        "You have asked for a copy of your data %(limit)d times in the last day, which is "
        "as many as we can prepare. You can ask again in about %(hours)d hours. Any copy that "
        "is ready is still there to download.",
        hours,
    ) % {"limit": REQUESTS_PER_WINDOW, "hours": hours}


def _is_stale(export: DataExport, now: datetime) -> bool:
    if export.state == DataExport.State.PENDING:
        return export.created_at < now - STALE_AFTER
    return export.heartbeat_at is None or export.heartbeat_at < now - STALE_AFTER


def data_export_request(*, actor: Member) -> DataExport:
    """Ask for a copy of everything the platform holds about the actor.

    Guarantees: idempotent while an export is pending or running (a double click makes one
    export, and one left behind by a crashed process is scheduled again); at most
    REQUESTS_PER_WINDOW new exports per member per REQUEST_WINDOW, else DataExportRateLimited
    with `retry_after` seconds; the build is scheduled only after the export is committed."""
    if not getattr(actor, "is_authenticated", False) or actor.erased_at is not None:
        raise DataExportRefused(_("Please sign in to ask for a copy of your data."))
    now = timezone.now()
    with transaction.atomic():
        # Lock the member so two requests at once cannot both make an export.
        locked = Member.objects.select_for_update().filter(pk=actor.pk).first()
        if locked is None or locked.erased_at is not None or not locked.is_active:
            raise DataExportRefused(_("Please sign in to ask for a copy of your data."))
        mine = DataExport.objects.filter(member=actor).defer("payload")
        in_progress = mine.filter(
            state__in=[DataExport.State.PENDING, DataExport.State.RUNNING]
        ).first()
        if in_progress is not None:
            if _is_stale(in_progress, now):
                transaction.on_commit(partial(export_runner.schedule, in_progress.pk))
            return in_progress
        recent = list(
            mine.filter(created_at__gt=now - REQUEST_WINDOW)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[:REQUESTS_PER_WINDOW]
        )
        if len(recent) >= REQUESTS_PER_WINDOW:
            oldest_that_counts = recent[-1]
            retry_after = max(
                1, math.ceil((oldest_that_counts + REQUEST_WINDOW - now).total_seconds())
            )
            raise DataExportRateLimited(_waiting_message(retry_after), retry_after=retry_after)
        export = DataExport.objects.create(member=actor, created_at=now)
        transaction.on_commit(partial(export_runner.schedule, export.pk))
    return export


class _GzipText:
    """A text stream that gzips UTF-8 into memory and counts the uncompressed bytes."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.gzip = gzip.GzipFile(fileobj=self.buffer, mode="wb", compresslevel=6, mtime=0)
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.size += len(data)
        self.gzip.write(data)
        return len(text)

    def finish(self) -> bytes:
        self.gzip.close()
        return self.buffer.getvalue()


def _claim(export_id: int) -> datetime | None:
    """Take the export for this builder: one UPDATE, so of two builders only one succeeds.
    A pending export, or a running one whose builder stopped beating, can be taken. Returns
    the claim's start time (every later write is conditional on it), or None."""
    now = timezone.now()
    claimed = (
        DataExport.objects.filter(pk=export_id)
        .filter(
            Q(state=DataExport.State.PENDING)
            | Q(state=DataExport.State.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
        )
        .update(
            state=DataExport.State.RUNNING,
            started_at=now,
            heartbeat_at=now,
            progress=0,
            step="",
            error="",
        )
    )
    return now if claimed else None


def data_export_build(*, export_id: int) -> None:
    """Build one export, if no other builder has it.

    Guarantees: only the builder whose claim succeeded writes the export (a builder that lost
    its claim stops without writing); progress, step and heartbeat are updated as each section
    starts and every thousand rows; on success the archive is stored and the export is READY
    until finished + DATA_EXPORT_HOURS; on any error it is FAILED with a generic error, and the
    log names the export, the section and the error's type, never the member's words."""
    started = _claim(export_id)
    if started is None:
        return
    mine = DataExport.objects.filter(
        pk=export_id, state=DataExport.State.RUNNING, started_at=started
    )
    step = ""

    def progress(key: str, done: int, total: int) -> None:
        nonlocal step
        step = key or step
        percent = min(99, done * 100 // total) if total else 99
        if not mine.update(progress=percent, step=key, heartbeat_at=timezone.now()):
            raise _ClaimLost

    try:
        member = Member.objects.get(data_exports__pk=export_id)
        out = _GzipText()
        export_write(member=member, out=out, progress=progress)
        payload = out.finish()
        finished = timezone.now()
        stored = mine.update(
            state=DataExport.State.READY,
            progress=100,
            step="",
            payload=payload,
            size_bytes=out.size,
            heartbeat_at=finished,
            finished_at=finished,
            expires_at=finished + timedelta(hours=available_hours()),
        )
        if not stored:
            raise _ClaimLost
    except _ClaimLost:
        logger.warning("Data export %s was taken over by another builder", export_id)
    except Exception as error:
        frames = "".join(traceback.format_tb(error.__traceback__))
        logger.error(
            "Data export %s failed in section %r with %s\n%s",
            export_id,
            step,
            type(error).__name__,
            frames,
        )
        mine.update(
            state=DataExport.State.FAILED,
            error=f"{type(error).__name__} in {step or 'start'}"[:200],
            finished_at=timezone.now(),
        )


def data_exports_to_build(*, now: datetime | None = None) -> list[int]:
    """Exports waiting for a builder: pending ones, and running ones whose builder died."""
    now = now or timezone.now()
    return list(
        DataExport.objects.filter(
            Q(state=DataExport.State.PENDING)
            | Q(state=DataExport.State.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def data_export_download(*, actor: Member, export_id) -> tuple[str, bytes]:
    """The archive of one of the actor's own exports, as (file name, JSON bytes).

    Guarantees: Http404, the same answer as for an id that does not exist, for another
    member's export, an expired one, or one that is not ready yet."""
    if not getattr(actor, "is_authenticated", False):
        raise Http404
    try:
        export_id = int(export_id)
    except (TypeError, ValueError):
        raise Http404 from None
    export = DataExport.objects.filter(
        pk=export_id,
        member=actor,
        state=DataExport.State.READY,
        expires_at__gt=timezone.now(),
        payload__isnull=False,
    ).first()
    if export is None:
        raise Http404
    filename = f"steady-ground-my-data-{export.finished_at:%Y-%m-%d}-{export.pk}.json"
    return filename, gzip.decompress(bytes(export.payload))


def data_export_purge_expired(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete (or, with dry_run, count) exports past their expiry, and failed ones older than
    DATA_EXPORT_HOURS. Returns how many."""
    now = now or timezone.now()
    expired = DataExport.objects.filter(
        Q(expires_at__lte=now)
        | Q(
            state=DataExport.State.FAILED,
            created_at__lte=now - timedelta(hours=available_hours()),
        )
    )
    if dry_run:
        return expired.count()
    _total, by_model = expired.delete()
    return by_model.get(DataExport._meta.label, 0)
