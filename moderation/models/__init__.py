"""Models of the moderation app: the content base, queue, reports, sanctions, appeals and audit
log (`core`), and what moderators work with on the dashboard (`dashboard`)."""

from moderation.models.core import (
    AT_RISK_REASONS,
    CRISIS_REASONS,
    Appeal,
    AuditLogIsAppendOnly,
    ContentRevision,
    ContentStatus,
    ModeratedContent,
    ModerationAction,
    ModerationActionQuerySet,
    QueueItem,
    Report,
    Sanction,
    Signpost,
    WatchedWord,
)
from moderation.models.dashboard import CrisisStep, QueueNote, ReplyTemplate, SupportMessage

__all__ = [
    "AT_RISK_REASONS",
    "CRISIS_REASONS",
    "Appeal",
    "AuditLogIsAppendOnly",
    "ContentRevision",
    "ContentStatus",
    "CrisisStep",
    "ModeratedContent",
    "ModerationAction",
    "ModerationActionQuerySet",
    "QueueItem",
    "QueueNote",
    "ReplyTemplate",
    "Report",
    "Sanction",
    "Signpost",
    "SupportMessage",
    "WatchedWord",
]
