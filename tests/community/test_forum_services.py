"""community.forum_services: threads and replies through the moderation pipeline, edits with
history, deletion, reactions, follows and notifications, lock and pin, reports."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from community import forum_selectors as selectors
from community import forum_services as services
from community.forum_services import ForumActionRefused
from community.models import Category, Notification, Post, Reaction, Subscription, Thread
from moderation import selectors as moderation_selectors
from moderation import services as moderation_services
from moderation.models import (
    ContentRevision,
    ContentStatus,
    ModerationAction,
    QueueItem,
    Report,
    Sanction,
    Signpost,
)
from moderation.pipeline import ContentRefused, Refusal
from moderation.services import AlreadyReported, ModerationConflict
from tests.community.forum_helpers import (
    join,
    make_category,
    make_post,
    make_thread,
    queue_reasons,
    reader,
)
from tests.factories import GroupFactory, MemberFactory, WatchedWordFactory
from tests.moderation.conftest import CONCERN_TEXT, EVERYDAY_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db

TITLE = "Waiting three days for a text back"


def _settled(**extra):
    """A member who joined a month ago, so new-member link rules don't apply."""
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **extra)


@pytest.fixture
def category(db):
    return make_category()


@pytest.fixture
def author(db):
    return _settled(pseudonym="Ari Author")


@pytest.fixture
def replier(db):
    return _settled(pseudonym="Rue Replier")


@pytest.fixture
def group(db):
    return GroupFactory(name="Texting anxiety circle", slug="texting-circle")


@pytest.fixture
def group_forum(group):
    return services.category_for_group(group)


@pytest.fixture
def facilitator(group):
    person = _settled(pseudonym="Fay Facilitator")
    join(group, person, role="facilitator")
    return person


def start(actor, category, *, title=TITLE, body=EVERYDAY_TEXT, **extra):
    return services.thread_start(reader=reader(actor, category), title=title, body=body, **extra)


def reply(actor, thread, body="You're not alone, I do that too.", **extra):
    return services.post_reply(
        reader=reader(actor, thread.category), thread=thread, body=body, **extra
    )


def _sanction(member, kind, *, group=None):
    return Sanction.objects.create(
        member=member,
        kind=kind,
        group=group,
        reason="Please take a short break from posting.",
        ends_at=timezone.now() + timedelta(hours=2),
        created_by=MemberFactory(is_moderator=True),
    )


# --- starting threads through the pipeline -----------------------------------------------------


def test_everyday_thread_is_published_and_its_author_follows_it(category, author):
    written = start(author, category)
    thread = Thread.objects.get()
    assert written.content == thread
    assert (thread.status, thread.title, thread.author) == (
        ContentStatus.PUBLISHED,
        TITLE,
        author,
    )
    assert "killing me" in thread.body_html
    assert written.held is False
    assert written.decision.signpost is None
    assert queue_reasons(thread) == set()
    assert Subscription.objects.filter(member=author, thread=thread).exists()


def test_concern_is_published_with_a_signpost_and_a_crisis_concern_item(category, author):
    written = start(author, category, body=CONCERN_TEXT)
    thread = written.content
    assert thread.status == ContentStatus.PUBLISHED
    assert written.decision.signpost.tier == "concern"
    assert queue_reasons(thread) == {QueueItem.Reason.CRISIS_CONCERN}
    assert Signpost.objects.filter(member=author, object_id=thread.pk, tier="concern").exists()


@pytest.mark.parametrize(
    ("title", "body"),
    [(TITLE, URGENT_TEXT), (URGENT_TEXT, "Writing this down so it's somewhere.")],
    ids=["in-body", "in-title-alone"],
)
def test_urgent_risk_is_held_signposted_and_queued_first_never_refused(
    category, author, title, body
):
    written = start(author, category, title=title, body=body)
    thread = Thread.objects.get()
    assert written.held is True
    assert thread.status == ContentStatus.HELD
    assert written.decision.signpost.tier == "urgent"
    assert queue_reasons(thread) == {QueueItem.Reason.CRISIS_URGENT}
    item = QueueItem.objects.get()
    assert item.priority == 0
    assert URGENT_TEXT in item.snapshot


@pytest.mark.parametrize(
    ("title", "refusal"),
    [("x" * 151, Refusal.TOO_LONG), ("", Refusal.EMPTY), ("   \n\t ", Refusal.EMPTY)],
    ids=["151-chars", "empty", "blank"],
)
def test_unusable_titles_are_refused_and_nothing_is_stored(category, author, title, refusal):
    with pytest.raises(ContentRefused) as refused:
        start(author, category, title=title)
    assert refused.value.decision.refusal == refusal
    assert refused.value.decision.message
    assert not Thread.objects.exists()
    assert not Subscription.objects.exists()
    assert not QueueItem.objects.exists()


def test_cry_for_help_with_a_too_long_title_is_refused_but_signposted(category, author):
    with pytest.raises(ContentRefused) as refused:
        start(author, category, title="x" * 151, body=URGENT_TEXT)
    assert refused.value.decision.signpost.tier == "urgent"
    assert Signpost.objects.filter(member=author, tier="urgent").exists()
    assert not Thread.objects.exists()


def test_cry_for_help_without_a_title_is_refused_but_signposted(category, author):
    with pytest.raises(ContentRefused) as refused:
        start(author, category, title="", body=URGENT_TEXT)
    assert refused.value.decision.refusal == Refusal.EMPTY
    assert not Thread.objects.exists()
    assert refused.value.decision.signpost.tier == "urgent"


def test_a_title_of_exactly_150_characters_is_fine(category, author):
    assert start(author, category, title="x" * 150).content.title == "x" * 150


def test_empty_text_is_refused(category, author):
    with pytest.raises(ContentRefused) as refused:
        start(author, category, body="  \n ")
    assert refused.value.decision.refusal == Refusal.EMPTY
    assert not Thread.objects.exists()


def test_blocked_watched_word_in_the_title_refuses_the_thread(category, author):
    WatchedWordFactory(phrase="scamlink", action="block", reason="we don't allow that site.")
    with pytest.raises(ContentRefused) as refused:
        start(author, category, title="Try scamlink for free")
    assert refused.value.decision.refusal == Refusal.WATCHED_WORD
    assert "we don't allow that site." in refused.value.decision.message
    assert not Thread.objects.exists()


def test_censored_watched_word_in_the_title_is_masked_in_the_stored_title(category, author):
    WatchedWordFactory(phrase="darn", action="censor")
    thread = start(author, category, title="This darn phone").content
    thread.refresh_from_db()
    assert "darn" not in thread.title
    assert thread.title.startswith("This ") and thread.title.endswith(" phone")
    assert thread.status == ContentStatus.PUBLISHED


def test_held_watched_word_in_the_title_holds_the_thread(category, author):
    WatchedWordFactory(phrase="meetup", action="hold")
    written = start(author, category, title="Offline meetup anyone?")
    assert written.held is True
    assert queue_reasons(written.content) == {QueueItem.Reason.WATCHED_WORD}


def test_member_muted_in_the_group_is_refused_there_with_the_reason(
    group, group_forum, category, author
):
    join(group, author)
    _sanction(author, Sanction.Kind.MUTE, group=group)
    with pytest.raises(ContentRefused) as refused:
        start(author, group_forum)
    assert refused.value.decision.refusal == Refusal.MUTED
    assert "Please take a short break from posting." in refused.value.decision.message
    assert refused.value.decision.until is not None
    assert not Thread.objects.exists()
    # The mute is for that group only.
    assert start(author, category).content.status == ContentStatus.PUBLISHED


def test_suspended_member_is_refused_everywhere_with_the_reason(category, author):
    _sanction(author, Sanction.Kind.SUSPEND)
    with pytest.raises(ContentRefused) as refused:
        start(author, category)
    assert refused.value.decision.refusal == Refusal.SUSPENDED
    assert "Please take a short break from posting." in refused.value.decision.message
    thread = make_thread(category, _settled())
    with pytest.raises(ContentRefused):
        reply(author, thread)
    assert not Post.objects.exists()


def test_muted_members_cry_for_help_is_held_for_a_moderator_not_bounced(category, author):
    _sanction(author, Sanction.Kind.MUTE)
    written = start(author, category, body=URGENT_TEXT)
    assert written.held is True
    assert written.decision.signpost.tier == "urgent"
    assert queue_reasons(written.content) == {QueueItem.Reason.CRISIS_URGENT}


def test_premoderated_category_holds_a_new_members_first_posts(author):
    category = make_category(is_premoderated=True)
    written = start(author, category)
    assert written.held is True
    assert queue_reasons(written.content) == {QueueItem.Reason.NEW_MEMBER}
    regular = _settled()
    open_category = make_category()
    for _ in range(3):
        make_thread(open_category, regular)
    assert start(regular, category).content.status == ContentStatus.PUBLISHED


def test_moderators_posts_are_not_premoderated(moderator):
    category = make_category(is_premoderated=True)
    assert start(moderator, category).content.status == ContentStatus.PUBLISHED


def test_anonymous_flag_and_content_warning_are_stored(category, author):
    thread = start(author, category, is_anonymous=True, content_warning="  mentions   a breakup ")
    thread = Thread.objects.get(pk=thread.content.pk)
    assert thread.is_anonymous is True
    assert thread.content_warning == "mentions a breakup"
    post = reply(author, thread, is_anonymous=True).content
    assert Post.objects.get(pk=post.pk).is_anonymous is True


def test_too_long_content_warning_is_refused_before_anything_is_stored(category, author):
    with pytest.raises(ForumActionRefused, match="120 characters"):
        start(author, category, content_warning="w" * 121)
    assert not Thread.objects.exists()


@pytest.mark.parametrize("who", ["visitor", "inactive", "outsider", "requested"])
def test_those_who_may_not_post_in_a_category_are_refused(group, group_forum, who):
    actor = {
        "visitor": AnonymousUser(),
        "inactive": _settled(is_active=False),
        "outsider": _settled(),
        "requested": _settled(),
    }[who]
    if who in ("inactive", "requested"):
        join(group, actor, state="requested" if who == "requested" else "active")
    with pytest.raises(PermissionDenied):
        start(actor, group_forum)
    assert not Thread.objects.exists()


def test_visitor_cannot_start_a_thread_in_a_public_category(category):
    with pytest.raises(PermissionDenied, match="log in"):
        start(AnonymousUser(), category)


# --- replies ------------------------------------------------------------------------------------


def test_reply_is_published_and_the_replier_follows_the_thread(category, author, replier):
    thread = start(author, category).content
    written = reply(replier, thread, body=CONCERN_TEXT)
    post = Post.objects.get()
    assert (written.content, post.status, post.thread) == (post, ContentStatus.PUBLISHED, thread)
    assert written.decision.signpost.tier == "concern"
    assert queue_reasons(post) == {QueueItem.Reason.CRISIS_CONCERN}
    assert Subscription.objects.filter(member=replier, thread=thread).exists()


def test_urgent_reply_is_held_with_an_urgent_item(category, author, replier):
    thread = make_thread(category, author)
    written = reply(replier, thread, body=URGENT_TEXT)
    assert written.held is True
    assert queue_reasons(written.content) == {QueueItem.Reason.CRISIS_URGENT}


def test_locked_thread_refuses_members_replies_but_not_moderators(category, author, moderator):
    thread = make_thread(category, author, is_locked=True)
    with pytest.raises(PermissionDenied, match="locked"):
        reply(author, thread)
    assert reply(moderator, thread).content.status == ContentStatus.PUBLISHED
    assert Post.objects.count() == 1


def test_facilitator_may_reply_in_a_locked_thread_of_their_group_forum(
    group, group_forum, facilitator
):
    member = _settled()
    join(group, member)
    thread = make_thread(group_forum, member, is_locked=True)
    with pytest.raises(PermissionDenied):
        reply(member, thread)
    assert reply(facilitator, thread).content.status == ContentStatus.PUBLISHED


@pytest.mark.parametrize("status", [ContentStatus.HELD, ContentStatus.REMOVED])
def test_replies_to_a_held_or_removed_thread_are_refused(category, author, moderator, status):
    thread = make_thread(category, author, status=status)
    for actor in (author, moderator):
        with pytest.raises(PermissionDenied, match="isn't open for replies"):
            reply(actor, thread)
    assert not Post.objects.exists()


def test_reply_to_a_deleted_thread_is_refused(category, author, replier):
    thread = make_thread(category, author, status=ContentStatus.DELETED)
    with pytest.raises(PermissionDenied):
        reply(replier, thread)


def test_posting_faster_than_allowed_is_refused_with_when_to_retry(category, author):
    thread = make_thread(category, _settled())
    for _ in range(5):
        reply(author, thread)
    with pytest.raises(ContentRefused) as refused:
        reply(author, thread, body="One more thing I forgot to say.")
    assert refused.value.decision.refusal == Refusal.RATE_LIMITED
    assert refused.value.decision.retry_after > 0
    assert Post.objects.count() == 5


# --- edits --------------------------------------------------------------------------------------


def test_thread_edit_keeps_the_earlier_version_for_moderators(category, author, moderator):
    thread = start(author, category, title="First title", body="First words.").content
    written = services.thread_edit(
        reader=reader(author, category), thread=thread, title="Better title", body="New words."
    )
    thread.refresh_from_db()
    assert (thread.title, thread.body, thread.status) == (
        "Better title",
        "New words.",
        ContentStatus.PUBLISHED,
    )
    assert "New words." in thread.body_html
    assert thread.edited_at is not None
    assert written.content == thread
    (revision,) = moderation_selectors.revisions_for(moderator, thread)
    assert (revision.title, revision.body, revision.editor) == (
        "First title",
        "First words.",
        author,
    )


def test_reply_edit_keeps_the_earlier_version(category, author, replier, moderator):
    thread = make_thread(category, author)
    post = reply(replier, thread, body="Original reply.", content_warning="breakup").content
    services.post_edit(reader=reader(replier, category), post=post, body="Changed reply.")
    post.refresh_from_db()
    assert (post.body, post.content_warning) == ("Changed reply.", "")
    (revision,) = moderation_selectors.revisions_for(moderator, post)
    assert (revision.body, revision.content_warning, revision.title) == (
        "Original reply.",
        "breakup",
        "",
    )


def test_members_may_not_read_earlier_versions_but_the_groups_facilitator_may(
    group, group_forum, facilitator
):
    member, other = _settled(), _settled()
    join(group, member)
    join(group, other)
    thread = start(member, group_forum, body="Before.").content
    services.thread_edit(reader=reader(member, group_forum), thread=thread, title=TITLE, body="X")
    assert moderation_selectors.revisions_for(facilitator, thread).count() == 1
    for someone in (member, other):
        with pytest.raises(PermissionDenied):
            moderation_selectors.revisions_for(someone, thread)


def test_held_post_stays_held_after_a_harmless_edit(category, author, replier):
    thread = make_thread(category, author)
    post = reply(replier, thread, body=URGENT_TEXT).content
    written = services.post_edit(
        reader=reader(replier, category), post=post, body="Sorry, I'm fine now."
    )
    post.refresh_from_db()
    assert post.status == ContentStatus.HELD
    assert written.held is True
    assert queue_reasons(post) == {QueueItem.Reason.CRISIS_URGENT}
    # The words that raised concern are kept for the moderator.
    assert ContentRevision.objects.get().body == URGENT_TEXT
    assert URGENT_TEXT in QueueItem.objects.get().snapshot


def test_held_thread_stays_held_after_a_harmless_edit(author):
    category = make_category(is_premoderated=True)
    thread = start(author, category).content
    services.thread_edit(
        reader=reader(author, category), thread=thread, title="Calm title", body="Calm words."
    )
    thread.refresh_from_db()
    assert (thread.status, thread.title) == (ContentStatus.HELD, "Calm title")


def test_edit_that_adds_urgent_risk_holds_a_published_post(category, author, replier):
    thread = make_thread(category, author)
    post = reply(replier, thread).content
    written = services.post_edit(reader=reader(replier, category), post=post, body=URGENT_TEXT)
    post.refresh_from_db()
    assert post.status == ContentStatus.HELD
    assert written.decision.signpost.tier == "urgent"
    assert queue_reasons(post) == {QueueItem.Reason.CRISIS_URGENT}


def test_edit_that_adds_urgent_risk_to_a_title_holds_the_thread(category, author):
    thread = start(author, category).content
    services.thread_edit(
        reader=reader(author, category), thread=thread, title=URGENT_TEXT, body=EVERYDAY_TEXT
    )
    thread.refresh_from_db()
    assert thread.status == ContentStatus.HELD
    assert queue_reasons(thread) == {QueueItem.Reason.CRISIS_URGENT}


def test_refused_edit_changes_nothing_and_keeps_no_revision(category, author):
    WatchedWordFactory(phrase="scamlink", action="block")
    thread = start(author, category, body="Original words.").content
    with pytest.raises(ContentRefused):
        services.thread_edit(
            reader=reader(author, category), thread=thread, title=TITLE, body="Visit scamlink"
        )
    with pytest.raises(ContentRefused):
        services.thread_edit(
            reader=reader(author, category), thread=thread, title="", body="Fine words."
        )
    thread.refresh_from_db()
    assert (thread.body, thread.title, thread.edited_at) == ("Original words.", TITLE, None)
    assert not ContentRevision.objects.exists()


def test_others_and_moderators_cannot_edit_someone_elses_words(
    category, author, replier, moderator
):
    thread = make_thread(category, author)
    for someone in (replier, moderator, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.thread_edit(
                reader=reader(someone, category), thread=thread, title="Mine now", body="Mine."
            )
    thread.refresh_from_db()
    assert thread.title != "Mine now"
    assert not ContentRevision.objects.exists()


@pytest.mark.parametrize("status", [ContentStatus.REMOVED, ContentStatus.DELETED])
def test_removed_or_deleted_words_cannot_be_edited(category, author, replier, status):
    thread = make_thread(category, author)
    post = make_post(thread, replier, status=status, body="Old words.")
    with pytest.raises(PermissionDenied):
        services.post_edit(reader=reader(replier, category), post=post, body="New words.")
    post.refresh_from_db()
    assert post.body == "Old words."


def test_an_edit_racing_a_removal_is_refused(category, author, replier):
    thread = make_thread(category, author)
    post = make_post(thread, replier)
    Post.objects.filter(pk=post.pk).update(status=ContentStatus.REMOVED)
    # `post` still says published, as in a form opened before the moderator acted.
    with pytest.raises(ForumActionRefused):
        services.post_edit(reader=reader(replier, category), post=post, body="New words.")
    assert Post.objects.get(pk=post.pk).status == ContentStatus.REMOVED


def test_members_cannot_edit_in_a_locked_thread(category, author, replier):
    thread = make_thread(category, author, is_locked=True)
    post = make_post(thread, replier)
    with pytest.raises(PermissionDenied, match="locked"):
        services.post_edit(reader=reader(replier, category), post=post, body="Edited.")


# --- deletion by the author ---------------------------------------------------------------------


def test_author_deletes_their_reply_and_repeating_it_changes_nothing(category, author, replier):
    thread = make_thread(category, author)
    post = make_post(thread, replier)
    standing = reader(replier, category)
    deleted = services.content_delete(reader=standing, content=post)
    assert deleted.status == ContentStatus.DELETED
    first_edit = Post.objects.get(pk=post.pk).edited_at
    again = services.content_delete(reader=standing, content=post)
    assert again.status == ContentStatus.DELETED
    assert Post.objects.get(pk=post.pk).edited_at == first_edit


def test_others_cannot_delete_and_moderators_remove_instead(category, author, replier, moderator):
    thread = make_thread(category, author)
    for someone in (replier, moderator, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.content_delete(reader=reader(someone, category), content=thread)
    assert Thread.objects.get().status == ContentStatus.PUBLISHED


def test_deleted_cry_for_help_stays_in_the_moderators_queue(category, author):
    thread = start(author, category, body=CONCERN_TEXT).content
    services.content_delete(reader=reader(author, category), content=thread)
    assert queue_reasons(thread) == {QueueItem.Reason.CRISIS_CONCERN}
    assert Thread.objects.get().body == CONCERN_TEXT


# --- reactions ----------------------------------------------------------------------------------


@pytest.fixture
def thread(category, author):
    return make_thread(category, author)


def test_reacting_twice_keeps_one_reaction(thread, replier):
    standing = reader(replier, thread.category)
    first = services.reaction_add(reader=standing, content=thread, kind="hug")
    second = services.reaction_add(reader=standing, content=thread, kind="hug")
    assert first == second
    assert Reaction.objects.count() == 1


def test_all_four_kinds_can_be_given_to_a_reply(thread, author, replier):
    post = make_post(thread, author)
    standing = reader(replier, thread.category)
    for kind in ("hug", "me_too", "thank_you", "proud"):
        services.reaction_add(reader=standing, content=post, kind=kind)
    assert set(Reaction.objects.filter(post=post).values_list("kind", flat=True)) == {
        "hug",
        "me_too",
        "thank_you",
        "proud",
    }
    view = selectors.thread_view(standing, thread, 1)
    (row,) = view.page.object_list
    assert {(r.kind, r.count, r.mine) for r in row.reactions} == {
        ("hug", 1, True),
        ("me_too", 1, True),
        ("thank_you", 1, True),
        ("proud", 1, True),
    }


@pytest.mark.parametrize("kind", ["angry", "", "HUG", None])
def test_unknown_reaction_kind_is_refused(thread, replier, kind):
    with pytest.raises(ForumActionRefused, match="Please choose one of the reactions"):
        services.reaction_add(reader=reader(replier, thread.category), content=thread, kind=kind)
    assert not Reaction.objects.exists()


def test_reacting_to_your_own_words_is_refused(thread, author):
    with pytest.raises(PermissionDenied):
        services.reaction_add(reader=reader(author, thread.category), content=thread, kind="hug")


@pytest.mark.parametrize("status", [ContentStatus.HELD, ContentStatus.REMOVED])
def test_reacting_to_unpublished_words_is_refused_even_for_moderators(
    thread, author, replier, moderator, status
):
    post = make_post(thread, author, status=status)
    for someone in (replier, moderator):
        with pytest.raises(PermissionDenied):
            services.reaction_add(reader=reader(someone, thread.category), content=post, kind="hug")
    assert not Reaction.objects.exists()


def test_visitor_cannot_react(thread):
    with pytest.raises(PermissionDenied):
        services.reaction_add(
            reader=reader(AnonymousUser(), thread.category), content=thread, kind="hug"
        )
    with pytest.raises(PermissionDenied):
        services.reaction_remove(
            reader=reader(AnonymousUser(), thread.category), content=thread, kind="hug"
        )


def test_taking_back_a_reaction_removes_only_your_own(thread, replier):
    other = _settled()
    services.reaction_add(reader=reader(replier, thread.category), content=thread, kind="hug")
    services.reaction_add(reader=reader(other, thread.category), content=thread, kind="hug")
    services.reaction_remove(reader=reader(replier, thread.category), content=thread, kind="hug")
    services.reaction_remove(reader=reader(replier, thread.category), content=thread, kind="hug")
    assert list(Reaction.objects.values_list("member", flat=True)) == [other.pk]
    view = selectors.thread_view(reader(replier, thread.category), thread, 1)
    assert {r.kind: (r.count, r.mine) for r in view.opening.reactions}["hug"] == (1, False)


# --- follows and notifications ------------------------------------------------------------------


def _notified(thread=None):
    rows = Notification.objects.all()
    if thread is not None:
        rows = rows.filter(thread=thread)
    return sorted(rows.values_list("recipient_id", "post_id"))


def test_reply_notifies_followers_but_not_its_author(
    category, author, replier, django_capture_on_commit_callbacks
):
    thread = start(author, category).content
    follower = _settled()
    services.thread_follow(reader=reader(follower, category), thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        post = reply(replier, thread).content
    assert _notified() == [(author.pk, post.pk), (follower.pk, post.pk)]
    thread.refresh_from_db()
    assert thread.last_activity_at == post.created_at
    assert selectors.unread_notification_count(author) == 1
    assert selectors.unread_notification_count(replier) == 0
    (row,) = selectors.notifications_page(author, 1).object_list
    assert (row.thread, row.post, row.author_label, row.unread) == (
        thread,
        post,
        "Rue Replier",
        True,
    )


def test_unfollowing_stops_notifications(
    category, author, replier, django_capture_on_commit_callbacks
):
    thread = start(author, category).content
    services.thread_unfollow(reader=reader(author, category), thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        reply(replier, thread)
    assert _notified() == []


def test_following_twice_is_one_follow_and_visitors_cannot_follow(thread, replier):
    standing = reader(replier, thread.category)
    services.thread_follow(reader=standing, thread=thread)
    services.thread_follow(reader=standing, thread=thread)
    assert Subscription.objects.filter(member=replier).count() == 1
    with pytest.raises(PermissionDenied):
        services.thread_follow(reader=reader(AnonymousUser(), thread.category), thread=thread)


def test_cannot_follow_a_thread_you_cannot_see(category, author, replier):
    held = make_thread(category, author, status=ContentStatus.HELD)
    with pytest.raises(PermissionDenied):
        services.thread_follow(reader=reader(replier, category), thread=held)


def test_held_reply_notifies_nobody_until_approved_and_then_once(
    category, author, replier, moderator, django_capture_on_commit_callbacks
):
    thread = start(author, category).content
    with django_capture_on_commit_callbacks(execute=True):
        held = reply(replier, thread, body=URGENT_TEXT).content
    assert held.status == ContentStatus.HELD
    assert _notified() == []
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.content_approve(actor=moderator, content=held)
    assert _notified() == [(author.pk, held.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.content_approve(actor=moderator, content=held)
        moderation_services.content_remove(actor=moderator, content=held, reason="Not now.")
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.content_restore(actor=moderator, content=held)
    assert _notified() == [(author.pk, held.pk)]
    assert selectors.unread_notification_count(author) == 1


def test_facilitator_approval_of_a_held_reply_in_the_group_forum_notifies_members(
    group, group_forum, facilitator, django_capture_on_commit_callbacks
):
    author, newcomer = _settled(), MemberFactory()
    join(group, author)
    join(group, newcomer)
    thread = start(author, group_forum).content
    with django_capture_on_commit_callbacks(execute=True):
        held = reply(newcomer, thread, body=URGENT_TEXT).content
    assert _notified() == []
    with django_capture_on_commit_callbacks(execute=True):
        moderation_services.content_approve(actor=facilitator, content=held)
    assert _notified() == [(author.pk, held.pk)]


def test_notification_of_a_reply_later_removed_disappears(
    category, author, replier, moderator, django_capture_on_commit_callbacks
):
    thread = start(author, category).content
    with django_capture_on_commit_callbacks(execute=True):
        post = reply(replier, thread).content
    assert selectors.unread_notification_count(author) == 1
    services.content_remove(reader=reader(moderator, category), content=post, reason="Spam.")
    assert selectors.unread_notification_count(author) == 0
    assert list(selectors.notifications_page(author, 1).object_list) == []


def test_notification_of_a_reply_its_author_deleted_disappears(
    category, author, replier, django_capture_on_commit_callbacks
):
    thread = start(author, category).content
    with django_capture_on_commit_callbacks(execute=True):
        post = reply(replier, thread).content
    services.content_delete(reader=reader(replier, category), content=post)
    assert selectors.unread_notification_count(author) == 0


@pytest.fixture
def inbox(category, author, replier, django_capture_on_commit_callbacks):
    """`author` has two unread notifications in one thread and one in another; `replier`
    has one of their own."""
    first = start(author, category).content
    second = start(author, category, title="Another day").content
    services.thread_follow(reader=reader(replier, category), thread=second)
    with django_capture_on_commit_callbacks(execute=True):
        reply(replier, first)
        reply(replier, first, body="And one more thing.")
        reply(replier, second)
        reply(author, second, body="Thank you both.")
    return first, second


def test_mark_read_by_thread(inbox, author):
    first, second = inbox
    assert selectors.unread_notification_count(author) == 3
    assert services.notifications_mark_read(actor=author, thread=first) == 2
    assert selectors.unread_notification_count(author) == 1
    assert Notification.objects.get(recipient=author, read_at__isnull=True).thread == second


def test_mark_read_by_ids_ignores_other_members_ids(inbox, author, replier):
    mine = Notification.objects.filter(recipient=author).order_by("pk")
    theirs = Notification.objects.get(recipient=replier)
    marked = services.notifications_mark_read(actor=author, ids=[mine[0].pk, theirs.pk])
    assert marked == 1
    assert selectors.unread_notification_count(author) == 2
    assert selectors.unread_notification_count(replier) == 1
    (row, *_rest) = [
        row
        for row in selectors.notifications_page(author, 1).object_list
        if row.notification.pk == mine[0].pk
    ]
    assert row.unread is False


def test_mark_all_read_and_visitors_have_no_notifications(inbox, author, replier):
    assert services.notifications_mark_read(actor=author) == 3
    assert services.notifications_mark_read(actor=author) == 0
    assert selectors.unread_notification_count(author) == 0
    assert selectors.unread_notification_count(replier) == 1
    with pytest.raises(PermissionDenied):
        services.notifications_mark_read(actor=AnonymousUser())
    assert selectors.unread_notification_count(AnonymousUser()) == 0


# --- lock and pin -------------------------------------------------------------------------------


def _audit_rows(thread, verb):
    return list(
        ModerationAction.objects.filter(verb=verb, object_id=thread.pk)
        .order_by("pk")
        .values_list("actor_id", "details")
    )


def test_moderator_locks_once_and_each_real_change_is_logged(thread, moderator):
    standing = reader(moderator, thread.category)
    services.thread_lock(reader=standing, thread=thread, locked=True)
    services.thread_lock(reader=standing, thread=thread, locked=True)
    assert Thread.objects.get().is_locked is True
    services.thread_lock(reader=standing, thread=thread, locked=False)
    assert Thread.objects.get().is_locked is False
    assert _audit_rows(thread, ModerationAction.Verb.THREAD_LOCKED) == [
        (moderator.pk, {"locked": True}),
        (moderator.pk, {"locked": False}),
    ]


def test_moderator_pins_once_and_each_real_change_is_logged(thread, moderator):
    standing = reader(moderator, thread.category)
    services.thread_pin(reader=standing, thread=thread, pinned=True)
    services.thread_pin(reader=standing, thread=thread, pinned=True)
    assert Thread.objects.get().is_pinned is True
    assert _audit_rows(thread, ModerationAction.Verb.THREAD_PINNED) == [
        (moderator.pk, {"pinned": True})
    ]


def test_facilitator_locks_and_pins_only_in_their_group_forum(
    group, group_forum, facilitator, category
):
    member = _settled()
    join(group, member)
    own = make_thread(group_forum, member)
    services.thread_lock(reader=reader(facilitator, group_forum), thread=own, locked=True)
    services.thread_pin(reader=reader(facilitator, group_forum), thread=own, pinned=True)
    own.refresh_from_db()
    assert (own.is_locked, own.is_pinned) == (True, True)
    public = make_thread(category, member)
    with pytest.raises(PermissionDenied):
        services.thread_lock(reader=reader(facilitator, category), thread=public, locked=True)
    with pytest.raises(PermissionDenied):
        services.thread_pin(reader=reader(facilitator, category), thread=public, pinned=True)
    public.refresh_from_db()
    assert (public.is_locked, public.is_pinned) == (False, False)


def test_members_cannot_lock_or_pin(group, group_forum, thread, author):
    member = _settled()
    join(group, member)
    in_group = make_thread(group_forum, member)
    for standing, target in (
        (reader(author, thread.category), thread),
        (reader(member, group_forum), in_group),
    ):
        with pytest.raises(PermissionDenied):
            services.thread_lock(reader=standing, thread=target, locked=True)
        with pytest.raises(PermissionDenied):
            services.thread_pin(reader=standing, thread=target, pinned=True)
    assert not ModerationAction.objects.filter(
        verb__in=[ModerationAction.Verb.THREAD_LOCKED, ModerationAction.Verb.THREAD_PINNED]
    ).exists()


# --- reports and removal ------------------------------------------------------------------------


def test_member_reports_anothers_reply_once(thread, author, replier):
    post = make_post(thread, author)
    standing = reader(replier, thread.category)
    report = services.content_report(reader=standing, content=post, reason="harassment")
    assert (report.reporter, report.content) == (replier, post)
    assert queue_reasons(post) == {QueueItem.Reason.REPORT}
    assert moderation_selectors.has_reported(replier, post) is True
    with pytest.raises(AlreadyReported):
        services.content_report(reader=standing, content=post, reason="spam")
    assert Report.objects.count() == 1


def test_report_that_someone_is_at_risk_opens_a_crisis_item(thread, replier):
    services.content_report(
        reader=reader(replier, thread.category), content=thread, reason="self_harm"
    )
    assert queue_reasons(thread) == {QueueItem.Reason.CRISIS_CONCERN}


def test_reporting_your_own_words_is_refused(thread, author):
    with pytest.raises(PermissionDenied, match="own post"):
        services.content_report(
            reader=reader(author, thread.category), content=thread, reason="spam"
        )
    assert not Report.objects.exists()


def test_report_needs_a_known_reason(thread, replier):
    with pytest.raises(ValidationError) as error:
        services.content_report(
            reader=reader(replier, thread.category), content=thread, reason="boring"
        )
    assert "reason" in error.value.message_dict
    assert not Report.objects.exists()


def test_visitors_cannot_report(thread):
    with pytest.raises(PermissionDenied):
        services.content_report(
            reader=reader(AnonymousUser(), thread.category), content=thread, reason="spam"
        )


def test_held_reply_cannot_be_reported_and_is_not_found_by_others(thread, author, replier):
    held = make_post(thread, author, status=ContentStatus.HELD)
    with pytest.raises(Http404):
        selectors.get_post_for(replier, held.pk)
    with pytest.raises(PermissionDenied):
        services.content_report(
            reader=reader(replier, thread.category), content=held, reason="spam"
        )
    assert not Report.objects.exists()


def test_reply_in_a_group_forum_is_not_found_by_outsiders_who_would_report_it(group, group_forum):
    member, outsider = _settled(), _settled()
    join(group, member)
    post = make_post(make_thread(group_forum, member), member)
    with pytest.raises(Http404):
        selectors.get_post_for(outsider, post.pk)


def test_moderator_removes_with_a_reason_the_author_sees(thread, author, replier, moderator):
    post = make_post(thread, replier)
    services.content_remove(
        reader=reader(moderator, thread.category), content=post, reason="Personal details."
    )
    post.refresh_from_db()
    assert (post.status, post.removal_reason) == (ContentStatus.REMOVED, "Personal details.")
    view = selectors.thread_view(reader(replier, thread.category), thread, 1)
    assert view.page.object_list[0].notice == "Removed by a moderator: Personal details."
    with pytest.raises(ModerationConflict):
        services.content_remove(
            reader=reader(moderator, thread.category), content=post, reason="Again."
        )


def test_members_and_facilitators_of_other_places_cannot_remove(
    thread, author, replier, facilitator
):
    post = make_post(thread, replier)
    for someone in (author, facilitator):
        with pytest.raises(PermissionDenied):
            services.content_remove(
                reader=reader(someone, thread.category), content=post, reason="No."
            )
    assert Post.objects.get().status == ContentStatus.PUBLISHED


# --- group forums -------------------------------------------------------------------------------


def test_category_for_group_is_made_once_and_is_private_to_the_group(group):
    first = services.category_for_group(group)
    second = services.category_for_group(group)
    assert first == second
    assert Category.objects.filter(group=group).count() == 1
    assert (first.visibility, first.group, first.name) == (
        Category.Visibility.GROUP,
        group,
        "Texting anxiety circle",
    )
    assert first.slug == "group-texting-circle"
    assert reader(_settled(), first).can_read is False
