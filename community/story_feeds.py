"""The public Atom feed of success stories: only stories published for visitors too
(story_selectors.feed_stories), each author named as any visitor would see them, so an
anonymous story stays anonymous in every feed reader."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from community import story_permissions, story_selectors
from community.models import Story


class StoryFeed(Feed):
    feed_type = Atom1Feed
    title = _("Steady Ground: stories of hope")
    subtitle = _(
        "Success stories from members healing from anxious attachment, shared with their "
        "consent and read by a moderator before they appear."
    )
    link = reverse_lazy("stories:list")
    feed_url = reverse_lazy("stories:feed")

    def items(self) -> list[Story]:
        return story_selectors.feed_stories()

    def item_title(self, item: Story) -> str:
        # An Atom title is plain text; the feed writer escapes it for XML.
        return item.title

    def item_description(self, item: Story) -> str:
        if item.content_warning:
            # Readers choose whether to open a story with a warning: the feed carries only
            # the title and the warning, and the link to the story.
            return format_html(
                "<p>{}</p><p>{}</p>",
                item.title,
                _("Content warning: %(warning)s") % {"warning": item.content_warning},
            )
        return item.body_html  # sanitised when it was written

    def item_link(self, item: Story) -> str:
        return reverse("stories:detail", args=[item.pk])

    def item_author_name(self, item: Story) -> str:
        return story_permissions.author_label(None, item)

    def item_pubdate(self, item: Story):
        # An edit sends a story back to review, so it changes last when it is published.
        return item.published_at
