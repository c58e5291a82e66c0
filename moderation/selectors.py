"""Reads for moderation: earlier versions (moderators), a member's own record
(their reports' outcomes, their removed content, limits on their account and their appeals) and
the appeals a moderator or facilitator may decide. What an actor may not see is Http404."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from community.ids import db_id_or_404
from moderation import permissions
from moderation.models import (
    Appeal,
    ContentRevision,
    ContentStatus,
    ModeratedContent,
    Report,
    Sanction,
)
from moderation.registry import content_models


def _about(content: ModeratedContent) -> dict:
    return {
        "content_type": ContentType.objects.get_for_model(content, for_concrete_model=True),
        "object_id": content.pk,
    }


def has_reported(actor, content: ModeratedContent) -> bool:
    """True when `actor` has already reported `content` (so a door can say so up front)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return Report.objects.filter(reporter=actor, **_about(content)).exists()


def revisions_for(actor, content: ModeratedContent) -> QuerySet[ContentRevision]:
    """Earlier versions of `content`, newest first. Raises PermissionDenied unless `actor` may
    moderate it: members never read what an author has since replaced."""
    permissions.check_moderate_content(actor, content)
    return ContentRevision.objects.filter(**_about(content)).select_related("editor")


# --- a member's own moderation record -----------------------------------------------------------

EXCERPT_LENGTH = 120


def content_kind(model) -> str:
    """The stable name of a content kind in addresses: "<app label>.<model name>"."""
    return model._meta.label_lower


def excerpt(content: ModeratedContent) -> str:
    text = " ".join(content.snapshot_text().split())
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[: EXCERPT_LENGTH - 1].rstrip() + "…"


@dataclass(frozen=True)
class ReportView:
    """One of a member's reports as they see it: never who decided, never another's note."""

    report: Report
    kind: str
    kind_label: str
    excerpt: str
    outcome_label: str


@dataclass(frozen=True)
class ModeratedItemView:
    """A member's own removed (or returned) content, with the reason and any appeal."""

    content: ModeratedContent
    kind: str
    kind_label: str
    excerpt: str
    reason: str
    returned: bool
    appeal: Appeal | None

    @property
    def may_appeal(self) -> bool:
        return not self.returned and self.appeal is None


@dataclass(frozen=True)
class SanctionView:
    sanction: Sanction
    active: bool
    appeal: Appeal | None

    @property
    def may_appeal(self) -> bool:
        return self.sanction.lifted_at is None and self.appeal is None


def _own(member) -> None:
    if not getattr(member, "is_authenticated", False):
        raise Http404


def reports_for_member(member) -> list[ReportView]:
    """`member`'s reports, newest first, with what came of each. The reported words are shown
    only while they are still up for everyone; what was taken down is not shown again."""
    _own(member)
    reports = list(
        Report.objects.filter(reporter=member)
        .select_related("content_type")
        .prefetch_related("content")
        .order_by("-created_at", "-pk")
    )
    views = []
    for report in reports:
        model = report.content_type.model_class()
        content = report.content
        shown = content is not None and content.status == ContentStatus.PUBLISHED
        views.append(
            ReportView(
                report=report,
                kind=content_kind(model),
                kind_label=str(model._meta.verbose_name),
                excerpt=excerpt(content) if shown else "",
                outcome_label=report.get_outcome_display() if report.outcome else "",
            )
        )
    return views


def appeals_for_member(member) -> QuerySet[Appeal]:
    _own(member)
    return (
        Appeal.objects.filter(appellant=member)
        .select_related("content_type", "sanction")
        .order_by("-created_at", "-pk")
    )


def _appeal_index(member) -> tuple[dict, dict]:
    by_content, by_sanction = {}, {}
    for appeal in Appeal.objects.filter(appellant=member):
        if appeal.sanction_id is not None:
            by_sanction[appeal.sanction_id] = appeal
        else:
            by_content[(appeal.content_type_id, appeal.object_id)] = appeal
    return by_content, by_sanction


def moderated_content_for_member(member) -> list[ModeratedItemView]:
    """Everything `member` wrote that a moderator removed, of every content kind, and any
    content returned to them to revise (a story), newest first, with each one's appeal."""
    _own(member)
    by_content, _by_sanction = _appeal_index(member)
    views = []
    for model in content_models():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
        returnable = any(field.name == "return_note" for field in model._meta.get_fields())
        wanted = Q(status=ContentStatus.REMOVED)
        if returnable:
            wanted |= Q(status=ContentStatus.HELD) & ~Q(return_note="")
        for content in model.objects.filter(Q(author=member) & wanted):
            returned = content.status != ContentStatus.REMOVED
            views.append(
                ModeratedItemView(
                    content=content,
                    kind=content_kind(model),
                    kind_label=str(model._meta.verbose_name),
                    excerpt=excerpt(content),
                    reason=content.return_note if returned else content.removal_reason,
                    returned=returned,
                    appeal=by_content.get((content_type.pk, content.pk)),
                )
            )
    views.sort(key=lambda view: (view.content.created_at, view.content.pk), reverse=True)
    return views


def sanctions_for_member(member) -> list[SanctionView]:
    """Every limit ever placed on `member`, newest first, with each one's appeal."""
    _own(member)
    _by_content, by_sanction = _appeal_index(member)
    now = timezone.now()
    return [
        SanctionView(
            sanction=sanction,
            active=sanction.is_active_at(now),
            appeal=by_sanction.get(sanction.pk),
        )
        for sanction in Sanction.objects.filter(member=member).select_related("group")
    ]


def get_own_removed_content(member, kind: str, object_id) -> ModeratedContent:
    """`member`'s own removed content by kind name and id; Http404 for anything else."""
    _own(member)
    models_by_kind = {content_kind(model): model for model in content_models()}
    model = models_by_kind.get(kind)
    object_id = db_id_or_404(object_id)
    if model is None:
        raise Http404
    return get_object_or_404(model, pk=object_id, author=member, status=ContentStatus.REMOVED)


def get_own_sanction(member, sanction_id) -> Sanction:
    _own(member)
    sanction_id = db_id_or_404(sanction_id)
    return get_object_or_404(
        Sanction.objects.select_related("group"), pk=sanction_id, member=member
    )


# --- appeals for moderators ------------------------------------------------------------------


def appeals_to_decide(actor, *, state: str = Appeal.State.OPEN) -> QuerySet[Appeal]:
    """Appeals `actor` may read: all for moderators, their groups' for facilitators. Raises
    Http404 for everyone else (the same answer as for a page that does not exist)."""
    appeals = Appeal.objects.select_related(
        "appellant", "acted_by", "decided_by", "queue_item", "sanction", "content_type"
    ).order_by("created_at", "pk")
    if state:
        appeals = appeals.filter(state=state)
    if permissions.is_moderator(actor):
        return appeals
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise Http404
    from groups.models import Membership

    groups = Membership.objects.filter(
        member=actor, role=Membership.Role.FACILITATOR, state=Membership.State.ACTIVE
    ).values("group")
    if not groups.exists():
        raise Http404
    return appeals.filter(queue_item__group__in=groups)


def get_appeal_for_moderator(actor, appeal_id: int) -> Appeal:
    return get_object_or_404(appeals_to_decide(actor, state=""), pk=appeal_id)
