"""Writing "About you" in a real browser: safe output, and help shown at once when needed."""

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, log_in
from tests.e2e.test_accounts import tab_to

URGENT = "I'm going to kill myself tonight. I have the pills ready."


def test_member_writes_about_with_the_keyboard_and_it_is_shown_safely(
    page: Page, site: str, existing_member
):
    log_in(page, site, "Jordan Calm")
    tab_to(page, "id_about")
    page.keyboard.type("I'm **learning** to wait. <img src=x onerror=\"document.title='owned'\">")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Other members can see it.")
    preview = page.locator(".about-preview")
    expect(preview.locator("strong")).to_have_text("learning")
    expect(preview).to_contain_text("<img src=x")
    assert page.locator(".about-preview img").count() == 0
    assert page.title() != "owned"


def test_cry_for_help_shows_the_signpost_at_once_and_keeps_the_words(
    axe_page: Page, site: str, existing_member
):
    page = axe_page
    log_in(page, site, "Jordan Calm")
    page.get_by_role("textbox", name="About you").fill(URGENT)
    page.get_by_role("button", name="Save about you").click()
    signpost = page.get_by_role("region", name="You're not alone")
    expect(signpost).to_be_visible()
    expect(signpost.get_by_role("link", name="999 or 112")).to_have_attribute("href", "tel:999")
    expect(signpost).to_contain_text("Samaritans")
    expect(page.get_by_role("status")).to_contain_text("kept safe, not deleted")
    expect(page.get_by_role("textbox", name="About you")).to_have_value(URGENT)
    assert_accessible(page)
