"""A member checks in with the keyboard in a real browser, sees the point on the chart (an SVG
drawn on the server, described for screen readers), and turns the reminder on; no CSP
violation and no serious axe finding on the way."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, log_in


def test_member_checks_in_with_the_keyboard_sees_the_chart_and_turns_the_reminder_on(
    page: Page, site: str, existing_member
):
    log_in(page, site, "Jordan Calm")
    page.goto(f"{site}/me/mood/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mood check-ins")
    expect(
        page.get_by_text("Only you can see this. Moderators and facilitators can't.")
    ).to_be_visible()
    chart = page.locator("svg[role='img']")
    expect(chart.locator("desc")).to_contain_text("No check-ins between")
    assert_accessible(page)

    scale = page.get_by_role("group", name="How are you feeling?")
    scale.get_by_label("3 · Okay").focus()
    page.keyboard.press("ArrowRight")  # arrows move through a radio group
    expect(scale.get_by_label("4 · Good")).to_be_checked()
    feelings = page.get_by_role("group", name="Any of these feelings? (optional)")
    feelings.get_by_label("Hopeful").focus()
    page.keyboard.press("Space")
    expect(feelings.get_by_label("Hopeful")).to_be_checked()
    page.keyboard.press("Tab")
    page.get_by_label("A note for yourself (optional)").focus()
    page.keyboard.type("Waited an hour before replying.")
    page.get_by_role("button", name="Save my check-in").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{site}/me/mood/")
    expect(page.get_by_role("status")).to_contain_text("Thank you for checking in.")
    chart = page.locator("svg[role='img']")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(1)
    expect(chart.locator("desc")).to_contain_text("Average 4.0 over 1 check-in")
    expect(page.get_by_text("Waited an hour before replying.")).to_be_visible()
    page.get_by_text("The same as a table").click()
    expect(page.get_by_role("table")).to_contain_text("4.0")
    assert_accessible(page)

    page.get_by_label("Remind me to check in").check()
    page.get_by_label("From (UTC)").select_option("19")
    page.get_by_role("button", name="Save reminder").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"from 19:00 UTC"))
    expect(page.get_by_label("Remind me to check in")).to_be_checked()
    assert_accessible(page)


def test_the_reminder_banner_on_the_home_page_is_kind_accessible_and_dismissed_for_today(
    page: Page, site: str, existing_member
):
    from community import mood_services

    mood_services.mood_reminder_set(actor=existing_member, enabled=True, hour=0)
    log_in(page, site, "Jordan Calm")
    page.goto(f"{site}/")
    banner = page.locator(".mood-reminder")
    expect(banner).to_contain_text("How are you feeling today?")
    expect(banner.get_by_role("link", name="Check in")).to_have_attribute(
        "href", "/me/mood/#check-in"
    )
    assert_accessible(page)
    banner.get_by_role("button", name="Not today").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{site}/")
    expect(page.locator(".mood-reminder")).to_have_count(0)
