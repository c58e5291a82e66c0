"""REST doors for appeals and a member's own moderation record.

Members (mounted under /api/v1/me/): `reports/` (their reports with outcomes), `moderation/`
(their removed content and the limits on their account, with appeal states), `appeals/` (list
and submit). Moderators and facilitators (to be mounted under /api/v1/moderation/):
`appeals/` and `appeals/<id>/decide/`.

Errors follow community.api_errors: `{code, detail, fields?}`; visitors get 403 on member
endpoints; what the actor may not see is 404 (for moderator endpoints, that is everyone who
moderates nothing); appealing twice is 409 `already_appealed`; another conflict is 409
`conflict`; bad input 400."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.api import SignpostSerializer
from community.api_errors import ApiErrorSerializer
from community.api_fields import TextField
from community.api_pages import PAGE, page_serializer, paginated
from community.forum_api import ForumAPIView
from community.forum_serializers import ConflictSerializer
from community.ids import MAX_DB_ID
from moderation import selectors, services
from moderation.api_access import UsesQueue
from moderation.models import Appeal, Report, Sanction

# --- serializers ------------------------------------------------------------------------------


class MyReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="report.pk")
    content_kind = serializers.CharField(source="kind")
    content_kind_label = serializers.CharField(source="kind_label")
    excerpt = serializers.CharField(help_text="Blank once the content is no longer up.")
    reason = serializers.ChoiceField(source="report.reason", choices=Report.Reason.choices)
    reported_at = serializers.DateTimeField(source="report.created_at")
    outcome = serializers.ChoiceField(
        source="report.outcome",
        choices=Report.Outcome.choices,
        allow_blank=True,
        help_text="Blank while a moderator has not looked yet.",
    )
    outcome_text = serializers.CharField(source="outcome_label")
    outcome_at = serializers.DateTimeField(source="report.outcome_at", allow_null=True)


class AppealStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    # A plain string, so its enum does not collide with other "state" enums in the schema.
    state = serializers.CharField(help_text="open, upheld (the decision stands) or granted.")
    state_text = serializers.CharField(source="get_state_display")
    decision_note = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class MyRemovedSerializer(serializers.Serializer):
    content_kind = serializers.CharField(source="kind")
    content_kind_label = serializers.CharField(source="kind_label")
    content_id = serializers.IntegerField(source="content.pk")
    excerpt = serializers.CharField()
    reason = serializers.CharField(help_text="Why it was removed (or the note when returned).")
    returned = serializers.BooleanField(help_text="Returned to you to revise, not removed.")
    may_appeal = serializers.BooleanField()
    appeal = AppealStateSerializer(allow_null=True)


class MySanctionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="sanction.pk")
    kind = serializers.ChoiceField(source="sanction.kind", choices=Sanction.Kind.choices)
    group = serializers.CharField(source="sanction.group.name", allow_null=True, default=None)
    reason = serializers.CharField(source="sanction.reason")
    starts_at = serializers.DateTimeField(source="sanction.starts_at")
    ends_at = serializers.DateTimeField(source="sanction.ends_at", allow_null=True)
    lifted_at = serializers.DateTimeField(source="sanction.lifted_at", allow_null=True)
    active = serializers.BooleanField()
    may_appeal = serializers.BooleanField()
    appeal = AppealStateSerializer(allow_null=True)


class MyModerationSerializer(serializers.Serializer):
    removed = MyRemovedSerializer(many=True)
    sanctions = MySanctionSerializer(many=True)


class MyAppealSerializer(AppealStateSerializer):
    content_kind = serializers.SerializerMethodField()
    content_id = serializers.IntegerField(source="object_id", allow_null=True)
    sanction_id = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()

    def get_content_kind(self, appeal: Appeal) -> str | None:
        if appeal.content_type_id is None:
            return None
        return selectors.content_kind(appeal.content_type.model_class())


class AppealCreatedSerializer(MyAppealSerializer):
    signpost = SignpostSerializer(
        allow_null=True,
        read_only=True,
        help_text="Help shown to the member when the appeal's words show risk, else null.",
    )


class AppealInputSerializer(serializers.Serializer):
    content_kind = TextField(required=False, help_text="For example community.post.")
    content_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DB_ID)
    sanction_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DB_ID)
    # Length is checked by the service so every door gives the same message.
    text = TextField(trim_whitespace=False, allow_blank=True)

    def validate(self, data: dict) -> dict:
        has_content = "content_kind" in data or "content_id" in data
        if has_content == ("sanction_id" in data):
            raise serializers.ValidationError(
                "Send either content_kind and content_id, or sanction_id."
            )
        if has_content and not ("content_kind" in data and "content_id" in data):
            raise serializers.ValidationError("Send both content_kind and content_id.")
        return data


class ModeratorAppealSerializer(MyAppealSerializer):
    appellant = serializers.CharField(source="appellant.pseudonym")
    acted_by = serializers.CharField(source="acted_by.pseudonym", allow_null=True, default=None)
    decided_by = serializers.CharField(source="decided_by.pseudonym", allow_null=True, default=None)
    queue_item_id = serializers.IntegerField(allow_null=True)
    snapshot = serializers.CharField(source="queue_item.snapshot", default="")


class DecideInputSerializer(serializers.Serializer):
    grant = serializers.BooleanField(help_text="True reverses the decision; false upholds it.")
    note = TextField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Shown to the member; required when upholding.",
    )


# --- views ------------------------------------------------------------------------------------


_ERRORS = {403: ApiErrorSerializer}


class MyReportsView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[PAGE],
        operation_id="v1_me_reports_list",
        responses={200: page_serializer(MyReportSerializer), **_ERRORS},
        summary="Your reports and what came of them (never who decided)",
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        rows = selectors.reports_for_member(request.user)
        return Response(paginated(request, rows, MyReportSerializer))


class MyModerationView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: MyModerationSerializer, **_ERRORS},
        summary="Your removed content and the limits on your account, with appeal states",
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        data = {
            "removed": selectors.moderated_content_for_member(request.user),
            "sanctions": selectors.sanctions_for_member(request.user),
        }
        return Response(MyModerationSerializer(data).data)


class MyAppealsView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[PAGE],
        operation_id="v1_me_appeals_list",
        responses={200: page_serializer(MyAppealSerializer), **_ERRORS},
        summary="Your appeals",
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        appeals = selectors.appeals_for_member(request.user)
        return Response(paginated(request, appeals, MyAppealSerializer))

    @extend_schema(
        request=AppealInputSerializer,
        responses={
            201: AppealCreatedSerializer,
            400: OpenApiResponse(ApiErrorSerializer, description="Bad input; `fields` says what."),
            403: ApiErrorSerializer,
            404: ApiErrorSerializer,
            409: ConflictSerializer,
        },
        summary="Appeal a removal of your content or a limit on your account (once each)",
        tags=["me"],
    )
    def post(self, request: Request) -> Response:
        serializer = AppealInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = {}
        if "sanction_id" in data:
            target["sanction"] = selectors.get_own_sanction(request.user, data["sanction_id"])
        else:
            target["content"] = selectors.get_own_removed_content(
                request.user, data["content_kind"], data["content_id"]
            )
        try:
            appeal = services.appeal_submit(actor=request.user, text=data["text"], **target)
        except PermissionDenied:
            raise Http404 from None
        body = dict(MyAppealSerializer(appeal).data)
        body["signpost"] = appeal.signpost.as_payload() if appeal.signpost else None
        return Response(body, status=status.HTTP_201_CREATED)


class ModerationAppealsView(ForumAPIView):
    permission_classes = [UsesQueue]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "state",
                str,
                enum=[*Appeal.State.values, "all"],
                description="Which appeals (default: open ones, oldest first).",
            ),
            PAGE,
        ],
        operation_id="v1_moderation_appeals_list",
        responses={200: page_serializer(ModeratorAppealSerializer), 404: ApiErrorSerializer},
        summary="Appeals you may decide (moderators; facilitators for their groups)",
        tags=["moderation"],
    )
    def get(self, request: Request) -> Response:
        state = request.query_params.get("state") or Appeal.State.OPEN
        if state not in (*Appeal.State.values, "all"):
            raise Http404
        appeals = selectors.appeals_to_decide(request.user, state="" if state == "all" else state)
        return Response(paginated(request, appeals, ModeratorAppealSerializer))


class AppealDecideView(ForumAPIView):
    permission_classes = [UsesQueue]

    @extend_schema(
        request=DecideInputSerializer,
        responses={
            200: ModeratorAppealSerializer,
            400: OpenApiResponse(ApiErrorSerializer, description="Bad input; `fields` says what."),
            403: ApiErrorSerializer,
            404: ApiErrorSerializer,
            409: ConflictSerializer,
        },
        summary="Grant or uphold an appeal (never the moderator who made the decision)",
        tags=["moderation"],
    )
    def post(self, request: Request, appeal_id: int) -> Response:
        appeal = selectors.get_appeal_for_moderator(request.user, appeal_id)
        serializer = DecideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appeal = services.appeal_decide(
            actor=request.user,
            appeal=appeal,
            grant=serializer.validated_data["grant"],
            note=serializer.validated_data["note"],
        )
        return Response(ModeratorAppealSerializer(appeal).data)
