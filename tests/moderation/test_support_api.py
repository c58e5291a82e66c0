"""The REST door of a member's supportive messages (/api/v1/me/support-messages/): the member's
own messages only, newest first and in pages, never who sent them; reading does not mark them
read, `read/` does (with their notifications); page and API show the same messages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community import forum_selectors
from community import services as community_services
from community.ids import MAX_DB_ID
from community.models import Member, Notification
from moderation import dashboard_services
from moderation.member_support import MESSAGES_PER_PAGE
from moderation.models import QueueItem, SupportMessage
from tests.factories import CrisisResourceFactory, MemberFactory
from tests.moderation.conftest import URGENT_TEXT

pytestmark = pytest.mark.django_db

LIST = "/api/v1/me/support-messages/"
READ = "/api/v1/me/support-messages/read/"
PAGE = "/me/moderation/support/"
WORDS = "We read what you wrote last night, and we're glad you told us. You're not alone here."


def detail(pk) -> str:
    return f"/api/v1/me/support-messages/{pk}/"


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def hidden_sender() -> Member:
    found = Member.objects.filter(pseudonym="Hidden Sender").first()
    return found or MemberFactory(pseudonym="Hidden Sender", is_moderator=True)


def message(member, text="A kind word.", resources=None, notify=False) -> SupportMessage:
    row = SupportMessage.objects.create(
        member=member, text=text, resources=resources or [], sent_by=hidden_sender()
    )
    if notify:
        Notification.objects.create(
            recipient=member, kind=Notification.Kind.SUPPORT_MESSAGE, support_message=row
        )
    return row


def post_json(client: Client, url: str, data) -> object:
    return client.post(url, data, content_type="application/json")


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
def sent(established, moderator, helpline):
    """A message a moderator sent through the service, from a crisis item of `established`."""
    community_services.member_about_update(actor=established, text=URGENT_TEXT)
    item = QueueItem.objects.get(member=established)
    return dashboard_services.support_message_send(actor=moderator, item=item, text=WORDS)


# --- urls -------------------------------------------------------------------------------------


def test_urls_are_named():
    assert reverse("api-my-support-messages") == LIST
    assert reverse("api-my-support-read") == READ
    assert reverse("api-my-support", kwargs={"message_id": 7}) == detail(7)


# --- who may read ---------------------------------------------------------------------------


def test_member_sees_their_message_from_the_team_never_who_sent_it(established, moderator, sent):
    response = client_for(established).get(LIST)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["next"] is None and body["previous"] is None
    (shown,) = body["results"]
    assert shown["id"] == sent.pk
    assert shown["text"] == WORDS
    assert shown["unread"] is True
    assert set(shown) == {"id", "text", "created_at", "unread", "resources"}
    calm = next(row for row in shown["resources"] if row["name"] == "Calm Line")
    assert calm["tel"].startswith("tel:")
    assert calm["url"] == "https://calm.example.org/"
    assert calm["hours"] == "24 hours, every day"
    assert moderator.pseudonym not in response.content.decode()
    assert "sent_by" not in response.content.decode()


def test_one_message_by_id_never_names_who_sent_it(established, moderator, sent):
    response = client_for(established).get(detail(sent.pk))

    assert response.status_code == 200
    assert response.json()["text"] == WORDS
    assert moderator.pseudonym not in response.content.decode()


def test_messages_are_newest_first(member):
    older = message(member, "The first word.")
    newer = message(member, "The second word.")
    ids = [row["id"] for row in client_for(member).get(LIST).json()["results"]]
    assert ids == [newer.pk, older.pk]


def test_another_member_sees_none_of_them(member, other_member):
    message(member, "Just for Robin.")
    response = client_for(other_member).get(LIST)
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert "Just for Robin." not in response.content.decode()


def test_another_member_cannot_reach_a_message_by_id(member, other_member):
    mine = message(member, "Just for Robin.")
    response = client_for(other_member).get(detail(mine.pk))
    assert response.status_code == 404
    never_sent = client_for(other_member).get(detail(mine.pk + 1000))
    # The same answer as for a message that was never sent.
    assert response.json() == never_sent.json()
    assert "Just for Robin." not in response.content.decode()


def test_another_member_cannot_mark_a_message_read(member, other_member):
    mine = message(member, notify=True)
    response = post_json(client_for(other_member), READ, {"ids": [mine.pk]})
    assert response.status_code == 200
    assert response.json() == {"marked": 0}
    mine.refresh_from_db()
    assert mine.read_at is None
    assert Notification.objects.get(support_message=mine).read_at is None


@pytest.mark.parametrize("url", [LIST, detail(1)])
def test_visitors_are_refused_reading(client, member, url):
    message(member, "Just for Robin.")
    response = client.get(url)
    assert response.status_code == 403
    assert "Just for Robin." not in response.content.decode()


def test_visitors_are_refused_marking_read(client, member):
    row = message(member)
    response = post_json(client, READ, {})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.read_at is None


def test_a_bad_token_is_told_to_authenticate(member):
    message(member)
    response = Client().get(LIST, HTTP_AUTHORIZATION="Bearer not-a-real-token")
    assert response.status_code == 401
    assert "WWW-Authenticate" in response


@pytest.mark.parametrize("pk", ["0", str(MAX_DB_ID + 1), "99999999999999999999999999"])
def test_ids_that_cannot_exist_are_not_found(member, pk):
    assert client_for(member).get(detail(pk)).status_code == 404


# --- pages ------------------------------------------------------------------------------------


def test_messages_come_in_pages(member):
    total = MESSAGES_PER_PAGE + 3
    rows = [message(member, f"Word {number}") for number in range(total)]
    client = client_for(member)

    first = client.get(LIST).json()
    assert first["count"] == total
    assert len(first["results"]) == MESSAGES_PER_PAGE
    assert first["previous"] is None
    assert first["next"].endswith(f"{LIST}?page=2")
    assert first["results"][0]["id"] == rows[-1].pk

    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [row.pk for row in rows[2::-1]]
    assert second["next"] is None
    assert second["previous"].endswith(LIST)


@pytest.mark.parametrize("page", ["3", "0", "-1", "two", "99999999999999999999"])
def test_a_page_that_does_not_exist_is_not_found(member, page):
    for number in range(MESSAGES_PER_PAGE + 1):
        message(member, f"Word {number}")
    response = client_for(member).get(LIST, {"page": page})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_empty_first_page_is_fine(member):
    response = client_for(member).get(LIST, {"page": "1"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def _list_queries(member, size: int) -> int:
    for number in range(size):
        message(member, f"Word {number}", notify=True)
    client = client_for(member)
    client.get(LIST)  # the session's first read may touch more than later ones
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(size, MESSAGES_PER_PAGE)
    return len(queries)


def test_list_query_count_does_not_grow_with_messages(member, other_member):
    # Session, member, the count and the page: the same for 2 messages as for 20.
    assert _list_queries(member, 2) == 4
    assert _list_queries(other_member, 20) == 4


# --- reading does not mark, read/ does ------------------------------------------------------


def test_reading_through_the_api_leaves_messages_unread(member):
    row = message(member, notify=True)
    client_for(member).get(LIST)
    client_for(member).get(detail(row.pk))
    row.refresh_from_db()
    assert row.read_at is None


def test_marking_chosen_messages_read_reads_their_notifications(member):
    first = message(member, "One.", notify=True)
    second = message(member, "Two.", notify=True)
    client = client_for(member)

    response = post_json(client, READ, {"ids": [first.pk]})

    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert Notification.objects.get(support_message=first).read_at is not None
    assert Notification.objects.get(support_message=second).read_at is None
    shown = {row["id"]: row["unread"] for row in client.get(LIST).json()["results"]}
    assert shown == {first.pk: False, second.pk: True}


def test_marking_all_read_and_again_marks_nothing_more(member):
    message(member, "One.", notify=True)
    message(member, "Two.", notify=True)
    client = client_for(member)
    assert post_json(client, READ, {}).json() == {"marked": 2}
    assert forum_selectors.unread_notification_count(member) == 0
    assert post_json(client, READ, {}).json() == {"marked": 0}


@pytest.mark.parametrize(
    "data",
    [{"ids": "1"}, {"ids": ["x"]}, {"ids": [0]}, {"ids": [MAX_DB_ID + 1]}, {"ids": [None]}],
)
def test_bad_ids_to_mark_read_are_refused_and_nothing_is_marked(member, data):
    row = message(member)
    response = post_json(client_for(member), READ, data)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "ids" in body["fields"]
    row.refresh_from_db()
    assert row.read_at is None


def _resources_in_support_list(client) -> list[dict]:
    (shown,) = client.get(LIST).json()["results"]
    return shown["resources"]


def _resources_in_notifications(client) -> list[dict]:
    (shown,) = client.get(reverse("api-notifications")).json()["results"]
    return shown["support_message"]["resources"]


@pytest.mark.parametrize("read", [_resources_in_support_list, _resources_in_notifications])
def test_unsafe_links_are_blank_wherever_the_message_is_shown(member, read):
    message(
        member,
        notify=True,
        resources=[
            {"name": "Bad link", "contact": "click", "url": "javascript:alert(1)"},
            {"name": "Plain web", "contact": "site", "url": "http://plain.example.org/"},
            {"name": "Data", "contact": "data", "tel": "data:text/html,hi", "sms": "vbscript:x"},
            {"name": "Text line", "contact": "Text SHOUT to 85258", "sms": "sms:85258"},
            "not a resource",
        ],
    )
    by_name = {row["name"]: row for row in read(client_for(member))}
    assert set(by_name) == {"Bad link", "Plain web", "Data", "Text line"}
    assert by_name["Bad link"]["url"] == ""
    assert by_name["Plain web"]["url"] == ""
    assert by_name["Data"]["tel"] == "" and by_name["Data"]["sms"] == ""
    assert by_name["Text line"]["sms"] == "sms:85258"


# --- page and API agree -----------------------------------------------------------------------


def test_a_message_sent_by_a_moderator_is_on_the_page_and_in_the_api(established, sent):
    client = client_for(established)

    api = client.get(LIST).json()
    assert [row["id"] for row in api["results"]] == [sent.pk]
    assert api["results"][0]["unread"] is True

    page = client.get(PAGE).content.decode()
    assert f'id="support-{sent.pk}"' in page
    assert "glad you told us" in page

    # The page marked it read; the API says so.
    assert client.get(detail(sent.pk)).json()["unread"] is False


def test_marked_read_through_the_api_is_no_longer_new_on_the_page(established, sent):
    client = client_for(established)
    assert post_json(client, READ, {"ids": [sent.pk]}).json() == {"marked": 1}
    page = client.get(PAGE).content.decode()
    assert f'id="support-{sent.pk}"' in page
    assert "New</span>" not in page
