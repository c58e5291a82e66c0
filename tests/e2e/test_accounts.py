"""Joining, leaving and coming back, in a real browser."""

import re

from playwright.sync_api import Page, expect

PASSWORD = "quiet-harbour-morning-tide"


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page: Page, element_id: str, *, max_presses: int = 25) -> None:
    """Press Tab, as a keyboard user would, until the element has focus."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"#{element_id} never received focus after {max_presses} Tab presses")


def log_out(page: Page, site: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{site}/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()


def test_person_signs_up_with_the_keyboard_then_logs_out_and_back_in_by_pseudonym_and_email(
    page: Page, site: str
):
    page.goto(f"{site}/accounts/signup/")

    tab_to(page, "id_pseudonym")
    page.keyboard.type("Willow Keys")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_email"
    page.keyboard.type("willow@example.org")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_country"
    page.keyboard.type("United Kingdom")  # type-ahead picks the option, as on a real select
    expect(page.locator("#id_country")).to_have_value("GB")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_accepted_guidelines"
    page.keyboard.press("Space")
    expect(page.locator("#id_accepted_guidelines")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_confirmed_adult"
    page.keyboard.press("Space")
    expect(page.locator("#id_confirmed_adult")).to_be_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Create my account"
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{site}/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your space")
    expect(page.get_by_role("status")).to_contain_text("Welcome, Willow Keys.")
    expect(page.locator("dl.details")).to_contain_text("Willow Keys")
    expect(page.locator("#id_country")).to_have_value("GB")

    log_out(page, site)
    page.goto(f"{site}/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/me/$"))

    # Back in with the pseudonym, typed on the keyboard (the field has focus on arrival).
    page.goto(f"{site}/accounts/login/")
    assert focused_id(page) == "id_username"
    page.keyboard.type("Willow Keys")
    page.keyboard.press("Tab")
    assert focused_id(page) == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}/me/")
    expect(page.locator("dl.details")).to_contain_text("Willow Keys")

    log_out(page, site)

    # And with the email address.
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Pseudonym or email").fill("willow@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{site}/me/")
    expect(page.locator("dl.details")).to_contain_text("Willow Keys")
    expect(page.locator("dl.details")).to_contain_text("willow@example.org")


def test_failed_sign_up_shows_each_error_next_to_its_field_and_keeps_what_was_typed(
    page: Page, site: str
):
    page.goto(f"{site}/accounts/signup/")
    page.get_by_label("Pseudonym").fill("ab")
    page.get_by_label("Email address").fill("not-an-email")
    page.get_by_label("Password").fill("short")
    page.get_by_label("Country").select_option("AU")
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(f"{site}/accounts/signup/")
    expected_errors = {
        "pseudonym": "between 3 and 30 characters",
        "email": "Please enter an email address like name@example.org.",
        "password": "at least 10 characters",
        "accepted_guidelines": "Please read and accept the community guidelines",
        "confirmed_adult": "Please confirm that you are 18 or over",
    }
    for name, text in expected_errors.items():
        field = page.locator(f".field:has(#id_{name})")
        errors = field.locator(f"#id_{name}_errors")
        expect(errors).to_be_visible()
        expect(errors).to_contain_text(text)
        # Screen readers hear the error when they reach the field.
        expect(page.locator(f"#id_{name}")).to_have_attribute("aria-invalid", "true")
        expect(page.locator(f"#id_{name}")).to_have_attribute(
            "aria-describedby", re.compile(rf"\bid_{name}_errors\b")
        )
    expect(page.locator("#id_country_errors")).to_have_count(0)

    expect(page.get_by_label("Pseudonym")).to_have_value("ab")
    expect(page.get_by_label("Email address")).to_have_value("not-an-email")
    expect(page.get_by_label("Country")).to_have_value("AU")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_label("I am 18 or over")).not_to_be_checked()
