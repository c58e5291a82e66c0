"""How every REST endpoint under /api/v1/ says something went wrong: one JSON shape,
`{"code", "detail", "fields"?}`, whatever raised the error (DRF, Django or one of our services).

- `code` is a stable machine name (`invalid`, `not_authenticated`, `permission_denied`,
  `not_found`, `conflict`, `too_large`, `throttled`, ...); clients branch on it.
- `detail` is one kind sentence a client can show as it is.
- `fields` appears only for bad input: `{field: [messages]}`, flat strings whatever the nesting.

Views raise; this handler answers (settings `REST_FRAMEWORK["EXCEPTION_HANDLER"]`), so a rule
about error answers lives here once. `error_responses_hook` documents the errors every operation
can return in the OpenAPI schema, so clients (and schemathesis) know the whole contract.
"""

from __future__ import annotations

import math

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from community.forum_selectors import SearchQueryInvalid
from community.forum_services import ForumActionRefused
from community.ids import not_found
from community.private_space import PrivateSpaceRateLimited
from community.story_services import StoryActionRefused
from groups.services import GroupActionRefused
from moderation.pipeline import ContentRefused
from moderation.queue_selectors import QueueFilterInvalid
from moderation.services import (
    AlreadyAppealed,
    AlreadyReported,
    ModerationConflict,
    ModerationInputInvalid,
    ReportRateLimited,
)


class ApiErrorSerializer(serializers.Serializer):
    """The body of every error answer (documentation only)."""

    code = serializers.CharField(help_text="A stable name for the error, e.g. not_found.")
    detail = serializers.CharField(help_text="What went wrong and what to do next.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Only for bad input: what is wrong with each field, `{field: [messages]}`.",
    )


def error_response(
    detail: str, code: str, http_status: int, fields: dict | None = None, **extra
) -> Response:
    body = {"code": code, "detail": detail, **extra}
    if fields is not None:
        body["fields"] = fields
    return Response(body, status=http_status)


def _messages(value) -> list[str]:
    """Error messages as a flat list of strings (DRF nests them for list items and objects)."""
    if isinstance(value, dict):
        return [
            f"{key}: {message}" if not isinstance(inner, dict | list) else message
            for key, inner in value.items()
            for message in _messages(inner)
        ]
    if isinstance(value, list | tuple):
        return [message for inner in value for message in _messages(inner)]
    return [str(value)]


def invalid_response(errors: dict | list | str) -> Response:
    """400 with `fields`; the first message becomes `detail` so a simple client can show it."""
    if not isinstance(errors, dict):
        errors = {"non_field_errors": errors}
    fields = {str(name): _messages(value) for name, value in errors.items()}
    first = next((message for messages in fields.values() for message in messages), "")
    return error_response(
        first or _("Please check what you sent."),
        "invalid",
        status.HTTP_400_BAD_REQUEST,
        fields=fields,
    )


def _retry_later(detail: str, code: str, retry_after: int) -> Response:
    response = error_response(
        detail, code, status.HTTP_429_TOO_MANY_REQUESTS, retry_after=retry_after
    )
    response["Retry-After"] = str(retry_after)
    return response


def _domain_error(exc: Exception) -> Response | None:
    """The answer for an error one of our services or selectors raised; None for others."""
    if isinstance(exc, ContentRefused):
        # The pipeline's refusal carries its own code, retry time and signpost.
        from community.api import refusal_response

        return refusal_response(exc.decision)
    if isinstance(exc, ForumActionRefused | StoryActionRefused | GroupActionRefused):
        return error_response(str(exc), "refused", status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, SearchQueryInvalid):
        return error_response(str(exc), "invalid_query", status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, QueueFilterInvalid):
        return invalid_response({exc.field: [str(exc)]})
    if isinstance(exc, ReportRateLimited | PrivateSpaceRateLimited):
        return _retry_later(str(exc), "rate_limited", exc.retry_after)
    if isinstance(exc, ModerationInputInvalid):
        return invalid_response({exc.field: [str(exc)]})
    if isinstance(exc, AlreadyReported):
        return error_response(str(exc), "already_reported", status.HTTP_409_CONFLICT)
    if isinstance(exc, AlreadyAppealed):
        return error_response(str(exc), "already_appealed", status.HTTP_409_CONFLICT)
    if isinstance(exc, ModerationConflict):
        return error_response(str(exc), "conflict", status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return invalid_response(exc.message_dict)
        return invalid_response({"non_field_errors": exc.messages})
    if isinstance(exc, RequestDataTooBig):
        return error_response(
            _("That is more than we can take in one go. Please send less text."),
            "too_large",
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return None


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every API error in the shape `{code, detail, fields?}`; None lets Django answer 500."""
    response = _domain_error(exc)
    if response is not None:
        return response
    if isinstance(exc, exceptions.ValidationError):
        return invalid_response(exc.detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.detail, str) else exc.default_code
    else:
        # Django's Http404 and PermissionDenied, which DRF's handler answered.
        code = {404: "not_found", 403: "permission_denied"}.get(response.status_code, "error")
    if isinstance(exc, exceptions.Throttled):
        response.data = {
            "code": "throttled",
            "detail": _("That's a lot of requests in a short time. Please wait a little."),
            "retry_after": math.ceil(exc.wait) if exc.wait else None,
        }
        return response
    if response.status_code == status.HTTP_404_NOT_FOUND:
        # One sentence for every 404, so the answer never tells "hidden" from "not there".
        message = str(not_found())
    elif isinstance(response.data, dict) and "detail" in response.data:
        message = str(response.data["detail"])
    else:
        message = _("Something about that request wasn't right.")
    response.data = {"code": str(code), "detail": message}
    return response


# --- the schema -------------------------------------------------------------------------------

ERROR_COMPONENT = "ApiError"
_ERROR_DESCRIPTIONS = {
    "400": "Bad input: `code` says what kind, `fields` which fields and why.",
    "401": "Not logged in, or the token is not valid (see WWW-Authenticate).",
    "403": "Not allowed, or a session request without its CSRF token; `detail` says why.",
    "404": "No such thing, or not yours to see (the same answer for both).",
    "413": "The request body is larger than the server accepts.",
    "415": "The body is not JSON: send Content-Type: application/json.",
    "429": "Too many requests; wait the seconds in Retry-After.",
}
_UNSAFE = {"post", "put", "patch", "delete"}


def _error_codes(method: str, operation: dict) -> list[str]:
    codes = ["401", "403", "404", "429"]
    if method in _UNSAFE:
        codes += ["400", "413", "415"]
    elif operation.get("parameters"):
        codes.append("400")
    return codes


def error_responses_hook(result: dict, generator, request, public) -> dict:
    """Adds the errors any operation can answer (auth, permission, not found, throttling, bad
    input, body size and type) to every operation that does not document them itself."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        ERROR_COMPONENT,
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "detail": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "detail"],
        },
    )
    reference = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code in _error_codes(method, operation):
                responses.setdefault(
                    code,
                    {
                        "content": {"application/json": {"schema": reference}},
                        "description": _ERROR_DESCRIPTIONS[code],
                    },
                )
    return result


# --- errors Django answers before any API view runs -------------------------------------------

API_PREFIX = "/api/"


def _api_error_page(request, detail: str, code: str, http_status: int) -> JsonResponse | None:
    if not request.path.startswith(API_PREFIX):
        return None
    return JsonResponse({"code": code, "detail": detail}, status=http_status)


def handler404(request, exception=None):
    """An address under /api/ that matches no route (an id out of range, a typo) is answered
    in the API's shape; pages keep the site's 404 page."""
    return _api_error_page(request, str(not_found()), "not_found", 404) or defaults.page_not_found(
        request, exception
    )


def handler400(request, exception=None):
    return _api_error_page(
        request, _("Something about that request wasn't right."), "bad_request", 400
    ) or defaults.bad_request(request, exception)


def handler500(request):
    return _api_error_page(
        request,
        _("Something went wrong on our side. Please try again in a moment."),
        "server_error",
        500,
    ) or defaults.server_error(request)
