"""community.forum_permissions: who reads, writes and moderates in each kind of forum, and what
each reader may do with one thread or reply."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from community import forum_permissions as permissions
from community.models import Category
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

MODERATING = {
    "public": {"moderator"},
    "members": {"moderator"},
    "group": {"moderator", "facilitator"},
}


@pytest.fixture
def world(db):
    return forum_world()


@pytest.mark.parametrize("kind", ["public", "members", "group"])
@pytest.mark.parametrize("actor_name", ACTORS)
def test_standing_in_each_kind_of_category(world, kind, actor_name):
    actor = world.actors[actor_name]
    standing = reader(actor, world.categories[kind])
    assert standing.can_read is (actor_name in READERS[kind])
    assert standing.moderating is (actor_name in MODERATING[kind])
    may_write = actor_name in READERS[kind] and actor_name != "visitor"
    assert standing.can_post is (may_write and actor_name != "inactive_member")


@pytest.mark.parametrize("kind", ["public", "members", "group"])
@pytest.mark.parametrize("actor_name", ACTORS)
def test_readable_categories_filter_agrees_with_the_reader(world, kind, actor_name):
    actor = world.actors[actor_name]
    category = world.categories[kind]
    listed = Category.objects.filter(permissions.readable_categories_q(actor), pk=category.pk)
    assert listed.exists() is reader(actor, category).can_read


def test_facilitator_of_another_group_neither_reads_nor_moderates_this_forum(world):
    elsewhere = MemberFactory()
    join(GroupFactory(), elsewhere, role="facilitator")
    standing = reader(elsewhere, world.categories["group"])
    assert (standing.can_read, standing.moderating) == (False, False)


def test_facilitator_who_left_no_longer_moderates_the_group_forum(world):
    facilitator = world.actors["facilitator"]
    facilitator.group_memberships.update(state="left")
    standing = reader(facilitator, world.categories["group"])
    assert (standing.can_read, standing.moderating) == (False, False)


# --- per-item rules -----------------------------------------------------------------------------


@pytest.fixture
def category(db):
    return make_category()


@pytest.mark.parametrize(
    ("status", "author_sees", "others_see", "author_sees_text", "moderator_sees_text"),
    [
        (ContentStatus.PUBLISHED, True, True, True, True),
        (ContentStatus.HELD, True, False, True, True),
        (ContentStatus.REMOVED, True, False, True, True),
        (ContentStatus.DELETED, True, True, False, True),
    ],
)
def test_who_sees_an_item_and_its_text_by_status(
    category,
    member,
    other_member,
    moderator,
    status,
    author_sees,
    others_see,
    author_sees_text,
    moderator_sees_text,
):
    thread = make_thread(category, member, status=status)
    author, other, mod = (reader(a, category) for a in (member, other_member, moderator))
    assert author.sees(thread) is author_sees
    assert other.sees(thread) is others_see
    assert mod.sees(thread) is True
    assert author.sees_text(thread) is author_sees_text
    assert other.sees_text(thread) is (status == ContentStatus.PUBLISHED)
    assert reader(AnonymousUser(), category).sees_text(thread) is (
        status == ContentStatus.PUBLISHED
    )
    assert mod.sees_text(thread) is moderator_sees_text


@pytest.mark.parametrize(
    ("status", "may_change"),
    [
        (ContentStatus.PUBLISHED, True),
        (ContentStatus.HELD, True),
        (ContentStatus.REMOVED, False),
        (ContentStatus.DELETED, False),
    ],
)
def test_only_the_author_edits_and_deletes_open_items(
    category, member, other_member, moderator, status, may_change
):
    thread = make_thread(category, member, status=status)
    author = reader(member, category)
    assert author.may_edit(thread, thread) is may_change
    assert author.may_delete(thread) is may_change
    for someone in (other_member, moderator, AnonymousUser()):
        assert reader(someone, category).may_edit(thread, thread) is False
        assert reader(someone, category).may_delete(thread) is False


def test_a_locked_thread_stops_edits_by_members_but_not_by_moderators(category, member, moderator):
    thread = make_thread(category, moderator, is_locked=True)
    reply = make_post(thread, member)
    own = make_post(thread, moderator)
    assert reader(member, category).may_edit(reply, thread) is False
    assert reader(moderator, category).may_edit(own, thread) is True
    with pytest.raises(PermissionDenied, match="locked"):
        permissions.check_edit(reader(member, category), reply, thread)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (ContentStatus.PUBLISHED, True),
        (ContentStatus.HELD, False),
        (ContentStatus.REMOVED, False),
        (ContentStatus.DELETED, False),
    ],
)
def test_reactions_and_reports_are_for_other_peoples_published_items(
    category, member, other_member, moderator, status, allowed
):
    thread = make_thread(category, other_member, status=status)
    for someone in (member, moderator):
        standing = reader(someone, category)
        assert standing.may_react(thread) is allowed
        assert standing.may_report(thread) is allowed
    assert reader(other_member, category).may_react(thread) is False
    assert reader(other_member, category).may_report(thread) is False
    assert reader(AnonymousUser(), category).may_react(thread) is False


def test_own_post_reports_and_reactions_are_refused_with_a_kind_reason(category, member):
    thread = make_thread(category, member)
    standing = reader(member, category)
    with pytest.raises(PermissionDenied, match="own post"):
        permissions.check_report(standing, thread)
    with pytest.raises(PermissionDenied, match="other people"):
        permissions.check_react(standing, thread)


@pytest.mark.parametrize(
    ("status", "locked", "member_may", "moderator_may"),
    [
        (ContentStatus.PUBLISHED, False, True, True),
        (ContentStatus.PUBLISHED, True, False, True),
        (ContentStatus.HELD, False, False, False),
        (ContentStatus.REMOVED, False, False, False),
        (ContentStatus.DELETED, False, False, False),
    ],
)
def test_who_may_reply(category, member, moderator, status, locked, member_may, moderator_may):
    thread = make_thread(category, member, status=status, is_locked=locked)
    assert reader(member, category).may_reply(thread) is member_may
    assert reader(moderator, category).may_reply(thread) is moderator_may
    assert reader(AnonymousUser(), category).may_reply(thread) is False


def test_locked_and_closed_threads_say_why_a_reply_is_refused(category, member):
    locked = make_thread(category, member, is_locked=True)
    held = make_thread(category, member, status=ContentStatus.HELD)
    with pytest.raises(PermissionDenied, match="locked"):
        permissions.check_reply(reader(member, category), locked)
    with pytest.raises(PermissionDenied, match="isn't open for replies"):
        permissions.check_reply(reader(member, category), held)


def test_lock_pin_and_history_are_for_moderators_and_the_groups_facilitator(world):
    group_forum, public = world.categories["group"], world.categories["public"]
    facilitator = world.actors["facilitator"]
    assert reader(facilitator, group_forum).may_lock_or_pin() is True
    assert reader(facilitator, group_forum).may_see_history() is True
    assert reader(facilitator, public).may_lock_or_pin() is False
    assert reader(world.actors["moderator"], public).may_lock_or_pin() is True
    for name in ("member", "group_member", "visitor"):
        standing = reader(world.actors[name], group_forum)
        assert standing.may_lock_or_pin() is False
        assert standing.may_see_history() is False
    with pytest.raises(PermissionDenied):
        permissions.check_lock_or_pin(reader(world.actors["group_member"], group_forum))


def test_anonymous_author_is_named_only_to_themselves_and_moderators(world):
    forum = world.categories["group"]
    author = world.actors["group_member"]
    thread = make_thread(forum, author, is_anonymous=True)
    labels = {
        name: reader(world.actors[name], forum).author_label(thread)
        for name in ("group_member", "facilitator", "moderator", "visitor")
    }
    labels["another_group_member"] = reader(world.author, forum).author_label(thread)
    assert labels == {
        "group_member": "You (anonymous to others)",
        "facilitator": "Gus Groupmember (posted anonymously)",
        "moderator": "Gus Groupmember (posted anonymously)",
        "visitor": "Anonymous member",
        "another_group_member": "Anonymous member",
    }
    assert reader(world.author, forum).author_visible(thread) is False
    assert reader(world.actors["moderator"], forum).author_visible(thread) is True


def test_named_author_is_shown_to_everyone(category, member):
    thread = make_thread(category, member)
    standing = reader(AnonymousUser(), category)
    assert standing.author_label(thread) == "Robin Test"
    assert standing.author_visible(thread) is True
