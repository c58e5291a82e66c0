"""`manage.py seed_demo`: demo accounts for local development."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from community.forum_demo import FORUM_MEMBERS
from community.models import Member

DEMO_MEMBER_COUNT = 3 + len(FORUM_MEMBERS)

pytestmark = pytest.mark.django_db

ROLE_LINE = re.compile(r"^\s*(?P<role>\w+)\s+(?P<pseudonym>.+?)\s+password: (?P<password>\S+)$")


def seed(*args: str) -> dict[str, tuple[str, str]]:
    """Run the command; {role: (pseudonym, password)} as printed."""
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    printed = {}
    for line in out.getvalue().splitlines():
        match = ROLE_LINE.match(line)
        if match:
            printed[match["role"]] = (match["pseudonym"], match["password"])
    return printed


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


def test_seed_demo_creates_a_member_a_facilitator_and_a_moderator(debug_on):
    printed = seed()
    assert set(printed) == {"member", "facilitator", "moderator"}
    assert Member.objects.count() == DEMO_MEMBER_COUNT
    moderator = Member.objects.get(pseudonym=printed["moderator"][0])
    assert moderator.is_moderator
    assert moderator.is_staff
    assert not moderator.is_superuser
    for role in ["member", "facilitator"]:
        person = Member.objects.get(pseudonym=printed[role][0])
        assert not person.is_moderator
        assert not person.is_staff


def test_demo_members_have_accepted_the_guidelines_and_confirmed_age(debug_on):
    seed()
    for member in Member.objects.all():
        assert member.guidelines_accepted_at is not None
        assert member.guidelines_version == settings.GUIDELINES_VERSION
        assert member.adult_confirmed_at is not None
        assert member.country


def test_seed_demo_is_idempotent(debug_on):
    first = seed()
    ids = sorted(Member.objects.values_list("pk", flat=True))
    second = seed()
    assert first == second
    assert Member.objects.count() == DEMO_MEMBER_COUNT
    assert sorted(Member.objects.values_list("pk", flat=True)) == ids


def test_seed_demo_keeps_members_who_were_already_there(debug_on, member):
    seed()
    seed()
    assert Member.objects.count() == DEMO_MEMBER_COUNT + 1
    assert Member.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("role", ["member", "facilitator", "moderator"])
def test_printed_demo_passwords_sign_in(debug_on, client, role):
    printed = seed()
    pseudonym, password = printed[role]
    response = client.post("/accounts/login/", {"username": pseudonym, "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as caught:
        call_command("seed_demo", stdout=io.StringIO())
    assert "--force" in str(caught.value)
    assert not Member.objects.exists()


def test_seed_demo_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False
    printed = seed("--force")
    assert len(printed) == 3
    assert Member.objects.count() == DEMO_MEMBER_COUNT


def test_seed_demo_creates_four_groups_with_facilitator_sessions_and_a_conversation(debug_on):
    from groups.models import ChatMessage, GroupSession, Membership, PeerGroup

    seed()
    seed()
    assert PeerGroup.objects.count() == 4
    assert PeerGroup.objects.get(slug="partners-and-family").is_private
    sam = Member.objects.get(pseudonym="Sam Facilitator")
    assert Membership.objects.filter(member=sam, role="facilitator", state="active").count() == 4
    assert GroupSession.objects.count() == 12
    # The demo conversation; the review queue's worrying message (see below) comes after it.
    conversation = (
        ChatMessage.objects.filter(group__slug="waiting-for-a-reply")
        .exclude(local_id__startswith="demo-moderation")
        .order_by("seq")
    )
    assert [m.seq for m in conversation] == [1, 2, 3, 4, 5, 6]
    assert all(m.status == "published" for m in conversation)
    assert conversation[0].author == sam


# --- forums -----------------------------------------------------------------------------------


def seed_with_on_commit(capture) -> None:
    """Run seed_demo and the work it leaves for after commit (reply notifications)."""
    with capture(execute=True):
        seed()


def forum_rows() -> dict[str, int]:
    from community.models import Category, Notification, Post, Reaction, Subscription, Thread
    from groups.models import Membership
    from moderation.models import ModerationAction, QueueItem, Signpost

    models = (
        Member,
        Category,
        Thread,
        Post,
        Reaction,
        Subscription,
        Notification,
        Membership,
        QueueItem,
        ModerationAction,
        Signpost,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_fills_every_forum_category_with_threads_and_replies(
    debug_on, django_capture_on_commit_callbacks
):
    from community.models import Category, Thread

    seed_with_on_commit(django_capture_on_commit_callbacks)
    categories = Category.objects.exclude(visibility="group")
    assert categories.count() == 6
    for category in categories:
        threads = Thread.objects.filter(category=category)
        assert 2 <= threads.count() <= 3, category.slug
        for thread in threads:
            assert 1 <= thread.posts.count() <= 5, thread.title


def test_seed_demo_twice_adds_no_forum_rows(debug_on, django_capture_on_commit_callbacks):
    seed_with_on_commit(django_capture_on_commit_callbacks)
    first = forum_rows()
    assert first["Thread"] and first["Post"] and first["Reaction"] and first["Notification"]
    seed_with_on_commit(django_capture_on_commit_callbacks)
    assert forum_rows() == first


def test_demo_threads_and_replies_are_published_and_raise_no_concern(
    debug_on, django_capture_on_commit_callbacks
):
    from django.contrib.contenttypes.models import ContentType

    from community.models import Post, Thread
    from moderation.models import QueueItem, Signpost

    seed_with_on_commit(django_capture_on_commit_callbacks)
    for model in (Thread, Post):
        assert set(model.objects.values_list("status", flat=True)) == {"published"}
        for item in model.objects.all():
            assert item.screening["risk"] == "none", item.body
            assert not item.screening["reasons"], item.body
    forum_types = ContentType.objects.get_for_models(Thread, Post).values()
    # Only the demo queue's one member report (see test_demo_review_queue...) is about a reply.
    assert set(
        QueueItem.objects.filter(content_type__in=forum_types).values_list("reason", flat=True)
    ) == {"report"}
    assert not Signpost.objects.filter(content_type__in=forum_types).exists()


def test_demo_forums_show_warnings_anonymity_pins_reactions_follows_and_notifications(
    debug_on, django_capture_on_commit_callbacks
):
    from community.models import Notification, Post, Reaction, Subscription, Thread

    seed_with_on_commit(django_capture_on_commit_callbacks)
    assert Thread.objects.exclude(content_warning="").exists()
    assert Thread.objects.filter(is_anonymous=True).exists()
    welcomes = Thread.objects.filter(is_pinned=True, title="Welcome: how this category works")
    assert welcomes.values("category").distinct().count() >= 2
    assert all(thread.author.is_moderator for thread in welcomes)
    assert Reaction.objects.filter(thread__isnull=False).exists()
    assert Reaction.objects.filter(post__isnull=False).exists()
    assert not Reaction.objects.filter(thread__author=F("member")).exists()
    assert not Reaction.objects.filter(post__author=F("member")).exists()
    # Someone follows a thread they neither started nor replied in.
    bystanders = [
        sub
        for sub in Subscription.objects.select_related("thread")
        if sub.member_id != sub.thread.author_id
        and not Post.objects.filter(thread=sub.thread, author_id=sub.member_id).exists()
    ]
    assert bystanders
    robin = Member.objects.get(pseudonym="Robin")
    assert Notification.objects.filter(recipient=robin, read_at__isnull=True).exists()


def test_demo_forum_voices_are_established_and_cannot_sign_in(debug_on):
    from datetime import timedelta

    from django.utils import timezone

    seed()
    for spec in FORUM_MEMBERS:
        voice = Member.objects.get(pseudonym=spec["pseudonym"])
        assert not voice.has_usable_password()
        assert voice.date_joined < timezone.now() - timedelta(days=7)
        assert voice.guidelines_accepted_at is not None
        assert voice.adult_confirmed_at is not None
        assert not voice.is_moderator


def test_demo_group_forum_thread_is_readable_only_by_the_groups_members(
    debug_on, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    from community import forum_selectors
    from community.models import Thread
    from groups.models import Membership
    from tests.factories import MemberFactory

    seed_with_on_commit(django_capture_on_commit_callbacks)
    thread = Thread.objects.get(category__group__slug="waiting-for-a-reply")
    insiders = Member.objects.filter(
        group_memberships__group=thread.category.group, group_memberships__state="active"
    )
    assert {"Robin", "Sam Facilitator", "Maya K"} <= set(
        insiders.values_list("pseudonym", flat=True)
    )
    for insider in insiders:
        found, reader = forum_selectors.get_thread_for(insider, thread.pk)
        assert found == thread and reader.can_read
    outsiders = [AnonymousUser(), MemberFactory(), Member.objects.get(pseudonym="Juniper")]
    assert not Membership.objects.filter(member=outsiders[2], group=thread.category.group).exists()
    for outsider in outsiders:
        with pytest.raises(Http404):
            forum_selectors.get_thread_for(outsider, thread.pk)
        recent = forum_selectors.recent_threads(outsider, limit=50)
        assert thread not in [row.thread for row in recent]


# --- success stories --------------------------------------------------------------------------


def story_rows() -> dict[str, int]:
    from community.models import Notification, Story, StoryReaction
    from moderation.models import ContentRevision, ModerationAction, QueueItem

    models = (Story, StoryReaction, Notification, QueueItem, ModerationAction, ContentRevision)
    rows = {model.__name__: model.objects.count() for model in models}
    rows["featured"] = Story.objects.filter(is_featured=True).count()
    rows["states"] = sorted(Story.objects.values_list("state", flat=True))
    return rows


def test_seed_demo_twice_adds_no_story_rows(debug_on, django_capture_on_commit_callbacks):
    seed_with_on_commit(django_capture_on_commit_callbacks)
    first = story_rows()
    assert first["Story"] and first["StoryReaction"] and first["featured"]
    seed_with_on_commit(django_capture_on_commit_callbacks)
    assert story_rows() == first


def test_demo_stories_are_published_in_every_milestone_tag(
    debug_on, django_capture_on_commit_callbacks
):
    from community.models import Story, StoryTag

    seed_with_on_commit(django_capture_on_commit_callbacks)
    published = Story.objects.filter(state="published", status="published")
    assert 6 <= published.count() <= 8
    for tag in StoryTag.objects.all():
        assert published.filter(tags=tag).exists(), tag.slug
    assert published.filter(is_anonymous=True).exists()
    assert published.filter(audience="members").exists()
    assert published.filter(audience="everyone").count() > published.count() / 2
    assert published.exclude(content_warning="").exists()
    assert published.values("author").distinct().count() >= 4


def test_featured_demo_stories_are_published_for_everyone(
    debug_on, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import AnonymousUser

    from community import story_selectors
    from community.models import Story

    seed_with_on_commit(django_capture_on_commit_callbacks)
    featured = Story.objects.filter(is_featured=True)
    assert 2 <= featured.count() <= 3
    for story in featured:
        assert (story.state, story.status, story.audience) == ("published", "published", "everyone")
    shown = story_selectors.featured_stories(AnonymousUser())
    assert {row.story for row in shown} == set(featured)


def test_one_demo_story_awaits_review_and_one_is_a_private_draft(
    debug_on, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import AnonymousUser

    from community import story_selectors
    from community.models import Story
    from moderation.models import QueueItem

    seed_with_on_commit(django_capture_on_commit_callbacks)
    alex = Member.objects.get(pseudonym="Alex Moderator")
    robin = Member.objects.get(pseudonym="Robin")
    [waiting] = story_selectors.stories_awaiting_review(alex)
    assert waiting.author == robin
    [item] = QueueItem.objects.exclude(state="resolved").filter(content_type__model="story")
    assert (item.reason, item.object_id) == ("review", waiting.pk)
    [draft] = Story.objects.filter(state="draft")
    assert draft.author == robin
    mine = story_selectors.my_stories(robin)
    assert waiting in mine and draft in mine
    for reader in (AnonymousUser(), Member.objects.get(pseudonym="Juniper"), alex):
        listed = {row.story for row in story_selectors.stories_page(reader, 1).object_list}
        assert waiting not in listed and draft not in listed


def test_demo_stories_raise_no_concern_and_their_authors_were_told(
    debug_on, django_capture_on_commit_callbacks
):
    from django.db.models import F

    from community.models import Notification, Story, StoryReaction
    from moderation.models import QueueItem, Signpost

    seed_with_on_commit(django_capture_on_commit_callbacks)
    for story in Story.objects.all():
        assert story.screening["risk"] == "none", story.title
        assert story.screening["reasons"] in ([], ["read by a moderator before it is published"])
    stories = QueueItem.objects.filter(content_type__model="story")
    assert set(stories.values_list("reason", flat=True)) == {"review"}
    assert not Signpost.objects.filter(content_type__model="story").exists()
    assert not StoryReaction.objects.filter(story__author=F("member")).exists()
    assert not StoryReaction.objects.exclude(story__state="published").exists()
    for story in Story.objects.filter(state="published"):
        told = Notification.objects.filter(story=story, recipient=story.author)
        assert told.get().kind == "story_published"
    assert not Notification.objects.filter(story__state__in=["draft", "submitted"]).exists()


def test_demo_review_queue_has_a_worrying_message_a_report_and_a_story_to_review(
    debug_on, django_capture_on_commit_callbacks
):
    from moderation.models import QueueItem, Report, Signpost

    seed_with_on_commit(django_capture_on_commit_callbacks)
    seed_with_on_commit(django_capture_on_commit_callbacks)
    open_items = QueueItem.objects.exclude(state="resolved")
    assert sorted(open_items.values_list("reason", "content_type__model")) == [
        ("crisis_concern", "chatmessage"),
        ("report", "post"),
        ("review", "story"),
    ]
    worrying = open_items.get(reason="crisis_concern")
    assert worrying.content.status == "published"  # concern is published, signposted, flagged
    assert Signpost.objects.get().member.pseudonym == "Robin"
    assert Report.objects.get().reporter.pseudonym == "Juniper"
