"""Writes for the member's private journal and milestones (/me/journal/, /me/milestones/).

These words are for the member alone. They never pass the moderation pipeline and nothing about
them is queued, recorded or sent to anyone: each text is screened for crisis language only so
that the member sees help at once (`community.signposting.private_signpost`), and that help is
returned to the door to show, never stored. Every door (pages, REST API) calls these, so the
rules (length, prompts, rate limits, ownership) live here once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import journal
from community.ids import not_found
from community.markup import render_markdown
from community.models import JournalEntry, Milestone, Story
from community.models.selfhelp import (
    JOURNAL_MAX_LENGTH,
    MILESTONE_TITLE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
)
from community.private_space import PrivateSpaceRateLimited, check_private_space
from community.ratelimit import SlidingWindow
from community.signposting import SignpostOffer, private_signpost
from community.story_services import story_save
from moderation.pipeline import ContentRefused

JOURNAL_PER_HOUR = 60
MILESTONES_PER_HOUR = 30
HOUR = 3600


# --- checks -----------------------------------------------------------------------------------


def _check_owner(actor, row) -> None:
    """Only the member who wrote it may change it; to anyone else it does not exist."""
    check_private_space(actor)
    if row.member_id != actor.pk:
        raise not_found()


def _window(actor, scope: str, limit: int) -> SlidingWindow:
    return SlidingWindow(f"private-{scope}", f"member:{actor.pk}", limit, HOUR)


def _check_rate(window: SlidingWindow) -> None:
    retry_after = window.retry_after()
    if retry_after:
        raise PrivateSpaceRateLimited(retry_after)


def _text(value, field: str, *, limit: int, required: bool, label: str) -> str:
    """The text as written (kept exactly), or a ValidationError on `field`."""
    if not isinstance(value, str):
        raise ValidationError({field: [_("Please write %(what)s as text.") % {"what": label}]})
    if required and not value.strip():
        raise ValidationError({field: [_("Please write %(what)s first.") % {"what": label}]})
    if len(value) > limit:
        raise ValidationError(
            {
                field: [
                    _(
                        "This is %(length)s characters long; the limit is %(limit)s. "
                        "Please shorten it."
                    )
                    % {"length": f"{len(value):,}", "limit": f"{limit:,}"}
                ]
            }
        )
    return value


def _prompt_text(prompt_key) -> str:
    if prompt_key in (None, ""):
        return ""
    prompt = journal.get_prompt(prompt_key)
    if prompt is None:
        raise ValidationError({"prompt_key": [_("Please choose a prompt from the list.")]})
    return str(prompt.text)


# --- the journal ------------------------------------------------------------------------------


def journal_entry_create(
    *, actor, body: str, prompt_key: str = ""
) -> tuple[JournalEntry, SignpostOffer | None]:
    """Write a journal entry (Markdown), optionally answering a prompt.

    Returns the entry and, when the words show risk, the help to show the member now. Nothing
    but the entry is stored; at most JOURNAL_PER_HOUR entries an hour, else
    PrivateSpaceRateLimited."""
    check_private_space(actor)
    body = _text(body, "body", limit=JOURNAL_MAX_LENGTH, required=True, label=_("your entry"))
    prompt = _prompt_text(prompt_key)
    window = _window(actor, "journal", JOURNAL_PER_HOUR)
    _check_rate(window)
    entry = JournalEntry.objects.create(
        member=actor, prompt=prompt, body=body, body_html=render_markdown(body)
    )
    window.add()
    return entry, private_signpost(actor, body)


def journal_entry_edit(
    *, actor, entry: JournalEntry, body: str, prompt_key: str | None = None
) -> tuple[JournalEntry, SignpostOffer | None]:
    """Change an entry's words (and its prompt, unless `prompt_key` is None: then it keeps
    the one it has; "" takes it away)."""
    _check_owner(actor, entry)
    body = _text(body, "body", limit=JOURNAL_MAX_LENGTH, required=True, label=_("your entry"))
    fields = ["body", "body_html", "edited_at"]
    if prompt_key is not None:
        entry.prompt = _prompt_text(prompt_key)
        fields.append("prompt")
    entry.body = body
    entry.body_html = render_markdown(body)
    entry.edited_at = timezone.now()
    entry.save(update_fields=fields)
    return entry, private_signpost(actor, body)


def journal_entry_delete(*, actor, entry: JournalEntry) -> None:
    """Delete an entry for good: there is no copy anywhere, for anyone."""
    _check_owner(actor, entry)
    JournalEntry.objects.filter(pk=entry.pk, member=actor).delete()


# --- milestones -------------------------------------------------------------------------------


def _milestone_texts(title, note) -> tuple[str, str]:
    title = _text(
        title, "title", limit=MILESTONE_TITLE_MAX_LENGTH, required=True, label=_("your milestone")
    ).strip()
    note = _text(note, "note", limit=NOTE_MAX_LENGTH, required=False, label=_("the note"))
    return title, note


def _screen(actor, milestone: Milestone) -> SignpostOffer | None:
    return private_signpost(actor, f"{milestone.title}\n{milestone.note}")


def milestone_create(
    *, actor, title: str, note: str = ""
) -> tuple[Milestone, SignpostOffer | None]:
    """Set a goal ("waited an hour before replying"). At most MILESTONES_PER_HOUR an hour."""
    check_private_space(actor)
    title, note = _milestone_texts(title, note)
    window = _window(actor, "milestone", MILESTONES_PER_HOUR)
    _check_rate(window)
    milestone = Milestone.objects.create(member=actor, title=title, note=note)
    window.add()
    return milestone, _screen(actor, milestone)


def milestone_edit(
    *, actor, milestone: Milestone, title: str | None = None, note: str | None = None
) -> tuple[Milestone, SignpostOffer | None]:
    """Change a milestone's words; a field left as None keeps what it has."""
    _check_owner(actor, milestone)
    title, note = _milestone_texts(
        milestone.title if title is None else title, milestone.note if note is None else note
    )
    milestone.title, milestone.note = title, note
    milestone.save(update_fields=["title", "note"])
    return milestone, _screen(actor, milestone)


def milestone_achieve(*, actor, milestone: Milestone, achieved: bool) -> Milestone:
    """Mark a milestone achieved (now) or not yet. Marking it again keeps the first date."""
    _check_owner(actor, milestone)
    if not isinstance(achieved, bool):
        raise ValidationError({"achieved": [_("Please say whether you achieved it.")]})
    if achieved and milestone.achieved_at is None:
        milestone.achieved_at = timezone.now()
    elif not achieved:
        milestone.achieved_at = None
    milestone.save(update_fields=["achieved_at"])
    return milestone


def milestone_delete(*, actor, milestone: Milestone) -> None:
    """Delete a milestone. A draft story made from it stays with the member's stories."""
    _check_owner(actor, milestone)
    Milestone.objects.filter(pk=milestone.pk, member=actor).delete()


def _starter(milestone: Milestone) -> tuple[str, str]:
    """A kind beginning for a story about this milestone, for the member to make their own."""
    lines = [_("I reached a milestone: %(title)s.") % {"title": milestone.title}]
    if milestone.note.strip():
        lines.append(milestone.note.strip())
    lines.append(
        _(
            "(This is your draft: change anything. You might say what it was like before, "
            "what helped you get here, and what you'd tell someone just starting out.)"
        )
    )
    return milestone.title, "\n\n".join(lines)


def milestone_to_story(*, actor, milestone: Milestone) -> Story:
    """Turn a milestone into a draft success story with a kind starter text, and link them.

    Idempotent: while the draft (or the story it
    became) exists, asking again returns it. The draft goes through the story rules like any
    story (`story_save`, kept as a draft: nobody reviews it until the member sends it); a
    refusal raises ContentRefused and links nothing."""
    _check_owner(actor, milestone)
    refused: ContentRefused | None = None
    with transaction.atomic():
        current = (
            Milestone.objects.select_for_update(of=("self",))
            .select_related("story")
            .get(pk=milestone.pk)
        )
        story = current.story
        if story is not None and story.state != Story.State.DELETED:
            return story
        title, body = _starter(current)
        try:
            saved = story_save(
                actor=actor,
                title=title,
                body=body,
                send_for_review=False,
                audience=Story.Audience.MEMBERS,
            )
        except ContentRefused as error:
            # Leave the block normally, so help the pipeline recorded for the member is kept.
            refused = error
        else:
            current.story = saved.story
            current.save(update_fields=["story"])
    if refused is not None:
        raise refused
    milestone.story = current.story
    return current.story
