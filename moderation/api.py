"""REST door for moderation records. The audit log is read-only here by construction: the
view set has no create, update or delete (a moderator gets 405). Everyone but moderators gets
404 from it, whatever the method, as from every moderation URL."""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions as drf_permissions
from rest_framework import serializers, viewsets
from rest_framework.pagination import CursorPagination

from community.api_errors import ApiErrorSerializer
from community.ids import db_id_or_404, not_found
from moderation import permissions, queue_selectors
from moderation.models import ModerationAction


class IsModerator(drf_permissions.BasePermission):
    """Moderators only; for everyone else the log is not there (404)."""

    def has_permission(self, request, view) -> bool:
        if not permissions.is_moderator(request.user):
            raise not_found()
        return True


class ModerationActionSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(
        slug_field="pseudonym", read_only=True, allow_null=True, help_text="Blank for the system."
    )
    member = serializers.SlugRelatedField(slug_field="pseudonym", read_only=True, allow_null=True)
    content_type = serializers.SerializerMethodField()

    class Meta:
        model = ModerationAction
        fields = [
            "id",
            "created_at",
            "verb",
            "actor",
            "member",
            "content_type",
            "object_id",
            "queue_item",
            "sanction",
            "reason",
            "details",
        ]
        read_only_fields = fields

    def get_content_type(self, row: ModerationAction) -> str | None:
        if row.content_type is None:
            return None
        return f"{row.content_type.app_label}.{row.content_type.model}"


class NewestFirst(CursorPagination):
    ordering = "-pk"
    page_size = 50


NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="Not a moderator, or no such entry.")


@extend_schema_view(
    list=extend_schema(
        summary="The moderation log, newest first (moderators only)",
        parameters=[
            OpenApiParameter(
                "verb",
                str,
                enum=ModerationAction.Verb.values,
                description="Only this kind of action (any other is 400).",
            ),
            OpenApiParameter("moderator", str, description="Only actions by this pseudonym."),
            OpenApiParameter("member", str, description="Only actions about this pseudonym."),
        ],
        responses={
            200: ModerationActionSerializer(many=True),
            400: OpenApiResponse(ApiErrorSerializer, description="An unknown verb."),
            404: NOT_FOUND,
        },
    ),
    retrieve=extend_schema(
        summary="One moderation log entry (moderators only)",
        responses={200: ModerationActionSerializer, 404: NOT_FOUND},
    ),
)
class ModerationLogViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ModerationActionSerializer
    permission_classes = [IsModerator]
    pagination_class = NewestFirst

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator, no user
            return ModerationAction.objects.none()
        params = self.request.query_params
        return queue_selectors.audit_log(
            self.request.user,
            moderator=params.get("moderator", ""),
            member=params.get("member", ""),
            verb=params.get("verb", ""),
        )

    def get_object(self) -> ModerationAction:
        # Junk and out-of-range ids are 404 like everywhere (SQLite can't even look them up).
        pk = db_id_or_404(self.kwargs[self.lookup_field])
        row = self.get_queryset().filter(pk=pk).first()
        if row is None:
            raise not_found()
        self.check_object_permissions(self.request, row)
        return row
