"""What a member's data export contains: one section per kind of record, read here only.

Every section is a list of plain dicts with ISO 8601 timestamps. Rows are read in chunks
(`iterator()`) and written straight into the archive stream, so a member with tens of thousands
of chat messages never has them all in memory as model instances.

Moderators' identities are never revealed: whoever gave a sanction, decided an appeal or sent a
supportive message appears as "The moderation team". Other members appear only where the member
chose them (the members they ignore); what a member reported is named by its kind and number,
never by its author.

`NOT_EXPORTED` lists every model linked to a member that is deliberately left out, with the
reason; a test walks every model and fails when a new member-linked model is in neither place.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import (
    ApiToken,
    DataExport,
    JournalEntry,
    Member,
    Milestone,
    MoodCheckIn,
    MoodReminder,
    Notification,
    Post,
    ProfileText,
    Reaction,
    SelfCheck,
    Story,
    StoryReaction,
    Subscription,
    Thread,
)
from groups.models import ChatMessage, GroupSession, MemberIgnore, Membership, PeerGroup
from moderation.models import (
    Appeal,
    ContentRevision,
    CrisisStep,
    ModerationAction,
    QueueItem,
    QueueNote,
    ReplyTemplate,
    Report,
    Sanction,
    Signpost,
    SupportMessage,
    WatchedWord,
)

FORMAT_VERSION = 1
CHUNK_SIZE = 1000
# How often, in rows, a long section reports that it is still alive.
PROGRESS_EVERY_ROWS = 1000


def moderation_team() -> str:
    """What the archive says instead of any moderator's or facilitator's name."""
    return _("The moderation team")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _team_if(value) -> str | None:
    return moderation_team() if value is not None else None


def _content_kind(content_type_id: int | None) -> str | None:
    """A plain name for a kind of content ("forum reply"), never anything about its author."""
    if content_type_id is None:
        return None
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return str(model._meta.verbose_name) if model is not None else None


def _chunked(queryset: models.QuerySet) -> Iterator:
    return queryset.order_by("pk").iterator(chunk_size=CHUNK_SIZE)


# --- sections --------------------------------------------------------------------------------


def _profile(member: Member) -> Iterator[dict]:
    about = ProfileText.objects.filter(author=member).first()
    yield {
        "pseudonym": member.pseudonym,
        "email": member.email,
        "country": member.country,
        "joined_at": _iso(member.date_joined),
        "guidelines_accepted_at": _iso(member.guidelines_accepted_at),
        "guidelines_version": member.guidelines_version,
        "confirmed_adult_at": _iso(member.adult_confirmed_at),
        "last_login_at": _iso(member.last_login),
        "about": None
        if about is None
        else {
            "text": about.body,
            "status": about.status,
            "content_warning": about.content_warning,
            "removal_reason": about.removal_reason,
            "written_at": _iso(about.created_at),
            "edited_at": _iso(about.edited_at),
        },
    }


def _changed_by(member: Member, changed_by_id: int | None) -> str | None:
    if changed_by_id is None:
        return None
    return _("You") if changed_by_id == member.pk else moderation_team()


def _memberships(member: Member) -> Iterator[dict]:
    rows = Membership.objects.filter(member=member).select_related("group")
    for row in _chunked(rows):
        yield {
            "group": row.group.name,
            "role": row.role,
            "state": row.state,
            "request_note": row.request_note,
            "created_at": _iso(row.created_at),
            "changed_at": _iso(row.changed_at),
            "changed_by": _changed_by(member, row.changed_by_id),
        }


def _moderated(row) -> dict:
    """The fields every kind of member content shares, as its author wrote them."""
    return {
        "id": row.pk,
        "text": row.body,
        "status": row.status,
        "content_warning": row.content_warning,
        "removal_reason": row.removal_reason,
        "written_at": _iso(row.created_at),
        "edited_at": _iso(row.edited_at),
    }


def _chat_messages(member: Member) -> Iterator[dict]:
    rows = ChatMessage.objects.filter(author=member).select_related("group")
    for row in _chunked(rows):
        yield {**_moderated(row), "group": row.group.name, "seq": row.seq}


def _forum_threads(member: Member) -> Iterator[dict]:
    rows = Thread.objects.filter(author=member).select_related("category")
    for row in _chunked(rows):
        yield {
            **_moderated(row),
            "category": row.category.name,
            "title": row.title,
            "anonymous": row.is_anonymous,
            "pinned": row.is_pinned,
            "locked": row.is_locked,
        }


def _forum_posts(member: Member) -> Iterator[dict]:
    for row in _chunked(Post.objects.filter(author=member)):
        yield {**_moderated(row), "thread_id": row.thread_id, "anonymous": row.is_anonymous}


def _stories(member: Member) -> Iterator[dict]:
    rows = Story.objects.filter(author=member).prefetch_related("tags")
    for row in _chunked(rows):
        yield {
            **_moderated(row),
            "title": row.title,
            "state": row.state,
            "audience": row.audience,
            "anonymous": row.is_anonymous,
            "featured": row.is_featured,
            "tags": [tag.name for tag in row.tags.all()],
            "note_from_moderators": row.return_note,
            "submitted_at": _iso(row.submitted_at),
            "published_at": _iso(row.published_at),
        }


def _reactions(member: Member) -> Iterator[dict]:
    for row in _chunked(Reaction.objects.filter(member=member)):
        yield {
            "on": "forum thread" if row.thread_id else "forum reply",
            "thread_id": row.thread_id,
            "post_id": row.post_id,
            "reaction": row.kind,
            "given_at": _iso(row.created_at),
        }
    for row in _chunked(StoryReaction.objects.filter(member=member)):
        yield {
            "on": "success story",
            "story_id": row.story_id,
            "reaction": "this gave me hope",
            "given_at": _iso(row.created_at),
        }


def _forum_subscriptions(member: Member) -> Iterator[dict]:
    for row in _chunked(Subscription.objects.filter(member=member)):
        yield {"thread_id": row.thread_id, "since": _iso(row.created_at)}


def _notifications(member: Member) -> Iterator[dict]:
    for row in _chunked(Notification.objects.filter(recipient=member)):
        yield {
            "kind": row.kind,
            "about": str(row.get_kind_display()),
            "thread_id": row.thread_id,
            "post_id": row.post_id,
            "story_id": row.story_id,
            "support_message_id": row.support_message_id,
            "created_at": _iso(row.created_at),
            "read_at": _iso(row.read_at),
        }


def _reports_made(member: Member) -> Iterator[dict]:
    for row in _chunked(Report.objects.filter(reporter=member)):
        yield {
            "reported": _content_kind(row.content_type_id),
            "reported_id": row.object_id,
            "reason": row.reason,
            "your_note": row.note,
            "reported_at": _iso(row.created_at),
            "outcome": str(row.get_outcome_display()) if row.outcome else None,
            "outcome_at": _iso(row.outcome_at),
        }


def _sanctions(member: Member) -> Iterator[dict]:
    rows = Sanction.objects.filter(member=member).select_related("group")
    for row in _chunked(rows):
        yield {
            "id": row.pk,
            "kind": row.kind,
            "group": row.group.name if row.group_id else None,
            "reason": row.reason,
            "starts_at": _iso(row.starts_at),
            "ends_at": _iso(row.ends_at),
            "given_by": moderation_team(),
            "lifted_at": _iso(row.lifted_at),
            "lifted_by": _team_if(row.lifted_by_id),
            "lift_reason": row.lift_reason,
        }


def _appeals(member: Member) -> Iterator[dict]:
    for row in _chunked(Appeal.objects.filter(appellant=member)):
        yield {
            "about": _content_kind(row.content_type_id) or "sanction",
            "content_id": row.object_id,
            "sanction_id": row.sanction_id,
            "your_words": row.text,
            "state": row.state,
            "appealed_at": _iso(row.created_at),
            "decided_at": _iso(row.decided_at),
            "decided_by": _team_if(row.decided_by_id),
            "decision_note": row.decision_note,
        }


def _signposts(member: Member) -> Iterator[dict]:
    for row in _chunked(Signpost.objects.filter(member=member)):
        yield {
            "tier": row.tier,
            "country": row.country_code,
            "message_shown": row.text,
            "services_shown": row.resources,
            "after_writing": _content_kind(row.content_type_id),
            "content_id": row.object_id,
            "shown_at": _iso(row.created_at),
        }


def _support_messages(member: Member) -> Iterator[dict]:
    for row in _chunked(SupportMessage.objects.filter(member=member)):
        yield {
            "id": row.pk,
            "from": moderation_team(),
            "text": row.text,
            "services_shown": row.resources,
            "sent_at": _iso(row.created_at),
            "read_at": _iso(row.read_at),
        }


def _earlier_versions(member: Member) -> Iterator[dict]:
    for row in _chunked(ContentRevision.objects.filter(editor=member)):
        yield {
            "of": _content_kind(row.content_type_id),
            "content_id": row.object_id,
            "title": row.title,
            "text": row.body,
            "content_warning": row.content_warning,
            "replaced_at": _iso(row.created_at),
        }


def _api_tokens(member: Member) -> Iterator[dict]:
    for row in _chunked(ApiToken.objects.filter(owner=member)):
        yield {
            "name": row.name,
            "starts_with": row.prefix,
            "created_at": _iso(row.created_at),
            "last_used_at": _iso(row.last_used_at),
            "revoked_at": _iso(row.revoked_at),
        }


def _ignored_members(member: Member) -> Iterator[dict]:
    rows = MemberIgnore.objects.filter(member=member).select_related("ignored")
    for row in _chunked(rows):
        yield {"member": row.ignored.pseudonym, "since": _iso(row.created_at)}


def _self_checks(member: Member) -> Iterator[dict]:
    for row in _chunked(SelfCheck.objects.filter(member=member)):
        yield {
            "answers": row.answers,
            "anxiety": float(row.anxiety),
            "avoidance": float(row.avoidance),
            "taken_at": _iso(row.created_at),
        }


def _journal(member: Member) -> Iterator[dict]:
    for row in _chunked(JournalEntry.objects.filter(member=member)):
        yield {
            "prompt": row.prompt,
            "text": row.body,
            "written_at": _iso(row.created_at),
            "edited_at": _iso(row.edited_at),
        }


def _mood(member: Member) -> Iterator[dict]:
    for row in _chunked(MoodCheckIn.objects.filter(member=member)):
        yield {
            "mood": row.mood,
            "feelings": row.feelings,
            "note": row.note,
            "checked_in_at": _iso(row.created_at),
        }
    for row in MoodReminder.objects.filter(member=member):
        yield {"reminder": {"on": row.enabled, "from_hour_utc": row.hour}}


def _milestones(member: Member) -> Iterator[dict]:
    for row in _chunked(Milestone.objects.filter(member=member)):
        yield {
            "milestone": row.title,
            "note": row.note,
            "set_at": _iso(row.created_at),
            "achieved_at": _iso(row.achieved_at),
            "story_id": row.story_id,
        }


def _group_sessions(member: Member) -> Iterator[dict]:
    rows = GroupSession.objects.filter(facilitator=member).select_related("group")
    for row in _chunked(rows):
        yield {
            "group": row.group.name,
            "topic": row.topic,
            "starts_at": _iso(row.starts_at),
            "minutes": row.duration_minutes,
        }


@dataclass(frozen=True)
class ExportSection:
    """One part of the archive: its key, a short label for progress, a plain note of what it
    holds, the models it covers (for the completeness test) and how to read its rows."""

    key: str
    label: str
    about: str
    covers: tuple[type[models.Model], ...]
    rows: Callable[[Member], Iterable[dict]]


SECTIONS: tuple[ExportSection, ...] = (
    ExportSection(
        "profile",
        gettext_lazy("Your profile"),
        gettext_lazy(
            "Your account: pseudonym, email address, country, when you joined and agreed to "
            "the guidelines, and what you wrote about yourself."
        ),
        (ProfileText,),
        _profile,
    ),
    ExportSection(
        "memberships",
        gettext_lazy("Your groups"),
        gettext_lazy("The peer groups you joined or asked to join, with the note you sent."),
        (Membership,),
        _memberships,
    ),
    ExportSection(
        "chat_messages",
        gettext_lazy("Chat messages"),
        gettext_lazy("Every message you wrote in a group's chat room, as you wrote it."),
        (ChatMessage,),
        _chat_messages,
    ),
    ExportSection(
        "forum_threads",
        gettext_lazy("Forum threads"),
        gettext_lazy("The forum threads you started."),
        (Thread,),
        _forum_threads,
    ),
    ExportSection(
        "forum_posts",
        gettext_lazy("Forum replies"),
        gettext_lazy("Your replies in forum threads."),
        (Post,),
        _forum_posts,
    ),
    ExportSection(
        "stories",
        gettext_lazy("Success stories"),
        gettext_lazy("The success stories you wrote, including drafts."),
        (Story,),
        _stories,
    ),
    ExportSection(
        "earlier_versions",
        gettext_lazy("Earlier versions"),
        gettext_lazy("What your writing said before you edited it."),
        (ContentRevision,),
        _earlier_versions,
    ),
    ExportSection(
        "reactions",
        gettext_lazy("Reactions"),
        gettext_lazy("The supportive reactions you gave to threads, replies and stories."),
        (Reaction, StoryReaction),
        _reactions,
    ),
    ExportSection(
        "forum_subscriptions",
        gettext_lazy("Followed threads"),
        gettext_lazy("The forum threads you follow."),
        (Subscription,),
        _forum_subscriptions,
    ),
    ExportSection(
        "notifications",
        gettext_lazy("Notifications"),
        gettext_lazy("What the notification bell told you about, and when you read it."),
        (Notification,),
        _notifications,
    ),
    ExportSection(
        "reports_made",
        gettext_lazy("Your reports"),
        gettext_lazy("What you reported to the moderators, with your note and what happened next."),
        (Report,),
        _reports_made,
    ),
    ExportSection(
        "sanctions",
        gettext_lazy("Sanctions"),
        gettext_lazy("Any warning, mute, suspension or ban given to you, and if it was lifted."),
        (Sanction,),
        _sanctions,
    ),
    ExportSection(
        "appeals",
        gettext_lazy("Appeals"),
        gettext_lazy("The appeals you made and the moderators' answers."),
        (Appeal,),
        _appeals,
    ),
    ExportSection(
        "signposts",
        gettext_lazy("Help shown to you"),
        gettext_lazy("The times we showed you crisis help, and the services we suggested."),
        (Signpost,),
        _signposts,
    ),
    ExportSection(
        "support_messages",
        gettext_lazy("Messages from the moderation team"),
        gettext_lazy("The private, supportive messages the moderation team sent you."),
        (SupportMessage,),
        _support_messages,
    ),
    ExportSection(
        "api_tokens",
        gettext_lazy("API tokens"),
        gettext_lazy("The API tokens you made (their secrets are never stored)."),
        (ApiToken,),
        _api_tokens,
    ),
    ExportSection(
        "ignored_members",
        gettext_lazy("Members you ignore"),
        gettext_lazy("The members whose chat messages you chose not to see."),
        (MemberIgnore,),
        _ignored_members,
    ),
    ExportSection(
        "self_checks",
        gettext_lazy("Attachment self-checks"),
        gettext_lazy("Your answers to the attachment self-check and the scores they gave."),
        (SelfCheck,),
        _self_checks,
    ),
    ExportSection(
        "journal",
        gettext_lazy("Journal"),
        gettext_lazy("Your private journal entries, as you wrote them."),
        (JournalEntry,),
        _journal,
    ),
    ExportSection(
        "mood",
        gettext_lazy("Mood check-ins"),
        gettext_lazy("Your mood check-ins, and your reminder setting."),
        (MoodCheckIn, MoodReminder),
        _mood,
    ),
    ExportSection(
        "milestones",
        gettext_lazy("Milestones"),
        gettext_lazy("The goals you set yourself, and when you reached them."),
        (Milestone,),
        _milestones,
    ),
    ExportSection(
        "group_sessions",
        gettext_lazy("Sessions you facilitate"),
        gettext_lazy("The group sessions you were the facilitator of."),
        (GroupSession,),
        _group_sessions,
    ),
)

# Models that point at a member but are not in the archive, and why. A new member-linked model
# must be added to a section or here (tests/community/test_export_services.py checks).
NOT_EXPORTED: dict[type[models.Model], str] = {
    ModerationAction: "The moderators' audit log: it names moderators, and what it records "
    "about the member is exported as sanctions, appeals, reports and content status.",
    QueueItem: "The moderators' internal work queue; its outcome reaches the member as "
    "content status, report outcomes and support messages.",
    QueueNote: "Notes moderators leave each other; written by moderators, never about the "
    "member's own words beyond what is exported elsewhere.",
    CrisisStep: "The moderators' crisis checklist; the help itself is exported as signposts "
    "and support messages.",
    WatchedWord: "Moderation rules, linked only to the moderator who wrote them.",
    ReplyTemplate: "Moderators' message templates, linked only to who last changed them.",
    PeerGroup: "Groups are set up by staff; the groups a member belongs to are exported as "
    "memberships.",
    DataExport: "This archive's own bookkeeping (state and progress), not the member's data.",
}


def not_exported_labels() -> dict[str, str]:
    """NOT_EXPORTED by model label, plus Django's own admin log (which records staff only)."""
    labels = {model._meta.label: reason for model, reason in NOT_EXPORTED.items()}
    labels["admin.LogEntry"] = "Django admin's record of staff edits; it names staff members."
    return labels


def covered_labels() -> set[str]:
    return {model._meta.label for section in SECTIONS for model in section.covers}


def section_label(key: str) -> str:
    """The short label of a section, for showing progress; empty for an unknown key."""
    for section in SECTIONS:
        if section.key == key:
            return str(section.label)
    return ""


def export_about(*, generated_at: datetime) -> dict:
    return {
        "generated_at": _iso(generated_at),
        "format_version": FORMAT_VERSION,
        "site": "Steady Ground",
        "note": _(
            "This is everything Steady Ground holds about you. Moderators are shown as “The "
            "moderation team”; other members' words are not included."
        ),
        "sections": {section.key: str(section.about) for section in SECTIONS},
    }


ProgressCallback = Callable[[str, int, int], None]


def export_write(
    *, member: Member, out: TextIO, progress: ProgressCallback | None = None, now=None
) -> None:
    """Write the member's archive to `out` as one JSON object, a row at a time.

    `progress(section_key, sections_done, sections_total)` is called as each section starts,
    every PROGRESS_EVERY_ROWS rows inside it, and once at the end with `sections_done ==
    sections_total`."""
    total = len(SECTIONS)
    report = progress or (lambda key, done, total: None)
    about = export_about(generated_at=now or timezone.now())
    out.write('{"about": ')
    out.write(json.dumps(about, ensure_ascii=False))
    for done, section in enumerate(SECTIONS):
        report(section.key, done, total)
        out.write(f', "{section.key}": [')
        for count, row in enumerate(section.rows(member)):
            if count:
                out.write(", ")
                if count % PROGRESS_EVERY_ROWS == 0:
                    report(section.key, done, total)
            out.write(json.dumps(row, ensure_ascii=False, default=str))
        out.write("]")
    out.write("}")
    report("", total, total)


def export_archive(*, member: Member) -> dict:
    """The whole archive as a dict (for small members and tests; builds stream instead)."""
    buffer = io.StringIO()
    export_write(member=member, out=buffer)
    return json.loads(buffer.getvalue())


# --- exports themselves ----------------------------------------------------------------------


def data_exports_for(member: Member) -> models.QuerySet[DataExport]:
    """The member's exports, newest first, without their archives."""
    return DataExport.objects.filter(member=member).defer("payload")


def latest_data_export_for(member: Member) -> DataExport | None:
    return data_exports_for(member).first()


def get_data_export_for(member: Member, export_id) -> DataExport:
    """One of the member's exports (without its archive); 404 for anyone else's or a junk id."""
    try:
        export_id = int(export_id)
    except (TypeError, ValueError):
        raise Http404 from None
    export = data_exports_for(member).filter(pk=export_id).first()
    if export is None:
        raise Http404
    return export
