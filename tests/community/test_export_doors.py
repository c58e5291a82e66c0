"""The doors to a member's data export: the /me/export/ page and its download, and the REST
endpoints under /api/v1/me/exports/ (session only). Both call the same services."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from community import tokens
from community.models import DataExport

pytestmark = pytest.mark.django_db

PAGE = "/me/export/"
API = "/api/v1/me/exports/"


def test_urls_are_named():
    assert reverse("me-export") == PAGE
    assert reverse("me-export-download", args=[7]) == "/me/export/7/download/"
    assert reverse("api-me-exports") == API


def post_and_build(client, url, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, **extra)


# --- the page --------------------------------------------------------------------------------


def test_visitor_is_sent_to_log_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_page_offers_the_button_when_nothing_was_asked_yet(member_client):
    response = member_client.get(PAGE)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Prepare a copy of my data" in content
    assert "asked for a copy yet." in content
    assert "community/export.js" in content
    assert response["Cache-Control"] == "no-store"


def test_my_account_page_links_to_the_export_page(member_client):
    assert f'href="{PAGE}"' in member_client.get("/me/").content.decode()


def test_post_makes_an_export_and_the_page_shows_its_download_link(
    member_client, member, django_capture_on_commit_callbacks
):
    response = post_and_build(member_client, PAGE, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == PAGE
    export = DataExport.objects.get(member=member)
    assert export.state == DataExport.State.READY
    content = member_client.get(PAGE).content.decode()
    assert f'href="/me/export/{export.pk}/download/"' in content
    assert "You can download it until" in content


def test_page_shows_progress_while_the_copy_is_prepared(member_client, member):
    DataExport.objects.create(
        member=member,
        state=DataExport.State.RUNNING,
        progress=40,
        step="stories",
        heartbeat_at=timezone.now(),
    )
    content = member_client.get(PAGE).content.decode()
    assert '<progress id="export-progress" max="100" value="40">' in content
    assert '<label for="export-progress">' in content
    assert 'role="status" aria-live="polite">Copying Success stories (40%)' in content
    assert '<meta http-equiv="refresh" content="3">' in content
    assert "Prepare a copy of my data" not in content


def test_page_says_kindly_when_a_copy_failed(member_client, member):
    DataExport.objects.create(member=member, state=DataExport.State.FAILED, error="ValueError")
    content = member_client.get(PAGE).content.decode()
    assert "we could not prepare your copy this time" in content
    assert "ValueError" not in content
    assert "Prepare a copy of my data" in content


def test_page_refuses_a_fourth_copy_in_a_day_kindly(
    member_client, member, django_capture_on_commit_callbacks
):
    for _ in range(3):
        post_and_build(member_client, PAGE, django_capture_on_commit_callbacks)
    response = member_client.post(PAGE)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "You can ask again in about 24 hours" in response.content.decode()


def test_page_post_needs_a_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(PAGE).status_code == 403
    assert not DataExport.objects.exists()


def test_download_is_the_json_archive_and_never_cached(
    member_client, member, django_capture_on_commit_callbacks
):
    post_and_build(member_client, PAGE, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(member=member)
    response = member_client.get(f"/me/export/{export.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="steady-ground-')
    assert json.loads(response.content)["profile"][0]["pseudonym"] == member.pseudonym


def test_download_of_another_members_export_is_404(
    client, member, other_member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    post_and_build(client, PAGE, django_capture_on_commit_callbacks)
    export = DataExport.objects.get(member=member)
    client.force_login(other_member)
    assert client.get(f"/me/export/{export.pk}/download/").status_code == 404


def test_download_for_a_visitor_goes_to_log_in(client):
    assert client.get("/me/export/1/download/").status_code == 302


def test_download_of_a_not_ready_or_unknown_export_is_404(member_client, member):
    export = DataExport.objects.create(member=member)
    assert member_client.get(f"/me/export/{export.pk}/download/").status_code == 404
    assert member_client.get("/me/export/987654321/download/").status_code == 404


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_login(member)
    return client


def test_api_post_is_202_with_the_export(api, member, django_capture_on_commit_callbacks):
    response = post_and_build(api, API, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    body = response.json()
    export = DataExport.objects.get(member=member)
    assert body["id"] == export.pk
    assert set(body) >= {"id", "state", "progress", "step", "created_at", "expires_at"}
    assert "download_url" in body


def test_api_double_post_makes_one_export(api, member):
    first = api.post(API).json()
    second = api.post(API).json()
    assert first["id"] == second["id"]
    assert first["state"] == "pending"
    assert first["download_url"] is None
    assert DataExport.objects.filter(member=member).count() == 1


def test_api_lists_and_shows_the_ready_export_with_its_download_url(
    api, member, django_capture_on_commit_callbacks
):
    export_id = post_and_build(api, API, django_capture_on_commit_callbacks).json()["id"]
    listed = api.get(API).json()
    assert [row["id"] for row in listed] == [export_id]
    shown = api.get(f"{API}{export_id}/").json()
    assert shown["state"] == "ready"
    assert shown["progress"] == 100
    assert shown["download_url"] == f"{API}{export_id}/download/"
    response = api.get(shown["download_url"])
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.content)["profile"][0]["email"] == member.email


def test_api_fourth_request_is_429_with_retry_after(api, django_capture_on_commit_callbacks):
    for _ in range(3):
        assert post_and_build(api, API, django_capture_on_commit_callbacks).status_code == 202
    response = api.post(API)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    assert "ask again" in body["detail"]
    assert int(response["Retry-After"]) == body["retry_after"] > 0


def test_api_other_members_export_is_404_everywhere(api, other_member):
    theirs = DataExport.objects.create(
        member=other_member,
        state="ready",
        payload=b"",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    for url in (f"{API}{theirs.pk}/", f"{API}{theirs.pk}/download/"):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    assert api.get(API).json() == []


@pytest.mark.parametrize("bad", ["0", "987654321", "99999999999999999999999", "abc", "-1"])
def test_api_bad_ids_are_404(api, bad):
    assert api.get(f"{API}{bad}/").status_code == 404
    assert api.get(f"{API}{bad}/download/").status_code == 404


def test_api_refuses_visitors(client):
    assert client.get(API).status_code == 403
    assert client.post(API).status_code == 403


def test_api_token_cannot_ask_for_or_read_exports(member):
    export = DataExport.objects.create(member=member)
    _token, secret = tokens.api_token_create(owner=member, name="Phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for response in (
        client.get(API),
        client.post(API),
        client.get(f"{API}{export.pk}/"),
        client.get(f"{API}{export.pk}/download/"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert DataExport.objects.filter(member=member).count() == 1


def test_api_post_needs_csrf_with_a_session(member):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(API).status_code == 403
    assert not DataExport.objects.exists()


def test_schema_documents_the_export_endpoints(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/me/exports/",
        "/api/v1/me/exports/{export_id}/",
        "/api/v1/me/exports/{export_id}/download/",
    ):
        assert path in schema["paths"], path
