"""The admin door for moderation: queue, sanctions, watched words, signposts, the audit log."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community import services as community_services
from community.models import ProfileText
from moderation.models import ModerationAction, QueueItem, Sanction, Signpost, WatchedWord
from tests.factories import MemberFactory
from tests.moderation.conftest import URGENT_TEXT

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/moderation/queueitem/",
    "/admin/moderation/sanction/",
    "/admin/moderation/sanction/add/",
    "/admin/moderation/watchedword/",
    "/admin/moderation/watchedword/add/",
    "/admin/moderation/signpost/",
    "/admin/moderation/moderationaction/",
    "/admin/moderation/appeal/",
    "/admin/moderation/report/",
    "/admin/community/profiletext/",
    "/admin/groups/group/",
]


@pytest.fixture
def mod_client(moderator):
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def held_item(established):
    community_services.member_about_update(actor=established, text=URGENT_TEXT)
    return QueueItem.objects.get()


@pytest.mark.parametrize("path", PAGES[:-1])
def test_moderation_admin_pages_render_for_a_moderator(mod_client, held_item, path):
    assert mod_client.get(path).status_code == 200


def test_change_pages_render(mod_client, held_item):
    content = ProfileText.objects.get()
    for path in (
        f"/admin/moderation/queueitem/{held_item.pk}/change/",
        f"/admin/community/profiletext/{content.pk}/change/",
        f"/admin/moderation/signpost/{Signpost.objects.get().pk}/change/",
        f"/admin/moderation/moderationaction/{ModerationAction.objects.get().pk}/change/",
    ):
        response = mod_client.get(path)
        assert response.status_code == 200, path
        assert 'name="_save"' not in response.content.decode()


def test_queue_lists_the_text_that_raised_concern(mod_client, held_item):
    page = mod_client.get("/admin/moderation/queueitem/").content.decode()
    assert "urgent crisis risk" in page
    assert "kill myself tonight" in page


@pytest.mark.parametrize("path", PAGES[:7])
def test_staff_who_are_not_moderators_cannot_see_moderation(path, held_item):
    staff = MemberFactory(is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(path).status_code == 403


def test_audit_log_cannot_be_changed_or_deleted_in_the_admin(mod_client, held_item):
    row = ModerationAction.objects.get()
    base = f"/admin/moderation/moderationaction/{row.pk}"
    response = mod_client.post(f"{base}/change/", {"reason": "rewritten", "verb": "content_held"})
    assert response.status_code == 403
    assert mod_client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert mod_client.get("/admin/moderation/moderationaction/add/").status_code == 403
    response = mod_client.post(
        "/admin/moderation/moderationaction/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert ModerationAction.objects.get(pk=row.pk).reason == row.reason


def test_superuser_cannot_change_the_audit_log_either(held_item):
    boss = MemberFactory(is_staff=True, is_superuser=True, is_moderator=True)
    client = Client()
    client.force_login(boss)
    row = ModerationAction.objects.get()
    path = f"/admin/moderation/moderationaction/{row.pk}/delete/"
    assert client.post(path, {"post": "yes"}).status_code == 403
    assert ModerationAction.objects.filter(pk=row.pk).exists()


def test_claim_action_claims_through_the_service(mod_client, moderator, held_item):
    mod_client.post(
        "/admin/moderation/queueitem/",
        {"action": "claim", "_selected_action": [held_item.pk]},
    )
    held_item.refresh_from_db()
    assert held_item.claimed_by == moderator
    assert ModerationAction.objects.filter(verb="queue_claimed", actor=moderator).exists()


def test_resolving_a_held_item_explains_what_to_do(mod_client, held_item):
    response = mod_client.post(
        "/admin/moderation/queueitem/",
        {"action": "resolve_no_action", "_selected_action": [held_item.pk]},
        follow=True,
    )
    assert "Approve it or remove it" in response.content.decode()
    held_item.refresh_from_db()
    assert held_item.state == "open"


def test_approve_action_publishes_held_content(mod_client, held_item):
    content = ProfileText.objects.get()
    mod_client.post(
        "/admin/community/profiletext/",
        {"action": "approve", "_selected_action": [content.pk]},
    )
    content.refresh_from_db()
    assert content.status == "published"
    held_item.refresh_from_db()
    assert held_item.resolution == "approved"


def test_remove_action_gives_the_author_a_reason(mod_client, held_item):
    content = ProfileText.objects.get()
    mod_client.post(
        "/admin/community/profiletext/",
        {"action": "remove", "_selected_action": [content.pk]},
    )
    content.refresh_from_db()
    assert content.status == "removed"
    assert "guidelines" in content.removal_reason


def test_sanction_added_in_admin_goes_through_the_service(mod_client, moderator, established):
    ends = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
    date, time = ends.split(" ")
    response = mod_client.post(
        "/admin/moderation/sanction/add/",
        {
            "member": established.pk,
            "kind": "suspend",
            "reason": "Two days to cool off.",
            "ends_at_0": date,
            "ends_at_1": time,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    sanction = Sanction.objects.get()
    assert (sanction.member, sanction.created_by, sanction.kind) == (
        established,
        moderator,
        "suspend",
    )
    assert ModerationAction.objects.get().verb == "member_sanctioned"


def test_sanction_form_shows_the_services_rules(mod_client, established):
    response = mod_client.post(
        "/admin/moderation/sanction/add/",
        {"member": established.pk, "kind": "mute", "reason": "Pause."},
    )
    assert response.status_code == 200
    assert "Please choose when this ends" in response.content.decode()
    assert not Sanction.objects.exists()


def test_watched_word_added_in_admin_is_logged(mod_client, moderator):
    response = mod_client.post(
        "/admin/moderation/watchedword/add/",
        {"phrase": "buy now", "action": "block", "reason": "No selling.", "is_active": "on"},
    )
    assert response.status_code == 302
    word = WatchedWord.objects.get()
    assert word.created_by == moderator
    assert ModerationAction.objects.get().details["phrase"] == "buy now"


def test_watched_word_duplicate_in_other_case_is_refused_in_admin(mod_client):
    WatchedWord.objects.create(phrase="Spam", action="hold")
    response = mod_client.post(
        "/admin/moderation/watchedword/add/", {"phrase": "spam", "action": "flag"}
    )
    assert response.status_code == 200
    assert "already watched" in response.content.decode()
