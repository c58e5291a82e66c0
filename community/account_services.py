"""Writes for the account lifecycle: changing the password and deleting the account.

Both end every session and open socket of the member at once (community.sessions). Every door
(HTML, REST) calls these, so the rules live here once.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from community.models import Member, Notification, Post, ProfileText, Story, Thread
from community.models.forums import Reaction, Subscription
from community.models.stories import StoryReaction
from community.models.tokens import ApiToken
from community.ratelimit import SlidingWindow
from community.sessions import member_sessions_end
from community.validators import ERASED_PSEUDONYM, identity_key
from groups.models import ChatMessage, GroupSession, MemberIgnore, Membership
from groups.selectors import HISTORY_PAGE
from moderation.models import (
    Appeal,
    ContentStatus,
    ModerationAction,
    QueueItem,
    Report,
    Sanction,
    Signpost,
)
from moderation.models.dashboard import CrisisStep, QueueNote, SupportMessage
from moderation.retention import Refs, moderation_context_scrub, refs_q

logger = logging.getLogger(__name__)

DELETE = "delete"
ANONYMISE = "anonymise"
CONTENT_CHOICES = (DELETE, ANONYMISE)

# What a queue item about an erased member's words says instead of them: the fact stays in
# front of the moderators (a cry for help is never silently resolved), the words do not.
ERASED_QUEUE_NOTE = gettext_noop(
    "The member deleted their account; their words were erased at their request."
)


class PasswordCheckRefused(Exception):
    """Too many wrong passwords for this account lately; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            _(
                "There have been several wrong passwords for this account, so we have paused "
                "this for a while to keep it safe. Please try again in about %(minutes)d "
                "minutes."
            )
            % {"minutes": max(1, (retry_after + 59) // 60)}
        )


def _password_window(member: Member) -> SlidingWindow:
    # The same window as sign-in: guessing here must not be a way round its limit.
    return SlidingWindow(
        scope="login-failures",
        subject=f"member:{member.pk}",
        limit=settings.LOGIN_FAILURE_LIMIT,
        window_seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS,
    )


def _check_password(member: Member, password: str, *, field_name: str) -> None:
    """Raise PasswordCheckRefused when paused, ValidationError({field_name}) when wrong."""
    window = _password_window(member)
    retry_after = window.retry_after()
    if retry_after:
        raise PasswordCheckRefused(retry_after)
    if not isinstance(password, str) or not member.check_password(password):
        window.add()
        retry_after = window.retry_after()
        if retry_after:
            raise PasswordCheckRefused(retry_after)
        raise ValidationError(
            {field_name: [_("That isn't your current password. Please check it and try again.")]}
        )
    window.clear()


def member_password_change(*, actor: Member, old_password: str, new_password: str) -> Member:
    """Change `actor`'s password after checking the current one. Every session and socket of
    theirs ends, everywhere; a door that wants to keep the current session calls
    `update_session_auth_hash` with the returned member. Raises ValidationError (by field:
    old_password, new_password) or PasswordCheckRefused."""
    _check_password(actor, old_password, field_name="old_password")
    try:
        validate_password(new_password, actor)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password"])
        member_sessions_end(member=actor)
    logger.info("member changed password", extra={"member_id": actor.pk})
    return actor


# --- account deletion -------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureChoices:
    """What happens to what the member wrote. Defaults: chat messages and stories are deleted;
    forum threads and replies stay, under "Former member", so conversations stay readable."""

    group_messages: str = DELETE
    forum_posts: str = ANONYMISE
    stories: str = DELETE

    @classmethod
    def from_data(cls, data: dict) -> ErasureChoices:
        """The choices a form or serializer parsed (missing ones keep their defaults)."""
        names = ("group_messages", "forum_posts", "stories")
        return cls(**{name: data[name] for name in names if data.get(name)})

    def errors(self) -> dict[str, list[str]]:
        wrong = _("Please choose to delete these or keep them without your name.")
        return {
            name: [wrong]
            for name in ("group_messages", "forum_posts", "stories")
            if getattr(self, name) not in CONTENT_CHOICES
        }


@dataclass
class ErasureReport:
    """Counts of what was deleted or anonymised, for the audit row and the tests."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, number: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + number


def former_member_account() -> Member:
    """The one shared author of content kept from deleted accounts: it signs in nowhere and
    links no two former members together."""
    member, _created = Member.objects.get_or_create(
        pseudonym_key=identity_key(ERASED_PSEUDONYM),
        defaults={
            "pseudonym": ERASED_PSEUDONYM,
            "email": "former-member@invalid",
            "is_active": False,
            "erased_at": timezone.now(),
            "password": "!",  # unusable
        },
    )
    return member


def member_erase(*, actor: Member, password: str, choices: ErasureChoices) -> ErasureReport:
    """Delete `actor`'s account, after they re-enter their password.

    Guarantees, in one transaction: every session, API token and open socket of theirs ends;
    their profile (pseudonym, email, country, "about you") is erased and the account can never
    sign in again; what they wrote is deleted or kept under "Former member" as they chose
    (chat messages stay in the room's sequence as tombstones); edit history, reports they made,
    appeals, signposts, notifications, memberships, reactions and ignores go; moderation
    records keep the fact of each action without personal text, and a queue item about their
    words stays open for moderators with a note instead of the words. Nothing of theirs is
    searchable afterwards. Raises ValidationError (password, choices) or
    PasswordCheckRefused."""
    errors = choices.errors()
    if errors:
        raise ValidationError(errors)
    if actor.erased_at is not None:
        raise ValidationError({"password": [_("This account has already been deleted.")]})
    _check_password(actor, password, field_name="password")
    report = ErasureReport()
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=actor.pk)
        if member.erased_at is not None:  # a second request (a double click) waited for us
            raise ValidationError({"password": [_("This account has already been deleted.")]})
        former = former_member_account()
        refs = _content_refs(member)
        _erase_moderation_context(member, refs, report)
        _erase_content(member, former, choices, report)
        _erase_belongings(member, report)
        member_sessions_end(member=member)
        _erase_profile(member)
        ModerationAction.objects.create(
            actor=member,
            verb=ModerationAction.Verb.ACCOUNT_ERASED,
            member=member,
            details={
                "group_messages": choices.group_messages,
                "forum_posts": choices.forum_posts,
                "stories": choices.stories,
                "counts": report.counts,
            },
        )
    _delete_sessions_of(member.pk)
    logger.info("member deleted their account", extra={"member_id": member.pk})
    return report


def _content_refs(member: Member) -> Refs:
    """(content type id, ids) of everything the member wrote, for the generic relations. The
    ids are subqueries, not lists: someone with 40,000 messages would otherwise send 40,000
    parameters with every statement. They must be used before authorship changes."""
    refs = []
    for model in (ProfileText, Thread, Post, Story, ChatMessage, Appeal):
        author_field = "appellant" if model is Appeal else "author"
        ids = model.objects.filter(**{author_field: member}).values("pk")
        refs.append((ContentType.objects.get_for_model(model).pk, ids))
    return refs


def _erase_moderation_context(member: Member, refs, report: ErasureReport) -> None:
    counts = moderation_context_scrub(
        refs=refs, queue_detail=ERASED_QUEUE_NOTE, why="account_erased"
    )
    for key, number in counts.items():
        report.add(key, number)
    # Items about the member rather than one of their texts (a report of their profile).
    items = QueueItem.objects.filter(member=member)
    item_ids = list(items.values_list("pk", flat=True))
    items.update(snapshot="", detail=ERASED_QUEUE_NOTE, resolution_note="")
    QueueNote.objects.filter(queue_item_id__in=item_ids).update(text="")
    CrisisStep.objects.filter(queue_item_id__in=item_ids).update(note="")
    # What they wrote to or about others, and what moderators wrote to them.
    report.add("reports_made", Report.objects.filter(reporter=member).update(note=""))
    Sanction.objects.filter(member=member).update(reason="", lift_reason="")
    Appeal.objects.filter(appellant=member).update(text="", decision_note="")
    report.add("signposts", Signpost.objects.filter(Q(member=member) | refs_q(refs)).delete()[0])
    report.add("support_messages", SupportMessage.objects.filter(member=member).update(text=""))
    audit = ModerationAction.objects.filter(Q(actor=member) | Q(member=member))
    report.add("audit_rows_redacted", audit.redact_personal_text(why="account_erased"))


def _erase_content(
    member: Member, former: Member, choices: ErasureChoices, report: ErasureReport
) -> None:
    now = timezone.now()
    taken_down = {"status": ContentStatus.DELETED, "taken_down_at": now, "purged_at": now}

    def blank(model) -> dict:
        return {**model.purged_values(), **taken_down}

    messages = ChatMessage.objects.filter(author=member)
    if choices.group_messages == DELETE:
        # An open room shows its last HISTORY_PAGE messages: those are taken down live, in
        # each room; older ones are tombstones for anyone who scrolls or catches up.
        shown = messages.filter(status=ContentStatus.PUBLISHED, seq__isnull=False)
        live = [
            pk
            for group_id in set(shown.values_list("group_id", flat=True))
            for pk in shown.filter(group_id=group_id)
            .order_by("-seq")
            .values_list("pk", flat=True)[:HISTORY_PAGE]
        ]
        report.add(
            "chat_messages_deleted",
            messages.update(author=former, local_id="", **blank(ChatMessage)),
        )
        transaction.on_commit(lambda: _tell_rooms_removed(live))
    else:
        report.add(
            "chat_messages_anonymised",
            messages.update(author=former, local_id="", screening={}),
        )

    for model, name in ((Thread, "forum_threads"), (Post, "forum_posts")):
        rows = model.objects.filter(author=member)
        if choices.forum_posts == DELETE:
            report.add(f"{name}_deleted", rows.update(author=former, **blank(model)))
        else:
            report.add(f"{name}_anonymised", rows.update(author=former, screening={}))

    stories = Story.objects.filter(author=member)
    if choices.stories == DELETE:
        report.add(
            "stories_deleted",
            stories.update(author=former, state=Story.State.DELETED, **blank(Story)),
        )
    else:
        report.add(
            "stories_anonymised",
            stories.update(author=former, return_note="", screening={}),
        )
    report.add("profile_text", ProfileText.objects.filter(author=member).delete()[0])


def _tell_rooms_removed(message_ids: list[int]) -> None:
    """Readers with the room open drop the deleted messages now; anyone catching up later gets
    tombstones from the database."""
    from groups import broadcast

    for message in ChatMessage.objects.filter(pk__in=message_ids):
        broadcast.message_changed(message)


def _erase_belongings(member: Member, report: ErasureReport) -> None:
    report.add("memberships", Membership.objects.filter(member=member).delete()[0])
    report.add(
        "ignores",
        MemberIgnore.objects.filter(Q(member=member) | Q(ignored=member)).delete()[0],
    )
    GroupSession.objects.filter(facilitator=member).update(facilitator=None)
    report.add("reactions", Reaction.objects.filter(member=member).delete()[0])
    report.add("reactions", StoryReaction.objects.filter(member=member).delete()[0])
    report.add("subscriptions", Subscription.objects.filter(member=member).delete()[0])
    report.add("notifications", Notification.objects.filter(recipient=member).delete()[0])
    report.add("api_tokens", ApiToken.objects.filter(owner=member).delete()[0])
    for model in _member_owned_models():
        report.add(model._meta.model_name, model.objects.filter(member=member).delete()[0])


def _member_owned_models() -> list:
    """Models that belong to the member alone and go with the account (data exports, private
    self-help entries), found by the `erase_with_member` flag on the model."""
    from django.apps import apps

    return [model for model in apps.get_models() if getattr(model, "erase_with_member", False)]


def _erase_profile(member: Member) -> None:
    suffix = secrets.token_hex(4)
    member.pseudonym = f"{ERASED_PSEUDONYM} {suffix}"
    member.email = f"erased-{suffix}-{member.pk}@invalid"
    member.country = ""
    member.guidelines_version = ""
    member.is_active = False
    member.is_staff = False
    member.is_superuser = False
    member.is_moderator = False
    member.last_login = None
    member.erased_at = timezone.now()
    member.set_unusable_password()
    member.save()
    member.groups.clear()
    member.user_permissions.clear()
    # The admin's own log names the account it changed ("object_repr" is its old pseudonym).
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Member), object_id=str(member.pk)
    ).update(object_repr="", change_message="")


def _delete_sessions_of(member_id: int) -> None:
    """Their session rows are invalid already (the generation changed); delete them so no
    trace stays until they expire. Sessions don't index their owner, so each is read."""
    key = str(member_id)
    stale = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        # get_decoded() answers {} for a session it can't read: nobody's.
        if session.get_decoded().get("_auth_user_id") == key:
            stale.append(session.pk)
    Session.objects.filter(pk__in=stale).delete()
