"""A member downloads a copy of their data, in a real browser: the live server builds it in its
background thread (the production runner) while the page shows progress, then offers the file."""

from __future__ import annotations

import json

from django.utils import timezone
from playwright.sync_api import Page, expect

from groups.models import ChatMessage
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import GroupFactory, MembershipFactory

# Enough messages that building the copy takes a moment, as it does for a long-time member.
MESSAGES = 40_000


def give_a_long_history(member) -> None:
    group = GroupFactory(name="Evening circle")
    MembershipFactory(group=group, member=member)
    now = timezone.now()
    ChatMessage.objects.bulk_create(
        (
            ChatMessage(
                group=group,
                author=member,
                body=f"Breathing through the wait, evening {number}.",
                body_html=f"<p>Breathing through the wait, evening {number}.</p>",
                status="published",
                created_at=now,
            )
            for number in range(MESSAGES)
        ),
        batch_size=2000,
    )


def test_member_prepares_a_copy_with_the_keyboard_watches_progress_and_downloads_it(
    page: Page, site: str, existing_member
):
    give_a_long_history(existing_member)
    log_in(page, site, "Jordan Calm")
    page.get_by_role("link", name="Download a copy of your data").click()
    expect(page).to_have_url(f"{site}/me/export/")
    expect(page.get_by_role("heading", level=1)).to_have_text("A copy of your data")
    assert_accessible(page)

    button = page.get_by_role("button", name="Prepare a copy of my data")
    button.focus()
    page.keyboard.press("Enter")

    progress = page.get_by_label("Preparing your copy")
    expect(progress).to_be_visible()
    expect(page.locator("#export-status")).to_have_attribute("aria-live", "polite")
    assert_accessible(page)

    download_link = page.get_by_role("link", name="Download my data")
    expect(download_link).to_be_visible(timeout=60_000)
    expect(page.locator("#export-announce")).to_have_text("Your copy is ready to download.")
    expect(page.get_by_text("You can download it until")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.startswith("steady-ground-my-data-")
    with open(download.path(), encoding="utf-8") as file:
        archive = json.load(file)
    assert archive["profile"][0]["pseudonym"] == "Jordan Calm"
    assert len(archive["chat_messages"]) == MESSAGES


def test_visitor_is_asked_to_log_in_before_seeing_the_export_page(page: Page, site: str):
    page.goto(f"{site}/me/export/")
    expect(page).to_have_url(f"{site}/accounts/login/?next=/me/export/")
