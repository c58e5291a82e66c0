"""The review dashboard in a real browser: an urgent chat message reaches a moderator's open
queue without a reload and is worked through its crisis checklist while the member sees the
supportive message; a reported forum reply is removed with a template and the reporter sees the
outcome; axe and the keyboard on the queue, a crisis item and a bulk result. Every context
reports anything the strict CSP blocked (see conftest.new_context).

Data a test needs before the browser acts is stored directly: the services announce changes on
the channel layer, which cannot be reached from Playwright's event loop (and would only reach
this process's layer, not the server's)."""

from __future__ import annotations

import importlib
import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from groups.models import ChatMessage, next_seq
from moderation.models import (
    ContentStatus,
    CrisisStep,
    QueueItem,
    QueueNote,
    Report,
    SupportMessage,
)
from tests.community.forum_helpers import make_category, make_post, make_thread
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import URGENT_TEXT

SLUG = "waiting"
SUPPORT_TEMPLATE = "Checking in after an urgent post"
REMOVAL_TEMPLATE = "Unkind to another member"


@pytest.fixture(autouse=True)
def reply_templates(transactional_db) -> None:
    """The message templates a migration seeds: a transactional test empties every table when
    it ends, so put them back before each test, as a real database always has them."""
    from django.apps import apps

    importlib.import_module("moderation.migrations.0009_seed_reply_templates").seed(apps, None)


def settled(pseudonym: str, **extra):
    """A member who joined a while ago, so new-member rules don't hold their messages."""
    return MemberFactory(
        pseudonym=pseudonym, date_joined=timezone.now() - timedelta(days=30), **extra
    )


@pytest.fixture
def group(transactional_db):
    return GroupFactory(
        name="Waiting for a reply", slug=SLUG, purpose="For the long minutes after you press send."
    )


@pytest.fixture
def ash(group):
    person = settled("Ash Speaker", country="GB")
    MembershipFactory(group=group, member=person)
    return person


@pytest.fixture
def mo(transactional_db):
    return settled("Mo Moderator", is_moderator=True)


def browser_for(new_context, site: str, person) -> Page:
    page = new_context().new_page()
    log_in(page, site, person.pseudonym)
    return page


def open_queue(page: Page, site: str, query: str = "") -> None:
    page.goto(f"{site}/moderation/{query}")
    expect(page.locator("#mod-connection")).to_contain_text("Live")


def held_message(author, group, body: str) -> ChatMessage:
    return ChatMessage.objects.create(
        author=author, group=group, body=body, body_html=f"<p>{body}</p>", status="held"
    )


def queued(content, reason: str, *, age=timedelta(minutes=1)) -> QueueItem:
    return QueueItem.objects.create(
        content_type=ContentType.objects.get_for_model(content),
        object_id=content.pk,
        reason=reason,
        priority=QueueItem.PRIORITY[reason],
        group=content.moderation_group(),
        member=content.author,
        snapshot=content.body,
        created_at=timezone.now() - age,
    )


def published(author, group, body: str) -> ChatMessage:
    return ChatMessage.objects.create(
        author=author,
        group=group,
        body=body,
        body_html=f"<p>{body}</p>",
        status="published",
        seq=next_seq(group.pk),
    )


def tab_to(page: Page, target: Locator, *, limit: int = 120) -> None:
    """Press Tab until `target` has the focus, as a keyboard user would."""
    for _press in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} could not be reached with the Tab key")


# --- (a) an urgent message, live, and the crisis checklist ---------------------------------------


def test_urgent_message_reaches_the_open_queue_live_and_is_worked_through_the_checklist(
    new_context, site: str, group, ash, mo
):
    moderator = browser_for(new_context, site, mo)
    open_queue(moderator, site)
    expect(moderator.locator("#mod-urgent .mod-urgent__count")).to_have_text("0")
    moderator.evaluate("window.stillTheSamePage = true")

    member = browser_for(new_context, site, ash)
    member.goto(f"{site}/groups/{SLUG}/room/")
    expect(member.locator("#chat-connection-text")).to_have_text("Connected")
    member.get_by_role("textbox", name="Your message").fill(URGENT_TEXT)
    member.get_by_role("textbox", name="Your message").press("Enter")
    expect(member.locator("#chat-signpost .signpost")).to_be_visible()

    # Without a reload, the urgent item is at the top and the header counts it.
    first_row = moderator.locator("#queue-rows li.queue-row").first
    expect(first_row).to_contain_text("Urgent crisis risk")
    expect(first_row).to_contain_text("I have the pills ready")
    expect(first_row.locator(".badge--urgent")).to_have_text("Urgent")
    expect(moderator.locator("#mod-urgent .mod-urgent__count")).to_have_text("1")
    expect(moderator.locator("#mod-urgent .mod-urgent__label")).to_have_text("urgent item waiting")
    expect(moderator.locator('[data-tab-count="crisis"]')).to_have_text("1")
    expect(moderator.locator("#mod-announcer")).to_have_text(
        "A new urgent crisis item is at the top of the queue."
    )
    assert moderator.evaluate("window.stillTheSamePage") is True

    first_row.get_by_role("link").click()
    expect(moderator.get_by_role("heading", name="Crisis checklist")).to_be_visible()
    moderator.get_by_role("button", name="Claim: I'll work on this").click()
    expect(moderator.locator("#item-state")).to_have_text("You're working on this")

    moderator.get_by_role("button", name="Confirm help was shown").click()
    expect(moderator.locator("#step-signpost_confirmed")).to_contain_text("By Mo Moderator")

    moderator.get_by_label("Start from a template").select_option(label=SUPPORT_TEMPLATE)
    message = moderator.get_by_role("textbox", name="Message", exact=True)
    expect(message).to_have_value(re.compile(r"^Hi, this is the moderation team\."))
    message.press("End")
    message.type(" We'll check in again soon.")
    moderator.get_by_role("button", name="Send the message").click()
    expect(moderator.get_by_role("status").first).to_contain_text("Your message is sent.")
    expect(moderator.locator("#step-support_sent")).to_contain_text("By Mo Moderator")

    # The member sees it at once, privately, in the room.
    panel = member.locator("#chat-signpost .signpost")
    expect(panel.get_by_role("heading", name="A message from the moderation team")).to_be_visible()
    expect(panel).to_contain_text("We'll check in again soon.")

    moderator.get_by_role("textbox", name="Follow-up").fill("Check in with Ash tomorrow at 9.")
    moderator.get_by_role("button", name="Note the follow-up").click()
    expect(moderator.locator("#step-follow_up")).to_contain_text("Check in with Ash tomorrow at 9.")

    # The urgent words are held: they are taken down (kept for the record) before closing.
    expect(moderator.locator("#form-resolve")).to_have_count(0)
    moderator.locator("#remove_template").select_option(label="Details of self-harm or methods")
    moderator.get_by_role("button", name="Remove it").click()
    expect(moderator.get_by_role("status").first).to_contain_text("It's taken down.")
    moderator.get_by_role("radio", name="Support was offered").check()
    moderator.get_by_role("button", name="Resolve").click()
    expect(moderator.locator("#item-state")).to_contain_text(
        "Resolved: support offered, by Mo Moderator"
    )

    item = QueueItem.objects.get(reason=QueueItem.Reason.CRISIS_URGENT)
    assert (item.state, item.resolution) == (QueueItem.State.RESOLVED, "support_offered")
    assert set(CrisisStep.objects.filter(queue_item=item).values_list("step", flat=True)) == {
        "signpost_confirmed",
        "support_sent",
        "follow_up",
    }
    assert SupportMessage.objects.get().text.endswith("We'll check in again soon.")

    # It is in the member's notifications too, from the team and never from a name.
    member.goto(f"{site}/notifications/")
    expect(member.get_by_role("main")).to_contain_text("A message from the moderation team")
    assert "Mo Moderator" not in member.content()


def test_an_item_page_says_when_someone_else_claims_or_resolves_it(
    new_context, site: str, group, ash, mo
):
    second = settled("Sam Second", is_moderator=True)
    item = queued(published(ash, group, "Does anyone else check their phone a lot?"), "report")
    mine = browser_for(new_context, site, mo)
    mine.goto(f"{site}/moderation/items/{item.pk}/")
    expect(mine.locator("#mod-connection")).to_contain_text("Live")

    theirs = browser_for(new_context, site, second)
    theirs.goto(f"{site}/moderation/items/{item.pk}/")
    theirs.get_by_role("button", name="Claim: I'll work on this").click()

    notice = mine.locator("#item-live-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Sam Second is working on this now.")
    expect(notice.get_by_role("link", name="Reload to see the latest")).to_be_visible()

    # Claiming anyway is refused, naming who has it.
    mine.get_by_role("button", name="Claim: I'll work on this").click()
    expect(mine.get_by_role("alert").first).to_contain_text(
        "Sam Second is already working on this."
    )

    theirs.get_by_role("radio", name="No action needed").check()
    theirs.get_by_role("button", name="Resolve").click()
    expect(mine.locator("#item-live-notice")).to_contain_text("This was resolved by someone else.")


# --- (b) a report on a forum reply ----------------------------------------------------------------


def test_a_reported_forum_reply_is_removed_with_a_template_and_the_reporter_sees_it(
    new_context, site: str, mo
):
    author = settled("Rue Replier")
    reporter = settled("Kit Reporter")
    thread = make_thread(make_category(), author, title="Waiting for a text back")
    post = make_post(thread, author, body="You're overreacting, just get over it.")

    reporting = browser_for(new_context, site, reporter)
    reporting.goto(f"{site}/forums/posts/{post.pk}/report/")
    reporting.get_by_label("Harassment or bullying").check()
    reporting.get_by_role("button", name="Send report").click()
    expect(reporting.get_by_role("status")).to_contain_text("Thank you for telling us.")

    moderator = browser_for(new_context, site, mo)
    open_queue(moderator, site, "?tab=reports")
    row = moderator.locator("#queue-rows li.queue-row").first
    expect(row).to_contain_text("Reported by a member")
    row.get_by_role("link").click()
    expect(moderator.get_by_role("main")).to_contain_text(
        "Harassment or bullying · reported by Kit Reporter"
    )

    moderator.locator("#remove_template").select_option(label=REMOVAL_TEMPLATE)
    expect(moderator.get_by_role("textbox", name="In your own words")).to_have_value(
        re.compile(r"^We took this down because it could hurt another member\.")
    )
    moderator.get_by_role("button", name="Remove it").click()
    expect(moderator.get_by_role("status").first).to_contain_text("It's taken down.")

    post.refresh_from_db()
    assert post.status == ContentStatus.REMOVED
    assert post.removal_reason.startswith("We took this down because it could hurt")
    assert Report.objects.get().outcome == Report.Outcome.REMOVED

    reporting.goto(f"{site}/me/moderation/")
    expect(reporting.get_by_role("main")).to_contain_text("A moderator took it down.")
    assert "Mo Moderator" not in reporting.content()


# --- (c) accessibility and the keyboard ----------------------------------------------------------


@pytest.fixture
def busy_queue(group, ash):
    """An urgent crisis item, an overdue report and two fresh reports."""
    urgent = queued(held_message(ash, group, URGENT_TEXT), "crisis_urgent")
    overdue = queued(published(ash, group, "An old report"), "report", age=timedelta(days=2))
    fresh = [queued(published(ash, group, f"Report {n}"), "report") for n in range(2)]
    return urgent, overdue, fresh


def test_queue_crisis_item_and_bulk_result_pages_have_no_serious_axe_violations(
    axe_page: Page, site: str, mo, busy_queue
):
    urgent, overdue, fresh = busy_queue
    log_in(axe_page, site, mo.pseudonym)

    axe_page.goto(f"{site}/moderation/")
    expect(axe_page.locator(".badge--overdue").first).to_have_text("Overdue")
    assert_accessible(axe_page)

    axe_page.goto(f"{site}/moderation/items/{urgent.pk}/")
    expect(axe_page.get_by_role("heading", name="Crisis checklist")).to_be_visible()
    assert_accessible(axe_page)

    axe_page.goto(f"{site}/moderation/")
    for item in (overdue, *fresh):
        axe_page.locator(f"#pick-{item.pk}").check()
    axe_page.get_by_label("What to do with the chosen items").select_option("resolve")
    axe_page.get_by_role("button", name="Apply to the chosen items").click()
    expect(axe_page.get_by_role("status").first).to_contain_text("Closed 3 items")
    assert_accessible(axe_page)

    # Nothing chosen: the refusal is shown next to the form.
    axe_page.get_by_label("What to do with the chosen items").select_option("resolve")
    axe_page.get_by_role("button", name="Apply to the chosen items").click()
    expect(axe_page.get_by_role("alert").first).to_contain_text("Please choose at least one item.")
    assert_accessible(axe_page)


def test_the_filter_and_bulk_forms_work_with_the_keyboard(new_context, site: str, mo, busy_queue):
    urgent, _overdue, fresh = busy_queue
    page = browser_for(new_context, site, mo)
    open_queue(page, site)

    reason = page.get_by_label("Reason")
    tab_to(page, reason)
    reason.select_option("report")  # a focused select changes with the arrow keys too
    tab_to(page, page.get_by_role("button", name="Show these items"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"reason=report"))
    expect(page.locator("#queue-rows li.queue-row")).to_have_count(3)

    box = page.locator(f"#pick-{fresh[0].pk}")
    tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    action = page.get_by_label("What to do with the chosen items")
    tab_to(page, action)
    action.select_option("resolve")
    tab_to(page, page.get_by_role("button", name="Apply to the chosen items"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(
        f"Closed 1 item as no action needed: #{fresh[0].pk}."
    )
    assert QueueItem.objects.get(pk=urgent.pk).state == QueueItem.State.OPEN


def test_an_items_action_forms_work_with_the_keyboard(new_context, site: str, mo, busy_queue):
    urgent, _overdue, _fresh = busy_queue
    page = browser_for(new_context, site, mo)
    page.goto(f"{site}/moderation/items/{urgent.pk}/")

    tab_to(page, page.get_by_role("button", name="Claim: I'll work on this"))
    page.keyboard.press("Enter")
    expect(page.locator("#item-state")).to_have_text("You're working on this")

    note = page.get_by_role("textbox", name="Add an internal note")
    tab_to(page, note)
    page.keyboard.type("Reading their earlier posts first.")
    tab_to(page, page.get_by_role("button", name="Add the note"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Your note is added.")
    assert QueueNote.objects.get().text == "Reading their earlier posts first."

    follow_up = page.get_by_role("textbox", name="Follow-up")
    tab_to(page, follow_up)
    page.keyboard.type("Check in tonight.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Note the follow-up")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#step-follow_up")).to_contain_text("Check in tonight.")


def test_health_audit_and_template_pages_have_no_serious_axe_violations(
    axe_page: Page, site: str, mo, busy_queue
):
    from moderation.models import ReplyTemplate

    log_in(axe_page, site, mo.pseudonym)
    template = ReplyTemplate.objects.filter(kind="removal").first()
    for path, heading in (
        ("/moderation/health/", "Queue health"),
        ("/moderation/audit/", "Audit log"),
        ("/moderation/audit/?verb=nonsense", "Audit log"),
        ("/moderation/templates/", "Message templates"),
        ("/moderation/templates/new/?kind=support", None),
        (f"/moderation/templates/{template.pk}/", None),
        (f"/moderation/templates/{template.pk}/delete/", None),
    ):
        axe_page.goto(f"{site}{path}")
        if heading:
            expect(axe_page.get_by_role("heading", level=1)).to_contain_text(heading)
        assert_accessible(axe_page)


def test_a_members_supportive_messages_page_has_no_serious_axe_violations(
    axe_page: Page, site: str, mo, ash, group
):
    item = queued(held_message(ash, group, URGENT_TEXT), "crisis_urgent")
    SupportMessage.objects.create(
        member=ash,
        text="Hi, this is the moderation team. We're glad you shared it.",
        resources=[{"name": "Samaritans", "contact": "116 123", "tel": "tel:116123"}],
        queue_item=item,
        sent_by=mo,
    )
    log_in(axe_page, site, ash.pseudonym)
    axe_page.goto(f"{site}/me/moderation/support/")
    expect(axe_page.get_by_text("We're glad you shared it.")).to_be_visible()
    expect(axe_page.get_by_text(mo.pseudonym)).to_have_count(0)
    assert_accessible(axe_page)
