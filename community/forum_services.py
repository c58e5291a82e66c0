"""Writes for the forums: threads and replies through the moderation pipeline, edits with
their history kept, deletion by authors, reactions, follows, notifications, lock and pin.
Every door (pages, REST API) calls these, so the rules live here once."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import forum_permissions as permissions
from community.forum_permissions import Reader
from community.forum_selectors import subscribers_to_notify
from community.models import Category, Notification, Post, Reaction, Subscription, Thread
from moderation import services as moderation_services
from moderation.kinds import ContentKind
from moderation.models import ContentStatus, ModerationAction
from moderation.pipeline import Decision, SubmissionContext

MAX_WARNING_LENGTH = 120


class ForumActionRefused(Exception):
    """The action can't be done as asked; the message says why and what to do instead."""


@dataclass(frozen=True)
class Written:
    """A thread or reply as stored, with the pipeline's decision (signpost, held notice)."""

    content: Thread | Post
    decision: Decision

    @property
    def held(self) -> bool:
        return self.content.status == ContentStatus.HELD


def _check_in_category(reader: Reader, thread: Thread) -> None:
    """A reader's standing holds in its own category only; anything else is a caller's bug
    that must not turn into access (a facilitator's standing in their group's forum says
    nothing about a public thread)."""
    if thread.category_id != reader.category.pk:
        raise PermissionDenied(_("You can't do that here."))


def _thread_of(content: Thread | Post) -> Thread:
    return content if isinstance(content, Thread) else content.thread


def clean_content_warning(value) -> str:
    warning = " ".join(str(value or "").split())
    if len(warning) > MAX_WARNING_LENGTH:
        raise ForumActionRefused(
            _("Please keep the content warning to %(n)s characters or fewer.")
            % {"n": MAX_WARNING_LENGTH}
        )
    return warning


def _context(category: Category) -> SubmissionContext:
    return SubmissionContext(group=category.group, premoderated=category.is_premoderated)


def _follow(member, thread: Thread) -> None:
    Subscription.objects.get_or_create(member=member, thread=thread)


def _reply_published(post: Post) -> None:
    """A reply became visible: the thread is active again and its followers hear of it.
    Idempotent (a notification exists once per reply and member)."""
    Thread.objects.filter(pk=post.thread_id, last_activity_at__lt=post.created_at).update(
        last_activity_at=post.created_at
    )
    recipients = subscribers_to_notify(post.thread, post)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=member_id,
                kind=Notification.Kind.REPLY,
                thread_id=post.thread_id,
                post=post,
            )
            for member_id in recipients
        ],
        ignore_conflicts=True,
    )


def thread_start(
    *,
    reader: Reader,
    title: str,
    body: str,
    content_warning: str = "",
    is_anonymous: bool = False,
) -> Written:
    """Start a thread in `reader.category` through the moderation pipeline.

    Guarantees: the title is screened and masked with the text; urgent risk is held, queued and
    signposted, never dropped; the author follows the thread; a refusal raises ContentRefused
    and stores nothing."""
    permissions.check_post_in_category(reader)
    actor, category = reader.actor, reader.category
    warning = clean_content_warning(content_warning)

    def store(decision: Decision) -> Thread:
        thread = Thread.objects.create(
            author=actor,
            category=category,
            title=decision.title,
            body=decision.body,
            body_html=decision.body_html,
            status=decision.status,
            screening=decision.screening_record,
            content_warning=warning,
            is_anonymous=bool(is_anonymous),
        )
        _follow(actor, thread)
        return thread

    submission = moderation_services.content_submit(
        actor=actor,
        kind=ContentKind.FORUM_THREAD,
        text=body,
        title=title,
        store=store,
        context=_context(category),
    )
    return Written(content=submission.content, decision=submission.decision)


def post_reply(
    *,
    reader: Reader,
    thread: Thread,
    body: str,
    content_warning: str = "",
    is_anonymous: bool = False,
) -> Written:
    """Reply in a thread through the moderation pipeline. A published reply notifies the
    thread's followers after commit; a held one does so when a moderator approves it."""
    _check_in_category(reader, thread)
    permissions.check_reply(reader, thread)
    actor = reader.actor
    warning = clean_content_warning(content_warning)

    def store(decision: Decision) -> Post:
        post = Post.objects.create(
            author=actor,
            thread=thread,
            body=decision.body,
            body_html=decision.body_html,
            status=decision.status,
            screening=decision.screening_record,
            content_warning=warning,
            is_anonymous=bool(is_anonymous),
        )
        _follow(actor, thread)
        if post.status == ContentStatus.PUBLISHED:
            transaction.on_commit(lambda: _reply_published(post))
        return post

    submission = moderation_services.content_submit(
        actor=actor,
        kind=ContentKind.FORUM_POST,
        text=body,
        store=store,
        context=_context(reader.category),
    )
    return Written(content=submission.content, decision=submission.decision)


def _edit(
    *,
    reader: Reader,
    content: Thread | Post,
    thread: Thread,
    body: str,
    content_warning: str,
    title: str | None,
) -> Written:
    _check_in_category(reader, thread)
    permissions.check_edit(reader, content, thread)
    warning = clean_content_warning(content_warning)
    kind = ContentKind.FORUM_THREAD if isinstance(content, Thread) else ContentKind.FORUM_POST

    def store(decision: Decision) -> Thread | Post:
        current = type(content).objects.select_for_update().get(pk=content.pk)
        if current.status not in permissions.OPEN_STATUSES:
            raise ForumActionRefused(_("This can no longer be edited."))
        moderation_services.content_revision_record(
            content=current,
            editor=reader.actor,
            title=getattr(current, "title", ""),
        )
        was_held = current.status == ContentStatus.HELD
        current.body = decision.body
        current.body_html = decision.body_html
        current.content_warning = warning
        current.screening = decision.screening_record
        # Editing never lets words skip a review that is still waiting.
        current.status = ContentStatus.HELD if was_held else decision.status
        current.edited_at = timezone.now()
        if title is not None:
            current.title = decision.title
        current.save()
        return current

    submission = moderation_services.content_submit(
        actor=reader.actor,
        kind=kind,
        text=body,
        title=title,
        store=store,
        context=_context(reader.category),
    )
    return Written(content=submission.content, decision=submission.decision)


def thread_edit(
    *, reader: Reader, thread: Thread, title: str, body: str, content_warning: str = ""
) -> Written:
    """Change a thread's title and opening text. The earlier version is kept for moderators and
    the new one passes the pipeline again (it may now wait for review)."""
    return _edit(
        reader=reader,
        content=thread,
        thread=thread,
        body=body,
        content_warning=content_warning,
        title=title,
    )


def post_edit(*, reader: Reader, post: Post, body: str, content_warning: str = "") -> Written:
    """Change a reply. The earlier version is kept for moderators; the new one is screened."""
    return _edit(
        reader=reader,
        content=post,
        thread=post.thread,
        body=body,
        content_warning=content_warning,
        title=None,
    )


def content_delete(*, reader: Reader, content: Thread | Post) -> Thread | Post:
    """An author takes down their own thread or reply. Others see "deleted by its author"; the
    text is kept for moderators (a deleted cry for help is still in the queue)."""
    _check_in_category(reader, _thread_of(content))
    if content.status == ContentStatus.DELETED and reader.is_author(content):
        return content  # deleting twice is the same as once
    permissions.check_delete(reader, content)
    with transaction.atomic():
        current = type(content).objects.select_for_update().get(pk=content.pk)
        if current.status not in permissions.OPEN_STATUSES:
            return current
        current.status = ContentStatus.DELETED
        current.edited_at = current.taken_down_at = timezone.now()
        current.save(update_fields=["status", "edited_at", "taken_down_at"])
    return current


def _audit_thread(*, actor, thread: Thread, verb: str, details: dict) -> None:
    ModerationAction.objects.create(
        actor=actor,
        verb=verb,
        member=thread.author,
        content_type=moderation_services.content_type_for(thread),
        object_id=thread.pk,
        details=details,
    )


def _thread_flag_set(
    *, reader: Reader, thread: Thread, field: str, value: bool, verb: str
) -> Thread:
    """Set a moderator's flag on a thread; an audit row only for a real change."""
    _check_in_category(reader, thread)
    permissions.check_lock_or_pin(reader)
    with transaction.atomic():
        changed = (
            Thread.objects.filter(pk=thread.pk).exclude(**{field: value}).update(**{field: value})
        )
        if changed:
            _audit_thread(
                actor=reader.actor,
                thread=thread,
                verb=verb,
                details={field.removeprefix("is_"): value},
            )
    setattr(thread, field, value)
    return thread


def thread_lock(*, reader: Reader, thread: Thread, locked: bool) -> Thread:
    """Close a thread to new replies (or open it again). Logged."""
    return _thread_flag_set(
        reader=reader,
        thread=thread,
        field="is_locked",
        value=locked,
        verb=ModerationAction.Verb.THREAD_LOCKED,
    )


def thread_pin(*, reader: Reader, thread: Thread, pinned: bool) -> Thread:
    """Keep a thread at the top of its category (or stop). Logged."""
    return _thread_flag_set(
        reader=reader,
        thread=thread,
        field="is_pinned",
        value=pinned,
        verb=ModerationAction.Verb.THREAD_PINNED,
    )


def _reaction_target(content: Thread | Post) -> dict:
    return {"thread": content} if isinstance(content, Thread) else {"post": content}


def _clean_reaction_kind(kind) -> str:
    if kind not in Reaction.Kind.values:
        raise ForumActionRefused(
            _("Please choose one of the reactions: %(kinds)s.")
            % {"kinds": ", ".join(str(label) for label in Reaction.Kind.labels)}
        )
    return kind


def reaction_add(*, reader: Reader, content: Thread | Post, kind: str) -> Reaction:
    """Give a supportive reaction. Once per kind per member per post: repeating it is
    harmless and returns the first."""
    kind = _clean_reaction_kind(kind)
    _check_in_category(reader, _thread_of(content))
    permissions.check_react(reader, content)
    target = _reaction_target(content)
    try:
        with transaction.atomic():
            reaction, _created = Reaction.objects.get_or_create(
                member=reader.actor, kind=kind, **target
            )
    except IntegrityError:  # a double click raced us: the other request stored it
        reaction = Reaction.objects.get(member=reader.actor, kind=kind, **target)
    return reaction


def reaction_remove(*, reader: Reader, content: Thread | Post, kind: str) -> None:
    """Take back a reaction (nothing happens if there was none)."""
    kind = _clean_reaction_kind(kind)
    if not reader.is_member:
        raise PermissionDenied(_("Please log in to react."))
    Reaction.objects.filter(member=reader.actor, kind=kind, **_reaction_target(content)).delete()


def thread_follow(*, reader: Reader, thread: Thread) -> Subscription:
    """Hear about new replies in a thread. Following twice is the same as once."""
    _check_in_category(reader, thread)
    if not (reader.is_member and reader.sees(thread)):
        raise PermissionDenied(_("Please log in to follow threads."))
    try:
        with transaction.atomic():
            subscription, _created = Subscription.objects.get_or_create(
                member=reader.actor, thread=thread
            )
    except IntegrityError:
        subscription = Subscription.objects.get(member=reader.actor, thread=thread)
    return subscription


def thread_unfollow(*, reader: Reader, thread: Thread) -> None:
    if not reader.is_member:
        raise PermissionDenied(_("Please log in to follow threads."))
    Subscription.objects.filter(member=reader.actor, thread=thread).delete()


def _clean_ids(ids) -> list[int]:
    """Whole numbers, as ints or digit strings (what forms send); anything else is ignored."""
    clean = []
    for value in ids:
        if isinstance(value, bool):
            continue
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, int) and 0 < value < 2**63:
            clean.append(value)
    return clean


def notifications_mark_read(*, actor, thread: Thread | None = None, story=None, ids=None) -> int:
    """Mark the member's notifications read: all of them, those of one thread or story, or
    those with the given ids (ids of other members' notifications are ignored). Returns how
    many."""
    if not permissions.is_member(actor):
        raise PermissionDenied(_("Please log in to see your notifications."))
    rows = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if thread is not None:
        rows = rows.filter(thread=thread)
    if story is not None:
        rows = rows.filter(story=story)
    if ids is not None:
        rows = rows.filter(pk__in=_clean_ids(ids))
    return rows.update(read_at=timezone.now())


def content_report(*, reader: Reader, content: Thread | Post, reason: str, note: str = ""):
    """Report a thread or reply to the moderators (once per member per item)."""
    _check_in_category(reader, _thread_of(content))
    permissions.check_report(reader, content)
    return moderation_services.content_report(
        actor=reader.actor, content=content, reason=reason, note=note
    )


def content_remove(*, reader: Reader, content: Thread | Post, reason: str) -> Thread | Post:
    """A moderator (or the group's facilitator) takes a thread or reply down, with a reason
    the author is shown."""
    _check_in_category(reader, _thread_of(content))
    return moderation_services.content_remove(actor=reader.actor, content=content, reason=reason)


def category_for_group(group) -> Category:
    """The private forum of a peer group, made the first time it is needed."""
    category = Category.objects.filter(group=group).first()
    if category is not None:
        return category
    try:
        with transaction.atomic():
            return Category.objects.create(
                name=group.name,
                slug=f"group-{group.slug}"[:100],
                description=_("The private forum of %(group)s. Only its members can read it.")
                % {"group": group.name},
                visibility=Category.Visibility.GROUP,
                group=group,
                order=1000,
            )
    except IntegrityError:
        return Category.objects.get(group=group)


# --- hooks called by the moderation services after a moderator's decision --------------------


def post_moderated(post: Post) -> None:
    """A moderator approved, removed or restored a reply."""
    post = Post.objects.select_related("thread", "thread__category").get(pk=post.pk)
    if post.status == ContentStatus.PUBLISHED:
        _reply_published(post)


def thread_moderated(thread: Thread) -> None:
    """Nothing to tell anyone yet: a thread's followers are told of replies, not openings."""
