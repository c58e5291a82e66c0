"""The home page's "Recent in the forums": what each role sees, how authors are named, and a
fixed number of queries however many threads, authors and categories there are."""

import html
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community import forum_services
from community.models import Category, Post, Thread
from moderation.models import ContentStatus
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PUBLIC = "understanding-attachment"
MEMBERS_ONLY = "dating-and-relationships"


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def make_thread(category: Category, author, title: str, **extra) -> Thread:
    """A published thread as the pipeline would store it (test data, not a door)."""
    extra.setdefault("status", ContentStatus.PUBLISHED)
    return Thread.objects.create(
        category=category,
        author=author,
        title=title,
        body=f"{title}, in my own words.",
        body_html=f"<p>{html.escape(title)}, in my own words.</p>",
        **extra,
    )


def make_reply(thread: Thread, author) -> Post:
    return Post.objects.create(
        thread=thread, author=author, body="Me too.", body_html="<p>Me too.</p>"
    )


def page_for(person) -> str:
    response = client_for(person).get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def group_forum():
    """A peer group's private forum and one active member of the group."""
    group = GroupFactory(name="Tuesday circle", slug="tuesday-circle")
    insider = MemberFactory(pseudonym="Circle Insider")
    MembershipFactory(group=group, member=insider)
    return forum_services.category_for_group(group), insider


@pytest.fixture
def threads(member, group_forum):
    category, insider = group_forum
    return {
        "public": make_thread(Category.objects.get(slug=PUBLIC), member, "Waiting out a quiet day"),
        "members": make_thread(
            Category.objects.get(slug=MEMBERS_ONLY), member, "Second date nerves, members only"
        ),
        "group": make_thread(category, insider, "Our circle's practice for this week"),
    }


def test_visitor_sees_public_threads_only(threads):
    page = page_for(None)
    assert "Recent in the forums" in page
    assert "Waiting out a quiet day" in page
    assert f'href="/forums/threads/{threads["public"].pk}/"' in page
    assert "Understanding attachment" in page
    assert "Second date nerves" not in page
    assert "Our circle" not in page
    assert 'href="/forums/"' in page


def test_member_sees_members_only_threads_but_not_another_groups_forum(threads, other_member):
    page = page_for(other_member)
    assert "Waiting out a quiet day" in page
    assert "Second date nerves, members only" in page
    assert f'href="/forums/threads/{threads["members"].pk}/"' in page
    assert "Our circle" not in page


def test_group_forum_threads_show_only_to_the_groups_members(threads, group_forum):
    _category, insider = group_forum
    page = page_for(insider)
    assert html.escape("Our circle's practice for this week") in page
    assert f'href="/forums/threads/{threads["group"].pk}/"' in page
    assert "Tuesday circle" in page  # the group forum's category name
    outsider = MemberFactory(pseudonym="Not In Circle")
    assert "Our circle" not in page_for(outsider)


def test_a_member_who_left_the_group_no_longer_sees_its_threads(threads, group_forum):
    _category, insider = group_forum
    insider.group_memberships.update(state="left")
    assert "Our circle" not in page_for(insider)


def test_held_removed_and_deleted_threads_stay_off_the_home_page_even_for_their_author(member):
    category = Category.objects.get(slug=PUBLIC)
    for status in (ContentStatus.HELD, ContentStatus.REMOVED, ContentStatus.DELETED):
        make_thread(category, member, f"Not for the home page ({status})", status=status)
    assert "Not for the home page" not in page_for(member)
    assert "Not for the home page" not in page_for(None)


def test_reply_count_and_author_are_shown(member, other_member):
    thread = make_thread(Category.objects.get(slug=PUBLIC), member, "Waiting out a quiet day")
    make_reply(thread, other_member)
    make_reply(thread, other_member)
    Post.objects.create(
        thread=thread,
        author=other_member,
        body="Held reply",
        body_html="<p>Held reply</p>",
        status=ContentStatus.HELD,
    )
    page = page_for(None)
    assert "by Robin Test" in page
    assert "2 replies" in page


def test_anonymous_thread_shows_anonymous_member_to_others(member, other_member, moderator):
    make_thread(
        Category.objects.get(slug=PUBLIC),
        member,
        "Something I can't say with my name on it",
        is_anonymous=True,
    )
    for person in (None, other_member):
        page = page_for(person)
        assert "Anonymous member" in page
        assert "Robin Test" not in page
    assert "You (anonymous to others)" in page_for(member)
    assert "Robin Test (posted anonymously)" in page_for(moderator)


def test_titles_and_warnings_are_plain_text(member):
    make_thread(
        Category.objects.get(slug=PUBLIC),
        member,
        "<script>alert(1)</script> waiting",
        content_warning="<b>mentions of a panic attack</b>",
    )
    page = page_for(None)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; waiting" in page
    assert "Content warning: &lt;b&gt;mentions of a panic attack&lt;/b&gt;" in page


def test_home_page_has_a_kind_empty_state():
    page = page_for(None)
    assert "quiet in the forums" in page
    assert 'href="/forums/"' in page


def fill_forums(count: int, group_forum) -> list[Thread]:
    """`count` threads from as many authors, spread over public, members-only and group
    categories, each with a reply from someone else."""
    group_category, insider = group_forum
    categories = [
        Category.objects.get(slug=PUBLIC),
        Category.objects.get(slug=MEMBERS_ONLY),
        Category.objects.get(slug="small-wins"),
        group_category,
    ]
    now = timezone.now()
    threads = []
    for number in range(count):
        author = MemberFactory(pseudonym=f"Author {number}")
        thread = make_thread(
            categories[number % len(categories)],
            author,
            f"Thread number {number}",
            is_anonymous=number % 3 == 0,
            last_activity_at=now - timedelta(minutes=number),
        )
        make_reply(thread, insider)
        threads.append(thread)
    return threads


# Measured: a visitor's page is the recent-threads query and the featured-stories query (their
# tags are one more when there are any: see test_story_views_queries.py); a member's adds their
# session, their account, the notification bell's unread count and the mood reminder (one query
# for the reminder and the day of the last check-in, then kept in the cache: see
# community.mood_selectors; each test starts with an empty cache, so it is counted here).
HOME_QUERIES = {"visitor": 2, "member": 6}


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("role", ["visitor", "member"])
def test_home_page_makes_a_fixed_number_of_queries(
    django_assert_num_queries, group_forum, member, role, count
):
    readable = ["public"] if role == "visitor" else ["public", "members"]
    visible = [t for t in fill_forums(count, group_forum) if t.category.visibility in readable]
    client = client_for(member if role == "member" else None)
    with django_assert_num_queries(HOME_QUERIES[role]):
        response = client.get("/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/forums/threads/') == min(5, len(visible))
