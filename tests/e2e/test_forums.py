"""Forums in a real browser: a member starts a thread behind a content warning, another
member reads it, replies and reacts, and the first member finds the notification. axe checks
every forum page. Every context reports anything the strict CSP blocked."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from community.models import Category, Thread
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import MemberFactory

TITLE = "The hour after I press send"
OPENING = "I sent a long message and now I keep refreshing. What do you do in that hour?"
WARNING = "mentions of a panic attack"
REPLY = "I put the phone in another room and make tea. The hour gets shorter when I move."


def settled(pseudonym: str):
    """A member who joined a while ago, so new-member rules don't hold their posts."""
    return MemberFactory(pseudonym=pseudonym, date_joined=timezone.now() - timedelta(days=30))


@pytest.fixture
def writer(transactional_db):
    return settled("Wren Writer")


@pytest.fixture
def replier(transactional_db):
    return settled("Rowan Replier")


def test_thread_with_warning_reply_reaction_and_notification(
    page: Page, new_context, site: str, writer, replier
):
    # The writer starts a thread with a content warning, using the keyboard-reachable form.
    log_in(page, site, writer.pseudonym)
    page.goto(f"{site}/forums/")
    page.get_by_role("link", name="Texting and waiting").click()
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What would you like to say?").fill(OPENING)
    page.get_by_label("Content warning").fill(WARNING)
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    # The text waits behind the warning until the reader chooses to open it.
    summary = page.get_by_text(f"Content warning: {WARNING}")
    expect(summary).to_be_visible()
    expect(page.get_by_text(OPENING)).to_be_hidden()
    thread_url = page.url
    assert Thread.objects.get(title=TITLE).status == "published"

    # Another member reads it, opens the warning, replies and sends a hug.
    other = new_context().new_page()
    log_in(other, site, replier.pseudonym)
    other.goto(thread_url)
    expect(other.get_by_text(OPENING)).to_be_hidden()
    other.get_by_text(f"Content warning: {WARNING}").click()
    expect(other.get_by_text(OPENING)).to_be_visible()
    other.get_by_label("Your reply").fill(REPLY)
    other.get_by_role("button", name="Post reply").click()
    expect(other.get_by_text(REPLY)).to_be_visible()
    hug = other.locator("#opening").get_by_role("button", name="Hug")
    expect(hug).to_have_attribute("aria-pressed", "false")
    hug.click()
    hug = other.locator("#opening").get_by_role("button", name="Hug")
    expect(hug).to_have_attribute("aria-pressed", "true")
    expect(hug).to_contain_text("1")

    # The writer sees the bell count, opens the notification and lands on the reply.
    page.goto(f"{site}/forums/")
    bell = page.get_by_role("link", name=re.compile(r"^Notifications \(1 unread\s*\)$"))
    expect(bell).to_be_visible()
    bell.click()
    page.get_by_role("link", name=f"{replier.pseudonym} replied in “{TITLE}”").click()
    expect(page.get_by_text(REPLY)).to_be_visible()
    expect(page.locator("#opening").get_by_text("Hug 1")).to_be_visible()
    # Reading the thread marked the notification read.
    read = page.get_by_role("link", name=re.compile(r"^Notifications \(0 unread\s*\)$"))
    expect(read).to_be_visible()


def test_anonymous_thread_hides_the_pseudonym_from_other_members(
    page: Page, new_context, site: str, writer, replier
):
    log_in(page, site, writer.pseudonym)
    page.goto(f"{site}/forums/texting-and-waiting/new/")
    page.get_by_label("Title").fill("Asking without my name")
    page.get_by_label("What would you like to say?").fill("Is it normal to feel this much?")
    page.get_by_label("Post anonymously").check()
    page.get_by_role("button", name="Post thread").click()
    thread_url = page.url

    other = new_context().new_page()
    log_in(other, site, replier.pseudonym)
    other.goto(thread_url)
    expect(other.locator("#opening .post__author")).to_have_text("Anonymous member")
    assert writer.pseudonym not in other.content()


def test_forum_pages_have_no_serious_accessibility_problems(
    axe_page: Page, site: str, writer, replier
):
    category = Category.objects.get(slug="texting-and-waiting")
    thread = Thread.objects.create(
        author=writer,
        category=category,
        title=TITLE,
        body=OPENING,
        body_html=f"<p>{OPENING}</p>",
        content_warning=WARNING,
    )
    log_in(axe_page, site, replier.pseudonym)
    for path in (
        "/forums/",
        "/forums/texting-and-waiting/",
        "/forums/texting-and-waiting/new/",
        f"/forums/threads/{thread.pk}/",
        f"/forums/threads/{thread.pk}/report/",
        "/notifications/",
    ):
        axe_page.goto(f"{site}{path}")
        assert_accessible(axe_page)

    axe_page.goto(f"{site}/forums/")
    axe_page.get_by_label("Search the forums").fill("send")
    axe_page.get_by_role("button", name="Search", exact=True).click()
    expect(axe_page.get_by_role("link", name=TITLE)).to_be_visible()
    assert axe_page.url == f"{site}/forums/search/"
    assert_accessible(axe_page)
