"""Which crisis help a person sees (community.selectors)."""

import pytest

from community import selectors
from community.models import CrisisResource
from tests.factories import CrisisResourceFactory, MemberFactory

pytestmark = pytest.mark.django_db


# --- which country --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "country"),
    [
        ("en-GB,en;q=0.8", "GB"),
        ("en-AU", "AU"),
        ("en-au", "AU"),
        ("fr-FR,fr;q=0.9,en;q=0.5", "FR"),
        ("en;q=0.9, de-DE;q=0.8", "DE"),
        ("zh-Hant-TW", "TW"),
        ("sr-Latn-RS", "RS"),
        ("en_GB", "GB"),
        ("  en-NZ  ; q=1.0", "NZ"),
        ("", ""),
        ("*", ""),
        ("en", ""),
        ("en-419", ""),
        ("en-ZZ", ""),
        ("en-XX,en-IE", "IE"),
        (";;,,--,", ""),
        ("en-GB;q=abc", "GB"),
        ("-", ""),
        ("<script>-GB", "GB"),
        ("x" * 5000, ""),
    ],
)
def test_country_from_accept_language_reads_the_first_known_region(header, country):
    assert selectors.country_from_accept_language(header) == country


def test_country_from_accept_language_tolerates_none():
    assert selectors.country_from_accept_language(None) == ""


@pytest.mark.parametrize(
    ("value", "code"),
    [("GB", "GB"), ("gb", "GB"), (" au ", "AU"), ("ZZ", ""), ("", ""), (None, ""), ("GBR", "")],
)
def test_country_code_or_blank_accepts_only_known_codes(value, code):
    assert selectors.country_code_or_blank(value) == code


def test_help_country_prefers_an_explicit_choice():
    member = MemberFactory(country="GB")
    assert (
        selectors.help_country_for(member=member, requested="US", accept_language="en-AU") == "US"
    )


def test_help_country_then_uses_the_members_own_setting():
    member = MemberFactory(country="GB")
    assert selectors.help_country_for(member=member, accept_language="en-AU") == "GB"


def test_help_country_then_uses_the_browser_language_region():
    member = MemberFactory(country="")
    assert selectors.help_country_for(member=member, accept_language="en-AU") == "AU"
    assert selectors.help_country_for(member=None, accept_language="en-AU") == "AU"


def test_help_country_ignores_an_unknown_explicit_choice():
    member = MemberFactory(country="GB")
    assert selectors.help_country_for(member=member, requested="ZZ") == "GB"
    assert selectors.help_country_for(member=None, requested="<script>") == ""


def test_help_country_is_blank_when_nothing_is_known():
    assert selectors.help_country_for(member=None) == ""


# --- what help ------------------------------------------------------------------------------


def test_crisis_help_for_gb_gives_emergency_separately_then_helplines_in_order():
    help_ = selectors.crisis_help_for_country("GB")
    assert help_.country_code == "GB"
    assert help_.country_name == "United Kingdom"
    assert [r.contact for r in help_.emergency] == ["999 or 112"]
    assert [r.service_name for r in help_.resources] == ["Samaritans", "Shout"]
    assert all(r.kind != CrisisResource.Kind.EMERGENCY for r in help_.resources)
    assert help_.has_local_services


def test_crisis_help_accepts_a_lower_case_code():
    assert selectors.crisis_help_for_country("au").country_code == "AU"


def test_crisis_help_always_includes_the_international_directory():
    for code in ["GB", "US", "BR", ""]:
        international = selectors.crisis_help_for_country(code).international
        assert [r.url for r in international] == ["https://findahelpline.com"]


@pytest.mark.parametrize("code", ["BR", "JP"])
def test_crisis_help_for_a_country_without_helplines_has_only_the_directory(code):
    help_ = selectors.crisis_help_for_country(code)
    assert help_.country_code == code
    assert help_.country_name
    assert help_.emergency == []
    assert help_.resources == []
    assert not help_.has_local_services


@pytest.mark.parametrize("code", ["ZZ", "", "*", "<script>"])
def test_crisis_help_for_an_unknown_country_has_no_local_services(code):
    help_ = selectors.crisis_help_for_country(code)
    assert help_.country_code == ""
    assert help_.country_name == ""
    assert help_.emergency == []
    assert help_.resources == []
    assert not help_.has_local_services
    assert help_.international


def test_crisis_help_shows_at_most_three_helplines_chosen_by_order():
    for order in [5, 15, 25, 35]:
        CrisisResourceFactory(country_code="GB", service_name=f"Extra {order}", order=order)
    help_ = selectors.crisis_help_for_country("GB")
    assert selectors.RESOURCES_SHOWN == 3
    assert [r.service_name for r in help_.resources] == ["Extra 5", "Samaritans", "Extra 15"]
    assert len(help_.emergency) == 1


def test_inactive_resources_are_hidden():
    CrisisResource.objects.filter(country_code="GB", service_name="Shout").update(is_active=False)
    CrisisResource.objects.filter(country_code="GB", kind="emergency").update(is_active=False)
    help_ = selectors.crisis_help_for_country("GB")
    assert [r.service_name for r in help_.resources] == ["Samaritans"]
    assert help_.emergency == []


def test_inactive_international_directory_is_hidden():
    CrisisResource.objects.filter(country_code=CrisisResource.INTERNATIONAL).update(is_active=False)
    assert selectors.crisis_help_for_country("GB").international == []


def test_other_countries_resources_never_leak_in():
    help_ = selectors.crisis_help_for_country("IE")
    shown = help_.emergency + help_.resources
    assert {r.country_code for r in shown} == {"IE"}


@pytest.mark.parametrize("code", ["GB", "BR", ""])
def test_crisis_help_for_a_country_takes_one_query(django_assert_num_queries, code):
    with django_assert_num_queries(1):
        help_ = selectors.crisis_help_for_country(code)
        _ = (help_.emergency, help_.resources, help_.international)


def test_crisis_help_for_member_uses_their_country():
    member = MemberFactory(country="AU")
    assert selectors.crisis_help_for_member(member).country_code == "AU"
    assert selectors.crisis_help_for_member(member, requested="NZ").country_code == "NZ"


def test_crisis_help_for_visitor_uses_the_browser_region():
    help_ = selectors.crisis_help_for_member(None, accept_language="en-US,en;q=0.9")
    assert help_.country_code == "US"
    assert [r.contact for r in help_.emergency] == ["911"]


def test_countries_with_help_lists_seeded_countries_by_name_without_the_directory():
    directory = selectors.countries_with_help()
    codes = [code for code, _name in directory]
    assert set(codes) == {"US", "CA", "GB", "IE", "AU", "NZ", "IN", "DE", "FR"}
    names = [name for _code, name in directory]
    assert names == sorted(names)
    assert ("GB", "United Kingdom") in directory


def test_countries_with_help_ignores_countries_whose_rows_are_all_hidden():
    CrisisResource.objects.filter(country_code="NZ").update(is_active=False)
    assert "NZ" not in dict(selectors.countries_with_help())
