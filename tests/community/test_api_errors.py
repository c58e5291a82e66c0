"""One error shape for the whole API, `{code, detail, fields?}`, whatever raised the error, and
every error an operation can answer documented in the schema."""

import json

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from community import tokens
from community.ids import not_found
from community.models import Category, ProfileText
from groups.models import PeerGroup
from tests.community.forum_helpers import join, make_category, make_thread
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(JSON)
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"].strip()
    return body


@pytest.fixture
def thread(member):
    return make_thread(make_category(Category.Visibility.PUBLIC), member)


def test_bad_input_names_each_field_and_leads_with_the_first_message(member_client):
    response = member_client.patch("/api/v1/me/", {"country": "ZZ"}, content_type=JSON)
    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["country"]
    assert body["detail"] == body["fields"]["country"][0]


def test_nested_serializer_errors_become_flat_strings(member_client):
    # A list where text is expected, and a missing field, in one request.
    response = member_client.post("/api/v1/me/tokens/", {"name": ["a", "b"]}, content_type=JSON)
    body = assert_error(response, 400, "invalid")
    assert all(isinstance(m, str) for ms in body["fields"].values() for m in ms)


def test_a_services_own_validation_error_keeps_the_field_name(member_client, member):
    for number in range(tokens.MAX_ACTIVE_TOKENS):
        tokens.api_token_create(owner=member, name=f"client {number}")
    response = member_client.post("/api/v1/me/tokens/", {"name": "one more"}, content_type=JSON)
    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["name"]


def test_garbled_json_is_a_400_parse_error_not_a_500(member_client, thread):
    response = member_client.post(
        f"/api/v1/forums/threads/{thread.pk}/posts/", "{not json", content_type=JSON
    )
    assert_error(response, 400, "parse_error")


def test_visitors_are_asked_to_log_in_with_not_authenticated(client):
    # A request that sent no credentials keeps DRF's 403 (no challenge to answer); the code
    # tells a client to log in or send a token.
    response = client.get("/api/v1/me/")
    assert_error(response, 403, "not_authenticated")
    assert "WWW-Authenticate" not in response


def test_a_rejected_token_is_401_with_a_bearer_challenge(client):
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer sg_not-a-real-token")
    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_token_is_401_even_where_visitors_may_read(client):
    response = client.get("/api/v1/help/", HTTP_AUTHORIZATION="Bearer not-a-real-token")
    assert_error(response, 401, "authentication_failed")


def test_a_session_write_without_csrf_is_403_and_says_why(member):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.patch("/api/v1/me/", {"country": "FR"}, format="json")
    body = assert_error(response, 403, "permission_denied")
    assert "CSRF" in body["detail"]
    member.refresh_from_db()
    assert member.country == "GB"


def test_a_token_write_needs_no_csrf(member):
    _, secret = tokens.api_token_create(owner=member, name="phone")
    client = APIClient(enforce_csrf_checks=True)
    response = client.patch(
        "/api/v1/me/", {"country": "FR"}, format="json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.country == "FR"


def test_not_yours_and_not_there_are_the_same_404(member_client, other_member):
    hidden = GroupFactory(visibility=PeerGroup.Visibility.PRIVATE)
    join(hidden, other_member)
    private = make_thread(make_category(Category.Visibility.GROUP, group=hidden), other_member)
    answers = [
        member_client.get(f"/api/v1/forums/threads/{private.pk}/"),
        member_client.get("/api/v1/forums/threads/999999999/"),
        member_client.get("/api/v1/forums/threads/99999999999999999999999/"),
        member_client.get(f"/api/v1/groups/{hidden.slug}/messages/"),
        member_client.get("/api/v1/groups/no-such-group/messages/"),
        member_client.get("/api/v1/moderation/queue/"),
    ]
    bodies = {json.dumps(assert_error(answer, 404, "not_found")) for answer in answers}
    assert len(bodies) == 1


def test_a_second_report_is_a_409_with_its_own_code(member_client, thread, other_member):
    client = Client()
    client.force_login(other_member)
    url = f"/api/v1/forums/threads/{thread.pk}/report/"
    body = {"reason": "spam", "note": ""}
    assert client.post(url, body, content_type=JSON).status_code == 201
    assert_error(client.post(url, body, content_type=JSON), 409, "already_reported")


def test_a_service_refusal_is_400_refused(member_client, member):
    response = member_client.put(f"/api/v1/ignores/{member.pseudonym}/")
    assert_error(response, 400, "refused")


def test_a_body_over_the_upload_limit_is_413_and_nothing_is_stored(member_client, member, settings):
    group = GroupFactory()
    join(group, member)
    big = json.dumps({"body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10), "local_id": "a"})
    response = member_client.post(f"/api/v1/groups/{group.slug}/messages/", big, content_type=JSON)
    assert_error(response, 413, "too_large")
    assert not group.messages.exists()


def test_a_wrong_method_is_405_in_the_same_shape(member_client):
    assert_error(member_client.delete("/api/v1/help/"), 405, "method_not_allowed")


def test_throttling_is_429_with_retry_after_in_header_and_body(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "100/min", "anon": "1/min"},
    }
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert client.get("/api/v1/help/").status_code == 200
    response = client.get("/api/v1/help/")
    body = assert_error(response, 429, "throttled")
    assert body["retry_after"] == int(response["Retry-After"]) > 0


# --- the schema -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_operation_documents_the_errors_any_request_can_meet(schema):
    operations = list(_operations(schema))
    assert len(operations) > 90
    for path, method, operation in operations:
        codes = set(operation["responses"])
        assert {"401", "403", "404", "429"} <= codes, (method, path)
        if method != "get":
            assert {"400", "413", "415"} <= codes, (method, path)


def test_every_documented_error_body_has_code_and_detail(schema):
    components = schema["components"]["schemas"]
    for path, method, operation in _operations(schema):
        for code, response in operation["responses"].items():
            if not code.startswith(("4", "5")):
                continue
            body = response["content"]["application/json"]["schema"]
            name = body["$ref"].rsplit("/", 1)[-1]
            required = set(components[name].get("required", []))
            if "allOf" in components[name]:
                required = {
                    r for part in components[name]["allOf"] for r in part.get("required", [])
                }
            assert {"code", "detail"} <= required, (method, path, code, name)


# --- errors Django answers before any API view ------------------------------------------------


def test_an_api_address_that_matches_no_route_is_a_json_404(member_client):
    for url in ("/api/v1/me/tokens/-1/", "/api/v1/no-such-thing/", "/api/v2/"):
        body = assert_error(member_client.delete(url), 404, "not_found")
        assert body["detail"] == str(not_found())


def test_a_page_that_does_not_exist_keeps_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json_and_pages_keep_html(rf):
    from community.api_errors import handler500

    api = handler500(rf.get("/api/v1/help/"))
    assert api.status_code == 500
    assert json.loads(api.content)["code"] == "server_error"
    page = handler500(rf.get("/help/"))
    assert page.status_code == 500
    assert not page["Content-Type"].startswith(JSON)


def test_the_schema_offers_json_bodies_only(schema):
    for path, method, operation in _operations(schema):
        if "requestBody" in operation:
            assert set(operation["requestBody"]["content"]) == {JSON}, (method, path)


def test_a_number_is_not_taken_as_profile_text(member_client, member):
    response = member_client.put("/api/v1/me/about/", {"text": 0}, content_type=JSON)
    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["text"]
    assert not ProfileText.objects.filter(author=member).exists()


def test_the_appeals_list_asks_for_an_account_in_the_schema(schema):
    operation = schema["paths"]["/api/v1/moderation/appeals/"]["get"]
    assert {} not in operation.get("security", [])
