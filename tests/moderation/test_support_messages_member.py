"""A member's supportive messages from the moderation team (/me/moderation/support/): shown as
from the team, never from a named moderator; only to the member they were for; opening the page
marks them read, and the bell's count drops."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from community import forum_selectors
from community import services as community_services
from community.models import Member, Notification
from moderation import dashboard_services
from moderation.member_support import (
    MESSAGES_PER_PAGE,
    safe_href,
    support_messages_for_member,
)
from moderation.models import QueueItem, SupportMessage
from tests.factories import CrisisResourceFactory, MemberFactory
from tests.moderation.conftest import URGENT_TEXT

pytestmark = pytest.mark.django_db

SUPPORT = "/me/moderation/support/"
WORDS = "We read what you wrote last night, and we're glad you told us. You're not alone here."


@pytest.fixture
def helpline(db):
    return CrisisResourceFactory(
        country_code="GB",
        service_name="Calm Line",
        contact="Call 0800 111 222",
        phone="0800111222",
        url="https://calm.example.org/",
        hours="24 hours, every day",
    )


@pytest.fixture
def crisis_item(established, helpline):
    community_services.member_about_update(actor=established, text=URGENT_TEXT)
    return QueueItem.objects.get(member=established)


@pytest.fixture
def sent(crisis_item, moderator):
    return dashboard_services.support_message_send(actor=moderator, item=crisis_item, text=WORDS)


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def hidden_sender():
    found = Member.objects.filter(pseudonym="Hidden Sender").first()
    return found or MemberFactory(pseudonym="Hidden Sender", is_moderator=True)


def message(member, text="A kind word.", resources=None) -> SupportMessage:
    return SupportMessage.objects.create(
        member=member, text=text, resources=resources or [], sent_by=hidden_sender()
    )


def test_url_is_named():
    assert reverse("my-moderation:support") == SUPPORT


def test_visitors_are_sent_to_log_in(client):
    response = client.get(SUPPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_member_sees_the_message_from_the_team_never_the_senders_name(established, moderator, sent):
    response = client_for(established).get(SUPPORT)

    assert response.status_code == 200
    page = response.content.decode()
    assert "From the moderation team" in page
    assert "glad you told us" in page
    assert moderator.pseudonym not in page
    assert f'id="support-{sent.pk}"' in page
    assert "Calm Line" in page
    assert 'href="tel:0800111222"' in page
    assert 'href="https://calm.example.org/"' in page
    assert "24 hours, every day" in page


def test_the_notification_links_to_the_message(established, sent):
    page = client_for(established).get("/notifications/").content.decode()
    assert f"{SUPPORT}#support-{sent.pk}" in page


def test_opening_the_page_marks_messages_and_their_notifications_read(established, sent):
    client = client_for(established)
    assert forum_selectors.unread_notification_count(established) == 1
    notification = Notification.objects.get(support_message=sent)
    assert notification.read_at is None

    page = client.get(SUPPORT).content.decode()

    sent.refresh_from_db()
    notification.refresh_from_db()
    assert sent.read_at is not None
    assert notification.read_at is not None
    assert forum_selectors.unread_notification_count(established) == 0
    # The page itself already shows the lower count, and the message as new this once.
    assert re.search(r"Notifications \(0<span", page)
    assert "New</span>" in page
    again = client.get(SUPPORT).content.decode()
    assert "New</span>" not in again


def test_opening_the_page_leaves_other_notifications_alone(established, sent, other_member):
    reply = Notification.objects.create(recipient=established, kind=Notification.Kind.REPLY)
    client_for(established).get(SUPPORT)
    reply.refresh_from_db()
    assert reply.read_at is None


def test_messages_are_newest_first(member):
    older = message(member, "The first word.")
    newer = message(member, "The second word.")
    page = client_for(member).get(SUPPORT).content.decode()
    assert page.index(f'id="support-{newer.pk}"') < page.index(f'id="support-{older.pk}"')


def test_members_see_only_their_own_messages(member, other_member, sent):
    mine = message(member, "Just for Robin.")
    theirs = message(other_member, "Just for Kit.")

    page = client_for(member).get(SUPPORT).content.decode()

    assert "Just for Robin." in page
    assert "Just for Kit." not in page
    assert "glad you told us" not in page
    theirs.refresh_from_db()
    sent.refresh_from_db()
    assert theirs.read_at is None and sent.read_at is None
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "Hidden Sender" not in page


def test_a_member_with_no_messages_sees_a_calm_empty_page(member):
    page = client_for(member).get(SUPPORT).content.decode()
    assert "There are no messages from the moderation team for you." in page
    assert 'href="/help/"' in page


def test_message_text_is_escaped_and_only_safe_links_are_made(member):
    message(
        member,
        "<script>alert('x')</script>",
        resources=[
            {"name": "Bad link", "contact": "click", "url": "javascript:alert(1)"},
            {"name": "Plain web", "contact": "site", "url": "http://plain.example.org/"},
            {"name": "Data", "contact": "data", "tel": "data:text/html,hi", "sms": "vbscript:x"},
            {"name": "Text line", "contact": "Text SHOUT to 85258", "sms": "sms:85258"},
            {"name": "<b>Tag</b>", "contact": "Call 116 123", "tel": "tel:116123"},
            "not a resource",
            {"hours": "only hours"},
        ],
    )
    page = client_for(member).get(SUPPORT).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "javascript:" not in page
    assert "vbscript:" not in page
    assert "data:text" not in page
    assert 'href="http://plain.example.org/"' not in page
    assert 'href="sms:85258"' in page
    assert 'href="tel:116123"' in page
    assert "&lt;b&gt;Tag&lt;/b&gt;" in page
    assert "only hours" not in page


@pytest.mark.parametrize(
    ("value", "scheme", "expected"),
    [
        ("tel:116123", "tel", "tel:116123"),
        ("TEL:116123", "tel", "TEL:116123"),
        ("tel:", "tel", ""),
        ("sms:85258?&body=SHOUT", "sms", "sms:85258?&body=SHOUT"),
        ("https://example.org/help", "https", "https://example.org/help"),
        ("https:///nohost", "https", ""),
        ("http://example.org/", "https", ""),
        ("javascript:alert(1)", "https", ""),
        ("java\nscript:alert(1)", "tel", ""),
        (" https://example.org/ ", "https", "https://example.org/"),
        (None, "tel", ""),
        (12, "tel", ""),
    ],
)
def test_safe_href_allows_only_its_scheme(value, scheme, expected):
    assert safe_href(value, scheme) == expected


def test_selector_never_exposes_the_sender(member):
    message(member)
    shown = support_messages_for_member(member)
    assert len(shown.messages) == 1
    assert not hasattr(shown.messages[0], "sent_by")


def test_overview_links_to_the_messages(member_client):
    assert f'href="{SUPPORT}"' in member_client.get("/me/moderation/").content.decode()


@pytest.mark.parametrize("size", [5, 30])
def test_support_page_queries_do_not_grow_with_messages(member, size, django_assert_num_queries):
    for number in range(size):
        sent = message(member, f"Word {number}")
        Notification.objects.create(
            recipient=member, kind=Notification.Kind.SUPPORT_MESSAGE, support_message=sent
        )
    client = client_for(member)
    # Session, member, count, page of messages, then in one transaction (two savepoint
    # queries) their notifications and the messages marked read; the bell.
    with django_assert_num_queries(9):
        response = client.get(SUPPORT)
    assert response.status_code == 200
    shown = min(size, MESSAGES_PER_PAGE)
    assert response.content.decode().count('<li class="support-message') == shown
    assert Notification.objects.filter(read_at__isnull=True).count() == size - shown
