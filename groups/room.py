"""The chat room's rules as plain synchronous functions and the frames it sends, for the
websocket door (`groups.consumers`), which runs them through database_sync_to_async. Every rule
itself lives in the services, permissions and the moderation pipeline; these only ask them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from community.sessions import session_is_current
from groups import presence, selectors, services
from groups.models import PeerGroup
from groups.permissions import can_read_messages
from groups.services import GroupActionRefused, PostResult
from moderation.models import ContentStatus
from moderation.pipeline import (
    ContentRefused,
    Decision,
    Refusal,
    SubmissionContext,
    held_notice,
    sanction_refusal,
)

MAX_FRAME_BYTES = 16 * 1024
REPLAY_CHUNK = selectors.REPLAY_LIMIT
# Messages a socket may have waiting to be posted before it stops reading more frames.
OUTBOX_SIZE = 16
# Refusals that end the member's stay in the room, not just this one message.
ENDS_STAY = frozenset({Refusal.BANNED, Refusal.SUSPENDED})


class CloseCode(IntEnum):
    NOT_LOGGED_IN = 4401
    NOT_ALLOWED = 4403
    NO_SUCH_GROUP = 4404


# --- reads and writes, run in a worker thread ---------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Whether the actor may be in the room now, and until when they are muted there."""

    allowed: bool
    muted_until: datetime | None = None
    # The socket's session ended (signed out everywhere, password changed, account deleted).
    signed_out: bool = False


def standing_in(actor, group: PeerGroup) -> Standing:
    """May `actor` stay in the room: an active member or a moderator, not banned or
    suspended. A mute keeps them in (they may read), and says until when."""
    if not can_read_messages(actor, group):
        return Standing(allowed=False)
    code, _message, until = sanction_refusal(actor, SubmissionContext(group=group))
    if code in ENDS_STAY:
        return Standing(allowed=False)
    return Standing(allowed=True, muted_until=until if code == Refusal.MUTED else None)


@dataclass(frozen=True)
class Admission:
    close_code: CloseCode | None
    group: PeerGroup | None = None


def admit(actor, slug: str) -> Admission:
    """The handshake check: which close code, if any, and the room."""
    if not getattr(actor, "is_authenticated", False):
        return Admission(CloseCode.NOT_LOGGED_IN)
    try:
        group = selectors.get_group(slug)
    except Http404:
        return Admission(CloseCode.NO_SUCH_GROUP)
    if not standing_in(actor, group).allowed:
        return Admission(CloseCode.NOT_ALLOWED)
    return Admission(None, group)


@dataclass(frozen=True)
class Welcome:
    """What a newly joined socket is told; `hello` is None when the actor lost their place
    while joining."""

    hello: dict | None
    hidden: frozenset[int] = frozenset()


def welcome(actor, group: PeerGroup) -> Welcome:
    """Read after the socket joined the room's channel group, so `last_seq` is never older than
    the first live message it will receive."""
    standing = standing_in(actor, group)
    if not standing.allowed:
        return Welcome(hello=None)
    group.refresh_from_db(fields=["last_seq"])
    return Welcome(
        hello={
            "type": "hello",
            "member": actor.pseudonym,
            "group": group.slug,
            "last_seq": group.last_seq,
            "muted_until": standing.muted_until.isoformat() if standing.muted_until else None,
        },
        hidden=selectors.hidden_authors_for(actor),
    )


def replay_chunk(actor, group: PeerGroup, after_seq: int) -> list[dict] | None:
    """Up to REPLAY_CHUNK messages after `after_seq`; None when the actor may not read them."""
    if not standing_in(actor, group).allowed:
        return None
    return selectors.messages_after(actor, group, after_seq=after_seq, limit=REPLAY_CHUNK)


def typing_check(actor, group: PeerGroup) -> tuple[bool, bool]:
    """(may stay in the room, may announce typing now). A muted member can't send, so their
    typing is not announced."""
    standing = standing_in(actor, group)
    if not standing.allowed:
        return False, False
    if standing.muted_until is not None:
        return True, False
    return True, presence.typing_may_announce(group.pk, actor.pk)


def recheck(actor, group: PeerGroup) -> tuple[Standing, frozenset[int]]:
    """(the actor's standing now, the members whose messages the actor hides)."""
    if not session_is_current(actor):
        return Standing(allowed=False, signed_out=True), frozenset()
    standing = standing_in(actor, group)
    if not standing.allowed:
        return standing, frozenset()
    return standing, selectors.hidden_authors_for(actor)


@dataclass(frozen=True)
class SendFrame:
    body: str
    local_id: str
    warning: str


@dataclass
class Reply:
    frames: list[dict] = field(default_factory=list)
    close_code: CloseCode | None = None


def error_frame(code: str, detail: str, **extra) -> dict:
    return {"type": "error", "code": code, "detail": detail, **extra}


def server_error_frame(local_id: str) -> dict:
    return error_frame(
        "server_error",
        _("Something went wrong on our side. Please send it again; it won't post twice."),
        local_id=local_id,
    )


def refusal_frame(decision: Decision, local_id: str) -> dict:
    return error_frame(
        decision.refusal,
        decision.message,
        retry_after=decision.retry_after,
        until=decision.until.isoformat() if decision.until else None,
        local_id=local_id,
    )


def signpost_frame(decision: Decision | None) -> list[dict]:
    if decision is None or decision.signpost is None:
        return []
    return [{"type": "signpost", **decision.signpost.as_payload()}]


def ack_frame(result: PostResult, local_id: str) -> dict:
    """The author's answer: id and seq when published; held with the reason when waiting for a
    moderator; for a repeat of a message that was later taken down before it was published,
    its status."""
    message = result.message
    if message.status == ContentStatus.HELD:
        return {"type": "ack", "local_id": local_id, "status": "held", "reason": held_notice()}
    if message.seq is not None:
        return {"type": "ack", "local_id": local_id, "id": message.pk, "seq": message.seq}
    return {"type": "ack", "local_id": local_id, "id": message.pk, "status": message.status}


def post_message(actor, group: PeerGroup, *, body: str, local_id: str, warning: str) -> Reply:
    """Send one message through `services.chat_message_post` and turn the outcome into frames."""
    try:
        result = services.chat_message_post(
            actor=actor, group=group, body=body, local_id=local_id, content_warning=warning
        )
    except PermissionDenied:
        return Reply(close_code=CloseCode.NOT_ALLOWED)
    except GroupActionRefused as refused:
        return Reply([error_frame("bad_frame", str(refused), local_id=local_id)])
    except ContentRefused as refused:
        decision = refused.decision
        return Reply(
            [refusal_frame(decision, local_id), *signpost_frame(decision)],
            close_code=CloseCode.NOT_ALLOWED if decision.refusal in ENDS_STAY else None,
        )
    return Reply([ack_frame(result, local_id), *signpost_frame(result.decision)])


# --- the consumer ---------------------------------------------------------------------------------
