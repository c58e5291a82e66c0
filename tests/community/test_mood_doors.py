"""Mood check-ins through the pages and the API: what the member sees, and that nobody else
(another member, a facilitator of the member's group, a moderator, a visitor) can reach any of
it through any door."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from community import mood_services as services
from community.models import MoodCheckIn, MoodReminder
from moderation.models import ModerationAction, QueueItem, Signpost
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import URGENT_TEXT

pytestmark = pytest.mark.django_db

PRIVATE = "only-mine-periwinkle"
NOTICE = (
    "Only you can see this. Moderators and facilitators can't. If a note sounds like you're "
    "struggling, we'll show you where to find help, and nobody else is told."
)
API = "/api/v1/me/mood"


@pytest.fixture
def owner(member):
    return member


@pytest.fixture
def owners_check_in(owner):
    checkin, _signpost = services.mood_check_in(
        actor=owner, mood=2, feelings=["lonely"], note=f"A hard evening, {PRIVATE}."
    )
    return checkin


@pytest.fixture
def facilitator(owner):
    group = GroupFactory(name="Evening circle")
    MembershipFactory(group=group, member=owner)
    person = MemberFactory(pseudonym="Fi Facilitator")
    MembershipFactory(group=group, member=person, role="facilitator")
    return person


@pytest.fixture
def others(other_member, facilitator, moderator):
    return {"member": other_member, "facilitator": facilitator, "moderator": moderator}


def page_client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- the pages --------------------------------------------------------------------------------


def test_the_mood_page_has_the_form_the_chart_the_table_and_the_notice(owner, owners_check_in):
    response = page_client(owner).get("/me/mood/")
    assert response.status_code == 200
    html = response.content.decode()
    assert NOTICE in html
    assert "<legend>How are you feeling?</legend>" in html
    assert html.count('type="radio" name="mood"') == 5
    assert html.count('type="checkbox" name="feelings"') == 12
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="mood-chart"' in html
    assert 'role="img"' in html
    assert "<caption>" in html
    assert PRIVATE in html
    assert f'href="/me/mood/{owners_check_in.pk}/delete/"' in html


def test_checking_in_on_the_page_stores_it_and_says_thank_you(owner):
    response = page_client(owner).post(
        "/me/mood/",
        {"mood": "4", "feelings": ["hopeful", "calm"], "note": "A good walk."},
        follow=True,
    )
    assert response.status_code == 200
    assert "Thank you for checking in." in response.content.decode()
    checkin = MoodCheckIn.objects.get()
    assert (checkin.mood, checkin.feelings, checkin.note) == (
        4,
        ["hopeful", "calm"],
        "A good walk.",
    )


@pytest.mark.parametrize(
    "data",
    [{}, {"mood": "6"}, {"mood": "3", "feelings": ["furious"]}, {"mood": "3", "note": "x" * 1001}],
)
def test_a_check_in_the_page_cannot_take_is_shown_again_with_what_is_wrong(owner, data):
    response = page_client(owner).post("/me/mood/", data)
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert not MoodCheckIn.objects.exists()


def test_a_worrying_note_shows_help_on_the_next_page_and_reaches_nobody(owner):
    response = page_client(owner).post("/me/mood/", {"mood": "1", "note": URGENT_TEXT}, follow=True)
    html = response.content.decode()
    assert 'class="signpost"' in html
    assert "nobody else will see it" in html
    assert not QueueItem.objects.exists()
    assert not Signpost.objects.exists()
    assert not ModerationAction.objects.exists()


def test_a_very_low_day_without_words_gets_a_gentle_line_and_a_help_link(owner):
    response = page_client(owner).post("/me/mood/", {"mood": "1"}, follow=True)
    html = response.content.decode()
    assert "you don&#x27;t have to carry this alone" in html
    assert 'href="/help/">Get help now</a>' in html
    assert 'class="signpost"' not in html


def test_thirty_one_check_ins_in_an_hour_the_page_asks_to_wait(owner):
    client = page_client(owner)
    for _number in range(services.CHECK_INS_PER_HOUR):
        client.post("/me/mood/", {"mood": "3"})
    response = client.post("/me/mood/", {"mood": "3"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "try again" in response.content.decode()


def test_deleting_asks_first_then_deletes(owner, owners_check_in):
    client = page_client(owner)
    url = f"/me/mood/{owners_check_in.pk}/delete/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Delete this check-in?" in confirm.content.decode()
    assert MoodCheckIn.objects.exists()
    assert client.post(url).status_code == 302
    assert not MoodCheckIn.objects.exists()


def test_the_reminder_is_set_on_the_page(owner):
    response = page_client(owner).post("/me/mood/reminder/", {"enabled": "on", "hour": "7"})
    assert response.status_code == 302
    reminder = MoodReminder.objects.get(member=owner)
    assert (reminder.enabled, reminder.hour) == (True, 7)
    assert page_client(owner).post("/me/mood/reminder/", {"hour": "25"}).status_code == 400


def test_the_banner_shows_on_the_home_page_when_due_and_not_today_hides_it(owner):
    hour = timezone.now().astimezone(UTC).hour
    services.mood_reminder_set(actor=owner, enabled=True, hour=hour)
    client = page_client(owner)
    html = client.get("/").content.decode()
    assert "How are you feeling today?" in html and "Not today" in html
    response = client.post("/me/mood/reminder/not-today/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "How are you feeling today?" not in client.get("/").content.decode()


def test_not_today_never_sends_anyone_to_another_site(owner):
    response = page_client(owner).post(
        "/me/mood/reminder/not-today/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_no_banner_after_todays_check_in_nor_for_visitors(owner):
    services.mood_reminder_set(actor=owner, enabled=True, hour=0)
    services.mood_check_in(actor=owner, mood=3)
    assert "How are you feeling today?" not in page_client(owner).get("/").content.decode()
    assert "How are you feeling today?" not in page_client().get("/").content.decode()


def test_a_visitor_is_sent_to_log_in_from_every_mood_page(owners_check_in):
    client = page_client()
    for method, url in [
        ("get", "/me/mood/"),
        ("post", "/me/mood/"),
        ("get", f"/me/mood/{owners_check_in.pk}/delete/"),
        ("post", f"/me/mood/{owners_check_in.pk}/delete/"),
        ("post", "/me/mood/reminder/"),
        ("post", "/me/mood/reminder/not-today/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert MoodCheckIn.objects.count() == 1


@pytest.mark.parametrize("role", ["member", "facilitator", "moderator"])
def test_nobody_else_reaches_a_check_in_through_the_pages(owners_check_in, others, role):
    client = page_client(others[role])
    url = f"/me/mood/{owners_check_in.pk}/delete/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert MoodCheckIn.objects.filter(pk=owners_check_in.pk).exists()
    own_page = client.get("/me/mood/").content.decode()
    assert PRIVATE not in own_page
    assert "No check-ins yet" in own_page
    assert "No check-ins between" in own_page  # their chart is empty


# --- the API ----------------------------------------------------------------------------------


def test_the_api_lists_check_ins_newest_first_in_pages(owner, owners_check_in):
    newer, _ = services.mood_check_in(actor=owner, mood=5)
    body = api_client(owner).get(f"{API}/").json()
    assert body["count"] == 2 and body["next"] is None
    assert [row["id"] for row in body["results"]] == [newer.pk, owners_check_in.pk]
    assert body["results"][1]["mood_label"] == "Low"
    assert body["results"][1]["feelings"] == ["lonely"]


def test_checking_in_through_the_api_answers_201_with_the_signpost(owner):
    response = api_client(owner).post(f"{API}/", {"mood": 1, "note": URGENT_TEXT}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["mood"] == 1 and body["signpost"]["tier"] == "urgent"
    assert body["gentle_word"] == ""
    assert not QueueItem.objects.exists() and not Signpost.objects.exists()
    calm = api_client(owner).post(f"{API}/", {"mood": 4}, format="json").json()
    assert calm["signpost"] is None and calm["gentle_word"] == ""
    low = api_client(owner).post(f"{API}/", {"mood": 1}, format="json").json()
    assert "alone" in low["gentle_word"]


@pytest.mark.parametrize(
    "body",
    [{"mood": "3"}, {"mood": True}, {"mood": 0}, {"mood": 3, "feelings": ["furious"]},
     {"mood": 3, "feelings": "anxious"}, {"mood": 3, "note": 7}],
)  # fmt: skip
def test_the_api_refuses_wrong_types_and_values(owner, body):
    response = api_client(owner).post(f"{API}/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not MoodCheckIn.objects.exists()


def test_the_api_says_when_to_try_again(owner):
    client = api_client(owner)
    for _number in range(services.CHECK_INS_PER_HOUR):
        assert client.post(f"{API}/", {"mood": 3}, format="json").status_code == 201
    response = client.post(f"{API}/", {"mood": 3}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert response.json()["retry_after"] == int(response["Retry-After"]) > 0


def test_the_chart_is_svg_never_cached_and_describes_the_check_in(owner, owners_check_in):
    response = api_client(owner).get(f"{API}/chart.svg", HTTP_ACCEPT="image/svg+xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]
    svg = response.content.decode()
    assert svg.startswith("<svg") and "Average 2.0 over 1 check-in" in svg


def test_the_series_gives_daily_averages(owner, owners_check_in):
    body = api_client(owner).get(f"{API}/series/?days=7").json()
    assert len(body["days"]) == 7
    assert body["days"][-1] == {
        "day": timezone.now().date().isoformat(),
        "average": 2.0,
        "count": 1,
    }
    assert api_client(owner).get(f"{API}/series/?days=0").status_code == 400
    assert api_client(owner).get(f"{API}/series/?days=abc").status_code == 400


def test_the_reminder_through_the_api(owner):
    client = api_client(owner)
    assert client.get(f"{API}/reminder/").json() == {
        "enabled": False,
        "hour": 18,
        "dismissed_on": None,
        "due": False,
    }
    body = client.put(f"{API}/reminder/", {"enabled": True, "hour": 0}, format="json").json()
    assert body["enabled"] is True and body["hour"] == 0 and body["due"] is True
    bad = client.put(f"{API}/reminder/", {"enabled": "yes", "hour": 0}, format="json")
    assert bad.status_code == 400 and "enabled" in bad.json()["fields"]


@pytest.mark.parametrize("role", ["member", "facilitator", "moderator"])
def test_nobody_else_reaches_a_check_in_through_the_api(owners_check_in, others, role):
    client = api_client(others[role])
    detail = f"{API}/{owners_check_in.pk}/"
    for response in (client.get(detail), client.delete(detail)):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert MoodCheckIn.objects.filter(pk=owners_check_in.pk).exists()
    assert client.get(f"{API}/").json()["count"] == 0
    assert all(day["count"] == 0 for day in client.get(f"{API}/series/").json()["days"])
    chart = client.get(f"{API}/chart.svg").content.decode()
    assert "No check-ins between" in chart and "<circle" not in chart
    for url in (f"{API}/", f"{API}/series/", f"{API}/chart.svg", detail):
        assert PRIVATE not in client.get(url).content.decode()


def test_a_visitor_gets_403_from_every_mood_endpoint(owners_check_in):
    client = api_client()
    detail = f"{API}/{owners_check_in.pk}/"
    for method, url in [
        ("get", f"{API}/"),
        ("post", f"{API}/"),
        ("get", detail),
        ("delete", detail),
        ("get", f"{API}/chart.svg"),
        ("get", f"{API}/series/"),
        ("get", f"{API}/reminder/"),
        ("put", f"{API}/reminder/"),
    ]:
        response = getattr(client, method)(url, format="json")
        assert response.status_code == 403, url
        assert response.json()["code"] == "not_authenticated"
    assert MoodCheckIn.objects.count() == 1


def test_the_owner_reads_and_deletes_their_check_in_through_the_api(owner, owners_check_in):
    client = api_client(owner)
    detail = f"{API}/{owners_check_in.pk}/"
    assert client.get(detail).json()["note"] == f"A hard evening, {PRIVATE}."
    assert client.delete(detail).status_code == 204
    assert client.get(detail).status_code == 404


def test_check_ins_are_not_in_the_admin(owner, owners_check_in):
    admin = MemberFactory(pseudonym="Ada Admin", is_staff=True, is_superuser=True)
    client = page_client(admin)
    assert client.get("/admin/community/moodcheckin/").status_code == 404
    assert PRIVATE not in client.get("/admin/").content.decode()


def test_a_token_reads_the_members_own_check_ins(owner, owners_check_in):
    from community import tokens

    _token, secret = tokens.api_token_create(owner=owner, name="Phone")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(f"{API}/").json()["count"] == 1


def test_utc_dates_in_the_fixture_are_today(owners_check_in):
    assert owners_check_in.created_at.date() == datetime.now(UTC).date()


def test_the_reminder_costs_the_home_page_one_query_then_none(owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = page_client(owner)
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    with CaptureQueriesContext(connection) as second:
        client.get("/")
    assert len(first) - len(second) == 1
    assert sum("mood" in query["sql"] for query in second.captured_queries) == 0
