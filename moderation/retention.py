"""Retention: the words of removed and deleted content, and their moderation context, are
purged after RETENTION_DAYS (default 90), by `python manage.py purge_removed_content` (from
cron; `--dry-run` counts without changing anything).

Purging keeps each row (a chat seq, a thread's replies, the audit log's references need it) and
removes its words: text, title, content warning, removal reason, screening record, edit
history, the queue item's snapshot and notes, report notes, appeal texts and the audit rows'
free text. What is still waiting for a person is never purged: content with an open queue
item or an open appeal is kept until a moderator has closed it.

Account deletion (community.account_services) scrubs the same context with the same function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from moderation.models import (
    Appeal,
    ContentRevision,
    ContentStatus,
    ModerationAction,
    QueueItem,
    Report,
)
from moderation.models.dashboard import CrisisStep, QueueNote
from moderation.registry import content_models

BATCH = 500
TAKEN_DOWN = (ContentStatus.REMOVED, ContentStatus.DELETED)
STILL_WAITING = (QueueItem.State.OPEN, QueueItem.State.CLAIMED)

# (content type id, object ids): a list of ids, or a subquery of them.
Refs = list[tuple[int, "list[int] | QuerySet"]]


def refs_q(refs: Refs, prefix: str = "") -> Q:
    """Rows of a generic relation that point at any of `refs`."""
    match = Q(pk__in=[])
    for content_type_id, ids in refs:
        match |= Q(**{f"{prefix}content_type_id": content_type_id, f"{prefix}object_id__in": ids})
    return match


def moderation_context_scrub(*, refs: Refs, queue_detail: str, why: str) -> dict[str, int]:
    """Remove the words around the content in `refs`: its edit history, the snapshots and
    notes of its queue items (and of appeals about it), report notes and appeal texts, and the
    free text of its audit rows. Queue items keep their state: an open one stays open, with
    `queue_detail` saying why its words are gone. Returns counts by kind."""
    appeal_ids = list(Appeal.objects.filter(refs_q(refs)).values_list("pk", flat=True))
    appeal_type = ContentType.objects.get_for_model(Appeal).pk
    with_appeals = [*refs, (appeal_type, appeal_ids)] if appeal_ids else refs
    items = QueueItem.objects.filter(refs_q(with_appeals))
    item_ids = list(items.values_list("pk", flat=True))
    counts = {
        "queue_items": QueueItem.objects.filter(pk__in=item_ids).update(
            snapshot="", detail=queue_detail, resolution_note=""
        ),
        "revisions": ContentRevision.objects.filter(refs_q(refs)).delete()[0],
        "reports": Report.objects.filter(refs_q(refs)).update(note=""),
        "appeals": Appeal.objects.filter(pk__in=appeal_ids).update(text="", decision_note=""),
        "audit_rows": ModerationAction.objects.filter(refs_q(with_appeals)).redact_personal_text(
            why=why
        ),
    }
    QueueNote.objects.filter(queue_item_id__in=item_ids).update(text="")
    CrisisStep.objects.filter(queue_item_id__in=item_ids).update(note="")
    return counts


@dataclass
class PurgeReport:
    cutoff: datetime
    dry_run: bool
    purged: dict[str, int] = field(default_factory=dict)  # by content kind
    kept_waiting: dict[str, int] = field(default_factory=dict)  # open item or appeal
    context: dict[str, int] = field(default_factory=dict)
    exports: int = 0
    sessions: int = 0

    @property
    def total(self) -> int:
        return sum(self.purged.values())


def _waiting_ids(model, content_type_id: int):
    items = QueueItem.objects.filter(
        content_type_id=content_type_id, state__in=STILL_WAITING
    ).values("object_id")
    appeals = Appeal.objects.filter(
        content_type_id=content_type_id, state=Appeal.State.OPEN
    ).values("object_id")
    return Q(pk__in=items) | Q(pk__in=appeals)


def retention_purge(
    *, days: int | None = None, now: datetime | None = None, dry_run: bool = False
) -> PurgeReport:
    """Purge the words of content taken down more than `days` days ago (RETENTION_DAYS by
    default) and of its moderation context; delete expired data exports and sessions. With
    `dry_run`, count only. Safe to run again: purged content is not purged twice."""
    now = now or timezone.now()
    days = settings.RETENTION_DAYS if days is None else days
    if days < 1:
        raise ValueError("The retention period must be at least one day.")
    report = PurgeReport(cutoff=now - timedelta(days=days), dry_run=dry_run)
    for model in content_models():
        content_type_id = ContentType.objects.get_for_model(model).pk
        due = model.objects.filter(
            status__in=TAKEN_DOWN, taken_down_at__lt=report.cutoff, purged_at__isnull=True
        )
        waiting = _waiting_ids(model, content_type_id)
        name = model._meta.model_name
        report.kept_waiting[name] = due.filter(waiting).count()
        ids = list(due.exclude(waiting).order_by("pk").values_list("pk", flat=True))
        report.purged[name] = len(ids)
        if dry_run:
            continue
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            with transaction.atomic():
                model.objects.filter(pk__in=batch).update(**model.purged_values(), purged_at=now)
                counts = moderation_context_scrub(
                    refs=[(content_type_id, batch)], queue_detail="", why="retention"
                )
            for key, number in counts.items():
                report.context[key] = report.context.get(key, 0) + number
    report.exports = _purge_expired_exports(now=now, dry_run=dry_run)
    expired_sessions = Session.objects.filter(expire_date__lt=now)
    report.sessions = expired_sessions.count() if dry_run else expired_sessions.delete()[0]
    if not dry_run and report.total:
        ModerationAction.objects.create(
            verb=ModerationAction.Verb.CONTENT_PURGED,
            details={"days": days, "purged": report.purged, "context": report.context},
        )
    return report


def _purge_expired_exports(*, now: datetime, dry_run: bool) -> int:
    from community.export_services import data_export_purge_expired  # community builds on us

    return data_export_purge_expired(now=now, dry_run=dry_run)
