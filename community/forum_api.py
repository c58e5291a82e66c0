"""REST door of the forums and notifications under /api/v1/: categories, threads, replies,
reactions, follows, moderation (lock, pin, remove, history), reports, search and the bell.
Views parse input, call one selector or service and render its result or its error.

Errors: whatever the actor may not see is 404, the same answer as for what does not exist (and
so are unusable ids and page numbers); visitors get 403 wherever an account is needed, and so
does a member who may see a thing but not do what they asked (the `detail` says why). A
pipeline refusal is the shared refusal shape (400, or 429 with Retry-After); the text is not
stored, so a client keeps what was typed. Service refusals are `{detail, code}`: 400, or 409 for
a moderation conflict (`already_reported` among them); too many reports is 429 with
Retry-After; a body larger than the server accepts is 413."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from community import forum_selectors as selectors
from community import forum_services as services
from community.api import RefusalSerializer
from community.api_errors import ApiErrorSerializer
from community.api_pages import PAGE, page_body, requested_page_number
from community.forum_permissions import Reader
from community.forum_selectors import ItemView
from community.forum_serializers import (
    CategoryDetailSerializer,
    CategorySerializer,
    ConflictSerializer,
    FollowSerializer,
    LockInputSerializer,
    MarkedSerializer,
    MarkReadInputSerializer,
    NotificationPageSerializer,
    NotificationSerializer,
    PinInputSerializer,
    PostEditInputSerializer,
    PostPageSerializer,
    PostReplyInputSerializer,
    PostSerializer,
    PostWrittenSerializer,
    ReactionCountSerializer,
    ReactionsSerializer,
    RemoveInputSerializer,
    ReportInputSerializer,
    ReportResultSerializer,
    RevisionSerializer,
    SearchHitSerializer,
    SearchPageSerializer,
    SearchWordsSerializer,
    ThreadEditInputSerializer,
    ThreadListSerializer,
    ThreadPageSerializer,
    ThreadSerializer,
    ThreadStartInputSerializer,
    ThreadWrittenSerializer,
    UnreadCountSerializer,
)
from community.models import Post, Reaction, Thread
from moderation import selectors as moderation_selectors


class ForumAPIView(APIView):
    """An API view of the forums; errors are answered by `community.api_errors`."""

    permission_classes = [IsAuthenticatedOrReadOnly]


def _valid(serializer_class: type[Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- rendering a thread or a reply as the actor sees it ---------------------------------------


def _thread_data(actor, thread_id: int, serializer_class=ThreadSerializer, **context) -> dict:
    """The thread with its opening post, read afresh with the actor's permissions."""
    thread, reader = selectors.get_thread_for(actor, thread_id)
    view = selectors.thread_view(reader, thread, 1)
    return serializer_class(view.opening, context={"thread_view": view, **context}).data


def _post_view(reader: Reader, post: Post) -> ItemView:
    """A reply as the reader sees it, read from the page of its thread it is on."""
    view = selectors.thread_view(reader, post.thread, selectors.post_page_number(reader, post))
    for item in view.page.object_list:
        if item.item.pk == post.pk:
            return item
    raise Http404("No such reply.")


def _post_data(actor, post_id: int, serializer_class=PostSerializer, **context) -> dict:
    post, reader = selectors.get_post_for(actor, post_id)
    return serializer_class(_post_view(reader, post), context=context).data


class _ThreadTarget:
    """Views acting on a thread found by `thread_id`."""

    @staticmethod
    def target(actor, pk) -> tuple[Thread, Reader]:
        return selectors.get_thread_for(actor, pk)

    @staticmethod
    def render(actor, pk) -> dict:
        return _thread_data(actor, pk)

    @staticmethod
    def reactions(reader: Reader, thread: Thread) -> tuple:
        return selectors.thread_view(reader, thread, 1).opening.reactions


class _PostTarget:
    """Views acting on a reply found by `post_id`."""

    @staticmethod
    def target(actor, pk) -> tuple[Post, Reader]:
        return selectors.get_post_for(actor, pk)

    @staticmethod
    def render(actor, pk) -> dict:
        return _post_data(actor, pk)

    @staticmethod
    def reactions(reader: Reader, post: Post) -> tuple:
        return _post_view(reader, post).reactions


# --- schema pieces ----------------------------------------------------------------------------

NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="No such thing (or not yours to see).")
FORBIDDEN = OpenApiResponse(
    ApiErrorSerializer, description="Not logged in (or no CSRF token), or not allowed; see detail."
)
BAD_INPUT = OpenApiResponse(
    ApiErrorSerializer,
    description="Bad input (`code` invalid, `fields` says what), or it can't be done "
    "(`code` refused, `detail` says why).",
)
REFUSED_TEXT = OpenApiResponse(
    RefusalSerializer,
    description="The text was refused and not stored (`code` says why, with `retry_after`, "
    "`until` and `signpost` when they apply), it can't be done, or bad input (`fields`).",
)
TOO_FAST = OpenApiResponse(RefusalSerializer, description="Posting too fast; see Retry-After.")
TOO_LARGE = OpenApiResponse(ApiErrorSerializer, description="The request body is too large.")
CONFLICT = OpenApiResponse(ApiErrorSerializer, description="Doesn't fit the current state.")
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The category's address.")
THREAD_ID = OpenApiParameter("thread_id", int, OpenApiParameter.PATH, description="A thread.")
POST_ID = OpenApiParameter("post_id", int, OpenApiParameter.PATH, description="A reply.")
KIND = OpenApiParameter(
    "kind",
    str,
    OpenApiParameter.PATH,
    enum=Reaction.Kind.values,
    description="The reaction (any other is 400).",
)


# --- categories -------------------------------------------------------------------------------


class CategoryListView(ForumAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: CategorySerializer(many=True)},
        summary="The forum categories you may read",
    )
    def get(self, request: Request) -> Response:
        listings = selectors.categories_for_list(request.user)
        return Response(CategorySerializer(listings, many=True).data)


class CategoryDetailView(ForumAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[SLUG],
        responses={200: CategoryDetailSerializer, 404: NOT_FOUND},
        summary="A category, and whether you may start a thread in it",
    )
    def get(self, request: Request, slug: str) -> Response:
        reader = selectors.get_category_for(request.user, slug)
        listing = next(
            (
                row
                for row in selectors.categories_for_list(request.user)
                if row.category.pk == reader.category.pk
            ),
            None,
        )
        if listing is None:
            raise Http404("No such category.")
        return Response(CategoryDetailSerializer(listing, context={"reader": reader}).data)


class CategoryThreadsView(ForumAPIView):
    @extend_schema(
        parameters=[SLUG, PAGE],
        responses={200: ThreadPageSerializer, 404: NOT_FOUND},
        summary="A page of a category's threads: pinned first, then the most recently active",
    )
    def get(self, request: Request, slug: str) -> Response:
        reader = selectors.get_category_for(request.user, slug)
        page = selectors.threads_page(reader, requested_page_number(request))
        results = ThreadListSerializer(page.object_list, many=True, context={"reader": reader})
        return Response(page_body(request, page, results.data))

    @extend_schema(
        parameters=[SLUG],
        request=ThreadStartInputSerializer,
        responses={
            201: ThreadWrittenSerializer,
            400: REFUSED_TEXT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            413: TOO_LARGE,
            429: TOO_FAST,
        },
        summary="Start a thread (moderated like every post)",
        description="A thread that waits for review comes back with status `held` and a "
        "`held_notice`; support offered to the author comes back as `signpost`.",
    )
    def post(self, request: Request, slug: str) -> Response:
        reader = selectors.get_category_for(request.user, slug)
        data = _valid(ThreadStartInputSerializer, request)
        written = services.thread_start(reader=reader, **data)
        body = _thread_data(
            request.user, written.content.pk, ThreadWrittenSerializer, written=written
        )
        return Response(body, status=status.HTTP_201_CREATED)


# --- threads ----------------------------------------------------------------------------------


class ThreadDetailView(ForumAPIView):
    @extend_schema(
        parameters=[THREAD_ID],
        responses={200: ThreadSerializer, 404: NOT_FOUND},
        summary="A thread with its opening post",
    )
    def get(self, request: Request, thread_id: str) -> Response:
        return Response(_thread_data(request.user, thread_id))

    @extend_schema(
        parameters=[THREAD_ID],
        request=ThreadEditInputSerializer,
        responses={
            200: ThreadWrittenSerializer,
            400: REFUSED_TEXT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            413: TOO_LARGE,
            429: TOO_FAST,
        },
        summary="Edit your thread's title or opening text (moderated again)",
        description="Fields left out keep their current values. The earlier version is kept "
        "for moderators.",
    )
    def patch(self, request: Request, thread_id: str) -> Response:
        thread, reader = selectors.get_thread_for(request.user, thread_id)
        data = _valid(ThreadEditInputSerializer, request)
        written = services.thread_edit(
            reader=reader,
            thread=thread,
            title=data.get("title", thread.title),
            body=data.get("body", thread.body),
            content_warning=data.get("content_warning", thread.content_warning),
        )
        return Response(
            _thread_data(request.user, thread.pk, ThreadWrittenSerializer, written=written)
        )

    @extend_schema(
        parameters=[THREAD_ID],
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Delete your thread (others see 'deleted by its author')",
    )
    def delete(self, request: Request, thread_id: str) -> Response:
        thread, reader = selectors.get_thread_for(request.user, thread_id)
        services.content_delete(reader=reader, content=thread)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadPostsView(ForumAPIView):
    @extend_schema(
        parameters=[THREAD_ID, PAGE],
        responses={200: PostPageSerializer, 404: NOT_FOUND},
        summary="A page of a thread's replies, oldest first",
    )
    def get(self, request: Request, thread_id: str) -> Response:
        thread, reader = selectors.get_thread_for(request.user, thread_id)
        view = selectors.thread_view(reader, thread, requested_page_number(request))
        results = PostSerializer(view.page.object_list, many=True).data
        return Response(page_body(request, view.page, results))

    @extend_schema(
        parameters=[THREAD_ID],
        request=PostReplyInputSerializer,
        responses={
            201: PostWrittenSerializer,
            400: REFUSED_TEXT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            413: TOO_LARGE,
            429: TOO_FAST,
        },
        summary="Reply in a thread (moderated like every post)",
        description="A locked thread answers 403 with a message that says so.",
    )
    def post(self, request: Request, thread_id: str) -> Response:
        thread, reader = selectors.get_thread_for(request.user, thread_id)
        data = _valid(PostReplyInputSerializer, request)
        written = services.post_reply(reader=reader, thread=thread, **data)
        body = _post_data(request.user, written.content.pk, PostWrittenSerializer, written=written)
        return Response(body, status=status.HTTP_201_CREATED)


class PostDetailView(ForumAPIView):
    @extend_schema(
        parameters=[POST_ID],
        responses={200: PostSerializer, 404: NOT_FOUND},
        summary="A reply",
    )
    def get(self, request: Request, post_id: str) -> Response:
        return Response(_post_data(request.user, post_id))

    @extend_schema(
        parameters=[POST_ID],
        request=PostEditInputSerializer,
        responses={
            200: PostWrittenSerializer,
            400: REFUSED_TEXT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            413: TOO_LARGE,
            429: TOO_FAST,
        },
        summary="Edit your reply (moderated again)",
        description="Fields left out keep their current values. The earlier version is kept "
        "for moderators.",
    )
    def patch(self, request: Request, post_id: str) -> Response:
        post, reader = selectors.get_post_for(request.user, post_id)
        data = _valid(PostEditInputSerializer, request)
        written = services.post_edit(
            reader=reader,
            post=post,
            body=data.get("body", post.body),
            content_warning=data.get("content_warning", post.content_warning),
        )
        return Response(_post_data(request.user, post.pk, PostWrittenSerializer, written=written))

    @extend_schema(
        parameters=[POST_ID],
        responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Delete your reply (others see 'deleted by its author')",
    )
    def delete(self, request: Request, post_id: str) -> Response:
        post, reader = selectors.get_post_for(request.user, post_id)
        services.content_delete(reader=reader, content=post)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- reactions and follows --------------------------------------------------------------------


class _ReactionView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    def put(self, request: Request, pk: str, kind: str) -> Response:
        content, reader = self.target(request.user, pk)
        services.reaction_add(reader=reader, content=content, kind=kind)
        return self._counts(reader, content)

    def delete(self, request: Request, pk: str, kind: str) -> Response:
        content, reader = self.target(request.user, pk)
        services.reaction_remove(reader=reader, content=content, kind=kind)
        return self._counts(reader, content)

    def _counts(self, reader: Reader, content) -> Response:
        counts = ReactionCountSerializer(self.reactions(reader, content), many=True).data
        return Response({"reactions": counts})


def _reaction_schema(what: str, id_parameter: OpenApiParameter) -> dict:
    responses = {200: ReactionsSerializer, 403: FORBIDDEN, 404: NOT_FOUND}
    return {
        "put": extend_schema(
            parameters=[id_parameter, KIND],
            request=None,
            responses={**responses, 400: BAD_INPUT},
            summary=f"React to a {what} (giving the same reaction twice is harmless)",
        ),
        "delete": extend_schema(
            parameters=[id_parameter, KIND],
            responses={**responses, 400: BAD_INPUT},
            summary=f"Take back your reaction to a {what}",
        ),
    }


@extend_schema_view(**_reaction_schema("thread's opening post", THREAD_ID))
class ThreadReactionView(_ThreadTarget, _ReactionView):
    def put(self, request: Request, thread_id: str, kind: str) -> Response:
        return super().put(request, thread_id, kind)

    def delete(self, request: Request, thread_id: str, kind: str) -> Response:
        return super().delete(request, thread_id, kind)


@extend_schema_view(**_reaction_schema("reply", POST_ID))
class PostReactionView(_PostTarget, _ReactionView):
    def put(self, request: Request, post_id: str, kind: str) -> Response:
        return super().put(request, post_id, kind)

    def delete(self, request: Request, post_id: str, kind: str) -> Response:
        return super().delete(request, post_id, kind)


class ThreadFollowView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[THREAD_ID],
        request=None,
        responses={200: FollowSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Follow a thread: you are told about new replies",
    )
    def put(self, request: Request, thread_id: str) -> Response:
        thread, reader = selectors.get_thread_for(request.user, thread_id)
        services.thread_follow(reader=reader, thread=thread)
        return Response({"subscribed": True})

    @extend_schema(
        parameters=[THREAD_ID],
        responses={200: FollowSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Stop following a thread",
    )
    def delete(self, request: Request, thread_id: str) -> Response:
        thread, reader = selectors.get_thread_for(request.user, thread_id)
        services.thread_unfollow(reader=reader, thread=thread)
        return Response({"subscribed": False})


# --- moderation: lock, pin, remove, history; reports ------------------------------------------


class ThreadLockView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[THREAD_ID],
        request=LockInputSerializer,
        responses={
            200: ThreadSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            413: TOO_LARGE,
        },
        summary="Lock a thread to new replies, or open it again (moderators)",
    )
    def post(self, request: Request, thread_id: str) -> Response:
        thread, reader = selectors.get_thread_for(request.user, thread_id)
        data = _valid(LockInputSerializer, request)
        services.thread_lock(reader=reader, thread=thread, locked=data["locked"])
        return Response(_thread_data(request.user, thread.pk))


class ThreadPinView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[THREAD_ID],
        request=PinInputSerializer,
        responses={
            200: ThreadSerializer,
            400: BAD_INPUT,
            403: FORBIDDEN,
            404: NOT_FOUND,
            413: TOO_LARGE,
        },
        summary="Pin a thread to the top of its category, or unpin it (moderators)",
    )
    def post(self, request: Request, thread_id: str) -> Response:
        thread, reader = selectors.get_thread_for(request.user, thread_id)
        data = _valid(PinInputSerializer, request)
        services.thread_pin(reader=reader, thread=thread, pinned=data["pinned"])
        return Response(_thread_data(request.user, thread.pk))


class _RemoveView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request, pk: str) -> Response:
        content, reader = self.target(request.user, pk)
        data = _valid(RemoveInputSerializer, request)
        services.content_remove(reader=reader, content=content, reason=data["reason"])
        return Response(self.render(request.user, content.pk))


def _remove_schema(what: str, id_parameter: OpenApiParameter, serializer) -> dict:
    return {
        "post": extend_schema(
            parameters=[id_parameter],
            request=RemoveInputSerializer,
            responses={
                200: serializer,
                400: BAD_INPUT,
                403: FORBIDDEN,
                404: NOT_FOUND,
                409: CONFLICT,
                413: TOO_LARGE,
            },
            summary=f"Take a {what} down, with a reason its author sees (moderators)",
        )
    }


@extend_schema_view(**_remove_schema("thread", THREAD_ID, ThreadSerializer))
class ThreadRemoveView(_ThreadTarget, _RemoveView):
    def post(self, request: Request, thread_id: str) -> Response:
        return super().post(request, thread_id)


@extend_schema_view(**_remove_schema("reply", POST_ID, PostSerializer))
class PostRemoveView(_PostTarget, _RemoveView):
    def post(self, request: Request, post_id: str) -> Response:
        return super().post(request, post_id)


class _ReportView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request, pk: str) -> Response:
        content, reader = self.target(request.user, pk)
        data = _valid(ReportInputSerializer, request)
        report = services.content_report(
            reader=reader, content=content, reason=data["reason"], note=data["note"]
        )
        return Response(ReportResultSerializer(report).data, status=status.HTTP_201_CREATED)


def _report_schema(what: str, id_parameter: OpenApiParameter) -> dict:
    return {
        "post": extend_schema(
            parameters=[id_parameter],
            request=ReportInputSerializer,
            responses={
                201: ReportResultSerializer,
                400: BAD_INPUT,
                403: FORBIDDEN,
                404: NOT_FOUND,
                409: OpenApiResponse(
                    ConflictSerializer,
                    description="Already reported by you (`already_reported`), or nothing to "
                    "report any more.",
                ),
                413: TOO_LARGE,
                429: OpenApiResponse(
                    ConflictSerializer, description="Many reports lately; see Retry-After."
                ),
            },
            summary=f"Report a {what} to the moderators (once per {what})",
        )
    }


@extend_schema_view(**_report_schema("thread", THREAD_ID))
class ThreadReportView(_ThreadTarget, _ReportView):
    def post(self, request: Request, thread_id: str) -> Response:
        return super().post(request, thread_id)


@extend_schema_view(**_report_schema("reply", POST_ID))
class PostReportView(_PostTarget, _ReportView):
    def post(self, request: Request, post_id: str) -> Response:
        return super().post(request, post_id)


class _RevisionsView(ForumAPIView):
    def get(self, request: Request, pk: str) -> Response:
        content, _reader = self.target(request.user, pk)
        try:
            revisions = moderation_selectors.revisions_for(request.user, content)
        except PermissionDenied:
            raise Http404("No such thing.") from None
        return Response(RevisionSerializer(revisions, many=True).data)


def _revisions_schema(what: str, id_parameter: OpenApiParameter) -> dict:
    return {
        "get": extend_schema(
            parameters=[id_parameter],
            responses={200: RevisionSerializer(many=True), 404: NOT_FOUND},
            summary=f"Earlier versions of a {what}, newest first (moderators; others get 404)",
        )
    }


@extend_schema_view(**_revisions_schema("thread", THREAD_ID))
class ThreadRevisionsView(_ThreadTarget, _RevisionsView):
    def get(self, request: Request, thread_id: str) -> Response:
        return super().get(request, thread_id)


@extend_schema_view(**_revisions_schema("reply", POST_ID))
class PostRevisionsView(_PostTarget, _RevisionsView):
    def get(self, request: Request, post_id: str) -> Response:
        return super().get(request, post_id)


# --- search -----------------------------------------------------------------------------------


class SearchView(ForumAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="The words to look for."), PAGE],
        responses={
            200: SearchPageSerializer,
            400: OpenApiResponse(ApiErrorSerializer, description="Search words too short or long."),
            404: NOT_FOUND,
        },
        summary="Search the threads and replies you may read",
    )
    def get(self, request: Request) -> Response:
        return self.search(request, request.query_params.get("q", ""))

    @extend_schema(
        request=SearchWordsSerializer,
        parameters=[PAGE],
        responses={
            200: SearchPageSerializer,
            400: OpenApiResponse(ApiErrorSerializer, description="Search words too short or long."),
            404: NOT_FOUND,
        },
        summary="Search, with the words in the body (kept out of addresses and logs)",
        description=(
            "The same search as GET, but what someone looks for (often about their health) "
            "never appears in a URL, a proxy's log or a Referer. Page with `?page=N` and the "
            "same body; the `next` and `previous` links carry only the page."
        ),
    )
    def post(self, request: Request) -> Response:
        words = SearchWordsSerializer(data=request.data)
        words.is_valid(raise_exception=True)
        return self.search(request, words.validated_data["q"])

    def search(self, request: Request, words: str) -> Response:
        page = selectors.search_page(request.user, words, requested_page_number(request))
        results = SearchHitSerializer(page.object_list, many=True).data
        return Response(page_body(request, page, results))


# --- notifications ----------------------------------------------------------------------------


class NotificationListView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[PAGE],
        responses={200: NotificationPageSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
        summary="Your notifications, newest first",
    )
    def get(self, request: Request) -> Response:
        page = selectors.notifications_page(request.user, requested_page_number(request))
        results = NotificationSerializer(page.object_list, many=True).data
        return Response(page_body(request, page, results))


class NotificationUnreadCountView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: UnreadCountSerializer, 403: FORBIDDEN},
        summary="How many notifications you haven't read (the number on the bell)",
    )
    def get(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_notification_count(request.user)})


class NotificationsReadView(ForumAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=MarkReadInputSerializer,
        responses={200: MarkedSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 413: TOO_LARGE},
        summary="Mark notifications read: those with the given ids, or all of them",
    )
    def post(self, request: Request) -> Response:
        data = _valid(MarkReadInputSerializer, request)
        marked = services.notifications_mark_read(actor=request.user, ids=data.get("ids"))
        return Response({"marked": marked})
