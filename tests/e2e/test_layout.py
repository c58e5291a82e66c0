"""The site works on a phone: nothing scrolls sideways, and help is in reach at once."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE_VIEWPORT, SHOTS_DIR


@pytest.fixture
def phone(new_context) -> Page:
    return new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True).new_page()


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(
    ("path", "shot"),
    [
        ("/", "home"),
        ("/help/", "help"),
        ("/help/?country=AU", "help-au"),
        ("/accounts/signup/", "signup"),
    ],
)
def test_page_fits_a_phone_screen_without_sideways_scrolling(phone: Page, site: str, path, shot):
    phone.goto(f"{site}{path}")

    assert horizontal_overflow(phone) == 0
    # "Get help now" can be reached without scrolling.
    expect(phone.get_by_role("banner").get_by_role("link", name="Get help now")).to_be_in_viewport()
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS_DIR / f"{shot}.png"), full_page=True)
