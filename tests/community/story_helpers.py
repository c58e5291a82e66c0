"""Builders for success-story tests. `make_story` stores a story directly, without the pipeline,
so a test can set up any state cheaply; `write` goes through `story_services.story_save` like a
member would (with the posting rate limit cleared, so one member can write many)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from community import story_services
from community.models import Story, StoryTag, state_status
from moderation.kinds import ContentKind
from moderation.models import QueueItem
from moderation.pipeline import rate_window
from tests.factories import MemberFactory

STORY_TITLE = "I went for a walk instead"
STORY_BODY = (
    "Six months ago I sent ten texts when he did not reply within an hour. Last week I "
    "noticed the panic, breathed, and went for a walk."
)
TAG_SLUGS = (
    "setting-a-boundary",
    "calmer-when-waiting",
    "asked-for-what-i-need",
    "first-secure-relationship",
    "started-therapy",
    "kinder-self-talk",
)
STATES = tuple(Story.State.values)
# States in which a story has never been read by a moderator and must stay out of sight.
UNPUBLISHED_STATES = tuple(state for state in STATES if state != Story.State.PUBLISHED)

_numbers = itertools.count(1)


def settled(**extra):
    """A member who joined a month ago, so new-member rules don't apply."""
    extra.setdefault("date_joined", timezone.now() - timedelta(days=30))
    return MemberFactory(**extra)


def make_story(
    author,
    *,
    state: str = Story.State.PUBLISHED,
    audience: str = Story.Audience.EVERYONE,
    title: str | None = None,
    body: str = STORY_BODY,
    tags=(),
    is_anonymous: bool = False,
    is_featured: bool = False,
    published_at=None,
    **extra,
) -> Story:
    """A story stored as it would be in `state`, with the moderation status that goes with it."""
    now = timezone.now()
    if state == Story.State.PUBLISHED and published_at is None:
        published_at = now
    story = Story.objects.create(
        author=author,
        title=title or f"{STORY_TITLE} ({next(_numbers)})",
        body=body,
        body_html=f"<p>{body}</p>",
        state=state,
        status=state_status(state),
        audience=audience,
        is_anonymous=is_anonymous,
        is_featured=is_featured,
        submitted_at=None if state == Story.State.DRAFT else now,
        published_at=published_at,
        **extra,
    )
    if tags:
        story.tags.set(StoryTag.objects.filter(slug__in=tags))
    return story


def write(actor, **kwargs) -> story_services.StorySaved:
    """`story_save` with sensible defaults and an empty rate-limit window."""
    rate_window(actor, ContentKind.STORY).clear()
    kwargs.setdefault("title", STORY_TITLE)
    kwargs.setdefault("body", STORY_BODY)
    kwargs.setdefault("tags", ["calmer-when-waiting"])
    kwargs.setdefault("audience", Story.Audience.EVERYONE)
    return story_services.story_save(actor=actor, **kwargs)


def queue_items(story: Story):
    return QueueItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Story), object_id=story.pk
    ).order_by("pk")


def open_reasons(story: Story) -> list[str]:
    """The reasons of the open queue items about `story`, sorted."""
    return sorted(
        queue_items(story).exclude(state=QueueItem.State.RESOLVED).values_list("reason", flat=True)
    )


def refreshed(story: Story) -> Story:
    return Story.objects.get(pk=story.pk)
