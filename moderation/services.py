"""Writes for moderation: storing a pipeline decision, members' reports, earlier versions of
edited content, moderators' actions on content, the queue, sanctions and members' appeals.
Every service checks permission, writes its audit row in the same transaction and tells live
readers only after commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.ratelimit import SlidingWindow
from community.signposting import CONCERN, SOMEONE_ELSE, URGENT, SignpostOffer, signpost_for
from moderation import permissions
from moderation.broadcast import QueueEvent, on_commit_queue_item_changed
from moderation.models import (
    AT_RISK_REASONS,
    CRISIS_REASONS,
    Appeal,
    ContentRevision,
    ContentStatus,
    ModeratedContent,
    ModerationAction,
    QueueItem,
    Report,
    Sanction,
    Signpost,
    WatchedWord,
)
from moderation.pipeline import (
    ContentRefused,
    Decision,
    Refusal,
    SubmissionContext,
    sanction_refusal,
    submit,
)
from moderation.screening import assess_crisis
from moderation.watchwords import phrase_tokens

MAX_REASON_LENGTH = 1000
MAX_REPORT_NOTE_LENGTH = 1000
REPORTS_PER_HOUR = 20
# Resolutions a queue item can be closed with directly; the others follow from content actions.
RESOLVE_ONLY = frozenset({QueueItem.Resolution.NO_ACTION, QueueItem.Resolution.SUPPORT_OFFERED})


class ModerationConflict(Exception):
    """The action doesn't fit the current state (for example approving removed content).
    The message says what to do instead."""


class ModerationInputInvalid(ModerationConflict):
    """What was sent can't be acted on as it is (no reason given, a mute without an end, ...);
    `field` names the input to fix. The API answers 400; it is a ModerationConflict so every
    door that shows a conflict's message shows this one the same way."""

    def __init__(self, message: str, *, field: str = "non_field_errors") -> None:
        super().__init__(message)
        self.field = field


class AlreadyReported(ModerationConflict):
    """The member has reported this content before; their first report stands."""


class AlreadyAppealed(ModerationConflict):
    """The member has appealed this decision before; each decision can be appealed once."""


class ReportRateLimited(ModerationConflict):
    """The member has sent many reports recently; `retry_after` is in seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Submission:
    content: ModeratedContent
    decision: Decision


def content_type_for(obj) -> ContentType:
    """The content type audit rows and queue items use for `obj` (its concrete model)."""
    return _content_type(obj)


def _content_type(obj) -> ContentType:
    return ContentType.objects.get_for_model(obj, for_concrete_model=True)


def _audit(
    *,
    actor,
    verb: str,
    member=None,
    content: ModeratedContent | None = None,
    queue_item: QueueItem | None = None,
    sanction: Sanction | None = None,
    reason: str = "",
    details: dict | None = None,
) -> ModerationAction:
    return ModerationAction.objects.create(
        actor=actor,
        verb=verb,
        member=member,
        content_type=_content_type(content) if content is not None else None,
        object_id=content.pk if content is not None else None,
        queue_item=queue_item,
        sanction=sanction,
        reason=reason,
        details=details or {},
    )


def signpost_record(
    *, member, offer: SignpostOffer, content: ModeratedContent | None = None
) -> Signpost:
    """Remember that help was shown to `member`, so moderators can see it happened."""
    return Signpost.objects.create(
        member=member,
        tier=offer.tier,
        country_code=offer.country_code,
        text=offer.text,
        resources=[row["name"] for row in offer.resources],
        content_type=_content_type(content) if content is not None else None,
        object_id=content.pk if content is not None else None,
    )


def _queue_item_open(*, content: ModeratedContent, reason: str, detail: str) -> QueueItem:
    content_type = _content_type(content)
    existing = (
        QueueItem.objects.filter(content_type=content_type, object_id=content.pk, reason=reason)
        .exclude(state=QueueItem.State.RESOLVED)
        .first()
    )
    if existing is not None:
        if reason == QueueItem.Reason.REVIEW and existing.snapshot != content.snapshot_text():
            # A review is of the words as they are now; concern items keep the words that
            # raised it.
            existing.snapshot = content.snapshot_text()
            existing.save(update_fields=["snapshot"])
        return existing
    try:
        with transaction.atomic():
            item = QueueItem.objects.create(
                content_type=content_type,
                object_id=content.pk,
                reason=reason,
                detail=detail,
                snapshot=content.snapshot_text(),
                priority=QueueItem.PRIORITY[reason],
                group=content.moderation_group(),
                member=content.author,
            )
            on_commit_queue_item_changed(item, QueueEvent.NEW)
            return item
    except IntegrityError:
        # Opened by a concurrent transaction since we looked: share it.
        return QueueItem.objects.exclude(state=QueueItem.State.RESOLVED).get(
            content_type=content_type, object_id=content.pk, reason=reason
        )


def content_submitted(*, decision: Decision, content: ModeratedContent) -> QueueItem | None:
    """Record what the pipeline decided about stored content: its queue item, the signpost its
    author saw and, when it was held or flagged, an audit row. Call inside the transaction that
    stored the content, so a held cry for help and its urgent queue item exist together."""
    item = None
    if decision.queue_reason:
        item = _queue_item_open(
            content=content, reason=decision.queue_reason, detail="; ".join(decision.reasons)
        )
        verb = (
            ModerationAction.Verb.CONTENT_HELD
            if content.status == ContentStatus.HELD
            else ModerationAction.Verb.CONTENT_FLAGGED
        )
        _audit(
            actor=None,
            verb=verb,
            member=content.author,
            content=content,
            queue_item=item,
            reason="; ".join(decision.reasons),
            details={"risk": decision.risk, "kind": str(decision.kind)},
        )
    if decision.signpost is not None:
        signpost_record(member=content.author, offer=decision.signpost, content=content)
    return item


def content_submit(
    *,
    actor,
    kind: str,
    text: str,
    store: Callable[[Decision], ModeratedContent],
    context: SubmissionContext | None = None,
    title: str | None = None,
) -> Submission:
    """Run `text` through the pipeline and store it with `store(decision)`; or raise
    ContentRefused (after recording any signpost the refusal carries)."""
    decision = submit(actor=actor, kind=kind, text=text, context=context, title=title)
    if decision.refused:
        if decision.signpost is not None:
            signpost_record(member=actor, offer=decision.signpost)
        raise ContentRefused(decision)
    with transaction.atomic():
        content = store(decision)
        content_submitted(decision=decision, content=content)
    return Submission(content=content, decision=decision)


def _locked(content: ModeratedContent) -> ModeratedContent:
    return type(content).objects.select_for_update().get(pk=content.pk)


# What a reporter is told when the item their report is on closes with a resolution.
REPORT_OUTCOMES = {
    QueueItem.Resolution.REMOVED: Report.Outcome.REMOVED,
    QueueItem.Resolution.APPROVED: Report.Outcome.APPROVED,
    QueueItem.Resolution.RESTORED: Report.Outcome.NO_ACTION,
    QueueItem.Resolution.NO_ACTION: Report.Outcome.NO_ACTION,
    QueueItem.Resolution.SUPPORT_OFFERED: Report.Outcome.SUPPORT_OFFERED,
    QueueItem.Resolution.RETURNED: Report.Outcome.RETURNED,
}


def _settle_reports(item: QueueItem, *, resolution: str, at) -> None:
    """Tell every member who reported into `item` what came of it (never who decided)."""
    outcome = REPORT_OUTCOMES.get(resolution)
    reports = Report.objects.filter(queue_item=item, outcome="")
    if outcome is None or not reports.exists():
        return
    if outcome == Report.Outcome.NO_ACTION:
        content = item.content
        if getattr(content, "status", None) == ContentStatus.DELETED:
            outcome = Report.Outcome.WITHDRAWN
    reports.update(outcome=outcome, outcome_at=at)


def _mark_resolved(item: QueueItem, *, actor, resolution: str, note: str) -> None:
    """The one place queue items are closed; the reports on the item get their outcome."""
    item.state = QueueItem.State.RESOLVED
    item.resolution = resolution
    item.resolution_note = note
    item.resolved_by = actor
    item.resolved_at = timezone.now()
    item.save(
        update_fields=["state", "resolution", "resolution_note", "resolved_by", "resolved_at"]
    )
    _settle_reports(item, resolution=resolution, at=item.resolved_at)
    on_commit_queue_item_changed(item, QueueEvent.RESOLVED)


def _resolve_open_items(*, actor, content: ModeratedContent, resolution: str, note: str) -> None:
    """Close what a decision about the content settles. Crisis items stay open: the person
    needs a moderator's own answer (the checklist), whatever happens to the text."""
    queue_items_close_for(actor=actor, content=content, resolution=resolution, note=note)


def _check_not_claimed_by_another(actor, content: ModeratedContent) -> None:
    """Two people never work on the same thing unknowingly: while another moderator has an
    open item about this content claimed, only they (or after a release, anyone) decide."""
    claimed = (
        QueueItem.objects.filter(
            content_type=_content_type(content),
            object_id=content.pk,
            state=QueueItem.State.CLAIMED,
        )
        .exclude(claimed_by=actor)
        .select_related("claimed_by")
        .first()
    )
    if claimed is not None:
        raise ModerationConflict(
            _("%(name)s is working on this; ask them, or release it first.")
            % {"name": claimed.claimed_by}
        )


def queue_items_close_for(
    *, actor, content: ModeratedContent, resolution: str, note: str = ""
) -> int:
    """Close the open queue items of `content` that a decision about its form settles (review,
    new-member and watched-word holds, reports). Crisis items stay open: a person at risk needs
    a moderator's own answer, whatever happens to the text. Call inside the deciding
    transaction; returns how many were closed."""
    items = (
        QueueItem.objects.select_for_update()
        .filter(content_type=_content_type(content), object_id=content.pk)
        .exclude(state=QueueItem.State.RESOLVED)
        .exclude(reason__in=AT_RISK_REASONS)
    )
    closed = 0
    for item in items:
        _mark_resolved(item, actor=actor, resolution=resolution, note=note)
        closed += 1
    return closed


def _clean_reason(reason: str, *, required: bool, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ModerationInputInvalid(
            _("Please give a reason; the member will see it."), field=field
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise ModerationInputInvalid(
            _("Please keep the reason under %(limit)s characters.") % {"limit": MAX_REASON_LENGTH},
            field=field,
        )
    return reason


def content_approve(*, actor, content: ModeratedContent, note: str = "") -> ModeratedContent:
    """Publish held content (or confirm flagged content) and close its queue items."""
    permissions.check_decide_content(actor, content)
    note = _clean_reason(note, required=False, field="note")
    with transaction.atomic():
        content = _locked(content)
        _check_not_claimed_by_another(actor, content)
        if content.status in (ContentStatus.REMOVED, ContentStatus.DELETED):
            raise ModerationConflict(
                _("This has been removed or deleted; restore it instead of approving it.")
            )
        if content.status == ContentStatus.HELD:
            content.status = ContentStatus.PUBLISHED
            content.save(update_fields=["status", *content.before_publish()])
        _resolve_open_items(
            actor=actor, content=content, resolution=QueueItem.Resolution.APPROVED, note=note
        )
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.CONTENT_APPROVED,
            member=content.author,
            content=content,
            reason=note,
        )
        transaction.on_commit(content.on_moderated)
    return content


def content_remove(*, actor, content: ModeratedContent, reason: str) -> ModeratedContent:
    """Take content down; `reason` is shown to its author. The text is kept for the record."""
    permissions.check_moderate_content(actor, content)
    reason = _clean_reason(reason, required=True)
    with transaction.atomic():
        content = _locked(content)
        _check_not_claimed_by_another(actor, content)
        if content.status in (ContentStatus.REMOVED, ContentStatus.DELETED):
            raise ModerationConflict(_("This has already been taken down."))
        previous = content.status
        content.status = ContentStatus.REMOVED
        content.removal_reason = reason
        content.taken_down_at = timezone.now()
        content.save(
            update_fields=["status", "removal_reason", "taken_down_at", *content.before_remove()]
        )
        _resolve_open_items(
            actor=actor, content=content, resolution=QueueItem.Resolution.REMOVED, note=reason
        )
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.CONTENT_REMOVED,
            member=content.author,
            content=content,
            reason=reason,
            details={"previous_status": previous},
        )
        transaction.on_commit(content.on_moderated)
    return content


def content_restore(*, actor, content: ModeratedContent, note: str = "") -> ModeratedContent:
    """Publish again content a moderator removed."""
    permissions.check_decide_content(actor, content)
    note = _clean_reason(note, required=False, field="note")
    with transaction.atomic():
        content = _locked(content)
        _check_not_claimed_by_another(actor, content)
        if content.status != ContentStatus.REMOVED:
            raise ModerationConflict(_("Only content a moderator removed can be restored."))
        content.status = ContentStatus.PUBLISHED
        content.removal_reason = ""
        content.taken_down_at = None
        content.save(
            update_fields=["status", "removal_reason", "taken_down_at", *content.before_publish()]
        )
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.CONTENT_RESTORED,
            member=content.author,
            content=content,
            reason=note,
        )
        transaction.on_commit(content.on_moderated)
    return content


def report_window(member) -> SlidingWindow:
    return SlidingWindow("report", f"member:{member.pk}", REPORTS_PER_HOUR, 60 * 60)


def _check_may_report(actor) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("Please log in to report something."))
    code, message, _until = sanction_refusal(actor, SubmissionContext())
    if code in (Refusal.BANNED, Refusal.SUSPENDED):
        raise PermissionDenied(message)


def _clean_report(reason: str, note: str) -> tuple[Report.Reason, str]:
    try:
        reason = Report.Reason(reason)
    except ValueError:
        raise ValidationError(
            {"reason": [_("Please choose what's wrong, so the right person can look at it.")]}
        ) from None
    note = (note or "").strip()
    if len(note) > MAX_REPORT_NOTE_LENGTH:
        raise ValidationError(
            {
                "note": [
                    _("Please keep your note to %(limit)s characters or fewer.")
                    % {"limit": MAX_REPORT_NOTE_LENGTH}
                ]
            }
        )
    return reason, note


def content_report(*, actor, content: ModeratedContent, reason: str, note: str = "") -> Report:
    """Record a member's report and put the content in front of moderators.

    The caller (the forum or chat service) has already checked that `actor` may see `content`.
    Guarantees: one report per member per content, even under races (AlreadyReported); the
    report, its queue item and the audit row are stored together; reports of one content share
    one open queue item; a report that someone may be at risk opens a crisis-concern item, so it
    never waits behind spam. The note is for moderators and is not copied into the audit log."""
    _check_may_report(actor)
    reason, note = _clean_report(reason, note)
    if content.author_id == actor.pk:
        raise ModerationConflict(
            _("You wrote this, so you can't report it. You can edit or delete it yourself.")
        )
    window = report_window(actor)
    retry_after = window.retry_after()
    if retry_after:
        message = _(
            "You've sent a lot of reports in the last hour. Thank you for looking out for "
            "people here; please try again in about %(minutes)s minutes."
        ) % {"minutes": max(1, round(retry_after / 60))}
        if reason == Report.Reason.SELF_HARM:
            message += " " + _(
                "If you think someone is in danger right now, please call your local "
                "emergency number."
            )
        raise ReportRateLimited(message, retry_after=retry_after)
    queue_reason = (
        QueueItem.Reason.CRISIS_CONCERN
        if reason == Report.Reason.SELF_HARM
        else QueueItem.Reason.REPORT
    )
    with transaction.atomic():
        content = _locked(content)
        if content.status != ContentStatus.PUBLISHED:
            raise ModerationConflict(
                _(
                    "This has already been taken down or is waiting for review, so there's "
                    "nothing to report."
                )
            )
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    reporter=actor,
                    content_type=_content_type(content),
                    object_id=content.pk,
                    reason=reason,
                    note=note,
                )
        except IntegrityError:
            raise AlreadyReported(
                _(
                    "You have already reported this. A moderator will look at it; thank you "
                    "for telling us."
                )
            ) from None
        item = _queue_item_open(content=content, reason=queue_reason, detail=str(reason.label))
        report.queue_item = item
        report.save(update_fields=["queue_item"])
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.CONTENT_REPORTED,
            member=content.author,
            content=content,
            queue_item=item,
            reason=str(reason.label),
            details={"reason": str(reason)},
        )
        transaction.on_commit(window.add)
    return report


def content_revision_record(
    *, content: ModeratedContent, editor, title: str = ""
) -> ContentRevision:
    """Keep the text of `content` as it is stored now, before an edit replaces it.

    No permission check: call it inside the edit service's transaction, after that service has
    checked the edit and before it saves the new text. The body and content warning are read
    from the database, so unsaved changes on `content` are never mistaken for the old text."""
    stored = type(content).objects.values("body", "content_warning").get(pk=content.pk)
    return ContentRevision.objects.create(
        content_type=_content_type(content),
        object_id=content.pk,
        title=title,
        body=stored["body"],
        content_warning=stored["content_warning"],
        editor=editor,
    )


def _tell_open_sockets(member_id: int) -> None:
    """A member's open chat sockets re-check what they may do (closed at once when banned)."""
    from groups import broadcast  # the rooms live in groups; moderation only tells them

    broadcast.member_restricted(member_id)


def member_sanction_check(
    *,
    actor,
    member,
    kind: str,
    reason: str,
    group=None,
    ends_at: datetime | None = None,
) -> tuple[str, str]:
    """Raise (PermissionDenied or ModerationConflict) if this sanction can't be given; returns
    the cleaned (kind, reason)."""
    try:
        kind = Sanction.Kind(kind)
    except ValueError:
        raise ModerationInputInvalid(_("Please choose a kind of sanction."), field="kind") from None
    permissions.check_sanction(actor, member, kind=kind, group=group)
    reason = _clean_reason(reason, required=True)
    if kind in (Sanction.Kind.MUTE, Sanction.Kind.SUSPEND):
        if ends_at is None or ends_at <= timezone.now():
            raise ModerationInputInvalid(
                _("Please choose when this ends; it must be in the future."), field="ends_at"
            )
    elif ends_at is not None:
        raise ModerationInputInvalid(
            _("Warnings and bans don't have an end date."), field="ends_at"
        )
    if group is not None and kind not in (Sanction.Kind.WARN, Sanction.Kind.MUTE):
        raise ModerationInputInvalid(
            _("Only warnings and mutes can apply to a single group."), field="kind"
        )
    return kind, reason


def member_sanction(
    *,
    actor,
    member,
    kind: str,
    reason: str,
    group=None,
    ends_at: datetime | None = None,
) -> Sanction:
    """Limit what a member can do. Mutes and suspensions need an end; bans have none; only
    warnings and mutes can be limited to one group. `submit` enforces it from now on; a
    suspension or ban also ends every session and open socket of the member at once."""
    kind, reason = member_sanction_check(
        actor=actor, member=member, kind=kind, reason=reason, group=group, ends_at=ends_at
    )
    now = timezone.now()
    with transaction.atomic():
        sanction = Sanction.objects.create(
            member=member,
            kind=kind,
            group=group,
            reason=reason,
            starts_at=now,
            ends_at=ends_at,
            created_by=actor,
        )
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.MEMBER_SANCTIONED,
            member=member,
            sanction=sanction,
            reason=reason,
            details={
                "kind": kind,
                "group": group.pk if group is not None else None,
                "ends_at": ends_at.isoformat() if ends_at else None,
            },
        )
        if kind in (Sanction.Kind.SUSPEND, Sanction.Kind.BAN):
            # Suspension and ban end every session and socket at once, in every process.
            from community.sessions import member_sessions_end

            member_sessions_end(member=member)
        transaction.on_commit(lambda: _tell_open_sockets(member.pk))
    return sanction


def sanction_lift(*, actor, sanction: Sanction, reason: str = "") -> Sanction:
    """End a sanction early. The record stays."""
    permissions.check_lift_sanction(actor, sanction)
    reason = _clean_reason(reason, required=False)
    with transaction.atomic():
        sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
        if sanction.lifted_at is not None:
            raise ModerationConflict(_("This sanction has already been lifted."))
        sanction.lifted_at = timezone.now()
        sanction.lifted_by = actor
        sanction.lift_reason = reason
        sanction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.SANCTION_LIFTED,
            member=sanction.member,
            sanction=sanction,
            reason=reason,
        )
        member_id = sanction.member_id
        transaction.on_commit(lambda: _tell_open_sockets(member_id))
    return sanction


def _check_not_party_to_appeal_item(actor, item: QueueItem) -> None:
    if item.reason != QueueItem.Reason.APPEAL:
        return
    appeal = Appeal.objects.filter(queue_item_id=item.pk).first()
    if appeal is not None:
        permissions.check_not_party_to_appeal(actor, appeal)


def queue_item_claim(*, actor, item: QueueItem) -> QueueItem:
    """Take an item so two moderators don't work on it at once."""
    permissions.check_work_queue_item(actor, item)
    _check_not_party_to_appeal_item(actor, item)
    with transaction.atomic():
        item = QueueItem.objects.select_for_update().get(pk=item.pk)
        if item.state == QueueItem.State.RESOLVED:
            raise ModerationConflict(_("This item has already been resolved."))
        if item.state == QueueItem.State.CLAIMED:
            if item.claimed_by_id == actor.pk:
                return item
            raise ModerationConflict(
                _("%(name)s is already working on this.") % {"name": item.claimed_by}
            )
        item.state = QueueItem.State.CLAIMED
        item.claimed_by = actor
        item.claimed_at = timezone.now()
        item.save(update_fields=["state", "claimed_by", "claimed_at"])
        on_commit_queue_item_changed(item, QueueEvent.CLAIMED)
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.QUEUE_CLAIMED,
            member=None,
            queue_item=item,
        )
    return item


def queue_item_release(*, actor, item: QueueItem) -> QueueItem:
    """Give a claimed item back to the queue (the claimer, or any moderator)."""
    permissions.check_work_queue_item(actor, item)
    with transaction.atomic():
        item = QueueItem.objects.select_for_update().get(pk=item.pk)
        if item.state != QueueItem.State.CLAIMED:
            raise ModerationConflict(_("Only a claimed item can be released."))
        if item.claimed_by_id != actor.pk and not permissions.is_moderator(actor):
            raise ModerationConflict(_("Only the person working on it can release this."))
        item.state = QueueItem.State.OPEN
        item.claimed_by = None
        item.claimed_at = None
        item.save(update_fields=["state", "claimed_by", "claimed_at"])
        on_commit_queue_item_changed(item, QueueEvent.RELEASED)
        _audit(actor=actor, verb=ModerationAction.Verb.QUEUE_RELEASED, queue_item=item)
    return item


def _check_crisis_resolution(item: QueueItem, *, note: str) -> None:
    """A person who may be at risk is never closed off without a human answer on record: a
    supportive message sent from the dashboard, or a note saying what was done or why nothing
    was needed."""
    if not note and not item.support_messages.exists():
        raise ModerationInputInvalid(
            _(
                "Please send the member a supportive message, or add a note saying what was done "
                "or why no support is needed; then close the item."
            ),
            field="note",
        )


def queue_item_resolve(*, actor, item: QueueItem, resolution: str, note: str = "") -> QueueItem:
    """Close an item with what was done. Approving or removing the content itself is done with
    `content_approve` / `content_remove`, which close its items too."""
    if resolution not in QueueItem.Resolution.values:
        raise ValidationError(
            {"resolution": [_("Please choose “no action needed” or “support offered”.")]}
        )
    resolution = QueueItem.Resolution(resolution)
    if resolution not in RESOLVE_ONLY:
        raise ModerationInputInvalid(
            _("To approve, remove or restore, act on the content itself; that closes the item."),
            field="resolution",
        )
    permissions.check_work_queue_item(actor, item)
    _check_not_party_to_appeal_item(actor, item)
    if item.reason == QueueItem.Reason.APPEAL:
        raise ModerationConflict(
            _("Grant or uphold the appeal instead; the member is told, and that closes the item.")
        )
    note = _clean_reason(note, required=False, field="note")
    with transaction.atomic():
        item = QueueItem.objects.select_for_update().get(pk=item.pk)
        if item.state == QueueItem.State.RESOLVED:
            raise ModerationConflict(_("This item has already been resolved."))
        if item.state == QueueItem.State.CLAIMED and item.claimed_by_id != actor.pk:
            raise ModerationConflict(
                _("%(name)s is working on this; ask them, or release it first.")
                % {"name": item.claimed_by}
            )
        content = item.content
        if content is not None and content.awaits_decision():
            raise ModerationConflict(
                _("This is still held. Approve it or remove it; that closes the item too.")
            )
        if item.reason in CRISIS_REASONS:
            _check_crisis_resolution(item, note=note)
        _mark_resolved(item, actor=actor, resolution=resolution, note=note)
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.QUEUE_RESOLVED,
            member=getattr(content, "author", None),
            content=content,
            queue_item=item,
            reason=note,
            details={"resolution": resolution},
        )
    return item


# --- appeals ---------------------------------------------------------------------------------


def _clean_appeal_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": [_("Please tell us why you think the decision should change.")]}
        )
    if len(text) > Appeal.MAX_TEXT_LENGTH:
        raise ValidationError(
            {
                "text": [
                    _("Please keep your appeal to %(limit)s characters or fewer; it has %(count)s.")
                    % {"limit": Appeal.MAX_TEXT_LENGTH, "count": len(text)}
                ]
            }
        )
    return text


def _remover_of(content: ModeratedContent):
    """The moderator whose removal of `content` is the latest on record (None if unknown)."""
    action = (
        ModerationAction.objects.filter(
            verb=ModerationAction.Verb.CONTENT_REMOVED,
            content_type=_content_type(content),
            object_id=content.pk,
        )
        .select_related("actor")
        .order_by("-pk")
        .first()
    )
    return action.actor if action is not None else None


def appeal_submit(*, actor, content: ModeratedContent | None = None, sanction=None, text: str):
    """A member asks for a second look at the removal of their content or at a sanction on
    them.

    Who and what: only the author of removed content, or the member a sanction is on. Every
    kind of sanction may be appealed, warnings too (a warning stays on the member's record and
    moderators read it as history) and past ones (granting one marks it lifted, so the record
    says it was withdrawn); a sanction already lifted has nothing left to appeal.
    Guarantees: once per member per decision, even under races (AlreadyAppealed, from the
    unique constraints); the text is stripped and 1..2,000 characters (ValidationError on
    `text`); the appeal, its queue item (reason APPEAL, in the content's or sanction's group,
    snapshot = the appeal and what was removed) and the audit row are stored together. Not
    rate-limited: a member can only appeal decisions made about them, each once. The appeal
    text is for moderators and is not copied into the audit log. The text is screened for
    crisis risk like any post: when it shows risk the member is signposted at once
    (`appeal.signpost` holds the SignpostOffer shown, else None) and the appeal is queued at
    crisis priority."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(_("Please log in to appeal."))
    if (content is None) == (sanction is None):
        raise ValidationError(_("Please choose one removal or one limit to appeal."))
    text = _clean_appeal_text(text)
    # An appeal is words from someone who may be struggling: screened like everything else,
    # so risk is signposted at once and the appeal jumps the queue.
    tier = _crisis_tier(text)
    with transaction.atomic():
        if content is not None:
            content = _locked(content)
            if content.author_id != actor.pk:
                raise PermissionDenied(_("You can only appeal decisions about what you wrote."))
            if content.status != ContentStatus.REMOVED:
                raise ModerationConflict(
                    _("This isn't removed (any more), so there is nothing to appeal.")
                )
            target = {"content_type": _content_type(content), "object_id": content.pk}
            acted_by = _remover_of(content)
            group = content.moderation_group()
            snapshot = _("Appeal:\n%(text)s\n\nRemoved %(kind)s:\n%(removed)s") % {
                "text": text,
                "kind": content._meta.verbose_name,
                "removed": content.snapshot_text(),
            }
            detail = _("Appeal against a removal: %(reason)s") % {"reason": content.removal_reason}
        else:
            sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
            if sanction.member_id != actor.pk:
                raise PermissionDenied(_("You can only appeal limits on your own account."))
            if sanction.lifted_at is not None:
                raise ModerationConflict(
                    _("This has already been lifted, so there is nothing to appeal.")
                )
            target = {"sanction": sanction}
            acted_by = sanction.created_by
            group = sanction.group
            snapshot = _("Appeal:\n%(text)s\n\n%(kind)s, reason given:\n%(reason)s") % {
                "text": text,
                "kind": sanction.get_kind_display().capitalize(),
                "reason": sanction.reason,
            }
            detail = _("Appeal against a %(kind)s") % {"kind": sanction.get_kind_display()}
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(
                    appellant=actor, text=text, acted_by=acted_by, **target
                )
        except IntegrityError:
            raise AlreadyAppealed(
                _(
                    "You have already appealed this. Each decision can be appealed once; you "
                    "will see the answer on your moderation page."
                )
            ) from None
        if tier:
            detail = _("%(risk)s in the appeal. %(detail)s") % {
                "risk": QueueItem.Reason(
                    CRISIS_QUEUE_REASON.get(tier, QueueItem.Reason.SOMEONE_ELSE)
                ).label.capitalize(),
                "detail": detail,
            }
        item = QueueItem.objects.create(
            content_type=_content_type(appeal),
            object_id=appeal.pk,
            reason=QueueItem.Reason.APPEAL,
            detail=detail[:1000],
            snapshot=snapshot,
            priority=QueueItem.PRIORITY[CRISIS_QUEUE_REASON.get(tier, QueueItem.Reason.APPEAL)],
            group=group,
            member=actor,
        )
        appeal.queue_item = item
        appeal.save(update_fields=["queue_item"])
        on_commit_queue_item_changed(item, QueueEvent.NEW)
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.APPEAL_SUBMITTED,
            member=actor,
            content=content,
            queue_item=item,
            sanction=sanction,
            details={"appeal": appeal.pk, "risk": tier or "none"},
        )
        appeal.signpost = None
        if tier:
            appeal.signpost = signpost_for(actor, tier)
            signpost_record(member=actor, offer=appeal.signpost)
    return appeal


CRISIS_QUEUE_REASON = {
    URGENT: QueueItem.Reason.CRISIS_URGENT,
    CONCERN: QueueItem.Reason.CRISIS_CONCERN,
}


def _crisis_tier(text: str) -> str:
    """The signpost tier the words call for ("" when none)."""
    assessment = assess_crisis(text)
    if assessment.tier in (URGENT, CONCERN):
        return assessment.tier
    return SOMEONE_ELSE if assessment.about_someone_else else ""


def appeal_decide(*, actor, appeal: Appeal, grant: bool, note: str = "") -> Appeal:
    """Grant (reverse the decision: restore the content or lift the sanction, through
    `content_restore` / `sanction_lift`) or uphold an appeal, and close its queue item.

    Only someone who moderates where the appeal's item is, and never the moderator who made the
    decision (nor the member appealing): PermissionDenied with the reason. The note is shown to
    the member; it is required when upholding, so they always learn why. Exactly one decision
    wins under concurrency (the appeal row is locked); a later one gets ModerationConflict."""
    permissions.check_decide_appeal(actor, appeal)
    note = _clean_reason(note, required=not grant, field="note")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.state != Appeal.State.OPEN:
            raise ModerationConflict(_("This appeal has already been decided."))
        item = QueueItem.objects.select_for_update().get(pk=appeal.queue_item_id)
        if item.state == QueueItem.State.CLAIMED and item.claimed_by_id != actor.pk:
            raise ModerationConflict(
                _("%(name)s is working on this; ask them, or release it first.")
                % {"name": item.claimed_by}
            )
        if grant:
            if appeal.sanction_id is not None:
                sanction = appeal.sanction
                if sanction.lifted_at is None:
                    sanction_lift(
                        actor=actor,
                        sanction=sanction,
                        reason=note or _("Lifted after the member's appeal."),
                    )
            else:
                content = appeal.content
                if content is not None and content.status == ContentStatus.REMOVED:
                    content_restore(
                        actor=actor, content=content, note=note or _("Restored on appeal.")
                    )
        appeal.state = Appeal.State.GRANTED if grant else Appeal.State.UPHELD
        appeal.decided_by = actor
        appeal.decided_at = timezone.now()
        appeal.decision_note = note
        appeal.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        _mark_resolved(
            item,
            actor=actor,
            resolution=QueueItem.Resolution.APPEAL_GRANTED
            if grant
            else QueueItem.Resolution.APPEAL_UPHELD,
            note=note,
        )
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.APPEAL_DECIDED,
            member=appeal.appellant,
            content=appeal.content if appeal.sanction_id is None else None,
            queue_item=item,
            sanction=appeal.sanction,
            reason=note,
            details={"appeal": appeal.pk, "granted": grant},
        )
    return appeal


def _check_watched_words(actor) -> None:
    if not permissions.is_moderator(actor):
        raise PermissionDenied(_("Only moderators manage watched words."))


def watched_word_save(*, actor, word: WatchedWord) -> WatchedWord:
    """Add or change a watched word; logged, since it changes what members may post."""
    _check_watched_words(actor)
    word.phrase = " ".join(word.phrase.split())
    if not phrase_tokens(word.phrase):
        raise ModerationConflict(_("Please enter a word or phrase with letters or digits."))
    with transaction.atomic():
        adding = word.pk is None
        if adding and word.created_by_id is None:
            word.created_by = actor
        word.save()
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.WATCHED_WORD_CHANGED,
            reason=word.reason,
            details={
                "phrase": word.phrase,
                "action": word.action,
                "active": word.is_active,
                "change": "added" if adding else "changed",
            },
        )
    return word


def watched_word_delete(*, actor, word: WatchedWord) -> None:
    _check_watched_words(actor)
    with transaction.atomic():
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.WATCHED_WORD_CHANGED,
            details={"phrase": word.phrase, "action": word.action, "change": "deleted"},
        )
        word.delete()
