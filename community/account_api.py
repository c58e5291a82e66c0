"""REST doors of the account lifecycle: `/api/v1/me/logout/`, `/api/v1/me/password/` and
`/api/v1/me/delete/`. Each calls the same service as the HTML pages. Changing the password and
deleting the account are session only: an API token alone must not be enough to lock the owner
out of their account or erase it."""

from django.contrib.auth import logout, update_session_auth_hash
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import account_services, tokens
from community.api_errors import ApiErrorSerializer
from community.sessions import member_sessions_end

CHOICE_HELP = "`delete` or `anonymise` (kept, shown as written by “Former member”)."


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(trim_whitespace=False, max_length=256)
    new_password = serializers.CharField(trim_whitespace=False, max_length=256)


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False, max_length=256)
    group_messages = serializers.ChoiceField(
        choices=account_services.CONTENT_CHOICES,
        default=account_services.DELETE,
        help_text="Your chat messages: " + CHOICE_HELP + " Default: delete.",
    )
    forum_posts = serializers.ChoiceField(
        choices=account_services.CONTENT_CHOICES,
        default=account_services.ANONYMISE,
        help_text="Your forum threads and replies: " + CHOICE_HELP + " Default: anonymise.",
    )
    stories = serializers.ChoiceField(
        choices=account_services.CONTENT_CHOICES,
        default=account_services.DELETE,
        help_text="Your success stories: " + CHOICE_HELP + " Default: delete.",
    )


class AccountDeletedSerializer(serializers.Serializer):
    deleted = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())


def _refusal(refused: account_services.PasswordCheckRefused) -> exceptions.Throttled:
    return exceptions.Throttled(wait=refused.retry_after, detail=str(refused))


def _as_api_error(error: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict)


class SignOutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Sign out everywhere: every session and open websocket of yours ends",
    )
    def post(self, request: Request) -> Response:
        member_sessions_end(member=request.user)
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    permission_classes = [IsAuthenticated, tokens.SessionOnly]

    @extend_schema(
        request=PasswordChangeSerializer,
        responses={204: None, 400: ApiErrorSerializer, 429: ApiErrorSerializer},
        summary="Change your password; this session stays, every other one ends",
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            member = account_services.member_password_change(
                actor=request.user, **serializer.validated_data
            )
        except ValidationError as error:
            raise _as_api_error(error) from error
        except account_services.PasswordCheckRefused as refused:
            raise _refusal(refused) from refused
        update_session_auth_hash(request._request, member)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccountDeleteView(APIView):
    permission_classes = [IsAuthenticated, tokens.SessionOnly]

    @extend_schema(
        request=AccountDeleteSerializer,
        responses={200: AccountDeletedSerializer, 400: ApiErrorSerializer, 429: ApiErrorSerializer},
        summary="Delete your account (needs your password; can't be undone)",
    )
    def post(self, request: Request) -> Response:
        serializer = AccountDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            report = account_services.member_erase(
                actor=request.user,
                password=data["password"],
                choices=account_services.ErasureChoices.from_data(data),
            )
        except ValidationError as error:
            raise _as_api_error(error) from error
        except account_services.PasswordCheckRefused as refused:
            raise _refusal(refused) from refused
        logout(request._request)
        return Response({"deleted": True, "counts": report.counts})
