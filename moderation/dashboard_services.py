"""Writes that moderators make from the review dashboard: internal notes, bulk decisions on
non-crisis items, the crisis checklist, supportive messages to members and the message
templates. Like every service, each checks permission, writes its audit row in the same
transaction and tells live readers only after commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.ids import db_id_or_404
from community.signposting import CONCERN, SOMEONE_ELSE, URGENT, signpost_for
from moderation import permissions
from moderation.broadcast import QueueEvent, on_commit_queue_item_changed
from moderation.models import (
    CrisisStep,
    ModeratedContent,
    ModerationAction,
    QueueItem,
    QueueNote,
    ReplyTemplate,
    Sanction,
    Signpost,
    SupportMessage,
)
from moderation.queue_selectors import CRISIS_REASONS, get_queue_item_for
from moderation.services import (
    ModerationConflict,
    _audit,
    _check_not_party_to_appeal_item,
    content_approve,
    member_sanction,
    queue_item_resolve,
    signpost_record,
)

MAX_BULK_ITEMS = 100
SIGNPOST_TIER_FOR_REASON = {
    QueueItem.Reason.CRISIS_URGENT: URGENT,
    QueueItem.Reason.CRISIS_CONCERN: CONCERN,
    QueueItem.Reason.SOMEONE_ELSE: SOMEONE_ELSE,
}


def _clean_text(text: str, *, limit: int, field_name: str, empty_message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field_name: [empty_message]})
    if len(text) > limit:
        raise ValidationError(
            {
                field_name: [
                    _("Please keep this to %(limit)s characters or fewer; it has %(count)s.")
                    % {"limit": limit, "count": len(text)}
                ]
            }
        )
    return text


def _locked_item(actor, item: QueueItem) -> QueueItem:
    """The item under a row lock, checked again for scope (it may have moved meanwhile)."""
    permissions.check_work_queue_item(actor, item)
    return QueueItem.objects.select_for_update().get(pk=item.pk)


def queue_note_add(*, actor, item: QueueItem, text: str) -> QueueNote:
    """Leave an internal note on an item for other moderators. Members never see notes."""
    permissions.check_work_queue_item(actor, item)
    text = _clean_text(
        text,
        limit=QueueNote.MAX_TEXT_LENGTH,
        field_name="text",
        empty_message=_("Please write the note first."),
    )
    with transaction.atomic():
        item = _locked_item(actor, item)
        note = QueueNote.objects.create(queue_item=item, author=actor, text=text)
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.NOTE_ADDED,
            member=item.member,
            queue_item=item,
            details={"note": note.pk},
        )
        on_commit_queue_item_changed(item, QueueEvent.UPDATED)
    return note


# --- bulk decisions ------------------------------------------------------------------------------


@dataclass
class BulkResult:
    """Which items were handled, and why the others were left alone (item id -> message)."""

    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def _bulk_items(actor, item_ids: Iterable) -> tuple[list[QueueItem], BulkResult]:
    # "5" and 5 are the same item: parse first, then drop repeats. Junk keeps its raw key.
    ids = []
    for raw in item_ids:
        try:
            ids.append(db_id_or_404(raw))
        except Http404:
            ids.append(raw if isinstance(raw, str | int) else repr(raw))
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValidationError({"items": [_("Please choose at least one item.")]})
    if len(ids) > MAX_BULK_ITEMS:
        raise ValidationError(
            {"items": [_("Please choose %(limit)s items or fewer.") % {"limit": MAX_BULK_ITEMS}]}
        )
    result = BulkResult()
    items = []
    for raw in ids:
        try:
            item = get_queue_item_for(actor, raw)
        except Http404:
            result.skipped[raw] = _("We couldn't find this item.")
            continue
        if item.reason in CRISIS_REASONS:
            result.skipped[item.pk] = _(
                "Crisis items are never decided in bulk; please open this one."
            )
            continue
        if item.state == QueueItem.State.RESOLVED:
            result.skipped[item.pk] = _("This item has already been resolved.")
            continue
        items.append(item)
    return items, result


def queue_items_bulk_approve(*, actor, item_ids: Iterable) -> BulkResult:
    """Approve the content of several non-crisis items (which closes them). Crisis items,
    appeals, items out of scope and items that fail are skipped with a reason; each approval
    is its own transaction, so one failure never undoes the others."""
    items, result = _bulk_items(actor, item_ids)
    for item in items:
        content = item.content
        if not isinstance(content, ModeratedContent):
            result.skipped[item.pk] = _("Appeals are decided one at a time; please open it.")
            continue
        try:
            _check_not_party_to_appeal_item(actor, item)
            with transaction.atomic():
                # The same lock order as content_approve (content, then its items), so two
                # moderators approving at once can't both be told it was theirs.
                content = type(content).objects.select_for_update().get(pk=content.pk)
                fresh = QueueItem.objects.select_for_update().get(pk=item.pk)
                if fresh.state == QueueItem.State.RESOLVED:
                    raise ModerationConflict(_("This item has already been resolved."))
                content_approve(actor=actor, content=content)
        except (ModerationConflict, PermissionDenied) as error:
            result.skipped[item.pk] = str(error)
            continue
        result.done.append(item.pk)
    return result


def queue_items_bulk_resolve(*, actor, item_ids: Iterable, note: str = "") -> BulkResult:
    """Close several non-crisis items as "no action needed" (held content must be approved or
    removed instead; appeals are decided one by one)."""
    items, result = _bulk_items(actor, item_ids)
    for item in items:
        try:
            queue_item_resolve(
                actor=actor, item=item, resolution=QueueItem.Resolution.NO_ACTION, note=note
            )
        except (ModerationConflict, PermissionDenied) as error:
            result.skipped[item.pk] = str(error)
            continue
        result.done.append(item.pk)
    return result


def queue_item_sanction(
    *,
    actor,
    item: QueueItem,
    kind: str,
    reason: str,
    ends_at: datetime | None = None,
    in_group: bool | None = None,
) -> Sanction:
    """Warn, mute, suspend or ban the member an item is about. `in_group` True limits the
    sanction to the item's group and False applies it everywhere; None picks the narrowest the
    kind allows (a warning or mute about a group item stays in that group; suspensions and bans
    are site-wide). `member_sanction` checks who may give what, and records it."""
    permissions.check_work_queue_item(actor, item)
    if item.member_id is None:
        raise ModerationConflict(_("We don't know who wrote this, so there is no one to limit."))
    if in_group is None:
        in_group = item.group_id is not None and kind in (Sanction.Kind.WARN, Sanction.Kind.MUTE)
    if in_group and item.group_id is None:
        raise ValidationError({"in_group": [_("This item isn't in a group.")]})
    return member_sanction(
        actor=actor,
        member=item.member,
        kind=kind,
        reason=reason,
        group=item.group if in_group else None,
        ends_at=ends_at,
    )


# --- the crisis checklist -----------------------------------------------------------------------


def _check_crisis_item(actor, item: QueueItem) -> None:
    permissions.check_work_queue_item(actor, item)
    if item.reason not in CRISIS_REASONS:
        raise ModerationConflict(_("The crisis checklist is only for crisis items."))
    if item.member_id is None:
        raise ModerationConflict(_("We don't know who wrote this, so there is no one to reach."))


def _step_record(
    *, actor, item: QueueItem, step: str, note: str = "", audit: bool = True
) -> CrisisStep:
    try:
        with transaction.atomic():
            row = CrisisStep.objects.create(queue_item=item, step=step, note=note, done_by=actor)
    except IntegrityError:
        raise ModerationConflict(
            _("Someone has already recorded this step: %(step)s.")
            % {"step": CrisisStep.Step(step).label}
        ) from None
    if audit:
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.CRISIS_STEP,
            member=item.member,
            queue_item=item,
            reason=note,
            details={"step": step},
        )
    on_commit_queue_item_changed(item, QueueEvent.UPDATED)
    return row


def _tell_member(member_id: int, payload: dict) -> None:
    """Show something to the member at once in any chat room they have open."""
    from groups import broadcast  # the rooms live in groups; moderation only tells them

    broadcast.member_support(member_id, payload)


def crisis_signpost_confirm(*, actor, item: QueueItem) -> CrisisStep:
    """Confirm the member has been shown help. If the pipeline showed them none for this
    content (for example, another member reported the risk), they are shown it now."""
    _check_crisis_item(actor, item)
    with transaction.atomic():
        item = _locked_item(actor, item)
        shown = Signpost.objects.filter(
            member_id=item.member_id, content_type=item.content_type, object_id=item.object_id
        ).exists()
        note = _("Help had been shown when they wrote it.")
        if not shown:
            offer = signpost_for(item.member, SIGNPOST_TIER_FOR_REASON[item.reason])
            signpost_record(member=item.member, offer=offer, content=item.content)
            payload = {"type": "signpost", **offer.as_payload()}
            member_id = item.member_id
            transaction.on_commit(lambda: _tell_member(member_id, payload))
            note = _("Help was shown to them now.")
        return _step_record(
            actor=actor, item=item, step=CrisisStep.Step.SIGNPOST_CONFIRMED, note=note
        )


def support_message_send(*, actor, item: QueueItem, text: str) -> SupportMessage:
    """Send the member a private supportive message from "the moderation team" (never named),
    with help for their country. On a crisis item it ticks the checklist's step. The member
    sees it in their notifications and at once in any chat room they have open."""
    from community.models import Notification

    permissions.check_work_queue_item(actor, item)
    if item.member_id is None:
        raise ModerationConflict(_("We don't know who wrote this, so there is no one to reach."))
    text = _clean_text(
        text,
        limit=SupportMessage.MAX_TEXT_LENGTH,
        field_name="text",
        empty_message=_("Please write the message, or start from a template."),
    )
    with transaction.atomic():
        item = _locked_item(actor, item)
        tier = SIGNPOST_TIER_FOR_REASON.get(item.reason, CONCERN)
        offer = signpost_for(item.member, tier)
        message = SupportMessage.objects.create(
            member=item.member,
            text=text,
            resources=offer.resources,
            queue_item=item,
            sent_by=actor,
        )
        Notification.objects.create(
            recipient_id=item.member_id,
            kind=Notification.Kind.SUPPORT_MESSAGE,
            support_message=message,
        )
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.SUPPORT_SENT,
            member=item.member,
            queue_item=item,
            details={"support_message": message.pk},
        )
        if (
            item.reason in CRISIS_REASONS
            and not item.crisis_steps.filter(step=CrisisStep.Step.SUPPORT_SENT).exists()
        ):
            # One action, one audit row: the SUPPORT_SENT row above records this step.
            _step_record(actor=actor, item=item, step=CrisisStep.Step.SUPPORT_SENT, audit=False)
        else:
            on_commit_queue_item_changed(item, QueueEvent.UPDATED)
        payload = {
            "type": "support",
            "id": message.pk,
            "text": text,
            "resources": offer.resources,
        }
        member_id = item.member_id
        transaction.on_commit(lambda: _tell_member(member_id, payload))
    return message


def crisis_follow_up_note(*, actor, item: QueueItem, note: str) -> CrisisStep:
    """Record what follow-up is planned (or that none is needed, and why)."""
    _check_crisis_item(actor, item)
    note = _clean_text(
        note,
        limit=QueueNote.MAX_TEXT_LENGTH,
        field_name="note",
        empty_message=_("Please note the follow-up, for example when to check in again."),
    )
    with transaction.atomic():
        item = _locked_item(actor, item)
        return _step_record(actor=actor, item=item, step=CrisisStep.Step.FOLLOW_UP, note=note)


def crisis_escalate(*, actor, item: QueueItem, note: str) -> CrisisStep:
    """Record that the person may be in immediate danger and what was done (for example, the
    emergency services were called with what the member shared). Only moderators escalate;
    every open dashboard hears of it."""
    _check_crisis_item(actor, item)
    if not permissions.is_moderator(actor):
        raise PermissionDenied(
            _("Please ask a moderator to escalate; they can contact emergency services.")
        )
    note = _clean_text(
        note,
        limit=QueueNote.MAX_TEXT_LENGTH,
        field_name="note",
        empty_message=_("Please say what was done, for example who was called and when."),
    )
    with transaction.atomic():
        item = _locked_item(actor, item)
        return _step_record(actor=actor, item=item, step=CrisisStep.Step.ESCALATED, note=note)


def support_messages_mark_read(*, member, ids: Iterable[int] | None = None) -> int:
    """Mark a member's supportive messages as read (all, or these ids); returns how many."""
    from community.models import Notification

    rows = SupportMessage.objects.filter(member=member, read_at__isnull=True)
    if ids is not None:
        clean = []
        for raw in ids:
            try:
                clean.append(db_id_or_404(raw))
            except Http404:
                continue
        rows = rows.filter(pk__in=clean)
    now = timezone.now()
    with transaction.atomic():
        # The bell counts the notification, so it is read together with its message.
        Notification.objects.filter(
            recipient=member, read_at__isnull=True, support_message__in=rows.values("pk")
        ).update(read_at=now)
        return rows.update(read_at=now)


# --- templates -------------------------------------------------------------------------------


def _check_templates(actor) -> None:
    if not permissions.is_moderator(actor):
        raise PermissionDenied(_("Only moderators can change message templates."))


def reply_template_save(
    *,
    actor,
    template: ReplyTemplate | None = None,
    kind: str,
    title: str,
    body: str,
    is_active: bool = True,
    order: int = 0,
) -> ReplyTemplate:
    """Create or change a message template (moderators only)."""
    _check_templates(actor)
    if kind not in ReplyTemplate.Kind.values:
        raise ValidationError({"kind": [_("Please choose removal reason or supportive message.")]})
    title = _clean_text(
        title, limit=80, field_name="title", empty_message=_("Please give the template a title.")
    )
    body = _clean_text(
        body,
        limit=ReplyTemplate.MAX_BODY_LENGTH,
        field_name="body",
        empty_message=_("Please write the text of the template."),
    )
    try:
        order = int(order)
    except (TypeError, ValueError):
        raise ValidationError({"order": [_("Please give the order as a whole number.")]}) from None
    if not 0 <= order <= 32767:
        raise ValidationError({"order": [_("Please choose an order from 0 to 32767.")]})
    duplicate = ReplyTemplate.objects.filter(kind=kind, title__iexact=title)
    if template is not None:
        duplicate = duplicate.exclude(pk=template.pk)
    if duplicate.exists():
        raise ValidationError({"title": [_("A template with this title already exists.")]})
    with transaction.atomic():
        created = template is None
        template = template or ReplyTemplate()
        template.kind, template.title, template.body = kind, title, body
        template.is_active, template.order = bool(is_active), int(order)
        template.updated_at, template.updated_by = timezone.now(), actor
        try:
            with transaction.atomic():
                template.save()
        except IntegrityError:
            raise ValidationError(
                {"title": [_("A template with this title already exists.")]}
            ) from None
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.TEMPLATE_CHANGED,
            details={
                "template": template.pk,
                "kind": kind,
                "title": title,
                "change": "created" if created else "changed",
            },
        )
    return template


def reply_template_delete(*, actor, template: ReplyTemplate) -> None:
    """Delete a template. Messages already sent keep their own text."""
    _check_templates(actor)
    with transaction.atomic():
        _audit(
            actor=actor,
            verb=ModerationAction.Verb.TEMPLATE_CHANGED,
            details={
                "template": template.pk,
                "kind": template.kind,
                "title": template.title,
                "change": "deleted",
            },
        )
        template.delete()
