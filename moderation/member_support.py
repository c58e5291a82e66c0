"""Reads for a member's own supportive messages (/me/moderation/support/).

A supportive message is from "the moderation team": nothing here reads or returns who sent it.
The services shown with a message are plain data stored when it was sent; their links are
shown only when they are phone (`tel:`), text (`sms:`) or secure web (`https:`) addresses, so
a bad row can never put a script link on the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.core.paginator import Page, Paginator

from moderation.models import SupportMessage

MESSAGES_PER_PAGE = 20


@dataclass(frozen=True)
class SupportResource:
    """One service shown with a message. Each href is "" unless it is safe to link to."""

    name: str
    contact: str
    hours: str
    tel_href: str
    sms_href: str
    url: str


@dataclass(frozen=True)
class SupportMessageView:
    """What the member sees of one message: never the sender."""

    id: int
    text: str
    created_at: datetime
    unread: bool
    resources: list[SupportResource]

    @property
    def anchor(self) -> str:
        return f"support-{self.id}"


@dataclass(frozen=True)
class SupportPage:
    """One page of the member's messages, newest first."""

    page: Page
    messages: list[SupportMessageView]

    @property
    def message_ids(self) -> list[int]:
        return [message.id for message in self.messages]


def _has_no_control_characters(value: str) -> bool:
    return not any(ord(char) < 32 or ord(char) == 127 for char in value)


def safe_href(value, scheme: str) -> str:
    """`value` if it is a link of `scheme` ("tel", "sms" or "https"), else "". An https link
    must name a host."""
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if not value or not _has_no_control_characters(value):
        return ""
    parts = urlsplit(value)
    if parts.scheme.lower() != scheme:
        return ""
    if scheme == "https" and not parts.netloc:
        return ""
    if scheme != "https" and len(value) <= len(scheme) + 1:
        return ""
    return value


def _text(row: dict, key: str) -> str:
    value = row.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _resource(row) -> SupportResource | None:
    if not isinstance(row, dict):
        return None
    name = _text(row, "name")
    contact = _text(row, "contact")
    if not name and not contact:
        return None
    return SupportResource(
        name=name,
        contact=contact,
        hours=_text(row, "hours"),
        tel_href=safe_href(row.get("tel"), "tel"),
        sms_href=safe_href(row.get("sms"), "sms"),
        url=safe_href(row.get("url"), "https"),
    )


def support_message_view(message: SupportMessage) -> SupportMessageView:
    """What the member sees of `message`; every door (page, API, the bell) shows it this way."""
    rows = message.resources if isinstance(message.resources, list) else []
    return SupportMessageView(
        id=message.pk,
        text=message.text,
        created_at=message.created_at,
        unread=message.read_at is None,
        resources=[resource for resource in map(_resource, rows) if resource is not None],
    )


def support_messages_for_member(member, page_number=1) -> SupportPage:
    """The member's own supportive messages, newest first, one page at a time. Members see only
    their own; a visitor gets an empty page. Two queries: the count and the page."""
    if not getattr(member, "is_authenticated", False):
        rows = SupportMessage.objects.none()
    else:
        rows = SupportMessage.objects.filter(member=member)
    rows = rows.only("pk", "text", "resources", "created_at", "read_at").order_by(
        "-created_at", "-pk"
    )
    page = Paginator(rows, MESSAGES_PER_PAGE).get_page(page_number)
    messages = [support_message_view(message) for message in page.object_list]
    return SupportPage(page=page, messages=messages)
