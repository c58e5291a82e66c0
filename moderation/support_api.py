"""REST door of a member's supportive messages from the moderation team (under /api/v1/me/),
the API twin of the page /me/moderation/support/.

- `GET support-messages/` — the member's own messages, newest first, in pages
  (`count`, `next`, `previous`, `results`). Reading never marks anything read: a client says
  what the member has seen with the next endpoint (the page marks what it shows).
- `GET support-messages/<id>/` — one of them.
- `POST support-messages/read/` — mark read the messages with the given ids, or all of them;
  the bell's notifications about them are read with them (the same service as the page).

A message is from "the moderation team": nothing here reads or returns who sent it. Members see
only their own; another member's message is the same 404 as one that was never sent, and
marking it read marks nothing. Visitors get 403 (401 with a bad token). Errors have the shape of
every API error, `{code, detail, fields?}` (community.api_errors)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api_errors import ApiErrorSerializer
from community.api_pages import PAGE, page_body, page_serializer
from community.forum_serializers import (
    MAX_MARK_READ_IDS,
    MarkedSerializer,
    NotificationSupportResourceSerializer,
)
from community.ids import MAX_DB_ID
from moderation import dashboard_services, support_selectors

# --- serializers ------------------------------------------------------------------------------


class MySupportMessageSerializer(serializers.Serializer):
    """A private message from the moderation team (never who sent it)."""

    id = serializers.IntegerField()
    text = serializers.CharField(help_text="Plain text: escape it when showing it.")
    created_at = serializers.DateTimeField()
    unread = serializers.BooleanField()
    resources = NotificationSupportResourceSerializer(many=True)


class MySupportMarkReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_DB_ID),
        required=False,
        max_length=MAX_MARK_READ_IDS,
        help_text="Messages to mark read; leave out to mark them all.",
    )


# --- views ------------------------------------------------------------------------------------

NOT_FOUND = OpenApiResponse(
    ApiErrorSerializer, description="No such message, or not yours (the same answer for both)."
)
MESSAGE_ID = OpenApiParameter(
    "message_id", int, OpenApiParameter.PATH, description="One of your messages."
)
TAGS = ["me"]


class SupportMessagesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[PAGE],
        responses={
            200: page_serializer(MySupportMessageSerializer),
            404: NOT_FOUND,
        },
        summary="Your messages from the moderation team, newest first (never who sent them)",
        operation_id="v1_me_support_messages_list",
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        shown = support_selectors.support_messages_page(
            request.user, request.query_params.get("page")
        )
        results = MySupportMessageSerializer(shown.messages, many=True).data
        return Response(page_body(request, shown.page, results))


class SupportMessageView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[MESSAGE_ID],
        responses={
            200: MySupportMessageSerializer,
            404: NOT_FOUND,
        },
        summary="One of your messages from the moderation team",
        tags=TAGS,
    )
    def get(self, request: Request, message_id: int) -> Response:
        shown = support_selectors.support_message_for_member(request.user, message_id)
        return Response(MySupportMessageSerializer(shown).data)


class SupportMessagesReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=MySupportMarkReadInputSerializer,
        responses={
            200: MarkedSerializer,
        },
        summary="Mark your messages from the moderation team read: these ids, or all of them",
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        serializer = MySupportMarkReadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = dashboard_services.support_messages_mark_read(
            member=request.user, ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": marked})
