"""Nobody decides about their own words: items about a person are out of their own queue, they
can't publish or restore their own held or removed content, and only moderators learn who
reported something."""

import pytest
from django.core.exceptions import PermissionDenied

from community.models import Category
from moderation import permissions, queue_selectors, services
from moderation.models import ContentStatus, Report
from tests.community.forum_helpers import make_category, make_thread
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return make_category(Category.Visibility.PUBLIC)


def test_a_moderator_cannot_approve_their_own_held_thread(moderator, category):
    held = make_thread(category, moderator, status=ContentStatus.HELD)
    with pytest.raises(PermissionDenied, match="your own words"):
        services.content_approve(actor=moderator, content=held)
    held.refresh_from_db()
    assert held.status == ContentStatus.HELD
    services.content_approve(actor=MemberFactory(is_moderator=True), content=held)
    held.refresh_from_db()
    assert held.status == ContentStatus.PUBLISHED


def test_a_moderator_cannot_restore_their_own_removed_thread(moderator, category):
    other = MemberFactory(is_moderator=True)
    thread = make_thread(category, moderator)
    services.content_remove(actor=other, content=thread, reason="Off topic.")
    with pytest.raises(PermissionDenied):
        services.content_restore(actor=moderator, content=thread)
    thread.refresh_from_db()
    assert thread.status == ContentStatus.REMOVED


def test_items_about_you_are_not_in_your_queue_but_are_in_others(moderator, member, category):
    thread = make_thread(category, moderator)
    services.content_report(actor=member, content=thread, reason=Report.Reason.SPAM)
    other = MemberFactory(is_moderator=True)
    assert not queue_selectors.queue_scope(moderator).filter(member=moderator).exists()
    [item] = queue_selectors.queue_scope(other).filter(member=moderator)
    assert not permissions.can_work_queue_item(moderator, item)
    assert permissions.can_work_queue_item(other, item)
    with pytest.raises(PermissionDenied):
        services.queue_item_resolve(actor=moderator, item=item, resolution="no_action")


def test_only_moderators_learn_who_reported(moderator, member):
    assert permissions.can_see_reporters(moderator)
    assert not permissions.can_see_reporters(member)
