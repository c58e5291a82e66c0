"""community.forum_selectors: what each reader sees in every kind of category, status notices,
pagination edges, notifications, and pinned query counts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from community import forum_selectors as selectors
from community import forum_services as services
from community.models import Category, Notification, Reaction, Subscription
from moderation.models import ContentStatus
from tests.community.forum_helpers import (
    ACTORS,
    READERS,
    forum_world,
    join,
    make_category,
    make_post,
    make_thread,
    reader,
)
from tests.factories import GroupFactory, MemberFactory

pytestmark = pytest.mark.django_db

KINDS = ("public", "members", "group")
AWAITING = "Awaiting review: only you and the moderators can see this for now."


@pytest.fixture
def world(db):
    return forum_world()


def _listed(page) -> list:
    return [row.thread for row in page.object_list]


# --- the visibility matrix ----------------------------------------------------------------------


@pytest.mark.parametrize("actor_name", ACTORS)
def test_category_list_shows_exactly_the_readable_categories(world, actor_name):
    listed = {row.category for row in selectors.categories_for_list(world.actors[actor_name])}
    for kind in KINDS:
        assert (world.categories[kind] in listed) is (actor_name in READERS[kind]), kind


def test_migrated_members_only_categories_are_hidden_from_visitors(db):
    slugs = {row.category.slug for row in selectors.categories_for_list(AnonymousUser())}
    assert "texting-and-waiting" in slugs
    assert "dating-and-relationships" not in slugs
    assert "friendship-family-work" not in slugs


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("actor_name", ACTORS)
def test_category_thread_and_reply_pages_answer_404_to_those_who_may_not_read(
    world, actor_name, kind
):
    actor = world.actors[actor_name]
    category, thread, post = (
        world.categories[kind],
        world.threads[kind],
        world.posts[kind],
    )
    if actor_name not in READERS[kind]:
        for fetch, key in (
            (selectors.get_category_for, category.slug),
            (selectors.get_thread_for, thread.pk),
            (selectors.get_post_for, post.pk),
        ):
            with pytest.raises(Http404):
                fetch(actor, key)
        return
    standing = selectors.get_category_for(actor, category.slug)
    assert standing.category == category
    assert _listed(selectors.threads_page(standing, 1)) == [thread]
    shown, thread_reader = selectors.get_thread_for(actor, thread.pk)
    assert shown == thread
    view = selectors.thread_view(thread_reader, shown, 1)
    assert view.opening.show_text is True
    assert [row.item for row in view.page.object_list] == [post]
    assert selectors.get_post_for(actor, post.pk)[0] == post


@pytest.mark.parametrize("actor_name", ACTORS)
def test_home_page_threads_are_only_from_readable_categories(world, actor_name):
    shown = {row.thread for row in selectors.recent_threads(world.actors[actor_name], limit=50)}
    for kind in KINDS:
        assert (world.threads[kind] in shown) is (actor_name in READERS[kind]), kind


def test_unknown_or_malformed_ids_and_slugs_are_404(world):
    member = world.actors["member"]
    with pytest.raises(Http404):
        selectors.get_category_for(member, "no-such-category")
    for bad in ("abc", "", None, "0", "-3", 0, 2**63, "1e3", "1.5"):
        with pytest.raises(Http404):
            selectors.get_thread_for(member, bad)
        with pytest.raises(Http404):
            selectors.get_post_for(member, bad)
    with pytest.raises(Http404):
        selectors.get_thread_for(member, world.posts["public"].pk + 1000)


def test_reply_in_a_thread_the_reader_may_not_see_is_404(world):
    thread = world.threads["public"]
    thread.status = ContentStatus.REMOVED
    thread.save()
    with pytest.raises(Http404):
        selectors.get_post_for(world.actors["member"], world.posts["public"].pk)
    assert selectors.get_post_for(world.actors["moderator"], world.posts["public"].pk)


# --- notifications ------------------------------------------------------------------------------


@pytest.mark.parametrize("actor_name", ACTORS)
def test_notifications_show_only_readable_categories(world, actor_name):
    actor = world.actors[actor_name]
    if actor_name != "visitor":
        Notification.objects.bulk_create(
            Notification(
                recipient=actor,
                kind=Notification.Kind.REPLY,
                thread=world.threads[kind],
                post=world.posts[kind],
            )
            for kind in KINDS
        )
    expected = {
        world.threads[kind]
        for kind in KINDS
        if actor_name in READERS[kind] and actor_name != "visitor"
    }
    if actor_name == "inactive_member":
        expected = set()
    page = selectors.notifications_page(actor, 1)
    assert {row.thread for row in page.object_list} == expected
    assert selectors.unread_notification_count(actor) == len(expected)


def test_member_who_leaves_the_group_no_longer_sees_or_counts_its_notifications(
    world, django_capture_on_commit_callbacks
):
    follower = world.actors["group_member"]
    forum, thread = world.categories["group"], world.threads["group"]
    services.thread_follow(reader=reader(follower, forum), thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.post_reply(
            reader=reader(world.author, forum), thread=thread, body="Checking in on you all."
        ).content
    assert reply.status == ContentStatus.PUBLISHED
    page = selectors.notifications_page(follower, 1)
    assert [row.post for row in page.object_list] == [reply]
    assert selectors.unread_notification_count(follower) == 1

    follower.group_memberships.update(state="left")
    assert list(selectors.notifications_page(follower, 1).object_list) == []
    assert selectors.unread_notification_count(follower) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(
            reader=reader(world.author, forum), thread=thread, body="Another small update."
        )
    assert Notification.objects.filter(recipient=follower).count() == 1


def test_notification_shows_an_anonymous_replier_as_anonymous(world):
    follower = world.actors["member"]
    thread = world.threads["public"]
    anonymous = make_post(thread, world.author, is_anonymous=True)
    Notification.objects.create(
        recipient=follower, kind=Notification.Kind.REPLY, thread=thread, post=anonymous
    )
    Notification.objects.create(
        recipient=world.actors["moderator"],
        kind=Notification.Kind.REPLY,
        thread=thread,
        post=anonymous,
    )
    (row,) = selectors.notifications_page(follower, 1).object_list
    assert (row.author_label, row.unread) == ("Anonymous member", True)
    (row,) = selectors.notifications_page(world.actors["moderator"], 1).object_list
    assert row.author_label == "Ari Author (posted anonymously)"


# --- held, removed and deleted ------------------------------------------------------------------


@pytest.fixture
def group_forum(world):
    return world.categories["group"]


def _thread_listing(actor, category, thread):
    rows = selectors.threads_page(reader(actor, category), 1).object_list
    return next((row for row in rows if row.thread == thread), None)


def test_held_thread_is_listed_for_its_author_and_moderators_with_a_notice(world, group_forum):
    held = make_thread(group_forum, world.author, status=ContentStatus.HELD)
    for name in ("facilitator", "moderator"):
        assert _thread_listing(world.actors[name], group_forum, held).notice == AWAITING
    assert _thread_listing(world.author, group_forum, held).notice == AWAITING
    assert _thread_listing(world.actors["group_member"], group_forum, held) is None
    with pytest.raises(Http404):
        selectors.get_thread_for(world.actors["group_member"], held.pk)
    shown, standing = selectors.get_thread_for(world.author, held.pk)
    view = selectors.thread_view(standing, shown, 1)
    assert (view.opening.show_text, view.opening.notice) == (True, AWAITING)
    assert view.may_reply is False


def test_held_reply_is_shown_to_its_author_and_moderators_only(world, group_forum):
    thread = world.threads["group"]
    held = make_post(thread, world.author, status=ContentStatus.HELD, body="Hard day today.")
    for actor in (world.author, world.actors["facilitator"], world.actors["moderator"]):
        view = selectors.thread_view(reader(actor, group_forum), thread, 1)
        row = next(row for row in view.page.object_list if row.item == held)
        assert (row.show_text, row.notice) == (True, AWAITING)
    view = selectors.thread_view(reader(world.actors["group_member"], group_forum), thread, 1)
    assert held not in [row.item for row in view.page.object_list]
    with pytest.raises(Http404):
        selectors.get_post_for(world.actors["group_member"], held.pk)
    assert selectors.get_post_for(world.author, held.pk)[0] == held


def test_removed_reply_shows_its_author_the_text_and_reason_but_never_others_the_text(
    world, group_forum
):
    thread = world.threads["group"]
    removed = make_post(
        thread,
        world.author,
        status=ContentStatus.REMOVED,
        removal_reason="Please don't share phone numbers.",
        body="Call me on 0700 900 123",
    )
    view = selectors.thread_view(reader(world.author, group_forum), thread, 1)
    mine = next(row for row in view.page.object_list if row.item == removed)
    assert mine.show_text is True
    assert mine.notice == "Removed by a moderator: Please don't share phone numbers."
    assert (mine.may_edit, mine.may_delete) == (False, False)

    view = selectors.thread_view(reader(world.actors["facilitator"], group_forum), thread, 1)
    row = next(row for row in view.page.object_list if row.item == removed)
    assert row.show_text is True

    view = selectors.thread_view(reader(world.actors["group_member"], group_forum), thread, 1)
    rows = [row for row in view.page.object_list if row.item == removed]
    # Others get either nothing or a placeholder: never the text, never the reason.
    assert all(row.show_text is False for row in rows)
    assert all(row.notice == "Removed by a moderator." for row in rows)
    with pytest.raises(Http404):
        selectors.get_post_for(world.actors["group_member"], removed.pk)


def test_removed_thread_is_404_for_others_but_kept_for_its_author(world, group_forum):
    removed = make_thread(
        group_forum, world.author, status=ContentStatus.REMOVED, removal_reason="Off topic."
    )
    with pytest.raises(Http404):
        selectors.get_thread_for(world.actors["group_member"], removed.pk)
    assert _thread_listing(world.actors["group_member"], group_forum, removed) is None
    listing = _thread_listing(world.author, group_forum, removed)
    assert listing.notice == "Removed by a moderator: Off topic."
    shown, standing = selectors.get_thread_for(world.author, removed.pk)
    assert selectors.thread_view(standing, shown, 1).opening.show_text is True


def test_deleted_thread_leaves_the_list_and_shows_no_text_except_to_moderators(world, group_forum):
    thread = world.threads["group"]
    thread.status = ContentStatus.DELETED
    thread.save()
    for actor in (world.author, world.actors["group_member"]):
        assert _thread_listing(actor, group_forum, thread) is None
        shown, standing = selectors.get_thread_for(actor, thread.pk)
        view = selectors.thread_view(standing, shown, 1)
        assert (view.opening.show_text, view.opening.notice) == (False, "Deleted by its author.")
        assert view.may_reply is False
    listing = _thread_listing(world.actors["moderator"], group_forum, thread)
    assert listing.notice == "Deleted by its author."
    shown, standing = selectors.get_thread_for(world.actors["facilitator"], thread.pk)
    assert selectors.thread_view(standing, shown, 1).opening.show_text is True
    # A deleted thread no longer counts in the category list or on the home page.
    listed = {
        row.category: row.thread_count
        for row in selectors.categories_for_list(world.actors["group_member"])
    }
    assert listed[group_forum] == 0
    assert thread not in [row.thread for row in selectors.recent_threads(world.author)]


def test_deleted_reply_is_a_placeholder_without_text(world, group_forum):
    thread = world.threads["group"]
    deleted = make_post(thread, world.author, status=ContentStatus.DELETED, body="Never mind.")
    for actor in (world.author, world.actors["group_member"]):
        view = selectors.thread_view(reader(actor, group_forum), thread, 1)
        row = next(row for row in view.page.object_list if row.item == deleted)
        assert (row.show_text, row.notice) == (False, "Deleted by its author.")
        assert (row.may_react, row.may_report, row.may_edit) == (False, False, False)


def test_category_list_counts_only_published_threads(world):
    category = world.categories["public"]
    make_thread(category, world.author, status=ContentStatus.HELD)
    make_thread(category, world.author, status=ContentStatus.REMOVED)
    listed = {row.category: row for row in selectors.categories_for_list(world.author)}
    assert listed[category].thread_count == 1
    assert listed[category].last_activity_at == world.threads["public"].last_activity_at


def test_reply_counts_in_the_thread_list_count_only_published_replies(world):
    category, thread = world.categories["public"], world.threads["public"]
    make_post(thread, world.author, status=ContentStatus.HELD)
    make_post(thread, world.author, status=ContentStatus.DELETED)
    (row,) = selectors.threads_page(reader(world.actors["moderator"], category), 1).object_list
    assert row.reply_count == 1


# --- reactions and standing in thread_view -----------------------------------------------------


def test_thread_view_counts_reactions_and_marks_the_readers_own(world):
    category, thread, post = (
        world.categories["public"],
        world.threads["public"],
        world.posts["public"],
    )
    member, other = world.actors["member"], world.actors["group_member"]
    Reaction.objects.create(member=member, kind=Reaction.Kind.HUG, post=post)
    Reaction.objects.create(member=other, kind=Reaction.Kind.HUG, post=post)
    Reaction.objects.create(member=other, kind=Reaction.Kind.PROUD, thread=thread)
    view = selectors.thread_view(reader(member, category), thread, 1)
    (reply,) = view.page.object_list
    counts = {row.kind: (row.count, row.mine) for row in reply.reactions}
    assert counts == {
        "hug": (2, True),
        "me_too": (0, False),
        "thank_you": (0, False),
        "proud": (0, False),
    }
    assert {row.kind: row.count for row in view.opening.reactions}["proud"] == 1
    visitor_view = selectors.thread_view(reader(AnonymousUser(), category), thread, 1)
    (reply,) = visitor_view.page.object_list
    assert [(row.kind, row.count, row.mine) for row in reply.reactions] == [("hug", 2, False)]
    assert (reply.may_react, reply.may_report) == (False, False)
    author_view = selectors.thread_view(reader(world.author, category), thread, 1)
    (reply,) = author_view.page.object_list
    assert (reply.may_react, reply.may_report, reply.may_edit, reply.may_delete) == (
        False,
        False,
        True,
        True,
    )


def test_thread_view_tells_whether_the_reader_follows(world):
    category, thread = world.categories["public"], world.threads["public"]
    member = world.actors["member"]
    assert selectors.thread_view(reader(member, category), thread, 1).subscribed is False
    Subscription.objects.create(member=member, thread=thread)
    assert selectors.thread_view(reader(member, category), thread, 1).subscribed is True
    assert selectors.thread_view(reader(AnonymousUser(), category), thread, 1).subscribed is False


# --- pagination ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 1), ("", 1), ("1", 1), ("2", 2), (" 3 ", 3), (7, 7)],
)
def test_page_number_reads_usable_numbers(raw, expected):
    assert selectors.page_number(raw) == expected


@pytest.mark.parametrize("raw", ["abc", "0", "-1", "1.5", "2x", "99999999999999999999", "1e2"])
def test_page_number_is_404_for_anything_else(raw):
    with pytest.raises(Http404):
        selectors.page_number(raw)


@pytest.fixture
def category(db):
    return make_category()


def _thread_with_replies(category, author, count):
    thread = make_thread(category, author)
    start = timezone.now()
    posts = [
        make_post(thread, author, created_at=start + timedelta(seconds=i)) for i in range(count)
    ]
    return thread, posts


@pytest.mark.parametrize(("replies", "pages"), [(0, 1), (20, 1), (21, 2), (40, 2), (41, 3)])
def test_a_thread_has_twenty_replies_a_page(category, member, replies, pages):
    thread, _posts = _thread_with_replies(category, member, replies)
    view = selectors.thread_view(reader(member, category), thread, 1)
    assert view.page.paginator.num_pages == pages
    last = selectors.thread_view(reader(member, category), thread, pages)
    assert len(last.page.object_list) == (replies - 20 * (pages - 1))
    with pytest.raises(Http404):
        selectors.thread_view(reader(member, category), thread, pages + 1)


def test_reply_page_number_follows_the_order_of_replies(category, member):
    thread, posts = _thread_with_replies(category, member, 21)
    standing = reader(member, category)
    assert selectors.post_page_number(standing, posts[0]) == 1
    assert selectors.post_page_number(standing, posts[19]) == 1
    assert selectors.post_page_number(standing, posts[20]) == 2
    view = selectors.thread_view(standing, thread, 2)
    assert [row.item for row in view.page.object_list] == [posts[20]]
    assert view.page.object_list[0].anchor == f"post-{posts[20].pk}"


def test_reply_page_number_skips_replies_the_reader_cannot_see(category, member, other_member):
    _thread, posts = _thread_with_replies(category, member, 21)
    posts[0].status = ContentStatus.HELD
    posts[0].save()
    assert selectors.post_page_number(reader(other_member, category), posts[20]) == 1
    assert selectors.post_page_number(reader(member, category), posts[20]) == 2


def test_threads_page_beyond_the_last_is_404_and_an_empty_category_has_page_one(category, member):
    standing = reader(member, category)
    assert list(selectors.threads_page(standing, 1).object_list) == []
    with pytest.raises(Http404):
        selectors.threads_page(standing, 2)
    for _ in range(26):
        make_thread(category, member)
    assert len(selectors.threads_page(standing, 2).object_list) == 1
    with pytest.raises(Http404):
        selectors.threads_page(standing, 3)


def test_pinned_threads_come_first_then_latest_activity(category, member):
    now = timezone.now()
    old_pinned = make_thread(category, member, last_activity_at=now - timedelta(days=9))
    newest = make_thread(category, member, last_activity_at=now)
    older = make_thread(category, member, last_activity_at=now - timedelta(days=1))
    services.thread_pin(
        reader=reader(MemberFactory(is_moderator=True), category), thread=old_pinned, pinned=True
    )
    assert _listed(selectors.threads_page(reader(member, category), 1)) == [
        old_pinned,
        newest,
        older,
    ]


def test_notifications_page_beyond_the_last_is_404(member):
    assert list(selectors.notifications_page(member, 1).object_list) == []
    with pytest.raises(Http404):
        selectors.notifications_page(member, 2)


# --- query counts -------------------------------------------------------------------------------


def _busy_thread(category, replies):
    """A thread with `replies` replies by as many authors, each with reactions from others."""
    authors = [MemberFactory() for _ in range(replies)]
    thread = make_thread(category, authors[0])
    start = timezone.now()
    posts = [
        make_post(thread, author, created_at=start + timedelta(seconds=i), is_anonymous=i % 3 == 0)
        for i, author in enumerate(authors)
    ]
    Reaction.objects.bulk_create(
        Reaction(member=authors[(i + shift) % replies], kind=kind, post=post)
        for i, post in enumerate(posts)
        for shift, kind in ((1, "hug"), (2, "me_too"), (3, "proud"))
    )
    Reaction.objects.bulk_create(
        Reaction(member=author, kind="thank_you", thread=thread) for author in authors[1:]
    )
    return thread


@pytest.mark.parametrize("replies", [5, 50])
@pytest.mark.parametrize("kind", ["public", "group"])
def test_thread_page_costs_four_queries_however_many_replies(
    django_assert_num_queries, replies, kind
):
    group = GroupFactory()
    category = make_category(kind, group=group if kind == "group" else None)
    thread = _busy_thread(category, replies)
    member = MemberFactory()
    join(group, member)
    Subscription.objects.create(member=member, thread=thread)
    shown, standing = selectors.get_thread_for(member, thread.pk)
    with django_assert_num_queries(4):
        view = selectors.thread_view(standing, shown, 1)
        rendered = [
            (row.author_label, row.notice, [(r.count, r.mine) for r in row.reactions])
            for row in [view.opening, *view.page.object_list]
        ]
    assert len(rendered) == 1 + min(replies, 20)
    assert view.subscribed is True


@pytest.mark.parametrize("replies", [5, 50])
def test_thread_page_for_a_visitor_costs_three_queries(django_assert_num_queries, replies):
    category = make_category()
    thread = _busy_thread(category, replies)
    shown, standing = selectors.get_thread_for(AnonymousUser(), thread.pk)
    with django_assert_num_queries(3):
        selectors.thread_view(standing, shown, 1)


@pytest.mark.parametrize("count", [5, 50])
def test_category_page_costs_two_queries_however_many_threads(django_assert_num_queries, count):
    group = GroupFactory()
    category = make_category(Category.Visibility.GROUP, group=group)
    member = MemberFactory()
    join(group, member)
    for i in range(count):
        thread = make_thread(category, MemberFactory(), is_anonymous=i % 2 == 0)
        make_post(thread, member)
    standing = selectors.get_category_for(member, category.slug)
    with django_assert_num_queries(2):
        page = selectors.threads_page(standing, 1)
        labels = [(row.author_label, row.reply_count) for row in page.object_list]
    assert len(labels) == min(count, 25)


@pytest.mark.parametrize("count", [5, 50])
def test_home_page_and_category_list_cost_one_query_each(django_assert_num_queries, count):
    member = MemberFactory()
    for _ in range(count):
        group = GroupFactory()
        join(group, member)
        make_thread(make_category(Category.Visibility.GROUP, group=group), MemberFactory())
    with django_assert_num_queries(1):
        rows = selectors.recent_threads(member, limit=10)
        labels = [row.author_label for row in rows]
    assert len(labels) == min(count, 10)
    with django_assert_num_queries(1):
        assert len(selectors.categories_for_list(member)) >= count


@pytest.mark.parametrize("count", [5, 50])
def test_notifications_cost_fixed_queries(django_assert_num_queries, count):
    member = MemberFactory()
    category = make_category()
    thread = make_thread(category, member)
    Notification.objects.bulk_create(
        Notification(
            recipient=member,
            kind=Notification.Kind.REPLY,
            thread=thread,
            post=make_post(thread, MemberFactory()),
        )
        for _ in range(count)
    )
    with django_assert_num_queries(2):
        page = selectors.notifications_page(member, 1)
        labels = [(row.author_label, row.thread.title) for row in page.object_list]
    assert len(labels) == min(count, 30)
    with django_assert_num_queries(1):
        assert selectors.unread_notification_count(member) == count
