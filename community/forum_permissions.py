"""Who may read, write and moderate in the forums. Every door asks here; nothing else decides.

Public categories are readable by anyone, members-only categories by signed-in members, and a
group's forum by that group's active members. Moderators read everything; a group's
facilitators moderate its forum. Held and removed content is for its author and its moderators.

`reader_for(actor, category)` works out the actor's standing in a category once (at most two
queries); every per-item rule is then a method of that `Reader`, so a page of fifty posts costs
no more permission queries than a page of five.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from community.models import Category, Post, Thread
from moderation.models import ContentStatus
from moderation.permissions import can_moderate_in, is_moderator

# What every reader of a category sees; a deleted item shows as a "deleted by its author" line.
PUBLIC_STATUSES = (ContentStatus.PUBLISHED, ContentStatus.DELETED)
# What an author may still change or take down.
OPEN_STATUSES = (ContentStatus.PUBLISHED, ContentStatus.HELD)


def is_member(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.is_active)


def readable_categories_q(actor, prefix: str = "") -> Q:
    """A filter for categories `actor` may read; `prefix` reaches them through a relation
    (e.g. "thread__category__"). One subquery, never a query per category."""
    from groups.models import Membership

    if is_moderator(actor):
        return Q()
    allowed = Q(**{f"{prefix}visibility": Category.Visibility.PUBLIC})
    if is_member(actor):
        allowed |= Q(**{f"{prefix}visibility": Category.Visibility.MEMBERS})
        member_of = Membership.objects.filter(
            group=OuterRef(f"{prefix}group"), member=actor, state=Membership.State.ACTIVE
        )
        allowed |= Q(**{f"{prefix}visibility": Category.Visibility.GROUP}) & Q(Exists(member_of))
    return allowed


def visible_content_q(actor, *, moderating: bool, prefix: str = "") -> Q:
    """Threads or replies (reached through `prefix`) that `actor` may see inside a category
    they may read. Held and removed items: their author and the category's moderators."""
    if moderating:
        return Q()
    allowed = Q(**{f"{prefix}status__in": PUBLIC_STATUSES})
    if is_member(actor):
        allowed |= Q(**{f"{prefix}author": actor})
    return allowed


def can_read_category(actor, category: Category) -> bool:
    if category.visibility == Category.Visibility.PUBLIC or is_moderator(actor):
        return True
    if not is_member(actor):
        return False
    if category.visibility == Category.Visibility.MEMBERS:
        return True
    from groups.permissions import is_active_member

    return is_active_member(actor, category.group)


@dataclass(frozen=True)
class Reader:
    """One actor's standing in one category, worked out once."""

    actor: object
    category: Category
    can_read: bool
    moderating: bool

    @property
    def is_member(self) -> bool:
        return is_member(self.actor)

    @property
    def can_post(self) -> bool:
        """Membership only; sanctions and rate limits are the pipeline's business."""
        return self.is_member and self.can_read

    def is_author(self, content: Thread | Post) -> bool:
        return self.is_member and content.author_id == self.actor.pk

    def sees(self, content: Thread | Post) -> bool:
        if not self.can_read:
            return False
        if content.status in PUBLIC_STATUSES:
            return True
        return self.is_author(content) or self.moderating

    def sees_text(self, content: Thread | Post) -> bool:
        """Removed or deleted text stays readable to moderators; removed text to its author."""
        if content.status in (ContentStatus.PUBLISHED, ContentStatus.HELD):
            return self.sees(content)
        if content.status == ContentStatus.REMOVED:
            return self.is_author(content) or self.moderating
        return self.moderating

    def may_reply(self, thread: Thread) -> bool:
        return (
            self.can_post
            and thread.status == ContentStatus.PUBLISHED
            and (not thread.is_locked or self.moderating)
        )

    def may_edit(self, content: Thread | Post, thread: Thread) -> bool:
        """Authors edit their own published or waiting words, unless the thread is locked."""
        return (
            self.can_read
            and self.is_author(content)
            and content.status in OPEN_STATUSES
            and (not thread.is_locked or self.moderating)
        )

    def may_delete(self, content: Thread | Post) -> bool:
        return self.can_read and self.is_author(content) and content.status in OPEN_STATUSES

    def may_react(self, content: Thread | Post) -> bool:
        return (
            self.can_read
            and self.is_member
            and content.status == ContentStatus.PUBLISHED
            and not self.is_author(content)
        )

    may_report = may_react

    def may_see_history(self) -> bool:
        return self.moderating

    def may_lock_or_pin(self) -> bool:
        return self.moderating

    def author_label(self, content: Thread | Post) -> str:
        """Anonymous posts show "Anonymous member" to everyone except the author and the
        category's moderators."""
        if not content.is_anonymous:
            return content.author.pseudonym
        if self.is_author(content):
            return _("You (anonymous to others)")
        if self.moderating:
            return _("%(pseudonym)s (posted anonymously)") % {"pseudonym": content.author.pseudonym}
        return _("Anonymous member")

    def public_label(self, content: Thread | Post) -> str:
        """The name to put in words everyone will read (a quote): anonymity holds even when a
        moderator, who may see who wrote it, does the quoting."""
        return _("Anonymous member") if content.is_anonymous else content.author.pseudonym

    def may_remove(self, content: Thread | Post) -> bool:
        return self.moderating and content.status in OPEN_STATUSES

    def author_visible(self, content: Thread | Post) -> bool:
        """May the author's pseudonym (and profile link) be shown?"""
        return not content.is_anonymous or self.moderating or self.is_author(content)


def reader_for(actor, category: Category) -> Reader:
    can_read = can_read_category(actor, category)
    moderating = can_read and can_moderate_in(actor, category.group)
    return Reader(actor=actor, category=category, can_read=can_read, moderating=moderating)


def _deny(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def check_post_in_category(reader: Reader) -> None:
    _deny(reader.can_post, _("Please log in as a member to write here."))


def check_reply(reader: Reader, thread: Thread) -> None:
    if thread.is_locked and not reader.moderating:
        _deny(False, _("This thread is locked, so it can't take new replies."))
    if thread.status != ContentStatus.PUBLISHED:
        _deny(False, _("This thread isn't open for replies at the moment."))
    _deny(reader.may_reply(thread), _("Please log in as a member to reply."))


def check_edit(reader: Reader, content: Thread | Post, thread: Thread) -> None:
    _deny(
        reader.may_edit(content, thread),
        _("Only the author can edit this, and not once the thread is locked."),
    )


def check_delete(reader: Reader, content: Thread | Post) -> None:
    _deny(reader.may_delete(content), _("Only the author can delete this."))


def check_react(reader: Reader, content: Thread | Post) -> None:
    if reader.is_author(content):
        _deny(False, _("Reactions are for other people's posts."))
    _deny(reader.may_react(content), _("You can react to published posts you can read."))


def check_report(reader: Reader, content: Thread | Post) -> None:
    if reader.is_author(content):
        _deny(False, _("You can't report your own post. You can edit or delete it instead."))
    _deny(reader.may_report(content), _("You can report published posts you can read."))


def check_lock_or_pin(reader: Reader) -> None:
    _deny(reader.may_lock_or_pin(), _("Only moderators can lock or pin threads."))


def check_see_history(reader: Reader) -> None:
    _deny(reader.may_see_history(), _("Only moderators can see earlier versions."))
