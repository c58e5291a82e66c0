"""The HTML door: sign-up, sign-in, sign-out, passwords, the member's own page and /help/."""

import html
import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings

from community.models import CrisisResource, Member
from tests.factories import TEST_PASSWORD, CrisisResourceFactory, MemberFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "lanterns-over-quiet-water"
NEW_PASSWORD = "morning-tide-and-gulls"
WRONG_PASSWORD = "not-the-right-password-1"
KIND_LOGIN_MESSAGE = (
    "That pseudonym or email and password don't match an account. Please check them and try "
    "again; passwords are case-sensitive."
)


def fullwidth(text: str) -> str:
    """The same text in fullwidth forms (U+FF01..U+FF5E), as some East Asian keyboards type it."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@pytest.fixture
def superuser(db):
    return Member.objects.create_superuser(
        pseudonym="Site Keeper", email="keeper@example.org", password=TEST_PASSWORD
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


def field_errors(response, field: str) -> str:
    """The errors shown next to one form field."""
    match = re.search(
        rf'<ul class="errors" id="id_{field}_errors">(.*?)</ul>', response.content.decode(), re.S
    )
    return html.unescape(match.group(1)) if match else ""


def form_errors(response) -> str:
    """The errors shown above the form (not tied to one field)."""
    match = re.search(
        r'<div[^>]*id="form-errors"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    return html.unescape(match.group(1)) if match else ""


def signup_form(**changes) -> dict:
    form = {
        "pseudonym": "Quiet Harbour",
        "email": "harbour@example.org",
        "password": GOOD_PASSWORD,
        "country": "GB",
        "accepted_guidelines": "on",
        "confirmed_adult": "on",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def logged_in_member(client) -> Member | None:
    """Who the client's session belongs to (without loading a page, which would use up any
    one-time messages)."""
    member_id = client.session.get("_auth_user_id")
    return Member.objects.get(pk=member_id) if member_id else None


def log_in(client, identifier: str, password: str = TEST_PASSWORD, path="/accounts/login/"):
    return client.post(path, {"username": identifier, "password": password})


def local_section(response) -> str:
    content = response.content.decode()
    start = content.index('class="help-local"')
    return content[start : content.index('id="directory-heading"')]


# --- sign-up ---------------------------------------------------------------------------------


def test_signup_page_links_to_the_guidelines_and_asks_for_both_agreements(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    content = text(response)
    assert "Join Steady Ground" in content
    assert 'href="/guidelines/"' in content
    assert 'name="accepted_guidelines"' in content
    assert 'name="confirmed_adult"' in content
    assert "I am 18 or over" in content


def test_signup_logs_the_new_member_in_and_takes_them_to_their_page(client):
    response = client.post("/accounts/signup/", signup_form())
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    member = Member.objects.get()
    assert member.pseudonym == "Quiet Harbour"
    assert member.guidelines_accepted_at is not None
    assert member.guidelines_version == settings.GUIDELINES_VERSION
    assert member.adult_confirmed_at is not None
    assert logged_in_member(client) == member
    welcome = client.get("/me/")
    assert "Welcome, Quiet Harbour. We're glad you're here." in text(welcome)


def test_signup_without_accepting_guidelines_shows_the_error_next_to_that_box(client):
    response = client.post("/accounts/signup/", signup_form(accepted_guidelines=None))
    assert response.status_code == 400
    assert "Please read and accept the community guidelines to join." in field_errors(
        response, "accepted_guidelines"
    )
    assert field_errors(response, "confirmed_adult") == ""
    assert not Member.objects.exists()
    assert logged_in_member(client) is None


def test_signup_without_confirming_age_shows_the_error_next_to_that_box(client):
    response = client.post("/accounts/signup/", signup_form(confirmed_adult=None))
    assert response.status_code == 400
    assert "Please confirm that you are 18 or over." in field_errors(response, "confirmed_adult")
    assert field_errors(response, "accepted_guidelines") == ""
    assert not Member.objects.exists()


def test_signup_without_either_agreement_shows_both_errors(client):
    response = client.post(
        "/accounts/signup/", signup_form(accepted_guidelines=None, confirmed_adult=None)
    )
    assert response.status_code == 400
    assert field_errors(response, "accepted_guidelines")
    assert field_errors(response, "confirmed_adult")


def test_signup_errors_are_announced_to_assistive_technology(client):
    response = client.post("/accounts/signup/", signup_form(pseudonym="x"))
    content = response.content.decode()
    widget = re.search(r'<input[^>]*name="pseudonym"[^>]*>', content).group(0)
    assert 'aria-invalid="true"' in widget
    assert "id_pseudonym_errors" in widget


def test_signup_refuses_pseudonym_that_differs_only_in_case(client, member):
    response = client.post("/accounts/signup/", signup_form(pseudonym="ROBIN TEST"))
    assert response.status_code == 400
    assert "Someone already uses that pseudonym" in field_errors(response, "pseudonym")
    assert Member.objects.count() == 1


def test_signup_refuses_pseudonym_in_fullwidth_letters_that_matches_an_existing_one(client, member):
    response = client.post("/accounts/signup/", signup_form(pseudonym=fullwidth("robin test")))
    assert response.status_code == 400
    assert "Someone already uses that pseudonym" in field_errors(response, "pseudonym")


@pytest.mark.parametrize(
    ("pseudonym", "message"),
    [
        ("ab", "between 3 and 30 characters"),
        ("admin", "kept for the community team"),
        ("s.t.a.f.f", "kept for the community team"),
        ("12345", "Please include at least one letter."),
        ("robin!", "start and end with a letter or number"),
    ],
)
def test_signup_shows_pseudonym_rules_next_to_the_pseudonym(client, pseudonym, message):
    response = client.post("/accounts/signup/", signup_form(pseudonym=pseudonym))
    assert response.status_code == 400
    assert message in field_errors(response, "pseudonym")


def test_signup_refuses_an_invalid_email_next_to_the_email(client):
    response = client.post("/accounts/signup/", signup_form(email="not an email"))
    assert response.status_code == 400
    assert "Please enter an email address like name@example.org." in field_errors(response, "email")


def test_signup_refuses_an_email_already_used_ignoring_case(client, member):
    response = client.post("/accounts/signup/", signup_form(email="ROBIN.TEST@example.ORG"))
    assert response.status_code == 400
    assert "already has an account" in field_errors(response, "email")
    assert Member.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw1", "at least 10 characters"),
        ("password1234", "too common"),
        ("83920174659", "entirely numeric"),
        ("quietharbour", "too similar"),
    ],
)
def test_signup_shows_password_rules_next_to_the_password(client, password, message):
    response = client.post(
        "/accounts/signup/", signup_form(email="someone@example.org", password=password)
    )
    assert response.status_code == 400
    assert message in field_errors(response, "password")


def test_signup_refuses_an_unknown_country_next_to_the_country(client):
    response = client.post("/accounts/signup/", signup_form(country="ZZ"))
    assert response.status_code == 400
    assert field_errors(response, "country")
    assert not Member.objects.exists()


def test_signup_page_redirects_a_member_who_is_already_signed_in(member_client):
    response = member_client.get("/accounts/signup/")
    assert response.status_code == 302
    assert response["Location"] == "/me/"


@override_settings(SIGNUP_LIMIT_PER_ADDRESS=2)
def test_signup_flood_from_one_address_is_refused_kindly_with_429(client):
    for n in range(2):
        response = client.post(
            "/accounts/signup/",
            signup_form(pseudonym=f"Flood Person {n}", email=f"flood{n}@example.org"),
        )
        assert response.status_code == 302
        client.post("/accounts/logout/")
    response = client.post(
        "/accounts/signup/", signup_form(pseudonym="Flood Person 3", email="flood3@example.org")
    )
    assert response.status_code == 429
    message = form_errors(response)
    assert "Lots of accounts have been created from your connection recently." in message
    assert re.search(r"Please try again in about \d+ minutes\.", message)
    assert Member.objects.count() == 2


@override_settings(SIGNUP_LIMIT_PER_ADDRESS=1)
def test_signup_flood_limit_is_counted_per_address(client):
    assert client.post("/accounts/signup/", signup_form()).status_code == 302
    other_place = Client(REMOTE_ADDR="203.0.113.50")
    response = other_place.post(
        "/accounts/signup/", signup_form(pseudonym="Other Place", email="other@example.org")
    )
    assert response.status_code == 302


def test_signup_with_a_ten_thousand_character_pseudonym_gets_a_clear_error(client):
    response = client.post("/accounts/signup/", signup_form(pseudonym="x" * 10_000))
    assert response.status_code == 400
    assert field_errors(response, "pseudonym")
    assert not Member.objects.exists()


@pytest.mark.parametrize("field", ["email", "password"])
def test_signup_with_oversized_email_or_password_gets_a_clear_error(client, field):
    response = client.post("/accounts/signup/", signup_form(**{field: "a" * 10_000}))
    assert response.status_code == 400
    assert field_errors(response, field)


def test_signup_with_a_list_where_a_string_belongs_gets_a_clear_error(client):
    response = client.post(
        "/accounts/signup/",
        signup_form(pseudonym=["Quiet Harbour", "x"], email=["a@example.org", "nope"]),
    )
    assert response.status_code == 400
    assert field_errors(response, "pseudonym") or field_errors(response, "email")
    assert not Member.objects.exists()


def test_signup_with_a_null_character_gets_a_clear_error(client):
    response = client.post("/accounts/signup/", signup_form(pseudonym="Quiet\x00Harbour"))
    assert response.status_code == 400
    assert field_errors(response, "pseudonym")


def test_signup_with_an_empty_post_creates_nobody(client):
    response = client.post("/accounts/signup/", {})
    assert response.status_code == 400
    assert not Member.objects.exists()
    # Each missing answer is named next to its field, so the person knows what to fill in.
    assert field_errors(response, "pseudonym")
    assert field_errors(response, "accepted_guidelines")


def test_signup_with_json_body_is_not_a_server_error(client):
    response = client.post(
        "/accounts/signup/", data={"pseudonym": 5, "email": []}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not Member.objects.exists()


def test_signup_works_with_csrf_checks_on(db):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/accounts/signup/")
    token = browser.cookies["csrftoken"].value
    response = browser.post("/accounts/signup/", {**signup_form(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_signup_without_csrf_token_is_refused(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/accounts/signup/", signup_form())
    assert response.status_code == 403
    assert not Member.objects.exists()


# --- email privacy ---------------------------------------------------------------------------

PUBLIC_PAGES = [
    "/",
    "/help/",
    "/help/?country=GB",
    "/guidelines/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
]


def assert_no_email_of(member: Member, content: str) -> None:
    lowered = content.lower()
    assert member.email.lower() not in lowered
    assert member.email.split("@")[0].lower() + "@" not in lowered


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_members_email_is_not_on_public_pages(client, member, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_no_email_of(member, text(response))


@pytest.mark.parametrize(
    "path", [*PUBLIC_PAGES, "/me/", "/accounts/password/change/", "/accounts/password/change/done/"]
)
def test_members_email_is_not_shown_to_another_member(client, member, other_member, path):
    client.force_login(other_member)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert_no_email_of(member, text(response))


def test_members_own_page_shows_their_email_only_to_them(member_client, member):
    response = member_client.get("/me/")
    assert member.email in text(response)
    assert "only you can see this" in text(response)


# --- sign-in ---------------------------------------------------------------------------------


def test_login_page_asks_for_pseudonym_or_email(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Pseudonym or email" in text(response)
    assert 'href="/accounts/password/reset/"' in text(response)


@pytest.mark.parametrize(
    "identifier", ["Robin Test", "robin test", "ROBIN TEST", "Robin.Test@example.org"]
)
def test_member_logs_in_with_pseudonym_in_any_case_or_email(client, member, identifier):
    response = log_in(client, identifier)
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    assert logged_in_member(client) == member


def test_login_returns_to_the_page_the_member_came_from(client, member):
    response = client.post(
        "/accounts/login/?next=/help/", {"username": "Robin Test", "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/help/"


def test_login_never_redirects_to_another_site(client, member):
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": "Robin Test", "password": TEST_PASSWORD},
    )
    assert response["Location"] == "/me/"


def test_wrong_password_shows_the_kind_generic_message(client, member):
    response = log_in(client, "Robin Test", WRONG_PASSWORD)
    assert response.status_code == 400
    assert KIND_LOGIN_MESSAGE in form_errors(response)
    assert logged_in_member(client) is None


def test_unknown_account_shows_the_same_message_as_a_wrong_password(client, member):
    wrong_password = log_in(client, "Robin Test", WRONG_PASSWORD)
    unknown = log_in(client, "Nobody Here", WRONG_PASSWORD)
    unknown_email = log_in(client, "nobody@example.org", WRONG_PASSWORD)
    assert form_errors(wrong_password) == form_errors(unknown) == form_errors(unknown_email)
    assert wrong_password.status_code == unknown.status_code == unknown_email.status_code


def test_inactive_member_cannot_log_in(client, member):
    member.is_active = False
    member.save()
    response = log_in(client, "Robin Test")
    assert response.status_code == 400
    assert KIND_LOGIN_MESSAGE in form_errors(response)
    assert logged_in_member(client) is None


def test_login_is_paused_after_five_failures_even_with_the_right_password(client, member):
    for _ in range(5):
        log_in(client, "Robin Test", WRONG_PASSWORD)
    response = log_in(client, "Robin Test")
    assert response.status_code == 400
    message = form_errors(response)
    assert "paused sign-in" in message
    assert re.search(r"Please try again in \d+ minutes?", message)
    assert "30 minutes" in message
    assert logged_in_member(client) is None


def test_login_pause_is_shared_between_pseudonym_and_email(client, member):
    for identifier in ["Robin Test", "robin.test@example.org"] * 2 + ["ROBIN TEST"]:
        log_in(client, identifier, WRONG_PASSWORD)
    response = log_in(client, "Robin.Test@example.org")
    assert "paused sign-in" in form_errors(response)


def test_login_pause_holds_across_different_browsers(member):
    for n in range(5):
        log_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), "Robin Test", WRONG_PASSWORD)
    response = log_in(Client(REMOTE_ADDR="198.51.100.99"), "Robin Test")
    assert "paused sign-in" in form_errors(response)


def test_a_successful_login_before_the_limit_clears_the_count(client, member):
    for _ in range(4):
        log_in(client, "Robin Test", WRONG_PASSWORD)
    assert log_in(client, "Robin Test").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        response = log_in(client, "Robin Test", WRONG_PASSWORD)
        assert "paused" not in form_errors(response)
    assert log_in(client, "Robin Test").status_code == 302


def test_login_works_again_after_the_window_has_passed(client, member, clock):
    for _ in range(5):
        log_in(client, "Robin Test", WRONG_PASSWORD)
    clock.advance(settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    response = log_in(client, "Robin Test")
    assert response.status_code == 302
    assert logged_in_member(client) == member


def test_admin_login_obeys_the_same_pause(client, superuser):
    for _ in range(5):
        response = log_in(client, "Site Keeper", WRONG_PASSWORD, path="/admin/login/")
        assert logged_in_member(client) is None
    response = log_in(client, "Site Keeper", path="/admin/login/")
    assert "paused sign-in" in text(response)
    assert logged_in_member(client) is None


def test_admin_login_failures_count_towards_the_site_login_pause(client, superuser):
    for _ in range(5):
        log_in(client, "Site Keeper", WRONG_PASSWORD, path="/admin/login/")
    response = log_in(client, "keeper@example.org")
    assert "paused sign-in" in form_errors(response)


def test_admin_login_works_for_staff_with_the_right_password(client, superuser):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "site keeper", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert logged_in_member(client) == superuser


def test_admin_login_refuses_a_member_who_is_not_staff(client, member):
    response = log_in(client, "Robin Test", path="/admin/login/")
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


# --- sign-out --------------------------------------------------------------------------------


def test_header_has_a_post_logout_form_with_a_csrf_token(member_client):
    content = member_client.get("/").content.decode()
    form = re.search(
        r'<form method="post" action="/accounts/logout/"[^>]*>(.*?)</form>', content, re.S
    )
    assert form
    assert 'name="csrfmiddlewaretoken"' in form.group(1)
    assert "Log out" in form.group(1)


def test_logout_by_post_signs_the_member_out(member_client):
    response = member_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_member(member_client) is None
    assert member_client.get("/me/").status_code == 302


def test_logout_by_get_does_not_sign_the_member_out(member_client, member):
    response = member_client.get("/accounts/logout/")
    assert response.status_code == 405
    assert logged_in_member(member_client) == member


# --- passwords -------------------------------------------------------------------------------


def test_password_change_needs_login(client):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_member_changes_their_password_and_stays_signed_in(member_client, member):
    response = member_client.post(
        "/accounts/password/change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    assert "Your password has been changed" in text(member_client.get(response["Location"]))
    assert logged_in_member(member_client) == member
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    member_client.post("/accounts/logout/")
    assert log_in(member_client, "Robin Test", TEST_PASSWORD).status_code == 400
    assert log_in(member_client, "Robin Test", NEW_PASSWORD).status_code == 302


def test_password_change_with_the_wrong_old_password_changes_nothing(member_client, member):
    response = member_client.post(
        "/accounts/password/change/",
        {
            "old_password": WRONG_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert field_errors(response, "old_password")
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)


def test_password_change_refuses_a_password_like_the_pseudonym(member_client, member):
    response = member_client.post(
        "/accounts/password/change/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "RobinTest1",
            "new_password2": "RobinTest1",
        },
    )
    assert "too similar" in field_errors(response, "new_password1")
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)


def reset_link_from(message) -> str:
    match = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_emails_a_working_link_to_the_members_address(client, member):
    response = client.post("/accounts/password/reset/", {"email": "robin.test@EXAMPLE.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "Hello Robin Test" in message.body
    link = reset_link_from(message)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in text(form_page)
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password/reset/complete/"
    assert "Your new password is saved" in text(client.get(done["Location"]))
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert log_in(client, "Robin Test", NEW_PASSWORD).status_code == 302


def test_password_reset_link_works_only_once(client, member):
    client.post("/accounts/password/reset/", {"email": member.email})
    link = reset_link_from(mail.outbox[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert "This link has already been used or has expired" in text(again)


def test_password_reset_for_an_unknown_address_shows_the_same_page_and_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []
    assert "Check your email" in text(client.get(response["Location"]))


def test_password_reset_email_is_from_and_about_steady_ground(client, member):
    client.post("/accounts/password/reset/", {"email": member.email})
    message = mail.outbox[0]
    assert message.subject == "Choose a new password for Steady Ground"
    assert "The Steady Ground team" in message.body
    assert "Steady Ground" in message.from_email


def test_resetting_the_password_lets_a_paused_member_sign_in_again(client, member):
    """The pause message says "try again in N minutes, or reset your password"."""
    for _ in range(5):
        log_in(client, "Robin Test", WRONG_PASSWORD)
    client.post("/accounts/password/reset/", {"email": member.email})
    link = reset_link_from(mail.outbox[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = log_in(client, "Robin Test", NEW_PASSWORD)
    assert "paused" not in form_errors(response)
    assert response.status_code == 302


# --- the member's own page -------------------------------------------------------------------


def test_my_page_needs_login(client):
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/"


def test_my_page_shows_pseudonym_email_and_country_choice(member_client, member):
    response = member_client.get("/me/")
    assert response.status_code == 200
    content = text(response)
    assert "Robin Test" in content
    assert "Robin.Test@example.org" in content
    assert '<option value="GB" selected>United Kingdom</option>' in content
    assert 'href="/accounts/password/change/"' in content


def test_member_changes_their_country_on_their_page(member_client, member):
    response = member_client.post("/me/", {"country": "AU"})
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    member.refresh_from_db()
    assert member.country == "AU"
    assert "Your settings are saved." in text(member_client.get("/me/"))


def test_member_can_choose_not_to_say_their_country(member_client, member):
    member_client.post("/me/", {"country": ""})
    member.refresh_from_db()
    assert member.country == ""


@pytest.mark.parametrize("country", ["ZZ", "gb", "<script>alert(1)</script>"])
def test_my_page_refuses_an_unknown_country_with_a_clear_message(member_client, member, country):
    response = member_client.post("/me/", {"country": country})
    assert response.status_code == 400
    assert "valid choice" in field_errors(response, "country")
    assert "<script>alert" not in response.content.decode()
    member.refresh_from_db()
    assert member.country == "GB"


# --- /help/ ----------------------------------------------------------------------------------


def test_help_for_gb_shows_999_samaritans_and_shout(client):
    response = client.get("/help/?country=GB")
    assert response.status_code == 200
    content = text(response)
    assert "Help in United Kingdom" in content
    assert "999 or 112" in content
    assert 'href="tel:999"' in content
    assert "Samaritans" in content
    assert "116 123" in content
    assert 'href="tel:116123"' in content
    assert "Shout" in content
    assert "Text SHOUT to 85258" in content
    assert 'href="sms:85258?&body=SHOUT"' in content


def test_help_for_us_shows_911_and_988(client):
    content = text(client.get("/help/?country=US"))
    assert 'href="tel:911"' in content
    assert "988 Suicide & Crisis Lifeline" in content
    assert 'href="tel:988"' in content


def test_help_for_au_shows_000_and_lifeline(client):
    content = text(client.get("/help/?country=AU"))
    assert 'href="tel:000"' in content
    assert "Lifeline" in content
    assert "13 11 14" in content
    assert 'href="tel:131114"' in content


@pytest.mark.parametrize("country", ["GB", "US", "AU", "NZ", "IE", "IN", "DE", "FR", "CA"])
def test_help_shows_the_emergency_number_before_any_helpline(client, country):
    section = local_section(client.get(f"/help/?country={country}"))
    assert 'id="emergency-number"' in section
    assert 'href="tel:' in section
    first_helpline = section.find('class="resource"')
    assert first_helpline == -1 or section.index('id="emergency-number"') < first_helpline


@pytest.mark.parametrize("country", ["BR", "ZZ", "<script>", "", "brazil"])
def test_help_for_an_unknown_or_unlisted_country_shows_directory_and_local_emergency_advice(
    client, country
):
    response = client.get("/help/", {"country": country})
    assert response.status_code == 200
    content = text(response)
    assert "please call your local emergency number now" in content
    assert "findahelpline.com" in content
    assert 'href="https://findahelpline.com"' in content
    assert "<script>" not in response.content.decode().split("</head>")[1]
    assert "Samaritans" not in content


def test_help_for_brazil_says_no_helplines_are_listed_there_yet(client):
    content = text(client.get("/help/?country=BR"))
    assert "We don't have helplines listed for Brazil yet." in content


def test_help_uses_the_members_own_country(client):
    client.force_login(MemberFactory(country="AU"))
    content = text(client.get("/help/"))
    assert "Help in Australia" in content
    assert 'href="tel:000"' in content


def test_help_uses_the_browser_language_region_for_a_visitor(client):
    content = text(client.get("/help/", HTTP_ACCEPT_LANGUAGE="en-AU,en;q=0.8"))
    assert "Help in Australia" in content


def test_help_prefers_members_country_over_browser_language(client):
    client.force_login(MemberFactory(country="GB"))
    content = text(client.get("/help/", HTTP_ACCEPT_LANGUAGE="en-AU"))
    assert "Help in United Kingdom" in content


def test_help_country_in_the_address_overrides_member_and_browser(client):
    client.force_login(MemberFactory(country="GB"))
    content = text(client.get("/help/?country=us", HTTP_ACCEPT_LANGUAGE="en-AU"))
    assert "Help in United States" in content
    assert 'href="tel:911"' in content


def test_help_for_a_visitor_with_nothing_known_asks_them_to_choose(client):
    content = text(client.get("/help/"))
    assert "Choose your country below" in content
    assert "please call your local emergency number now" in content


def test_help_country_picker_preselects_the_country_shown(client):
    content = text(client.get("/help/?country=NZ"))
    assert '<option value="NZ" selected>New Zealand</option>' in content
    assert 'href="?country=NZ" aria-current="true"' in content


def test_help_shows_at_most_three_helplines(client):
    for n in range(4):
        CrisisResourceFactory(country_code="GB", service_name=f"Extra line {n}", order=50 + n)
    section = local_section(client.get("/help/?country=GB"))
    assert section.count('<li class="resource">') == 3
    assert "Extra line 1" not in section


def test_help_hides_inactive_helplines(client):
    CrisisResource.objects.filter(country_code="GB", service_name="Shout").update(is_active=False)
    assert "Shout" not in text(client.get("/help/?country=GB"))


def test_help_still_gives_emergency_advice_when_a_country_has_no_emergency_row(client):
    """A person in danger must always be told to call emergency services, even when an editor
    has hidden (or not yet added) a country's emergency row."""
    CrisisResource.objects.filter(country_code="GB", kind="emergency").update(is_active=False)
    section = local_section(client.get("/help/?country=GB"))
    assert "Samaritans" in section
    assert "emergency number" in section


# --- "Get help now" on every page ------------------------------------------------------------

VISITOR_PAGES = [
    "/",
    "/guidelines/",
    "/help/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
    "/accounts/password/reset/complete/",
    "/accounts/password/reset/MQ/not-a-token/",
]


def assert_help_link_in_header(response) -> None:
    content = response.content.decode()
    header = content[content.index("<header") : content.index("</header>")]
    assert '<a class="help-now" href="/help/">Get help now</a>' in header


@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_get_help_now_is_in_the_header_for_visitors(client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert_help_link_in_header(response)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/me/",
        "/help/",
        "/guidelines/",
        "/accounts/password/change/",
        "/accounts/password/change/done/",
    ],
)
def test_get_help_now_is_in_the_header_for_members(member_client, path):
    response = member_client.get(path)
    assert response.status_code == 200
    assert_help_link_in_header(response)


def test_get_help_now_is_on_the_signup_page_after_an_error(client):
    assert_help_link_in_header(client.post("/accounts/signup/", signup_form(pseudonym="x")))


def test_get_help_now_is_on_the_page_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'href="/help/"' in response.content.decode()
    assert "Get help now" in response.content.decode()
