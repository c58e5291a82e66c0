"""The private space at /me/ is the member's alone, through every door (issue 11).

A sweep over every URL pattern of the self-check, journal, milestones and mood check-ins, HTML
and REST: another member, a facilitator of the owner's group and a moderator (staff too) get
404 for each of the owner's rows, with every method, and the row is unchanged; their lists,
searches, series and charts never show the owner's words; the moderators' pages and the admin
have no door to them either. Each feature's own tests cover its details; this one fails when a
new route forgets the owner check.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from community import journal_services, mood_services, selfcheck, selfcheck_services
from community.models import JournalEntry, Milestone, MoodCheckIn, SelfCheck
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SECRET = "zq-private-4f7"
PRIVATE_PREFIXES = ("me/self-check/", "me/journal/", "me/milestones/", "me/mood/")
API_PRIVATE_PREFIXES = tuple(f"api/v1/{prefix}" for prefix in PRIVATE_PREFIXES)
ID_KWARGS = {"check_id", "entry_id", "milestone_id", "checkin_id"}


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def private_routes() -> list[str]:
    """Every route of the private space with an id in it, HTML and REST."""
    return sorted(
        route
        for route in _patterns(get_resolver())
        if route.startswith(PRIVATE_PREFIXES + API_PRIVATE_PREFIXES)
        and any(f":{name}>" in route for name in ID_KWARGS)
    )


@pytest.fixture
def people():
    group = GroupFactory(slug="evenings")
    owner = MemberFactory(pseudonym="Owner Quill")
    MembershipFactory(group=group, member=owner)
    facilitator = MemberFactory(pseudonym="Fac Ilitator")
    MembershipFactory(group=group, member=facilitator, role="facilitator")
    moderator = MemberFactory(pseudonym="Mo Derator", is_moderator=True, is_staff=True)
    other = MemberFactory(pseudonym="Someone Else")
    return {"owner": owner, "facilitator": facilitator, "moderator": moderator, "other": other}


@pytest.fixture
def owned(people):
    owner = people["owner"]
    check = selfcheck_services.self_check_submit(
        actor=owner, answers=dict.fromkeys(selfcheck.ITEM_KEYS, 4)
    )
    entry, _ = journal_services.journal_entry_create(actor=owner, body=f"Dear diary {SECRET}")
    milestone, _ = journal_services.milestone_create(actor=owner, title=f"Waited {SECRET}")
    checkin, _ = mood_services.mood_check_in(actor=owner, mood=2, note=f"Low {SECRET}")
    return {
        "check_id": check.pk,
        "entry_id": entry.pk,
        "milestone_id": milestone.pk,
        "checkin_id": checkin.pk,
    }


def _url(route: str, ids: dict) -> str:
    path = "/" + route
    for name, value in ids.items():
        for converter in ("int", "str"):
            path = path.replace(f"<{converter}:{name}>", str(value))
    return path


def _snapshot() -> list:
    return [
        list(model.objects.order_by("pk").values())
        for model in (SelfCheck, JournalEntry, Milestone, MoodCheckIn)
    ]


def test_the_sweep_finds_the_routes_of_all_four_features():
    routes = private_routes()
    for prefix in PRIVATE_PREFIXES:
        assert any(route.startswith(prefix) for route in routes), prefix
        assert any(route.startswith("api/v1/" + prefix) for route in routes), prefix


@pytest.mark.parametrize("who", ["other", "facilitator", "moderator"])
def test_nobody_else_reaches_any_private_row_by_any_route_or_method(people, owned, who):
    client = Client()
    client.force_login(people[who])
    before = _snapshot()
    for route in private_routes():
        url = _url(route, owned)
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(url, content_type="application/json")
            assert response.status_code in (404, 405), (who, method, url, response.status_code)
            assert SECRET not in response.content.decode(errors="replace")
    assert _snapshot() == before


def test_the_owner_reaches_them(people, owned):
    client = Client()
    client.force_login(people["owner"])
    reached = [
        route for route in private_routes() if client.get(_url(route, owned)).status_code == 200
    ]
    # So the sweep above used ids that exist: the owner reads a row of every feature, by page
    # (the mood page has no page per check-in, only its delete confirmation) and by API.
    for prefix in PRIVATE_PREFIXES + API_PRIVATE_PREFIXES:
        assert any(route.startswith(prefix) for route in reached), prefix


LISTS = [
    "selfcheck:form",
    "selfcheck:history",
    "journal:list",
    "milestones:list",
    "mood:index",
    "api-self-checks",
    "api-journal",
    "api-milestones",
    "api-mood",
    "api-mood-series",
    "api-mood-chart",
    "me",
    "home",
    "moderation:queue",
]


@pytest.mark.parametrize("who", ["other", "facilitator", "moderator"])
def test_no_list_chart_search_or_moderation_page_shows_the_owners_words(people, owned, who):
    client = Client()
    client.force_login(people[who])
    for name in LISTS:
        response = client.get(reverse(name))
        assert SECRET not in response.content.decode(errors="replace"), name
    searched = client.post(reverse("api-journal-search"), {"q": SECRET}, "application/json")
    assert searched.status_code == 200 and searched.json()["count"] == 0
    page = client.post(reverse("journal:search"), {"q": SECRET})
    assert SECRET not in page.content.decode().replace(f'value="{SECRET}"', "")


def test_the_admin_has_no_door_to_the_private_space(people, owned):
    from django.contrib import admin

    for model in (SelfCheck, JournalEntry, Milestone, MoodCheckIn):
        assert not admin.site.is_registered(model)
    superuser = MemberFactory(pseudonym="Root Admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "journal" not in index.content.decode().lower()
