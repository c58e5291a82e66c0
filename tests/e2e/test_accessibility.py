"""axe finds no serious or critical accessibility problems on the pages people use first."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible, log_in


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/help/",
        "/help/?country=US",
        "/guidelines/",
        "/privacy/",
        "/accounts/signup/",
        "/accounts/login/",
    ],
)
def test_public_page_has_no_serious_accessibility_violations(axe_page: Page, site: str, path):
    response = axe_page.goto(f"{site}{path}")
    assert response is not None and response.status == 200

    assert_accessible(axe_page)


def test_sign_up_form_showing_errors_has_no_serious_accessibility_violations(
    axe_page: Page, site: str
):
    axe_page.goto(f"{site}/accounts/signup/")
    axe_page.get_by_role("button", name="Create my account").click()
    expect(axe_page.locator(".field--error").first).to_be_visible()

    assert_accessible(axe_page)


def test_login_form_showing_an_error_has_no_serious_accessibility_violations(
    axe_page: Page, site: str
):
    axe_page.goto(f"{site}/accounts/login/")
    axe_page.get_by_label("Pseudonym or email").fill("nobody-here")
    axe_page.get_by_label("Password").fill("not-the-password")
    axe_page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(axe_page.get_by_role("alert")).to_be_visible()

    assert_accessible(axe_page)


def test_members_account_page_has_no_serious_accessibility_violations(
    axe_page: Page, site: str, existing_member
):
    log_in(axe_page, site, existing_member.pseudonym)
    expect(axe_page.get_by_role("heading", level=1)).to_have_text("Your space")

    assert_accessible(axe_page)


def test_members_moderation_page_and_appeal_form_have_no_serious_violations(
    axe_page: Page, site: str, existing_member
):
    from django.contrib.contenttypes.models import ContentType

    from community.models import ProfileText
    from moderation import services
    from tests.factories import MemberFactory

    moderator = MemberFactory(pseudonym="Mo Axe", is_moderator=True)
    about = ProfileText.objects.create(
        author=existing_member, body="Learning to wait.", body_html="<p>Learning to wait.</p>"
    )
    services.content_remove(actor=moderator, content=about, reason="It shared a phone number.")
    kind = ContentType.objects.get_for_model(about)
    log_in(axe_page, site, existing_member.pseudonym)
    axe_page.goto(f"{site}/me/moderation/")
    expect(axe_page.get_by_text("It shared a phone number.")).to_be_visible()
    assert_accessible(axe_page)
    axe_page.goto(f"{site}/me/moderation/appeal/?content={kind.app_label}.{kind.model}:{about.pk}")
    assert_accessible(axe_page)
