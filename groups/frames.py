"""The JSON shapes of chat messages, shared by the websocket, the REST history and replay, so
every door shows a message (or its tombstone) the same way."""

from __future__ import annotations

from groups.models import ChatMessage
from moderation.models import ContentStatus


def message_payload(message: ChatMessage, *, hidden_authors: frozenset[int] = frozenset()) -> dict:
    """A published message, or a tombstone without its text when it was removed (or its
    author is ignored by the reader), so every reader's seq stays gap-free."""
    if message.status != ContentStatus.PUBLISHED:
        return {"id": message.pk, "seq": message.seq, "removed": True}
    if message.author_id in hidden_authors:
        return {"id": message.pk, "seq": message.seq, "hidden": True}
    payload = {
        "id": message.pk,
        "seq": message.seq,
        "author": message.author.pseudonym,
        "author_id": message.author_id,
        "body_html": message.body_html,
        "content_warning": message.content_warning,
        "created_at": message.created_at.isoformat(),
    }
    if message.local_id:
        payload["local_id"] = message.local_id
    return payload
