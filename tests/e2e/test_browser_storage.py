"""Nothing a member writes or searches for is kept in the browser: not in localStorage, not in
sessionStorage, not in a cookie, and not in the address bar (which is browser history)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from community.models import Category, Thread
from tests.e2e.conftest import log_in
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

PHRASE = "velvet lantern tremor"
SLUG = "storage-circle"


@pytest.fixture
def chatting_member(transactional_db):
    group = GroupFactory(name="Storage circle", slug=SLUG)
    member = MemberFactory(pseudonym="Sky Storage", date_joined=timezone.now() - timedelta(days=30))
    MembershipFactory(group=group, member=member)
    return member


def storage_of(page: Page) -> dict:
    return page.evaluate(
        """() => ({
            local: Object.fromEntries(Object.entries(localStorage)),
            session: Object.fromEntries(Object.entries(sessionStorage)),
            cookie: document.cookie,
        })"""
    )


def assert_phrase_not_kept(page: Page) -> None:
    storage = storage_of(page)
    assert storage["local"] == {}
    assert storage["session"] == {}
    assert PHRASE not in storage["cookie"]
    assert PHRASE.split()[0] not in page.url


def test_chat_forum_reply_and_search_leave_nothing_in_browser_storage(
    page: Page, site: str, chatting_member
):
    category = Category.objects.get(slug="texting-and-waiting")
    thread = Thread.objects.create(
        author=MemberFactory(pseudonym="Tam Thread"),
        category=category,
        title="After I press send",
        body="What helps you in the hour after?",
        body_html="<p>What helps you in the hour after?</p>",
    )
    log_in(page, site, chatting_member.pseudonym)

    page.goto(f"{site}/groups/{SLUG}/room/")
    expect(page.locator("#chat-connection-text")).to_have_text("Connected")
    composer = page.get_by_role("textbox", name="Your message")
    composer.fill(f"Tonight I feel the {PHRASE} again")
    composer.press("Enter")
    expect(page.locator("#chat-messages").get_by_text(PHRASE)).to_be_visible()
    assert_phrase_not_kept(page)

    page.goto(f"{site}/forums/threads/{thread.pk}/")
    page.get_by_label("Your reply").fill(f"For me it is the {PHRASE}, then a walk.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text(PHRASE)).to_be_visible()
    assert_phrase_not_kept(page)

    page.goto(f"{site}/forums/")
    page.get_by_label("Search the forums").fill(PHRASE)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the forums")
    assert page.url == f"{site}/forums/search/"
    assert PHRASE not in page.title()
    assert_phrase_not_kept(page)
