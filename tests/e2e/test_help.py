"""A visitor in distress finds the helplines for where they are, from any page."""

from playwright.sync_api import Page, expect


def test_visitor_follows_get_help_now_in_the_header_and_sees_helplines_for_their_country(
    page: Page, site: str
):
    # The browser speaks en-GB, so the help page shows help for the United Kingdom.
    page.goto(f"{site}/")
    page.get_by_role("banner").get_by_role("link", name="Get help now").click()

    expect(page).to_have_url(f"{site}/help/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Get help now")
    local = page.locator("section.help-local")
    expect(local.get_by_role("heading", name="Help in United Kingdom")).to_be_visible()
    expect(local.get_by_role("heading", name="Samaritans")).to_be_visible()
    expect(local).to_contain_text("116 123")
    expect(local.get_by_role("link", name="Call Samaritans")).to_have_attribute(
        "href", "tel:116123"
    )
    expect(local.locator("#emergency-number")).to_contain_text("999")
    expect(local.locator("#emergency-number").get_by_role("link")).to_have_attribute(
        "href", "tel:999"
    )


def test_visitor_chooses_another_country_and_sees_its_helplines(page: Page, site: str):
    page.goto(f"{site}/help/")
    page.get_by_label("Show helplines for another country").select_option("AU")
    page.get_by_role("button", name="Show").click()

    expect(page).to_have_url(f"{site}/help/?country=AU")
    local = page.locator("section.help-local")
    expect(local.get_by_role("heading", name="Help in Australia")).to_be_visible()
    expect(local.get_by_role("heading", name="Lifeline")).to_be_visible()
    expect(local).to_contain_text("13 11 14")
    expect(local.locator("#emergency-number")).to_contain_text("000")
    expect(local).not_to_contain_text("Samaritans")


def test_help_page_link_for_a_country_shows_that_countrys_emergency_number(page: Page, site: str):
    page.goto(f"{site}/help/?country=AU")

    expect(page.locator("#emergency-number")).to_contain_text("000")
    expect(page.locator("section.help-local")).to_contain_text("Lifeline")
    expect(page.locator("section.help-local")).to_contain_text("13 11 14")


def test_help_page_directory_lists_each_country_once(page: Page, site: str):
    page.goto(f"{site}/help/")

    countries = page.locator("ul.country-list li").all_inner_texts()
    assert countries == [
        "Australia",
        "Canada",
        "France",
        "Germany",
        "India",
        "Ireland",
        "New Zealand",
        "United Kingdom",
        "United States",
    ]
