"""Reads for the review dashboard: the queue with its tabs, filters and counts, one item with
everything a moderator needs to decide, and the audit log.

Moderators see everything; facilitators only the items of the groups they actively facilitate;
everyone else gets Http404 from every reader here (the same answer as for a page that does not
exist). Each reader costs a fixed number of queries, whatever the number of items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.ids import db_id_or_404, not_found
from moderation import permissions
from moderation.context import ContentContext
from moderation.models import (
    CRISIS_REASONS,
    Appeal,
    CrisisStep,
    ModeratedContent,
    ModerationAction,
    QueueItem,
    QueueNote,
    ReplyTemplate,
    Report,
    Sanction,
    Signpost,
    SupportMessage,
)
from moderation.queue_health import ageing_threshold, is_overdue

ITEMS_PER_PAGE = 25
AUDIT_ROWS_PER_PAGE = 50

TAB_OPEN = "open"
TAB_CRISIS = "crisis"
TAB_REPORTS = "reports"
TAB_HELD = "held"
TAB_APPEALS = "appeals"
TAB_MINE = "mine"
TAB_RESOLVED = "resolved"
TABS: tuple[str, ...] = (
    TAB_OPEN,
    TAB_CRISIS,
    TAB_REPORTS,
    TAB_HELD,
    TAB_APPEALS,
    TAB_MINE,
    TAB_RESOLVED,
)
TAB_LABELS = {
    TAB_OPEN: _("Everything open"),
    TAB_CRISIS: _("Crisis"),
    TAB_REPORTS: _("Reports"),
    TAB_HELD: _("Held"),
    TAB_APPEALS: _("Appeals"),
    TAB_MINE: _("Claimed by me"),
    TAB_RESOLVED: _("Resolved"),
}
HELD_REASONS = frozenset(
    {
        QueueItem.Reason.REVIEW,
        QueueItem.Reason.WATCHED_WORD,
        QueueItem.Reason.NEW_MEMBER,
        QueueItem.Reason.NEW_MEMBER_LINK,
    }
)
# How many resolved items the "resolved" tab counts back (its count is "in the last day").
RESOLVED_TAB_HOURS = 24


class QueueFilterInvalid(Exception):
    """A filter value that names nothing; `field` says which, the message says what to do."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


def facilitated_group_ids(actor) -> list[int]:
    from groups.models import Membership

    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    return list(
        Membership.objects.filter(
            member=actor, role=Membership.Role.FACILITATOR, state=Membership.State.ACTIVE
        ).values_list("group_id", flat=True)
    )


def may_use_queue(actor) -> bool:
    """Moderators, and active facilitators of at least one group."""
    return permissions.is_moderator(actor) or bool(facilitated_group_ids(actor))


def check_may_use_queue(actor) -> None:
    if not may_use_queue(actor):
        raise not_found()


def queue_scope(actor) -> QuerySet[QueueItem]:
    """Every queue item `actor` may see, in any state. Http404 for anyone who may see none.
    Items about the actor themselves are never in it: notes, reports and decisions about a
    person's own words are for someone else (see permissions.can_work_queue_item)."""
    if permissions.is_moderator(actor):
        return QueueItem.objects.exclude(member=actor)
    groups = facilitated_group_ids(actor)
    if not groups:
        raise not_found()
    return QueueItem.objects.filter(group_id__in=groups).exclude(member=actor)


def _kind_label(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else content_type.model


def kind_name(content_type: ContentType) -> str:
    """The stable name of a content kind in filters and payloads: "<app>.<model>"."""
    return f"{content_type.app_label}.{content_type.model}"


@dataclass(frozen=True)
class QueueFilters:
    tab: str = TAB_OPEN
    kind: str = ""
    reason: str = ""
    group: str = ""
    state: str = ""

    @classmethod
    def from_params(cls, params) -> QueueFilters:
        """Read filters from a query dict; empty values mean "any". Unknown values raise
        QueueFilterInvalid rather than silently showing something else."""

        def text(name: str) -> str:
            value = params.get(name)
            if value is None:
                return ""
            if not isinstance(value, str):
                raise QueueFilterInvalid(name, _("Please give this filter as text."))
            return value.strip()

        tab = text("tab") or TAB_OPEN
        if tab not in TABS:
            raise QueueFilterInvalid("tab", _("Please choose one of the tabs."))
        reason = text("reason")
        if reason and reason not in QueueItem.Reason.values:
            raise QueueFilterInvalid("reason", _("Please choose a reason from the list."))
        state = text("state")
        if state and state not in QueueItem.State.values:
            raise QueueFilterInvalid("state", _("Please choose open, claimed or resolved."))
        kind = text("kind").lower()
        if kind and kind not in {name for name, _label in content_kind_choices()}:
            raise QueueFilterInvalid("kind", _("Please choose a kind of content from the list."))
        group = text("group")
        if len(group) > 100:
            raise QueueFilterInvalid("group", _("Please choose a group from the list."))
        return cls(tab=tab, kind=kind, reason=reason, group=group, state=state)

    def as_params(self) -> dict[str, str]:
        return {
            key: value
            for key, value in (
                ("kind", self.kind),
                ("reason", self.reason),
                ("group", self.group),
                ("state", self.state),
            )
            if value
        }


def content_kind_choices() -> list[tuple[str, str]]:
    """Every kind a queue item can point at: each moderated content kind, and appeals."""
    from moderation.registry import content_models

    models = [*content_models(), Appeal]
    return sorted(
        (f"{model._meta.app_label}.{model._meta.model_name}", str(model._meta.verbose_name))
        for model in models
    )


def _tab_filter(tab: str, actor, now: datetime) -> Q:
    unresolved = ~Q(state=QueueItem.State.RESOLVED)
    if tab == TAB_OPEN:
        return unresolved
    if tab == TAB_CRISIS:
        return unresolved & Q(reason__in=CRISIS_REASONS)
    if tab == TAB_REPORTS:
        return unresolved & Q(reason=QueueItem.Reason.REPORT)
    if tab == TAB_HELD:
        return unresolved & Q(reason__in=HELD_REASONS)
    if tab == TAB_APPEALS:
        return unresolved & Q(reason=QueueItem.Reason.APPEAL)
    if tab == TAB_MINE:
        return Q(state=QueueItem.State.CLAIMED, claimed_by=actor)
    return Q(
        state=QueueItem.State.RESOLVED,
        resolved_at__gte=now - timedelta(hours=RESOLVED_TAB_HOURS),
    )


@dataclass(frozen=True)
class QueueCounts:
    tabs: dict[str, int]
    urgent: int
    overdue: int

    def as_payload(self) -> dict:
        return {"tabs": self.tabs, "urgent": self.urgent, "overdue": self.overdue}


def _counts_from(items: QuerySet[QueueItem], actor, now: datetime) -> QueueCounts:
    unresolved = ~Q(state=QueueItem.State.RESOLVED)
    urgent_reason = Q(priority=QueueItem.URGENT_PRIORITY)
    overdue = unresolved & (
        (urgent_reason & Q(created_at__lt=now - ageing_threshold(QueueItem.Reason.CRISIS_URGENT)))
        | (~urgent_reason & Q(created_at__lt=now - ageing_threshold("")))
    )
    row = items.aggregate(
        **{f"tab_{tab}": Count("pk", filter=_tab_filter(tab, actor, now)) for tab in TABS},
        urgent=Count("pk", filter=unresolved & urgent_reason),
        overdue=Count("pk", filter=overdue),
    )
    return QueueCounts(
        tabs={tab: row[f"tab_{tab}"] or 0 for tab in TABS},
        urgent=row["urgent"] or 0,
        overdue=row["overdue"] or 0,
    )


def queue_counts(actor, now: datetime | None = None) -> QueueCounts:
    """Items per tab, urgent crisis items waiting, and overdue items, in `actor`'s scope."""
    return _counts_from(queue_scope(actor), actor, now or timezone.now())


def urgent_count_for_header(actor) -> int | None:
    """The urgent count every moderator page shows in its header; None for everyone else."""
    if not may_use_queue(actor):
        return None
    return (
        queue_scope(actor)
        .filter(priority=QueueItem.URGENT_PRIORITY)
        .exclude(state=QueueItem.State.RESOLVED)
        .count()
    )


@dataclass(frozen=True)
class QueueRow:
    item: QueueItem
    kind: str
    kind_label: str
    excerpt: str
    member: str
    overdue: bool
    is_crisis: bool
    is_urgent: bool

    @property
    def may_bulk(self) -> bool:
        return not self.is_crisis and self.item.state != QueueItem.State.RESOLVED

    def as_payload(self) -> dict:
        item = self.item
        return {
            "id": item.pk,
            "reason": item.reason,
            "reason_label": str(item.get_reason_display()),
            "priority": item.priority,
            "state": item.state,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "excerpt": self.excerpt,
            "member": self.member,
            "group": item.group.slug if item.group_id else None,
            "created_at": item.created_at.isoformat(),
            "overdue": self.overdue,
            "is_crisis": self.is_crisis,
            "claimed_by": str(item.claimed_by) if item.claimed_by_id else None,
            "resolution": item.resolution or None,
            "resolved_at": item.resolved_at.isoformat() if item.resolved_at else None,
        }


EXCERPT_LENGTH = 160


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def _row(item: QueueItem, now: datetime) -> QueueRow:
    return QueueRow(
        item=item,
        kind=kind_name(item.content_type),
        kind_label=_kind_label(item.content_type),
        excerpt=_excerpt(item.snapshot),
        member=str(item.member) if item.member_id else "",
        overdue=is_overdue(item, now),
        is_crisis=item.reason in CRISIS_REASONS,
        is_urgent=item.is_urgent,
    )


def _with_relations(items: QuerySet[QueueItem]) -> QuerySet[QueueItem]:
    return items.select_related("content_type", "group", "member", "claimed_by")


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    page: Page
    counts: QueueCounts
    filters: QueueFilters


def queue_page(actor, filters: QueueFilters, page_number=1) -> QueuePage:
    """One page of the queue: urgent crisis first, then by priority, oldest first (resolved
    items newest first). Five queries for a facilitator, four for a moderator."""
    now = timezone.now()
    scope = queue_scope(actor)
    counts = _counts_from(scope, actor, now)
    items = scope.filter(_tab_filter(filters.tab, actor, now))
    if filters.reason:
        items = items.filter(reason=filters.reason)
    if filters.state:
        items = items.filter(state=filters.state)
    if filters.group:
        items = items.filter(group__slug=filters.group)
    if filters.kind:
        app_label, _dot, model = filters.kind.partition(".")
        items = items.filter(content_type__app_label=app_label, content_type__model=model)
    if filters.tab == TAB_RESOLVED:
        items = items.order_by("-resolved_at", "-pk")
    else:
        items = items.order_by("priority", "created_at", "pk")
    paginator = Paginator(_with_relations(items), ITEMS_PER_PAGE)
    page = paginator.get_page(page_number)
    return QueuePage(
        rows=[_row(item, now) for item in page.object_list],
        page=page,
        counts=counts,
        filters=filters,
    )


def get_queue_item_for(actor, item_id) -> QueueItem:
    """The item, if `actor` may work on it; Http404 otherwise (and for junk ids)."""
    pk = db_id_or_404(item_id)
    try:
        return _with_relations(queue_scope(actor)).get(pk=pk)
    except QueueItem.DoesNotExist:
        raise not_found() from None


def queue_item_payload(actor, item_id: int) -> dict | None:
    """The item as the live socket and the API describe it; None when `actor` may not see it."""
    try:
        item = get_queue_item_for(actor, item_id)
    except Http404:
        return None
    return _row(item, timezone.now()).as_payload()


def queue_filter_groups(actor) -> list:
    """The groups the queue filter offers: every group for moderators, a facilitator's own."""
    from groups.models import PeerGroup

    groups = PeerGroup.objects.order_by("name", "pk")
    if permissions.is_moderator(actor):
        return list(groups)
    return list(groups.filter(pk__in=facilitated_group_ids(actor)))


# --- one item --------------------------------------------------------------------------------

AUTHOR_HISTORY_ITEMS = 10


@dataclass(frozen=True)
class AuthorHistory:
    """What a moderator should know about the member before deciding."""

    member: object
    joined: datetime | None
    earlier_items: list[QueueItem]
    reports_against: int
    removed_count: int
    sanctions: list[Sanction]
    signposts: list[Signpost]

    @property
    def active_sanctions(self) -> list[Sanction]:
        now = timezone.now()
        return [row for row in self.sanctions if row.is_active_at(now)]


@dataclass(frozen=True)
class ChecklistStep:
    step: str
    label: str
    done: CrisisStep | None


@dataclass
class ItemDetail:
    item: QueueItem
    row: QueueRow
    content: ModeratedContent | Appeal | None
    context: ContentContext | None
    author: AuthorHistory | None
    reports: list[Report]
    notes: list[QueueNote]
    support_messages: list[SupportMessage]
    checklist: list[ChecklistStep]
    appeal: Appeal | None
    removal_templates: list[ReplyTemplate] = field(default_factory=list)
    support_templates: list[ReplyTemplate] = field(default_factory=list)
    may_sanction: dict[str, bool] = field(default_factory=dict)
    claimed_by_other: bool = False
    shows_reporters: bool = False

    @property
    def is_open(self) -> bool:
        return self.item.state != QueueItem.State.RESOLVED

    @property
    def is_crisis(self) -> bool:
        return self.row.is_crisis

    @property
    def content_status(self) -> str:
        return getattr(self.content, "status", "")

    @property
    def awaits_decision(self) -> bool:
        content = self.content
        return isinstance(content, ModeratedContent) and content.awaits_decision()


def _author_history(actor, member, *, exclude_item: QueueItem) -> AuthorHistory:
    """The member's record as far as `actor` may see it: everything for moderators; for a
    facilitator only what happened inside their groups (and site-wide sanctions), so they
    never learn what the member wrote, or what help they were shown, elsewhere."""
    scope = queue_scope(actor).filter(member=member)
    earlier = list(
        scope.exclude(pk=exclude_item.pk)
        .select_related("content_type")
        .order_by("-created_at", "-pk")[:AUTHOR_HISTORY_ITEMS]
    )
    tallies = scope.aggregate(
        reports=Count("pk", filter=Q(reason=QueueItem.Reason.REPORT)),
        removed=Count("pk", filter=Q(resolution=QueueItem.Resolution.REMOVED)),
    )
    sanctions = Sanction.objects.filter(member=member).select_related("group", "created_by")
    signposts = Signpost.objects.filter(member=member)
    if not permissions.is_moderator(actor):
        sanctions = sanctions.filter(
            Q(group__isnull=True) | Q(group_id__in=facilitated_group_ids(actor))
        )
        signposts = signposts.filter(
            Exists(
                scope.filter(content_type=OuterRef("content_type"), object_id=OuterRef("object_id"))
            )
        )
    return AuthorHistory(
        member=member,
        joined=getattr(member, "date_joined", None),
        earlier_items=earlier,
        reports_against=tallies["reports"] or 0,
        removed_count=tallies["removed"] or 0,
        sanctions=list(sanctions[:20]),
        signposts=list(signposts[:5]),
    )


def crisis_checklist(item: QueueItem, steps: list[CrisisStep]) -> list[ChecklistStep]:
    done = {row.step: row for row in steps}
    return [
        ChecklistStep(step=value, label=str(label), done=done.get(value))
        for value, label in CrisisStep.Step.choices
    ]


def queue_item_detail(actor, item_id) -> ItemDetail:
    """Everything needed to decide on one item: the content in its context, the author's
    history, every report, internal notes, the crisis checklist and the templates."""
    item = get_queue_item_for(actor, item_id)
    content = item.content
    appeal = content if isinstance(content, Appeal) else None
    context = content.moderation_context() if isinstance(content, ModeratedContent) else None
    member = item.member
    row = _row(item, timezone.now())
    templates = list(ReplyTemplate.objects.filter(is_active=True))
    return ItemDetail(
        item=item,
        row=row,
        content=content,
        context=context,
        author=_author_history(actor, member, exclude_item=item) if member is not None else None,
        reports=list(
            Report.objects.filter(content_type=item.content_type, object_id=item.object_id)
            .select_related("reporter")
            .order_by("created_at", "pk")
        ),
        notes=list(item.notes.select_related("author")),
        support_messages=list(item.support_messages.all()),
        checklist=crisis_checklist(item, list(item.crisis_steps.select_related("done_by")))
        if row.is_crisis
        else [],
        appeal=appeal,
        removal_templates=[t for t in templates if t.kind == ReplyTemplate.Kind.REMOVAL],
        support_templates=[t for t in templates if t.kind == ReplyTemplate.Kind.SUPPORT],
        may_sanction={
            kind: member is not None
            and permissions.can_sanction(actor, member, kind=kind, group=item.group)
            for kind in Sanction.Kind.values
        },
        claimed_by_other=item.state == QueueItem.State.CLAIMED and item.claimed_by_id != actor.pk,
        shows_reporters=permissions.can_see_reporters(actor),
    )


# --- templates and the audit log ---------------------------------------------------------------


def reply_templates(actor, *, kind: str = "", include_inactive: bool = False):
    check_may_use_queue(actor)
    rows = ReplyTemplate.objects.select_related("updated_by")
    if kind:
        rows = rows.filter(kind=kind)
    if not include_inactive:
        rows = rows.filter(is_active=True)
    return rows


def get_reply_template_for(actor, template_id) -> ReplyTemplate:
    """One template; retired (inactive) ones only for moderators, who may bring them back."""
    pk = db_id_or_404(template_id)
    try:
        return reply_templates(actor, include_inactive=permissions.is_moderator(actor)).get(pk=pk)
    except ReplyTemplate.DoesNotExist:
        raise not_found() from None


def audit_log(
    actor, *, moderator: str = "", member: str = "", verb: str = ""
) -> QuerySet[ModerationAction]:
    """The audit log for moderators, newest first, filtered by who acted (pseudonym), whom it
    concerned (pseudonym) and the action. Http404 for everyone else, facilitators included."""
    if not permissions.is_moderator(actor):
        raise not_found()
    rows = ModerationAction.objects.select_related("actor", "member", "content_type")
    if verb:
        if verb not in ModerationAction.Verb.values:
            raise QueueFilterInvalid("verb", _("Please choose an action from the list."))
        rows = rows.filter(verb=verb)
    if moderator:
        rows = rows.filter(actor__pseudonym__iexact=moderator.strip())
    if member:
        rows = rows.filter(member__pseudonym__iexact=member.strip())
    return rows.order_by("-pk")
