"""community.story_selectors (and the story part of the bell in forum_selectors): who sees which
story in every state and audience, through every read; anonymity; pagination and tags;
notifications; and pinned query counts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from community import forum_selectors
from community import story_selectors as selectors
from community import story_services as services
from community.models import Notification, Story, StoryReaction
from tests.community.forum_helpers import join, make_category, make_post, make_thread
from tests.community.story_helpers import STATES, TAG_SLUGS, make_story, settled, write
from tests.factories import GroupFactory, MemberFactory

pytestmark = pytest.mark.django_db

ROLES = ("visitor", "other_member", "author", "moderator", "facilitator")
AUDIENCES = tuple(Story.Audience.values)
NOTE = "Thank you for this. Could you take out your sister's name? Then it can go up."


@pytest.fixture
def author(db):
    return settled(pseudonym="Ari Author")


@pytest.fixture
def actors(author, moderator):
    facilitator = settled(pseudonym="Fay Facilitator")
    join(GroupFactory(), facilitator, role="facilitator")
    return {
        "visitor": AnonymousUser(),
        "other_member": settled(pseudonym="Rue Reader"),
        "author": author,
        "moderator": moderator,
        "facilitator": facilitator,
    }


@pytest.fixture
def world(author):
    """One featured story by `author` in every (audience, state)."""
    return {
        (audience, state): make_story(
            author,
            state=state,
            audience=audience,
            title=f"{state} for {audience}",
            is_featured=True,
        )
        for audience in AUDIENCES
        for state in STATES
    }


def _readable_by_others(role: str, audience: str, state: str) -> bool:
    """What the lists show to `role`: published stories, visitors only those for everyone."""
    if state != Story.State.PUBLISHED:
        return False
    return audience == Story.Audience.EVERYONE or role != "visitor"


def _can_open(role: str, audience: str, state: str) -> bool:
    return role in ("author", "moderator") or _readable_by_others(role, audience, state)


# --- the visibility matrix ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_story_lists_show_only_published_stories_the_reader_may_read(world, actors, role):
    actor = actors[role]
    expected = {story for key, story in world.items() if _readable_by_others(role, *key)}
    assert {row.story for row in selectors.stories_page(actor, 1).object_list} == expected
    assert {row.story for row in selectors.featured_stories(actor, limit=20)} == expected


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("role", ROLES)
def test_a_story_page_opens_only_for_those_who_may_see_it(world, actors, role, audience, state):
    story = world[(audience, state)]
    if _can_open(role, audience, state):
        assert selectors.get_story_for(actors[role], story.pk) == story
        assert selectors.get_story_for(actors[role], str(story.pk)) == story
    else:
        with pytest.raises(Http404) as missing:
            selectors.get_story_for(actors[role], story.pk)
        assert "may be private" in str(missing.value)


@pytest.mark.parametrize("raw", [0, -1, "abc", None, "1.5", 2**63])
def test_junk_story_ids_are_not_found(actors, raw):
    with pytest.raises(Http404):
        selectors.get_story_for(actors["moderator"], raw)


def test_the_public_feed_has_only_published_stories_for_everyone(world):
    assert selectors.feed_stories() == [world[("everyone", "published")]]


def test_the_public_feed_is_newest_first_and_short(author):
    now = timezone.now()
    for days in range(25):
        make_story(author, published_at=now - timedelta(days=days), title=f"Day {days}")
    feed = selectors.feed_stories()
    assert len(feed) == selectors.FEED_LENGTH
    assert [story.title for story in feed[:3]] == ["Day 0", "Day 1", "Day 2"]


@pytest.mark.parametrize("role", ROLES)
def test_my_stories_lists_the_authors_own_stories_in_every_state_but_deleted(world, actors, role):
    mine = selectors.my_stories(actors[role])
    if role == "author":
        assert set(mine) == {s for (_a, state), s in world.items() if state != "deleted"}
    else:
        assert mine == []


def test_my_stories_are_newest_first(author):
    old = make_story(author, state="draft")
    Story.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    new = make_story(author, state="submitted")
    assert selectors.my_stories(author) == [new, old]


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_see_the_stories_awaiting_review(world, actors, role):
    if role != "moderator":
        with pytest.raises(PermissionDenied):
            selectors.stories_awaiting_review(actors[role])
        return
    assert set(selectors.stories_awaiting_review(actors[role])) == {
        world[("members", "submitted")],
        world[("everyone", "submitted")],
    }


def test_stories_awaiting_review_are_oldest_first(author, moderator):
    first = make_story(author, state="submitted")
    second = make_story(author, state="submitted")
    Story.objects.filter(pk=second.pk).update(submitted_at=timezone.now() - timedelta(hours=2))
    assert selectors.stories_awaiting_review(moderator) == [second, first]


# --- one story, as each role sees it -------------------------------------------------------------


EXPECTED_LABELS = {
    "visitor": "Anonymous member",
    "other_member": "Anonymous member",
    "facilitator": "Anonymous member",
    "author": "You (anonymous to others)",
    "moderator": "Ari Author (shared anonymously)",
}


@pytest.mark.parametrize("role", ROLES)
def test_an_anonymous_storys_author_is_hidden_from_all_but_the_author_and_moderators(
    author, actors, role
):
    story = make_story(author, is_anonymous=True, is_featured=True)
    actor = actors[role]
    view = selectors.story_view(actor, selectors.get_story_for(actor, story.pk))
    assert view.author_label == EXPECTED_LABELS[role]
    assert view.author_visible is (role in ("author", "moderator"))
    [listing] = selectors.stories_page(actor, 1).object_list
    [featured] = selectors.featured_stories(actor)
    assert listing.author_label == featured.author_label == EXPECTED_LABELS[role]
    if role not in ("author", "moderator"):
        assert "Ari" not in listing.author_label


@pytest.mark.parametrize("role", ROLES)
def test_a_named_storys_author_is_shown_to_everyone(author, actors, role):
    story = make_story(author)
    view = selectors.story_view(actors[role], story)
    assert view.author_label == "Ari Author"
    assert view.author_visible


@pytest.mark.parametrize("role", ROLES)
def test_the_story_view_says_what_each_role_may_do(author, actors, role):
    story = make_story(author, tags=["kinder-self-talk", "setting-a-boundary"])
    StoryReaction.objects.create(member=actors["moderator"], story=story)
    view = selectors.story_view(actors[role], selectors.get_story_for(actors[role], story.pk))
    assert view.may_edit is view.may_delete is (role == "author")
    assert view.may_react is (role in ("other_member", "moderator", "facilitator"))
    assert view.may_review is (role == "moderator")
    assert view.hope_count == 1
    assert view.hoped_by_me is (role == "moderator")
    assert view.is_public
    assert [tag.slug for tag in view.tags] == ["setting-a-boundary", "kinder-self-talk"]
    assert view.state_label == "Published"


@pytest.mark.parametrize("state", STATES)
def test_the_author_sees_the_state_of_an_unpublished_story(author, state):
    view = selectors.story_view(author, make_story(author, state=state))
    assert view.is_public is (state == "published")
    assert view.may_edit is (state in ("draft", "submitted", "published", "returned"))
    assert view.may_delete is (state != "deleted")
    assert not view.may_react
    assert view.state_label == Story.State(state).label


def test_one_story_costs_three_queries(author, actors, django_assert_num_queries):
    """The story with its author, its tags, then the reactions."""
    story = make_story(author, tags=TAG_SLUGS, is_anonymous=True)
    for _ in range(4):
        StoryReaction.objects.create(member=MemberFactory(), story=story)
    for role in ROLES:
        with django_assert_num_queries(2):
            found = selectors.get_story_for(actors[role], story.pk)
        with django_assert_num_queries(1):
            view = selectors.story_view(actors[role], found)
            assert (view.author_label, view.hope_count, len(view.tags)) == (
                EXPECTED_LABELS[role],
                4,
                6,
            )


# --- tags and pages ----------------------------------------------------------------------------


def test_the_six_milestone_tags_come_in_their_order():
    assert [tag.slug for tag in selectors.story_tags()] == list(TAG_SLUGS)
    assert selectors.get_tag("started-therapy").name
    with pytest.raises(Http404):
        selectors.get_tag("no-such-milestone")


def test_stories_page_is_newest_first_twelve_a_page(author):
    now = timezone.now()
    stories = [make_story(author, published_at=now - timedelta(hours=hours)) for hours in range(13)]
    first = selectors.stories_page(author, 1)
    assert [row.story for row in first.object_list] == stories[:12]
    assert first.paginator.num_pages == 2
    assert [row.story for row in selectors.stories_page(author, 2).object_list] == stories[12:]
    for beyond in (3, 0):
        with pytest.raises(Http404):
            selectors.stories_page(author, beyond)


def test_stories_page_can_show_one_milestone(author, actors):
    boundary = make_story(author, tags=["setting-a-boundary", "kinder-self-talk"])
    make_story(author, tags=["started-therapy"])
    make_story(author, tags=["setting-a-boundary"], state="submitted")
    make_story(author, tags=["setting-a-boundary"], audience=Story.Audience.MEMBERS)
    tag = selectors.get_tag("setting-a-boundary")
    visitor_rows = selectors.stories_page(actors["visitor"], 1, tag=tag).object_list
    assert [row.story for row in visitor_rows] == [boundary]
    assert [t.slug for t in visitor_rows[0].tags] == ["setting-a-boundary", "kinder-self-talk"]
    assert len(selectors.stories_page(actors["other_member"], 1, tag=tag).object_list) == 2
    empty = selectors.stories_page(
        actors["visitor"], 1, tag=selectors.get_tag("first-secure-relationship")
    )
    assert list(empty.object_list) == []
    with pytest.raises(Http404):
        selectors.stories_page(actors["visitor"], 2, tag=tag)


def test_listings_count_hope(author, actors):
    story = make_story(author, tags=TAG_SLUGS)
    for _ in range(3):
        StoryReaction.objects.create(member=MemberFactory(), story=story)
    [row] = selectors.stories_page(actors["visitor"], 1).object_list
    assert row.hope_count == 3
    assert len(row.tags) == 6


def test_featured_stories_are_newest_first_and_limited(author, actors):
    now = timezone.now()
    featured = [
        make_story(author, is_featured=True, published_at=now - timedelta(days=days))
        for days in range(5)
    ]
    make_story(author, is_featured=False)
    assert [row.story for row in selectors.featured_stories(actors["visitor"])] == featured[:3]
    assert len(selectors.featured_stories(actors["visitor"], limit=5)) == 5


# --- query counts ------------------------------------------------------------------------------


def _busy_stories(count: int) -> None:
    """`count` published stories by different authors, with tags, hope and anonymity."""
    readers = [MemberFactory() for _ in range(4)]
    for number in range(count):
        story = make_story(
            MemberFactory(),
            tags=TAG_SLUGS[: 1 + number % 6],
            is_anonymous=number % 2 == 0,
            is_featured=number % 3 == 0,
            audience=Story.Audience.EVERYONE if number % 4 else Story.Audience.MEMBERS,
        )
        for reader in readers[: number % 5]:
            StoryReaction.objects.create(member=reader, story=story)


@pytest.mark.parametrize("count", [5, 30])
@pytest.mark.parametrize("role", ["visitor", "other_member", "moderator"])
def test_stories_page_costs_three_queries_however_many_stories(
    actors, django_assert_num_queries, count, role
):
    _busy_stories(count)
    with django_assert_num_queries(3):
        page = selectors.stories_page(actors[role], 1)
        shown = [(row.author_label, row.hope_count, len(row.tags)) for row in page.object_list]
    assert shown


@pytest.mark.parametrize("count", [5, 30])
@pytest.mark.parametrize("role", ["visitor", "other_member", "moderator"])
def test_featured_stories_cost_two_queries_however_many_stories(
    actors, django_assert_num_queries, count, role
):
    _busy_stories(count)
    with django_assert_num_queries(2):
        rows = selectors.featured_stories(actors[role])
        shown = [(row.author_label, row.hope_count, len(row.tags)) for row in rows]
    assert shown


@pytest.mark.parametrize("count", [5, 30])
def test_feed_and_review_list_cost_a_fixed_number_of_queries(
    actors, django_assert_num_queries, count
):
    _busy_stories(count)
    for _ in range(count):
        make_story(MemberFactory(), state="submitted", tags=TAG_SLUGS[:2])
    with django_assert_num_queries(1):
        assert [story.author.pseudonym for story in selectors.feed_stories()]
    with django_assert_num_queries(2):
        waiting = selectors.stories_awaiting_review(actors["moderator"])
        assert [(s.author.pseudonym, len(s.tags.all())) for s in waiting]


# --- notifications about one's own story -------------------------------------------------------


def _reply_notification(member) -> Notification:
    """A reply notification in a public forum, to check stories sit beside replies."""
    thread = make_thread(make_category(), MemberFactory())
    post = make_post(thread, MemberFactory())
    return Notification.objects.create(
        recipient=member, kind=Notification.Kind.REPLY, thread=thread, post=post
    )


def _bell(actor) -> list[tuple[str, object]]:
    page = forum_selectors.notifications_page(actor, 1)
    return [(row.notification.kind, row.story) for row in page.object_list]


def test_the_bell_tells_the_author_about_their_own_stories_only(
    actors, author, django_capture_on_commit_callbacks
):
    moderator, other = actors["moderator"], actors["other_member"]
    reply = _reply_notification(author)
    published = write(author, title="Published one").story
    returned = write(author, title="Returned one").story
    elsewhere = write(other, title="Someone else's").story
    with django_capture_on_commit_callbacks(execute=True):
        services.story_approve(actor=moderator, story=published)
        services.story_return(actor=moderator, story=returned, note=NOTE)
        services.story_approve(actor=moderator, story=elsewhere)
    assert forum_selectors.unread_notification_count(author) == 3
    bell = _bell(author)
    assert set(bell) == {
        (Notification.Kind.REPLY, None),
        (Notification.Kind.STORY_PUBLISHED, published),
        (Notification.Kind.STORY_RETURNED, returned),
    }
    rows = forum_selectors.notifications_page(author, 1).object_list
    for row in rows:
        if row.story is not None:
            assert (row.thread, row.post, row.author_label, row.unread) == (None, None, "", True)
        else:
            assert row.notification == reply
    assert _bell(other) == [(Notification.Kind.STORY_PUBLISHED, elsewhere)]
    assert forum_selectors.unread_notification_count(other) == 1
    for nobody in (moderator, actors["facilitator"], actors["visitor"]):
        assert forum_selectors.unread_notification_count(nobody) == 0
        if nobody.is_authenticated:
            assert _bell(nobody) == []


def test_a_deleted_storys_notification_disappears(
    author, moderator, django_capture_on_commit_callbacks
):
    story = write(author).story
    with django_capture_on_commit_callbacks(execute=True):
        services.story_approve(actor=moderator, story=story)
    assert forum_selectors.unread_notification_count(author) == 1
    services.story_delete(actor=author, story=story)
    assert forum_selectors.unread_notification_count(author) == 0
    assert _bell(author) == []


def test_a_removed_storys_notification_stays_for_its_author(
    author, moderator, django_capture_on_commit_callbacks
):
    """The author can still open their removed story and read why."""
    story = write(author).story
    with django_capture_on_commit_callbacks(execute=True):
        services.story_approve(actor=moderator, story=story)
    with django_capture_on_commit_callbacks(execute=True):
        services.story_remove(actor=moderator, story=story, reason="It names a workplace.")
    assert _bell(author) == [(Notification.Kind.STORY_PUBLISHED, story)]
    assert selectors.get_story_for(author, story.pk).removal_reason == "It names a workplace."
