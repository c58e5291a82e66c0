"""REST door for moderation records. The audit log is read-only here by construction: the
view set has no create, update or delete."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions as drf_permissions
from rest_framework import serializers, viewsets
from rest_framework.pagination import CursorPagination

from moderation import permissions, selectors
from moderation.models import ModerationAction


class IsModerator(drf_permissions.BasePermission):
    message = "Only moderators can read the moderation log."

    def has_permission(self, request, view) -> bool:
        return permissions.is_moderator(request.user)


class ModerationActionSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="pseudonym", read_only=True)
    member = serializers.SlugRelatedField(slug_field="pseudonym", read_only=True)
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


@extend_schema_view(
    list=extend_schema(
        summary="The moderation log, newest first (moderators only)",
        parameters=[OpenApiParameter("verb", str, description="Only this kind of action.")],
    ),
    retrieve=extend_schema(summary="One moderation log entry (moderators only)"),
)
class ModerationLogViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ModerationActionSerializer
    permission_classes = [IsModerator]
    pagination_class = NewestFirst

    def get_queryset(self):
        verb = self.request.query_params.get("verb", "")
        return selectors.moderation_log_for(self.request.user, verb=verb)
