"""REST door of the attachment self-check under /api/v1/me/self-check/: the questions, the
member's own results (newest first, paged), taking it, one result, deleting one.

For the signed-in member alone (session or token, so the member's own apps may use it). A
result of anyone else is 404, whoever asks (moderators and facilitators too), the same answer
as for an id that does not exist. Bad answers are 400 `invalid` with `fields` named by item key
(`answers` when the answers are not an object); more than ten a day is 429 `rate_limited` with
Retry-After. Errors are answered by `community.api_errors`."""

from __future__ import annotations

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

from community import selfcheck
from community import selfcheck_selectors as selectors
from community import selfcheck_services as services
from community.api_errors import ApiErrorSerializer
from community.api_pages import PAGE, page_serializer, paginated

# --- serializers (shapes only: every rule is in the service) ------------------------------------


class ScaleChoiceSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class ItemSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Stable: send answers by this key.")
    text = serializers.CharField()
    dimension = serializers.ChoiceField(choices=selfcheck.DIMENSIONS)


class QuestionnaireSerializer(serializers.Serializer):
    items = ItemSerializer(many=True)
    scale = ScaleChoiceSerializer(many=True)
    note = serializers.CharField(help_text="A reflection, not a diagnosis.")


class AnswersInputSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Every item's key with a whole number from 1 (not like me at all) to 5 "
        "(very like me).",
    )


class InterpretationSerializer(serializers.Serializer):
    pattern = serializers.ChoiceField(choices=selfcheck.PATTERNS)
    title = serializers.CharField()
    paragraphs = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    previous_id = serializers.IntegerField()
    previous_at = serializers.DateTimeField()
    anxiety = serializers.FloatField(help_text="This result minus the one before it.")
    avoidance = serializers.FloatField()


class SuggestionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["group", "category"])
    slug = serializers.CharField()
    name = serializers.CharField()
    about = serializers.CharField()
    url = serializers.CharField()
    joined = serializers.BooleanField()


class SuggestionsSerializer(serializers.Serializer):
    groups = SuggestionSerializer(many=True)
    categories = SuggestionSerializer(many=True)


class SelfCheckRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    anxiety = serializers.FloatField(help_text="Worry about closeness, 1.00-5.00.")
    avoidance = serializers.FloatField(help_text="Keeping distance, 1.00-5.00.")
    pattern = serializers.SerializerMethodField()

    def get_pattern(self, check) -> str:
        return selfcheck.pattern_of(check.anxiety, check.avoidance)


class SelfCheckSerializer(SelfCheckRowSerializer):
    answers = serializers.DictField(child=serializers.IntegerField())
    anxiety_level = serializers.SerializerMethodField()
    avoidance_level = serializers.SerializerMethodField()
    interpretation = serializers.SerializerMethodField()
    change = serializers.SerializerMethodField()
    suggestions = serializers.SerializerMethodField()

    def get_anxiety_level(self, check) -> str:
        return selfcheck.level(check.anxiety)

    def get_avoidance_level(self, check) -> str:
        return selfcheck.level(check.avoidance)

    @extend_schema_field(InterpretationSerializer)
    def get_interpretation(self, check) -> dict:
        return selfcheck.interpretation(check.anxiety, check.avoidance).as_payload()

    @extend_schema_field(ChangeSerializer(allow_null=True))
    def get_change(self, check) -> dict | None:
        change = selectors.change_for(self.context["actor"], check)
        return change.as_payload() if change else None

    @extend_schema_field(SuggestionsSerializer)
    def get_suggestions(self, check) -> dict:
        found = selectors.suggestions_for(self.context["actor"], check.anxiety, check.avoidance)
        return found.as_payload()


# --- views -------------------------------------------------------------------------------------

CHECK_ID = OpenApiParameter(
    "check_id", int, OpenApiParameter.PATH, description="One of your self-check results."
)
NOT_FOUND = OpenApiResponse(
    ApiErrorSerializer, description="No such result (or not yours: the same answer)."
)
NOT_SIGNED_IN = OpenApiResponse(ApiErrorSerializer, description="Not logged in.")
BAD_ANSWERS = OpenApiResponse(
    ApiErrorSerializer,
    description="An item missing, not a whole number from 1 to 5, or unknown: `fields` names "
    "each by its key.",
)
TOO_MANY = OpenApiResponse(
    ApiErrorSerializer, description="More than ten today: `retry_after` and Retry-After say when."
)


class SelfCheckAPIView(APIView):
    """The member's own self-check; errors are answered by `community.api_errors`."""

    permission_classes = [IsAuthenticated]


def _result(request: Request, check) -> dict:
    return SelfCheckSerializer(check, context={"actor": request.user}).data


class SelfCheckItemsView(SelfCheckAPIView):
    @extend_schema(
        responses={200: QuestionnaireSerializer, 403: NOT_SIGNED_IN},
        summary="The self-check's statements and answer scale",
        description="Twelve statements, each answered from 1 (not like me at all) to 5 (very "
        "like me). Some are worded the other way round and scored as 6 minus the answer.",
    )
    def get(self, request: Request) -> Response:
        body = {
            "items": [
                {"key": item.key, "text": str(item.text), "dimension": item.dimension}
                for item in selfcheck.ITEMS
            ],
            "scale": [{"value": value, "label": str(label)} for value, label in selfcheck.SCALE],
            "note": selfcheck.not_a_diagnosis_note(),
        }
        return Response(QuestionnaireSerializer(body).data)


class SelfCheckListView(SelfCheckAPIView):
    @extend_schema(
        operation_id="v1_me_self_check_list",
        parameters=[PAGE],
        responses={200: page_serializer(SelfCheckRowSerializer), 403: NOT_SIGNED_IN},
        summary="Your self-check results, newest first",
        description="Only ever your own; nobody else (moderators and facilitators included) "
        "can read them.",
    )
    def get(self, request: Request) -> Response:
        return Response(
            paginated(request, selectors.self_checks_for(request.user), SelfCheckRowSerializer)
        )

    @extend_schema(
        request=AnswersInputSerializer,
        responses={201: SelfCheckSerializer, 400: BAD_ANSWERS, 403: NOT_SIGNED_IN, 429: TOO_MANY},
        summary="Take the self-check",
        description="Comes back with both scores, what they may mean (with the note that this "
        "is a reflection, not a diagnosis), the change since your last result and groups and "
        "forum categories that may fit. Nothing is sent to anyone.",
    )
    def post(self, request: Request) -> Response:
        serializer = AnswersInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check = services.self_check_submit(
            actor=request.user, answers=serializer.validated_data["answers"]
        )
        return Response(_result(request, check), status=status.HTTP_201_CREATED)


class SelfCheckDetailView(SelfCheckAPIView):
    @extend_schema(
        parameters=[CHECK_ID],
        responses={200: SelfCheckSerializer, 403: NOT_SIGNED_IN, 404: NOT_FOUND},
        summary="One of your self-check results",
    )
    def get(self, request: Request, check_id: str) -> Response:
        return Response(_result(request, selectors.get_self_check_for(request.user, check_id)))

    @extend_schema(
        parameters=[CHECK_ID],
        responses={204: None, 403: NOT_SIGNED_IN, 404: NOT_FOUND},
        summary="Delete one of your self-check results for good",
    )
    def delete(self, request: Request, check_id: str) -> Response:
        check = selectors.get_self_check_for(request.user, check_id)
        services.self_check_delete(actor=request.user, check=check)
        return Response(status=status.HTTP_204_NO_CONTENT)
