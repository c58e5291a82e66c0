"""community.story_services: writing, sending for review, editing, the moderators' decisions
(publish, return with a note, remove, restore, feature), deletion by the author, screening and
"this gave me hope". Every state change is tried by every role: only the author writes, only
moderators review (a facilitator of a group is not a story reviewer)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.utils import timezone

from community import story_selectors as selectors
from community import story_services as services
from community.models import Notification, Story, StoryReaction
from community.story_services import StoryActionRefused
from moderation import services as moderation_services
from moderation.models import (
    ContentRevision,
    ContentStatus,
    ModerationAction,
    QueueItem,
    Sanction,
    Signpost,
)
from moderation.pipeline import ContentRefused, Refusal
from moderation.services import ModerationConflict
from tests.community.forum_helpers import join
from tests.community.story_helpers import (
    STATES,
    STORY_BODY,
    STORY_TITLE,
    make_story,
    open_reasons,
    queue_items,
    refreshed,
    settled,
    write,
)
from tests.factories import GroupFactory, MemberFactory, WatchedWordFactory
from tests.moderation.conftest import CONCERN_TEXT, SOMEONE_ELSE_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db

NOTE = "Thank you for sharing this. Could you leave out your ex's workplace? Then it can go up."
REASON = "This names another person, so we took it down. You're welcome to share it again."
# Everyone but the author, who must not change someone else's story.
NOT_THE_AUTHOR = ("other_member", "moderator", "facilitator", "visitor")
# Everyone but a moderator, who must not decide about stories.
NOT_A_REVIEWER = ("author", "other_member", "facilitator", "visitor")


@pytest.fixture
def author(db):
    return settled(pseudonym="Ari Author")


@pytest.fixture
def reader(db):
    return settled(pseudonym="Rue Reader")


@pytest.fixture
def facilitator(db):
    person = settled(pseudonym="Fay Facilitator")
    join(GroupFactory(), person, role="facilitator")
    return person


@pytest.fixture
def actors(author, reader, moderator, facilitator):
    return {
        "author": author,
        "other_member": reader,
        "moderator": moderator,
        "facilitator": facilitator,
        "visitor": AnonymousUser(),
    }


@pytest.fixture
def sent(author):
    """A story its author has sent in for review."""
    return write(author).story


def _approve(moderator, story, capture):
    with capture(execute=True):
        return services.story_approve(actor=moderator, story=story)


@pytest.fixture
def published(sent, moderator, django_capture_on_commit_callbacks):
    return _approve(moderator, sent, django_capture_on_commit_callbacks)


def _notifications(author, kind=None):
    rows = Notification.objects.filter(recipient=author)
    return rows.filter(kind=kind) if kind else rows


def _audit(story, verb):
    return ModerationAction.objects.filter(
        verb=verb, content_type=moderation_services.content_type_for(story), object_id=story.pk
    )


def _suspend(member):
    return Sanction.objects.create(
        member=member,
        kind=Sanction.Kind.SUSPEND,
        reason="Please take a short break from posting.",
        ends_at=timezone.now() + timedelta(hours=2),
        created_by=MemberFactory(is_moderator=True),
    )


# --- writing and sending in --------------------------------------------------------------------


def test_new_story_waits_for_review_with_one_review_item(author):
    saved = write(author, tags=["calmer-when-waiting", "kinder-self-talk"])
    story = refreshed(saved.story)
    assert saved.submitted
    assert story.state == Story.State.SUBMITTED
    assert story.status == ContentStatus.HELD
    assert story.submitted_at is not None
    assert story.published_at is None
    assert story.title == STORY_TITLE
    assert story.body == STORY_BODY
    assert story.body_html.startswith("<p>Six months ago")
    assert {tag.slug for tag in story.tags.all()} == {"calmer-when-waiting", "kinder-self-talk"}
    assert saved.decision.queue_reason == QueueItem.Reason.REVIEW
    assert saved.decision.signpost is None
    assert open_reasons(story) == [QueueItem.Reason.REVIEW]
    item = queue_items(story).get()
    assert item.snapshot == f"{STORY_TITLE}\n\n{STORY_BODY}"
    assert item.group is None
    assert _audit(story, ModerationAction.Verb.CONTENT_HELD).count() == 1


def test_new_draft_stays_private_with_no_queue_item(author, moderator, reader):
    saved = write(author, send_for_review=False)
    story = refreshed(saved.story)
    assert not saved.submitted
    assert story.state == Story.State.DRAFT
    assert story.status == ContentStatus.HELD
    assert story.submitted_at is None
    assert not queue_items(story).exists()
    assert not ModerationAction.objects.exists()
    assert selectors.my_stories(author) == [story]
    for actor in (moderator, reader):
        assert selectors.stories_page(actor, 1).object_list == []
    assert selectors.stories_awaiting_review(moderator) == []


def test_draft_with_urgent_words_still_reaches_moderators_and_signposts_the_author(author):
    saved = write(author, body=URGENT_TEXT, send_for_review=False)
    story = refreshed(saved.story)
    assert story.state == Story.State.DRAFT
    assert story.status == ContentStatus.HELD
    assert open_reasons(story) == [QueueItem.Reason.CRISIS_URGENT]
    assert saved.decision.signpost is not None
    assert saved.decision.signpost.tier == "urgent"
    signpost = Signpost.objects.get(member=author)
    assert signpost.tier == Signpost.Tier.URGENT
    assert signpost.content == story


def test_draft_with_concern_words_reaches_moderators_and_signposts_the_author(author):
    story = write(author, body=CONCERN_TEXT, send_for_review=False).story
    assert refreshed(story).state == Story.State.DRAFT
    assert open_reasons(story) == [QueueItem.Reason.CRISIS_CONCERN]
    assert Signpost.objects.get(member=author).tier == Signpost.Tier.CONCERN


def test_draft_about_someone_else_shows_helper_resources_but_queues_nothing(author):
    saved = write(author, body=SOMEONE_ELSE_TEXT, send_for_review=False)
    assert saved.decision.signpost is not None
    assert not queue_items(saved.story).exists()
    assert Signpost.objects.get(member=author).content == saved.story


def test_draft_sent_in_later_waits_for_review(author):
    draft = write(author, send_for_review=False).story
    saved = write(author, story=draft, title="Now I'm ready", send_for_review=True)
    story = refreshed(saved.story)
    assert story.pk == draft.pk
    assert story.state == Story.State.SUBMITTED
    assert story.submitted_at is not None
    assert story.title == "Now I'm ready"
    assert open_reasons(story) == [QueueItem.Reason.REVIEW]


def test_draft_saved_again_as_a_draft_stays_a_draft(author):
    draft = write(author, send_for_review=False).story
    saved = write(author, story=draft, body="Still writing this one.", send_for_review=False)
    assert refreshed(saved.story).state == Story.State.DRAFT
    assert not queue_items(draft).exists()


def test_editing_a_story_awaiting_review_keeps_one_open_review_item(author, sent):
    saved = write(author, story=sent, title="A calmer title", send_for_review=False)
    story = refreshed(saved.story)
    assert story.state == Story.State.SUBMITTED
    assert story.title == "A calmer title"
    assert story.edited_at is not None
    assert open_reasons(story) == [QueueItem.Reason.REVIEW]
    assert queue_items(story).count() == 1
    assert ContentRevision.objects.get(object_id=story.pk).title == STORY_TITLE


def test_editing_a_published_story_sends_it_back_to_review_and_keeps_the_old_version(
    author, reader, moderator, published, django_capture_on_commit_callbacks
):
    services.story_feature(actor=moderator, story=published, featured=True)
    saved = write(
        author, story=published, title="A new title", body="New words.", send_for_review=False
    )
    story = refreshed(saved.story)
    assert saved.submitted
    assert story.state == Story.State.SUBMITTED
    assert story.status == ContentStatus.HELD
    revision = ContentRevision.objects.get(
        content_type=moderation_services.content_type_for(story), object_id=story.pk
    )
    assert (revision.title, revision.body, revision.editor) == (STORY_TITLE, STORY_BODY, author)
    assert open_reasons(story) == [QueueItem.Reason.REVIEW]
    # Hidden from everyone else's lists until a moderator reads it again.
    for actor in (AnonymousUser(), reader, moderator):
        assert selectors.stories_page(actor, 1).object_list == []
        assert selectors.featured_stories(actor) == []
    for actor in (AnonymousUser(), reader):
        with pytest.raises(Http404):
            selectors.get_story_for(actor, story.pk)
    assert selectors.feed_stories() == []
    assert story in selectors.stories_awaiting_review(moderator)

    again = _approve(moderator, story, django_capture_on_commit_callbacks)
    assert again.state == Story.State.PUBLISHED
    assert [row.story.title for row in selectors.stories_page(reader, 1).object_list] == [
        "A new title"
    ]
    assert _notifications(author, Notification.Kind.STORY_PUBLISHED).count() == 1


def test_returned_story_edited_is_sent_again_with_a_new_review_item(author, moderator, sent):
    services.story_return(actor=moderator, story=sent, note=NOTE)
    saved = write(author, story=refreshed(sent), body="I changed the part about work.")
    story = refreshed(saved.story)
    assert story.state == Story.State.SUBMITTED
    assert story.return_note == ""
    items = list(queue_items(story))
    assert [(i.reason, i.state, i.resolution) for i in items] == [
        (QueueItem.Reason.REVIEW, QueueItem.State.RESOLVED, QueueItem.Resolution.RETURNED),
        (QueueItem.Reason.REVIEW, QueueItem.State.OPEN, ""),
    ]


def test_returned_story_saved_as_a_draft_is_still_sent_for_review(author, moderator, sent):
    """Only a draft can stay a draft."""
    services.story_return(actor=moderator, story=sent, note=NOTE)
    saved = write(author, story=refreshed(sent), send_for_review=False)
    assert refreshed(saved.story).state == Story.State.SUBMITTED


@pytest.mark.parametrize("state", ["draft", "submitted", "published", "returned"])
@pytest.mark.parametrize("who", NOT_THE_AUTHOR)
def test_only_the_author_can_change_a_story(actors, author, who, state):
    story = make_story(author, state=state)
    with pytest.raises(PermissionDenied):
        write(actors[who], story=story, title="Someone else's words")
    assert refreshed(story).title == story.title
    assert not ContentRevision.objects.exists()


@pytest.mark.parametrize("state", ["removed", "deleted"])
def test_removed_or_deleted_story_cannot_be_changed_even_by_its_author(author, state):
    story = make_story(author, state=state)
    with pytest.raises(PermissionDenied):
        write(author, story=story, title="Trying again")
    assert refreshed(story).state == state


def test_story_changed_to_removed_while_editing_is_refused_without_changes(author, sent):
    """The author's page is stale: the edit is checked again under the lock."""
    Story.objects.filter(pk=sent.pk).update(state=Story.State.REMOVED)
    with pytest.raises(StoryActionRefused):
        write(author, story=sent, title="Too late")
    assert refreshed(sent).title == STORY_TITLE


@pytest.mark.parametrize("who", ["visitor", "inactive"])
def test_visitors_and_closed_accounts_cannot_write(who):
    actor = AnonymousUser() if who == "visitor" else settled(is_active=False)
    with pytest.raises(PermissionDenied):
        write(actor)
    assert not Story.objects.exists()


def test_moderators_own_stories_wait_for_review_too(moderator):
    saved = write(moderator)
    assert refreshed(saved.story).state == Story.State.SUBMITTED
    assert open_reasons(saved.story) == [QueueItem.Reason.REVIEW]
    assert saved.story in selectors.stories_awaiting_review(moderator)


def test_tags_are_checked_against_the_list(author):
    saved = write(
        author, tags=["kinder-self-talk", "kinder-self-talk", selectors.get_tag("started-therapy")]
    )
    assert {tag.slug for tag in saved.story.tags.all()} == {"kinder-self-talk", "started-therapy"}
    for bad in (["no-such-milestone"], [42], ["kinder-self-talk", "Kinder-Self-Talk"]):
        with pytest.raises(StoryActionRefused):
            write(author, tags=bad)
    assert Story.objects.count() == 1


def test_audience_and_content_warning_are_checked(author):
    with pytest.raises(StoryActionRefused):
        write(author, audience="friends")
    with pytest.raises(StoryActionRefused):
        write(author, content_warning="x" * 121)
    assert not Story.objects.exists()
    saved = write(
        author,
        audience=Story.Audience.MEMBERS,
        content_warning="  mentions   a breakup ",
        is_anonymous=True,
    )
    story = refreshed(saved.story)
    assert story.audience == Story.Audience.MEMBERS
    assert story.content_warning == "mentions a breakup"
    assert story.is_anonymous


# --- screening ---------------------------------------------------------------------------------


def test_urgent_words_hold_the_story_with_a_crisis_item_and_signpost_the_author(author, moderator):
    saved = write(author, body=URGENT_TEXT)
    story = refreshed(saved.story)
    assert story.state == Story.State.SUBMITTED
    assert story.status == ContentStatus.HELD
    assert open_reasons(story) == [QueueItem.Reason.CRISIS_URGENT]
    assert queue_items(story).get().priority == 0
    assert saved.decision.signpost.tier == "urgent"
    assert Signpost.objects.get(member=author, tier=Signpost.Tier.URGENT).content == story
    assert story in selectors.stories_awaiting_review(moderator)


def test_urgent_words_in_the_title_alone_are_caught(author):
    saved = write(author, title="Goodbye everyone, I have the pills ready tonight")
    assert QueueItem.Reason.CRISIS_URGENT in open_reasons(saved.story)
    assert saved.decision.signpost is not None


def test_concern_words_hold_the_story_with_a_concern_item(author):
    saved = write(author, body=CONCERN_TEXT)
    story = refreshed(saved.story)
    assert story.state == Story.State.SUBMITTED
    assert story.status == ContentStatus.HELD
    assert open_reasons(story) == [QueueItem.Reason.CRISIS_CONCERN]
    assert saved.decision.signpost.tier == "concern"
    assert Signpost.objects.filter(member=author, tier=Signpost.Tier.CONCERN).count() == 1


def test_blocked_watched_word_is_refused_and_nothing_is_stored(author):
    WatchedWordFactory(phrase="buy now", action="block", reason="Selling isn't allowed here.")
    with pytest.raises(ContentRefused) as refused:
        write(author, body="Buy now: my course cured my anxiety.")
    assert refused.value.decision.refusal == Refusal.WATCHED_WORD
    assert "Selling isn't allowed here." in refused.value.decision.message
    assert not Story.objects.exists()
    assert not QueueItem.objects.exists()


def test_blocked_watched_word_in_an_edit_changes_nothing(author, sent):
    WatchedWordFactory(phrase="buy now", action="block")
    with pytest.raises(ContentRefused):
        write(author, story=sent, body="Buy now!")
    story = refreshed(sent)
    assert story.body == STORY_BODY
    assert not ContentRevision.objects.exists()


def test_censored_word_in_the_title_is_masked(author):
    WatchedWordFactory(phrase="darn", action="censor")
    story = refreshed(write(author, title="That darn phone").story)
    assert "darn" not in story.title
    assert story.title.startswith("That ")
    assert story.title.endswith(" phone")


@pytest.mark.parametrize(
    ("title", "body", "refusal"),
    [
        ("x" * 151, STORY_BODY, Refusal.TOO_LONG),
        (STORY_TITLE, "y" * 20001, Refusal.TOO_LONG),
        ("   ", STORY_BODY, Refusal.EMPTY),
        (STORY_TITLE, "  \n ", Refusal.EMPTY),
    ],
)
def test_empty_or_too_long_story_is_refused_and_nothing_is_stored(author, title, body, refusal):
    with pytest.raises(ContentRefused) as refused:
        write(author, title=title, body=body)
    assert refused.value.decision.refusal == refusal
    assert not Story.objects.exists()


@pytest.mark.parametrize("send_for_review", [True, False])
def test_suspended_member_is_refused_with_the_reason(author, send_for_review):
    _suspend(author)
    with pytest.raises(ContentRefused) as refused:
        write(author, send_for_review=send_for_review)
    assert refused.value.decision.refusal == Refusal.SUSPENDED
    assert "short break" in refused.value.decision.message
    assert not Story.objects.exists()


def test_suspended_members_cry_for_help_is_kept_for_moderators(author):
    _suspend(author)
    saved = write(author, body=URGENT_TEXT)
    assert open_reasons(saved.story) == [QueueItem.Reason.CRISIS_URGENT]
    assert saved.decision.signpost is not None


def test_stories_share_the_posting_rate_limit(author, moderator):
    for number in range(5):
        services.story_save(
            actor=author, title=f"Story {number}", body=STORY_BODY, send_for_review=False
        )
    with pytest.raises(ContentRefused) as refused:
        services.story_save(actor=author, title="One more", body=STORY_BODY)
    assert refused.value.decision.refusal == Refusal.RATE_LIMITED
    assert refused.value.decision.retry_after > 0
    assert Story.objects.filter(author=author).count() == 5
    for number in range(7):  # moderators are not rate limited
        services.story_save(actor=moderator, title=f"Mod {number}", body=STORY_BODY)


# --- approving ---------------------------------------------------------------------------------


def test_approving_publishes_the_story_and_tells_the_author_once(
    author, moderator, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        story = services.story_approve(actor=moderator, story=sent, note="Lovely.")
    assert callbacks
    story = refreshed(story)
    assert story.state == Story.State.PUBLISHED
    assert story.status == ContentStatus.PUBLISHED
    assert story.published_at is not None
    item = queue_items(story).get()
    assert (item.state, item.resolution, item.resolved_by) == (
        QueueItem.State.RESOLVED,
        QueueItem.Resolution.APPROVED,
        moderator,
    )
    assert _audit(story, ModerationAction.Verb.CONTENT_APPROVED).get().reason == "Lovely."
    notification = _notifications(author).get()
    assert (notification.kind, notification.story) == (Notification.Kind.STORY_PUBLISHED, story)
    with pytest.raises(ModerationConflict):
        _approve(moderator, story, django_capture_on_commit_callbacks)
    assert _notifications(author).count() == 1


def test_the_author_is_told_only_after_the_approval_is_stored(author, moderator, sent):
    services.story_approve(actor=moderator, story=sent)
    assert not _notifications(author).exists()


@pytest.mark.parametrize("state", ["draft", "returned", "published", "removed", "deleted"])
def test_only_a_story_awaiting_review_can_be_approved(author, moderator, state):
    story = make_story(author, state=state)
    with pytest.raises(ModerationConflict):
        services.story_approve(actor=moderator, story=story)
    assert refreshed(story).state == state


def test_a_draft_cannot_be_published_through_the_generic_approve_either(author, moderator):
    """The moderation dashboard and admin approve any held content: a draft is held."""
    draft = write(author, body=URGENT_TEXT, send_for_review=False).story
    with pytest.raises(ModerationConflict):
        moderation_services.content_approve(actor=moderator, content=refreshed(draft))
    story = refreshed(draft)
    assert (story.state, story.status) == (Story.State.DRAFT, ContentStatus.HELD)
    assert open_reasons(story) == [QueueItem.Reason.CRISIS_URGENT]


@pytest.mark.parametrize("who", NOT_A_REVIEWER)
def test_only_moderators_approve(actors, sent, who):
    with pytest.raises(PermissionDenied):
        services.story_approve(actor=actors[who], story=sent)
    with pytest.raises(PermissionDenied):
        moderation_services.content_approve(actor=actors[who], content=sent)
    assert refreshed(sent).state == Story.State.SUBMITTED
    assert open_reasons(sent) == [QueueItem.Reason.REVIEW]


def test_a_moderator_may_approve_a_story_with_crisis_words_after_reading_it(
    author, moderator, django_capture_on_commit_callbacks
):
    story = write(author, body=CONCERN_TEXT).story
    published = _approve(moderator, story, django_capture_on_commit_callbacks)
    assert refreshed(published).state == Story.State.PUBLISHED
    # The words are out; the author still waits for a moderator's own answer to the concern.
    assert open_reasons(story) == [QueueItem.Reason.CRISIS_CONCERN]


# --- returning with a note ---------------------------------------------------------------------


def test_returning_gives_the_story_back_with_a_note(
    author, reader, moderator, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.story_return(actor=moderator, story=sent, note=f"  {NOTE}  ")
    story = refreshed(sent)
    assert story.state == Story.State.RETURNED
    assert story.status == ContentStatus.HELD
    assert story.return_note == NOTE
    item = queue_items(story).get()
    assert (item.state, item.resolution, item.resolution_note, item.resolved_by) == (
        QueueItem.State.RESOLVED,
        QueueItem.Resolution.RETURNED,
        NOTE,
        moderator,
    )
    audit = _audit(story, ModerationAction.Verb.STORY_RETURNED).get()
    assert (audit.actor, audit.member, audit.reason) == (moderator, author, NOTE)
    notification = _notifications(author).get()
    assert (notification.kind, notification.story) == (Notification.Kind.STORY_RETURNED, story)
    assert selectors.stories_awaiting_review(moderator) == []
    assert selectors.stories_page(reader, 1).object_list == []
    assert selectors.my_stories(author) == [story]


def test_the_author_is_told_of_a_return_only_after_it_is_stored(author, moderator, sent):
    services.story_return(actor=moderator, story=sent, note=NOTE)
    assert not _notifications(author).exists()


def test_returning_keeps_crisis_items_open(author, moderator):
    story = write(author, body=CONCERN_TEXT).story
    services.story_return(actor=moderator, story=story, note=NOTE)
    assert refreshed(story).state == Story.State.RETURNED
    assert open_reasons(story) == [QueueItem.Reason.CRISIS_CONCERN]


@pytest.mark.parametrize("note", ["", "   ", None, "x" * 2001])
def test_returning_needs_a_short_note(moderator, sent, note):
    with pytest.raises(StoryActionRefused):
        services.story_return(actor=moderator, story=sent, note=note)
    assert refreshed(sent).state == Story.State.SUBMITTED
    assert open_reasons(sent) == [QueueItem.Reason.REVIEW]


def test_a_note_of_two_thousand_characters_is_accepted(moderator, sent):
    services.story_return(actor=moderator, story=sent, note="x" * 2000)
    assert refreshed(sent).return_note == "x" * 2000


@pytest.mark.parametrize("state", ["draft", "published", "returned", "removed", "deleted"])
def test_only_a_story_awaiting_review_can_be_returned(author, moderator, state):
    story = make_story(author, state=state)
    with pytest.raises(ModerationConflict):
        services.story_return(actor=moderator, story=story, note=NOTE)
    assert refreshed(story).state == state
    assert not ModerationAction.objects.exists()


def test_returning_checks_the_stored_state_not_the_callers_copy(author, moderator, sent):
    Story.objects.filter(pk=sent.pk).update(
        state=Story.State.PUBLISHED, status=ContentStatus.PUBLISHED
    )
    with pytest.raises(ModerationConflict):
        services.story_return(actor=moderator, story=sent, note=NOTE)
    assert refreshed(sent).state == Story.State.PUBLISHED


@pytest.mark.parametrize("who", NOT_A_REVIEWER)
def test_only_moderators_return(actors, sent, who):
    with pytest.raises(PermissionDenied):
        services.story_return(actor=actors[who], story=sent, note=NOTE)
    assert refreshed(sent).state == Story.State.SUBMITTED


# --- removing and restoring --------------------------------------------------------------------


def test_removing_takes_the_story_down_and_unfeatures_it(
    author, reader, moderator, published, django_capture_on_commit_callbacks
):
    services.story_feature(actor=moderator, story=published, featured=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.story_remove(actor=moderator, story=published, reason=REASON)
    story = refreshed(published)
    assert story.state == Story.State.REMOVED
    assert story.status == ContentStatus.REMOVED
    assert story.removal_reason == REASON
    assert not story.is_featured
    audit = _audit(story, ModerationAction.Verb.CONTENT_REMOVED).get()
    assert (audit.actor, audit.reason) == (moderator, REASON)
    for actor in (AnonymousUser(), reader, moderator):
        assert selectors.stories_page(actor, 1).object_list == []
        assert selectors.featured_stories(actor) == []
    assert selectors.my_stories(author) == [story]


def test_a_removed_story_is_hidden_at_once_and_marked_removed_by_commit(
    reader, moderator, published
):
    services.story_remove(actor=moderator, story=published, reason=REASON)
    story = refreshed(published)
    assert story.status == ContentStatus.REMOVED
    assert selectors.stories_page(reader, 1).object_list == []
    with pytest.raises(Http404):
        selectors.get_story_for(reader, story.pk)
    story.on_moderated()  # what the commit runs
    assert refreshed(published).state == Story.State.REMOVED


def test_removing_a_story_awaiting_review_closes_its_review_item(
    moderator, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.story_remove(actor=moderator, story=sent, reason=REASON)
    assert refreshed(sent).state == Story.State.REMOVED
    item = queue_items(sent).get()
    assert item.resolution == QueueItem.Resolution.REMOVED


def test_removing_needs_a_reason_and_happens_once(
    moderator, published, django_capture_on_commit_callbacks
):
    with pytest.raises(ModerationConflict):
        services.story_remove(actor=moderator, story=published, reason="  ")
    assert refreshed(published).state == Story.State.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        services.story_remove(actor=moderator, story=published, reason=REASON)
    with pytest.raises(ModerationConflict):
        services.story_remove(actor=moderator, story=published, reason=REASON)


@pytest.mark.parametrize("who", NOT_A_REVIEWER)
def test_only_moderators_remove(actors, published, who):
    with pytest.raises(PermissionDenied):
        services.story_remove(actor=actors[who], story=published, reason=REASON)
    with pytest.raises(PermissionDenied):
        moderation_services.content_remove(actor=actors[who], content=published, reason=REASON)
    assert refreshed(published).state == Story.State.PUBLISHED


def test_restoring_a_removed_story_publishes_it_again(
    author, reader, moderator, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.story_remove(actor=moderator, story=published, reason=REASON)
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.content_restore(actor=moderator, content=refreshed(published))
    story = refreshed(published)
    assert (story.state, story.status) == (Story.State.PUBLISHED, ContentStatus.PUBLISHED)
    assert story.removal_reason == ""
    assert [row.story for row in selectors.stories_page(reader, 1).object_list] == [story]
    assert _audit(story, ModerationAction.Verb.CONTENT_RESTORED).count() == 1
    assert _notifications(author, Notification.Kind.STORY_PUBLISHED).count() == 1


@pytest.mark.parametrize("who", NOT_A_REVIEWER)
def test_only_moderators_restore(
    actors, moderator, published, who, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.story_remove(actor=moderator, story=published, reason=REASON)
    with pytest.raises(PermissionDenied):
        moderation_services.content_restore(actor=actors[who], content=refreshed(published))
    assert refreshed(published).state == Story.State.REMOVED


# --- featuring ---------------------------------------------------------------------------------


def test_featuring_is_logged_once_per_real_change(moderator, published):
    verb = ModerationAction.Verb.STORY_FEATURED
    services.story_feature(actor=moderator, story=published, featured=True)
    services.story_feature(actor=moderator, story=published, featured=True)
    assert refreshed(published).is_featured
    assert [row.details for row in _audit(published, verb)] == [{"featured": True}]
    services.story_feature(actor=moderator, story=published, featured=False)
    services.story_feature(actor=moderator, story=published, featured=False)
    assert not refreshed(published).is_featured
    assert _audit(published, verb).count() == 2


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "removed", "deleted"])
def test_only_a_published_story_can_be_featured(author, moderator, state):
    story = make_story(author, state=state)
    with pytest.raises(ModerationConflict):
        services.story_feature(actor=moderator, story=story, featured=True)
    assert not refreshed(story).is_featured
    services.story_feature(actor=moderator, story=story, featured=False)
    assert not ModerationAction.objects.exists()


def test_featuring_checks_the_stored_state_not_the_callers_copy(moderator, published):
    Story.objects.filter(pk=published.pk).update(state=Story.State.SUBMITTED)
    with pytest.raises(ModerationConflict):
        services.story_feature(actor=moderator, story=published, featured=True)


@pytest.mark.parametrize("who", NOT_A_REVIEWER)
def test_only_moderators_feature(actors, published, who):
    with pytest.raises(PermissionDenied):
        services.story_feature(actor=actors[who], story=published, featured=True)
    assert not refreshed(published).is_featured


# --- deleting by the author --------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "submitted", "published", "returned", "removed"])
def test_the_author_can_delete_their_story_in_any_state(author, moderator, state):
    story = make_story(author, state=state, is_featured=state == "published")
    deleted = services.story_delete(actor=author, story=story)
    story = refreshed(deleted)
    assert (story.state, story.status) == (Story.State.DELETED, ContentStatus.DELETED)
    assert not story.is_featured
    assert story.edited_at is not None
    assert selectors.my_stories(author) == []
    assert services.story_delete(actor=author, story=story).state == Story.State.DELETED


def test_deleting_withdraws_the_review_but_keeps_crisis_items_open(author):
    calm = write(author).story
    worried = write(author, body=CONCERN_TEXT).story
    for story in (calm, worried):
        services.story_delete(actor=author, story=story)
    item = queue_items(calm).get()
    assert (item.state, item.resolution) == (
        QueueItem.State.RESOLVED,
        QueueItem.Resolution.NO_ACTION,
    )
    assert open_reasons(worried) == [QueueItem.Reason.CRISIS_CONCERN]


def test_deleting_twice_is_the_same_as_once(author, sent):
    services.story_delete(actor=author, story=sent)
    services.story_delete(actor=author, story=sent)
    services.story_delete(actor=author, story=refreshed(sent))
    assert refreshed(sent).state == Story.State.DELETED
    assert queue_items(sent).count() == 1


@pytest.mark.parametrize("state", ["draft", "submitted", "published", "deleted"])
@pytest.mark.parametrize("who", NOT_THE_AUTHOR)
def test_nobody_else_can_delete_a_story(actors, author, who, state):
    story = make_story(author, state=state)
    with pytest.raises(PermissionDenied):
        services.story_delete(actor=actors[who], story=story)
    assert refreshed(story).state == state


def test_a_deleted_story_cannot_be_approved_returned_featured_or_restored(author, moderator, sent):
    services.story_delete(actor=author, story=sent)
    story = refreshed(sent)
    for attempt in (
        lambda: services.story_approve(actor=moderator, story=story),
        lambda: moderation_services.content_approve(actor=moderator, content=story),
        lambda: services.story_return(actor=moderator, story=story, note=NOTE),
        lambda: services.story_feature(actor=moderator, story=story, featured=True),
        lambda: moderation_services.content_restore(actor=moderator, content=story),
        lambda: services.story_remove(actor=moderator, story=story, reason=REASON),
    ):
        with pytest.raises(ModerationConflict):
            attempt()
    assert refreshed(sent).state == Story.State.DELETED


# --- "this gave me hope" -----------------------------------------------------------------------


def test_hope_is_given_once_per_member(reader, published):
    first = services.story_hope_add(actor=reader, story=published)
    second = services.story_hope_add(actor=reader, story=published)
    assert first.pk == second.pk
    assert StoryReaction.objects.filter(story=published).count() == 1
    services.story_hope_remove(actor=reader, story=published)
    services.story_hope_remove(actor=reader, story=published)
    assert not StoryReaction.objects.exists()


def test_hope_given_twice_at_once_keeps_one_and_answers_both(reader, published, monkeypatch):
    existing = StoryReaction.objects.create(member=reader, story=published)

    def lost_the_race(**kwargs):
        raise IntegrityError("story_reaction_once")

    monkeypatch.setattr(StoryReaction.objects, "get_or_create", lost_the_race)
    assert services.story_hope_add(actor=reader, story=published) == existing
    assert StoryReaction.objects.count() == 1


def test_a_member_may_give_hope_to_a_members_only_story(reader, author):
    story = make_story(author, audience=Story.Audience.MEMBERS)
    services.story_hope_add(actor=reader, story=story)
    assert StoryReaction.objects.filter(story=story, member=reader).exists()


def test_authors_do_not_give_hope_to_their_own_story(author, published):
    with pytest.raises(PermissionDenied) as denied:
        services.story_hope_add(actor=author, story=published)
    assert "other people's stories" in str(denied.value)
    assert not StoryReaction.objects.exists()


@pytest.mark.parametrize("state", [s for s in STATES if s != "published"])
def test_hope_is_only_for_published_stories(author, reader, moderator, state):
    story = make_story(author, state=state)
    for actor in (reader, moderator):
        with pytest.raises(PermissionDenied):
            services.story_hope_add(actor=actor, story=story)
    assert not StoryReaction.objects.exists()


def test_visitors_cannot_give_or_take_back_hope(published):
    for service in (services.story_hope_add, services.story_hope_remove):
        with pytest.raises(PermissionDenied):
            service(actor=AnonymousUser(), story=published)


def test_a_facilitator_and_a_moderator_may_give_hope(facilitator, moderator, published):
    for actor in (facilitator, moderator):
        services.story_hope_add(actor=actor, story=published)
    assert StoryReaction.objects.filter(story=published).count() == 2
