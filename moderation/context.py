"""What a moderator sees around one piece of content: where it lives and its neighbours (the chat
messages before and after it, the replies around it in its thread). Content kinds describe
themselves through `ModeratedContent.moderation_context()`, so kinds added later need no change
here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Neighbour:
    """One nearby item, shown to moderators as it stands now (held and removed ones too, marked)."""

    author: str
    body_html: str
    status: str
    created_at: datetime
    is_subject: bool = False


@dataclass(frozen=True)
class ContentContext:
    place: str
    url: str = ""
    neighbours: list[Neighbour] = field(default_factory=list)


def neighbours_of(subject, rows) -> list[Neighbour]:
    """Neighbour rows for `rows` (content of one kind, oldest first), marking `subject`."""
    return [
        Neighbour(
            author=str(row.author),
            body_html=row.body_html,
            status=row.status,
            created_at=row.created_at,
            is_subject=row.pk == subject.pk and type(row) is type(subject),
        )
        for row in rows
    ]
