"""The self-check's doors: its pages at /me/self-check/ and its API at /api/v1/me/self-check/.

Above all, privacy: a member's results are theirs alone. Another member, a facilitator of a
group the member is in and a moderator each get the plain 404 for the member's result, through
every door (page, delete page, API read, API delete), and never see it in their own lists.
Visitors are sent to log in (pages) or refused (API)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from community import selfcheck
from community import selfcheck_services as services
from community.models import SelfCheck
from community.tokens import api_token_create
from tests.api.conftest import api_client, assert_error
from tests.community.forum_helpers import join
from tests.factories import GroupFactory, MemberFactory

pytestmark = pytest.mark.django_db

ANSWERS = dict.fromkeys(selfcheck.ITEM_KEYS, 4)
PRIVATE_NOTICE = "Only you can see this. Moderators and facilitators can't."
API = "/api/v1/me/self-check/"


@pytest.fixture
def owner(member):
    return member


@pytest.fixture
def check(owner) -> SelfCheck:
    return services.self_check_submit(actor=owner, answers=ANSWERS)


@pytest.fixture
def others(owner, other_member, moderator):
    """Everyone who must not read the owner's results: another member, a facilitator of a
    group the owner is in, and a moderator."""
    group = GroupFactory(visibility="private")
    join(group, owner)
    facilitator = MemberFactory(pseudonym="Fay Facilitator")
    join(group, facilitator, role="facilitator")
    return {"other member": other_member, "facilitator": facilitator, "moderator": moderator}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- pages --------------------------------------------------------------------------------------


def test_the_questionnaire_is_a_form_of_fieldsets_with_five_radios_each(member_client):
    page = member_client.get("/me/self-check/").content.decode()
    assert page.count("<fieldset") == 12 and page.count("<legend>") == 12
    assert page.count('type="radio"') == 60
    assert "Not like me at all" in page and "Very like me" in page
    assert PRIVATE_NOTICE in page
    assert "not a diagnosis" in page


def test_answering_every_statement_shows_the_result_with_the_note(member_client, member):
    response = member_client.post("/me/self-check/", {k: str(v) for k, v in ANSWERS.items()})
    check = SelfCheck.objects.get(member=member)
    assert response.status_code == 302
    assert response.url == f"/me/self-check/{check.pk}/"
    page = member_client.get(response.url).content.decode()
    assert "3.67 out of 5: on the higher side" in page
    assert "This is a reflection, not a diagnosis or a test" in page
    assert "Retake it" in page and PRIVATE_NOTICE in page
    assert 'href="/forums/texting-and-waiting/"' in page


def test_a_missing_answer_is_listed_at_the_top_with_a_link_and_choices_are_kept(
    member_client, member
):
    chosen = dict.fromkeys(selfcheck.ITEM_KEYS[:-1], "4")
    response = member_client.post("/me/self-check/", chosen)
    assert response.status_code == 400
    page = response.content.decode()
    last = selfcheck.ITEM_KEYS[-1]
    assert f'href="#id_{last}_1"' in page
    assert re.search(rf'id="id_{selfcheck.ITEM_KEYS[0]}_4" value="4" checked', page)
    assert f'aria-describedby="{last}-errors"' in page
    assert not SelfCheck.objects.filter(member=member).exists()


def test_an_answer_out_of_range_is_refused_on_the_page(member_client, member):
    response = member_client.post("/me/self-check/", {**ANSWERS, "fear_left": "9"})
    assert response.status_code == 400
    assert not SelfCheck.objects.exists()


def test_the_eleventh_check_in_a_day_is_refused_kindly_on_the_page(member_client, member):
    for _ in range(services.DAILY_LIMIT):
        services.self_check_submit(actor=member, answers=ANSWERS)
    response = member_client.post("/me/self-check/", ANSWERS)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "come back" in response.content.decode()


def test_history_shows_every_result_with_the_change_and_a_chart(member_client, member):
    services.self_check_submit(actor=member, answers=ANSWERS)
    services.self_check_submit(actor=member, answers=dict.fromkeys(selfcheck.ITEM_KEYS, 2))
    page = member_client.get("/me/self-check/history/").content.decode()
    assert "<table" in page and page.count('<th scope="row">') == 2
    assert "went down by" in page and "Your first result" in page
    assert "<svg" in page and "<polyline" in page
    assert "style=" not in page and "<style" not in page
    assert PRIVATE_NOTICE in page


def test_a_member_deletes_a_result_after_confirming(member_client, check):
    url = f"/me/self-check/{check.pk}/delete/"
    page = member_client.get(url)
    assert page.status_code == 200 and "Yes, delete it" in page.content.decode()
    assert SelfCheck.objects.filter(pk=check.pk).exists()
    response = member_client.post(url)
    assert response.status_code == 302 and response.url == "/me/self-check/history/"
    assert not SelfCheck.objects.filter(pk=check.pk).exists()


@pytest.mark.parametrize(
    "path", ["/me/self-check/", "/me/self-check/history/", "/me/self-check/{id}/"]
)
def test_visitors_are_sent_to_log_in(client, check, path):
    response = client.get(path.format(id=check.pk))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_visitor_cannot_delete_a_result(client, check):
    response = client.post(f"/me/self-check/{check.pk}/delete/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert SelfCheck.objects.filter(pk=check.pk).exists()


@pytest.mark.parametrize("who", ["other member", "facilitator", "moderator"])
def test_nobody_else_can_read_or_delete_a_result_through_the_pages(others, check, who):
    client = signed_in(others[who])
    for url in (f"/me/self-check/{check.pk}/", f"/me/self-check/{check.pk}/delete/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/me/self-check/{check.pk}/delete/").status_code == 404
    history = client.get("/me/self-check/history/").content.decode()
    assert f"/me/self-check/{check.pk}/" not in history
    assert "3.67" not in history
    assert SelfCheck.objects.filter(pk=check.pk).exists()


def test_junk_and_huge_ids_are_404_on_the_pages(member_client):
    assert member_client.get("/me/self-check/99999999999999999999999/").status_code == 404
    assert member_client.get("/me/self-check/0/").status_code == 404


# --- API ----------------------------------------------------------------------------------------


def test_the_api_gives_the_questions_and_the_scale(member):
    body = api_client(member).get(f"{API}items/").json()
    assert [item["key"] for item in body["items"]] == list(selfcheck.ITEM_KEYS)
    assert [choice["value"] for choice in body["scale"]] == [1, 2, 3, 4, 5]
    assert "not a diagnosis" in body["note"]


def test_taking_it_through_the_api_returns_scores_meaning_and_suggestions(member):
    client = api_client(member)
    first = client.post(API, {"answers": ANSWERS}, format="json")
    assert first.status_code == 201
    body = first.json()
    assert (body["anxiety"], body["avoidance"]) == (3.67, 3.33)
    assert body["interpretation"]["pattern"] == selfcheck.BOTH
    assert "not a diagnosis" in body["interpretation"]["note"]
    assert body["change"] is None
    assert {"groups", "categories"} <= set(body["suggestions"])
    second = client.post(
        API, {"answers": dict.fromkeys(selfcheck.ITEM_KEYS, 2)}, format="json"
    ).json()
    assert second["change"]["previous_id"] == body["id"]
    assert second["change"]["anxiety"] < 0
    listed = client.get(API).json()
    assert listed["count"] == 2
    assert [row["id"] for row in listed["results"]] == [second["id"], body["id"]]


def test_bad_answers_through_the_api_are_named_by_key_and_store_nothing(member):
    response = api_client(member).post(
        API, {"answers": {**ANSWERS, "fear_left": "4", "extra": 3}}, format="json"
    )
    body = assert_error(response, 400)
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"fear_left", "extra"}
    assert not SelfCheck.objects.exists()


def test_the_api_refuses_the_eleventh_in_a_day_with_retry_after(member):
    for _ in range(services.DAILY_LIMIT):
        services.self_check_submit(actor=member, answers=ANSWERS)
    response = api_client(member).post(API, {"answers": ANSWERS}, format="json")
    body = assert_error(response, 429)
    assert body["code"] == "rate_limited" and body["retry_after"] > 0
    assert int(response["Retry-After"]) == body["retry_after"]


def test_a_members_own_app_may_use_a_token(member, check):
    _token, secret = api_token_create(owner=member, name="My phone")
    client = api_client(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(f"{API}{check.pk}/").status_code == 200
    assert client.post(API, {"answers": ANSWERS}, format="json").status_code == 201


@pytest.mark.parametrize("who", ["other member", "facilitator", "moderator"])
def test_nobody_else_can_read_or_delete_a_result_through_the_api(others, check, who):
    client = api_client(others[who])
    assert assert_error(client.get(f"{API}{check.pk}/"), 404)["code"] == "not_found"
    assert assert_error(client.delete(f"{API}{check.pk}/"), 404)["code"] == "not_found"
    assert client.get(API).json()["count"] == 0
    assert SelfCheck.objects.filter(pk=check.pk).exists()


@pytest.mark.parametrize("who", ["other member", "facilitator", "moderator"])
def test_nobody_else_can_read_a_result_with_a_token_either(others, check, who):
    _token, secret = api_token_create(owner=others[who], name="Their app")
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert_error(client.get(f"{API}{check.pk}/"), 404)
    assert client.get(API).json()["count"] == 0


def test_visitors_are_refused_by_the_api(check):
    client = api_client()
    for response in (
        client.get(API),
        client.get(f"{API}items/"),
        client.get(f"{API}{check.pk}/"),
        client.post(API, {"answers": ANSWERS}, format="json"),
        client.delete(f"{API}{check.pk}/"),
    ):
        assert assert_error(response, 403)["code"] == "not_authenticated"
    assert SelfCheck.objects.count() == 1


def test_nobody_else_sees_a_result_in_the_admin_or_any_moderation_page(others, check):
    """Self-checks are deliberately not in the admin, and no moderation page mentions them."""
    client = signed_in(others["moderator"])
    assert client.get("/admin/community/selfcheck/").status_code == 404
    assert client.get(f"/admin/community/selfcheck/{check.pk}/change/").status_code == 404
