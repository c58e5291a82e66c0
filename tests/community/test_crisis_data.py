"""The crisis resources seeded by migration 0002 match the team's researched list."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from community.models import CrisisResource

pytestmark = pytest.mark.django_db

SEEDED_COUNTRIES = ["US", "CA", "GB", "IE", "AU", "NZ", "IN", "DE", "FR"]
# The team's list lives in shared/ beside the checkout; a copy is kept in tests/data so the
# check runs wherever the tests do. When both exist they must agree.
SHARED_HELPLINES_FILE = Path(settings.BASE_DIR).parent / "shared" / "data" / "helplines.md"
HELPLINES_FILE = Path(__file__).resolve().parent.parent / "data" / "helplines.md"
seed_migration = importlib.import_module("community.migrations.0002_seed_crisis_resources")


def test_the_copy_in_tests_matches_the_shared_list_when_it_is_here():
    if SHARED_HELPLINES_FILE.exists():
        assert HELPLINES_FILE.read_text(encoding="utf-8") == SHARED_HELPLINES_FILE.read_text(
            encoding="utf-8"
        ), "tests/data/helplines.md is out of date: copy shared/data/helplines.md again"
    assert HELPLINES_FILE.exists()


def researched_rows() -> list[dict[str, str]]:
    """The rows of the table in shared/data/helplines.md, by column name."""
    lines = [
        line.strip()
        for line in HELPLINES_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("|")
    ]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append(dict(zip(header, cells, strict=True)))
    assert rows, "the helplines table is empty"
    return rows


@pytest.mark.parametrize("country", SEEDED_COUNTRIES)
def test_every_seeded_country_has_exactly_one_emergency_row_listed_first(country):
    rows = list(CrisisResource.objects.filter(country_code=country))
    emergency = [row for row in rows if row.kind == CrisisResource.Kind.EMERGENCY]
    assert len(emergency) == 1
    assert rows[0].kind == CrisisResource.Kind.EMERGENCY
    assert emergency[0].phone.isdigit()
    assert emergency[0].tel_href == f"tel:{emergency[0].phone}"


@pytest.mark.parametrize("country", SEEDED_COUNTRIES)
def test_every_seeded_country_has_at_least_one_helpline_besides_emergency(country):
    assert (
        CrisisResource.objects.filter(country_code=country)
        .exclude(kind=CrisisResource.Kind.EMERGENCY)
        .exists()
    )


def test_only_the_seeded_countries_and_the_directory_are_present():
    codes = set(CrisisResource.objects.values_list("country_code", flat=True))
    assert codes == {*SEEDED_COUNTRIES, CrisisResource.INTERNATIONAL}


@pytest.mark.parametrize(
    ("country", "number"),
    [
        ("US", "911"),
        ("CA", "911"),
        ("GB", "999"),
        ("IE", "112"),
        ("AU", "000"),
        ("NZ", "111"),
        ("IN", "112"),
        ("DE", "112"),
        ("FR", "112"),
    ],
)
def test_emergency_numbers_are_right(country, number):
    row = CrisisResource.objects.get(country_code=country, kind=CrisisResource.Kind.EMERGENCY)
    assert row.phone == number


@pytest.mark.parametrize("country", ["IE", "IN", "FR"])
def test_emergency_rows_from_secondary_sources_keep_status_check(country):
    row = CrisisResource.objects.get(country_code=country, kind=CrisisResource.Kind.EMERGENCY)
    assert row.status == CrisisResource.Status.CHECK


def test_no_row_claims_an_editor_has_verified_it_yet():
    assert not CrisisResource.objects.exclude(verified_on=None).exists()


def test_the_international_directory_row_exists():
    row = CrisisResource.objects.get(country_code=CrisisResource.INTERNATIONAL)
    assert row.url == "https://findahelpline.com"
    assert row.kind == CrisisResource.Kind.WEB
    assert row.is_active


def test_all_seeded_rows_are_shown():
    assert not CrisisResource.objects.filter(is_active=False).exists()


def test_helpline_links_use_https():
    for url in CrisisResource.objects.exclude(url="").values_list("url", flat=True):
        assert url.startswith("https://"), url


def test_phone_numbers_are_digits_only_for_tap_to_call():
    for row in CrisisResource.objects.all():
        assert row.phone == "" or row.phone.isdigit(), row
        assert row.sms_number == "" or row.sms_number.isdigit(), row


def test_seeding_again_creates_no_duplicates():
    before = CrisisResource.objects.count()
    seed_migration.seed(apps, None)
    assert CrisisResource.objects.count() == before == len(seed_migration.RESOURCES)


def test_every_service_in_the_researched_list_is_in_the_database():
    for row in researched_rows():
        assert CrisisResource.objects.filter(
            country_code=row["country"], service_name=row["service"]
        ).exists(), f"{row['country']} · {row['service']} is missing"


def test_the_database_has_no_service_missing_from_the_researched_list():
    listed = {(row["country"], row["service"]) for row in researched_rows()}
    stored = set(CrisisResource.objects.values_list("country_code", "service_name"))
    assert stored == listed


def test_statuses_match_the_researched_list():
    for row in researched_rows():
        stored = CrisisResource.objects.get(
            country_code=row["country"], service_name=row["service"]
        )
        assert stored.status == row["status"], f"{row['country']} · {row['service']}"


def test_emergency_rows_match_the_researched_list():
    for row in researched_rows():
        stored = CrisisResource.objects.get(
            country_code=row["country"], service_name=row["service"]
        )
        assert (stored.kind == CrisisResource.Kind.EMERGENCY) == (row["kind"] == "emergency")
