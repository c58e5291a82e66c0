"""Query-count pins for the forum pages: the thread page and the category page make the same,
small number of queries whether they show 5 or 50 posts or threads, by many authors, with
reactions from many members. A change that adds a query per row fails here."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from community.forum_services import category_for_group
from community.models import Category, Reaction
from tests.community.forum_helpers import join, make_category, make_post, make_thread
from tests.community.test_forum_views import settled
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

SIZES = (5, 50)

# Thread page, signed-in member: session, member, thread (with category, group and author),
# reply count, replies with authors, reactions, follow, mark notifications read, bell.
THREAD_PAGE_MEMBER = 9
# Visitor: thread, reply count, replies with authors, reactions.
THREAD_PAGE_VISITOR = 4
# Category page, member: session, member, category, thread count, threads with authors and
# reply counts, bell.
CATEGORY_PAGE_MEMBER = 6
CATEGORY_PAGE_VISITOR = 3
# In a group's forum, the reader's standing costs two more queries (membership, facilitator).
GROUP_EXTRA = 2


def build_thread(category, size: int, people: list):
    """A thread with `size` replies by varied authors (some anonymous), each reply and the
    opening post carrying reactions of several kinds from several members."""
    authors = itertools.cycle(people)
    kinds = itertools.cycle(Reaction.Kind.values)
    thread = make_thread(category, people[0], title="A busy thread")
    items = [thread]
    for number in range(size):
        author = next(authors)
        items.append(
            make_post(thread, author, body=f"Reply {number}", is_anonymous=number % 3 == 0)
        )
    reactions = []
    for item in items:
        for giver in people[:4]:
            if giver.pk == item.author_id:
                continue
            target = {"thread": item} if item is thread else {"post": item}
            reactions.append(Reaction(member=giver, kind=next(kinds), **target))
    Reaction.objects.bulk_create(reactions)
    return thread


def build_category(category, size: int, people: list) -> None:
    """`size` threads by varied authors, each with a few replies and a reaction."""
    authors = itertools.cycle(people)
    for number in range(size):
        thread = make_thread(
            category, next(authors), title=f"Thread {number}", is_anonymous=number % 4 == 0
        )
        for _reply in range(number % 3):
            make_post(thread, next(authors))
        Reaction.objects.create(member=people[-1], kind="hug", thread=thread)


@pytest.fixture
def people(db):
    return [settled(pseudonym=f"Author {number}") for number in range(8)]


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    client.get("/guidelines/")  # a first page sets the CSRF cookie; not counted
    return client


def count_queries(django_assert_num_queries, client, url: str, expected: int) -> None:
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_thread_page_queries_do_not_grow_with_posts_for_a_member(
    people, size, django_assert_num_queries
):
    category = make_category(Category.Visibility.PUBLIC)
    thread = build_thread(category, size, people)
    client = client_for(people[1])
    count_queries(
        django_assert_num_queries, client, f"/forums/threads/{thread.pk}/", THREAD_PAGE_MEMBER
    )


@pytest.mark.parametrize("size", SIZES)
def test_thread_page_queries_do_not_grow_with_posts_for_a_visitor(
    people, size, django_assert_num_queries
):
    category = make_category(Category.Visibility.PUBLIC)
    thread = build_thread(category, size, people)
    count_queries(
        django_assert_num_queries,
        client_for(None),
        f"/forums/threads/{thread.pk}/",
        THREAD_PAGE_VISITOR,
    )


@pytest.mark.parametrize("size", SIZES)
def test_thread_page_queries_in_a_group_forum(people, size, django_assert_num_queries):
    group = GroupFactory()
    for person in people:
        join(group, person)
    thread = build_thread(category_for_group(group), size, people)
    count_queries(
        django_assert_num_queries,
        client_for(people[1]),
        f"/forums/threads/{thread.pk}/",
        THREAD_PAGE_MEMBER + GROUP_EXTRA,
    )


@pytest.mark.parametrize("size", SIZES)
def test_category_page_queries_do_not_grow_with_threads(people, size, django_assert_num_queries):
    category = make_category(Category.Visibility.PUBLIC)
    build_category(category, size, people)
    url = f"/forums/{category.slug}/"
    count_queries(django_assert_num_queries, client_for(people[1]), url, CATEGORY_PAGE_MEMBER)
    count_queries(django_assert_num_queries, client_for(None), url, CATEGORY_PAGE_VISITOR)


@pytest.mark.parametrize("size", SIZES)
def test_category_page_queries_in_a_group_forum(people, size, django_assert_num_queries):
    group = GroupFactory()
    for person in people:
        join(group, person)
    category = category_for_group(group)
    build_category(category, size, people)
    count_queries(
        django_assert_num_queries,
        client_for(people[1]),
        f"/forums/{category.slug}/",
        CATEGORY_PAGE_MEMBER + GROUP_EXTRA,
    )


@pytest.mark.parametrize("size", SIZES)
def test_forum_index_queries_do_not_grow_with_threads(people, size, django_assert_num_queries):
    build_category(make_category(Category.Visibility.PUBLIC), size, people)
    # Session, member, categories with counts, bell.
    count_queries(django_assert_num_queries, client_for(people[1]), "/forums/", 4)
    count_queries(django_assert_num_queries, client_for(None), "/forums/", 1)
