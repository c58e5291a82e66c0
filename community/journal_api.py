"""REST door of the member's private journal and milestones, under /api/v1/me/journal/ and
/api/v1/me/milestones/. For the signed-in member alone (session or token): anyone else's entry
or milestone is 404, the same answer as for one that does not exist, whoever asks.

Views parse input, call one selector or service and render its result or its error (the
shape of community/api_errors.py). When the words show risk, the answer carries `signpost`:
help for the member, shown at once and stored nowhere. Search words go in a POST body, never
in a URL."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import journal, journal_selectors, journal_services
from community.api import SignpostSerializer
from community.api_errors import ApiErrorSerializer
from community.api_fields import TextField
from community.api_pages import PAGE, page_serializer, paginated
from community.models import JournalEntry, Milestone

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="No such thing, or not yours.")
BAD_INPUT = OpenApiResponse(ApiErrorSerializer, description="Bad input; `fields` says what.")
TOO_FAST = OpenApiResponse(ApiErrorSerializer, description="Writing too fast; see Retry-After.")
ENTRY_ID = OpenApiParameter("entry_id", int, OpenApiParameter.PATH, description="An entry.")
MILESTONE_ID = OpenApiParameter(
    "milestone_id", int, OpenApiParameter.PATH, description="A milestone."
)


def _signpost(offer) -> dict | None:
    return offer.as_payload() if offer is not None else None


# --- serializers ------------------------------------------------------------------------------


class PromptSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Send this as `prompt_key`.")
    step = serializers.CharField(help_text="The part of the healing path it belongs to.")
    text = serializers.CharField()


class JournalEntrySerializer(serializers.ModelSerializer):
    html = serializers.CharField(source="body_html", help_text="Sanitised HTML of `body`.")

    class Meta:
        model = JournalEntry
        fields = ["id", "prompt", "body", "html", "created_at", "edited_at"]


class JournalEntrySavedSerializer(JournalEntrySerializer):
    signpost = SignpostSerializer(
        allow_null=True, help_text="Help for you alone, when the words show risk; not stored."
    )

    class Meta(JournalEntrySerializer.Meta):
        fields = [*JournalEntrySerializer.Meta.fields, "signpost"]


class JournalWriteSerializer(serializers.Serializer):
    # Length and blankness are the service's to refuse, so every door says the same.
    body = TextField(trim_whitespace=False, allow_blank=True, help_text="Markdown.")
    prompt_key = serializers.ChoiceField(
        choices=["", *journal.PROMPT_KEYS], required=False, default=""
    )


class JournalEditSerializer(serializers.Serializer):
    body = TextField(trim_whitespace=False, allow_blank=True, required=False)
    prompt_key = serializers.ChoiceField(
        choices=["", *journal.PROMPT_KEYS],
        required=False,
        help_text="Leave out to keep the prompt; empty to take it away.",
    )


class SearchSerializer(serializers.Serializer):
    q = TextField(trim_whitespace=False, help_text="Every word must be in the entry.")


class StoryLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    state = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, story) -> str:
        from django.urls import reverse

        return reverse("stories:edit", kwargs={"story_id": story.pk})


class MilestoneSerializer(serializers.ModelSerializer):
    story = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "title", "note", "created_at", "achieved_at", "story"]

    def get_story(self, milestone) -> int | None:
        story = milestone.story
        return story.pk if story is not None and story.state != "deleted" else None


class MilestoneSavedSerializer(MilestoneSerializer):
    signpost = SignpostSerializer(allow_null=True)

    class Meta(MilestoneSerializer.Meta):
        fields = [*MilestoneSerializer.Meta.fields, "signpost"]


class MilestoneWriteSerializer(serializers.Serializer):
    title = TextField(trim_whitespace=False, allow_blank=True)
    note = TextField(trim_whitespace=False, allow_blank=True, required=False, default="")


class MilestoneEditSerializer(serializers.Serializer):
    title = TextField(trim_whitespace=False, allow_blank=True, required=False)
    note = TextField(trim_whitespace=False, allow_blank=True, required=False)


class AchieveSerializer(serializers.Serializer):
    achieved = serializers.BooleanField()


def _valid(serializer_class, request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _saved(serializer_class, row, offer) -> dict:
    row.signpost = _signpost(offer)
    return serializer_class(row).data


class PrivateAPIView(APIView):
    permission_classes = [IsAuthenticated]


WRITE_ERRORS = {400: BAD_INPUT, 404: NOT_FOUND, 429: TOO_FAST}


# --- the journal ------------------------------------------------------------------------------


class JournalListView(PrivateAPIView):
    @extend_schema(
        operation_id="v1_me_journal_list",
        parameters=[PAGE],
        responses={200: page_serializer(JournalEntrySerializer), 404: NOT_FOUND},
        summary="Your journal entries, newest first (only you can read them)",
    )
    def get(self, request: Request) -> Response:
        rows = journal_selectors.journal_entries(request.user)
        return Response(paginated(request, rows, JournalEntrySerializer))

    @extend_schema(
        request=JournalWriteSerializer,
        responses={201: JournalEntrySavedSerializer, **WRITE_ERRORS},
        summary="Write a journal entry",
        description="Only you can read it. If the words show risk, `signpost` has help for "
        "you; nobody else is told and nothing is kept but the entry.",
    )
    def post(self, request: Request) -> Response:
        data = _valid(JournalWriteSerializer, request)
        entry, offer = journal_services.journal_entry_create(actor=request.user, **data)
        return Response(
            _saved(JournalEntrySavedSerializer, entry, offer), status=status.HTTP_201_CREATED
        )


class JournalEntryView(PrivateAPIView):
    @extend_schema(
        parameters=[ENTRY_ID],
        responses={200: JournalEntrySerializer, 404: NOT_FOUND},
        summary="One of your journal entries",
    )
    def get(self, request: Request, entry_id: str) -> Response:
        entry = journal_selectors.get_journal_entry_for(request.user, entry_id)
        return Response(JournalEntrySerializer(entry).data)

    @extend_schema(
        parameters=[ENTRY_ID],
        request=JournalEditSerializer,
        responses={200: JournalEntrySavedSerializer, **WRITE_ERRORS},
        summary="Change one of your journal entries",
    )
    def patch(self, request: Request, entry_id: str) -> Response:
        entry = journal_selectors.get_journal_entry_for(request.user, entry_id)
        data = _valid(JournalEditSerializer, request)
        entry, offer = journal_services.journal_entry_edit(
            actor=request.user,
            entry=entry,
            body=data.get("body", entry.body),
            prompt_key=data.get("prompt_key"),
        )
        return Response(_saved(JournalEntrySavedSerializer, entry, offer))

    @extend_schema(
        parameters=[ENTRY_ID],
        responses={204: None, 404: NOT_FOUND},
        summary="Delete one of your journal entries, for good",
    )
    def delete(self, request: Request, entry_id: str) -> Response:
        entry = journal_selectors.get_journal_entry_for(request.user, entry_id)
        journal_services.journal_entry_delete(actor=request.user, entry=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)


class JournalSearchView(PrivateAPIView):
    @extend_schema(
        request=SearchSerializer,
        parameters=[PAGE],
        responses={
            200: page_serializer(JournalEntrySerializer),
            400: OpenApiResponse(ApiErrorSerializer, description="Search words too short or long."),
            404: NOT_FOUND,
        },
        summary="Search your own journal entries (the words go in the body, not the URL)",
    )
    def post(self, request: Request) -> Response:
        words = _valid(SearchSerializer, request)["q"]
        rows = journal_selectors.journal_search(request.user, words)
        return Response(paginated(request, rows, JournalEntrySerializer))


class JournalPromptsView(PrivateAPIView):
    @extend_schema(
        responses={200: PromptSerializer(many=True)}, summary="The journal's prompts, in order"
    )
    def get(self, request: Request) -> Response:
        return Response(PromptSerializer(journal.PROMPTS, many=True).data)


# --- milestones -------------------------------------------------------------------------------


class MilestoneListView(PrivateAPIView):
    @extend_schema(
        operation_id="v1_me_milestones_list",
        parameters=[PAGE],
        responses={200: page_serializer(MilestoneSerializer), 404: NOT_FOUND},
        summary="Your milestones: open goals first, then the most recently achieved",
    )
    def get(self, request: Request) -> Response:
        rows = journal_selectors.milestones(request.user)
        return Response(paginated(request, rows, MilestoneSerializer))

    @extend_schema(
        request=MilestoneWriteSerializer,
        responses={201: MilestoneSavedSerializer, **WRITE_ERRORS},
        summary="Set a milestone (a goal you'll mark when you reach it)",
    )
    def post(self, request: Request) -> Response:
        data = _valid(MilestoneWriteSerializer, request)
        milestone, offer = journal_services.milestone_create(actor=request.user, **data)
        return Response(
            _saved(MilestoneSavedSerializer, milestone, offer), status=status.HTTP_201_CREATED
        )


class MilestoneView(PrivateAPIView):
    @extend_schema(
        parameters=[MILESTONE_ID],
        responses={200: MilestoneSerializer, 404: NOT_FOUND},
        summary="One of your milestones",
    )
    def get(self, request: Request, milestone_id: str) -> Response:
        milestone = journal_selectors.get_milestone_for(request.user, milestone_id)
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(
        parameters=[MILESTONE_ID],
        request=MilestoneEditSerializer,
        responses={200: MilestoneSavedSerializer, **WRITE_ERRORS},
        summary="Change one of your milestones",
    )
    def patch(self, request: Request, milestone_id: str) -> Response:
        milestone = journal_selectors.get_milestone_for(request.user, milestone_id)
        data = _valid(MilestoneEditSerializer, request)
        milestone, offer = journal_services.milestone_edit(
            actor=request.user, milestone=milestone, **data
        )
        return Response(_saved(MilestoneSavedSerializer, milestone, offer))

    @extend_schema(
        parameters=[MILESTONE_ID],
        responses={204: None, 404: NOT_FOUND},
        summary="Delete one of your milestones",
    )
    def delete(self, request: Request, milestone_id: str) -> Response:
        milestone = journal_selectors.get_milestone_for(request.user, milestone_id)
        journal_services.milestone_delete(actor=request.user, milestone=milestone)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MilestoneAchieveView(PrivateAPIView):
    @extend_schema(
        parameters=[MILESTONE_ID],
        request=AchieveSerializer,
        responses={200: MilestoneSerializer, 400: BAD_INPUT, 404: NOT_FOUND},
        summary="Mark a milestone achieved (now), or not yet",
    )
    def post(self, request: Request, milestone_id: str) -> Response:
        milestone = journal_selectors.get_milestone_for(request.user, milestone_id)
        achieved = _valid(AchieveSerializer, request)["achieved"]
        milestone = journal_services.milestone_achieve(
            actor=request.user, milestone=milestone, achieved=achieved
        )
        return Response(MilestoneSerializer(milestone).data)


class MilestoneStoryView(PrivateAPIView):
    @extend_schema(
        parameters=[MILESTONE_ID],
        request=None,
        responses={
            200: StoryLinkSerializer,
            201: StoryLinkSerializer,
            400: OpenApiResponse(ApiErrorSerializer, description="The story text was refused."),
            404: NOT_FOUND,
            429: TOO_FAST,
        },
        summary="Turn a milestone into a draft story (201), or get the draft it already has (200)",
        description="The draft is a story like any other: kept as a draft, nobody reviews it "
        "until you send it. `url` is its edit page.",
    )
    def post(self, request: Request, milestone_id: str) -> Response:
        milestone = journal_selectors.get_milestone_for(request.user, milestone_id)
        had_story = milestone.story is not None and milestone.story.state != "deleted"
        story = journal_services.milestone_to_story(actor=request.user, milestone=milestone)
        code = status.HTTP_200_OK if had_story else status.HTTP_201_CREATED
        return Response(StoryLinkSerializer(story).data, status=code)
