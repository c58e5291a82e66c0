"""Success stories in a real browser: a member writes one, a moderator publishes it, a
visitor reads it. axe checks the story pages; every context reports CSP violations."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from community.models import Story
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories import MemberFactory

TITLE = "The hour I did not send the text"
BODY = (
    "Six months ago I sent ten texts when he did not reply within an hour. Last week I "
    "noticed the panic, breathed, and went for a walk."
)


@pytest.fixture
def writer(transactional_db):
    return MemberFactory(pseudonym="Hazel Hopeful", date_joined=timezone.now() - timedelta(days=30))


@pytest.fixture
def moderator(transactional_db):
    return MemberFactory(pseudonym="Mo Moderator", is_moderator=True)


@pytest.fixture
def story_tags(transactional_db) -> None:
    """The milestone tags come from a migration; a transactional test empties the tables."""
    import importlib

    from django.apps import apps

    importlib.import_module("community.migrations.0008_story_tags").add_tags(apps, None)


def test_member_submits_moderator_publishes_visitor_reads(
    page: Page, new_context, site: str, writer, moderator, story_tags
):
    log_in(page, site, writer.pseudonym)
    page.goto(f"{site}/stories/")
    page.get_by_role("link", name="Share your story").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Your story").fill(BODY)
    page.get_by_label("Calmer when waiting").check()
    page.get_by_label("Members and visitors").check()
    page.get_by_role("button", name="Send for review").click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.get_by_text("Awaiting review", exact=False).first).to_be_visible()
    story = Story.objects.get(title=TITLE)
    assert story.state == Story.State.SUBMITTED

    # Before review, a visitor finds nothing.
    visitor = new_context().new_page()
    visitor.goto(f"{site}/stories/")
    expect(visitor.get_by_text(TITLE)).to_have_count(0)
    assert visitor.goto(f"{site}/stories/{story.pk}/").status == 404

    # A moderator opens the review list and publishes it.
    reviewer = new_context().new_page()
    log_in(reviewer, site, moderator.pseudonym)
    reviewer.goto(f"{site}/stories/review/")
    reviewer.get_by_role("link", name=TITLE).click()
    reviewer.get_by_role("button", name="Publish").click()
    expect(reviewer.get_by_text("Published", exact=False).first).to_be_visible()

    # Now the visitor reads it, with its milestone.
    visitor.goto(f"{site}/stories/")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_text(BODY)).to_be_visible()
    expect(visitor.get_by_text("Calmer when waiting").first).to_be_visible()
    expect(visitor.get_by_text(writer.pseudonym).first).to_be_visible()


def test_story_pages_have_no_serious_accessibility_problems(
    axe_page: Page, site: str, writer, moderator, story_tags
):
    from community import story_services

    saved = story_services.story_save(
        actor=writer, title=TITLE, body=BODY, tags=["kinder-self-talk"], audience="everyone"
    )
    story_services.story_approve(actor=moderator, story=saved.story)
    pending = story_services.story_save(
        actor=writer, title="Asking for what I need", body="I asked for a call instead."
    )
    log_in(axe_page, site, moderator.pseudonym)
    for path in (
        "/stories/",
        "/stories/?tag=kinder-self-talk",
        f"/stories/{saved.story.pk}/",
        f"/stories/{pending.story.pk}/",
        "/stories/new/",
        "/stories/mine/",
        "/stories/review/",
    ):
        axe_page.goto(f"{site}{path}")
        assert_accessible(axe_page)
