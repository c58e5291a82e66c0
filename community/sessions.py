"""Ending a member's sessions and live sockets everywhere at once.

A session is valid only while the hash stored in it matches `Member.get_session_auth_hash()`,
which includes `session_generation`; raising the generation ends every session of the member
in every process on its next request (the database is the one shared truth). Open websockets
are told on commit through the member's channel group, and each socket's heartbeat compares
the generation it connected with, so a lost event costs seconds, not a lasting socket.
"""

from django.db import transaction
from django.db.models import F

from community.models import Member


def member_sessions_end(*, member: Member) -> int:
    """End every session, and close every open websocket, of `member`. Returns the new
    generation (also set on `member`, so a caller may keep its own session with
    `update_session_auth_hash`)."""
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(session_generation=F("session_generation") + 1)
        member.session_generation = (
            Member.objects.filter(pk=member.pk).values_list("session_generation", flat=True).get()
        )
        member_id = member.pk
        transaction.on_commit(lambda: _close_sockets(member_id))
    return member.session_generation


def session_is_current(member) -> bool:
    """Is the session this `member` object was loaded with (at a socket's handshake) still
    valid: same generation, account active and not deleted?"""
    if not getattr(member, "is_authenticated", False):
        return False
    return Member.objects.filter(
        pk=member.pk,
        session_generation=member.session_generation,
        is_active=True,
        erased_at__isnull=True,
    ).exists()


def _close_sockets(member_id: int) -> None:
    from groups import broadcast  # the sockets live in groups and moderation

    broadcast.member_signed_out(member_id)
