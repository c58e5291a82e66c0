"""REST door of success stories under /api/v1/stories/: the list (by milestone tag), one story,
the author's own stories, writing and editing, "this gave me hope", and the moderators' review
(approve, return with a note, remove, feature). Views parse input, call one selector or service
and render its result or its error, said the same way as in the forum API (community/forum_api.py):

whatever the actor may not see is 404, the same answer as for what does not exist (and so are
unusable ids, page numbers and tags); visitors get 403 wherever an account is needed, and so
does a member who may see a story but not do what they asked (the `detail` says why). A
pipeline refusal is the shared refusal shape (400, or 429 with Retry-After); the text is not
stored, so a client keeps what was typed. Service refusals are `{detail, code}`: 400 `refused`,
or 409 `conflict` when a moderator's decision doesn't fit the story's state; a body larger
than the server accepts is 413."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community import story_selectors as selectors
from community import story_services as services
from community.api_errors import ApiErrorSerializer
from community.api_pages import page_body, page_serializer, paginated, requested_page_number
from community.forum_api import (
    BAD_INPUT,
    CONFLICT,
    FORBIDDEN,
    NOT_FOUND,
    PAGE,
    REFUSED_TEXT,
    TOO_FAST,
    TOO_LARGE,
    ForumAPIView,
    _valid,
)
from community.forum_serializers import RemoveInputSerializer
from community.story_serializers import (
    ApproveInputSerializer,
    FeatureInputSerializer,
    HopeSerializer,
    MyStorySerializer,
    ReturnInputSerializer,
    ReviewStorySerializer,
    StoryEditInputSerializer,
    StoryListSerializer,
    StoryPageSerializer,
    StorySavedSerializer,
    StorySerializer,
    StoryTagSerializer,
    StoryWriteInputSerializer,
)


class StoryAPIView(ForumAPIView):
    """An API view of the stories; errors are answered by `community.api_errors`."""


def _story_data(actor, story_id, serializer_class=StorySerializer, **context) -> dict:
    """The story read afresh, as `actor` sees it."""
    story = selectors.get_story_for(actor, story_id)
    view = selectors.story_view(actor, story)
    return serializer_class(view, context={"actor": actor, **context}).data


# --- schema pieces ----------------------------------------------------------------------------

STORY_ID = OpenApiParameter("story_id", int, OpenApiParameter.PATH, description="A story.")
TAG = OpenApiParameter(
    "tag", str, description="Only stories with this milestone tag (an unknown one is 404)."
)
MODERATORS_ONLY = OpenApiResponse(
    ApiErrorSerializer,
    description="Not logged in, or not a moderator (a story you can't see at all is 404).",
)
WRITE_RESPONSES = {
    400: REFUSED_TEXT,
    403: FORBIDDEN,
    404: NOT_FOUND,
    413: TOO_LARGE,
    429: TOO_FAST,
}


def _review_schema(summary: str, request, description: str = "") -> extend_schema:
    return extend_schema(
        parameters=[STORY_ID],
        request=request,
        responses={
            200: StorySerializer,
            400: BAD_INPUT,
            403: MODERATORS_ONLY,
            404: NOT_FOUND,
            409: CONFLICT,
            413: TOO_LARGE,
        },
        summary=summary,
        description=description,
    )


# --- reading and writing ----------------------------------------------------------------------


class StoryListView(StoryAPIView):
    @extend_schema(
        operation_id="v1_stories_list",
        parameters=[PAGE, TAG],
        responses={200: StoryPageSerializer, 404: NOT_FOUND},
        summary="A page of published stories you may read, newest first",
        description="Visitors see only the stories their authors shared with visitors too.",
    )
    def get(self, request: Request) -> Response:
        number = requested_page_number(request)
        slug = request.query_params.get("tag")
        tag = selectors.get_tag(slug) if slug else None
        page = selectors.stories_page(request.user, number, tag=tag)
        results = StoryListSerializer(
            page.object_list, many=True, context={"actor": request.user}
        ).data
        return Response(page_body(request, page, results))

    @extend_schema(
        request=StoryWriteInputSerializer,
        responses={201: StorySavedSerializer, **WRITE_RESPONSES},
        summary="Share a story (a moderator reads every story before others can)",
        description="Comes back as its author sees it: `state` submitted with a `held_notice`, "
        "or draft when `send_for_review` is false. Support offered to the author comes back "
        "as `signpost`. Unknown or too many tags are 400 `refused`.",
    )
    def post(self, request: Request) -> Response:
        data = _valid(StoryWriteInputSerializer, request)
        saved = services.story_save(actor=request.user, **data)
        body = _story_data(request.user, saved.story.pk, StorySavedSerializer, saved=saved)
        return Response(body, status=status.HTTP_201_CREATED)


class MyStoriesView(StoryAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[PAGE],
        operation_id="v1_stories_mine_list",
        responses={200: page_serializer(MyStorySerializer), 403: FORBIDDEN},
        summary="Your stories in every state (drafts, awaiting review, returned, ...)",
    )
    def get(self, request: Request) -> Response:
        return Response(paginated(request, selectors.my_stories(request.user), MyStorySerializer))


class StoryTagListView(StoryAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: StoryTagSerializer(many=True)}, summary="The milestone tags, in order"
    )
    def get(self, request: Request) -> Response:
        return Response(StoryTagSerializer(selectors.story_tags(), many=True).data)


class StoryDetailView(StoryAPIView):
    @extend_schema(
        parameters=[STORY_ID],
        responses={200: StorySerializer, 404: NOT_FOUND},
        summary="A story",
        description="Its author and moderators see it in every state; others only once it is "
        "published (and visitors only when it was shared with visitors too).",
    )
    def get(self, request: Request, story_id: str) -> Response:
        return Response(_story_data(request.user, story_id))

    @extend_schema(
        parameters=[STORY_ID],
        request=StoryEditInputSerializer,
        responses={200: StorySavedSerializer, **WRITE_RESPONSES},
        summary="Change your story (a published or returned one goes back to review)",
        description="Fields left out keep their current values. The earlier version is kept "
        "for moderators.",
    )
    def patch(self, request: Request, story_id: str) -> Response:
        story = selectors.get_story_for(request.user, story_id)
        data = _valid(StoryEditInputSerializer, request)
        saved = services.story_save(
            actor=request.user,
            story=story,
            title=data.get("title", story.title),
            body=data.get("body", story.body),
            tags=data.get("tags", [tag.slug for tag in story.tags.all()]),
            audience=data.get("audience", story.audience),
            is_anonymous=data.get("is_anonymous", story.is_anonymous),
            content_warning=data.get("content_warning", story.content_warning),
            send_for_review=data["send_for_review"],
        )
        return Response(_story_data(request.user, story.pk, StorySavedSerializer, saved=saved))

    @extend_schema(
        parameters=[STORY_ID],
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Delete your story, in any state (deleting it twice is harmless)",
    )
    def delete(self, request: Request, story_id: str) -> Response:
        story = selectors.get_story_for(request.user, story_id)
        services.story_delete(actor=request.user, story=story)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StoryHopeView(StoryAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[STORY_ID],
        request=None,
        responses={200: HopeSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Say 'this gave me hope' (once per story; saying it again is harmless)",
    )
    def put(self, request: Request, story_id: str) -> Response:
        story = selectors.get_story_for(request.user, story_id)
        services.story_hope_add(actor=request.user, story=story)
        return self._hope(request, story)

    @extend_schema(
        parameters=[STORY_ID],
        responses={200: HopeSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Take back your 'this gave me hope'",
    )
    def delete(self, request: Request, story_id: str) -> Response:
        story = selectors.get_story_for(request.user, story_id)
        services.story_hope_remove(actor=request.user, story=story)
        return self._hope(request, story)

    def _hope(self, request: Request, story) -> Response:
        view = selectors.story_view(request.user, story)
        return Response({"hope_count": view.hope_count, "hoped_by_me": view.hoped_by_me})


# --- review (moderators) ----------------------------------------------------------------------


class StoryReviewListView(StoryAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: ReviewStorySerializer(many=True), 403: MODERATORS_ONLY},
        summary="Stories waiting for review, oldest first (moderators)",
    )
    def get(self, request: Request) -> Response:
        stories = selectors.stories_awaiting_review(request.user)
        return Response(
            ReviewStorySerializer(stories, many=True, context={"actor": request.user}).data
        )


class StoryApproveView(StoryAPIView):
    permission_classes = [IsAuthenticated]

    @_review_schema(
        "Publish a story waiting for review (moderators); its author is told",
        ApproveInputSerializer,
    )
    def post(self, request: Request, story_id: str) -> Response:
        story = selectors.get_story_for(request.user, story_id)
        data = _valid(ApproveInputSerializer, request)
        services.story_approve(actor=request.user, story=story, note=data["note"])
        return Response(_story_data(request.user, story.pk))


class StoryReturnView(StoryAPIView):
    permission_classes = [IsAuthenticated]

    @_review_schema(
        "Give a story back to its author with a note saying what to change (moderators)",
        ReturnInputSerializer,
        "The author is told and sees the note; they can revise it and send it again. An "
        "empty or too long note is 400 `refused`.",
    )
    def post(self, request: Request, story_id: str) -> Response:
        story = selectors.get_story_for(request.user, story_id)
        data = _valid(ReturnInputSerializer, request)
        services.story_return(actor=request.user, story=story, note=data["note"])
        return Response(_story_data(request.user, story.pk))


class StoryRemoveView(StoryAPIView):
    permission_classes = [IsAuthenticated]

    @_review_schema(
        "Take a story down, with a reason its author sees (moderators)", RemoveInputSerializer
    )
    def post(self, request: Request, story_id: str) -> Response:
        story = selectors.get_story_for(request.user, story_id)
        data = _valid(RemoveInputSerializer, request)
        services.story_remove(actor=request.user, story=story, reason=data["reason"])
        return Response(_story_data(request.user, story.pk))


class StoryFeatureView(StoryAPIView):
    permission_classes = [IsAuthenticated]

    @_review_schema(
        "Show a published story on the home page, or stop (moderators)", FeatureInputSerializer
    )
    def post(self, request: Request, story_id: str) -> Response:
        story = selectors.get_story_for(request.user, story_id)
        data = _valid(FeatureInputSerializer, request)
        services.story_feature(actor=request.user, story=story, featured=data["featured"])
        return Response(_story_data(request.user, story.pk))
