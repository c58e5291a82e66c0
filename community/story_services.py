"""Writes for success stories: drafts, sending for review, edits, the moderators' decisions
(publish, return with a note, remove, feature) and "this gave me hope". Every door (pages,
REST API, admin) calls these, so the rules live here once."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import story_permissions as permissions
from community.models import Notification, Story, StoryReaction, StoryTag, state_status
from moderation import services as moderation_services
from moderation.kinds import ContentKind
from moderation.models import AT_RISK_REASONS, ContentStatus, ModerationAction, QueueItem
from moderation.pipeline import ContentRefused, Decision, SubmissionContext, submit
from moderation.services import ModerationConflict

MAX_NOTE_LENGTH = 2000
MAX_TAGS = 6
MAX_WARNING_LENGTH = 120


class StoryActionRefused(Exception):
    """The action can't be done as asked; the message says why and what to do instead."""


@dataclass(frozen=True)
class StorySaved:
    story: Story
    decision: Decision

    @property
    def submitted(self) -> bool:
        return self.story.state == Story.State.SUBMITTED


def _clean_tags(tags) -> list[StoryTag]:
    slugs = []
    for tag in tags or ():
        slug = tag.slug if isinstance(tag, StoryTag) else tag
        if not isinstance(slug, str):
            raise StoryActionRefused(_("Please choose milestone tags from the list."))
        if slug not in slugs:
            slugs.append(slug)
    if len(slugs) > MAX_TAGS:
        raise StoryActionRefused(_("Please choose up to %(n)s milestone tags.") % {"n": MAX_TAGS})
    found = list(StoryTag.objects.filter(slug__in=slugs))
    if len(found) != len(slugs):
        raise StoryActionRefused(_("Please choose milestone tags from the list."))
    return found


def _clean_audience(audience) -> str:
    if audience not in Story.Audience.values:
        raise StoryActionRefused(
            _("Please choose who may read your story: members only, or visitors too.")
        )
    return audience


def _clean_warning(value) -> str:
    warning = " ".join(str(value or "").split())
    if len(warning) > MAX_WARNING_LENGTH:
        raise StoryActionRefused(
            _("Please keep the content warning to %(n)s characters or fewer.")
            % {"n": MAX_WARNING_LENGTH}
        )
    return warning


def story_save(
    *,
    actor,
    title: str,
    body: str,
    story: Story | None = None,
    tags=(),
    audience: str = Story.Audience.MEMBERS,
    is_anonymous: bool = False,
    content_warning: str = "",
    send_for_review: bool = True,
) -> StorySaved:
    """Write a new story or change one, and send it for review (or keep it as a draft).

    Guarantees: every story sent in waits for a moderator whoever wrote it (a review queue
    item); editing a published or returned story sends it back to review, keeping the earlier
    version for moderators; a cry for help, even in a draft, is screened, signposted and queued
    as everywhere; a refusal raises ContentRefused and changes nothing."""
    if story is None:
        permissions.check_write(actor)
    else:
        permissions.check_edit(actor, story)
    tag_rows = _clean_tags(tags)
    audience = _clean_audience(audience)
    warning = _clean_warning(content_warning)
    keep_as_draft = not send_for_review and permissions.can_keep_as_draft(story)
    decision = submit(
        actor=actor,
        kind=ContentKind.STORY,
        text=body,
        title=title,
        context=SubmissionContext(review_all=not keep_as_draft),
    )
    if decision.refused:
        if decision.signpost is not None:
            moderation_services.signpost_record(member=actor, offer=decision.signpost)
        raise ContentRefused(decision)
    now = timezone.now()
    with transaction.atomic():
        if story is None:
            current = Story(author=actor)
        else:
            current = Story.objects.select_for_update().get(pk=story.pk)
            if current.state not in permissions.EDITABLE_STATES:
                raise StoryActionRefused(_("This story can no longer be changed."))
            moderation_services.content_revision_record(
                content=current, editor=actor, title=current.title
            )
            current.edited_at = now
        current.title = decision.title
        current.body = decision.body
        current.body_html = decision.body_html
        current.screening = decision.screening_record
        current.content_warning = warning
        current.audience = audience
        current.is_anonymous = bool(is_anonymous)
        current.state = Story.State.DRAFT if keep_as_draft else Story.State.SUBMITTED
        current.status = state_status(current.state)
        current.return_note = ""
        if not keep_as_draft:
            current.submitted_at = now
        current.save()
        current.tags.set(tag_rows)
        if keep_as_draft and decision.queue_reason not in AT_RISK_REASONS:
            # A private draft goes to nobody, except for the author's own signpost.
            if decision.signpost is not None:
                moderation_services.signpost_record(
                    member=actor, offer=decision.signpost, content=current
                )
        else:
            moderation_services.content_submitted(decision=decision, content=current)
    return StorySaved(story=current, decision=decision)


def story_delete(*, actor, story: Story) -> Story:
    """The author takes their story down, in any state. Its review is withdrawn; a crisis
    item stays with the moderators. Deleting twice is the same as once."""
    if permissions.is_author(actor, story) and story.state == Story.State.DELETED:
        return story
    permissions.check_delete(actor, story)
    with transaction.atomic():
        current = Story.objects.select_for_update().get(pk=story.pk)
        current.state = Story.State.DELETED
        current.status = state_status(current.state)
        current.is_featured = False
        current.edited_at = current.taken_down_at = timezone.now()
        current.save(update_fields=["state", "status", "is_featured", "edited_at", "taken_down_at"])
        moderation_services.queue_items_close_for(
            actor=actor,
            content=current,
            resolution=QueueItem.Resolution.NO_ACTION,
            note=_("Deleted by its author."),
        )
    return current


def _notify(story: Story, kind: str) -> None:
    Notification.objects.create(recipient_id=story.author_id, kind=kind, story=story)


def story_approve(*, actor, story: Story, note: str = "") -> Story:
    """Publish a story that is waiting for review; its author is told."""
    permissions.check_review(actor)
    if len((note or "").strip()) > moderation_services.MAX_REASON_LENGTH:
        raise StoryActionRefused(
            _("Please keep the note to %(n)s characters or fewer.")
            % {"n": moderation_services.MAX_REASON_LENGTH}
        )
    if story.state != Story.State.SUBMITTED:
        raise ModerationConflict(_("Only a story waiting for review can be published."))
    # The state is checked again under the row lock (Story.before_publish).
    return moderation_services.content_approve(actor=actor, content=story, note=note)


def story_return(*, actor, story: Story, note: str) -> Story:
    """Give a story back to its author with a note saying what to change. They are told in
    the app, revise it and send it again. Crisis items on it stay open."""
    permissions.check_review(actor)
    note = (note or "").strip()
    if not note:
        raise StoryActionRefused(
            _("Please write a note for the author: what to change, said kindly.")
        )
    if len(note) > MAX_NOTE_LENGTH:
        raise StoryActionRefused(
            _("Please keep the note to %(n)s characters or fewer.") % {"n": MAX_NOTE_LENGTH}
        )
    with transaction.atomic():
        current = Story.objects.select_for_update().get(pk=story.pk)
        if current.state != Story.State.SUBMITTED:
            raise ModerationConflict(_("Only a story waiting for review can be returned."))
        current.state = Story.State.RETURNED
        current.status = state_status(current.state)
        current.return_note = note
        current.save(update_fields=["state", "status", "return_note"])
        moderation_services.queue_items_close_for(
            actor=actor, content=current, resolution=QueueItem.Resolution.RETURNED, note=note
        )
        ModerationAction.objects.create(
            actor=actor,
            verb=ModerationAction.Verb.STORY_RETURNED,
            member=current.author,
            content_type=moderation_services.content_type_for(current),
            object_id=current.pk,
            reason=note,
        )
        transaction.on_commit(lambda: _notify(current, Notification.Kind.STORY_RETURNED))
    return current


def story_remove(*, actor, story: Story, reason: str) -> Story:
    """Take a story down; the author sees the reason."""
    permissions.check_review(actor)
    return moderation_services.content_remove(actor=actor, content=story, reason=reason)


def story_feature(*, actor, story: Story, featured: bool) -> Story:
    """Show a published story on the home page (or stop). Logged."""
    permissions.check_review(actor)
    with transaction.atomic():
        current = Story.objects.select_for_update().get(pk=story.pk)
        if featured and current.state != Story.State.PUBLISHED:
            raise ModerationConflict(_("Only a published story can be featured."))
        if current.is_featured != featured:
            current.is_featured = featured
            current.save(update_fields=["is_featured"])
            ModerationAction.objects.create(
                actor=actor,
                verb=ModerationAction.Verb.STORY_FEATURED,
                member=current.author,
                content_type=moderation_services.content_type_for(current),
                object_id=current.pk,
                details={"featured": featured},
            )
    return current


def story_hope_add(*, actor, story: Story) -> StoryReaction:
    """ "This gave me hope". Once per member per story: repeating it changes nothing."""
    permissions.check_react(actor, story)
    try:
        with transaction.atomic():
            reaction, _created = StoryReaction.objects.get_or_create(member=actor, story=story)
    except IntegrityError:  # a double click raced us
        reaction = StoryReaction.objects.get(member=actor, story=story)
    return reaction


def story_hope_remove(*, actor, story: Story) -> None:
    """Take back "this gave me hope" (nothing happens if there was none)."""
    if not permissions.is_member(actor) or permissions.is_author(actor, story):
        permissions.check_react(actor, story)
    StoryReaction.objects.filter(member=actor, story=story).delete()


def story_moderated(story: Story) -> None:
    """After a moderator's decision is committed: tell the author when their story is
    published (once). The state itself changes inside the deciding transaction."""
    current = Story.objects.get(pk=story.pk)
    if current.status == ContentStatus.PUBLISHED:
        already = Notification.objects.filter(
            story=current, kind=Notification.Kind.STORY_PUBLISHED
        ).exists()
        if not already:
            _notify(current, Notification.Kind.STORY_PUBLISHED)
