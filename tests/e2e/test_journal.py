"""The private journal and milestones in a real browser: writing with a prompt by keyboard
alone, finding the entry again by search, setting a goal, marking it achieved and turning it
into a draft story; the pages pass axe."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, log_in
from tests.e2e.test_accounts import tab_to
from tests.factories import MemberFactory


@pytest.fixture
def settled_member(transactional_db):
    return MemberFactory(
        pseudonym="Jordan Calm",
        email="jordan@example.org",
        country="GB",
        date_joined=timezone.now() - timedelta(days=30),
    )


def test_member_writes_with_a_prompt_by_keyboard_and_finds_it_by_search(
    axe_page: Page, site: str, settled_member
):
    page = axe_page
    log_in(page, site, "Jordan Calm")
    page.goto(f"{site}/me/journal/")
    expect(page.get_by_text("Only you can see this.")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{site}/me/journal/new/")
    assert_accessible(page)
    tab_to(page, "id_prompt_key")
    page.keyboard.press("Tab")  # "Give me a prompt"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Here's a prompt")).to_be_visible()
    tab_to(page, "id_body")
    page.keyboard.type("The **marigold** walk helped <script>document.title='owned'</script>")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Only you can see it.")
    expect(page.locator(".journal-entry .post__body strong")).to_have_text("marigold")
    expect(page.locator(".journal-entry")).to_contain_text("The prompt:")
    assert page.title() != "owned"
    assert_accessible(page)

    page.goto(f"{site}/me/journal/")
    page.get_by_label("Search your journal").fill("MARIGOLD walk")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 entry found")).to_be_visible()
    assert "marigold" not in page.url.lower()
    assert_accessible(page)


def test_member_sets_a_milestone_achieves_it_and_drafts_a_story(
    axe_page: Page, site: str, settled_member
):
    page = axe_page
    log_in(page, site, "Jordan Calm")
    page.goto(f"{site}/me/milestones/")
    assert_accessible(page)
    page.get_by_label("Your milestone").fill("Waited an hour before replying")
    page.get_by_role("button", name="Set this goal").click()
    expect(page.get_by_role("status")).to_contain_text("Your milestone is set.")
    page.get_by_role("button", name="Mark “Waited an hour before replying” as achieved").click()
    expect(page.get_by_text("Achieved on")).to_be_visible()
    assert_accessible(page)
    page.get_by_role(
        "button", name="Turn “Waited an hour before replying” into a draft story"
    ).click()
    expect(page).to_have_url(re.compile(r"/stories/\d+/edit/$"))
    expect(page.get_by_role("heading", name="Edit your story")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Waited an hour before replying")
