"""The forum REST door: reactions, follows, editing and deleting, moderation (lock, pin,
remove, earlier versions), reports, pagination and notifications."""

from __future__ import annotations

import pytest

from community.models import Notification, Post, Reaction, Subscription, Thread
from moderation.models import ContentRevision, ContentStatus, ModerationAction, Report
from moderation.services import REPORTS_PER_HOUR
from tests.community.test_forum_api import (
    API,
    client_for,
    make_post,
    make_thread,
    post_url,
    send,
    thread_url,
    threads_url,
    world_fixture,  # noqa: F401 (the `world` fixture)
)
from tests.factories import MemberFactory
from tests.moderation.conftest import URGENT_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def public(world):
    return world.categories["public"]


@pytest.fixture
def thread(world, public):
    return make_thread(public, world.author, title="Left on read", body="What helps you wait?")


@pytest.fixture
def reply(world, thread):
    return make_post(thread, world.people["group_member"], body="I go for a walk.")


@pytest.fixture
def member(world):
    return world.people["member"]


@pytest.fixture
def moderator(world):
    return world.people["moderator"]


def counts(data) -> dict:
    return {row["kind"]: (row["count"], row["mine"]) for row in data["reactions"]}


# --- reactions --------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["thread", "reply"])
def test_reacting_twice_is_harmless_and_taking_it_back_twice_too(
    world, member, thread, reply, target
):
    url = (
        thread_url(thread, "reactions/hug/")
        if target == "thread"
        else post_url(reply, "reactions/hug/")
    )
    client = client_for(member)
    first = send(client, "put", url)
    second = send(client, "put", url)
    assert first.status_code == second.status_code == 200
    assert counts(first.json())["hug"] == counts(second.json())["hug"] == (1, True)
    assert set(counts(first.json())) == {"hug", "me_too", "thank_you", "proud"}
    assert Reaction.objects.count() == 1
    detail_url = thread_url(thread) if target == "thread" else post_url(reply)
    seen_by_other = client_for(world.people["moderator"]).get(detail_url).json()
    assert counts(seen_by_other)["hug"] == (1, False)
    for _ in range(2):
        taken_back = send(client, "delete", url)
        assert taken_back.status_code == 200
        assert counts(taken_back.json())["hug"] == (0, False)
    assert not Reaction.objects.exists()


def test_an_unknown_reaction_is_400_with_the_choices(member, thread, reply):
    client = client_for(member)
    for url in (thread_url(thread, "reactions/angry/"), post_url(reply, "reactions/x/")):
        for method in ("put", "delete"):
            response = send(client, method, url)
            assert response.status_code == 400
            assert response.json()["code"] == "refused"
            assert "Proud of you" in response.json()["detail"]
    assert not Reaction.objects.exists()


def test_nobody_reacts_to_their_own_words(world, thread, reply):
    for person, url in [
        (world.author, thread_url(thread, "reactions/proud/")),
        (world.people["group_member"], post_url(reply, "reactions/proud/")),
    ]:
        response = send(client_for(person), "put", url)
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Reactions are for other people's posts.",
            "code": "permission_denied",
        }
    assert not Reaction.objects.exists()
    own = client_for(world.author).get(thread_url(thread)).json()
    assert own["may_react"] is False
    assert own["reactions"] == []  # nothing given yet, and no buttons to offer


def test_reactions_on_an_item_the_reader_cannot_see_are_404(world, thread):
    held = make_post(thread, world.author, status=ContentStatus.HELD)
    response = send(client_for(world.people["member"]), "put", post_url(held, "reactions/hug/"))
    assert response.status_code == 404


# --- follows ----------------------------------------------------------------------------------


def test_following_and_unfollowing_are_idempotent(member, thread):
    client = client_for(member)
    for _ in range(2):
        assert send(client, "put", thread_url(thread, "follow/")).json() == {"subscribed": True}
    assert Subscription.objects.filter(member=member, thread=thread).count() == 1
    assert client.get(thread_url(thread)).json()["subscribed"] is True
    for _ in range(2):
        assert send(client, "delete", thread_url(thread, "follow/")).json() == {"subscribed": False}
    assert client.get(thread_url(thread)).json()["subscribed"] is False


# --- editing and deleting ---------------------------------------------------------------------


def test_the_author_edits_a_thread_and_missing_fields_keep_their_values(world, thread):
    Thread.objects.filter(pk=thread.pk).update(content_warning="waiting")
    client = client_for(world.author)
    response = send(client, "patch", thread_url(thread), {"body": "What helps *you* wait?"})
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Left on read"
    assert data["content_warning"] == "waiting"
    assert "<em>you</em>" in data["body_html"]
    assert data["body"] == "What helps *you* wait?"
    assert data["edited_at"] is not None
    assert data["held"] is False
    response = send(client, "patch", thread_url(thread), {"title": "Still waiting"})
    assert response.json()["title"] == "Still waiting"
    assert response.json()["body"] == "What helps *you* wait?"
    assert ContentRevision.objects.count() == 2


def test_an_edit_that_turns_urgent_is_held_with_a_signpost(world, thread):
    response = send(client_for(world.author), "patch", thread_url(thread), {"body": URGENT_TEXT})
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "held"
    assert data["held_notice"]
    assert data["signpost"]["tier"] == "urgent"
    assert client_for(world.people["member"]).get(thread_url(thread)).status_code == 404


def test_a_refused_edit_changes_nothing(world, thread):
    response = send(client_for(world.author), "patch", thread_url(thread), {"body": " "})
    assert response.status_code == 400
    assert response.json()["code"] == "empty"
    thread.refresh_from_db()
    assert thread.body == "What helps you wait?"
    assert not ContentRevision.objects.exists()


@pytest.mark.parametrize("role", ["member", "group_member", "moderator"])
def test_only_the_author_edits_or_deletes(world, thread, reply, role):
    client = client_for(world.people[role])
    mine = role == "group_member"  # wrote the reply
    assert send(client, "patch", thread_url(thread), {"body": "Mine now"}).status_code == 403
    assert send(client, "delete", thread_url(thread)).status_code == 403
    assert send(client, "patch", post_url(reply), {"body": "Edited"}).status_code == (
        200 if mine else 403
    )
    thread.refresh_from_db()
    assert thread.body == "What helps you wait?"


def test_edits_refuse_wrong_types(world, thread, reply):
    client = client_for(world.author)
    assert "title" in send(client, "patch", thread_url(thread), {"title": 3}).json()["fields"]
    assert "body" in send(client, "patch", thread_url(thread), {"body": False}).json()["fields"]
    other = client_for(world.people["group_member"])
    response = send(other, "patch", post_url(reply), {"content_warning": []})
    assert "content_warning" in response.json()["fields"]


def test_a_reply_edit_keeps_the_content_warning_and_the_history(world, reply, moderator):
    client = client_for(world.people["group_member"])
    send(client, "patch", post_url(reply), {"content_warning": "loss"})
    response = send(client, "patch", post_url(reply), {"body": "I go for a long walk."})
    data = response.json()
    assert data["content_warning"] == "loss"
    assert data["body"] == "I go for a long walk."
    history = client_for(moderator).get(post_url(reply, "revisions/")).json()
    assert [row["body"] for row in history] == ["I go for a walk.", "I go for a walk."]
    assert [row["content_warning"] for row in history] == ["loss", ""]
    assert history[0]["editor"] == "Gus Groupie"
    assert client.get(post_url(reply, "revisions/")).status_code == 404


def test_a_deleted_thread_shows_as_deleted_without_its_text(world, thread, moderator):
    client = client_for(world.author)
    assert send(client, "delete", thread_url(thread)).status_code == 204
    # Deleting again (a double click, a retry) is the same as once.
    assert send(client, "delete", thread_url(thread)).status_code == 204
    other = client_for(world.people["member"])
    assert send(other, "delete", thread_url(thread)).status_code == 403
    seen = client_for(world.people["member"]).get(thread_url(thread)).json()
    assert seen["status"] == "deleted"
    assert seen["notice"] == "Deleted by its author."
    assert seen["body_html"] is None
    assert seen["may_reply"] is False
    listed = client_for(world.people["member"]).get(threads_url(thread.category)).json()
    assert listed["count"] == 0
    assert client_for(moderator).get(thread_url(thread)).json()["body_html"]


def test_a_deleted_reply_stays_in_place_without_its_text(world, thread, reply):
    assert (
        send(client_for(world.people["group_member"]), "delete", post_url(reply)).status_code == 204
    )
    replies = client_for(world.people["member"]).get(thread_url(thread, "posts/")).json()
    assert [(r["id"], r["status"], r["body_html"]) for r in replies["results"]] == [
        (reply.pk, "deleted", None)
    ]


# --- moderation -------------------------------------------------------------------------------


def test_lock_and_pin(world, thread, moderator, public):
    other = make_thread(public, world.author, title="Newer")
    client = client_for(moderator)
    locked = send(client, "post", thread_url(thread, "lock/"), {"locked": True})
    assert locked.status_code == 200
    assert locked.json()["is_locked"] is True
    pinned = send(client, "post", thread_url(thread, "pin/"), {"pinned": True}).json()
    assert pinned["is_pinned"] is True
    listed = client_for(None).get(threads_url(public)).json()["results"]
    assert [row["id"] for row in listed] == [thread.pk, other.pk]
    assert listed[0]["is_pinned"] and listed[0]["is_locked"]
    send(client, "post", thread_url(thread, "lock/"), {"locked": False})
    send(client, "post", thread_url(thread, "lock/"), {"locked": False})
    assert not Thread.objects.get(pk=thread.pk).is_locked
    verbs = list(ModerationAction.objects.values_list("verb", flat=True).order_by("pk"))
    assert verbs.count("thread_locked") == 2  # locking, then opening once (the repeat is a no-op)


@pytest.mark.parametrize("body", [{}, {"locked": "maybe"}, {"locked": None}, {"pinned": True}])
def test_lock_needs_a_true_or_false(thread, moderator, body):
    response = send(client_for(moderator), "post", thread_url(thread, "lock/"), body)
    assert response.status_code == 400
    assert "locked" in response.json()["fields"]


def test_removing_tells_the_author_why_and_hides_it_from_others(world, thread, reply, moderator):
    client = client_for(moderator)
    response = send(client, "post", post_url(reply, "remove/"), {"reason": "Names a person."})
    assert response.status_code == 200
    assert response.json()["status"] == "removed"
    assert client_for(world.people["member"]).get(post_url(reply)).status_code == 404
    seen_by_author = client_for(world.people["group_member"]).get(post_url(reply)).json()
    assert seen_by_author["notice"] == "Removed by a moderator: Names a person."
    again = send(client, "post", post_url(reply, "remove/"), {"reason": "Again."})
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert again.json()["detail"] == "This has already been taken down."


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": 5}])
def test_removing_needs_a_reason(thread, moderator, body):
    response = send(client_for(moderator), "post", thread_url(thread, "remove/"), body)
    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    assert Thread.objects.get(pk=thread.pk).status == ContentStatus.PUBLISHED


def test_removing_a_thread_hides_it_and_its_replies(world, thread, reply, moderator):
    send(client_for(moderator), "post", thread_url(thread, "remove/"), {"reason": "Spam."})
    member = client_for(world.people["member"])
    assert member.get(thread_url(thread)).status_code == 404
    assert member.get(post_url(reply)).status_code == 404
    assert member.get(thread_url(thread, "posts/")).status_code == 404


# --- reports ----------------------------------------------------------------------------------


def test_a_report_is_accepted_once(member, thread, reply):
    client = client_for(member)
    response = send(client, "post", thread_url(thread, "report/"), {"reason": "harassment"})
    assert response.status_code == 201
    assert response.json()["reason"] == "harassment"
    assert response.json()["detail"]
    again = send(client, "post", thread_url(thread, "report/"), {"reason": "spam", "note": "x"})
    assert again.status_code == 409
    assert again.json()["code"] == "already_reported"
    assert (
        send(client, "post", post_url(reply, "report/"), {"reason": "self_harm"}).status_code == 201
    )
    assert Report.objects.count() == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "reason"),
        ({"reason": "rude"}, "reason"),
        ({"reason": 4}, "reason"),
        ({"reason": "other", "note": "n" * 1001}, "note"),
        ({"reason": "other", "note": 12}, "note"),
    ],
)
def test_a_report_with_bad_fields_is_400(member, thread, body, field):
    response = send(client_for(member), "post", thread_url(thread, "report/"), body)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Report.objects.exists()


def test_nobody_reports_their_own_words(world, thread):
    response = send(
        client_for(world.author), "post", thread_url(thread, "report/"), {"reason": "spam"}
    )
    assert response.status_code == 403
    assert "your own" in response.json()["detail"]


def test_many_reports_in_an_hour_are_429_with_retry_after(
    world, member, public, django_capture_on_commit_callbacks
):
    client = client_for(member)
    threads = [
        make_thread(public, world.author, title=f"T{n}") for n in range(REPORTS_PER_HOUR + 1)
    ]
    for item in threads[:-1]:
        # The report counts once it is stored: on commit.
        with django_capture_on_commit_callbacks(execute=True):
            response = send(client, "post", thread_url(item, "report/"), {"reason": "spam"})
        assert response.status_code == 201
    response = send(client, "post", thread_url(threads[-1], "report/"), {"reason": "self_harm"})
    assert response.status_code == 429
    data = response.json()
    assert data["code"] == "rate_limited"
    assert int(response["Retry-After"]) == data["retry_after"] > 0
    assert "emergency" in data["detail"]


# --- pagination -------------------------------------------------------------------------------


def test_thread_pages_link_to_each_other(world, public):
    for n in range(26):
        make_thread(public, world.author, title=f"Thread {n}")
    client = client_for(None)
    first = client.get(threads_url(public)).json()
    assert first["count"] == 26
    assert len(first["results"]) == 25
    assert first["previous"] is None
    assert first["next"] == f"http://testserver{threads_url(public)}?page=2"
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert second["previous"] == f"http://testserver{threads_url(public)}"
    assert client.get(threads_url(public), {"page": 3}).status_code == 404


def test_reply_pages_hold_twenty_oldest_first(world, thread):
    replies = [make_post(thread, world.author, body=f"Reply {n}") for n in range(21)]
    client = client_for(None)
    first = client.get(thread_url(thread, "posts/")).json()
    assert [row["id"] for row in first["results"]] == [post.pk for post in replies[:20]]
    second = client.get(thread_url(thread, "posts/"), {"page": 2}).json()
    assert [row["id"] for row in second["results"]] == [replies[20].pk]
    assert second["previous"].endswith("/posts/")
    assert client.get(thread_url(thread)).json()["reply_count"] == 21
    assert client.get(post_url(replies[20])).json()["id"] == replies[20].pk


def test_an_empty_category_has_one_empty_page(public):
    data = client_for(None).get(threads_url(public)).json()
    assert data == {"count": 0, "next": None, "previous": None, "results": []}


# --- notifications ----------------------------------------------------------------------------


@pytest.fixture
def notified(world, member, thread, django_capture_on_commit_callbacks):
    """The member follows the thread; two others reply (one anonymously)."""
    send(client_for(member), "put", thread_url(thread, "follow/"))
    for person, anonymous in [(world.author, False), (world.people["group_member"], True)]:
        with django_capture_on_commit_callbacks(execute=True):
            response = send(
                client_for(person),
                "post",
                thread_url(thread, "posts/"),
                {"body": "Breathing helps me.", "is_anonymous": anonymous},
            )
        assert response.status_code == 201
    return Notification.objects.filter(recipient=member).order_by("pk")


def test_followers_are_told_of_replies(world, member, thread, notified):
    client = client_for(member)
    assert client.get(f"{API}/notifications/unread-count/").json() == {"unread": 2}
    data = client.get(f"{API}/notifications/").json()
    assert data["count"] == 2
    newest, oldest = data["results"]
    assert newest["author_label"] == "Anonymous member"
    assert oldest["author_label"] == "Ari Author"
    assert oldest["thread"] == {"id": thread.pk, "title": "Left on read"}
    assert oldest["post"] == Post.objects.filter(author=world.author).get().pk
    assert oldest["kind"] == "reply"
    assert oldest["unread"] is True
    # The authors of the replies follow the thread now, but are not told of their own words.
    assert client_for(world.author).get(f"{API}/notifications/").json()["count"] == 1


def test_marking_notifications_read(world, member, notified):
    client = client_for(member)
    first, second = notified
    url = f"{API}/notifications/read/"
    assert send(client, "post", url, {"ids": [first.pk]}).json() == {"marked": 1}
    assert send(client, "post", url, {"ids": [first.pk]}).json() == {"marked": 0}
    assert client.get(f"{API}/notifications/unread-count/").json() == {"unread": 1}
    # Someone else's ids mark nothing.
    assert send(client_for(world.author), "post", url, {"ids": [second.pk]}).json() == {"marked": 0}
    assert send(client, "post", url, {"ids": []}).json() == {"marked": 0}
    assert send(client, "post", url, {}).json() == {"marked": 1}
    assert client.get(f"{API}/notifications/unread-count/").json() == {"unread": 0}
    results = client.get(f"{API}/notifications/").json()["results"]
    assert [row["unread"] for row in results] == [False, False]


@pytest.mark.parametrize(
    "body",
    [
        {"ids": "1"},
        {"ids": ["x"]},
        {"ids": [0]},
        {"ids": [2**63]},
        {"ids": None},
        {"ids": list(range(1, 502))},
        {"ids": [{"id": 1}]},
    ],
)
def test_marking_read_refuses_junk_ids(member, notified, body):
    response = send(client_for(member), "post", f"{API}/notifications/read/", body)
    assert response.status_code == 400
    assert "ids" in response.json()["fields"]
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 2


def test_notifications_need_an_account(db):
    client = client_for(None)
    for method, url in [
        ("get", f"{API}/notifications/"),
        ("get", f"{API}/notifications/unread-count/"),
        ("post", f"{API}/notifications/read/"),
    ]:
        response = send(client, method, url, {} if method == "post" else None)
        assert response.status_code == 403
        assert response.json()["code"] == "not_authenticated"


def test_a_notification_of_a_reply_removed_since_disappears(member, notified, moderator):
    reply = notified.first().post
    send(client_for(moderator), "post", post_url(reply, "remove/"), {"reason": "Spam."})
    client = client_for(member)
    assert client.get(f"{API}/notifications/unread-count/").json() == {"unread": 1}
    assert [row["post"] for row in client.get(f"{API}/notifications/").json()["results"]] == [
        notified.last().post_id
    ]


# --- categories -------------------------------------------------------------------------------


def test_a_category_says_whether_you_may_post(world, public):
    url = f"{API}/forums/categories/{public.slug}/"
    assert client_for(None).get(url).json()["may_post"] is False
    member_view = client_for(world.people["member"]).get(url).json()
    assert member_view["may_post"] is True
    assert member_view["moderating"] is False
    assert client_for(world.people["moderator"]).get(url).json()["moderating"] is True
    group = (
        client_for(world.people["group_member"])
        .get(f"{API}/forums/categories/{world.categories['group'].slug}/")
        .json()
    )
    assert group["visibility"] == "group"
    assert group["group"] == "secure-base"


def test_search_hides_snippets_behind_a_content_warning(world, public):
    make_thread(
        public, world.author, title="About loss", body="zqgrief words", content_warning="grief"
    )
    hit = client_for(None).get(f"{API}/forums/search/", {"q": "zqgrief"}).json()["results"][0]
    assert hit["snippet"] == ""
    assert hit["content_warning"] == "grief"
    assert hit["post"] is None


def test_a_brand_new_members_link_waits_for_review(public):
    newcomer = MemberFactory(pseudonym="New Person")
    client = client_for(newcomer)
    plain = send(client, "post", threads_url(public), {"title": "Hi", "body": "Hello all"})
    assert plain.json()["status"] == "published"
    linked = send(
        client, "post", threads_url(public), {"title": "Look", "body": "https://example.org/x"}
    )
    assert linked.status_code == 201
    assert linked.json()["status"] == "held"
    assert linked.json()["held_notice"]
    assert client_for(None).get(thread_url(Thread.objects.get(title="Look"))).status_code == 404
