"""The success-story REST door: a fixed number of queries for the story list whatever it holds,
and the API and the HTML pages agreeing on what was shared and decided through the other."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Story, StoryReaction
from tests.community.test_forum_api import client_for, send, settled
from tests.community.test_story_api import (
    STORIES,
    TAG_SLUGS,
    make_story,
    people_fixture,  # noqa: F401 (the `people` fixture)
    story_url,
    write,
)

pytestmark = pytest.mark.django_db

# Session and member, then the page's count, its rows (with authors and hope counts) and their
# tags. A visitor has no session to read.
LIST_QUERIES = {"member": 5, "visitor": 3}


def fill_shelf(count: int) -> list:
    """`count` published stories by many authors (some anonymous, some for members only),
    each with up to three tags and a few "this gave me hope", and a few unpublished ones."""
    authors = [settled(pseudonym=f"Author {n}") for n in range(7)]
    readers = [settled(pseudonym=f"Reader {n}") for n in range(4)]
    start = timezone.now() - timedelta(days=count)
    stories = [
        make_story(
            authors[n % len(authors)],
            title=f"Story {n}",
            audience="members" if n % 4 == 3 else "everyone",
            is_anonymous=n % 3 == 0,
            published_at=start + timedelta(hours=n),
            tags=TAG_SLUGS[n % 6 : n % 6 + 1 + n % 3],
        )
        for n in range(count)
    ]
    for state in ("draft", "submitted", "returned", "removed", "deleted"):
        make_story(authors[0], state=state, title=f"Unpublished {state}")
    StoryReaction.objects.bulk_create(
        StoryReaction(member=reader, story=story)
        for n, story in enumerate(stories)
        for reader in readers[: 1 + n % len(readers)]
    )
    return readers


@pytest.mark.parametrize("who", ["member", "visitor"])
@pytest.mark.parametrize("count", [5, 30])
def test_the_story_list_makes_a_fixed_number_of_queries(django_assert_num_queries, who, count):
    readers = fill_shelf(count)
    client = client_for(readers[0] if who == "member" else None)
    with django_assert_num_queries(LIST_QUERIES[who]):
        response = client.get(STORIES)
    assert response.status_code == 200
    data = response.json()
    readable = count if who == "member" else count - count // 4
    assert data["count"] == readable
    assert len(data["results"]) == min(readable, 12)
    assert all(row["tags"] for row in data["results"])
    assert {row["hope_count"] for row in data["results"]} <= {1, 2, 3, 4}
    assert "Unpublished" not in response.content.decode()


@pytest.mark.parametrize("count", [5, 30])
def test_a_tag_filtered_page_makes_a_fixed_number_of_queries(django_assert_num_queries, count):
    readers = fill_shelf(count)
    client = client_for(readers[0])
    with django_assert_num_queries(LIST_QUERIES["member"] + 1):  # the tag
        response = client.get(STORIES, {"tag": "calmer-when-waiting"})
    assert response.status_code == 200
    for row in response.json()["results"]:
        assert "calmer-when-waiting" in [tag["slug"] for tag in row["tags"]]


# --- the API and the pages agree --------------------------------------------------------------


def test_a_story_approved_through_the_api_is_on_its_page_for_visitors(
    people, django_capture_on_commit_callbacks
):
    response = write(
        client_for(people["author"]),
        title="Waiting <b>well</b>",
        body="I set a **timer** and breathe.",
        audience="everyone",
    )
    assert response.status_code == 201
    story_id = response.json()["id"]
    assert client_for(None).get(f"/stories/{story_id}/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        approved = send(client_for(people["moderator"]), "post", story_url(story_id, "approve/"))
    assert approved.status_code == 200
    page = client_for(None).get(f"/stories/{story_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Waiting &lt;b&gt;well&lt;/b&gt;" in html  # titles are plain text
    assert "<b>well</b>" not in html
    assert "<strong>timer</strong>" in html
    assert "Ari Author" in html


def test_a_members_only_story_from_the_api_is_not_on_its_page_for_visitors(people):
    story = make_story(people["author"], audience="members", title="zqmembers only")
    assert client_for(None).get(story_url(story)).status_code == 404
    page = client_for(None).get(f"/stories/{story.pk}/")
    assert page.status_code == 404
    assert "zqmembers" not in page.content.decode()
    assert client_for(people["member"]).get(f"/stories/{story.pk}/").status_code == 200


def test_an_anonymous_story_from_the_api_stays_anonymous_on_its_page(people):
    zephyr = settled(pseudonym="Zephyr Quill")
    response = write(
        client_for(zephyr), title="Hard to say", is_anonymous=True, audience="everyone"
    )
    story = Story.objects.get(pk=response.json()["id"])
    Story.objects.filter(pk=story.pk).update(
        state=Story.State.PUBLISHED, status="published", published_at=timezone.now()
    )
    for person in (people["member"], None):
        html = client_for(person).get(f"/stories/{story.pk}/").content.decode()
        assert "Anonymous member" in html
        assert "Zephyr" not in html


def test_a_story_written_on_the_page_form_waits_in_the_api(people):
    client = client_for(people["author"])
    response = client.post(
        "/stories/new/",
        {
            "title": "From the page",
            "body": "Written on the *page*.",
            "tags": ["kinder-self-talk"],
            "audience": "everyone",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Story.objects.get()
    data = client.get(story_url(story)).json()
    assert data["state"] == "submitted"
    assert "<em>page</em>" in data["body_html"]
    assert [tag["slug"] for tag in data["tags"]] == ["kinder-self-talk"]
    assert client_for(None).get(story_url(story)).status_code == 404
    review = client_for(people["moderator"]).get(f"{STORIES}review/").json()
    assert [row["id"] for row in review] == [story.pk]
