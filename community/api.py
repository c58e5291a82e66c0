"""REST door for members and crisis help: `/api/v1/help/` and `/api/v1/me/`."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors, services
from community.models import CrisisResource, Member


class CrisisResourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = CrisisResource
        fields = [
            "country_code",
            "service_name",
            "kind",
            "contact",
            "phone",
            "sms_number",
            "sms_body",
            "url",
            "hours",
            "notes",
            "status",
            "verified_on",
        ]


class CrisisHelpSerializer(serializers.Serializer):
    country_code = serializers.CharField(help_text="Blank when no country is known.")
    country_name = serializers.CharField()
    emergency = CrisisResourceSerializer(many=True)
    resources = CrisisResourceSerializer(many=True)
    international = CrisisResourceSerializer(many=True)


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Member
        fields = ["pseudonym", "email", "country", "date_joined", "is_moderator"]
        read_only_fields = ["pseudonym", "email", "date_joined", "is_moderator"]


class CrisisHelpView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 code, for example GB.")
        ],
        responses=CrisisHelpSerializer,
        summary="Crisis helplines for a country (or the member's own country)",
    )
    def get(self, request: Request) -> Response:
        member = request.user if request.user.is_authenticated else None
        help_ = selectors.crisis_help_for_member(
            member,
            requested=request.query_params.get("country"),
            accept_language=request.headers.get("Accept-Language", ""),
        )
        return Response(CrisisHelpSerializer(help_).data)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="Your own account")
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer, summary="Change your country")
    def patch(self, request: Request) -> Response:
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            member = services.member_profile_update(
                actor=request.user,
                country=serializer.validated_data.get("country", request.user.country),
            )
        except ValidationError as error:
            return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response(MeSerializer(member).data)
