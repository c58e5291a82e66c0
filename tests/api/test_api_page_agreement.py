"""The API and the pages agree: both doors call the same services, so an action taken through
one is visible through the other. One or more checks per feature area, in both directions
(API then page, page then API)."""

from __future__ import annotations

import pytest
from django.test import Client

from community.models import Notification, Story
from groups.models import Membership
from moderation.models import Appeal, ContentStatus, QueueItem, Sanction
from tests.api.conftest import api_client, rows

pytestmark = pytest.mark.django_db

API = "/api/v1"


def page(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- groups, join requests and leaving ---------------------------------------------------------


def test_join_request_through_api_is_on_the_facilitators_requests_page(world):
    response = api_client(world.outsider).post(
        f"{API}/groups/{world.group.slug}/join/", {"note": "I'd like to join."}, format="json"
    )
    assert response.json()["state"] == "requested"
    text = html(page(world.facilitator).get(f"/groups/{world.group.slug}/requests/"))
    assert world.outsider.pseudonym in text
    # Asking is not joining: the room stays closed to them through both doors.
    assert page(world.outsider).get(f"/groups/{world.group.slug}/room/").status_code == 404
    assert (
        api_client(world.outsider).get(f"{API}/groups/{world.group.slug}/messages/").status_code
        == 404
    )


def test_request_approved_on_the_page_lets_the_member_read_the_room_through_the_api(world):
    url = f"/groups/{world.group.slug}/requests/{world.requested.pk}/approve/"
    assert page(world.facilitator).post(url).status_code == 302
    pending = api_client(world.facilitator).get(f"{API}/groups/{world.group.slug}/requests/")
    assert world.requester.pseudonym not in pending.content.decode()
    client = api_client(world.requester)
    membership = client.get(f"{API}/groups/{world.group.slug}/").json()["membership"]
    assert membership["state"] == Membership.State.ACTIVE
    assert client.get(f"{API}/groups/{world.group.slug}/messages/").status_code == 200


def test_request_declined_through_the_api_is_gone_from_the_requests_page(world):
    url = f"{API}/groups/{world.group.slug}/requests/{world.requested.pk}/decline/"
    assert api_client(world.facilitator).post(url).status_code == 200
    text = html(page(world.facilitator).get(f"/groups/{world.group.slug}/requests/"))
    assert world.requester.pseudonym not in text


def test_leaving_through_the_api_closes_the_room_page(world):
    assert page(world.member).get(f"/groups/{world.group.slug}/room/").status_code == 200
    response = api_client(world.member).delete(f"{API}/groups/{world.group.slug}/membership/")
    assert response.status_code == 204
    assert page(world.member).get(f"/groups/{world.group.slug}/room/").status_code == 404


def test_leaving_on_the_page_shows_in_the_api(world):
    assert page(world.member).post(f"/groups/{world.group.slug}/leave/").status_code == 302
    detail = api_client(world.member).get(f"{API}/groups/{world.group.slug}/").json()
    assert detail["membership"]["state"] == Membership.State.LEFT


def test_member_removed_through_the_api_is_not_on_the_members_list_page(world):
    url = f"{API}/groups/{world.group.slug}/members/{world.target.pseudonym}/remove/"
    response = api_client(world.facilitator).post(url, {"reason": "Please be kind."}, format="json")
    assert response.status_code == 200
    assert page(world.target).get(f"/groups/{world.group.slug}/room/").status_code == 404


# --- chat --------------------------------------------------------------------------------------


def test_chat_message_posted_through_the_api_is_in_the_room_page(world):
    body = {"body": "Breathing through the wait with tulips.", "local_id": "agree-1"}
    response = api_client(world.member).post(
        f"{API}/groups/{world.group.slug}/messages/", body, format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == ContentStatus.PUBLISHED
    assert "tulips" in html(page(world.author).get(f"/groups/{world.group.slug}/room/"))


def test_chat_message_removed_through_the_api_is_gone_from_the_room_page(world):
    room = f"/groups/{world.group.slug}/room/"
    assert "Hello from the" in html(page(world.member).get(room))
    url = f"{API}/groups/{world.group.slug}/messages/{world.chat.pk}/remove/"
    response = api_client(world.facilitator).post(url, {"reason": "Off topic."}, format="json")
    assert response.status_code == 200
    assert "Hello from the" not in html(page(world.member).get(room))
    listed = api_client(world.member).get(f"{API}/groups/{world.group.slug}/messages/").json()
    [tombstone] = [row for row in listed["results"] if row["id"] == world.chat.pk]
    assert tombstone.get("removed") is True
    assert "body_html" not in tombstone or not tombstone["body_html"]


# --- forums ------------------------------------------------------------------------------------


def test_thread_started_through_the_api_is_on_the_category_page(world):
    response = api_client(world.member).post(
        f"{API}/forums/categories/{world.category.slug}/threads/",
        {"title": "Sunflowers and waiting", "body": "It helps to write it down."},
        format="json",
    )
    assert response.status_code == 201
    thread_id = response.json()["id"]
    assert "Sunflowers and waiting" in html(
        page(world.author).get(f"/forums/{world.category.slug}/")
    )
    assert "It helps to write it down." in html(
        page(world.author).get(f"/forums/threads/{thread_id}/")
    )


def test_reply_on_the_page_is_in_the_api(world):
    response = page(world.member).post(
        f"/forums/threads/{world.thread.pk}/reply/", {"body": "Sending calm and daisies."}
    )
    assert response.status_code == 302
    posts = api_client(world.author).get(f"{API}/forums/threads/{world.thread.pk}/posts/").json()
    assert any("daisies" in row["body_html"] for row in posts["results"])


def test_reply_edited_through_the_api_shows_on_the_thread_page(world):
    response = api_client(world.member).patch(
        f"{API}/forums/posts/{world.own_reply.pk}/",
        {"body": "Edited to say peonies."},
        format="json",
    )
    assert response.status_code == 200
    assert "peonies" in html(page(world.author).get(f"/forums/threads/{world.thread.pk}/"))


def test_reaction_through_the_api_is_counted_on_the_page_and_back(world):
    url = f"{API}/forums/threads/{world.thread.pk}/reactions/hug/"
    counts = api_client(world.member).put(url).json()["reactions"]
    assert {row["kind"]: row["count"] for row in counts}["hug"] == 1
    page(world.facilitator).post(f"/forums/threads/{world.thread.pk}/react/", {"kind": "hug"})
    data = api_client(world.author).get(f"{API}/forums/threads/{world.thread.pk}/").json()
    hugs = {row["kind"]: row["count"] for row in data["reactions"]}["hug"]
    assert hugs == 2


def test_following_on_the_page_brings_replies_to_the_api_notifications(
    world, django_capture_on_commit_callbacks
):
    client = api_client(world.member)
    before = client.get(f"{API}/notifications/unread-count/").json()["unread"]
    page(world.member).post(f"/forums/threads/{world.thread.pk}/follow/", {"action": "follow"})
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(world.facilitator).post(
            f"{API}/forums/threads/{world.thread.pk}/posts/",
            {"body": "A new reply."},
            format="json",
        )
    assert response.status_code == 201
    assert client.get(f"{API}/notifications/unread-count/").json()["unread"] == before + 1
    listed = client.get(f"{API}/notifications/").json()["results"]
    assert any(row["kind"] == Notification.Kind.REPLY for row in listed)


def test_report_through_the_api_is_in_the_moderators_queue_page(world):
    response = api_client(world.member).post(
        f"{API}/forums/posts/{world.reply.pk}/report/",
        {"reason": "other", "note": ""},
        format="json",
    )
    assert response.status_code == 201
    item = QueueItem.objects.get(reason=QueueItem.Reason.REPORT, object_id=world.reply.pk)
    assert f"/moderation/items/{item.pk}/" in html(page(world.facilitator).get("/moderation/"))
    reports = html(page(world.member).get("/me/moderation/"))
    assert "tea helped" in reports
    assert "A moderator will look at it soon." in reports
    [mine] = rows(api_client(world.member).get(f"{API}/me/reports/"))
    assert mine["outcome"] == ""


def test_thread_removed_on_the_page_is_404_in_the_api(world):
    response = page(world.facilitator).post(
        f"/forums/threads/{world.thread.pk}/remove/", {"reason": "Please keep it kind."}
    )
    assert response.status_code == 302
    assert (
        api_client(world.member).get(f"{API}/forums/threads/{world.thread.pk}/").status_code == 404
    )
    world.thread.refresh_from_db()
    assert world.thread.status == ContentStatus.REMOVED


# --- stories -----------------------------------------------------------------------------------


def test_story_submitted_through_the_api_waits_on_the_review_page(world):
    response = api_client(world.member).post(
        f"{API}/stories/",
        {
            "title": "The morning I let it ring",
            "body": "I let the phone ring and made tea first. Then I called back, calm.",
            "tags": ["calmer-when-waiting"],
        },
        format="json",
    )
    assert response.status_code == 201
    assert "The morning I let it ring" in html(page(world.member).get("/stories/mine/"))
    assert "The morning I let it ring" in html(page(world.moderator).get("/stories/review/"))
    assert "The morning I let it ring" not in html(page(world.outsider).get("/stories/"))


def test_hope_given_on_the_page_is_counted_in_the_api(world):
    page(world.member).post(f"/stories/{world.story.pk}/hope/", {"action": "add"})
    data = api_client(world.member).get(f"{API}/stories/{world.story.pk}/").json()
    assert data["hope_count"] == 1
    assert data["hoped_by_me"] is True


def test_story_returned_through_the_api_shows_its_note_on_the_authors_page(world):
    note = "Could you leave out his workplace, please?"
    response = api_client(world.moderator).post(
        f"{API}/stories/{world.submitted_story.pk}/return/", {"note": note}, format="json"
    )
    assert response.status_code == 200
    assert "leave out his workplace" in html(page(world.author).get("/stories/mine/"))
    assert Story.objects.get(pk=world.submitted_story.pk).state == Story.State.RETURNED


# --- the review dashboard ----------------------------------------------------------------------


def test_claim_through_the_api_shows_on_the_item_page(world):
    url = f"{API}/moderation/queue/{world.item.pk}/claim/"
    assert api_client(world.facilitator).post(url).status_code == 200
    assert world.facilitator.pseudonym in html(
        page(world.moderator).get(f"/moderation/items/{world.item.pk}/")
    )


def test_resolve_on_the_page_shows_in_the_api(world):
    item = world.reported_item
    response = page(world.facilitator).post(
        f"/moderation/items/{item.pk}/resolve/", {"resolution": "no_action", "note": "Fine."}
    )
    assert response.status_code == 302
    data = api_client(world.moderator).get(f"{API}/moderation/queue/{item.pk}/").json()
    assert data["state"] == QueueItem.State.RESOLVED


def test_note_through_the_api_is_on_the_item_page(world):
    url = f"{API}/moderation/queue/{world.item.pk}/notes/"
    response = api_client(world.moderator).post(url, {"text": "Watching kindly."}, format="json")
    assert response.status_code == 201
    assert "Watching kindly." in html(
        page(world.facilitator).get(f"/moderation/items/{world.item.pk}/")
    )


def test_content_removed_through_the_api_is_gone_from_the_thread_page(world):
    report = api_client(world.member).post(
        f"{API}/forums/posts/{world.reply.pk}/report/",
        {"reason": "other", "note": ""},
        format="json",
    )
    assert report.status_code == 201
    item = QueueItem.objects.get(reason=QueueItem.Reason.REPORT, object_id=world.reply.pk)
    response = api_client(world.facilitator).post(
        f"{API}/moderation/queue/{item.pk}/remove/",
        {"reason": "Please keep it kind."},
        format="json",
    )
    assert response.status_code == 200
    assert "tea helped" not in html(page(world.member).get(f"/forums/threads/{world.thread.pk}/"))


def test_sanction_through_the_api_is_on_the_members_own_moderation_page(world):
    response = api_client(world.moderator).post(
        f"{API}/moderation/queue/{world.item.pk}/sanction/",
        {"kind": "warn", "reason": "Please slow down a little."},
        format="json",
    )
    assert response.status_code == 201
    assert Sanction.objects.filter(member=world.author).exists()
    assert "Please slow down a little." in html(page(world.author).get("/me/moderation/"))


# --- appeals -----------------------------------------------------------------------------------


def test_appeal_through_the_api_is_on_the_members_page_and_the_moderators_item_page(world):
    mine = rows(api_client(world.author).get(f"{API}/me/appeals/"))
    assert [row["id"] for row in mine] == [world.appeal.pk]
    text = html(page(world.moderator).get(f"/moderation/items/{world.appeal_item.pk}/"))
    assert "Please have another look." in text


def test_appeal_decided_on_the_page_shows_in_the_members_api(world):
    response = page(world.facilitator).post(
        f"/moderation/items/{world.appeal_item.pk}/appeal/",
        {"decision": "uphold", "grant": "false", "note": "The decision stands, kindly."},
    )
    assert response.status_code in (200, 302)
    appeal = Appeal.objects.get(pk=world.appeal.pk)
    if response.status_code == 200:
        pytest.fail(f"appeal form refused: {response.content.decode()[:500]}")
    assert appeal.state == Appeal.State.UPHELD
    [row] = rows(api_client(world.author).get(f"{API}/me/appeals/"))
    assert row["state"] == Appeal.State.UPHELD
    assert row["decision_note"] == "The decision stands, kindly."


# --- tokens ------------------------------------------------------------------------------------


def test_token_made_on_the_page_is_listed_in_the_api_and_revoked_there(world):
    response = page(world.member).post("/me/tokens/", {"name": "Tablet"})
    assert response.status_code in (200, 302)
    client = api_client(world.member)
    tokens = {row["name"]: row["id"] for row in rows(client.get(f"{API}/me/tokens/"))}
    assert "Tablet" in tokens
    assert client.delete(f"{API}/me/tokens/{tokens['Tablet']}/").status_code == 204
    assert "Tablet" not in html(page(world.member).get("/me/tokens/"))


def test_token_revoked_on_the_page_stops_working_in_the_api(world):
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.token_secret}")
    assert client.get(f"{API}/me/").status_code == 200
    page(world.member).post("/me/tokens/", {"revoke": str(world.token.pk)})
    assert client.get(f"{API}/me/").status_code == 401


# --- notifications and support messages -------------------------------------------------------


def test_notifications_marked_read_through_the_api_are_read_on_the_page(world):
    client = api_client(world.member)
    assert client.get(f"{API}/notifications/unread-count/").json()["unread"] >= 1
    assert client.post(f"{API}/notifications/read/", {}, format="json").status_code == 200
    assert client.get(f"{API}/notifications/unread-count/").json()["unread"] == 0
    assert not Notification.objects.filter(recipient=world.member, read_at__isnull=True).exists()
    html(page(world.member).get("/notifications/"))


def test_notifications_marked_read_on_the_page_are_read_in_the_api(world):
    client = api_client(world.member)
    assert client.get(f"{API}/notifications/unread-count/").json()["unread"] >= 1
    page(world.member).post("/notifications/read/")
    assert client.get(f"{API}/notifications/unread-count/").json()["unread"] == 0


def test_support_message_sent_through_the_api_is_on_the_members_support_page(world):
    response = api_client(world.facilitator).post(
        f"{API}/moderation/queue/{world.item.pk}/support/",
        {"text": "We are here, take your time."},
        format="json",
    )
    assert response.status_code == 201
    assert "We are here, take your time." in html(page(world.author).get("/me/moderation/support/"))
    listed = api_client(world.author).get(f"{API}/me/support-messages/").json()
    assert [row["text"] for row in listed["results"]] == ["We are here, take your time."]
