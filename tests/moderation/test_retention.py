"""Retention: removed and deleted content loses its words, and its moderation context, after
RETENTION_DAYS; what still waits for a moderator is kept; a dry run changes nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from community import forum_services
from community.forum_permissions import reader_for
from community.models import Thread
from moderation import services as moderation_services
from moderation.models import (
    Appeal,
    ContentRevision,
    ContentStatus,
    ModerationAction,
    QueueItem,
    Report,
)
from moderation.retention import retention_purge
from tests.community.forum_helpers import make_category
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

WORDS = "zq9 words that should not outlive their removal"


def settled(**extra):
    extra.setdefault("date_joined", timezone.now() - timedelta(days=60))
    return MemberFactory(**extra)


@pytest.fixture
def people(moderator):
    return settled(), settled(), moderator


def _thread(author, category=None) -> Thread:
    category = category or make_category()
    thread = forum_services.thread_start(
        reader=reader_for(author, category), title=f"Title {WORDS}", body=f"First {WORDS}"
    ).content
    forum_services.thread_edit(
        reader=reader_for(author, category),
        thread=thread,
        title=f"Title {WORDS}",
        body=f"Second {WORDS}",
    )
    return thread


def _removed_thread(people, *, days_ago: int = 91) -> Thread:
    author, reporter, moderator = people
    thread = _thread(author)
    forum_services.content_report(
        reader=reader_for(reporter, thread.category),
        content=thread,
        reason="other",
        note=f"Reported: {WORDS}",
    )
    moderation_services.content_remove(actor=moderator, content=thread, reason=f"Sorry, {WORDS}")
    Thread.objects.filter(pk=thread.pk).update(
        taken_down_at=timezone.now() - timedelta(days=days_ago)
    )
    return Thread.objects.get(pk=thread.pk)


def _of(model, content):
    return model.objects.filter(
        content_type=ContentType.objects.get_for_model(content), object_id=content.pk
    )


def test_removed_content_loses_its_words_and_context_after_the_period(people):
    thread = _removed_thread(people)
    assert _of(ContentRevision, thread).exists()

    report = retention_purge()

    thread.refresh_from_db()
    assert report.purged["thread"] == 1
    assert (thread.title, thread.body, thread.body_html, thread.removal_reason) == (
        "Removed thread",
        "",
        "",
        "",
    )
    assert thread.status == ContentStatus.REMOVED and thread.purged_at is not None
    assert not _of(ContentRevision, thread).exists()
    assert all(item.snapshot == "" for item in _of(QueueItem, thread))
    assert all(report.note == "" for report in _of(Report, thread))
    removal = _of(ModerationAction, thread).get(verb=ModerationAction.Verb.CONTENT_REMOVED)
    assert removal.reason == "" and removal.actor_id == people[2].pk  # the fact stays
    purge = ModerationAction.objects.get(verb=ModerationAction.Verb.CONTENT_PURGED)
    assert purge.details["purged"]["thread"] == 1


def test_content_taken_down_within_the_period_is_kept(people):
    thread = _removed_thread(people, days_ago=89)
    assert retention_purge().total == 0
    thread.refresh_from_db()
    assert WORDS in thread.body
    assert _of(ContentRevision, thread).exists()


def test_published_and_held_content_is_never_purged_however_old(people):
    author, _reporter, _moderator = people
    thread = _thread(author)
    Thread.objects.filter(pk=thread.pk).update(created_at=timezone.now() - timedelta(days=900))
    held = _thread(author)
    Thread.objects.filter(pk=held.pk).update(
        status=ContentStatus.HELD, created_at=timezone.now() - timedelta(days=900)
    )
    retention_purge(now=timezone.now() + timedelta(days=900))
    assert WORDS in Thread.objects.get(pk=thread.pk).body
    assert WORDS in Thread.objects.get(pk=held.pk).body


def test_content_still_waiting_for_a_moderator_is_kept(people):
    thread = _removed_thread(people)
    # An open report item on it, as when it was reported again after removal.
    QueueItem.objects.filter(pk=_of(QueueItem, thread).first().pk).update(
        state=QueueItem.State.OPEN
    )
    report = retention_purge()
    assert report.purged["thread"] == 0 and report.kept_waiting["thread"] == 1
    assert WORDS in Thread.objects.get(pk=thread.pk).body


def test_content_under_an_open_appeal_is_kept(people):
    author, _reporter, _moderator = people
    thread = _removed_thread(people)
    moderation_services.appeal_submit(actor=author, content=thread, text="Please look again.")
    QueueItem.objects.filter(content_type=ContentType.objects.get_for_model(Appeal)).update(
        state=QueueItem.State.RESOLVED
    )
    report = retention_purge()
    assert report.kept_waiting["thread"] == 1
    assert WORDS in Thread.objects.get(pk=thread.pk).body


def test_an_appeal_about_purged_content_loses_its_words_too(people):
    author, _reporter, _moderator = people
    thread = _removed_thread(people)
    appeal = moderation_services.appeal_submit(
        actor=author, content=thread, text=f"Please look again, {WORDS}"
    )
    another_moderator = settled(is_moderator=True)
    moderation_services.appeal_decide(
        actor=another_moderator, appeal=appeal, grant=False, note=f"Sorry, {WORDS}"
    )
    retention_purge()
    appeal.refresh_from_db()
    assert (appeal.text, appeal.decision_note) == ("", "")
    assert all(item.snapshot == "" for item in _of(QueueItem, appeal))


def test_a_dry_run_counts_and_changes_nothing(people):
    thread = _removed_thread(people)
    before = Thread.objects.get(pk=thread.pk).body
    report = retention_purge(dry_run=True)
    assert report.purged["thread"] == 1
    assert Thread.objects.get(pk=thread.pk).body == before
    assert _of(ContentRevision, thread).exists()
    assert not ModerationAction.objects.filter(verb=ModerationAction.Verb.CONTENT_PURGED).exists()


def test_running_twice_purges_once(people):
    _removed_thread(people)
    assert retention_purge().total == 1
    assert retention_purge().total == 0
    assert ModerationAction.objects.filter(verb=ModerationAction.Verb.CONTENT_PURGED).count() == 1


def test_restored_content_is_not_purged(people):
    _author, _reporter, moderator = people
    thread = _removed_thread(people)
    moderation_services.content_restore(actor=moderator, content=thread)
    assert Thread.objects.get(pk=thread.pk).taken_down_at is None
    assert retention_purge(now=timezone.now() + timedelta(days=365)).total == 0


def test_an_authors_own_deletion_counts_from_when_they_deleted(people):
    author, _reporter, _moderator = people
    thread = _thread(author)
    forum_services.content_delete(reader=reader_for(author, thread.category), content=thread)
    assert retention_purge(now=timezone.now() + timedelta(days=89)).total == 0
    assert retention_purge(now=timezone.now() + timedelta(days=91)).total == 1
    assert Thread.objects.get(pk=thread.pk).body == ""


def test_the_period_follows_the_setting_and_the_option(people):
    _removed_thread(people, days_ago=40)
    assert retention_purge(dry_run=True).total == 0
    with override_settings(RETENTION_DAYS=30):
        assert retention_purge(dry_run=True).total == 1
    assert retention_purge(days=30, dry_run=True).total == 1
    with pytest.raises(ValueError):
        retention_purge(days=0)


def test_expired_sessions_are_deleted():
    old = SessionStore()
    old["k"] = "v"
    old.create()
    Session.objects.filter(pk=old.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    fresh = SessionStore()
    fresh.create()
    assert retention_purge().sessions == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [fresh.session_key]


def test_the_command_says_what_it_did_and_a_dry_run_what_it_would_do(people):
    thread = _removed_thread(people)
    out = StringIO()
    call_command("purge_removed_content", "--dry-run", stdout=out)
    assert "Would purge" in out.getvalue() and "thread: 1" in out.getvalue()
    assert WORDS in Thread.objects.get(pk=thread.pk).body
    out = StringIO()
    call_command("purge_removed_content", stdout=out)
    assert "Purged 1 items in all." in out.getvalue()
    assert Thread.objects.get(pk=thread.pk).body == ""
    with pytest.raises(CommandError):
        call_command("purge_removed_content", "--days", "0", stdout=StringIO())
