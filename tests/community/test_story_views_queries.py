"""Query-count pins for the story pages: the list, a filtered list and the home page's featured
stories make the same, small number of queries whether there are 5 or 30 stories, by many
authors, with many tags and reactions. A change that adds a query per story fails here."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from community.models import Story, StoryReaction, StoryTag
from tests.community.test_story_views import make_story
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

SIZES = (5, 30)

# Visitor: milestone tags, story count, the page of stories (authors, hope counts), their tags.
LIST_VISITOR = 4
# Member: session and account first, the notification bell last.
LIST_MEMBER = LIST_VISITOR + 3
# The ?tag= filter looks the tag up once.
FILTER_EXTRA = 1
# Home, visitor: recent forum threads, featured stories (authors, hope counts), their tags.
HOME_VISITOR = 3
# Member: session, account, the notification bell and the mood reminder (cached after once).
HOME_MEMBER = HOME_VISITOR + 4


@pytest.fixture
def people(db):
    return [MemberFactory(pseudonym=f"Author {number}") for number in range(8)]


def fill_stories(size: int, people: list) -> list[Story]:
    """`size` published stories by varied authors, some anonymous, half for visitors too,
    every one featured, with two or three tags and hope from several members."""
    authors = itertools.cycle(people)
    tags = list(StoryTag.objects.all())
    stories = []
    for number in range(size):
        story = make_story(
            next(authors),
            title=f"Story {number}",
            audience=Story.Audience.EVERYONE if number % 2 == 0 else Story.Audience.MEMBERS,
            is_anonymous=number % 3 == 0,
            is_featured=True,
        )
        story.tags.set(tags[number % 4 : number % 4 + 2 + number % 2])
        stories.append(story)
    StoryReaction.objects.bulk_create(
        StoryReaction(member=giver, story=story)
        for story in stories
        for giver in people[:5]
        if giver.pk != story.author_id
    )
    return stories


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    client.get("/guidelines/")  # a first page sets the CSRF cookie; not counted
    return client


def count_queries(django_assert_num_queries, client, url: str, expected: int) -> str:
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", ["visitor", "member"])
def test_story_list_queries_do_not_grow_with_stories(people, size, role, django_assert_num_queries):
    fill_stories(size, people)
    reader = MemberFactory(pseudonym="Counting Reader") if role == "member" else None
    expected = LIST_MEMBER if role == "member" else LIST_VISITOR
    content = count_queries(django_assert_num_queries, client_for(reader), "/stories/", expected)
    readable = size if role == "member" else (size + 1) // 2
    assert content.count('class="story-card"') == min(12, readable)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", ["visitor", "member"])
def test_filtered_story_list_queries_do_not_grow_with_stories(
    people, size, role, django_assert_num_queries
):
    fill_stories(size, people)
    reader = MemberFactory(pseudonym="Counting Reader") if role == "member" else None
    expected = (LIST_MEMBER if role == "member" else LIST_VISITOR) + FILTER_EXTRA
    slug = StoryTag.objects.order_by("order", "name")[1].slug  # on most stories
    content = count_queries(
        django_assert_num_queries, client_for(reader), f"/stories/?tag={slug}", expected
    )
    assert 'class="story-card"' in content


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", ["visitor", "member"])
def test_home_page_featured_stories_queries_do_not_grow_with_stories(
    people, size, role, django_assert_num_queries
):
    stories = fill_stories(size, people)
    reader = MemberFactory(pseudonym="Counting Reader") if role == "member" else None
    expected = HOME_MEMBER if role == "member" else HOME_VISITOR
    content = count_queries(django_assert_num_queries, client_for(reader), "/", expected)
    shown = [story for story in stories if f'href="/stories/{story.pk}/"' in content]
    assert len(shown) == 3
    if role == "visitor":
        assert all(story.audience == Story.Audience.EVERYONE for story in shown)
