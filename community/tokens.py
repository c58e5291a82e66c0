"""API tokens for non-browser clients: selectors, services, authentication and throttles.

A member creates a named token while signed in with a session; the secret (`sg_...`) is shown
once and only its SHA-256 hash is kept. Clients send `Authorization: Bearer sg_...` (or
`Token sg_...`). A token can never create or revoke tokens, so a leaked one cannot mint more."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from community.models import ApiToken, Member
from community.models.tokens import MAX_ACTIVE_TOKENS, TOKEN_NAME_MAX_LENGTH, TOKEN_PREFIX_LENGTH

SECRET_PREFIX = "sg_"
AUTH_SCHEMES = ("bearer", "token")
LAST_USED_EVERY = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- selectors -------------------------------------------------------------------------------


def api_tokens_for(owner: Member):
    """The owner's active tokens, newest first."""
    return ApiToken.objects.active().filter(owner=owner)


def get_api_token_for(owner: Member, token_id) -> ApiToken:
    """One of the owner's active tokens; 404 for anyone else's, a revoked one, or a junk id."""
    try:
        token_id = int(token_id)
    except (TypeError, ValueError):
        raise Http404 from None
    token = api_tokens_for(owner).filter(pk=token_id).first()
    if token is None:
        raise Http404
    return token


# --- services --------------------------------------------------------------------------------


def api_token_create(*, owner: Member, name: str) -> tuple[ApiToken, str]:
    """Make a named token for the owner and return it with its secret, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Please give the token a name, so you can recognise it later."))
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise ValidationError(
            _("Please keep the name to %(limit)d characters or fewer.")
            % {"limit": TOKEN_NAME_MAX_LENGTH}
        )
    with transaction.atomic():
        # Lock the owner so two requests at once cannot both take the last free place.
        Member.objects.select_for_update().filter(pk=owner.pk).first()
        if api_tokens_for(owner).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _(
                    "You already have %(limit)d tokens, the most you can have. "
                    "Please revoke one you no longer use, then try again."
                )
                % {"limit": MAX_ACTIVE_TOKENS}
            )
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            owner=owner,
            name=name,
            prefix=secret[:TOKEN_PREFIX_LENGTH],
            key_hash=hash_secret(secret),
        )
    return token, secret


def api_token_revoke(*, actor: Member, token: ApiToken) -> None:
    """Revoke one of the actor's own tokens; it stops working at once."""
    if token.owner_id != actor.pk:
        raise Http404
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    token.refresh_from_db(fields=["revoked_at"])


# --- authentication --------------------------------------------------------------------------


def _auth_parts(request: Request) -> list[str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    parts = header.split()
    if not parts or parts[0].lower() not in AUTH_SCHEMES:
        return None
    return parts


class BearerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer sg_...` (or `Token sg_...`). Requests without such a header are
    left to the other authentication classes; a bad token is refused with 401. Token requests
    need no CSRF token: a browser never adds this header by itself."""

    keyword = "Bearer"

    def authenticate(self, request: Request):
        parts = _auth_parts(request)
        if parts is None:
            return None
        if len(parts) != 2 or not parts[1].startswith(SECRET_PREFIX):
            raise exceptions.AuthenticationFailed(
                _("That token is not in the right form. Send: Authorization: Bearer sg_...")
            )
        token = (
            ApiToken.objects.active()
            .select_related("owner")
            .filter(key_hash=hash_secret(parts[1]))
            .first()
        )
        if token is None or not token.owner.is_active:
            raise exceptions.AuthenticationFailed(
                _(
                    "That token is not valid or has been revoked. "
                    "You can make a new one at /me/tokens/."
                )
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.owner, token

    def authenticate_header(self, request: Request) -> str | None:
        # Only a request that tried a token is told to use one. Others keep DRF's 403 answer,
        # the same as before tokens existed (this class is first so DRF asks it).
        if _auth_parts(request) is None:
            return None
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "community.tokens.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from /me/tokens/, sent as `Authorization: Bearer sg_...`.",
        }


class SessionOnly(BasePermission):
    """Refuses requests signed with an API token (they carry an ApiToken as request.auth)."""

    message = gettext_lazy(
        "API tokens cannot manage tokens. Please sign in on the website to do this."
    )

    def has_permission(self, request, view) -> bool:
        return not isinstance(request.auth, ApiToken)


# --- throttles -------------------------------------------------------------------------------


class _LiveRate:
    """DRF reads rates once, when the class is defined; read them on each request instead so
    settings (and tests' overrides) apply."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class MemberRateThrottle(_LiveRate, UserRateThrottle):
    """Per member when signed in (session or token), per client address otherwise."""


class VisitorRateThrottle(_LiveRate, AnonRateThrottle):
    """Per client address for visitors. The address is REMOTE_ADDR unless NUM_PROXIES trusted
    proxies are in front, when it is taken from X-Forwarded-For (see settings)."""
