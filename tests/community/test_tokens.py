"""API tokens: made, listed and revoked by their owner on /me/tokens/ and /api/v1/me/tokens/;
the secret is shown once and only its hash is stored; bearer tokens sign API requests without
CSRF; bad tokens get 401; a token can never manage tokens."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community import tokens
from community.models import ApiToken, Post
from tests.community.forum_helpers import make_category, make_thread
from tests.community.test_forum_api import settled

pytestmark = pytest.mark.django_db

API = "/api/v1/me/tokens/"


def bearer(secret: str, scheme: str = "Bearer") -> dict:
    return {"HTTP_AUTHORIZATION": f"{scheme} {secret}"}


def make_token(owner, name="my script"):
    return tokens.api_token_create(owner=owner, name=name)


# --- the API -----------------------------------------------------------------------------------


def test_member_creates_a_token_and_sees_the_secret_only_once(member_client, member):
    response = member_client.post(API, {"name": "Phone app"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("sg_") and len(secret) > 40
    assert body["prefix"] == secret[:8]
    assert body["name"] == "Phone app"

    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)

    listed = member_client.get(API).json()
    assert [row["id"] for row in listed] == [body["id"]]
    assert "secret" not in listed[0]
    assert secret not in member_client.get(API).content.decode()


def test_member_revokes_their_token_and_it_stops_working(member_client, member):
    token, secret = make_token(member)
    assert Client().get("/api/v1/me/", **bearer(secret)).status_code == 200
    response = member_client.delete(f"{API}{token.pk}/")
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert member_client.get(API).json() == []
    assert Client().get("/api/v1/me/", **bearer(secret)).status_code == 401
    assert member_client.delete(f"{API}{token.pk}/").status_code == 404


def test_another_members_token_is_not_found(member_client, other_member):
    token, _secret = make_token(other_member)
    assert member_client.delete(f"{API}{token.pk}/").status_code == 404
    assert member_client.delete(f"{API}999999/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_visitors_are_refused_like_on_the_me_endpoint(client):
    assert client.get(API).status_code == client.get("/api/v1/me/").status_code == 403
    assert client.post(API, {"name": "x"}, content_type="application/json").status_code == 403


def test_a_token_cannot_list_create_or_revoke_tokens(member):
    token, secret = make_token(member)
    client = Client()
    assert client.get(API, **bearer(secret)).status_code == 403
    response = client.post(
        API, {"name": "another"}, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 403
    assert client.delete(f"{API}{token.pk}/", **bearer(secret)).status_code == 403
    assert ApiToken.objects.filter(owner=member).count() == 1


def test_the_eleventh_active_token_is_refused_kindly(member_client, member):
    for number in range(10):
        make_token(member, name=f"token {number}")
    response = member_client.post(API, {"name": "one more"}, content_type="application/json")
    assert response.status_code == 400
    assert "revoke one" in response.json()["fields"]["name"][0]
    assert ApiToken.objects.filter(owner=member).count() == 10

    tokens.api_token_revoke(actor=member, token=ApiToken.objects.filter(owner=member).first())
    response = member_client.post(API, {"name": "one more"}, content_type="application/json")
    assert response.status_code == 201


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_a_token_needs_a_sensible_name(member_client, name):
    response = member_client.post(API, {"name": name}, content_type="application/json")
    assert response.status_code == 400
    assert ApiToken.objects.count() == 0


# --- signing requests with a token -------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "bearer"])
def test_a_token_signs_api_requests(member, scheme):
    _token, secret = make_token(member)
    response = Client().get("/api/v1/me/", **bearer(secret, scheme))
    assert response.status_code == 200
    assert response.json()["pseudonym"] == member.pseudonym


def test_a_token_can_write_without_a_csrf_token_while_a_session_cannot():
    author = settled()
    thread = make_thread(make_category(), author)
    url = f"/api/v1/forums/threads/{thread.pk}/posts/"
    body = json.dumps({"body": "Same here, it helps to hear it."})

    session = Client(enforce_csrf_checks=True)
    session.force_login(author)
    assert session.post(url, body, content_type="application/json").status_code == 403

    _, secret = make_token(author)
    response = Client(enforce_csrf_checks=True).post(
        url, body, content_type="application/json", **bearer(secret)
    )
    assert response.status_code == 201, response.content
    assert Post.objects.filter(thread=thread, author=author).exists()


@pytest.mark.parametrize(
    "header",
    [
        "Bearer sg_not-a-real-token",
        "Bearer not-even-the-right-shape",
        "Bearer",
        "Bearer sg_a sg_b",
        "Token sg_unknown",
    ],
)
def test_bad_tokens_get_401_with_a_bearer_challenge(member, header):
    make_token(member)
    response = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_of_an_inactive_member_is_refused(member):
    _, secret = make_token(member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert Client().get("/api/v1/me/", **bearer(secret)).status_code == 401


def test_other_authorization_schemes_are_left_alone(client):
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==")
    assert response.status_code == 403


def test_last_used_is_recorded_at_most_once_a_minute(member):
    token, secret = make_token(member)
    assert token.last_used_at is None
    Client().get("/api/v1/me/", **bearer(secret))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    Client().get("/api/v1/me/", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    Client().get("/api/v1/me/", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=1)
    assert token.last_used_at <= timezone.now()


# --- the page ----------------------------------------------------------------------------------


def test_the_page_makes_a_token_shows_it_once_then_only_its_prefix(member_client, member):
    assert member_client.get("/me/").content.decode().count('href="/me/tokens/"') == 1
    response = member_client.post("/me/tokens/", {"name": "Laptop script"})
    assert response.status_code == 200
    token = ApiToken.objects.get(owner=member)
    shown = re.findall(r"sg_[A-Za-z0-9_-]{40,}", response.content.decode())
    assert len(set(shown)) == 1
    assert token.key_hash == hashlib.sha256(shown[0].encode()).hexdigest()
    assert response["Cache-Control"] == "no-store"

    again = member_client.get("/me/tokens/").content.decode()
    assert "Laptop script" in again
    assert token.prefix in again
    assert shown[0] not in again


def test_the_page_revokes_a_token(member_client, member):
    token, _ = make_token(member, name="Old script")
    response = member_client.post("/me/tokens/", {"revoke": str(token.pk)}, follow=True)
    assert response.status_code == 200
    assert "is revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_page_cannot_revoke_someone_elses_token(member_client, other_member):
    token, _ = make_token(other_member)
    assert member_client.post("/me/tokens/", {"revoke": str(token.pk)}).status_code == 404
    assert member_client.post("/me/tokens/", {"revoke": "junk"}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_refuses_the_eleventh_token_kindly(member_client, member):
    for number in range(10):
        make_token(member, name=f"token {number}")
    response = member_client.post("/me/tokens/", {"name": "one more"})
    assert response.status_code == 400
    assert "revoke one" in response.content.decode()


def test_visitors_are_sent_to_sign_in(client):
    response = client.get("/me/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
