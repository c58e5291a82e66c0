"""The admin door for moderation: queue, sanctions, watched words, signposts, the audit log,
and the dashboard's notes, message templates, supportive messages and crisis steps."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client, RequestFactory
from django.utils import timezone

from community import services as community_services
from community.models import ProfileText
from moderation import dashboard_services
from moderation.models import (
    CrisisStep,
    ModerationAction,
    QueueItem,
    QueueNote,
    ReplyTemplate,
    Sanction,
    Signpost,
    SupportMessage,
    WatchedWord,
)
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
    # The text is out, but the person who wrote it still waits for a moderator's own answer.
    assert (held_item.state, held_item.resolution) == ("open", "")


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


# --- dashboard models: notes, templates, supportive messages, crisis steps ----------------------

DASHBOARD_PAGES = [
    "/admin/moderation/queuenote/",
    "/admin/moderation/replytemplate/",
    "/admin/moderation/replytemplate/add/",
    "/admin/moderation/supportmessage/",
    "/admin/moderation/crisisstep/",
]


@pytest.fixture
def dashboard_records(moderator, held_item):
    """A note, a supportive message and a crisis step on the held urgent item."""
    dashboard_services.queue_note_add(actor=moderator, item=held_item, text="Checking in at 9.")
    dashboard_services.support_message_send(
        actor=moderator, item=held_item, text="We're glad you told us."
    )
    dashboard_services.crisis_signpost_confirm(actor=moderator, item=held_item)
    return held_item


def test_every_moderation_model_has_an_admin_page():
    missing = [
        model._meta.label
        for model in apps.get_app_config("moderation").get_models()
        if not admin.site.is_registered(model)
    ]
    assert missing == []


@pytest.mark.parametrize("path", DASHBOARD_PAGES)
def test_dashboard_admin_pages_render_for_a_moderator(mod_client, dashboard_records, path):
    assert mod_client.get(path).status_code == 200


@pytest.mark.parametrize("path", DASHBOARD_PAGES)
def test_staff_who_are_not_moderators_cannot_see_dashboard_records(path):
    staff = MemberFactory(is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(path).status_code == 403


def test_dashboard_lists_show_useful_columns(mod_client, moderator, established, dashboard_records):
    notes = mod_client.get("/admin/moderation/queuenote/").content.decode()
    assert "Checking in at 9." in notes and moderator.pseudonym in notes
    messages_page = mod_client.get("/admin/moderation/supportmessage/").content.decode()
    assert "glad you told us" in messages_page and established.pseudonym in messages_page
    steps = mod_client.get("/admin/moderation/crisisstep/").content.decode()
    assert "help was shown to the member" in steps


def test_notes_messages_and_crisis_steps_are_read_only_in_the_admin(mod_client, dashboard_records):
    records = [
        ("queuenote", QueueNote.objects.get()),
        ("supportmessage", SupportMessage.objects.get()),
        ("crisisstep", CrisisStep.objects.get(step="signpost_confirmed")),
    ]
    for name, row in records:
        base = f"/admin/moderation/{name}"
        page = mod_client.get(f"{base}/{row.pk}/change/")
        assert page.status_code == 200, name
        assert 'name="_save"' not in page.content.decode()
        assert mod_client.get(f"{base}/add/").status_code == 403, name
        assert mod_client.post(f"{base}/{row.pk}/delete/", {"post": "yes"}).status_code == 403
        assert type(row).objects.filter(pk=row.pk).exists()


def test_queue_item_admin_shows_the_member(mod_client, established, held_item):
    listing = mod_client.get("/admin/moderation/queueitem/").content.decode()
    assert established.pseudonym in listing
    detail = mod_client.get(f"/admin/moderation/queueitem/{held_item.pk}/change/")
    assert established.pseudonym in detail.content.decode()


def test_audit_log_admin_grants_no_add_change_or_delete_to_anyone(moderator):
    boss = MemberFactory(is_staff=True, is_superuser=True, is_moderator=True)
    model_admin = admin.site._registry[ModerationAction]
    for person in (moderator, boss):
        request = RequestFactory().get("/admin/")
        request.user = person
        assert model_admin.has_view_permission(request)
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert not model_admin.get_actions(request)


def template_changes() -> list[dict]:
    return [
        row.details
        for row in ModerationAction.objects.filter(verb="template_changed").order_by("pk")
    ]


TEMPLATE_FORM = {"kind": "removal", "title": "Off topic", "body": "Try another forum.", "order": 4}


def test_template_added_in_admin_goes_through_the_service_and_is_audited(mod_client, moderator):
    response = mod_client.post(
        "/admin/moderation/replytemplate/add/", {**TEMPLATE_FORM, "is_active": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    template = ReplyTemplate.objects.get(title="Off topic")
    assert (template.body, template.order, template.is_active, template.updated_by) == (
        "Try another forum.",
        4,
        True,
        moderator,
    )
    row = ModerationAction.objects.get(verb="template_changed")
    assert row.actor == moderator
    assert row.details == {
        "template": template.pk,
        "kind": "removal",
        "title": "Off topic",
        "change": "created",
    }


def test_template_changed_in_admin_is_audited_once(mod_client, moderator):
    template = ReplyTemplate.objects.create(kind="removal", title="Old title", body="Old body.")
    response = mod_client.post(
        f"/admin/moderation/replytemplate/{template.pk}/change/", TEMPLATE_FORM
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    template.refresh_from_db()
    assert (template.title, template.is_active, template.updated_by) == (
        "Off topic",
        False,
        moderator,
    )
    assert template_changes() == [
        {"template": template.pk, "kind": "removal", "title": "Off topic", "change": "changed"}
    ]


def test_template_deleted_in_admin_is_audited(mod_client):
    one = ReplyTemplate.objects.create(kind="removal", title="One", body="First.")
    two = ReplyTemplate.objects.create(kind="support", title="Two", body="Second.")
    three = ReplyTemplate.objects.create(kind="support", title="Three", body="Third.")
    response = mod_client.post(f"/admin/moderation/replytemplate/{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    mod_client.post(
        "/admin/moderation/replytemplate/",
        {"action": "delete_selected", "_selected_action": [two.pk, three.pk], "post": "yes"},
    )
    assert not ReplyTemplate.objects.filter(pk__in=[one.pk, two.pk, three.pk]).exists()
    deleted = [(row["title"], row["change"]) for row in template_changes()]
    assert sorted(deleted) == [("One", "deleted"), ("Three", "deleted"), ("Two", "deleted")]


def test_template_admin_shows_the_services_rules_next_to_the_fields(mod_client):
    ReplyTemplate.objects.create(kind="removal", title="Off topic", body="Exists.")
    response = mod_client.post(
        "/admin/moderation/replytemplate/add/", {**TEMPLATE_FORM, "title": "OFF TOPIC"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A template with this title already exists." in page
    assert ReplyTemplate.objects.filter(title__iexact="off topic").count() == 1
    assert not template_changes()


def test_superuser_who_is_not_a_moderator_may_read_templates_but_not_change_them():
    boss = MemberFactory(is_staff=True, is_superuser=True)
    template = ReplyTemplate.objects.create(kind="removal", title="Kept", body="As it is.")
    client = Client()
    client.force_login(boss)
    assert client.get("/admin/moderation/replytemplate/").status_code == 200
    response = client.post(
        f"/admin/moderation/replytemplate/{template.pk}/change/", {**TEMPLATE_FORM}
    )
    assert response.status_code == 403
    assert client.get("/admin/moderation/replytemplate/add/").status_code == 403
    template.refresh_from_db()
    assert template.title == "Kept"
    assert not template_changes()
