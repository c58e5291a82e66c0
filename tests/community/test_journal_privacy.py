"""Nobody but its owner can read or touch a journal entry or a milestone, through any door:
not another member, not a facilitator of the owner's group, not a moderator. To each of them
it does not exist (404, the same answer as for what was never there), their lists and searches
never include it, and a visitor is sent to log in (pages) or refused (API). Also the REST door
working for the owner."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from community import journal_services
from community.models import JournalEntry, Milestone, Story
from moderation.models import QueueItem, Signpost
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import URGENT_TEXT

pytestmark = pytest.mark.django_db

SECRET = "heliotrope"
J = "/api/v1/me/journal"
M = "/api/v1/me/milestones"


@pytest.fixture
def owner(db):
    return MemberFactory(
        pseudonym="Ona Owner", country="GB", date_joined=timezone.now() - timedelta(days=30)
    )


@pytest.fixture
def others(db, owner):
    group = GroupFactory(name="Quiet circle", slug="quiet-circle", visibility="private")
    facilitator = MemberFactory(pseudonym="Fay Facilitator")
    MembershipFactory(group=group, member=owner, role="member")
    MembershipFactory(group=group, member=facilitator, role="facilitator")
    return {
        "member": MemberFactory(pseudonym="Mel Member"),
        "facilitator": facilitator,
        "moderator": MemberFactory(pseudonym="Mo Mod", is_moderator=True, is_staff=True),
    }


@pytest.fixture
def entry(owner):
    entry, _offer = journal_services.journal_entry_create(
        actor=owner, body=f"The {SECRET} tea helped me wait.", prompt_key="waiting"
    )
    return entry


@pytest.fixture
def milestone(owner):
    milestone, _offer = journal_services.milestone_create(actor=owner, title=f"{SECRET} walk")
    journal_services.milestone_achieve(actor=owner, milestone=milestone, achieved=True)
    return milestone


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def _html_doors(entry, milestone):
    return [
        ("get", reverse("journal:detail", args=[entry.pk]), {}),
        ("get", reverse("journal:edit", args=[entry.pk]), {}),
        ("post", reverse("journal:edit", args=[entry.pk]), {"body": "Taken over."}),
        ("get", reverse("journal:delete", args=[entry.pk]), {}),
        ("post", reverse("journal:delete", args=[entry.pk]), {}),
        ("get", reverse("milestones:edit", args=[milestone.pk]), {}),
        ("post", reverse("milestones:edit", args=[milestone.pk]), {"title": "Taken over."}),
        ("post", reverse("milestones:achieve", args=[milestone.pk]), {"achieved": "no"}),
        ("get", reverse("milestones:delete", args=[milestone.pk]), {}),
        ("post", reverse("milestones:delete", args=[milestone.pk]), {}),
        ("post", reverse("milestones:story", args=[milestone.pk]), {}),
    ]


def _api_doors(entry, milestone):
    return [
        ("get", f"{J}/{entry.pk}/", None),
        ("patch", f"{J}/{entry.pk}/", {"body": "Taken over."}),
        ("delete", f"{J}/{entry.pk}/", None),
        ("get", f"{M}/{milestone.pk}/", None),
        ("patch", f"{M}/{milestone.pk}/", {"title": "Taken over."}),
        ("delete", f"{M}/{milestone.pk}/", None),
        ("post", f"{M}/{milestone.pk}/achieve/", {"achieved": False}),
        ("post", f"{M}/{milestone.pk}/story/", None),
    ]


def _unchanged(entry, milestone):
    entry_now = JournalEntry.objects.get(pk=entry.pk)
    milestone_now = Milestone.objects.get(pk=milestone.pk)
    assert entry_now.body == entry.body and entry_now.edited_at is None
    assert milestone_now.title == milestone.title and milestone_now.achieved_at is not None
    assert milestone_now.story_id is None
    assert not Story.objects.exists()


@pytest.mark.parametrize("role", ["member", "facilitator", "moderator"])
def test_no_one_else_reaches_them_through_any_page(client, others, entry, milestone, role):
    client.force_login(others[role])
    for method, url, data in _html_doors(entry, milestone):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (role, method, url)
        assert SECRET not in response.content.decode()
    _unchanged(entry, milestone)


@pytest.mark.parametrize("role", ["member", "facilitator", "moderator"])
def test_no_one_else_reaches_them_through_the_api(others, entry, milestone, role):
    client = api(others[role])
    for method, url, body in _api_doors(entry, milestone):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (role, method, url, response.content)
        assert response.json()["code"] == "not_found"
        assert SECRET not in response.content.decode()
    _unchanged(entry, milestone)


@pytest.mark.parametrize("role", ["member", "facilitator", "moderator"])
def test_their_lists_and_searches_never_include_them(client, others, entry, milestone, role):
    user = others[role]
    client.force_login(user)
    for url in (reverse("journal:list"), reverse("milestones:list")):
        assert SECRET not in client.get(url).content.decode()
    page = client.post(reverse("journal:search"), {"q": SECRET}).content.decode()
    assert SECRET not in page.replace(f'value="{SECRET}"', "")
    assert "0 entries found" in page
    rest = api(user)
    assert rest.get(f"{J}/").json()["count"] == 0
    assert rest.get(f"{M}/").json()["count"] == 0
    assert rest.post(f"{J}/search/", {"q": SECRET}, format="json").json()["count"] == 0


def test_a_token_of_someone_else_reaches_nothing_either(others, entry):
    from community import tokens

    _token, secret = tokens.api_token_create(owner=others["moderator"], name="Laptop")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(f"{J}/{entry.pk}/").status_code == 404
    assert client.get(f"{J}/").json()["count"] == 0


def test_a_visitor_is_sent_to_log_in_or_refused(client, entry, milestone):
    for method, url, data in [
        ("get", reverse("journal:list"), {}),
        ("get", reverse("milestones:list"), {}),
        ("post", reverse("journal:search"), {"q": SECRET}),
        *_html_doors(entry, milestone),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    for method, url, body in [
        ("get", f"{J}/", None),
        ("post", f"{J}/search/", {"q": SECRET}),
        ("get", f"{J}/prompts/", None),
        *_api_doors(entry, milestone),
    ]:
        response = getattr(api(), method)(url, body, format="json")
        assert response.status_code == 403, url
        assert response.json()["code"] == "not_authenticated"
    _unchanged(entry, milestone)


def test_junk_ids_are_404(owner):
    client = api(owner)
    for url in (f"{J}/abc/", f"{J}/99999999999999999999999/", f"{M}/0/"):
        assert client.get(url).json()["code"] == "not_found"


# --- the owner's REST door --------------------------------------------------------------------


def test_owner_writes_reads_edits_and_deletes_through_the_api(owner):
    client = api(owner)
    created = client.post(f"{J}/", {"body": "I *waited*.", "prompt_key": "waiting"}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["signpost"] is None and "<em>waited</em>" in body["html"] and body["prompt"]
    url = f"{J}/{body['id']}/"
    assert client.get(url).json()["body"] == "I *waited*."
    edited = client.patch(url, {"body": "Edited.", "prompt_key": ""}, format="json").json()
    assert edited["body"] == "Edited." and edited["prompt"] == "" and edited["edited_at"]
    assert client.get(f"{J}/").json()["count"] == 1
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_a_risky_entry_through_the_api_carries_help_and_nobody_is_told(owner):
    response = api(owner).post(f"{J}/", {"body": URGENT_TEXT}, format="json")
    assert response.status_code == 201
    signpost = response.json()["signpost"]
    assert signpost["tier"] == "urgent" and signpost["resources"]
    assert not QueueItem.objects.exists() and not Signpost.objects.exists()


def test_api_refusals_say_which_field(owner):
    client = api(owner)
    empty = client.post(f"{J}/", {"body": " "}, format="json")
    assert empty.status_code == 400 and "body" in empty.json()["fields"]
    prompt = client.post(f"{J}/", {"body": "Hi.", "prompt_key": "nope"}, format="json")
    assert prompt.status_code == 400 and "prompt_key" in prompt.json()["fields"]
    long_title = client.post(f"{M}/", {"title": "x" * 121}, format="json")
    assert long_title.status_code == 400 and "title" in long_title.json()["fields"]


def test_api_rate_limit_is_429_with_retry_after(owner, monkeypatch):
    monkeypatch.setattr(journal_services, "MILESTONES_PER_HOUR", 1)
    client = api(owner)
    assert client.post(f"{M}/", {"title": "One"}, format="json").status_code == 201
    response = client.post(f"{M}/", {"title": "Two"}, format="json")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["code"] == "rate_limited" and response.json()["retry_after"] > 0


def test_api_search_prompts_achieve_and_story(owner, entry, milestone):
    client = api(owner)
    found = client.post(f"{J}/search/", {"q": f"{SECRET} TEA"}, format="json").json()
    assert [row["id"] for row in found["results"]] == [entry.pk]
    short = client.post(f"{J}/search/", {"q": "a"}, format="json")
    assert short.status_code == 400 and short.json()["code"] == "invalid_query"
    prompts = client.get(f"{J}/prompts/").json()
    assert {"key", "step", "text"} <= set(prompts[0]) and len(prompts) >= 8
    undone = client.post(f"{M}/{milestone.pk}/achieve/", {"achieved": False}, format="json")
    assert undone.json()["achieved_at"] is None
    done = client.post(f"{M}/{milestone.pk}/achieve/", {"achieved": True}, format="json")
    assert done.json()["achieved_at"]
    first = client.post(f"{M}/{milestone.pk}/story/")
    assert first.status_code == 201
    story = first.json()
    assert story["state"] == "draft"
    assert story["url"] == reverse("stories:edit", kwargs={"story_id": story["id"]})
    second = client.post(f"{M}/{milestone.pk}/story/")
    assert second.status_code == 200 and second.json()["id"] == story["id"]
    assert client.get(f"{M}/{milestone.pk}/").json()["story"] == story["id"]
