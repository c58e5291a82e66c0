"""Reads for peer groups and their rooms. Fetch-and-check helpers raise Http404 for what the
actor may not see, the same answer as for what does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from community.ids import MAX_DB_ID
from community.models import Member
from community.validators import identity_key
from groups import permissions
from groups.frames import message_payload
from groups.models import ChatMessage, GroupSession, MemberIgnore, Membership, PeerGroup
from moderation.models import ContentStatus

HISTORY_PAGE = 50
REPLAY_LIMIT = 500


@dataclass(frozen=True)
class GroupListing:
    group: PeerGroup
    membership_state: str  # "" when the actor has no membership
    role: str


def groups_for_list(actor) -> list[GroupListing]:
    """Every group (names and purposes are public), with the actor's own standing. 2 queries."""
    groups = list(PeerGroup.objects.order_by("name"))
    mine: dict[int, Membership] = {}
    if getattr(actor, "is_authenticated", False):
        mine = {m.group_id: m for m in Membership.objects.filter(member=actor)}
    return [
        GroupListing(
            group=group,
            membership_state=mine[group.pk].state if group.pk in mine else "",
            role=mine[group.pk].role if group.pk in mine else "",
        )
        for group in groups
    ]


def get_group(slug: str) -> PeerGroup:
    group = PeerGroup.objects.filter(slug=slug).first()
    if group is None:
        raise Http404("No such group.")
    return group


def get_room_for(actor, slug: str) -> PeerGroup:
    """The group whose messages `actor` may read; 404 otherwise (as if it did not exist)."""
    group = get_group(slug)
    if not permissions.can_read_messages(actor, group):
        raise Http404("No such group.")
    return group


def get_facilitated_group_for(actor, slug: str) -> PeerGroup:
    group = get_group(slug)
    if not permissions.can_facilitate(actor, group):
        raise Http404("No such group.")
    return group


def _found(row, what: str):
    if row is None:
        raise Http404(f"No such {what}.")
    return row


def _in_range(pk: int) -> int:
    if not 0 < pk <= MAX_DB_ID:
        raise Http404("No such item.")
    return pk


def membership_in_group(group: PeerGroup, pk: int, *, state: str | None = None) -> Membership:
    """A membership of this group by id (optionally in one state); 404 otherwise."""
    rows = Membership.objects.filter(group=group, pk=_in_range(pk))
    if state is not None:
        rows = rows.filter(state=state)
    return _found(rows.select_related("member", "group").first(), "membership in this group")


def membership_by_pseudonym(group: PeerGroup, pseudonym: str) -> Membership:
    rows = Membership.objects.filter(group=group, member__pseudonym_key=identity_key(pseudonym))
    return _found(rows.select_related("member", "group").first(), "member in this group")


def message_in_group(group: PeerGroup, pk: int) -> ChatMessage:
    rows = ChatMessage.objects.filter(group=group, pk=_in_range(pk))
    return _found(rows.select_related("author", "group").first(), "message in this group")


def member_by_pseudonym(pseudonym: str) -> Member:
    """A member by pseudonym only (never by email: that would reveal who has an account)."""
    return _found(Member.objects.filter(pseudonym_key=identity_key(pseudonym)).first(), "member")


def ignores_of(actor) -> QuerySet[MemberIgnore]:
    return (
        MemberIgnore.objects.filter(member=actor)
        .select_related("ignored")
        .order_by("ignored__pseudonym")
    )


def upcoming_sessions(group: PeerGroup, *, limit: int = 3) -> list[GroupSession]:
    """The next sessions, including one in progress now."""
    now = timezone.now()
    sessions = GroupSession.objects.filter(group=group).select_related("facilitator")
    # A session longer than a day is not a session; look back that far for one in progress.
    recent = sessions.filter(starts_at__gte=now - timedelta(days=1)).order_by("starts_at")
    return [s for s in recent if s.ends_at > now][:limit]


def pending_requests(group: PeerGroup) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group, state=Membership.State.REQUESTED)
        .select_related("member")
        .order_by("created_at")
    )


def active_members(group: PeerGroup) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group, state=Membership.State.ACTIVE)
        .select_related("member")
        .order_by("member__pseudonym")
    )


def hidden_authors_for(actor) -> frozenset[int]:
    """Members whose messages `actor` has chosen not to see."""
    if not getattr(actor, "is_authenticated", False):
        return frozenset()
    return frozenset(MemberIgnore.objects.filter(member=actor).values_list("ignored_id", flat=True))


def _visible_rows(group: PeerGroup) -> QuerySet[ChatMessage]:
    # Held messages have no seq yet; removed ones keep theirs and become tombstones.
    return ChatMessage.objects.filter(group=group, seq__isnull=False).select_related("author")


def messages_after(
    actor, group: PeerGroup, *, after_seq: int, limit: int = REPLAY_LIMIT
) -> list[dict]:
    """Every message after `after_seq`, in seq order, as the reader may see them."""
    hidden = hidden_authors_for(actor)
    rows = _visible_rows(group).filter(seq__gt=after_seq).order_by("seq")[:limit]
    return [message_payload(row, hidden_authors=hidden) for row in rows]


def messages_before(
    actor, group: PeerGroup, *, before_seq: int | None = None, limit: int = HISTORY_PAGE
) -> list[dict]:
    """Up to `limit` messages before `before_seq` (or the latest), oldest first."""
    hidden = hidden_authors_for(actor)
    rows = _visible_rows(group)
    if before_seq is not None:
        rows = rows.filter(seq__lt=before_seq)
    latest = list(rows.order_by("-seq")[:limit])
    return [message_payload(row, hidden_authors=hidden) for row in reversed(latest)]


def own_held_messages(actor, group: PeerGroup) -> list[ChatMessage]:
    """The actor's messages that wait for a moderator, so the room can show them as waiting."""
    if not getattr(actor, "is_authenticated", False):
        return []
    return list(
        ChatMessage.objects.filter(group=group, author=actor, status=ContentStatus.HELD).order_by(
            "created_at"
        )
    )
