"""Members and crisis resources.

Members are known to each other only by pseudonym; the email address is private to the member
and to staff who need it for account recovery.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from community.countries import COUNTRIES
from community.validators import identity_key, normalise_pseudonym
from moderation.models import ModeratedContent


class MemberManager(BaseUserManager["Member"]):
    use_in_migrations = True

    def _create(self, pseudonym: str, email: str, password: str | None, **extra) -> "Member":
        if not pseudonym:
            raise ValueError("A pseudonym is required.")
        if not email:
            raise ValueError("An email address is required.")
        member = self.model(pseudonym=pseudonym, email=self.normalize_email(email), **extra)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_user(self, pseudonym: str, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(pseudonym, email, password, **extra)

    def create_superuser(self, pseudonym: str, email: str, password: str | None = None, **extra):
        now = timezone.now()
        extra.update(is_staff=True, is_superuser=True, is_moderator=True)
        extra.setdefault("guidelines_accepted_at", now)
        extra.setdefault("adult_confirmed_at", now)
        return self._create(pseudonym, email, password, **extra)

    def get_by_natural_key(self, username: str) -> "Member":
        return self.get(pseudonym_key=identity_key(username))

    def find_by_identifier(self, identifier: str) -> "Member | None":
        """The member a person means when they type a pseudonym or an email address, in any
        case and any script (SQLite's own case folding only knows A-Z)."""
        key = identity_key(identifier)
        if not key:
            return None
        return self.filter(models.Q(pseudonym_key=key) | models.Q(email_key=key)).first()


class Member(AbstractBaseUser, PermissionsMixin):
    """A person in the community, known to others only by their pseudonym."""

    pseudonym = models.CharField(
        _("pseudonym"),
        max_length=30,
        unique=True,
        help_text=_("The name other members see. Please don't use your real name."),
    )
    pseudonym_key = models.CharField(max_length=90, unique=True, editable=False)
    email = models.EmailField(
        _("email address"),
        help_text=_("Private: used only to help you back into your account."),
    )
    email_key = models.CharField(max_length=254, unique=True, editable=False)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        choices=COUNTRIES,
        help_text=_("Used to show you crisis helplines that work where you are."),
    )
    guidelines_accepted_at = models.DateTimeField(_("guidelines accepted at"), null=True)
    guidelines_version = models.CharField(_("guidelines version"), max_length=20, blank=True)
    adult_confirmed_at = models.DateTimeField(_("confirmed 18 or over at"), null=True)
    is_moderator = models.BooleanField(
        _("moderator"),
        default=False,
        help_text=_("Moderators review content in every space of the community."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("Can sign in to the admin site.")
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Raised to end every session and socket of this member at once, in every process: it is
    # part of the session hash Django checks on each request (see get_session_auth_hash).
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    erased_at = models.DateTimeField(
        _("account deleted at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the member deleted their account; nothing personal is kept."),
    )

    objects = MemberManager()

    USERNAME_FIELD = "pseudonym"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["pseudonym"]

    def __str__(self) -> str:
        return self.pseudonym

    def save(self, *args, **kwargs) -> None:
        # The keys are what uniqueness and sign-in use; they must always match the names.
        self.pseudonym = normalise_pseudonym(self.pseudonym)
        self.pseudonym_key = identity_key(self.pseudonym)
        self.email_key = identity_key(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            update_fields = set(update_fields)
            if "pseudonym" in update_fields:
                update_fields.add("pseudonym_key")
            if "email" in update_fields:
                update_fields.add("email_key")
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's own hash covers the password only; with the generation in it, one UPDATE
        # signs the member out of every session everywhere (logout, ban, account deletion).
        return salted_hmac(
            "community.Member.get_session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self) -> str:
        return self.pseudonym

    def get_short_name(self) -> str:
        return self.pseudonym


class CrisisResource(models.Model):
    """A helpline or emergency number that a person in distress can reach.

    `country_code` is an ISO 3166-1 alpha-2 code, or `*` for services that help anywhere."""

    INTERNATIONAL = "*"

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        TEXT = "text", _("Text")
        CHAT = "chat", _("Chat online")
        WEB = "web", _("Website")
        EMERGENCY = "emergency", _("Emergency services")

    class Status(models.TextChoices):
        VERIFIED = "verified", _("Verified on the service's own or an official page")
        CHECK = "check", _("Needs checking (secondary source only)")

    country_code = models.CharField(_("country code"), max_length=2, db_index=True)
    service_name = models.CharField(_("service"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    contact = models.CharField(
        _("how to reach"), max_length=200, help_text=_("As a person would read it aloud.")
    )
    phone = models.CharField(
        _("number to call"),
        max_length=20,
        blank=True,
        help_text=_("Digits only, for a tap-to-call link."),
    )
    sms_number = models.CharField(_("number to text"), max_length=20, blank=True)
    sms_body = models.CharField(_("word to text"), max_length=20, blank=True)
    url = models.URLField(_("website"), blank=True)
    hours = models.CharField(_("hours"), max_length=60, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CHECK
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    verified_on = models.DateField(
        _("verified on"),
        null=True,
        blank=True,
        help_text=_("When an editor last checked this against the service's own page."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        verbose_name = _("crisis resource")
        verbose_name_plural = _("crisis resources")
        ordering = ["country_code", "order", "service_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country_code", "service_name"], name="crisis_resource_unique_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_code} · {self.service_name}"

    @property
    def tel_href(self) -> str:
        return f"tel:{self.phone}" if self.phone else ""

    @property
    def sms_href(self) -> str:
        if not self.sms_number:
            return ""
        return f"sms:{self.sms_number}" + (f"?&body={self.sms_body}" if self.sms_body else "")


class ProfileText(ModeratedContent):
    """What a member writes about themselves ("About you"). One per member; an edit replaces
    the text and passes through the pipeline again."""

    class Meta:
        verbose_name = _("profile text")
        verbose_name_plural = _("profile texts")
        constraints = [
            models.UniqueConstraint(fields=["author"], name="profile_text_one_per_member")
        ]

    def __str__(self) -> str:
        return f"About {self.author}"
