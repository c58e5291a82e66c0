"""Privacy headers on every response: nothing private is kept in a cache, and the browser is
told this site uses no camera, microphone, location or payment features.

What a member writes here is mental-health data. A page that shows it must not stay in the
browser's cache (a shared computer, a back button after signing out) or in any proxy, so every
response to a signed-in member, to an API token caller, and under a private prefix is sent with
`Cache-Control: no-store, private` (plus the rest of `add_never_cache_headers`).

API tokens are read by DRF inside the view, later than this middleware, so a request is treated
as private as soon as it carries an `Authorization` header, whether or not the token is good.
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers
from django.utils.deprecation import MiddlewareMixin

# Pages under these prefixes are private whoever asks (a visitor gets a login page or a 404
# there, and that answer is not worth caching either). tests/community/test_privacy_headers.py
# fails when a new top-level prefix appears that is neither here nor on its public list.
PRIVATE_PREFIXES = (
    "/me/",
    "/moderation/",
    "/accounts/",
    "/admin/",
    "/api/v1/me/",
    "/api/v1/moderation/",
    "/notifications/",
)

# Features no page here uses; `()` is the empty allow-list, so no origin (not even this one)
# may use them. interest-cohort=() opts out of FLoC-style interest tracking.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


def is_private_request(request) -> bool:
    """True when the response to this request must not be stored by any cache."""
    if request.path.startswith(PRIVATE_PREFIXES):
        return True
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    # A session cookie may belong to a member even when the answer came before
    # AuthenticationMiddleware ran (an added-slash redirect, a refused host).
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivacyHeadersMiddleware(MiddlewareMixin):
    """Adds `Cache-Control: no-store` to private responses and the Permissions-Policy and
    Cross-Origin-Resource-Policy headers to all of them. Goes near the top of MIDDLEWARE, so
    answers made by the middleware below it (redirects, refusals) get the headers too; it reads
    `request.user` only if AuthenticationMiddleware has set it. MiddlewareMixin runs
    `process_response` in a thread for async views (the health check), where reading the lazy
    `request.user` may query the database."""

    def process_response(self, request, response):
        # Read after the view ran: signing in or out changes request.user during the request.
        if is_private_request(request) and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
