"""REST door for a member's data exports: `/api/v1/me/exports/`. Session only, like the token
endpoints: the archive holds the member's email address and everything they wrote, so an API
token (which a member may hand to an app) cannot ask for it or download it."""

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import export_selectors, export_services, tokens
from community.api_errors import ApiErrorSerializer, error_response
from community.models import DataExport

LIST_LIMIT = 20
EXPORT_ID = OpenApiParameter(
    "export_id", int, OpenApiParameter.PATH, description="One of your data exports."
)
NOT_FOUND = OpenApiResponse(
    ApiErrorSerializer, description="No such export of yours (or it expired, or isn't ready)."
)


class DataExportSerializer(serializers.ModelSerializer):
    step_label = serializers.SerializerMethodField(
        help_text="The section being copied, for people."
    )
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the archive while it is ready; null otherwise."
    )

    class Meta:
        model = DataExport
        fields = [
            "id",
            "state",
            "progress",
            "step",
            "step_label",
            "created_at",
            "finished_at",
            "expires_at",
            "size_bytes",
            "download_url",
        ]
        read_only_fields = fields

    def get_step_label(self, export: DataExport) -> str:
        return export_selectors.section_label(export.step)

    @extend_schema_field(OpenApiTypes.URI_REF)
    def get_download_url(self, export: DataExport) -> str | None:
        if not export.is_available():
            return None
        return reverse("api-me-export-download", args=[export.pk])


def _refused(error: export_services.DataExportRefused) -> Response:
    if isinstance(error, export_services.DataExportRateLimited):
        response = error_response(
            str(error),
            "rate_limited",
            status.HTTP_429_TOO_MANY_REQUESTS,
            retry_after=error.retry_after,
        )
        response["Retry-After"] = str(error.retry_after)
        return response
    return error_response(str(error), "refused", status.HTTP_403_FORBIDDEN)


class DataExportListView(APIView):
    permission_classes = [IsAuthenticated, tokens.SessionOnly]

    @extend_schema(
        responses=DataExportSerializer(many=True), summary="Your data exports, newest first"
    )
    def get(self, request: Request) -> Response:
        exports = export_selectors.data_exports_for(request.user)[:LIST_LIMIT]
        return Response(DataExportSerializer(exports, many=True).data)

    @extend_schema(
        request=None,
        responses={
            202: DataExportSerializer,
            429: OpenApiResponse(
                ApiErrorSerializer,
                description="Three copies a day at most; see Retry-After (and retry_after).",
            ),
        },
        summary="Ask for a copy of all your data (prepared in the background)",
        description="While an export is being prepared, asking again returns that one.",
    )
    def post(self, request: Request) -> Response:
        try:
            export = export_services.data_export_request(actor=request.user)
        except export_services.DataExportRefused as error:
            return _refused(error)
        export.refresh_from_db(fields=["state", "progress", "step", "expires_at"])
        return Response(DataExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class DataExportDetailView(APIView):
    permission_classes = [IsAuthenticated, tokens.SessionOnly]

    @extend_schema(
        parameters=[EXPORT_ID],
        responses={200: DataExportSerializer, 404: NOT_FOUND},
        summary="One of your data exports: its state and progress",
    )
    def get(self, request: Request, export_id: int) -> Response:
        export = export_selectors.get_data_export_for(request.user, export_id)
        return Response(DataExportSerializer(export).data)


class DataExportDownloadView(APIView):
    permission_classes = [IsAuthenticated, tokens.SessionOnly]

    @extend_schema(
        parameters=[EXPORT_ID],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="The archive, as a JSON file to save."
            ),
            404: NOT_FOUND,
        },
        summary="Download one of your data exports",
    )
    def get(self, request: Request, export_id: int) -> HttpResponse:
        filename, data = export_services.data_export_download(
            actor=request.user, export_id=export_id
        )
        return download_response(filename, data)


def download_response(filename: str, data: bytes) -> HttpResponse:
    """The archive as a file to save, never kept by a cache along the way."""
    response = HttpResponse(data, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
