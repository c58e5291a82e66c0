"""Member services: sign-up, sign-in with its throttle, profile changes (community.services).

Every door calls these, so the rules are tested here once, and again through each door in
test_views.py, test_api.py and test_admin.py."""

import dataclasses

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from community import services
from community.models import Member
from community.services import LoginRefused, SignupData, SignupRefused
from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "lanterns-over-quiet-water"
WRONG_PASSWORD = "not-the-right-password-1"


def fullwidth(text: str) -> str:
    """The same text in fullwidth forms (U+FF01..U+FF5E), as some East Asian keyboards type it."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def signup_data(**changes) -> SignupData:
    data = SignupData(
        pseudonym="Quiet Harbour",
        email="harbour@example.org",
        password=GOOD_PASSWORD,
        country="GB",
        accepted_guidelines=True,
        confirmed_adult=True,
    )
    return dataclasses.replace(data, **changes)


def signup_errors(**changes) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        services.member_signup(data=signup_data(**changes), client_address="198.51.100.7")
    return caught.value.message_dict


def fail_login(identifier: str, times: int = 1) -> list[LoginRefused]:
    refusals = []
    for _ in range(times):
        with pytest.raises(LoginRefused) as caught:
            services.member_authenticate(
                request=None, identifier=identifier, password=WRONG_PASSWORD
            )
        refusals.append(caught.value)
    return refusals


def is_paused(refused: LoginRefused) -> bool:
    return "paused sign-in" in str(refused)


# --- sign-up ---------------------------------------------------------------------------------


def test_signup_creates_member_with_agreements_recorded():
    before = timezone.now()
    member = services.member_signup(data=signup_data(), client_address="198.51.100.7")
    member.refresh_from_db()
    assert member.pseudonym == "Quiet Harbour"
    assert member.email == "harbour@example.org"
    assert member.country == "GB"
    assert member.check_password(GOOD_PASSWORD)
    assert member.guidelines_accepted_at is not None
    assert member.guidelines_accepted_at >= before
    assert member.guidelines_version == settings.GUIDELINES_VERSION
    assert member.adult_confirmed_at is not None
    assert member.adult_confirmed_at >= before
    assert not member.is_staff
    assert not member.is_superuser
    assert not member.is_moderator
    assert member.is_active


def test_signup_without_a_country_is_allowed():
    member = services.member_signup(data=signup_data(country=""), client_address="198.51.100.7")
    assert member.country == ""


def test_signup_stores_the_pseudonym_normalised():
    member = services.member_signup(
        data=signup_data(pseudonym="  " + fullwidth("Quiet") + "   Harbour "),
        client_address="198.51.100.7",
    )
    assert member.pseudonym == "Quiet Harbour"


def test_signup_refuses_without_accepting_the_guidelines():
    errors = signup_errors(accepted_guidelines=False)
    assert errors == {
        "accepted_guidelines": ["Please read and accept the community guidelines to join."]
    }
    assert not Member.objects.exists()


def test_signup_refuses_without_confirming_age():
    errors = signup_errors(confirmed_adult=False)
    assert errors == {
        "confirmed_adult": ["This community is for adults. Please confirm that you are 18 or over."]
    }
    assert not Member.objects.exists()


def test_signup_reports_every_problem_at_once_by_field():
    errors = signup_errors(
        pseudonym="x",
        email="not-an-email",
        password="short",
        country="ZZ",
        accepted_guidelines=False,
        confirmed_adult=False,
    )
    assert set(errors) == {
        "pseudonym",
        "email",
        "password",
        "country",
        "accepted_guidelines",
        "confirmed_adult",
    }


@pytest.mark.parametrize("email", ["", "robin", "robin@", "@example.org", "robin@@example.org"])
def test_signup_refuses_an_email_address_that_is_not_one(email):
    errors = signup_errors(email=email)
    assert errors == {"email": ["Please enter an email address like name@example.org."]}


def test_signup_refuses_an_email_already_used_ignoring_case():
    MemberFactory(pseudonym="First Person", email="Harbour@Example.org")
    errors = signup_errors(email="HARBOUR@example.ORG")
    assert list(errors) == ["email"]
    assert "already has an account" in errors["email"][0]
    assert "reset your password" in errors["email"][0]


def test_signup_trims_spaces_around_the_email():
    member = services.member_signup(
        data=signup_data(email="  harbour@example.org  "), client_address="198.51.100.7"
    )
    assert member.email == "harbour@example.org"


def test_signup_refuses_pseudonym_that_differs_only_in_case():
    MemberFactory(pseudonym="robin")
    errors = signup_errors(pseudonym="ROBIN")
    assert errors == {"pseudonym": ["Someone already uses that pseudonym. Please choose another."]}


def test_signup_refuses_pseudonym_that_differs_only_in_width():
    MemberFactory(pseudonym="Robin")
    errors = signup_errors(pseudonym=fullwidth("ROBIN"))
    assert "pseudonym" in errors


def test_signup_refuses_pseudonym_that_differs_only_in_spacing():
    MemberFactory(pseudonym="Quiet Harbour")
    errors = signup_errors(pseudonym="  quiet    HARBOUR ")
    assert "pseudonym" in errors


@pytest.mark.parametrize(
    ("existing", "typed"),
    [("Zoë", "ZOË"), ("Élodie", "élodie"), ("Маша", "МАША"), ("Ελένη", "ΕΛΈΝΗ")],
)
def test_signup_refuses_non_latin_pseudonym_that_differs_only_in_case(existing, typed):
    """ "Ignoring case" must hold for every script, not only A-Z (SQLite's LIKE and LOWER
    fold ASCII letters only)."""
    MemberFactory(pseudonym=existing)
    errors = signup_errors(pseudonym=typed)
    assert "pseudonym" in errors
    assert Member.objects.count() == 1


@pytest.mark.parametrize(
    ("pseudonym", "code_word"),
    [
        ("ab", "between 3 and 30"),
        ("a" * 31, "between 3 and 30"),
        ("x" * 10_000, "between 3 and 30"),
        ("robin!", "letters, numbers"),
        ("12345", "at least one letter"),
        ("Moderator", "kept for the community team"),
        ("s.t.a.f.f", "kept for the community team"),
    ],
)
def test_signup_applies_the_pseudonym_rules(pseudonym, code_word):
    errors = signup_errors(pseudonym=pseudonym)
    assert list(errors) == ["pseudonym"]
    assert code_word in errors["pseudonym"][0]


def test_signup_refuses_a_password_shorter_than_ten_characters():
    errors = signup_errors(password="Abc-12345")
    assert list(errors) == ["password"]
    assert any("at least 10 characters" in message for message in errors["password"])


def test_signup_refuses_a_common_password():
    errors = signup_errors(password="password123")
    assert any("too common" in message for message in errors["password"])


def test_signup_refuses_an_entirely_numeric_password():
    errors = signup_errors(password="4829174620193")
    assert any("entirely numeric" in message for message in errors["password"])


@pytest.mark.parametrize("password", ["quietharbour", "Quiet Harbour!", "quiet-harbour-1"])
def test_signup_refuses_a_password_too_similar_to_the_pseudonym(password):
    errors = signup_errors(email="someone@example.org", password=password)
    assert any("too similar" in message for message in errors.get("password", []))


def test_signup_refuses_a_password_too_similar_to_the_email():
    errors = signup_errors(email="harbourlights@example.org", password="harbourlights")
    assert any("too similar" in message for message in errors["password"])


@pytest.mark.parametrize("country", ["ZZ", "gb", "UK", "GBR", "<script>"])
def test_signup_refuses_an_unknown_country(country):
    errors = signup_errors(country=country)
    assert errors == {"country": ["Please choose a country from the list."]}


@override_settings(SIGNUP_LIMIT_PER_ADDRESS=2)
def test_signup_flood_from_one_address_is_refused_with_when_to_retry():
    for n in range(2):
        services.member_signup(
            data=signup_data(pseudonym=f"Flood {n}", email=f"flood{n}@example.org"),
            client_address="203.0.113.9",
        )
    with pytest.raises(SignupRefused) as caught:
        services.member_signup(
            data=signup_data(pseudonym="Flood 3", email="flood3@example.org"),
            client_address="203.0.113.9",
        )
    assert 0 < caught.value.retry_after <= settings.SIGNUP_WINDOW_SECONDS
    message = str(caught.value)
    assert "Please try again in about" in message
    assert "minutes" in message
    assert Member.objects.count() == 2


@override_settings(SIGNUP_LIMIT_PER_ADDRESS=1)
def test_signup_flood_limit_is_per_address():
    services.member_signup(data=signup_data(), client_address="203.0.113.9")
    member = services.member_signup(
        data=signup_data(pseudonym="Other Place", email="other@example.org"),
        client_address="203.0.113.10",
    )
    assert member.pk


@override_settings(SIGNUP_LIMIT_PER_ADDRESS=1)
def test_refused_signups_do_not_use_up_the_address_allowance():
    for _ in range(3):
        signup_errors(accepted_guidelines=False)
    member = services.member_signup(data=signup_data(), client_address="198.51.100.7")
    assert member.pk


@override_settings(SIGNUP_LIMIT_PER_ADDRESS=1)
def test_signup_allowance_returns_after_the_window(clock):
    services.member_signup(data=signup_data(), client_address="203.0.113.9")
    clock.advance(settings.SIGNUP_WINDOW_SECONDS + 1)
    member = services.member_signup(
        data=signup_data(pseudonym="Later Person", email="later@example.org"),
        client_address="203.0.113.9",
    )
    assert member.pk


# --- sign-in ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "identifier",
    ["Robin Test", "robin test", "ROBIN TEST", "  robin   test ", fullwidth("ROBIN TEST")],
)
def test_member_signs_in_with_pseudonym_in_any_case(member, identifier):
    assert (
        services.member_authenticate(request=None, identifier=identifier, password=TEST_PASSWORD)
        == member
    )


@pytest.mark.parametrize(
    "identifier", ["Robin.Test@example.org", "robin.test@example.org", "ROBIN.TEST@EXAMPLE.ORG"]
)
def test_member_signs_in_with_email_in_any_case(member, identifier):
    assert (
        services.member_authenticate(request=None, identifier=identifier, password=TEST_PASSWORD)
        == member
    )


@pytest.mark.parametrize(("pseudonym", "typed"), [("Zoë", "ZOË"), ("Élodie", "élodie")])
def test_member_with_non_latin_pseudonym_signs_in_in_any_case(pseudonym, typed):
    member = MemberFactory(pseudonym=pseudonym, email="accent@example.org")
    assert (
        services.member_authenticate(request=None, identifier=typed, password=TEST_PASSWORD)
        == member
    )


def test_wrong_password_gets_the_kind_generic_message(member):
    [refused] = fail_login("Robin Test")
    assert str(refused) == (
        "That pseudonym or email and password don't match an account. Please check them and "
        "try again; passwords are case-sensitive."
    )
    assert refused.retry_after == 0


def test_unknown_account_gets_the_same_message_as_a_wrong_password(member):
    [wrong_password] = fail_login("Robin Test")
    [unknown_name] = fail_login("Nobody Here")
    [unknown_email] = fail_login("nobody@example.org")
    assert str(wrong_password) == str(unknown_name) == str(unknown_email)


def test_password_is_case_sensitive(member):
    with pytest.raises(LoginRefused):
        services.member_authenticate(
            request=None, identifier="Robin Test", password=TEST_PASSWORD.upper()
        )


def test_inactive_member_cannot_sign_in(member):
    member.is_active = False
    member.save()
    with pytest.raises(LoginRefused) as caught:
        services.member_authenticate(request=None, identifier="Robin Test", password=TEST_PASSWORD)
    assert "don't match an account" in str(caught.value)


def test_sign_in_is_paused_after_five_failures_even_with_the_right_password(member):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    assert settings.LOGIN_FAILURE_WINDOW_SECONDS == 30 * 60
    refusals = fail_login("Robin Test", times=4)
    assert not any(is_paused(refused) for refused in refusals)
    [fifth] = fail_login("Robin Test")
    assert is_paused(fifth)
    with pytest.raises(LoginRefused) as caught:
        services.member_authenticate(request=None, identifier="Robin Test", password=TEST_PASSWORD)
    assert is_paused(caught.value)
    assert "Please try again in 30 minutes, or reset your password." in str(caught.value)
    assert 29 * 60 < caught.value.retry_after <= 30 * 60


def test_pause_message_counts_down_in_minutes(member, clock):
    fail_login("Robin Test", times=5)
    clock.advance(29 * 60 + 30)
    [refused] = fail_login("Robin Test")
    assert "Please try again in 1 minute, or reset your password." in str(refused)


def test_failures_count_for_the_account_whether_pseudonym_or_email_is_typed(member):
    fail_login("Robin Test", times=2)
    fail_login("robin.test@EXAMPLE.org", times=2)
    fail_login("ROBIN TEST")
    with pytest.raises(LoginRefused) as caught:
        services.member_authenticate(
            request=None, identifier="Robin.Test@example.org", password=TEST_PASSWORD
        )
    assert is_paused(caught.value)


@pytest.mark.parametrize("pseudonym", ["Élodie", "Straße"])
def test_failures_count_for_an_accented_pseudonym_and_its_email_together(pseudonym):
    """The throttle must find the same account the sign-in check finds, or a person guessing
    gets a fresh allowance by switching between the pseudonym and the email."""
    MemberFactory(pseudonym=pseudonym, email="accented@example.org")
    fail_login(pseudonym, times=3)
    fail_login("accented@example.org", times=2)
    with pytest.raises(LoginRefused) as caught:
        services.member_authenticate(request=None, identifier=pseudonym, password=TEST_PASSWORD)
    assert is_paused(caught.value)


def test_a_success_before_the_limit_clears_the_count(member):
    fail_login("Robin Test", times=4)
    services.member_authenticate(request=None, identifier="Robin Test", password=TEST_PASSWORD)
    refusals = fail_login("Robin Test", times=4)
    assert not any(is_paused(refused) for refused in refusals)


def test_one_accounts_failures_do_not_pause_another_account(member, other_member):
    fail_login("Robin Test", times=5)
    assert (
        services.member_authenticate(request=None, identifier="Kit Other", password=TEST_PASSWORD)
        == other_member
    )


def test_sign_in_works_again_after_the_window_has_passed(member, clock):
    fail_login("Robin Test", times=5)
    clock.advance(settings.LOGIN_FAILURE_WINDOW_SECONDS - 60)
    with pytest.raises(LoginRefused):
        services.member_authenticate(request=None, identifier="Robin Test", password=TEST_PASSWORD)
    clock.advance(61)
    assert (
        services.member_authenticate(request=None, identifier="Robin Test", password=TEST_PASSWORD)
        == member
    )


def test_unknown_accounts_are_paused_too_so_the_pause_reveals_nothing(member):
    [*_, fifth_for_member] = fail_login("Robin Test", times=5)
    [*_, fifth_for_nobody] = fail_login("Nobody Here", times=5)
    assert is_paused(fifth_for_member)
    assert is_paused(fifth_for_nobody)
    assert str(fifth_for_member) == str(fifth_for_nobody)


def test_refusal_while_paused_does_not_check_the_password(member, monkeypatch):
    fail_login("Robin Test", times=5)
    checked = []
    monkeypatch.setattr(
        services, "authenticate", lambda *args, **kwargs: checked.append(kwargs) or member
    )
    with pytest.raises(LoginRefused):
        services.member_authenticate(request=None, identifier="Robin Test", password=TEST_PASSWORD)
    assert checked == []


# --- profile ---------------------------------------------------------------------------------


def test_member_changes_their_country(member):
    services.member_profile_update(actor=member, country="AU")
    member.refresh_from_db()
    assert member.country == "AU"


def test_member_can_clear_their_country(member):
    services.member_profile_update(actor=member, country="")
    member.refresh_from_db()
    assert member.country == ""


@pytest.mark.parametrize("country", ["ZZ", "au", "Australia", "<script>"])
def test_profile_refuses_an_unknown_country_and_keeps_the_old_one(member, country):
    with pytest.raises(ValidationError) as caught:
        services.member_profile_update(actor=member, country=country)
    assert caught.value.message_dict == {"country": ["Please choose a country from the list."]}
    member.refresh_from_db()
    assert member.country == "GB"
