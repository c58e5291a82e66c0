"""A member's data export: what is in it, what never is, and how building it behaves (one
export per double click, three a day, one builder at a time, resumed after a crash, only its
member may download it, deleted when it expires)."""

from __future__ import annotations

import gzip
import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from community import export_selectors, export_services, tokens
from community import forum_services as forums
from community import services as community_services
from community import story_services as stories
from community.forum_permissions import reader_for
from community.models import (
    DataExport,
    JournalEntry,
    Milestone,
    MoodCheckIn,
    Notification,
    SelfCheck,
)
from groups import services as group_services
from groups.models import GroupSession, Membership
from moderation import dashboard_services
from moderation import services as moderation_services
from moderation.models import QueueItem
from tests.community.forum_helpers import make_category, make_thread
from tests.factories import GroupFactory, MemberFactory
from tests.moderation.conftest import URGENT_TEXT

pytestmark = pytest.mark.django_db

# One string per kind of record the member made or received; each must reach the archive.
UNIQUE = {
    "profile": "zq-about-7c1",
    "memberships": "zq-request-note-2b8",
    "chat_messages": "zq-chat-5d4",
    "forum_threads": "zq-thread-title-9e2",
    "forum_posts": "zq-reply-4a6",
    "earlier_versions": "zq-reply-before-edit-3f1",
    "stories": "zq-story-8b3",
    "reports_made": "zq-report-note-6c2",
    "sanctions": "zq-sanction-reason-1d9",
    "appeals": "zq-appeal-words-7a5",
    "appeal_decision": "zq-decision-note-2e7",
    "support_messages": "zq-support-words-5f8",
    "api_tokens": "zq-token-name-4c3",
    "group_sessions": "zq-session-topic-9a1",
    "journal": "zq-journal-1a1",
    "mood": "zq-mood-note-2b2",
    "milestones": "zq-milestone-3c3",
}
OTHERS_WORDS = ("zz-other-thread-0k2", "zz-other-reply-8m4", "zz-other-story-3p7")
MODERATORS = ("Mo Moderator", "Mia Appeals")


def established(pseudonym: str, **extra):
    return MemberFactory(
        pseudonym=pseudonym, date_joined=timezone.now() - timedelta(days=40), **extra
    )


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    """A member who used every feature, another member, and two moderators."""
    member = established("Robin Exporter", country="GB")
    other = established("Kit Other")
    moderator = established(MODERATORS[0], is_moderator=True, is_staff=True)
    appeals_moderator = established(MODERATORS[1], is_moderator=True)

    # A private group: asked to join with a note, let in by a moderator; then chat.
    group = GroupFactory(name="Texting calm circle", visibility="private")
    membership = group_services.group_join(actor=member, group=group, note=UNIQUE["memberships"])
    group_services.membership_request_approve(actor=moderator, membership=membership)
    group_services.chat_message_post(
        actor=member, group=group, body=f"Breathing first. {UNIQUE['chat_messages']}"
    )
    GroupSession.objects.create(
        group=group,
        starts_at=timezone.now() + timedelta(days=2),
        topic=UNIQUE["group_sessions"],
        facilitator=member,
    )

    # Forums: a thread of theirs, a reply (edited) in another's thread, a reaction, a follow,
    # and a notification of another's reply in their thread.
    category = make_category()
    mine = forums.thread_start(
        reader=reader_for(member, category),
        title=UNIQUE["forum_threads"],
        body="I waited all day for a text back.",
    ).content
    theirs = make_thread(category, other, title="Their thread", body=OTHERS_WORDS[0])
    reply = forums.post_reply(
        reader=reader_for(member, category), thread=theirs, body=UNIQUE["earlier_versions"]
    ).content
    forums.post_edit(reader=reader_for(member, category), post=reply, body=UNIQUE["forum_posts"])
    forums.reaction_add(reader=reader_for(member, category), content=theirs, kind="hug")
    forums.thread_follow(reader=reader_for(member, category), thread=theirs)
    with django_capture_on_commit_callbacks(execute=True):
        forums.post_reply(reader=reader_for(other, category), thread=mine, body=OTHERS_WORDS[1])

    # Stories: their own, and hope given to another's published story.
    stories.story_save(actor=member, title="Six months on", body=UNIQUE["stories"])
    their_story = stories.story_save(actor=other, title="A year on", body=OTHERS_WORDS[2]).story
    their_story = stories.story_approve(actor=moderator, story=their_story)
    stories.story_hope_add(actor=member, story=their_story)

    # Moderation: a report, a sanction and an appeal decided by a second moderator.
    moderation_services.content_report(
        actor=member, content=theirs, reason="other", note=UNIQUE["reports_made"]
    )
    sanction = moderation_services.member_sanction(
        actor=moderator, member=member, kind="warn", reason=UNIQUE["sanctions"]
    )
    appeal = moderation_services.appeal_submit(
        actor=member, sanction=sanction, text=UNIQUE["appeals"]
    )
    moderation_services.appeal_decide(
        actor=appeals_moderator, appeal=appeal, grant=False, note=UNIQUE["appeal_decision"]
    )

    # Crisis: about text in urgent words is held and signposted; the team reaches out.
    community_services.member_about_update(actor=member, text=f"{URGENT_TEXT} {UNIQUE['profile']}")
    item = QueueItem.objects.get(member=member, reason=QueueItem.Reason.CRISIS_URGENT)
    dashboard_services.support_message_send(
        actor=moderator, item=item, text=UNIQUE["support_messages"]
    )

    tokens.api_token_create(owner=member, name=UNIQUE["api_tokens"])
    group_services.member_ignore(actor=member, other=other)

    # The private self-help space (stored directly: its services have their own tests).
    SelfCheck.objects.create(member=member, answers={"a1": 4}, anxiety=4, avoidance=2)
    JournalEntry.objects.create(
        member=member, body=UNIQUE["journal"], body_html=f"<p>{UNIQUE['journal']}</p>"
    )
    MoodCheckIn.objects.create(member=member, mood=3, feelings=["calm"], note=UNIQUE["mood"])
    Milestone.objects.create(member=member, title=UNIQUE["milestones"])
    return SimpleNamespace(
        member=member, other=other, moderator=moderator, appeals_moderator=appeals_moderator
    )


def request_and_build(member, capture) -> DataExport:
    with capture(execute=True):
        export = export_services.data_export_request(actor=member)
    export.refresh_from_db()
    return export


def archive_of(member, capture) -> tuple[dict, str]:
    export = request_and_build(member, capture)
    assert export.state == DataExport.State.READY, export.error
    _name, data = export_services.data_export_download(actor=member, export_id=export.pk)
    text = data.decode("utf-8")
    return json.loads(text), text


# --- what the archive holds ------------------------------------------------------------------


def test_archive_holds_every_record_the_member_made_or_received(
    world, django_capture_on_commit_callbacks
):
    archive, text = archive_of(world.member, django_capture_on_commit_callbacks)
    for kind, word in UNIQUE.items():
        assert word in text, f"{kind}: {word} is missing from the archive"
    for section in export_selectors.SECTIONS:
        assert archive[section.key], f"section {section.key} is empty"
    assert archive["profile"][0]["pseudonym"] == "Robin Exporter"
    assert archive["profile"][0]["email"] == world.member.email
    assert {row["on"] for row in archive["reactions"]} == {"forum thread", "success story"}
    assert archive["signposts"][0]["tier"] == "urgent"
    assert archive["ignored_members"] == [
        {"member": "Kit Other", "since": archive["ignored_members"][0]["since"]}
    ]
    kinds = {row["kind"] for row in archive["notifications"]}
    assert {Notification.Kind.REPLY, Notification.Kind.SUPPORT_MESSAGE} <= kinds
    assert archive["about"]["format_version"] == export_selectors.FORMAT_VERSION
    assert set(archive["about"]["sections"]) == {s.key for s in export_selectors.SECTIONS}


def test_archive_never_names_a_moderator(world, django_capture_on_commit_callbacks):
    archive, text = archive_of(world.member, django_capture_on_commit_callbacks)
    for pseudonym in MODERATORS:
        assert pseudonym not in text
    for moderator in (world.moderator, world.appeals_moderator):
        assert moderator.email not in text
    team = "The moderation team"
    assert archive["sanctions"][0]["given_by"] == team
    assert archive["appeals"][0]["decided_by"] == team
    assert archive["support_messages"][0]["from"] == team
    assert archive["memberships"][0]["changed_by"] == team


def test_archive_holds_nothing_another_member_wrote(world, django_capture_on_commit_callbacks):
    archive, text = archive_of(world.member, django_capture_on_commit_callbacks)
    for word in OTHERS_WORDS:
        assert word not in text
    assert world.other.email not in text
    # The reported thread is named by its kind and number only.
    report = archive["reports_made"][0]
    assert report["reported"] == "forum thread"
    assert "Kit Other" not in json.dumps(report)


def test_other_members_archive_does_not_hold_this_members_words(
    world, django_capture_on_commit_callbacks
):
    _archive, text = archive_of(world.other, django_capture_on_commit_callbacks)
    for word in UNIQUE.values():
        assert word not in text
    assert world.member.email not in text


def test_archive_never_holds_an_api_token_hash(world, django_capture_on_commit_callbacks):
    _archive, text = archive_of(world.member, django_capture_on_commit_callbacks)
    token = world.member.api_tokens.get()
    assert token.key_hash not in text
    assert "key_hash" not in text


def test_every_member_linked_model_is_exported_or_deliberately_left_out():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    covered = export_selectors.covered_labels()
    left_out = export_selectors.not_exported_labels()
    assert not covered & set(left_out), "a model is both exported and left out"
    undecided = []
    for model in apps.get_models():
        links_a_member = any(
            field.many_to_one and field.concrete and field.related_model is user_model
            for field in model._meta.get_fields()
            if field.is_relation
        )
        label = model._meta.label
        if links_a_member and label not in covered and label not in left_out:
            undecided.append(label)
    assert not undecided, (
        f"{undecided} point at a member but are neither in an export section nor in "
        "export_selectors.NOT_EXPORTED (with the reason): decide what a member's copy says."
    )


def test_left_out_models_each_say_why():
    for label, reason in export_selectors.not_exported_labels().items():
        assert len(reason) > 20, label


# --- asking for an export --------------------------------------------------------------------


def test_double_click_makes_one_export(member):
    first = export_services.data_export_request(actor=member)
    second = export_services.data_export_request(actor=member)
    assert first.pk == second.pk
    assert DataExport.objects.filter(member=member).count() == 1
    assert first.state == DataExport.State.PENDING


def test_export_is_built_after_commit_and_ready_for_48_hours(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = export_services.data_export_request(actor=member)
    assert DataExport.objects.get(pk=export.pk).state == DataExport.State.PENDING
    assert len(callbacks) == 1
    callbacks[0]()
    export.refresh_from_db()
    assert export.state == DataExport.State.READY
    assert export.progress == 100
    assert export.size_bytes == len(gzip.decompress(bytes(export.payload)))
    assert export.expires_at - export.finished_at == timedelta(hours=settings.DATA_EXPORT_HOURS)


def test_fourth_request_in_a_day_is_refused_with_when_to_retry(
    member, django_capture_on_commit_callbacks
):
    for _ in range(3):
        request_and_build(member, django_capture_on_commit_callbacks)
    with pytest.raises(export_services.DataExportRateLimited) as refused:
        export_services.data_export_request(actor=member)
    assert 23 * 3600 < refused.value.retry_after <= 24 * 3600
    assert "You can ask again in about 24 hours" in str(refused.value)
    assert DataExport.objects.filter(member=member).count() == 3


def test_requests_older_than_a_day_no_longer_count(member, django_capture_on_commit_callbacks):
    for _ in range(3):
        request_and_build(member, django_capture_on_commit_callbacks)
    DataExport.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert request_and_build(member, django_capture_on_commit_callbacks).pk


def test_erased_member_cannot_ask(member):
    member.erased_at = timezone.now()
    member.save(update_fields=["erased_at"])
    with pytest.raises(export_services.DataExportRefused):
        export_services.data_export_request(actor=member)
    assert not DataExport.objects.exists()


def test_stale_running_export_is_scheduled_again_when_asked_again(
    member, django_capture_on_commit_callbacks
):
    export = DataExport.objects.create(
        member=member,
        state=DataExport.State.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )
    again = request_and_build(member, django_capture_on_commit_callbacks)
    assert again.pk == export.pk
    assert again.state == DataExport.State.READY


# --- building: one builder at a time ---------------------------------------------------------


def test_build_of_a_freshly_running_export_does_nothing(member):
    now = timezone.now()
    export = DataExport.objects.create(
        member=member, state=DataExport.State.RUNNING, started_at=now, heartbeat_at=now
    )
    export_services.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.state == DataExport.State.RUNNING
    assert export.payload is None


def test_build_resumes_an_export_whose_builder_died(member):
    export = DataExport.objects.create(
        member=member,
        state=DataExport.State.RUNNING,
        progress=40,
        step="stories",
        heartbeat_at=timezone.now() - timedelta(minutes=3),
    )
    export_services.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.state == DataExport.State.READY


def test_build_does_not_touch_a_ready_export(member, django_capture_on_commit_callbacks):
    export = request_and_build(member, django_capture_on_commit_callbacks)
    finished = export.finished_at
    export_services.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.finished_at == finished


def test_builder_that_lost_its_claim_stops_without_writing(member, monkeypatch):
    export = DataExport.objects.create(member=member)
    real_write = export_selectors.export_write

    def taken_over_midway(**kwargs):
        # Another builder claims it (as if this one had stopped beating for two minutes).
        DataExport.objects.filter(pk=export.pk).update(started_at=timezone.now())
        real_write(**kwargs)

    monkeypatch.setattr(export_services, "export_write", taken_over_midway)
    export_services.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.state == DataExport.State.RUNNING
    assert export.payload is None


def test_progress_is_reported_section_by_section(member, monkeypatch):
    export = DataExport.objects.create(member=member)
    seen = []
    real_write = export_selectors.export_write

    def watching(**kwargs):
        progress = kwargs["progress"]

        def spy(key, done, total):
            progress(key, done, total)
            row = DataExport.objects.values("progress", "step").get(pk=export.pk)
            seen.append((row["step"], row["progress"]))

        real_write(**{**kwargs, "progress": spy})

    monkeypatch.setattr(export_services, "export_write", watching)
    export_services.data_export_build(export_id=export.pk)
    steps = [step for step, _ in seen if step]
    assert steps == [section.key for section in export_selectors.SECTIONS]
    percents = [percent for _, percent in seen]
    assert percents == sorted(percents)
    assert 0 <= percents[0] < percents[-1] <= 99


def test_failed_build_is_marked_failed_and_logs_no_personal_text(member, monkeypatch, caplog):
    export = DataExport.objects.create(member=member)

    def broken(**kwargs):
        raise ValueError(f"could not encode {member.email}")

    monkeypatch.setattr(export_services, "export_write", broken)
    with caplog.at_level(logging.ERROR, logger="community.export_services"):
        export_services.data_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.state == DataExport.State.FAILED
    assert member.email not in export.error
    assert "ValueError" in caplog.text
    assert member.email not in caplog.text


def test_run_data_exports_builds_waiting_and_abandoned_exports(member, other_member):
    waiting = DataExport.objects.create(member=member)
    abandoned = DataExport.objects.create(
        member=other_member,
        state=DataExport.State.RUNNING,
        heartbeat_at=timezone.now() - timedelta(minutes=10),
    )
    call_command("run_data_exports", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for export in (waiting, abandoned):
        export.refresh_from_db()
        assert export.state == DataExport.State.READY


# --- downloading -----------------------------------------------------------------------------


def test_download_is_the_members_json(member, django_capture_on_commit_callbacks):
    export = request_and_build(member, django_capture_on_commit_callbacks)
    name, data = export_services.data_export_download(actor=member, export_id=export.pk)
    assert name.endswith(f"-{export.pk}.json")
    assert json.loads(data)["profile"][0]["pseudonym"] == member.pseudonym


def test_download_is_404_for_another_member(
    member, other_member, django_capture_on_commit_callbacks
):
    export = request_and_build(member, django_capture_on_commit_callbacks)
    with pytest.raises(Http404):
        export_services.data_export_download(actor=other_member, export_id=export.pk)


def test_download_is_404_once_expired(member, django_capture_on_commit_callbacks):
    export = request_and_build(member, django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    with pytest.raises(Http404):
        export_services.data_export_download(actor=member, export_id=export.pk)


@pytest.mark.parametrize("state", ["pending", "running", "failed"])
def test_download_is_404_until_ready(member, state):
    export = DataExport.objects.create(member=member, state=state)
    with pytest.raises(Http404):
        export_services.data_export_download(actor=member, export_id=export.pk)


@pytest.mark.parametrize("junk", ["abc", None, "1e3", -1, 10**30])
def test_download_is_404_for_junk_ids(member, junk):
    with pytest.raises(Http404):
        export_services.data_export_download(actor=member, export_id=junk)


# --- purging ---------------------------------------------------------------------------------


def test_purge_deletes_expired_and_old_failed_exports_only(
    member, django_capture_on_commit_callbacks
):
    now = timezone.now()
    ready = request_and_build(member, django_capture_on_commit_callbacks)
    expired = DataExport.objects.create(
        member=member, state="ready", payload=b"x", expires_at=now - timedelta(minutes=1)
    )
    old_failure = DataExport.objects.create(
        member=member, state="failed", created_at=now - timedelta(hours=49)
    )
    new_failure = DataExport.objects.create(member=member, state="failed")
    assert export_services.data_export_purge_expired(dry_run=True) == 2
    assert DataExport.objects.count() == 4
    assert export_services.data_export_purge_expired() == 2
    left = set(DataExport.objects.values_list("pk", flat=True))
    assert left == {ready.pk, new_failure.pk}
    assert expired.pk not in left and old_failure.pk not in left


def test_membership_changes_by_the_member_themselves_say_you(member):
    group = GroupFactory()
    Membership.objects.create(group=group, member=member, state="left", changed_by=member)
    rows = list(export_selectors._memberships(member))
    assert rows[0]["changed_by"] == "You"
