"""The forum REST door under /api/v1/: who may read and write what (visitor, member, former
group member, group member, moderator on public, members-only and group categories), with no
leak through lists, details, search or notifications; anonymous posting; the pipeline's
held, refused and signposted answers; and bad input that must give 400/404/413, never 500.

Shared helpers and fixtures for tests/community/test_forum_api_*.py live here."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from community.forum_services import category_for_group
from community.models import Category, Notification, Post, Thread
from groups.models import Membership
from moderation.models import ContentStatus, QueueItem
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import CONCERN_TEXT, EVERYDAY_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db

API = "/api/v1"
ROLES = ["visitor", "member", "ex_group_member", "group_member", "moderator"]
VISIBILITIES = ["public", "members", "group"]
READERS = {
    "public": set(ROLES),
    "members": {"member", "ex_group_member", "group_member", "moderator"},
    "group": {"group_member", "moderator"},
}


# --- helpers shared by the forum API tests ----------------------------------------------------


def settled(**extra):
    """A member who joined a month ago, so new-member rules don't hold their posts."""
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **extra)


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def send(client, method, url, body=None, **extra):
    """A JSON request; `body` may be a str to send as it is."""
    call = getattr(client, method)
    if body is None:
        return call(url, **extra)
    data = body if isinstance(body, str) else json.dumps(body)
    return call(url, data=data, content_type="application/json", **extra)


def make_thread(category, author, *, title="A thread", body="Some words", **fields) -> Thread:
    """A thread written straight to the table (the pipeline is tested through the API)."""
    fields.setdefault("status", ContentStatus.PUBLISHED)
    return Thread.objects.create(
        category=category,
        author=author,
        title=title,
        body=body,
        body_html=f"<p>{body}</p>",
        **fields,
    )


def make_post(thread, author, *, body="A reply", **fields) -> Post:
    fields.setdefault("status", ContentStatus.PUBLISHED)
    return Post.objects.create(
        thread=thread, author=author, body=body, body_html=f"<p>{body}</p>", **fields
    )


def thread_url(thread, suffix: str = "") -> str:
    return f"{API}/forums/threads/{thread.pk}/{suffix}"


def post_url(post, suffix: str = "") -> str:
    return f"{API}/forums/posts/{post.pk}/{suffix}"


def threads_url(category) -> str:
    return f"{API}/forums/categories/{category.slug}/threads/"


def keys_and_values(data):
    """Every (key, value) pair anywhere in a JSON document."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield key, value
            yield from keys_and_values(value)
    elif isinstance(data, list):
        for value in data:
            yield from keys_and_values(value)


@pytest.fixture(name="world")
def world_fixture(db):
    """A group with its forum, the two built-in public/members categories, and one person for
    each role. The author belongs to the group, so can write everywhere."""
    group = GroupFactory(name="Secure base circle", slug="secure-base")
    author = settled(pseudonym="Ari Author")
    MembershipFactory(group=group, member=author)
    people = {
        "visitor": None,
        "member": settled(pseudonym="Mel Member"),
        "ex_group_member": settled(pseudonym="Eli Former"),
        "group_member": settled(pseudonym="Gus Groupie"),
        "moderator": settled(pseudonym="Mo Moderator", is_moderator=True, is_staff=True),
    }
    MembershipFactory(group=group, member=people["group_member"])
    MembershipFactory(group=group, member=people["ex_group_member"], state=Membership.State.LEFT)
    categories = {
        "public": Category.objects.get(slug="understanding-attachment"),
        "members": Category.objects.get(slug="dating-and-relationships"),
        "group": category_for_group(group),
    }
    return SimpleNamespace(group=group, author=author, people=people, categories=categories)


# --- who may read what ------------------------------------------------------------------------


@pytest.fixture
def seeded(world):
    """In each category: a published thread with a published reply, and a held thread and a
    held reply that only their author and moderators may see."""
    rows = {}
    for visibility, category in world.categories.items():
        thread = make_thread(
            category, world.author, title=f"Open {visibility} thread", body=f"zq{visibility} words"
        )
        reply = make_post(thread, world.author, body=f"reply zq{visibility}reply")
        held_thread = make_thread(
            category,
            world.author,
            title=f"Waiting {visibility} thread",
            body=f"zqheld{visibility}",
            status=ContentStatus.HELD,
        )
        held_reply = make_post(
            thread, world.author, body=f"zqheldreply{visibility}", status=ContentStatus.HELD
        )
        rows[visibility] = SimpleNamespace(
            category=category,
            thread=thread,
            reply=reply,
            held_thread=held_thread,
            held_reply=held_reply,
        )
    return rows


@pytest.mark.parametrize("role", ROLES)
def test_the_category_list_shows_only_readable_categories(world, seeded, role):
    response = client_for(world.people[role]).get(f"{API}/forums/categories/")
    assert response.status_code == 200
    slugs = {row["slug"] for row in response.json()}
    for visibility, category in world.categories.items():
        assert (category.slug in slugs) == (role in READERS[visibility])
    listed = {row["slug"]: row for row in response.json()}
    public = listed["understanding-attachment"]
    assert public["thread_count"] == 1  # held threads are not counted
    assert public["visibility"] == "public"
    assert public["threads_url"] == f"{API}/forums/categories/understanding-attachment/threads/"


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_reading_endpoints_answer_404_to_anyone_who_may_not_read(world, seeded, role, visibility):
    row = seeded[visibility]
    client = client_for(world.people[role])
    expected = 200 if role in READERS[visibility] else 404
    urls = [
        f"{API}/forums/categories/{row.category.slug}/",
        threads_url(row.category),
        thread_url(row.thread),
        thread_url(row.thread, "posts/"),
        post_url(row.reply),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == expected, url
        if expected == 404:
            assert response.json()["code"] == "not_found"
            assert "zq" not in response.content.decode()


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_held_items_are_seen_by_their_author_and_moderators_only(world, seeded, role, visibility):
    row = seeded[visibility]
    client = client_for(world.people[role])
    sees_held = role == "moderator"
    for url in (thread_url(row.held_thread), post_url(row.held_reply)):
        assert client.get(url).status_code == (200 if sees_held else 404)
    if role not in READERS[visibility]:
        return
    listed = client.get(threads_url(row.category)).json()
    titles = {item["title"] for item in listed["results"]}
    assert row.thread.title in titles
    assert (row.held_thread.title in titles) == sees_held
    replies = client.get(thread_url(row.thread, "posts/")).json()
    assert [item["id"] for item in replies["results"]] == (
        [row.reply.pk, row.held_reply.pk] if sees_held else [row.reply.pk]
    )
    detail = client.get(thread_url(row.thread)).json()
    assert detail["reply_count"] == (2 if sees_held else 1)


def test_the_author_sees_their_own_held_items_marked_awaiting_review(world, seeded):
    client = client_for(world.author)
    for row in seeded.values():
        thread = client.get(thread_url(row.held_thread)).json()
        assert thread["status"] == "held"
        assert thread["notice"].startswith("Awaiting review")
        assert thread["body_html"] == f"<p>zqheld{row.category.visibility}</p>"
        reply = client.get(post_url(row.held_reply)).json()
        assert reply["status"] == "held"
        listed = client.get(threads_url(row.category)).json()["results"]
        assert {item["status"] for item in listed} == {"published", "held"}


@pytest.mark.parametrize("role", ROLES)
def test_search_finds_only_what_the_reader_may_read(world, seeded, role):
    client = client_for(world.people[role])
    for visibility, row in seeded.items():
        for words in (f"zq{visibility}", f"zq{visibility}reply"):
            response = client.get(f"{API}/forums/search/", {"q": words})
            assert response.status_code == 200
            hits = response.json()["results"]
            expected = role in READERS[visibility]
            assert bool(hits) == expected, (visibility, words)
            if expected:
                assert hits[0]["thread"] == row.thread.pk
                assert hits[0]["url"] == thread_url(row.thread)
        # Held items are never found, not even by moderators or their author.
        for words in (f"zqheld{visibility}", f"zqheldreply{visibility}"):
            assert client.get(f"{API}/forums/search/", {"q": words}).json()["count"] == 0


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_writing_endpoints_follow_the_role_matrix(world, seeded, role, visibility):
    row = seeded[visibility]
    person = world.people[role]
    client = client_for(person)
    reads = role in READERS[visibility]

    def expect(ok: int) -> int:
        if person is None:
            return 403
        return ok if reads else 404

    attempts = [
        ("post", threads_url(row.category), {"title": "Hello", "body": EVERYDAY_TEXT}, 201),
        ("post", thread_url(row.thread, "posts/"), {"body": "Same here."}, 201),
        ("put", thread_url(row.thread, "reactions/hug/"), None, 200),
        ("put", post_url(row.reply, "reactions/me_too/"), None, 200),
        ("put", thread_url(row.thread, "follow/"), None, 200),
        ("delete", thread_url(row.thread, "follow/"), None, 200),
        ("post", thread_url(row.thread, "report/"), {"reason": "spam"}, 201),
        ("post", post_url(row.reply, "report/"), {"reason": "other", "note": "odd"}, 201),
    ]
    for method, url, body, ok in attempts:
        response = send(client, method, url, body)
        assert response.status_code == expect(ok), (method, url, response.content)
        if person is None:
            assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("role", ROLES)
def test_moderation_endpoints_are_for_moderators(world, seeded, role, visibility):
    row = seeded[visibility]
    person = world.people[role]
    client = client_for(person)
    reads = role in READERS[visibility]
    moderating = role == "moderator"
    for method, url, body in [
        ("post", thread_url(row.thread, "lock/"), {"locked": True}),
        ("post", thread_url(row.thread, "pin/"), {"pinned": True}),
        ("post", post_url(row.reply, "remove/"), {"reason": "Shares a private detail."}),
        ("post", thread_url(row.thread, "remove/"), {"reason": "Off topic here."}),
    ]:
        response = send(client, method, url, body)
        if moderating:
            assert response.status_code == 200, url
        elif person is None:
            assert response.status_code == 403
        else:
            assert response.status_code == (403 if reads else 404), url
    for url in (thread_url(row.thread, "revisions/"), post_url(row.reply, "revisions/")):
        assert client.get(url).status_code == (200 if moderating else 404)


def test_a_group_facilitator_moderates_the_group_forum_only(world, seeded):
    facilitator = settled(pseudonym="Fay Facilitator")
    MembershipFactory(group=world.group, member=facilitator, role=Membership.Role.FACILITATOR)
    client = client_for(facilitator)
    group_thread = seeded["group"].thread
    public_thread = seeded["public"].thread
    assert send(client, "post", thread_url(group_thread, "lock/"), {"locked": True}).json()[
        "is_locked"
    ]
    assert client.get(thread_url(group_thread)).json()["may_lock_or_pin"] is True
    response = send(client, "post", thread_url(public_thread, "lock/"), {"locked": True})
    assert response.status_code == 403
    assert response.json()["detail"] == "Only moderators can lock or pin threads."


def test_a_member_who_leaves_the_group_loses_its_forum_and_its_notifications(
    world, seeded, django_capture_on_commit_callbacks
):
    groupie = world.people["group_member"]
    thread = seeded["group"].thread
    client = client_for(groupie)
    assert send(client, "put", thread_url(thread, "follow/")).json() == {"subscribed": True}
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client_for(world.author), "post", thread_url(thread, "posts/"), {"body": "zqnews"}
        )
    assert response.status_code == 201
    assert client.get(f"{API}/notifications/unread-count/").json() == {"unread": 1}
    Membership.objects.filter(group=world.group, member=groupie).update(state=Membership.State.LEFT)
    assert client.get(f"{API}/notifications/unread-count/").json() == {"unread": 0}
    listed = client.get(f"{API}/notifications/").json()
    assert listed["count"] == 0
    assert "zq" not in json.dumps(listed)
    assert client.get(thread_url(thread)).status_code == 404
    assert client.get(f"{API}/forums/search/", {"q": "zqnews"}).json()["count"] == 0


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_private_and_missing_things_get_the_same_answer(world, seeded, role):
    client = client_for(world.people[role])
    private = seeded["group"]
    missing = {
        "detail": "We couldn't find that. It may have been removed, or it may be private.",
        "code": "not_found",
    }
    assert client.get(thread_url(private.thread)).json() == missing
    assert client.get(f"{API}/forums/threads/999999/").json() == missing
    assert (
        client.get(threads_url(private.category)).json()
        == client.get(f"{API}/forums/categories/no-such-place/threads/").json()
    )


# --- anonymous posting ------------------------------------------------------------------------


@pytest.fixture
def anonymous(world, django_capture_on_commit_callbacks):
    """A thread and a reply posted anonymously by Zephyr, a follower notified of the reply."""
    zephyr = settled(pseudonym="Zephyr Quill")
    category = world.categories["public"]
    client = client_for(zephyr)
    created = send(
        client,
        "post",
        threads_url(category),
        {"title": "Hard to say", "body": "zqanon I keep checking my phone.", "is_anonymous": True},
    )
    assert created.status_code == 201
    thread = Thread.objects.get(pk=created.json()["id"])
    follower = world.people["member"]
    send(client_for(follower), "put", thread_url(thread, "follow/"))
    with django_capture_on_commit_callbacks(execute=True):
        replied = send(
            client,
            "post",
            thread_url(thread, "posts/"),
            {"body": "zqanon reply, still anonymous", "is_anonymous": True},
        )
    assert replied.status_code == 201
    reply = Post.objects.get(pk=replied.json()["id"])
    assert Notification.objects.filter(recipient=follower, post=reply).exists()
    return SimpleNamespace(author=zephyr, thread=thread, reply=reply, follower=follower)


def anonymous_urls(anonymous) -> list[str]:
    category = anonymous.thread.category
    return [
        threads_url(category),
        thread_url(anonymous.thread),
        thread_url(anonymous.thread, "posts/"),
        post_url(anonymous.reply),
        f"{API}/forums/search/?q=zqanon",
    ]


@pytest.mark.parametrize("role", ["visitor", "member", "group_member"])
def test_other_people_never_receive_an_anonymous_authors_name(world, anonymous, role):
    person = world.people[role]
    client = client_for(person)
    urls = anonymous_urls(anonymous)
    if person is not None:
        urls.append(f"{API}/notifications/")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Zephyr" not in text, url
        assert "Quill" not in text, url
        for key, value in keys_and_values(response.json()):
            if key == "author":
                assert value is None, url
            if key == "author_label":
                assert value == "Anonymous member", url
            assert "author_id" not in key
    if person is anonymous.follower:
        notes = client.get(f"{API}/notifications/").json()["results"]
        assert [note["author_label"] for note in notes] == ["Anonymous member"]


def test_moderators_see_who_posted_anonymously(world, anonymous):
    client = client_for(world.people["moderator"])
    detail = client.get(thread_url(anonymous.thread)).json()
    assert detail["author"] == "Zephyr Quill"
    assert detail["author_label"] == "Zephyr Quill (posted anonymously)"
    assert detail["is_anonymous"] is True
    reply = client.get(post_url(anonymous.reply)).json()
    assert reply["author"] == "Zephyr Quill"
    listed = client.get(threads_url(anonymous.thread.category)).json()["results"]
    assert listed[0]["author"] == "Zephyr Quill"


def test_the_anonymous_author_sees_themselves(anonymous):
    client = client_for(anonymous.author)
    detail = client.get(thread_url(anonymous.thread)).json()
    assert detail["author_label"] == "You (anonymous to others)"
    assert detail["may_edit"] is True
    assert detail["body"] == "zqanon I keep checking my phone."


# --- the pipeline through this door -----------------------------------------------------------


@pytest.fixture
def writer(world):
    return world.people["member"]


@pytest.fixture
def public(world):
    return world.categories["public"]


def test_starting_a_thread_returns_it_as_its_author_sees_it(writer, public):
    response = send(
        client_for(writer),
        "post",
        threads_url(public),
        {
            "title": "  Waiting  for a reply ",
            "body": "**Breathing** helps.",
            "content_warning": "x",
        },
    )
    assert response.status_code == 201
    data = response.json()
    thread = Thread.objects.get(pk=data["id"])
    assert data["title"] == "Waiting for a reply" == thread.title
    assert data["status"] == "published"
    assert data["held"] is False
    assert data["held_notice"] == ""
    assert data["signpost"] is None
    assert data["body_html"].strip() == "<p><strong>Breathing</strong> helps.</p>"
    assert data["author"] == data["author_label"] == "Mel Member"
    assert data["category"] == public.slug
    assert data["content_warning"] == "x"
    assert data["subscribed"] is True  # authors follow their own threads
    assert data["may_edit"] and data["may_delete"] and data["may_reply"]
    assert not data["may_react"] and not data["may_report"]
    assert data["posts_url"] == thread_url(thread, "posts/")


def test_a_concern_text_is_published_with_a_signpost(writer, public):
    response = send(
        client_for(writer), "post", threads_url(public), {"title": "Tired", "body": CONCERN_TEXT}
    )
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "published"
    assert data["held"] is False
    assert data["signpost"]["tier"] == "concern"
    assert data["signpost"]["text"]
    assert client_for(None).get(thread_url(Thread.objects.get())).status_code == 200


@pytest.mark.parametrize("where", ["thread", "reply"])
def test_an_urgent_text_is_held_with_a_signpost_never_refused(world, writer, public, where):
    client = client_for(writer)
    if where == "thread":
        response = send(client, "post", threads_url(public), {"title": "Bye", "body": URGENT_TEXT})
        url = thread_url(Thread.objects.get(pk=response.json()["id"]))
    else:
        thread = make_thread(public, world.author)
        response = send(client, "post", thread_url(thread, "posts/"), {"body": URGENT_TEXT})
        url = post_url(Post.objects.get(pk=response.json()["id"]))
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "held"
    assert data["held"] is True
    assert data["held_notice"].startswith("Thank you. A moderator will read this")
    assert data["signpost"]["tier"] == "urgent"
    assert data["signpost"]["resources"]
    assert QueueItem.objects.filter(object_id=data["id"]).exists()
    assert client.get(url).json()["status"] == "held"
    assert client_for(world.people["group_member"]).get(url).status_code == 404
    assert client_for(world.people["moderator"]).get(url).status_code == 200


@pytest.mark.parametrize(
    "payload, code",
    [
        ({"title": "Hi", "body": ""}, "empty"),
        ({"title": "Hi", "body": "  \n "}, "empty"),
        ({"title": "", "body": "Words"}, "empty"),
        ({"title": "Hi", "body": "x" * 20_001}, "too_long"),
        ({"title": "x" * 151, "body": "Words"}, "too_long"),
    ],
)
def test_refused_texts_say_why_and_store_nothing(writer, public, payload, code):
    response = send(client_for(writer), "post", threads_url(public), payload)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == code
    assert data["detail"]
    assert not Thread.objects.exists()


def test_a_reply_of_exactly_the_limit_is_accepted(world, writer, public):
    thread = make_thread(public, world.author)
    response = send(
        client_for(writer), "post", thread_url(thread, "posts/"), {"body": "x" * 20_000}
    )
    assert response.status_code == 201


def test_posting_too_fast_is_429_with_retry_after(writer, public, clock):
    client = client_for(writer)
    for n in range(5):
        body = {"title": f"Thread {n}", "body": "Words"}
        assert send(client, "post", threads_url(public), body).status_code == 201
    response = send(client, "post", threads_url(public), {"title": "More", "body": "Words"})
    assert response.status_code == 429
    data = response.json()
    assert data["code"] == "rate_limited"
    assert int(response["Retry-After"]) == data["retry_after"] > 0
    clock.advance(data["retry_after"] + 1)
    assert (
        send(client, "post", threads_url(public), {"title": "Later", "body": "W"}).status_code
        == 201
    )


def test_a_too_long_content_warning_is_refused_by_the_service(writer, public):
    response = send(
        client_for(writer),
        "post",
        threads_url(public),
        {"title": "Hi", "body": "Words", "content_warning": "w" * 121},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "refused"
    assert "120" in response.json()["detail"]


def test_a_locked_thread_refuses_replies_with_the_reason_but_not_from_moderators(world, public):
    thread = make_thread(public, world.author, is_locked=True)
    response = send(
        client_for(world.people["member"]), "post", thread_url(thread, "posts/"), {"body": "Me too"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "This thread is locked, so it can't take new replies."
    assert client_for(world.people["member"]).get(thread_url(thread)).json()["may_reply"] is False
    moderator = client_for(world.people["moderator"])
    assert (
        send(moderator, "post", thread_url(thread, "posts/"), {"body": "Closing note."}).status_code
        == 201
    )


def test_writing_needs_the_csrf_token_with_session_auth(writer, public):
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    response = send(client, "post", threads_url(public), {"title": "Hi", "body": "Words"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    client.get("/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = send(
        client,
        "post",
        threads_url(public),
        {"title": "Hi", "body": "Words"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"title": "Hi", "body": 5}, "body"),
        ({"title": "Hi", "body": ["a"]}, "body"),
        ({"title": "Hi", "body": None}, "body"),
        ({"title": 7, "body": "Words"}, "title"),
        ({"title": "Hi", "body": "Words", "is_anonymous": "maybe"}, "is_anonymous"),
        ({"title": "Hi", "body": "Words", "content_warning": {"a": 1}}, "content_warning"),
        ({"title": "Hi"}, "body"),
        ({"body": "Words"}, "title"),
        ([{"title": "Hi", "body": "Words"}], "non_field_errors"),
    ],
)
def test_starting_a_thread_refuses_wrong_types_and_missing_fields(writer, public, payload, field):
    response = send(client_for(writer), "post", threads_url(public), payload)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"body": 5}, "body"),
        ({}, "body"),
        ({"body": "Hi", "is_anonymous": "maybe"}, "is_anonymous"),
        ({"body": "Hi", "content_warning": 3}, "content_warning"),
    ],
)
def test_replying_refuses_wrong_types_and_missing_fields(world, writer, public, payload, field):
    thread = make_thread(public, world.author)
    response = send(client_for(writer), "post", thread_url(thread, "posts/"), payload)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Post.objects.exists()


def test_malformed_json_is_400(writer, public):
    response = send(client_for(writer), "post", threads_url(public), '{"title": "unterminated')
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_body_larger_than_the_server_accepts_is_413(world, writer, public, settings):
    thread = make_thread(public, world.author)
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    client = client_for(writer)
    for method, url, body in [
        ("post", threads_url(public), {"title": "Hi", "body": huge}),
        ("post", thread_url(thread, "posts/"), {"body": huge}),
        ("patch", thread_url(thread), {"body": huge}),
        ("post", thread_url(thread, "report/"), {"reason": "spam", "note": huge}),
        ("post", f"{API}/notifications/read/", {"ids": [1] * 10, "pad": huge}),
    ]:
        response = send(client, method, url, body)
        assert response.status_code == 413, url
        assert response.json()["code"] == "too_large"
    assert Thread.objects.count() == 1
    assert not Post.objects.exists()


BAD_IDS = ["0", "-1", "abc", "1.5", "1e3", str(2**63), str(2**63 - 1), str(2**64), "9" * 40]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_unknown_and_junk_ids_are_404_never_500(world, writer, bad):
    client = client_for(world.people["moderator"])
    for url in [
        f"{API}/forums/threads/{bad}/",
        f"{API}/forums/threads/{bad}/posts/",
        f"{API}/forums/threads/{bad}/revisions/",
        f"{API}/forums/posts/{bad}/",
        f"{API}/forums/posts/{bad}/revisions/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    for method, url, body in [
        ("post", f"{API}/forums/threads/{bad}/posts/", {"body": "Hi"}),
        ("patch", f"{API}/forums/threads/{bad}/", {"body": "Hi"}),
        ("delete", f"{API}/forums/posts/{bad}/", None),
        ("put", f"{API}/forums/threads/{bad}/reactions/hug/", None),
        ("delete", f"{API}/forums/posts/{bad}/reactions/hug/", None),
        ("put", f"{API}/forums/threads/{bad}/follow/", None),
        ("post", f"{API}/forums/threads/{bad}/lock/", {"locked": True}),
        ("post", f"{API}/forums/posts/{bad}/remove/", {"reason": "x"}),
        ("post", f"{API}/forums/posts/{bad}/report/", {"reason": "spam"}),
    ]:
        assert send(client, method, url, body).status_code == 404, (method, url)


@pytest.mark.parametrize("bad", ["0", "-1", "x", "1.5", "", "100001", str(2**70), "2"])
def test_junk_pages_and_pages_past_the_end_are_404(world, seeded, bad):
    client = client_for(world.people["moderator"])
    row = seeded["public"]
    urls = [
        threads_url(row.category),
        thread_url(row.thread, "posts/"),
        f"{API}/notifications/",
        f"{API}/forums/search/?q=zqpublic",
    ]
    for url in urls:
        joiner = "&" if "?" in url else "?"
        response = client.get(f"{url}{joiner}page={bad}")
        # An empty page parameter means the first page.
        assert response.status_code == (200 if bad == "" else 404), url


def test_search_words_too_short_or_long_are_400_with_the_reason(world):
    client = client_for(None)
    for q in ["", "a", "  b ", "x" * 201]:
        response = client.get(f"{API}/forums/search/", {"q": q})
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_query"
        assert "characters" in response.json()["detail"]


def test_unknown_and_unreadable_categories_are_404_for_posting(world, writer):
    client = client_for(writer)
    body = {"title": "Hi", "body": "Words"}
    assert send(client, "post", f"{API}/forums/categories/nope/threads/", body).status_code == 404
    group = world.categories["group"]
    assert send(client, "post", threads_url(group), body).status_code == 404
    assert not Thread.objects.exists()


def test_unknown_methods_are_405(world, seeded):
    client = client_for(world.people["moderator"])
    assert client.delete(threads_url(seeded["public"].category)).status_code == 405
    assert send(client, "put", thread_url(seeded["public"].thread, "lock/"), {}).status_code == 405
