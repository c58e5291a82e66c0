"""Members' reports and the earlier versions kept when content is edited."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from community.models import ProfileText
from moderation import selectors, services
from moderation.models import (
    ContentStatus,
    ModerationAction,
    QueueItem,
    Report,
    Sanction,
)
from moderation.services import AlreadyReported, ModerationConflict, ReportRateLimited
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

NOTE = "She keeps replying to me with cruel comments about my ex."


def _content(author, body="Practising saying what I need, kindly and clearly."):
    return ProfileText.objects.create(author=author, body=body, body_html=f"<p>{body}</p>")


@pytest.fixture
def content(other_member):
    return _content(other_member)


def _report(actor, content, reason=Report.Reason.HARASSMENT, note=""):
    return services.content_report(actor=actor, content=content, reason=reason, note=note)


# --- reporting -----------------------------------------------------------------------------------


def test_report_is_stored_with_an_open_queue_item_and_an_audit_row_without_the_note(
    member, other_member, content
):
    report = _report(member, content, note=f"  {NOTE}  ")
    report.refresh_from_db()
    assert (report.reporter, report.content, report.reason) == (member, content, "harassment")
    assert report.note == NOTE
    item = QueueItem.objects.get()
    assert report.queue_item == item
    assert (item.content, item.reason, item.state) == (content, QueueItem.Reason.REPORT, "open")
    assert item.detail == "harassment or bullying"
    assert item.snapshot == content.body
    log = ModerationAction.objects.get()
    assert log.verb == ModerationAction.Verb.CONTENT_REPORTED
    assert (log.actor, log.member, log.content, log.queue_item) == (
        member,
        other_member,
        content,
        item,
    )
    assert log.reason == "harassment or bullying"
    assert log.details == {"reason": "harassment"}
    assert "cruel" not in f"{log.reason} {log.details}"


def test_reports_from_several_members_share_one_open_queue_item(member, content):
    first = _report(member, content)
    second = _report(MemberFactory(), content, reason=Report.Reason.SPAM)
    assert first.queue_item == second.queue_item
    assert QueueItem.objects.count() == 1
    assert list(QueueItem.objects.get().reports.order_by("pk")) == [first, second]


def test_queue_item_opened_by_a_concurrent_report_is_shared(member, content, monkeypatch):
    first = _report(MemberFactory(), content)
    # The second report looks before the first one's item is visible, as in a race.
    monkeypatch.setattr(QueueItem.objects, "filter", lambda **kwargs: QueueItem.objects.none())
    second = _report(member, content)
    assert second.queue_item == first.queue_item
    assert QueueItem.objects.count() == 1


def test_reporting_the_same_content_twice_keeps_the_first_report(member, content):
    _report(member, content)
    with pytest.raises(AlreadyReported, match="already reported this"):
        _report(member, content, reason=Report.Reason.OTHER)
    assert Report.objects.get().reason == Report.Reason.HARASSMENT
    assert ModerationAction.objects.count() == 1
    assert isinstance(AlreadyReported(), ModerationConflict)


def test_someone_at_risk_goes_to_the_top_of_the_queue_not_behind_spam(member, content):
    spam = _report(MemberFactory(), content, reason=Report.Reason.SPAM)
    risk = _report(member, content, reason=Report.Reason.SELF_HARM)
    assert risk.queue_item.reason == QueueItem.Reason.CRISIS_CONCERN
    assert risk.queue_item != spam.queue_item
    assert risk.queue_item.priority < spam.queue_item.priority
    assert QueueItem.objects.first() == risk.queue_item


def test_members_cannot_report_their_own_content(other_member, content):
    with pytest.raises(ModerationConflict, match="You wrote this"):
        _report(other_member, content)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "status", [ContentStatus.HELD, ContentStatus.REMOVED, ContentStatus.DELETED]
)
def test_content_that_is_not_published_cannot_be_reported(member, content, status):
    ProfileText.objects.filter(pk=content.pk).update(status=status)
    with pytest.raises(ModerationConflict, match="nothing to report"):
        _report(member, content)
    assert not Report.objects.exists()
    assert not QueueItem.objects.exists()


def test_report_needs_a_known_reason(member, content):
    with pytest.raises(ValidationError) as error:
        _report(member, content, reason="rude")
    assert "reason" in error.value.message_dict
    assert not Report.objects.exists()


def test_report_note_has_a_limit(member, content):
    with pytest.raises(ValidationError) as error:
        _report(member, content, note="x" * 1001)
    assert "1000" in error.value.message_dict["note"][0]
    assert _report(member, content, note="x" * 1000).note == "x" * 1000


def test_visitors_cannot_report(content):
    with pytest.raises(PermissionDenied):
        _report(AnonymousUser(), content)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("kind", "ends_in_days"), [(Sanction.Kind.BAN, None), (Sanction.Kind.SUSPEND, 3)]
)
def test_banned_or_suspended_members_cannot_report(member, moderator, content, kind, ends_in_days):
    Sanction.objects.create(
        member=member,
        kind=kind,
        reason="Repeated harassment.",
        ends_at=timezone.now() + timedelta(days=ends_in_days) if ends_in_days else None,
        created_by=moderator,
    )
    with pytest.raises(PermissionDenied, match="Repeated harassment"):
        _report(member, content)
    assert not Report.objects.exists()


def test_muted_members_can_still_report(member, moderator, content):
    Sanction.objects.create(
        member=member,
        kind=Sanction.Kind.MUTE,
        reason="Cooling off.",
        ends_at=timezone.now() + timedelta(hours=2),
        created_by=moderator,
    )
    assert _report(member, content, reason=Report.Reason.SELF_HARM).pk


def test_a_member_can_send_20_reports_an_hour(member, clock, django_capture_on_commit_callbacks):
    contents = [_content(MemberFactory()) for _ in range(21)]
    with django_capture_on_commit_callbacks(execute=True):
        for item in contents[:20]:
            _report(member, item)
    with pytest.raises(ReportRateLimited, match="try again") as limited:
        _report(member, contents[20], reason=Report.Reason.SELF_HARM)
    assert 0 < limited.value.retry_after <= 60 * 60
    assert "emergency number" in str(limited.value)
    assert Report.objects.count() == 20
    clock.advance(60 * 60 + 1)
    assert _report(member, contents[20]).pk


def test_refused_reports_do_not_use_up_the_budget(
    member, content, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _report(member, content)
        for _ in range(25):
            with pytest.raises(AlreadyReported):
                _report(member, content)
    assert services.report_window(member).count() == 1


def test_has_reported(member, other_member, content):
    assert not selectors.has_reported(member, content)
    _report(member, content)
    assert selectors.has_reported(member, content)
    assert not selectors.has_reported(MemberFactory(), content)
    assert not selectors.has_reported(AnonymousUser(), content)


# --- earlier versions ----------------------------------------------------------------------------


def test_revision_keeps_the_text_as_it_was_before_the_edit(other_member, content):
    old_body = content.body
    ProfileText.objects.filter(pk=content.pk).update(content_warning="breakup")
    content.body = "Not saved yet."
    revision = services.content_revision_record(
        content=content, editor=other_member, title="About me"
    )
    content.save()
    revision.refresh_from_db()
    assert (revision.content, revision.editor) == (content, other_member)
    assert (revision.title, revision.body, revision.content_warning) == (
        "About me",
        old_body,
        "breakup",
    )


def test_only_moderators_read_earlier_versions(member, other_member, moderator, content):
    first = services.content_revision_record(content=content, editor=other_member)
    second = services.content_revision_record(content=content, editor=other_member)
    for actor in (member, other_member, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            selectors.revisions_for(actor, content)
    assert list(selectors.revisions_for(moderator, content)) == [second, first]
    assert not selectors.revisions_for(moderator, _content(member)).exists()


# --- admin ---------------------------------------------------------------------------------------


def test_reports_and_revisions_are_read_only_in_the_admin(member, other_member, moderator, content):
    report = _report(member, content, note=NOTE)
    revision = services.content_revision_record(content=content, editor=other_member)
    client = Client()
    client.force_login(moderator)
    for path in (
        "/admin/moderation/report/",
        f"/admin/moderation/report/{report.pk}/change/",
        "/admin/moderation/contentrevision/",
        f"/admin/moderation/contentrevision/{revision.pk}/change/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'name="_save"' not in response.content.decode()
    assert "harassment or bullying" in client.get("/admin/moderation/report/").content.decode()
    staff = Client()
    staff.force_login(MemberFactory(is_staff=True))
    assert staff.get("/admin/moderation/report/").status_code == 403
    assert staff.get("/admin/moderation/contentrevision/").status_code == 403
