"""REST door for peer groups under /api/v1/: groups, memberships, join requests, chat history
and posting, room moderation and ignoring. Views parse input, call one service or selector and
render its result or error.

Errors: a group's messages, members and requests are 404 for anyone who may not read its
messages (the same answer as for a group that does not exist); a reader who may not do the
action gets 403; a service's refusal is 400 and a moderation conflict (already removed, ...) 409,
both in the shared error shape of community.api_errors; a pipeline refusal adds its retry time
and signpost (400, or 429 with Retry-After). Visitors get 401 wherever an account is needed."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api import RefusalSerializer
from community.api_errors import ApiErrorSerializer
from community.api_pages import PAGE, page_serializer, paginated
from groups import permissions, selectors, services
from groups.frames import message_payload
from groups.models import PeerGroup
from groups.selectors import GroupListing
from groups.serializers import (
    GroupDetailSerializer,
    GroupSerializer,
    IgnoreSerializer,
    JoinInputSerializer,
    JoinRequestSerializer,
    MembershipStateSerializer,
    MemberStateSerializer,
    MessagePageSerializer,
    MessagePostResultSerializer,
    MessagePostSerializer,
    MessageQuerySerializer,
    MessageRemovedSerializer,
    MuteInputSerializer,
    MuteResultSerializer,
    ReasonInputSerializer,
)
from moderation.models import ContentStatus
from moderation.pipeline import held_notice

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="No such group (or not yours to see).")
REFUSED = OpenApiResponse(ApiErrorSerializer, description="Can't be done; `detail` says why.")
FORBIDDEN = OpenApiResponse(ApiErrorSerializer, description="Not logged in, or not allowed.")
CONFLICT = OpenApiResponse(
    ApiErrorSerializer, description="Doesn't fit the current state (already removed, ...)."
)
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The group's address.")


# --- lookups: each scoped to a group the actor may read, 404 otherwise -------------------------


def _facilitated_room(actor, slug: str) -> PeerGroup:
    """A group the actor reads (else 404) and facilitates (else 403)."""
    group = selectors.get_room_for(actor, slug)
    permissions.check_facilitate(actor, group)
    return group


# --- groups -----------------------------------------------------------------------------------


class GroupListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[PAGE],
        operation_id="v1_groups_list",
        responses=page_serializer(GroupSerializer),
        summary="Every peer group, with your own membership in each",
    )
    def get(self, request: Request) -> Response:
        listings = selectors.groups_for_list(request.user)
        return Response(paginated(request, listings, GroupSerializer))


class GroupDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[SLUG],
        responses={200: GroupDetailSerializer, 404: NOT_FOUND},
        summary="A group: what it is for, its guidelines and its next sessions",
    )
    def get(self, request: Request, slug: str) -> Response:
        group = selectors.get_group(slug)
        membership = permissions.membership_of(request.user, group)
        listing = GroupListing(
            group=group,
            membership_state=membership.state if membership else "",
            role=membership.role if membership else "",
        )
        sessions = selectors.upcoming_sessions(group)
        return Response(GroupDetailSerializer(listing, context={"sessions": sessions}).data)


class GroupJoinView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[SLUG],
        request=JoinInputSerializer,
        responses={200: MembershipStateSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Join an open group, or ask to join a private one",
    )
    def post(self, request: Request, slug: str) -> Response:
        group = selectors.get_group(slug)
        serializer = JoinInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.group_join(
            actor=request.user, group=group, note=serializer.validated_data["note"]
        )
        return Response(MembershipStateSerializer(membership).data)


class GroupMembershipView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[SLUG],
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Leave a group, or withdraw your request to join",
    )
    def delete(self, request: Request, slug: str) -> Response:
        group = selectors.get_group(slug)
        services.group_leave(actor=request.user, group=group)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- facilitators: requests and members --------------------------------------------------------


class JoinRequestListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[SLUG, PAGE],
        operation_id="v1_groups_requests_list",
        responses={200: page_serializer(JoinRequestSerializer), 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Requests to join, oldest first (facilitators and moderators)",
    )
    def get(self, request: Request, slug: str) -> Response:
        group = _facilitated_room(request.user, slug)
        requests = selectors.pending_requests(group)
        return Response(paginated(request, requests, JoinRequestSerializer))


class _JoinRequestDecisionView(APIView):
    permission_classes = [IsAuthenticated]
    approve: bool

    def post(self, request: Request, slug: str, pk: int) -> Response:
        group = _facilitated_room(request.user, slug)
        membership = selectors.membership_in_group(group, pk)
        decide = (
            services.membership_request_approve
            if self.approve
            else services.membership_request_decline
        )
        membership = decide(actor=request.user, membership=membership)
        return Response(MemberStateSerializer(membership).data)


DECISION_SCHEMA = {
    "parameters": [SLUG],
    "request": None,
    "responses": {200: MemberStateSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
}


class JoinRequestApproveView(_JoinRequestDecisionView):
    approve = True

    @extend_schema(**DECISION_SCHEMA, summary="Let a member into a private group")
    def post(self, request: Request, slug: str, pk: int) -> Response:
        return super().post(request, slug, pk)


class JoinRequestDeclineView(_JoinRequestDecisionView):
    approve = False

    @extend_schema(**DECISION_SCHEMA, summary="Decline a request to join")
    def post(self, request: Request, slug: str, pk: int) -> Response:
        return super().post(request, slug, pk)


class MemberRemoveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[SLUG],
        request=ReasonInputSerializer,
        responses={200: MemberStateSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Remove a member from the group; they see the reason and can't rejoin",
    )
    def post(self, request: Request, slug: str, pseudonym: str) -> Response:
        group = _facilitated_room(request.user, slug)
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = selectors.membership_by_pseudonym(group, pseudonym)
        membership = services.membership_remove(
            actor=request.user,
            membership=membership,
            reason=serializer.validated_data["reason"],
        )
        return Response(MemberStateSerializer(membership).data)


# --- messages ---------------------------------------------------------------------------------


class MessageListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[SLUG, MessageQuerySerializer],
        responses={200: MessagePageSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="The room's messages: a page of history, or everything after a seq",
        description=(
            "Without after_seq: up to `limit` messages before `before_seq` (or the latest), "
            "oldest first; `next_before_seq` fetches the page before. With after_seq: every "
            "message after it, up to `limit`; `next_after_seq` continues while more remain. "
            "Removed messages and those of members you ignore come as tombstones."
        ),
    )
    def get(self, request: Request, slug: str) -> Response:
        group = selectors.get_room_for(request.user, slug)
        query = MessageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        limit = params["limit"]
        if "after_seq" in params:
            rows = selectors.messages_after(
                request.user, group, after_seq=params["after_seq"], limit=limit + 1
            )
            page = rows[:limit]
            more = len(rows) > limit
            return Response({"results": page, "next_after_seq": page[-1]["seq"] if more else None})
        rows = selectors.messages_before(
            request.user, group, before_seq=params.get("before_seq"), limit=limit + 1
        )
        page = rows[-limit:]
        more = len(rows) > limit
        return Response({"results": page, "next_before_seq": page[0]["seq"] if more else None})

    @extend_schema(
        parameters=[SLUG],
        request=MessagePostSerializer,
        responses={
            201: MessagePostResultSerializer,
            200: OpenApiResponse(
                MessagePostResultSerializer, description="A repeated local_id: the first answer."
            ),
            400: OpenApiResponse(
                RefusalSerializer, description="Refused (or bad input: `{detail}`)."
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
            429: OpenApiResponse(RefusalSerializer, description="Posting too fast."),
        },
        summary="Send a message to the room (moderated like every post)",
    )
    def post(self, request: Request, slug: str) -> Response:
        group = selectors.get_room_for(request.user, slug)
        serializer = MessagePostSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.chat_message_post(
            actor=request.user,
            group=group,
            body=data["body"],
            local_id=data["local_id"],
            content_warning=data["content_warning"],
        )
        message = result.message
        published = message.status == ContentStatus.PUBLISHED
        signpost = result.decision.signpost if result.decision else None
        body = {
            "id": message.pk,
            "local_id": message.local_id,
            "status": message.status,
            "message": message_payload(message) if published else None,
            "notice": held_notice() if result.held else "",
            "signpost": signpost.as_payload() if signpost else None,
        }
        return Response(
            body, status=status.HTTP_200_OK if result.duplicate else status.HTTP_201_CREATED
        )


class MessageRemoveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[SLUG],
        request=ReasonInputSerializer,
        responses={
            200: MessageRemovedSerializer,
            400: REFUSED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        summary="Take a message down for everyone (facilitators and moderators)",
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        group = _facilitated_room(request.user, slug)
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = selectors.message_in_group(group, pk)
        message = services.chat_message_remove(
            actor=request.user, message=message, reason=serializer.validated_data["reason"]
        )
        return Response({"id": message.pk, "seq": message.seq, "removed": True})


class MuteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[SLUG],
        request=MuteInputSerializer,
        responses={
            201: MuteResultSerializer,
            400: REFUSED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        summary="Mute a member in this room for a while (facilitators and moderators)",
    )
    def post(self, request: Request, slug: str) -> Response:
        group = _facilitated_room(request.user, slug)
        serializer = MuteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = selectors.membership_by_pseudonym(group, data["member"])
        sanction = services.member_mute_in_group(
            actor=request.user,
            group=group,
            member=membership.member,
            minutes=data["minutes"],
            reason=data["reason"],
        )
        return Response(MuteResultSerializer(sanction).data, status=status.HTTP_201_CREATED)


# --- ignoring ---------------------------------------------------------------------------------

PSEUDONYM = OpenApiParameter(
    "pseudonym", str, OpenApiParameter.PATH, description="The member's pseudonym."
)


class IgnoreListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[PAGE],
        operation_id="v1_ignores_list",
        responses={200: page_serializer(IgnoreSerializer), 403: FORBIDDEN},
        summary="Members whose messages you have chosen not to see",
    )
    def get(self, request: Request) -> Response:
        ignores = selectors.ignores_of(request.user)
        return Response(paginated(request, ignores, IgnoreSerializer))


class IgnoreView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[PSEUDONYM],
        request=None,
        responses={200: IgnoreSerializer, 400: REFUSED, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Stop seeing a member's messages (they are not told)",
    )
    def put(self, request: Request, pseudonym: str) -> Response:
        other = selectors.member_by_pseudonym(pseudonym)
        ignore = services.member_ignore(actor=request.user, other=other)
        return Response(IgnoreSerializer(ignore).data)

    @extend_schema(
        parameters=[PSEUDONYM],
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="See a member's messages again",
    )
    def delete(self, request: Request, pseudonym: str) -> Response:
        services.member_unignore(actor=request.user, other=selectors.member_by_pseudonym(pseudonym))
        return Response(status=status.HTTP_204_NO_CONTENT)
