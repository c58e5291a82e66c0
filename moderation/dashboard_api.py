"""REST door of the review dashboard, under /api/v1/moderation/: the queue and its counts, one
item with everything needed to decide, the actions on an item, bulk decisions, message templates
and queue health. Views parse input, call one selector or service and render its result or its
error; every rule lives in moderation.services, moderation.dashboard_services and
moderation.queue_selectors, which the HTML dashboard and the live socket use too.

Who: moderators everywhere; facilitators for the items of the groups they facilitate. Everyone
else gets 404 from every endpoint, whatever the method, the same answer as for an item that does
not exist; so does an item outside a facilitator's groups, and a junk id.

Errors are `{code, detail, fields?}` (community.api_errors): 400 `invalid` for bad input (with
`fields: {name: [messages]}`, a query parameter's name included), 403 `permission_denied` when
the item is yours to see but the action is not yours to take (a facilitator banning, say), 404
`not_found`, 409 `conflict` when the action doesn't fit the item's state (someone else is working
on it, already resolved, ...), and 413 `too_large` for a body over MAX_BODY_BYTES."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from community.api_errors import ApiErrorSerializer
from community.forum_api import ForumAPIView
from community.ids import db_id_or_404, not_found
from moderation import dashboard_services, permissions, queue_health, queue_selectors, services
from moderation.api_access import UsesQueue
from moderation.dashboard_serializers import (
    AppealDecisionInputSerializer,
    BulkInputSerializer,
    BulkResultSerializer,
    CrisisStepSerializer,
    ItemDetailSerializer,
    ItemRemoveInputSerializer,
    NoteInputSerializer,
    NoteSerializer,
    QueueHealthSerializer,
    QueuePageSerializer,
    QueueRowSerializer,
    ReplyTemplateInputSerializer,
    ReplyTemplateSerializer,
    ResolveInputSerializer,
    SanctionInputSerializer,
    SanctionRowSerializer,
    SupportInputSerializer,
    SupportMessageSerializer,
    TextInputSerializer,
    item_detail_data,
)
from moderation.models import Appeal, ModeratedContent, QueueItem, ReplyTemplate
from moderation.queue_selectors import QueueFilterInvalid

# The largest body any endpoint here needs is a template (1,000 characters) or a bulk decision
# on 100 items; anything far beyond that is refused before it is parsed.
MAX_BODY_BYTES = 64 * 1024
TIMING_DAYS = 7


class DashboardAPIView(ForumAPIView):
    permission_classes = [UsesQueue]

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise RequestDataTooBig


def _valid(serializer_class, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _row(actor, item_id: int) -> dict:
    """The item as it stands now, as the actor may see it."""
    payload = queue_selectors.queue_item_payload(actor, item_id)
    if payload is None:
        raise not_found()
    return payload


def _content_of(item: QueueItem) -> ModeratedContent:
    content = item.content
    if isinstance(content, Appeal):
        raise services.ModerationConflict(
            _("This is an appeal; grant or uphold it instead, and the member is told.")
        )
    if not isinstance(content, ModeratedContent):
        raise services.ModerationConflict(_("What this item was about is no longer here."))
    return content


def _template_text(actor, template_id: int, kind: str) -> str:
    """The text of an active template of `kind` the actor may use; 400 when there is none."""
    template = queue_selectors.reply_templates(actor, kind=kind).filter(pk=template_id).first()
    if template is None:
        raise ValidationError({"template": [_("Please choose one of the templates offered.")]})
    return template.body


# --- schema pieces ----------------------------------------------------------------------------

ITEM_ID = OpenApiParameter("item_id", int, OpenApiParameter.PATH, description="A queue item.")
TEMPLATE_ID = OpenApiParameter(
    "template_id", int, OpenApiParameter.PATH, description="A message template."
)
NOT_FOUND = OpenApiResponse(
    ApiErrorSerializer, description="No such thing, or not yours to see (members: everything)."
)
INVALID = OpenApiResponse(ApiErrorSerializer, description="Bad input; `fields` says what.")
FORBIDDEN = OpenApiResponse(
    ApiErrorSerializer, description="Yours to see but not to do (or no CSRF token); see detail."
)
CONFLICT = OpenApiResponse(
    ApiErrorSerializer,
    description="Doesn't fit the item's state: someone else is working on it, it is already "
    "resolved, ... (`code` is conflict; detail says what to do).",
)
TOO_LARGE = OpenApiResponse(ApiErrorSerializer, description="The request body is too large.")
ACTION_ERRORS = {400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT, 413: TOO_LARGE}
TAGS = ["moderation dashboard"]


def _action_schema(summary: str, request=None, response=QueueRowSerializer, code: int = 200):
    return extend_schema(
        parameters=[ITEM_ID],
        request=request,
        responses={code: response, **ACTION_ERRORS},
        summary=summary,
        tags=TAGS,
    )


# --- the queue --------------------------------------------------------------------------------


def _page_links(request: Request, page) -> tuple[str | None, str | None]:
    url = request.build_absolute_uri()
    following = (
        replace_query_param(url, "page", page.next_page_number()) if page.has_next() else None
    )
    previous = None
    if page.has_previous():
        number = page.previous_page_number()
        previous = (
            replace_query_param(url, "page", number)
            if number > 1
            else remove_query_param(url, "page")
        )
    return following, previous


class QueueView(DashboardAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "tab", str, enum=list(queue_selectors.TABS), description="Default open."
            ),
            OpenApiParameter("kind", str, description="A content kind, e.g. groups.chatmessage."),
            OpenApiParameter("reason", str, enum=QueueItem.Reason.values),
            OpenApiParameter("group", str, description="A peer group's slug."),
            OpenApiParameter("state", str, enum=QueueItem.State.values),
            OpenApiParameter("page", int, description="From 1; past the end gives the last page."),
        ],
        responses={200: QueuePageSerializer, 400: INVALID, 404: NOT_FOUND},
        operation_id="v1_moderation_queue_list",
        summary="The review queue: urgent crisis items first, then by priority, oldest first",
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        filters = queue_selectors.QueueFilters.from_params(request.query_params)
        page = queue_selectors.queue_page(
            request.user, filters, request.query_params.get("page") or 1
        )
        following, previous = _page_links(request, page.page)
        return Response(
            {
                "counts": page.counts.as_payload(),
                "count": page.page.paginator.count,
                "next": following,
                "previous": previous,
                "results": [row.as_payload() for row in page.rows],
            }
        )


class QueueItemView(DashboardAPIView):
    @extend_schema(
        parameters=[ITEM_ID],
        responses={200: ItemDetailSerializer, 404: NOT_FOUND},
        operation_id="v1_moderation_queue_item_retrieve",
        summary="One item with its content in context, the author's history, reports and notes",
        tags=TAGS,
    )
    def get(self, request: Request, item_id: str) -> Response:
        return Response(item_detail_data(queue_selectors.queue_item_detail(request.user, item_id)))


class _ItemActionView(DashboardAPIView):
    """POST on one item: find it within the actor's scope (404 otherwise), check the input's
    types, call one service (`act`) and answer with what it returns."""

    input_serializer = None
    created = False

    def post(self, request: Request, item_id: str) -> Response:
        item = queue_selectors.get_queue_item_for(request.user, item_id)
        data = _valid(self.input_serializer, request) if self.input_serializer else {}
        body = self.act(request.user, item, data)
        return Response(
            body, status=status.HTTP_201_CREATED if self.created else status.HTTP_200_OK
        )

    def act(self, actor, item: QueueItem, data: dict) -> dict:
        raise NotImplementedError


class ClaimView(_ItemActionView):
    @_action_schema("Claim an item so nobody else works on it (claiming it again is harmless)")
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        services.queue_item_claim(actor=actor, item=item)
        return _row(actor, item.pk)


class ReleaseView(_ItemActionView):
    @_action_schema("Give a claimed item back to the queue")
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        services.queue_item_release(actor=actor, item=item)
        return _row(actor, item.pk)


class ResolveView(_ItemActionView):
    input_serializer = ResolveInputSerializer

    @_action_schema("Close an item: no action needed, or support offered", ResolveInputSerializer)
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        services.queue_item_resolve(
            actor=actor, item=item, resolution=data["resolution"], note=data["note"]
        )
        return _row(actor, item.pk)


class ApproveView(_ItemActionView):
    input_serializer = NoteInputSerializer

    @_action_schema(
        "Approve the content (publishes held content) and close its items", NoteInputSerializer
    )
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        services.content_approve(actor=actor, content=_content_of(item), note=data["note"])
        return _row(actor, item.pk)


class RemoveView(_ItemActionView):
    input_serializer = ItemRemoveInputSerializer

    @_action_schema(
        "Take the content down with a reason (or a removal template) its author sees",
        ItemRemoveInputSerializer,
    )
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        reason = data.get("reason")
        if "template" in data:
            reason = _template_text(actor, data["template"], ReplyTemplate.Kind.REMOVAL)
        services.content_remove(actor=actor, content=_content_of(item), reason=reason)
        return _row(actor, item.pk)


class RestoreView(_ItemActionView):
    input_serializer = NoteInputSerializer

    @_action_schema("Publish again content a moderator removed", NoteInputSerializer)
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        services.content_restore(actor=actor, content=_content_of(item), note=data["note"])
        return _row(actor, item.pk)


class SanctionView(_ItemActionView):
    input_serializer = SanctionInputSerializer
    created = True

    @_action_schema(
        "Warn, mute, suspend or ban the member the item is about",
        SanctionInputSerializer,
        SanctionRowSerializer,
        201,
    )
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        ends_at = data.get("ends_at")
        if "duration_hours" in data:
            ends_at = timezone.now() + timedelta(hours=data["duration_hours"])
        sanction = dashboard_services.queue_item_sanction(
            actor=actor,
            item=item,
            kind=data["kind"],
            reason=data["reason"],
            ends_at=ends_at,
            in_group=data["in_group"],
        )
        return SanctionRowSerializer(sanction).data


class NotesView(_ItemActionView):
    input_serializer = TextInputSerializer
    created = True

    @_action_schema(
        "Leave an internal note for other moderators (members never see it)",
        TextInputSerializer,
        NoteSerializer,
        201,
    )
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        note = dashboard_services.queue_note_add(actor=actor, item=item, text=data["text"])
        return NoteSerializer(note).data


class SupportView(_ItemActionView):
    input_serializer = SupportInputSerializer
    created = True

    @_action_schema(
        "Send the member a private supportive message from the moderation team",
        SupportInputSerializer,
        SupportMessageSerializer,
        201,
    )
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        text = data.get("text")
        if "template" in data:
            text = _template_text(actor, data["template"], ReplyTemplate.Kind.SUPPORT)
        message = dashboard_services.support_message_send(actor=actor, item=item, text=text)
        return SupportMessageSerializer(message).data


class CrisisSignpostView(_ItemActionView):
    created = True

    @_action_schema(
        "Crisis checklist: confirm the member was shown help (shows it now if it wasn't)",
        None,
        CrisisStepSerializer,
        201,
    )
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        step = dashboard_services.crisis_signpost_confirm(actor=actor, item=item)
        return CrisisStepSerializer(step).data


class CrisisFollowUpView(_ItemActionView):
    input_serializer = NoteInputSerializer
    created = True

    @_action_schema(
        "Crisis checklist: note the follow-up planned",
        NoteInputSerializer,
        CrisisStepSerializer,
        201,
    )
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        step = dashboard_services.crisis_follow_up_note(actor=actor, item=item, note=data["note"])
        return CrisisStepSerializer(step).data


class CrisisEscalateView(_ItemActionView):
    input_serializer = NoteInputSerializer
    created = True

    @_action_schema(
        "Crisis checklist: record an escalation (the person may be in immediate danger; "
        "moderators only)",
        NoteInputSerializer,
        CrisisStepSerializer,
        201,
    )
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        step = dashboard_services.crisis_escalate(actor=actor, item=item, note=data["note"])
        return CrisisStepSerializer(step).data


class AppealDecisionView(_ItemActionView):
    input_serializer = AppealDecisionInputSerializer

    @_action_schema(
        "Grant or uphold the appeal this item is (never the moderator who made the decision)",
        AppealDecisionInputSerializer,
    )
    def post(self, request: Request, item_id: str) -> Response:
        return super().post(request, item_id)

    def act(self, actor, item, data):
        appeal = item.content
        if not isinstance(appeal, Appeal):
            raise services.ModerationConflict(_("This item isn't an appeal."))
        services.appeal_decide(actor=actor, appeal=appeal, grant=data["grant"], note=data["note"])
        return _row(actor, item.pk)


class BulkView(DashboardAPIView):
    @extend_schema(
        request=BulkInputSerializer,
        responses={200: BulkResultSerializer, 400: INVALID, 404: NOT_FOUND, 413: TOO_LARGE},
        summary="Approve or resolve several non-crisis items; the others are skipped, with why",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        data = _valid(BulkInputSerializer, request)
        if data["action"] == "approve":
            result = dashboard_services.queue_items_bulk_approve(
                actor=request.user, item_ids=data["items"]
            )
        else:
            result = dashboard_services.queue_items_bulk_resolve(
                actor=request.user, item_ids=data["items"], note=data["note"]
            )
        return Response(
            {
                "done": result.done,
                "skipped": {str(pk): str(why) for pk, why in result.skipped.items()},
            }
        )


# --- templates --------------------------------------------------------------------------------


def _visible_templates(actor):
    """Moderators see every template; facilitators only those offered on the dashboard."""
    return queue_selectors.reply_templates(actor, include_inactive=permissions.is_moderator(actor))


class TemplatesView(DashboardAPIView):
    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=ReplyTemplate.Kind.values)],
        responses={200: ReplyTemplateSerializer(many=True), 400: INVALID, 404: NOT_FOUND},
        summary="Message templates (facilitators: the active ones)",
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        rows = _visible_templates(request.user)
        kind = request.query_params.get("kind", "")
        if kind:
            if kind not in ReplyTemplate.Kind.values:
                raise QueueFilterInvalid("kind", _("Please choose removal or support."))
            rows = rows.filter(kind=kind)
        return Response(ReplyTemplateSerializer(rows, many=True).data)

    @extend_schema(
        request=ReplyTemplateInputSerializer,
        responses={201: ReplyTemplateSerializer, **ACTION_ERRORS},
        summary="Add a message template (moderators only)",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        data = _valid(ReplyTemplateInputSerializer, request)
        template = dashboard_services.reply_template_save(actor=request.user, **data)
        return Response(ReplyTemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateView(DashboardAPIView):
    def _template(self, actor, template_id: str) -> ReplyTemplate:
        template = _visible_templates(actor).filter(pk=db_id_or_404(template_id)).first()
        if template is None:
            raise not_found()
        return template

    @extend_schema(
        parameters=[TEMPLATE_ID],
        responses={200: ReplyTemplateSerializer, 404: NOT_FOUND},
        summary="One message template",
        tags=TAGS,
    )
    def get(self, request: Request, template_id: str) -> Response:
        return Response(ReplyTemplateSerializer(self._template(request.user, template_id)).data)

    @extend_schema(
        parameters=[TEMPLATE_ID],
        request=ReplyTemplateInputSerializer(partial=True),
        responses={200: ReplyTemplateSerializer, **ACTION_ERRORS},
        summary="Change a message template; fields left out stay as they are (moderators only)",
        tags=TAGS,
    )
    def patch(self, request: Request, template_id: str) -> Response:
        template = self._template(request.user, template_id)
        data = _valid(ReplyTemplateInputSerializer, request, partial=True)
        template = dashboard_services.reply_template_save(
            actor=request.user,
            template=template,
            kind=data.get("kind", template.kind),
            title=data.get("title", template.title),
            body=data.get("body", template.body),
            is_active=data.get("is_active", template.is_active),
            order=data.get("order", template.order),
        )
        return Response(ReplyTemplateSerializer(template).data)

    @extend_schema(
        parameters=[TEMPLATE_ID],
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Delete a message template; messages already sent keep their text "
        "(moderators only)",
        tags=TAGS,
    )
    def delete(self, request: Request, template_id: str) -> Response:
        template = self._template(request.user, template_id)
        dashboard_services.reply_template_delete(actor=request.user, template=template)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- queue health -----------------------------------------------------------------------------


class HealthView(DashboardAPIView):
    @extend_schema(
        responses={200: QueueHealthSerializer, 404: NOT_FOUND},
        summary="Queue health in your scope: open and overdue per band, waiting times (7 days) "
        "and items opened and resolved per day (14 days)",
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        actor = request.user
        health = {
            "open_counts": queue_health.open_counts(actor),
            "timing_stats": queue_health.timing_stats(TIMING_DAYS, actor=actor),
            "daily_series": queue_health.daily_series(queue_health.SERIES_DAYS, actor=actor),
        }
        return Response(QueueHealthSerializer(health).data)
