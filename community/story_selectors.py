"""Reads for success stories. Fetch-and-check helpers raise Http404 for what the actor may not
see (the same answer as for what does not exist); lists cost a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from community import story_permissions as permissions
from community.forum_selectors import rows_page
from community.ids import db_id_or_404, not_found
from community.models import Story, StoryReaction, StoryTag
from moderation.models import ContentStatus

STORIES_PER_PAGE = 12
FEED_LENGTH = 20


def story_tags() -> list[StoryTag]:
    return list(StoryTag.objects.all())


def get_tag(slug: str) -> StoryTag:
    tag = StoryTag.objects.filter(slug=slug).first()
    if tag is None:
        raise Http404(_("There is no milestone tag with that name."))
    return tag


@dataclass(frozen=True)
class StoryListing:
    story: Story
    author_label: str
    hope_count: int
    tags: tuple[StoryTag, ...]


def _with_parts(rows: QuerySet[Story]) -> QuerySet[Story]:
    return (
        rows.select_related("author")
        .annotate(hopes=Count("reactions", distinct=True))
        .prefetch_related(Prefetch("tags", queryset=StoryTag.objects.order_by("order", "name")))
    )


def _listing(actor, story: Story) -> StoryListing:
    return StoryListing(
        story=story,
        author_label=permissions.author_label(actor, story),
        hope_count=story.hopes,
        tags=tuple(story.tags.all()),
    )


def stories_page(actor, number: int, *, tag: StoryTag | None = None) -> Page:
    """Published stories `actor` may read, newest first, optionally with one milestone tag.
    Three queries (count, page, tags) whatever the page holds."""
    rows = Story.objects.filter(permissions.published_stories_q(actor))
    if tag is not None:
        rows = rows.filter(tags=tag)
    page = rows_page(_with_parts(rows).order_by("-published_at", "-pk"), STORIES_PER_PAGE, number)
    page.object_list = [_listing(actor, story) for story in page.object_list]
    return page


def featured_stories(actor, *, limit: int = 3) -> list[StoryListing]:
    """Stories moderators picked for the home page that `actor` may read. Two queries."""
    rows = Story.objects.filter(permissions.published_stories_q(actor), is_featured=True)
    return [_listing(actor, story) for story in _with_parts(rows).order_by("-published_at")[:limit]]


def feed_stories() -> list[Story]:
    """The public feed: published stories meant for visitors too. One query."""
    return list(
        Story.objects.filter(permissions.published_stories_q(None))
        .select_related("author")
        .order_by("-published_at", "-pk")[:FEED_LENGTH]
    )


def my_stories(actor) -> list[Story]:
    """The author's own stories in every state but deleted, latest first."""
    if not permissions.is_member(actor):
        return []
    return list(
        Story.objects.filter(author=actor)
        .exclude(state=Story.State.DELETED)
        .prefetch_related("tags")
        .order_by("-created_at", "-pk")
    )


def stories_awaiting_review(actor) -> list[Story]:
    """Stories sent in and not yet decided, oldest first (moderators only)."""
    permissions.check_review(actor)
    return list(
        Story.objects.filter(state=Story.State.SUBMITTED)
        .select_related("author")
        .prefetch_related("tags")
        .order_by("submitted_at", "pk")
    )


def get_story_for(actor, story_id) -> Story:
    """The story with this id if `actor` may see it; 404 otherwise."""
    story = (
        Story.objects.select_related("author")
        .prefetch_related("tags")
        .filter(pk=db_id_or_404(story_id))
        .first()
    )
    if story is None or not permissions.can_see(actor, story):
        raise not_found()
    return story


@dataclass(frozen=True)
class StoryView:
    story: Story
    author_label: str
    author_visible: bool
    tags: tuple[StoryTag, ...]
    hope_count: int
    hoped_by_me: bool
    may_edit: bool
    may_delete: bool
    may_react: bool
    may_review: bool
    is_public: bool  # published and readable by others

    @property
    def state_label(self) -> str:
        return self.story.get_state_display()


def story_view(actor, story: Story) -> StoryView:
    """One story as `actor` sees it. One query (the reactions)."""
    counts = StoryReaction.objects.filter(story=story).aggregate(
        total=Count("pk"),
        mine=Count("pk", filter=_mine(actor)),
    )
    return StoryView(
        story=story,
        author_label=permissions.author_label(actor, story),
        author_visible=permissions.author_visible(actor, story),
        tags=tuple(story.tags.all()),
        hope_count=counts["total"],
        hoped_by_me=bool(counts["mine"]),
        may_edit=permissions.can_edit(actor, story),
        may_delete=permissions.can_delete(actor, story),
        may_react=permissions.can_react(actor, story),
        may_review=permissions.can_review(actor),
        is_public=story.state == Story.State.PUBLISHED and story.status == ContentStatus.PUBLISHED,
    )


def _mine(actor) -> Q:
    if not permissions.is_member(actor):
        return Q(pk__in=[])
    return Q(member=actor)
