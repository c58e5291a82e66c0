"""A member takes the attachment self-check with the keyboard alone, reads the result and the
note that it is not a diagnosis, retakes it and sees the change; every page is axe clean and
keeps to the strict CSP (the chart is drawn without inline styles)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from community import selfcheck
from tests.e2e.conftest import assert_accessible, log_in


def answer_with_the_keyboard(page: Page, value: int) -> None:
    """Tab into each statement's radios, Space picks "Not like me at all", the right arrow
    moves along the scale to `value`, Tab goes on to the next statement."""
    page.locator(f"#id_{selfcheck.ITEM_KEYS[0]}_1").focus()
    for key in selfcheck.ITEM_KEYS:
        page.keyboard.press("Space")
        for _ in range(value - 1):
            page.keyboard.press("ArrowRight")
        expect(page.locator(f"#id_{key}_{value}")).to_be_checked()
        page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="See my result")).to_be_focused()
    page.keyboard.press("Enter")


def test_member_takes_the_self_check_with_the_keyboard_and_sees_the_change(
    page: Page, site: str, existing_member
):
    log_in(page, site, "Jordan Calm")
    page.goto(f"{site}/me/self-check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attachment self-check")
    expect(
        page.get_by_text("Only you can see this. Moderators and facilitators can't.")
    ).to_be_visible()
    first_group = page.get_by_role("group", name=str(selfcheck.ITEMS[0].text))
    expect(first_group.get_by_role("radio")).to_have_count(5)
    assert_accessible(page)

    # Sending it half-answered lists what is missing at the top, with links.
    page.get_by_role("button", name="See my result").press("Enter")
    errors = page.locator("#form-errors")
    expect(errors).to_contain_text("12 statements still need an answer")
    assert_accessible(page)

    answer_with_the_keyboard(page, 4)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your self-check result")
    expect(page.get_by_text("3.67 out of 5: on the higher side")).to_be_visible()
    expect(page.get_by_text("This is a reflection, not a diagnosis or a test")).to_be_visible()
    expect(page.get_by_role("link", name="Texting and waiting")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Retake it").click()
    answer_with_the_keyboard(page, 2)
    expect(page.get_by_text("2.33 out of 5: on the lower side")).to_be_visible()
    expect(page.locator(".selfcheck-change")).to_contain_text(
        "worry about closeness went down by 1.34"
    )
    assert_accessible(page)

    page.get_by_role("link", name="See all your results").click()
    table = page.get_by_role("table", name="Every result, newest first")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(page.get_by_role("img", name="Your two scores over time")).to_be_visible()
    assert_accessible(page)
