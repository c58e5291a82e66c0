"""Deleting an account, and signing out everywhere, in a real browser."""

from playwright.sync_api import Browser, Page, expect

from community.models import Member
from tests.e2e.conftest import LOCALE, assert_accessible, log_in
from tests.factories import TEST_PASSWORD


def test_member_deletes_their_account_with_the_keyboard(page: Page, site: str, existing_member):
    log_in(page, site, "Jordan Calm")
    page.get_by_role("link", name="Delete your account").click()
    expect(page.get_by_role("heading", name="Delete your account", level=1)).to_be_visible()
    # The kind defaults: chat messages deleted, forum posts kept under "Former member".
    group = page.get_by_role("group", name="Your messages in group chat rooms")
    expect(group.get_by_role("radio", name="Delete them")).to_be_checked()
    forum = page.get_by_role("group", name="Your forum threads and replies")
    expect(forum.get_by_role("radio", name="Keep them", exact=False)).to_be_checked()

    # A wrong password is explained and deletes nothing.
    page.get_by_label("Your password, to confirm it's you").fill("not my password")
    page.keyboard.press("Enter")
    expect(page.get_by_text("That isn't your current password.")).to_be_visible()
    assert Member.objects.get(pk=existing_member.pk).erased_at is None

    page.get_by_label("Your password, to confirm it's you").fill(TEST_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_text("Your account is deleted.", exact=False)).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()

    # The account can't be used again.
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Pseudonym or email").fill("Jordan Calm")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_text("don't match an account", exact=False)).to_be_visible()
    member = Member.objects.get(pk=existing_member.pk)
    assert member.erased_at is not None and member.pseudonym != "Jordan Calm"


def test_the_delete_page_is_accessible(site: str, existing_member, axe_page: Page):
    log_in(axe_page, site, "Jordan Calm")
    axe_page.goto(f"{site}/me/delete/")
    assert_accessible(axe_page)


def test_signing_out_on_one_device_signs_out_the_other(
    browser: Browser, page: Page, site: str, existing_member
):
    log_in(page, site, "Jordan Calm")
    laptop = browser.new_context(locale=LOCALE)
    try:
        other = laptop.new_page()
        log_in(other, site, "Jordan Calm")
        page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
        expect(page.get_by_text("signed out, on this device and every other one")).to_be_visible()
        other.goto(f"{site}/me/")
        expect(other).to_have_url(f"{site}/accounts/login/?next=/me/")
    finally:
        laptop.close()
