"""REST door for members and crisis help: `/api/v1/help/` and `/api/v1/me/`."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors, services
from community.api_errors import ApiErrorSerializer
from community.api_fields import TextField
from community.models import CrisisResource, Member, ProfileText
from moderation.models import ContentStatus
from moderation.pipeline import Decision, Refusal, held_notice


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
        member = services.member_profile_update(
            actor=request.user,
            country=serializer.validated_data.get("country", request.user.country),
        )
        return Response(MeSerializer(member).data)


class SignpostResourceSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField()
    contact = serializers.CharField()
    tel = serializers.CharField(help_text="A tel: link, or blank.")
    sms = serializers.CharField(help_text="An sms: link, or blank.")
    url = serializers.CharField()
    hours = serializers.CharField()


class SignpostSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=["urgent", "concern", "someone_else"])
    text = serializers.CharField()
    country_code = serializers.CharField()
    resources = SignpostResourceSerializer(many=True)


class ProfileTextSerializer(serializers.ModelSerializer):
    text = serializers.CharField(source="body")
    html = serializers.CharField(source="body_html")

    class Meta:
        model = ProfileText
        fields = ["text", "html", "status", "removal_reason", "created_at", "edited_at"]


class AboutInputSerializer(serializers.Serializer):
    # Length is checked by the pipeline so every door gives the same message.
    text = TextField(trim_whitespace=False)


class AboutResultSerializer(serializers.Serializer):
    about = ProfileTextSerializer(allow_null=True)
    notice = serializers.CharField(allow_blank=True)
    signpost = SignpostSerializer(allow_null=True)


class RefusalSerializer(ApiErrorSerializer):
    """The error shape, plus what a refused text needs: when to try again, and help if the
    words showed risk. A 400 for malformed input (no text at all, ...) has only the error shape."""

    retry_after = serializers.IntegerField(required=False)
    until = serializers.DateTimeField(
        allow_null=True, required=False, help_text="When a mute or pause ends, if it does."
    )
    signpost = SignpostSerializer(allow_null=True, required=False)


def refusal_response(decision: Decision) -> Response:
    """How the API says the pipeline refused a text: 429 when posting too fast, else 400."""
    rate_limited = decision.refusal == Refusal.RATE_LIMITED
    response = Response(
        {
            "detail": decision.message,
            "code": decision.refusal,
            "retry_after": decision.retry_after,
            "until": serializers.DateTimeField().to_representation(decision.until)
            if decision.until
            else None,
            "signpost": decision.signpost.as_payload() if decision.signpost else None,
        },
        status=status.HTTP_429_TOO_MANY_REQUESTS if rate_limited else status.HTTP_400_BAD_REQUEST,
    )
    if decision.retry_after:
        response["Retry-After"] = str(decision.retry_after)
    return response


class MeAboutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AboutResultSerializer, summary="Your profile text")
    def get(self, request: Request) -> Response:
        about = selectors.profile_text_for(request.user)
        data = {"about": about, "notice": "", "signpost": None}
        return Response(AboutResultSerializer(data).data)

    @extend_schema(
        request=AboutInputSerializer,
        responses={200: AboutResultSerializer, 400: RefusalSerializer, 429: RefusalSerializer},
        summary="Replace your profile text (moderated like any post)",
    )
    def put(self, request: Request) -> Response:
        serializer = AboutInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.member_about_update(
            actor=request.user, text=serializer.validated_data["text"]
        )
        decision = submission.decision
        held = submission.content.status == ContentStatus.HELD
        data = {
            "about": submission.content,
            "notice": held_notice() if held else "",
            "signpost": decision.signpost.as_payload() if decision.signpost else None,
        }
        return Response(AboutResultSerializer(data).data)

    @extend_schema(responses={204: None}, summary="Remove your profile text")
    def delete(self, request: Request) -> Response:
        services.member_about_delete(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
