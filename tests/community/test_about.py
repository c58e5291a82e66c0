"""Profile text ("About you"): the first content kind through the pipeline, at every door."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from community.models import ProfileText
from moderation.models import ContentStatus, QueueItem, Sanction, Signpost, WatchedWord
from tests.factories import MemberFactory
from tests.moderation.conftest import CONCERN_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled(db):
    return MemberFactory(
        pseudonym="Sky Settled", country="GB", date_joined=timezone.now() - timedelta(days=30)
    )


@pytest.fixture
def settled_client(client, settled):
    client.force_login(settled)
    return client


def put_about(client, body, content_type="application/json"):
    if not isinstance(body, str):
        body = json.dumps(body)
    return client.put("/api/v1/me/about/", data=body, content_type=content_type)


# --- HTML door -----------------------------------------------------------------------------------


def test_me_page_offers_the_about_form(settled_client):
    page = settled_client.get("/me/").content.decode()
    assert 'action="/me/about/"' in page
    assert 'name="about"' in page
    assert "Markdown works" in page


def test_saving_about_publishes_and_shows_it_safely(settled_client, settled):
    response = settled_client.post(
        "/me/about/", {"about": "I'm **learning** <img src=x onerror=alert(1)>"}
    )
    assert response.status_code == 302
    page = settled_client.get("/me/").content.decode()
    assert "Other members can see it." in page
    assert "<strong>learning</strong>" in page
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert ProfileText.objects.get(author=settled).status == ContentStatus.PUBLISHED


def test_urgent_about_is_held_and_the_author_sees_help_at_once(settled_client, settled):
    response = settled_client.post("/me/about/", {"about": URGENT_TEXT}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "You're not alone" in page
    assert 'href="tel:999"' in page
    assert "Samaritans" in page
    assert "kept safe, not deleted" in page
    assert page.index('id="signpost"') < page.index('id="about-heading"')
    assert ProfileText.objects.get().status == ContentStatus.HELD
    assert QueueItem.objects.get().reason == QueueItem.Reason.CRISIS_URGENT
    # Shown once: the next page is calm again, and the record stays for moderators.
    assert 'id="signpost"' not in settled_client.get("/me/").content.decode()
    assert Signpost.objects.filter(member=settled).count() == 1


def test_signpost_is_private_to_its_author(settled_client, other_member):
    settled_client.post("/me/about/", {"about": CONCERN_TEXT})
    client = Client()
    client.force_login(other_member)
    assert 'id="signpost"' not in client.get("/me/").content.decode()


def test_refused_about_keeps_the_text_and_says_why(settled_client):
    WatchedWord.objects.create(phrase="spamword", action="block", reason="No adverts, please.")
    response = settled_client.post("/me/about/", {"about": "Buy my spamword course"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "No adverts, please." in page
    assert "Buy my spamword course</textarea>" in page
    assert not ProfileText.objects.exists()


def test_too_long_about_gives_the_limit(settled_client):
    response = settled_client.post("/me/about/", {"about": "a" * 2001})
    assert response.status_code == 400
    assert "2,000" in response.content.decode()


def test_muted_member_is_told_until_when(settled_client, settled, moderator):
    until = timezone.now() + timedelta(hours=3)
    Sanction.objects.create(
        member=settled, kind="mute", reason="A short pause.", ends_at=until, created_by=moderator
    )
    response = settled_client.post("/me/about/", {"about": "hello"})
    assert response.status_code == 400
    assert "A short pause." in response.content.decode()


def test_posting_too_fast_answers_429_with_retry_after(settled_client, clock):
    for number in range(10):
        assert settled_client.post("/me/about/", {"about": f"v{number}"}).status_code == 302
    response = settled_client.post("/me/about/", {"about": "again"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Please wait" in response.content.decode()


def test_empty_about_removes_it(settled_client, settled):
    settled_client.post("/me/about/", {"about": "hello"})
    response = settled_client.post("/me/about/", {"about": "   "}, follow=True)
    assert "Your profile text is removed." in response.content.decode()
    assert ProfileText.objects.get().status == ContentStatus.DELETED


def test_removed_about_shows_the_moderators_reason(settled_client, settled, moderator):
    from moderation import services

    settled_client.post("/me/about/", {"about": "my number is on my site"})
    services.content_remove(
        actor=moderator,
        content=ProfileText.objects.get(),
        reason="Please keep contact details out.",
    )
    page = settled_client.get("/me/").content.decode()
    assert "Please keep contact details out." in page


def test_about_needs_sign_in_and_post(settled_client):
    assert Client().post("/me/about/", {"about": "x"}).status_code == 302
    assert settled_client.get("/me/about/").status_code == 405


# --- API door ------------------------------------------------------------------------------------


def test_api_put_publishes_and_get_returns_it(settled_client):
    response = put_about(settled_client, {"text": "Healing, *slowly*."})
    assert response.status_code == 200
    data = response.json()
    assert data["about"]["status"] == "published"
    assert data["about"]["html"].strip() == "<p>Healing, <em>slowly</em>.</p>"
    assert data["signpost"] is None
    assert data["notice"] == ""
    assert settled_client.get("/api/v1/me/about/").json()["about"]["text"] == "Healing, *slowly*."


def test_api_urgent_text_is_held_with_signpost_field(settled_client):
    data = put_about(settled_client, {"text": URGENT_TEXT}).json()
    assert data["about"]["status"] == "held"
    assert "kept safe" in data["notice"]
    signpost = data["signpost"]
    assert signpost["tier"] == "urgent"
    assert signpost["resources"][0]["tel"] == "tel:999"
    assert signpost["country_code"] == "GB"


def test_api_refusal_has_code_detail_and_signpost(settled_client):
    WatchedWord.objects.create(phrase="spamword", action="block")
    response = put_about(settled_client, {"text": "spamword"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "watched_word"
    assert "spamword" in body["detail"]
    assert body["signpost"] is None


def test_api_rate_limit_is_429_with_retry_after(settled_client, clock):
    for number in range(10):
        assert put_about(settled_client, {"text": f"v{number}"}).status_code == 200
    response = put_about(settled_client, {"text": "again"})
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) == response.json()["retry_after"]


@pytest.mark.parametrize(
    "body",
    [{}, {"text": None}, {"text": ["a"]}, {"text": {"a": 1}}, {"wrong": "x"}, "not json", "[1]"],
)
def test_api_bad_input_is_a_clear_400(settled_client, body):
    response = put_about(settled_client, body)
    assert response.status_code == 400
    assert not ProfileText.objects.exists()


def test_api_oversized_text_is_refused_with_the_limit(settled_client):
    response = put_about(settled_client, {"text": "a" * 50_000})
    assert response.status_code == 400
    assert response.json()["code"] == "too_long"


def test_api_delete_removes_and_needs_sign_in(settled_client):
    client = Client()
    put_about(settled_client, {"text": "hello"})
    assert settled_client.delete("/api/v1/me/about/").status_code == 204
    assert settled_client.get("/api/v1/me/about/").json()["about"] is None
    assert client.delete("/api/v1/me/about/").status_code == 403
    assert put_about(client, {"text": "x"}).status_code == 403


def test_api_refusal_says_until_when_a_mute_ends(settled_client, settled, moderator):
    until = timezone.now() + timedelta(hours=3)
    Sanction.objects.create(
        member=settled, kind="mute", reason="A short pause.", ends_at=until, created_by=moderator
    )
    body = put_about(settled_client, {"text": "hello"}).json()
    assert body["code"] == "muted"
    assert body["until"] == until.isoformat().replace("+00:00", "Z")
