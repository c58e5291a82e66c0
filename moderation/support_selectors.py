"""Reads for the REST door of a member's supportive messages (moderation/support_api.py).

The list is read through `member_support.support_messages_for_member`, the same selector as the
page /me/moderation/support/, so page and API always show the same messages. This module adds
what only the API needs: one message by id, and strict page numbers (the page quietly shows the
last page for a page past the end; the API answers 404, as every other API list does)."""

from __future__ import annotations

from community.forum_selectors import page_number
from community.ids import db_id_or_404, not_found
from moderation.member_support import (
    SupportMessageView,
    SupportPage,
    support_message_view,
    support_messages_for_member,
)
from moderation.models import SupportMessage


def support_messages_page(member, raw_page) -> SupportPage:
    """One page of the member's own messages, newest first (two queries: count and page).
    A page number that is not a number, or past the last page, is a 404."""
    number = page_number(raw_page)
    shown = support_messages_for_member(member, number)
    if shown.page.number != number:
        raise not_found()
    return shown


def support_message_for_member(member, message_id) -> SupportMessageView:
    """One of the member's own messages; anything else (another member's, a visitor asking,
    an id that cannot exist) is the same 404 as a message that was never sent."""
    pk = db_id_or_404(message_id)
    if not getattr(member, "is_authenticated", False):
        raise not_found()
    row = (
        SupportMessage.objects.filter(member=member, pk=pk)
        .only("pk", "text", "resources", "created_at", "read_at")
        .first()
    )
    if row is None:
        raise not_found()
    return support_message_view(row)
