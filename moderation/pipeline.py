"""The one path all member-written text takes before it is stored.

`submit` decides; it writes nothing. The calling service stores the content with
`decision.status` and calls `moderation.services.content_submitted` in the same transaction, or
raises `ContentRefused` when `decision.refused`. `moderation.services.content_submit` does both.

Steps (DESIGN.md "The spine"): sanctions, rate limit, render, screen, decide. Crisis screening
runs on every text, even one about to be refused: a cry for help from a muted member or a member
posting too fast is held for a moderator and signposted, never bounced back unseen.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community.markup import MAX_TITLE_LENGTH, ContentTooLong, check_length, render_markdown
from community.ratelimit import SlidingWindow
from community.signposting import CONCERN, SOMEONE_ELSE, URGENT, SignpostOffer, signpost_for
from moderation.kinds import POST_KINDS, ContentKind
from moderation.models import ContentStatus, QueueItem, Sanction, WatchedWord
from moderation.screening import assess_crisis
from moderation.watchwords import mask_spans, match_watched_words


class Action(enum.StrEnum):
    PUBLISH = "publish"
    HOLD = "hold"
    BLOCK = "block"


class Refusal(enum.StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    BANNED = "banned"
    SUSPENDED = "suspended"
    MUTED = "muted"
    RATE_LIMITED = "rate_limited"
    WATCHED_WORD = "watched_word"


@dataclass(frozen=True)
class SubmissionContext:
    """Where the text is going. `group` scopes mutes and facilitator review;
    `premoderated` turns on the new-member rule for this space."""

    group: object | None = None
    premoderated: bool = False
    # Every text waits for a moderator, whoever wrote it (success stories).
    review_all: bool = False


@dataclass(frozen=True)
class Decision:
    action: Action
    kind: str
    body: str = ""
    title: str = ""  # plain text, with censored words masked; empty for kinds without one
    body_html: str = ""
    risk: str = "none"
    about_someone_else: bool = False
    reasons: tuple[str, ...] = ()
    queue_reason: str = ""
    refusal: str = ""
    message: str = ""
    retry_after: int = 0
    until: datetime | None = None
    signpost: SignpostOffer | None = None
    flags: tuple[str, ...] = field(default=())

    @property
    def refused(self) -> bool:
        return self.action == Action.BLOCK

    @property
    def status(self) -> str:
        if self.action == Action.PUBLISH:
            return ContentStatus.PUBLISHED
        if self.action == Action.HOLD:
            return ContentStatus.HELD
        raise ValueError("A refused text has no status: it is not stored.")

    @property
    def screening_record(self) -> dict:
        """What is stored with the content for moderators."""
        return {
            "risk": self.risk,
            "about_someone_else": self.about_someone_else,
            "reasons": list(self.reasons),
            "queue_reason": self.queue_reason,
        }

    def as_screen_result(self) -> dict:
        """The JSON line `manage.py screen` prints."""
        return {
            "risk": self.risk,
            "action": str(self.action),
            "signpost": self.signpost is not None or self.risk != "none" or self.about_someone_else,
            "reasons": list(self.reasons),
        }


class ContentRefused(Exception):
    """The pipeline refused a text. Doors show `decision.message` (and any signpost)."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(decision.message)
        self.decision = decision


def held_notice() -> str:
    """What an author is told when their text waits for a moderator."""
    return _(
        "Thank you. A moderator will read this before other members can see it. "
        "It is kept safe, not deleted."
    )


# --- settings ---------------------------------------------------------------------------------


def premoderated_first_items() -> int:
    return getattr(settings, "MODERATION_PREMODERATED_FIRST_ITEMS", 3)


def new_member_link_hours() -> int:
    return getattr(settings, "MODERATION_NEW_MEMBER_LINK_HOURS", 24)


def rate_limit_for(kind: str) -> tuple[str, int, int]:
    """(bucket, limit, window seconds) for a kind. Forum threads, replies and stories share the
    posts bucket."""
    limits = settings.MODERATION_RATE_LIMITS
    bucket = "posts" if kind in POST_KINDS else str(kind)
    limit, window = limits[bucket]
    return bucket, limit, window


def rate_window(member, kind: str) -> SlidingWindow:
    bucket, limit, window = rate_limit_for(kind)
    return SlidingWindow(f"post-{bucket}", f"member:{member.pk}", limit, window)


# --- member checks (steps 1 and 2) ------------------------------------------------------------


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d %B %Y, %H:%M")


def active_sanctions(member, *, now: datetime | None = None) -> list[Sanction]:
    now = now or timezone.now()
    return list(
        Sanction.objects.filter(member=member, lifted_at__isnull=True, starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .exclude(kind=Sanction.Kind.WARN)
        .select_related("group")
    )


def sanction_refusal(member, context: SubmissionContext) -> tuple[str, str, datetime | None]:
    """(refusal code, message, until) for the sanction that stops this member here, if any."""
    if not member.is_active:
        return Refusal.BANNED, _("This account can't post."), None
    order = {Sanction.Kind.BAN: 0, Sanction.Kind.SUSPEND: 1, Sanction.Kind.MUTE: 2}
    group = context.group
    for sanction in sorted(active_sanctions(member), key=lambda s: order[s.kind]):
        if sanction.kind == Sanction.Kind.BAN:
            return (
                Refusal.BANNED,
                _("Your account has been closed by the moderators: %(reason)s")
                % {"reason": sanction.reason},
                None,
            )
        if sanction.kind == Sanction.Kind.SUSPEND:
            return (
                Refusal.SUSPENDED,
                _("Your account is paused until %(until)s: %(reason)s")
                % {"until": _when(sanction.ends_at), "reason": sanction.reason}
                if sanction.ends_at
                else _("Your account is paused: %(reason)s") % {"reason": sanction.reason},
                sanction.ends_at,
            )
        if sanction.group_id is None or (group is not None and sanction.group_id == group.pk):
            return (
                Refusal.MUTED,
                _("You can't post here until %(until)s: %(reason)s")
                % {"until": _when(sanction.ends_at), "reason": sanction.reason}
                if sanction.ends_at
                else _("You can't post here for now: %(reason)s") % {"reason": sanction.reason},
                sanction.ends_at,
            )
    return "", "", None


def _rate_refusal(member, kind: str) -> tuple[str, str, int]:
    retry_after = rate_window(member, kind).retry_after()
    if not retry_after:
        return "", "", 0
    return (
        Refusal.RATE_LIMITED,
        _(
            "You're posting faster than we allow, to keep things calm for everyone. "
            "Please wait %(seconds)s seconds and send it again; your text is still here."
        )
        % {"seconds": retry_after},
        retry_after,
    )


def _published_count(member) -> int:
    """How many items this member has published, across every kind of content."""
    from moderation.registry import content_models

    total = 0
    for model in content_models():
        total += model.objects.filter(author=member, status=ContentStatus.PUBLISHED).count()
    return total


def _is_new_member(member) -> bool:
    return member.date_joined > timezone.now() - timedelta(hours=new_member_link_hours())


def _exempt_from_member_rules(member) -> bool:
    return bool(member.is_moderator or member.is_staff)


# --- content checks (steps 3 to 5) ------------------------------------------------------------


@dataclass
class _Draft:
    """Mutable working state while deciding; becomes a frozen Decision."""

    kind: str
    body: str
    title: str = ""
    needs_title: bool = False
    action: Action = Action.PUBLISH
    body_html: str = ""
    risk: str = "none"
    about_someone_else: bool = False
    reasons: list[str] = field(default_factory=list)
    queue_reasons: list[str] = field(default_factory=list)
    refusal: str = ""
    message: str = ""
    retry_after: int = 0
    until: datetime | None = None

    def hold(self, queue_reason: str, reason: str) -> None:
        if self.action != Action.BLOCK:
            self.action = Action.HOLD
        self.queue(queue_reason, reason)

    def queue(self, queue_reason: str, reason: str) -> None:
        self.queue_reasons.append(queue_reason)
        if reason not in self.reasons:
            self.reasons.append(reason)

    def refuse(self, refusal: str, message: str, reason: str) -> None:
        self.action = Action.BLOCK
        self.refusal = refusal
        self.message = message
        if reason not in self.reasons:
            self.reasons.append(reason)


def _normalise_body(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _normalise_title(title: str | None) -> str:
    return " ".join(title.split()) if isinstance(title, str) else ""


def _screen_crisis(draft: _Draft) -> None:
    # A title is read with its text: "Goodbye" above a calm paragraph is part of what was said.
    assessment = assess_crisis(f"{draft.title}\n\n{draft.body}" if draft.title else draft.body)
    draft.risk = assessment.tier
    draft.about_someone_else = assessment.about_someone_else
    for reason in assessment.reasons:
        if reason not in draft.reasons:
            draft.reasons.append(reason)
    if assessment.tier == URGENT:
        draft.hold(QueueItem.Reason.CRISIS_URGENT, _("urgent crisis risk"))
    elif assessment.tier == CONCERN:
        draft.queue(QueueItem.Reason.CRISIS_CONCERN, _("crisis concern"))
    elif assessment.about_someone_else:
        draft.queue(QueueItem.Reason.SOMEONE_ELSE, _("someone else may be at risk"))


def _screen_words(draft: _Draft, words) -> str:
    """Apply watched words; returns the text to render (with censored words masked)."""
    if draft.title:
        draft.title = _apply_watched_words(draft, draft.title, words)
    return _apply_watched_words(draft, draft.body, words)


def _apply_watched_words(draft: _Draft, text: str, words) -> str:
    to_render = text
    for match in match_watched_words(text, words):
        label = _("watched word “%(phrase)s”") % {"phrase": match.phrase}
        if match.action == WatchedWord.Action.BLOCK:
            draft.refuse(
                Refusal.WATCHED_WORD,
                _("This can't be posted as it is: %(reason)s Please change it and try again.")
                % {
                    "reason": match.reason
                    or _("it contains “%(phrase)s”, which our guidelines don't allow.")
                    % {"phrase": match.phrase}
                },
                label,
            )
        elif match.action == WatchedWord.Action.HOLD:
            draft.hold(QueueItem.Reason.WATCHED_WORD, label)
        elif match.action == WatchedWord.Action.FLAG:
            draft.queue(QueueItem.Reason.WATCHED_WORD, label)
        elif match.action == WatchedWord.Action.CENSOR:
            to_render = mask_spans(to_render, match.spans)
            if match.hidden:
                # Disguised spelling we cannot mask in place: let a person look.
                draft.hold(QueueItem.Reason.WATCHED_WORD, label)
    return to_render


def _decision(draft: _Draft, signpost: SignpostOffer | None) -> Decision:
    queue_reason = (
        min(draft.queue_reasons, key=lambda reason: QueueItem.PRIORITY[reason])
        if draft.queue_reasons
        else ""
    )
    return Decision(
        action=draft.action,
        kind=draft.kind,
        body=draft.body,
        title=draft.title,
        body_html=draft.body_html if draft.action != Action.BLOCK else "",
        risk=draft.risk,
        about_someone_else=draft.about_someone_else,
        reasons=tuple(draft.reasons),
        queue_reason=queue_reason if draft.action != Action.BLOCK else "",
        refusal=draft.refusal,
        message=draft.message,
        retry_after=draft.retry_after,
        until=draft.until,
        signpost=signpost,
    )


def _signpost_tier(draft: _Draft) -> str:
    if draft.risk in (URGENT, CONCERN):
        return draft.risk
    return SOMEONE_ELSE if draft.about_someone_else else ""


def _evaluate(
    draft: _Draft,
    *,
    words,
    member_refusal: tuple[str, str, int, datetime | None] | None = None,
    new_member_rules: tuple[bool, bool] = (False, False),
) -> None:
    """Everything after the length check, shared by `submit` and `screen_text`."""
    _screen_crisis(draft)
    if member_refusal and member_refusal[0]:
        code, message, retry_after, until = member_refusal
        draft.refuse(code, message, message)
        draft.retry_after, draft.until = retry_after, until
    to_render = _screen_words(draft, words)
    draft.body_html = render_markdown(to_render)
    held_first_items, young_account = new_member_rules
    if held_first_items:
        draft.hold(QueueItem.Reason.NEW_MEMBER, _("one of a new member's first posts here"))
    if young_account and "<a " in draft.body_html:
        draft.hold(QueueItem.Reason.NEW_MEMBER_LINK, _("link from a member who joined today"))
    if draft.action == Action.BLOCK and draft.risk in (URGENT, CONCERN):
        # Never bounce a cry for help: keep it (unpublished) for a moderator instead.
        draft.action = Action.HOLD
        draft.refusal = ""
        draft.message = ""
        draft.retry_after, draft.until = 0, None
        queue_reason = (
            QueueItem.Reason.CRISIS_URGENT
            if draft.risk == URGENT
            else QueueItem.Reason.CRISIS_CONCERN
        )
        draft.queue_reasons.append(queue_reason)


def _refused_before_rendering(draft: _Draft) -> bool:
    """Empty or too long: refused before the (costly) rendering. Whatever was written is still
    screened, so a cry for help in a text refused for its form is signposted."""
    if not draft.body:
        if draft.title:
            _screen_crisis(draft)
        draft.refuse(Refusal.EMPTY, _("Please write something before sending."), _("empty"))
        return True
    if draft.needs_title and not draft.title:
        _screen_crisis(draft)
        draft.refuse(Refusal.EMPTY, _("Please give your thread a title."), _("no title"))
        return True
    if len(draft.title) > MAX_TITLE_LENGTH:
        _screen_crisis(draft)
        draft.refuse(
            Refusal.TOO_LONG,
            _("Please keep the title to %(limit)s characters or fewer.")
            % {"limit": MAX_TITLE_LENGTH},
            _("title too long"),
        )
        return True
    try:
        check_length(draft.body, draft.kind)
    except ContentTooLong as error:
        _screen_crisis(draft)
        draft.refuse(Refusal.TOO_LONG, error.message, _("too long"))
        return True
    return False


def _active_words() -> list[WatchedWord]:
    return list(WatchedWord.objects.filter(is_active=True).only("phrase", "action", "reason"))


def submit(
    *,
    actor,
    kind: str,
    text: str,
    context: SubmissionContext | None = None,
    title: str | None = None,
) -> Decision:
    """Decide what happens to a text `actor` wants to publish as `kind`. Writes nothing except
    the actor's rate-limit count when the text will be stored. With a `title` (None: this kind
    has none) the title is required, screened with the text and masked like it."""
    context = context or SubmissionContext()
    kind = ContentKind(kind)
    draft = _Draft(
        kind=kind,
        body=_normalise_body(text if isinstance(text, str) else ""),
        title=_normalise_title(title),
        needs_title=title is not None,
    )
    if _refused_before_rendering(draft):
        return _decision(draft, _signpost(actor, draft))
    exempt = _exempt_from_member_rules(actor)
    code, message, until = sanction_refusal(actor, context)
    retry_after = 0
    if not code and not exempt:
        code, message, retry_after = _rate_refusal(actor, kind)
    new_member_rules = (False, False)
    if not exempt:
        new_member_rules = (
            context.premoderated and _published_count(actor) < premoderated_first_items(),
            _is_new_member(actor),
        )
    _evaluate(
        draft,
        words=_active_words(),
        member_refusal=(code, message, retry_after, until),
        new_member_rules=new_member_rules,
    )
    if context.review_all and draft.action == Action.PUBLISH:
        draft.hold(QueueItem.Reason.REVIEW, _("read by a moderator before it is published"))
    if draft.action != Action.BLOCK and not exempt:
        rate_window(actor, kind).add()
    return _decision(draft, _signpost(actor, draft))


def _signpost(actor, draft: _Draft) -> SignpostOffer | None:
    tier = _signpost_tier(draft)
    return signpost_for(actor, tier) if tier else None


def screen_text(text: str, *, kind: str = ContentKind.FORUM_POST) -> Decision:
    """The decision for an established member posting in an open space: what moderators see
    when they try a text with `manage.py screen`. No signpost is built (no member)."""
    draft = _Draft(kind=ContentKind(kind), body=_normalise_body(text))
    if not _refused_before_rendering(draft):
        _evaluate(draft, words=_active_words())
    return _decision(draft, None)
