"""REST door of mood check-ins under /api/v1/me/mood/: the member's own check-ins (a page at a
time, newest first), one check-in, the chart as SVG, the daily averages as JSON, and the
reminder. Everything is the signed-in member's alone: anyone else's check-in is the same 404 as
one that does not exist, whoever asks (moderators too). Views parse input, call one selector or
service and render its result; errors come in the shared shape (community/api_errors.py)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import mood_selectors as selectors
from community import mood_services as services
from community.api import SignpostSerializer
from community.api_errors import ApiErrorSerializer
from community.api_fields import TextField
from community.api_pages import PAGE, page_serializer, paginated
from community.models.selfhelp import MOOD_MAX, MOOD_MIN, NOTE_MAX_LENGTH
from community.mood import CHART_DAYS, FEELINGS, mood_chart_svg, mood_label

MAX_DAYS = 90


class StrictIntegerField(serializers.IntegerField):
    """A whole JSON number: text, decimals and true/false are refused, not converted."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false, nothing else."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class MoodCheckInSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    mood = serializers.IntegerField(min_value=MOOD_MIN, max_value=MOOD_MAX)
    mood_label = serializers.SerializerMethodField()
    feelings = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()

    def get_mood_label(self, checkin) -> str:
        return mood_label(checkin.mood)


class MoodCheckInInputSerializer(serializers.Serializer):
    mood = StrictIntegerField(help_text="1 (very low) to 5 (very good).")
    feelings = serializers.ListField(
        child=serializers.ChoiceField(choices=list(FEELINGS)), required=False, max_length=12
    )
    note = TextField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=NOTE_MAX_LENGTH
    )


class MoodCheckedInSerializer(MoodCheckInSerializer):
    signpost = SignpostSerializer(
        allow_null=True,
        help_text="Help to show you now, when your note sounds like you're "
        "struggling. Nobody else is told.",
    )
    gentle_word = serializers.CharField(
        allow_blank=True, help_text="A kind line (with a link to /help/) after a very low day."
    )


class MoodDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    average = serializers.FloatField(allow_null=True, help_text="Null for a day without one.")
    count = serializers.IntegerField()


class MoodSeriesSerializer(serializers.Serializer):
    days = MoodDaySerializer(many=True, help_text="Oldest first, ending today (UTC).")


class MoodReminderSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    hour = serializers.IntegerField(min_value=0, max_value=23, help_text="From this hour, UTC.")
    dismissed_on = serializers.DateField(allow_null=True)
    due = serializers.BooleanField(help_text="Would the reminder show now?")


class MoodReminderInputSerializer(serializers.Serializer):
    enabled = StrictBooleanField()
    hour = StrictIntegerField(help_text="0 to 23, UTC.")


NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="No such check-in of yours.")
FORBIDDEN = OpenApiResponse(ApiErrorSerializer, description="Not logged in (or no CSRF token).")
BAD_INPUT = OpenApiResponse(ApiErrorSerializer, description="Bad input; `fields` says what.")
TOO_FAST = OpenApiResponse(
    ApiErrorSerializer, description="Too many check-ins in an hour; see Retry-After."
)
CHECKIN_ID = OpenApiParameter("checkin_id", int, OpenApiParameter.PATH, description="A check-in.")
DAYS = OpenApiParameter(
    "days",
    int,
    description=f"How many days, ending today (1 to {MAX_DAYS}; {CHART_DAYS} if absent).",
)


def _days(request: Request) -> int:
    raw = request.query_params.get("days")
    if raw is None:
        return CHART_DAYS
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise ValidationError({"days": [f"A whole number of days from 1 to {MAX_DAYS}."]})
    return int(raw)


def _today():
    return timezone.now().date()


class MoodAPIView(APIView):
    permission_classes = [IsAuthenticated]


class MoodListView(MoodAPIView):
    @extend_schema(
        operation_id="v1_me_mood_list",
        parameters=[PAGE],
        responses={200: page_serializer(MoodCheckInSerializer), 403: FORBIDDEN},
        summary="Your mood check-ins, newest first (only you can see them)",
    )
    def get(self, request: Request) -> Response:
        rows = selectors.mood_check_ins_for(request.user)
        return Response(paginated(request, rows, MoodCheckInSerializer))

    @extend_schema(
        operation_id="v1_me_mood_create",
        request=MoodCheckInInputSerializer,
        responses={201: MoodCheckedInSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 429: TOO_FAST},
        summary="Check in: how you feel, 1 to 5, with feelings and a note if you like",
        description="Only you can see a check-in; moderators and facilitators can't. If the "
        "note sounds like you're struggling, `signpost` holds help to show you at once; nothing "
        "is queued and nobody else is told.",
    )
    def post(self, request: Request) -> Response:
        serializer = MoodCheckInInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checkin, signpost = services.mood_check_in(actor=request.user, **serializer.validated_data)
        body = dict(MoodCheckInSerializer(checkin).data)
        body["signpost"] = signpost.as_payload() if signpost else None
        body["gentle_word"] = (
            services.gentle_word() if services.needs_gentle_word(checkin, signpost) else ""
        )
        return Response(body, status=status.HTTP_201_CREATED)


class MoodDetailView(MoodAPIView):
    @extend_schema(
        operation_id="v1_me_mood_retrieve",
        parameters=[CHECKIN_ID],
        responses={200: MoodCheckInSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="One of your check-ins",
    )
    def get(self, request: Request, checkin_id: str) -> Response:
        checkin = selectors.get_mood_check_in_for(request.user, checkin_id)
        return Response(MoodCheckInSerializer(checkin).data)

    @extend_schema(
        operation_id="v1_me_mood_destroy",
        parameters=[CHECKIN_ID],
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Delete one of your check-ins, for good",
    )
    def delete(self, request: Request, checkin_id: str) -> Response:
        services.mood_check_in_delete(actor=request.user, checkin_id=checkin_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _JsonForErrors(BaseContentNegotiation):
    """The chart answers SVG whatever the Accept header says; its errors answer JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class MoodChartView(MoodAPIView):
    content_negotiation_class = _JsonForErrors

    @extend_schema(
        operation_id="v1_me_mood_chart_retrieve",
        parameters=[DAYS],
        responses={
            (200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.STR, description="The chart."),
            403: FORBIDDEN,
        },
        summary="The chart of your daily average mood, as SVG (drawn on the server)",
    )
    def get(self, request: Request) -> HttpResponse:
        days, today = _days(request), _today()
        rows = selectors.mood_check_ins_in_window(request.user, days, today=today)
        response = HttpResponse(
            mood_chart_svg(rows, days=days, today=today), content_type="image/svg+xml"
        )
        response["Cache-Control"] = "no-store, private"
        return response


class MoodSeriesView(MoodAPIView):
    @extend_schema(
        operation_id="v1_me_mood_series_retrieve",
        parameters=[DAYS],
        responses={200: MoodSeriesSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
        summary="Your daily average mood, day by day",
    )
    def get(self, request: Request) -> Response:
        series = selectors.mood_series(request.user, _days(request), today=_today())
        return Response(MoodSeriesSerializer({"days": series}).data)


def _reminder_body(request: Request) -> dict:
    reminder = selectors.mood_reminder_for(request.user)
    return {
        "enabled": bool(reminder and reminder.enabled),
        "hour": reminder.hour if reminder else 18,
        "dismissed_on": reminder.dismissed_on if reminder else None,
        "due": selectors.mood_reminder_due(request.user, timezone.now()),
    }


class MoodReminderView(MoodAPIView):
    @extend_schema(
        operation_id="v1_me_mood_reminder_retrieve",
        responses={200: MoodReminderSerializer, 403: FORBIDDEN},
        summary="Your check-in reminder",
    )
    def get(self, request: Request) -> Response:
        return Response(MoodReminderSerializer(_reminder_body(request)).data)

    @extend_schema(
        operation_id="v1_me_mood_reminder_update",
        request=MoodReminderInputSerializer,
        responses={200: MoodReminderSerializer, 400: BAD_INPUT, 403: FORBIDDEN},
        summary="Turn the reminder on or off, and choose from which hour (UTC)",
    )
    def put(self, request: Request) -> Response:
        serializer = MoodReminderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.mood_reminder_set(actor=request.user, **serializer.validated_data)
        return Response(MoodReminderSerializer(_reminder_body(request)).data)
