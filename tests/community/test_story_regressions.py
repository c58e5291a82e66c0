"""Regression tests for story bugs found in review: a returned or never-published story can't
be published by a generic approve or a restore, a crisis item on a draft can be resolved,
removal changes the state in the same transaction, and a review item shows the current words."""

import pytest
from django.utils import timezone

from community import story_selectors as selectors
from community import story_services as services
from community.models import Story
from moderation import services as moderation_services
from moderation.models import ContentStatus, QueueItem
from moderation.services import ModerationConflict
from tests.community.story_helpers import open_reasons, queue_items, refreshed, settled, write
from tests.moderation.conftest import CONCERN_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db
NOTE = "Could you leave out your ex's workplace? Then it can go up."


@pytest.fixture
def author(db):
    return settled(pseudonym="Ari Author")


def test_generic_approve_must_not_publish_a_returned_story(author, moderator):
    """Admin "Approve" (moderation.admin ModeratedContentAdmin.approve) and any generic door call
    content_approve; a returned story is HELD, and Story.before_publish lets RETURNED through."""
    story = write(author).story
    services.story_return(actor=moderator, story=story, note=NOTE)
    with pytest.raises(ModerationConflict):
        moderation_services.content_approve(actor=moderator, content=refreshed(story))
    assert refreshed(story).state == Story.State.RETURNED


def test_stale_story_approve_must_not_publish_a_story_returned_meanwhile(author, moderator):
    """story_approve checks the caller's copy of the state, then content_approve locks and only
    checks status (HELD for returned too)."""
    story = write(author).story  # the moderator's page was loaded now
    services.story_return(actor=moderator, story=refreshed(story), note=NOTE)  # another tab
    with pytest.raises(ModerationConflict):
        services.story_approve(actor=moderator, story=story)
    assert refreshed(story).state == Story.State.RETURNED


def test_restoring_a_removed_draft_must_not_publish_it(
    author, moderator, django_capture_on_commit_callbacks
):
    """A private draft with crisis words could once only leave the queue by being removed;
    content_restore then publishes words the author never sent in (audience everyone)."""
    draft = write(author, body=URGENT_TEXT, send_for_review=False).story
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.content_remove(
            actor=moderator, content=refreshed(draft), reason="Checking in with you."
        )
    assert refreshed(draft).state == Story.State.REMOVED
    try:
        with django_capture_on_commit_callbacks(execute=True):
            moderation_services.content_restore(actor=moderator, content=refreshed(draft))
    except ModerationConflict:
        pass
    story = refreshed(draft)
    assert story.status != ContentStatus.PUBLISHED
    assert selectors.feed_stories() == []


def test_restoring_a_story_removed_before_approval_must_not_skip_review(
    author, moderator, django_capture_on_commit_callbacks
):
    story = write(author).story
    with django_capture_on_commit_callbacks(execute=True):
        services.story_remove(actor=moderator, story=story, reason="Names a workplace.")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            moderation_services.content_restore(actor=moderator, content=refreshed(story))
    except ModerationConflict:
        pass
    assert refreshed(story).status != ContentStatus.PUBLISHED


@pytest.mark.parametrize("where", ["draft", "returned"])
def test_a_crisis_item_on_a_draft_or_returned_story_can_be_resolved(author, moderator, where):
    """queue_item_resolve refuses while the content is HELD ("Approve it or remove it"), and a
    draft or returned story is always HELD: support_offered can never be recorded."""
    if where == "draft":
        story = write(author, body=URGENT_TEXT, send_for_review=False).story
    else:
        story = write(author, body=CONCERN_TEXT).story
        services.story_return(actor=moderator, story=story, note=NOTE)
    item = queue_items(story).exclude(state=QueueItem.State.RESOLVED).get()
    moderation_services.queue_item_resolve(
        actor=moderator,
        item=item,
        resolution=QueueItem.Resolution.SUPPORT_OFFERED,
        note="Checked in with them.",
    )
    assert open_reasons(story) == []
    assert refreshed(story).state == where


def test_the_review_item_shows_the_text_the_moderator_must_now_review(author, moderator):
    """Editing a story awaiting review keeps the open review item (good) but its snapshot still
    holds the first text, so the dashboard shows words that are no longer the story."""
    story = write(author).story
    write(author, story=refreshed(story), title="New title", body="Different words now.")
    item = queue_items(story).get()
    assert "Different words now." in item.snapshot


def test_restoring_keeps_the_first_publication_date(
    author, moderator, django_capture_on_commit_callbacks
):
    story = write(author).story
    with django_capture_on_commit_callbacks(execute=True):
        services.story_approve(actor=moderator, story=story)
    first = refreshed(story).published_at
    with django_capture_on_commit_callbacks(execute=True):
        services.story_remove(actor=moderator, story=refreshed(story), reason="Checking.")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.content_restore(actor=moderator, content=refreshed(story))
    assert refreshed(story).published_at == first


def test_removal_state_is_stored_with_the_removal_not_after_commit(author, moderator):
    """Without the on-commit hook (process ends after commit) the story stays PUBLISHED+REMOVED:
    still featured and editable by its author, who can send the removed text back to review."""
    story = write(author).story
    services.story_approve(actor=moderator, story=story)  # callbacks not run
    Story.objects.filter(pk=story.pk).update(
        state=Story.State.PUBLISHED, status=ContentStatus.PUBLISHED, published_at=timezone.now()
    )
    services.story_feature(actor=moderator, story=refreshed(story), featured=True)
    services.story_remove(actor=moderator, story=refreshed(story), reason="Checking.")
    current = refreshed(story)
    assert current.state == Story.State.REMOVED
    assert not current.is_featured
