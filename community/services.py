"""Writes for members: sign-up, sign-in with throttling, profile changes.

Every door (HTML form, REST API, admin login) calls these, so the rules live here once.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community.countries import COUNTRY_CODES
from community.models import Member, ProfileText
from community.ratelimit import SlidingWindow
from community.validators import identity_key, normalise_pseudonym, validate_pseudonym
from moderation.kinds import ContentKind
from moderation.models import ContentStatus
from moderation.pipeline import Decision
from moderation.services import Submission, content_submit

logger = logging.getLogger(__name__)


class SignupRefused(Exception):
    """Too many new accounts from one address; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            _(
                "Lots of accounts have been created from your connection recently. "
                "Please try again in about %(minutes)d minutes."
            )
            % {"minutes": max(1, retry_after // 60)}
        )


class LoginRefused(Exception):
    """A sign-in attempt that did not succeed; the message is safe to show as it is."""

    def __init__(self, message: str, *, retry_after: int = 0) -> None:
        self.retry_after = retry_after
        super().__init__(message)


@dataclass(frozen=True)
class SignupData:
    pseudonym: str
    email: str
    password: str
    country: str = ""
    accepted_guidelines: bool = False
    confirmed_adult: bool = False


def _signup_window(client_address: str) -> SlidingWindow:
    return SlidingWindow(
        scope="signup",
        subject=client_address or "unknown",
        limit=settings.SIGNUP_LIMIT_PER_ADDRESS,
        window_seconds=settings.SIGNUP_WINDOW_SECONDS,
    )


def member_signup_errors(data: SignupData) -> dict[str, list[str]]:
    """Every problem with a sign-up, by field, so a form can show them all at once."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    pseudonym = normalise_pseudonym(data.pseudonym)
    try:
        validate_pseudonym(pseudonym)
    except ValidationError as exc:
        for message in exc.messages:
            add("pseudonym", message)
    else:
        if Member.objects.filter(pseudonym_key=identity_key(pseudonym)).exists():
            add("pseudonym", _("Someone already uses that pseudonym. Please choose another."))
    email = (data.email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        add("email", _("Please enter an email address like name@example.org."))
    else:
        if Member.objects.filter(email_key=identity_key(email)).exists():
            # Same words as a successful sign-up would never show; the person can reset instead.
            add(
                "email",
                _(
                    "That email address already has an account. You can sign in, or reset "
                    "your password if you have forgotten it."
                ),
            )
    try:
        validate_password(data.password, Member(pseudonym=pseudonym, email=email))
    except ValidationError as exc:
        for message in exc.messages:
            add("password", message)
    if data.country and data.country not in COUNTRY_CODES:
        add("country", _("Please choose a country from the list."))
    if not data.accepted_guidelines:
        add(
            "accepted_guidelines",
            _("Please read and accept the community guidelines to join."),
        )
    if not data.confirmed_adult:
        add(
            "confirmed_adult",
            _("This community is for adults. Please confirm that you are 18 or over."),
        )
    return errors


def member_signup(*, data: SignupData, client_address: str) -> Member:
    """Create a member who has accepted the guidelines and confirmed they are an adult.

    Guarantees: the pseudonym and email are unique ignoring case; the password passes the
    validators; at most SIGNUP_LIMIT_PER_ADDRESS accounts per address per window.
    Raises ValidationError (by field) or SignupRefused."""
    window = _signup_window(client_address)
    retry_after = window.retry_after()
    if retry_after:
        raise SignupRefused(retry_after)
    errors = member_signup_errors(data)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            member = Member.objects.create_user(
                pseudonym=normalise_pseudonym(data.pseudonym),
                email=data.email.strip(),
                password=data.password,
                country=data.country,
                guidelines_accepted_at=now,
                guidelines_version=settings.GUIDELINES_VERSION,
                adult_confirmed_at=now,
            )
    except IntegrityError as exc:
        # Two people chose the same name at the same moment; the constraint decided.
        raise ValidationError(
            {"pseudonym": [_("Someone already uses that pseudonym. Please choose another.")]}
        ) from exc
    window.add()
    logger.info("member signed up", extra={"member_id": member.pk})
    return member


def _login_window(identifier: str) -> SlidingWindow:
    """One window per account, whichever of pseudonym or email is typed; unknown names get a
    window too, so the answer never reveals whether an account exists."""
    member = Member.objects.find_by_identifier(identifier)
    return _login_window_for(
        f"member:{member.pk}" if member else f"name:{identity_key(identifier)}"
    )


def _login_window_for(subject: str) -> SlidingWindow:
    return SlidingWindow(
        scope="login-failures",
        subject=subject,
        limit=settings.LOGIN_FAILURE_LIMIT,
        window_seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS,
    )


def _locked_message(retry_after: int) -> str:
    minutes = max(1, (retry_after + 59) // 60)
    return ngettext(
        "There have been several unsuccessful attempts to sign in to this account, so we have "
        "paused sign-in for it to keep it safe. Please try again in %(minutes)d minute, or "
        "reset your password.",
        "There have been several unsuccessful attempts to sign in to this account, so we have "
        "paused sign-in for it to keep it safe. Please try again in %(minutes)d minutes, or "
        "reset your password.",
        minutes,
    ) % {"minutes": minutes}


def member_authenticate(*, request: HttpRequest | None, identifier: str, password: str) -> Member:
    """Check a pseudonym-or-email and password.

    Guarantees: after LOGIN_FAILURE_LIMIT failures for one account within
    LOGIN_FAILURE_WINDOW_SECONDS, attempts are refused (even with the right password) until
    the window has passed; a success clears the count. Raises LoginRefused."""
    window = _login_window(identifier)
    retry_after = window.retry_after()
    if retry_after:
        raise LoginRefused(_locked_message(retry_after), retry_after=retry_after)
    member = authenticate(request, username=identifier, password=password)
    if member is None:
        window.add()
        retry_after = window.retry_after()
        if retry_after:
            raise LoginRefused(_locked_message(retry_after), retry_after=retry_after)
        raise LoginRefused(
            _(
                "That pseudonym or email and password don't match an account. Please check "
                "them and try again; passwords are case-sensitive."
            )
        )
    window.clear()
    return member


def member_login_pause_clear(*, member: Member) -> None:
    """Lift a sign-in pause: the member has just proved they own the account (password reset)."""
    _login_window_for(f"member:{member.pk}").clear()


def member_profile_update(*, actor: Member, country: str) -> Member:
    """Change what a member has told us about themselves. Raises ValidationError."""
    if country and country not in COUNTRY_CODES:
        raise ValidationError({"country": [_("Please choose a country from the list.")]})
    actor.country = country
    actor.save(update_fields=["country"])
    return actor


def member_about_update(*, actor: Member, text: str) -> Submission:
    """Replace what `actor` says about themselves. The text passes the moderation pipeline like
    any post: it may be published, held for review, or refused (ContentRefused)."""
    existing = ProfileText.objects.filter(author=actor).first()

    def store(decision: Decision) -> ProfileText:
        about = existing or ProfileText(author=actor)
        about.body = decision.body
        about.body_html = decision.body_html
        about.status = decision.status
        about.screening = decision.screening_record
        about.removal_reason = ""
        about.taken_down_at = about.purged_at = None
        if existing is not None:
            about.edited_at = timezone.now()
        about.save()
        return about

    return content_submit(actor=actor, kind=ContentKind.PROFILE, text=text, store=store)


def member_about_delete(*, actor: Member) -> None:
    """Take down your own profile text. Kept (as deleted) for the moderation record."""
    now = timezone.now()
    ProfileText.objects.filter(author=actor).exclude(status=ContentStatus.DELETED).update(
        status=ContentStatus.DELETED, edited_at=now, taken_down_at=now
    )
