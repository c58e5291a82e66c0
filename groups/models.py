"""Peer groups, memberships, facilitated sessions and chat messages."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import ModeratedContent


class PeerGroup(models.Model):
    """A peer group that meets in its own chat room."""

    class Visibility(models.TextChoices):
        OPEN = "open", _("Open: anyone can join")
        PRIVATE = "private", _("Private: a facilitator approves each request")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    purpose = models.TextField(_("what this group is for"))
    guidelines = models.TextField(_("group guidelines"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.OPEN
    )
    is_premoderated = models.BooleanField(
        _("pre-moderated"),
        default=False,
        help_text=_("A new member's first posts here wait for a moderator before others see them."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The seq of the last published message; advanced only inside the publishing transaction.
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer group")
        verbose_name_plural = _("peer groups")

    def __str__(self) -> str:
        return self.name

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        FACILITATOR = "facilitator", _("facilitator")

    class State(models.TextChoices):
        REQUESTED = "requested", _("asked to join")
        ACTIVE = "active", _("member")
        LEFT = "left", _("left")
        REMOVED = "removed", _("removed")
        DECLINED = "declined", _("request declined")

    group = models.ForeignKey(
        PeerGroup, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("group")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="group_memberships",
        verbose_name=_("member"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    request_note = models.TextField(
        _("note with the request"), blank=True, help_text=_("Seen by the group's facilitators.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        ordering = ["group", "member"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="membership_once_per_group")
        ]
        indexes = [models.Index(fields=["member", "state"])]

    def __str__(self) -> str:
        return f"{self.member} in {self.group} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role == self.Role.FACILITATOR


# For the API schema's enum names (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
MEMBERSHIP_STATES = Membership.State


class GroupSession(models.Model):
    """A facilitated meeting in the group's room."""

    group = models.ForeignKey(
        PeerGroup, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("group")
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=60)
    topic = models.CharField(_("topic"), max_length=200)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("facilitator"),
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="group_session_has_a_length"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.topic}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class ChatMessage(ModeratedContent):
    """A message in a group's room. `seq` is given when the message is published and never
    changes; a removed message keeps its seq and is shown as a tombstone."""

    group = models.ForeignKey(
        PeerGroup, on_delete=models.PROTECT, related_name="messages", verbose_name=_("group")
    )
    seq = models.PositiveBigIntegerField(_("sequence number"), null=True, blank=True)
    local_id = models.CharField(_("sender's id"), max_length=64, blank=True)

    class Meta:
        ordering = ["group", "seq", "pk"]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "seq"], condition=Q(seq__isnull=False), name="chat_seq_unique"
            ),
            models.UniqueConstraint(
                fields=["author", "group", "local_id"],
                condition=~Q(local_id=""),
                name="chat_local_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} in {self.group_id} by {self.author_id}"

    CONTEXT_BEFORE = 5
    CONTEXT_AFTER = 5

    def moderation_context(self):
        """The room it was said in, with the messages just before and after it."""
        from django.urls import reverse

        from moderation.context import ContentContext, neighbours_of

        room = ChatMessage.objects.filter(group_id=self.group_id).select_related("author")
        before = room.filter(
            Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk)
        ).order_by("-created_at", "-pk")[: self.CONTEXT_BEFORE]
        after = room.filter(
            Q(created_at__gt=self.created_at) | Q(created_at=self.created_at, pk__gt=self.pk)
        ).order_by("created_at", "pk")[: self.CONTEXT_AFTER]
        rows = [*reversed(list(before)), self, *after]
        return ContentContext(
            place=_("Chat room of %(group)s") % {"group": self.group.name},
            url=reverse("groups:room", args=[self.group.slug]),
            neighbours=neighbours_of(self, rows),
        )

    def moderation_group(self) -> PeerGroup:
        return self.group

    def before_publish(self) -> list[str]:
        if self.seq is not None:
            return []
        self.seq = next_seq(self.group_id)
        return ["seq"]

    def on_moderated(self) -> None:
        from groups import broadcast

        broadcast.message_changed(self)


class MemberIgnore(models.Model):
    """One member no longer sees another's messages. The ignored member is never told."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ignoring"
    )
    ignored = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ignored member")
        verbose_name_plural = _("ignored members")
        constraints = [
            models.UniqueConstraint(fields=["member", "ignored"], name="ignore_once"),
            models.CheckConstraint(condition=~Q(member=F("ignored")), name="ignore_not_yourself"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ignores {self.ignored_id}"


def next_seq(group_id: int) -> int:
    """Take the group's next seq. Must run inside the transaction that publishes the message:
    the UPDATE locks the group row (PostgreSQL) or the database (SQLite) until commit, so two
    processes never get the same number, and a rollback gives the number back (no gaps)."""
    # One statement, not an UPDATE and a SELECT: this runs for every chat message. RETURNING
    # is in PostgreSQL and in SQLite since 3.35.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE groups_peergroup SET last_seq = last_seq + 1 WHERE id = %s RETURNING last_seq",
            [group_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise PeerGroup.DoesNotExist(f"no peer group {group_id}")
    return row[0]
