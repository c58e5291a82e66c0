"""The REST door: /api/v1/help/, /api/v1/me/ and the OpenAPI schema."""

import json

import pytest
import yaml
from django.test import Client

from community.models import CrisisResource
from tests.factories import CrisisResourceFactory, MemberFactory

pytestmark = pytest.mark.django_db

RESOURCE_FIELDS = {
    "country_code",
    "service_name",
    "kind",
    "contact",
    "phone",
    "sms_number",
    "sms_body",
    "url",
    "hours",
    "notes",
    "status",
    "verified_on",
}


def patch_me(client, body, content_type="application/json"):
    if not isinstance(body, str):
        body = json.dumps(body)
    return client.patch("/api/v1/me/", data=body, content_type=content_type)


# --- /api/v1/help/ ---------------------------------------------------------------------------


def test_help_api_answers_visitors_with_crisis_help_for_gb(client):
    response = client.get("/api/v1/help/?country=GB")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"country_code", "country_name", "emergency", "resources", "international"}
    assert data["country_code"] == "GB"
    assert data["country_name"] == "United Kingdom"
    [emergency] = data["emergency"]
    assert set(emergency) == RESOURCE_FIELDS
    assert emergency["kind"] == "emergency"
    assert emergency["contact"] == "999 or 112"
    assert emergency["phone"] == "999"
    assert [r["service_name"] for r in data["resources"]] == ["Samaritans", "Shout"]
    samaritans = data["resources"][0]
    assert samaritans["phone"] == "116123"
    assert samaritans["status"] == "verified"
    assert samaritans["url"] == "https://www.samaritans.org"
    assert [r["url"] for r in data["international"]] == ["https://findahelpline.com"]


def test_help_api_for_an_unknown_country_gives_only_the_directory(client):
    data = client.get("/api/v1/help/?country=ZZ").json()
    assert data["country_code"] == ""
    assert data["country_name"] == ""
    assert data["emergency"] == []
    assert data["resources"] == []
    assert len(data["international"]) == 1


def test_help_api_for_a_country_without_helplines_names_it(client):
    data = client.get("/api/v1/help/?country=BR").json()
    assert data["country_code"] == "BR"
    assert data["country_name"] == "Brazil"
    assert data["emergency"] == []


def test_help_api_uses_the_members_country(client):
    client.force_login(MemberFactory(country="AU"))
    data = client.get("/api/v1/help/").json()
    assert data["country_code"] == "AU"
    assert data["emergency"][0]["contact"] == "000"


def test_help_api_uses_the_browser_region_for_a_visitor(client):
    data = client.get("/api/v1/help/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.5").json()
    assert data["country_code"] == "US"
    assert data["emergency"][0]["contact"] == "911"


def test_help_api_country_parameter_overrides_member_and_browser(client):
    client.force_login(MemberFactory(country="GB"))
    data = client.get("/api/v1/help/?country=nz", HTTP_ACCEPT_LANGUAGE="en-AU").json()
    assert data["country_code"] == "NZ"


def test_help_api_gives_at_most_three_helplines_and_hides_inactive_ones(client):
    for n in range(4):
        CrisisResourceFactory(country_code="GB", service_name=f"Extra line {n}", order=50 + n)
    CrisisResource.objects.filter(service_name="Shout").update(is_active=False)
    data = client.get("/api/v1/help/?country=GB").json()
    assert [r["service_name"] for r in data["resources"]] == [
        "Samaritans",
        "Extra line 0",
        "Extra line 1",
    ]


def test_help_api_never_mentions_members(client, member):
    client.force_login(member)
    body = client.get("/api/v1/help/").content.decode().lower()
    assert member.email.lower() not in body
    assert "pseudonym" not in body


# --- /api/v1/me/ -----------------------------------------------------------------------------


def test_me_api_refuses_visitors(client):
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert "credentials were not provided" in response.json()["detail"]


def test_me_api_refuses_visitors_changes(client):
    response = patch_me(client, {"country": "AU"})
    assert response.status_code == 403


def test_me_api_shows_the_member_their_own_account(member_client, member):
    response = member_client.get("/api/v1/me/")
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"pseudonym", "email", "country", "date_joined", "is_moderator"}
    assert data["pseudonym"] == "Robin Test"
    assert data["email"] == "Robin.Test@example.org"
    assert data["country"] == "GB"
    assert data["is_moderator"] is False
    assert "password" not in response.content.decode()


def test_me_api_never_shows_another_members_email(client, member, other_member):
    client.force_login(other_member)
    body = client.get("/api/v1/me/").content.decode().lower()
    assert member.email.lower() not in body
    assert other_member.email.lower() in body


def test_member_changes_their_country_through_the_api(member_client, member):
    response = patch_me(member_client, {"country": "AU"})
    assert response.status_code == 200
    assert response.json()["country"] == "AU"
    member.refresh_from_db()
    assert member.country == "AU"


def test_member_clears_their_country_through_the_api(member_client, member):
    response = patch_me(member_client, {"country": ""})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.country == ""


@pytest.mark.parametrize("country", ["ZZ", "gb", "Australia", "<script>"])
def test_me_api_refuses_an_unknown_country_with_a_field_error(member_client, member, country):
    response = patch_me(member_client, {"country": country})
    assert response.status_code == 400
    errors = response.json()["fields"]
    assert list(errors) == ["country"]
    assert errors["country"]
    member.refresh_from_db()
    assert member.country == "GB"


def test_me_api_ignores_attempts_to_change_pseudonym_email_or_role(member_client, member):
    response = patch_me(
        member_client,
        {
            "pseudonym": "Someone Else",
            "email": "else@example.org",
            "is_moderator": True,
            "date_joined": "2000-01-01T00:00:00Z",
        },
    )
    assert response.status_code == 200
    assert response.json()["pseudonym"] == "Robin Test"
    before = (member.pseudonym, member.email, member.is_moderator, member.date_joined)
    member.refresh_from_db()
    assert (member.pseudonym, member.email, member.is_moderator, member.date_joined) == before
    assert member.country == "GB"


def test_me_api_changes_country_but_not_pseudonym_sent_together(member_client, member):
    response = patch_me(member_client, {"country": "NZ", "pseudonym": "Someone Else"})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.country == "NZ"
    assert member.pseudonym == "Robin Test"


@pytest.mark.parametrize(
    "body",
    [
        {"country": 5},
        {"country": ["AU"]},
        {"country": {"code": "AU"}},
        {"country": None},
        {"country": True},
        ["AU"],
        "AU",
        42,
    ],
)
def test_me_api_refuses_wrong_json_types_with_400(member_client, member, body):
    response = patch_me(member_client, body)
    assert response.status_code == 400
    assert response.json()
    member.refresh_from_db()
    assert member.country == "GB"


def test_me_api_refuses_malformed_json_with_400(member_client):
    response = patch_me(member_client, '{"country": "AU"')
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_me_api_refuses_an_oversized_value_with_400(member_client, member):
    response = patch_me(member_client, {"country": "A" * 10_000})
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.country == "GB"


def test_me_api_does_not_allow_replacing_or_deleting_the_account(member_client, member):
    assert (
        member_client.put(
            "/api/v1/me/", data={"country": "AU"}, content_type="application/json"
        ).status_code
        == 405
    )
    assert member_client.delete("/api/v1/me/").status_code == 405
    member.refresh_from_db()
    assert member.is_active


def test_me_api_changes_need_the_csrf_token_with_session_auth(member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    response = patch_me(browser, {"country": "AU"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    member.refresh_from_db()
    assert member.country == "GB"


def test_me_api_accepts_changes_with_the_csrf_token(member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    browser.get("/me/")
    token = browser.cookies["csrftoken"].value
    response = browser.patch(
        "/api/v1/me/",
        data=json.dumps({"country": "AU"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


# --- schema ----------------------------------------------------------------------------------


def test_api_schema_is_an_openapi_document_listing_both_endpoints(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert "openapi" in response["Content-Type"]
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/help/" in schema["paths"]
    assert {"get", "patch"} <= set(schema["paths"]["/api/v1/me/"])
    help_params = schema["paths"]["/api/v1/help/"]["get"]["parameters"]
    assert any(param["name"] == "country" for param in help_params)


def test_api_schema_is_available_as_json(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_api_schema_marks_pseudonym_and_email_read_only(client):
    schema = client.get("/api/schema/?format=json").json()
    me = schema["components"]["schemas"]["Me"]["properties"]
    assert me["pseudonym"].get("readOnly") is True
    assert me["email"].get("readOnly") is True


def test_api_schema_is_titled_with_the_product_name(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "Steady Ground" in schema["info"]["title"]


def test_api_docs_page_loads(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
