"""The forum REST door: fixed query counts for the thread list and the reply list whatever
they hold, and the API and the HTML pages agreeing on what was written through the other."""

from __future__ import annotations

import pytest

from community.models import Post, Reaction, Thread
from moderation.models import ContentStatus
from tests.community.test_forum_api import (
    client_for,
    make_post,
    make_thread,
    send,
    settled,
    thread_url,
    threads_url,
    world_fixture,  # noqa: F401 (the `world` fixture)
)

pytestmark = pytest.mark.django_db

# Session, member, category (plus the group-membership and facilitator checks in a group
# forum), then the page's count and rows.
THREAD_LIST_QUERIES = {"public": 5, "group": 7}
# Session, member, thread (plus the two group checks), then count, replies, reactions, follow.
POST_LIST_QUERIES = {"public": 7, "group": 9}


@pytest.fixture
def crowd(world):
    """Several authors, one of them anonymous now and then, and a few readers who react."""
    authors = [world.author, *[settled(pseudonym=f"Author {n}") for n in range(4)]]
    for author in authors[1:]:
        world.group.memberships.create(member=author, role="member", state="active")
    reactors = [settled(pseudonym=f"Reactor {n}") for n in range(3)]
    return authors, reactors


def fill_category(category, authors, reactors, count: int) -> None:
    threads = [
        make_thread(
            category,
            authors[n % len(authors)],
            title=f"Thread {n}",
            is_anonymous=n % 3 == 0,
            is_pinned=n == 1,
            status=ContentStatus.HELD if n % 7 == 6 else ContentStatus.PUBLISHED,
        )
        for n in range(count)
    ]
    for n, thread in enumerate(threads):
        make_post(thread, authors[(n + 1) % len(authors)])
        Reaction.objects.bulk_create(
            Reaction(member=reactor, thread=thread, kind=kind)
            for reactor in reactors
            for kind in ("hug", "proud")
        )


def fill_thread(thread, authors, reactors, count: int) -> None:
    posts = [
        make_post(
            thread,
            authors[n % len(authors)],
            body=f"Reply {n}",
            is_anonymous=n % 4 == 0,
            status=ContentStatus.DELETED if n % 9 == 8 else ContentStatus.PUBLISHED,
        )
        for n in range(count)
    ]
    Reaction.objects.bulk_create(
        Reaction(member=reactor, post=post, kind=kind)
        for post in posts
        for reactor in reactors
        for kind in ("hug", "me_too", "thank_you")
    )
    Reaction.objects.bulk_create(
        Reaction(member=reactor, thread=thread, kind="hug") for reactor in reactors
    )


@pytest.mark.parametrize("where", ["public", "group"])
@pytest.mark.parametrize("count", [5, 50])
def test_the_thread_list_makes_a_fixed_number_of_queries(
    world, crowd, django_assert_num_queries, where, count
):
    authors, reactors = crowd
    category = world.categories[where]
    fill_category(category, authors, reactors, count)
    client = client_for(reactors[0] if where == "public" else world.people["group_member"])
    with django_assert_num_queries(THREAD_LIST_QUERIES[where]):
        response = client.get(threads_url(category))
    assert response.status_code == 200
    data = response.json()
    assert len(data["results"]) == min(count - count // 7, 25)
    assert data["results"][0]["title"] == "Thread 1"  # pinned first
    assert {row["reply_count"] for row in data["results"]} == {1}


@pytest.mark.parametrize("where", ["public", "group"])
@pytest.mark.parametrize("count", [5, 50])
def test_the_reply_list_makes_a_fixed_number_of_queries(
    world, crowd, django_assert_num_queries, where, count
):
    authors, reactors = crowd
    thread = make_thread(world.categories[where], world.author)
    fill_thread(thread, authors, reactors, count)
    reader = reactors[0] if where == "public" else world.people["group_member"]
    client = client_for(reader)
    with django_assert_num_queries(POST_LIST_QUERIES[where]):
        response = client.get(thread_url(thread, "posts/"))
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == min(count, 20)
    published = [row for row in results if row["status"] == "published"]
    assert {row["reactions"][0]["count"] for row in published} == {3}
    mine = reader == reactors[0]
    assert {row["reactions"][0]["mine"] for row in published} == {mine}


def test_a_visitor_reading_a_public_thread_list_makes_the_same_few_queries(
    world, crowd, django_assert_num_queries
):
    authors, reactors = crowd
    category = world.categories["public"]
    fill_category(category, authors, reactors, 30)
    with django_assert_num_queries(3):  # category, count, rows (no session)
        assert client_for(None).get(threads_url(category)).status_code == 200


# --- the API and the pages agree --------------------------------------------------------------


def test_a_thread_started_through_the_api_is_on_its_page(world):
    category = world.categories["public"]
    client = client_for(world.people["member"])
    response = send(
        client,
        "post",
        threads_url(category),
        {"title": "Waiting <b>well</b>", "body": "I set a **timer** and breathe."},
    )
    assert response.status_code == 201
    page = client_for(None).get(f"/forums/threads/{response.json()['id']}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Waiting &lt;b&gt;well&lt;/b&gt;" in html  # titles are plain text
    assert "<strong>timer</strong>" in html
    assert "Mel Member" in html


def test_an_anonymous_thread_from_the_api_stays_anonymous_on_its_page(world):
    category = world.categories["public"]
    response = send(
        client_for(world.people["member"]),
        "post",
        threads_url(category),
        {"title": "Hard to say", "body": "Words", "is_anonymous": True},
    )
    page = client_for(world.people["group_member"]).get(f"/forums/threads/{response.json()['id']}/")
    html = page.content.decode()
    assert "Anonymous member" in html
    assert "Mel Member" not in html


def test_a_reply_posted_with_the_page_form_is_in_the_api_list(world):
    thread = make_thread(world.categories["public"], world.author)
    client = client_for(world.people["member"])
    response = client.post(
        f"/forums/threads/{thread.pk}/reply/", {"body": "Posted from the *page*."}
    )
    assert response.status_code == 302
    post = Post.objects.get(thread=thread)
    listed = client_for(None).get(thread_url(thread, "posts/")).json()["results"]
    assert [row["id"] for row in listed] == [post.pk]
    assert "<em>page</em>" in listed[0]["body_html"]
    assert listed[0]["author"] == "Mel Member"


def test_a_held_reply_from_the_page_is_held_in_the_api_too(world):
    from tests.moderation.conftest import URGENT_TEXT

    thread = make_thread(world.categories["public"], world.author)
    client = client_for(world.people["member"])
    client.post(f"/forums/threads/{thread.pk}/reply/", {"body": URGENT_TEXT})
    post = Post.objects.get(thread=thread)
    assert post.status == ContentStatus.HELD
    assert client.get(thread_url(thread, "posts/")).json()["results"][0]["status"] == "held"
    assert client_for(None).get(thread_url(thread, "posts/")).json()["count"] == 0
    assert Thread.objects.get(pk=thread.pk).status == ContentStatus.PUBLISHED
