"""Who may read, write and review success stories. Every door asks here.

A story is read by others only once a moderator has published it: by members when its audience
is "members", by visitors too when it is "everyone". Its author sees it in every state;
moderators see every story. Nobody else ever sees a draft, a story awaiting review, a returned
or a removed one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from community.forum_permissions import is_member
from community.models import Story
from moderation.models import ContentStatus
from moderation.permissions import is_moderator

# What an author may still change.
EDITABLE_STATES = (
    Story.State.DRAFT,
    Story.State.SUBMITTED,
    Story.State.PUBLISHED,
    Story.State.RETURNED,
)


def published_stories_q(actor) -> Q:
    """Stories anyone but their author and moderators may read."""
    published = Q(status=ContentStatus.PUBLISHED, state=Story.State.PUBLISHED)
    if is_member(actor):
        return published
    return published & Q(audience=Story.Audience.EVERYONE)


def visible_stories_q(actor) -> Q:
    if is_moderator(actor):
        return Q()
    allowed = published_stories_q(actor)
    if is_member(actor):
        allowed |= Q(author=actor)
    return allowed


def is_author(actor, story: Story) -> bool:
    return is_member(actor) and story.author_id == actor.pk


def can_see(actor, story: Story) -> bool:
    if is_moderator(actor) or is_author(actor, story):
        return True
    if story.status != ContentStatus.PUBLISHED or story.state != Story.State.PUBLISHED:
        return False
    return story.audience == Story.Audience.EVERYONE or is_member(actor)


def can_write(actor) -> bool:
    return is_member(actor)


def can_edit(actor, story: Story) -> bool:
    return is_author(actor, story) and story.state in EDITABLE_STATES


def can_keep_as_draft(story: Story | None) -> bool:
    """Only a new story or a draft can stay a draft: changing a story others may have read
    needs review again."""
    return story is None or story.state == Story.State.DRAFT


def can_delete(actor, story: Story) -> bool:
    return is_author(actor, story) and story.state != Story.State.DELETED


def can_react(actor, story: Story) -> bool:
    return (
        is_member(actor)
        and not is_author(actor, story)
        and story.state == Story.State.PUBLISHED
        and can_see(actor, story)
    )


def can_review(actor) -> bool:
    """Stories belong to no group: only moderators review them."""
    return is_moderator(actor)


def author_label(actor, story: Story) -> str:
    """Anonymous stories show "Anonymous member" to everyone but their author and moderators."""
    if not story.is_anonymous:
        return story.author.pseudonym
    if is_author(actor, story):
        return _("You (anonymous to others)")
    if is_moderator(actor):
        return _("%(pseudonym)s (shared anonymously)") % {"pseudonym": story.author.pseudonym}
    return _("Anonymous member")


def author_visible(actor, story: Story) -> bool:
    return not story.is_anonymous or is_author(actor, story) or is_moderator(actor)


def _deny(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def check_write(actor) -> None:
    _deny(can_write(actor), _("Please log in as a member to share a story."))


def check_edit(actor, story: Story) -> None:
    if is_author(actor, story):
        _deny(can_edit(actor, story), _("This story can no longer be changed."))
    _deny(can_edit(actor, story), _("Only its author can change this story."))


def check_delete(actor, story: Story) -> None:
    _deny(can_delete(actor, story), _("Only its author can delete this story."))


def check_react(actor, story: Story) -> None:
    if is_author(actor, story):
        _deny(False, _("Reactions are for other people's stories."))
    _deny(can_react(actor, story), _("You can react to published stories you can read."))


def check_review(actor) -> None:
    _deny(can_review(actor), _("Only moderators review stories."))
