"""Security and privacy headers on every page type, for every role.

Every address in the URL configuration is requested (ids and slugs filled in from real objects)
by a visitor, a member and a moderator; every answer, whatever its status, carries the security
headers, and every answer that is private (a signed-in person, a token caller, a private prefix)
says `Cache-Control: no-store`. A second test fails when a new top-level prefix appears that
nobody has decided is public or private."""

from __future__ import annotations

import re

import pytest
from django.contrib.admindocs.views import simplify_regex
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from community.forum_services import category_for_group
from community.privacy_middleware import PERMISSIONS_POLICY, PRIVATE_PREFIXES
from community.tokens import api_token_create
from moderation.models import QueueItem, ReplyTemplate
from tests.community.forum_helpers import join, make_category, make_post, make_thread
from tests.community.story_helpers import settled, write
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# Top-level path segments anyone may read without the answer being private. Each entry is a
# decision: a page under a new prefix must be added here or covered by PRIVATE_PREFIXES.
PUBLIC_PREFIXES = {
    "",  # the home page
    "help",
    "guidelines",
    "privacy",
    "forums",
    "stories",
    "groups",
    "api/v1/help",
    "api/v1/groups",
    "api/v1/ignores",  # a member's own list: private by the signed-in rule, never public data
    "api/v1/forums",
    "api/v1/notifications",  # needs a signed-in member or token, so no-store by those rules
    "api/v1/stories",
    "api/schema",
    "api/docs",
    "healthz",
}

# Admin pages are many and alike; their index and login stand for them all.
ADMIN_PATHS = ["/admin/", "/admin/login/"]


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def all_routes() -> list[str]:
    """Every route in the URL configuration, as "/path/<int:thread_id>/" (regex routes, from
    the admin and DRF's router, made readable by simplify_regex)."""
    routes = []
    for route in _walk(get_resolver().url_patterns):
        if any(mark in route for mark in "^$("):
            routes.append(simplify_regex(route))
        else:
            routes.append("/" + route)
    return routes


def top_level_prefix(path: str) -> str:
    """ "/forums/threads/1/" -> "forums"; "/api/v1/me/x/" -> "api/v1/me"."""
    parts = [part for part in path.strip("/").split("/") if part]
    if not parts:
        return ""
    if parts[0] == "api" and len(parts) > 1:
        depth = 3 if parts[1] == "v1" and len(parts) > 2 else 2
        return "/".join(parts[:depth])
    return parts[0]


def is_private_path(path: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES)


@pytest.fixture
def world(db):
    member = settled(pseudonym="Hana Header")
    moderator = MemberFactory(pseudonym="Mona Header", is_moderator=True, is_staff=True)
    group = GroupFactory(name="Header circle", slug="header-circle")
    join(group, member)
    requester = MemberFactory(pseudonym="Rae Request")
    request = MembershipFactory(group=group, member=requester, state="requested")
    group_category = category_for_group(group)
    public = make_category()
    thread = make_thread(public, member, title="A quiet evening")
    post = make_post(thread, member, body="Thank you for this.")
    make_thread(group_category, member, title="In the circle")
    story = write(member).story
    item = QueueItem.objects.order_by("pk").first()
    template = ReplyTemplate.objects.create(kind="support", title="Warm words", body="We hear you.")
    token, secret = api_token_create(owner=member, name="header test")
    ids = {
        "thread_id": thread.pk,
        "post_id": post.pk,
        "story_id": story.pk,
        "item_id": item.pk,
        "template_id": template.pk,
        "membership_id": request.pk,
        "pk": request.pk,
        "token_id": token.pk,
        "appeal_id": 1,
        "message_id": 1,
    }
    return {
        "member": member,
        "moderator": moderator,
        "group": group,
        "category": public,
        "ids": ids,
        "secret": secret,
    }


def concrete(route: str, world) -> str:
    """The route with each <converter:name> replaced by a real value."""

    def value(match: re.Match) -> str:
        name = match.group("name")
        if name in world["ids"]:
            return str(world["ids"][name])
        if name == "slug":
            return world["category"].slug if route.startswith("/forums/") else world["group"].slug
        if name == "pseudonym":
            return world["member"].pseudonym
        if name == "kind":
            return "hug"
        return "x"

    return re.sub(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>", value, route)


def page_paths(world) -> list[str]:
    paths = [concrete(route, world) for route in all_routes() if not route.startswith("/admin/")]
    return sorted(set(paths)) + ADMIN_PATHS + ["/no-such-page/", "/help/?country=GB"]


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def assert_security_headers(response, where: str) -> None:
    csp = response["Content-Security-Policy"]
    for directive in csp.split(";"):
        name, *sources = directive.split()
        for source in sources:
            # Keywords ('self', 'none', nonces) and the data: scheme load from nowhere else;
            # anything else (a host, https:, *) would let another origin in.
            assert source.startswith("'") or source == "data:", f"{where}: {name} {source}"
    assert "'self'" in csp
    assert response["X-Frame-Options"] == "DENY", where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY, where
    assert response["Cross-Origin-Resource-Policy"] == "same-origin", where


def assert_no_store(response, where: str) -> None:
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control, f"{where}: {cache_control!r}"


@pytest.mark.parametrize("role", ["visitor", "member", "moderator"])
def test_every_page_type_sends_the_security_headers_and_private_ones_no_store(world, role):
    person = world.get(role)
    client = client_for(person)
    statuses = {}
    for path in page_paths(world):
        response = client.get(path)
        where = f"{role} GET {path} -> {response.status_code}"
        statuses[path] = response.status_code
        assert_security_headers(response, where)
        if person is not None or is_private_path(path):
            assert_no_store(response, where)
    # The walk reaches real pages, not only 404s: the objects above fill the ids in.
    assert statuses["/"] == 200
    assert statuses["/privacy/"] == 200
    assert statuses["/api/schema/"] == 200
    assert statuses["/api/docs/"] == 200
    assert statuses[f"/forums/threads/{world['ids']['thread_id']}/"] == 200
    assert statuses["/no-such-page/"] == 404
    if role == "moderator":
        assert statuses["/moderation/"] == 200
        assert statuses[f"/moderation/items/{world['ids']['item_id']}/"] == 200
    if role != "visitor":
        assert statuses["/me/"] == 200
        assert statuses[f"/groups/{world['group'].slug}/"] == 200


def test_public_pages_for_visitors_may_be_cached_but_private_prefixes_may_not(world):
    client = client_for(None)
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    assert "no-store" not in client.get("/forums/").get("Cache-Control", "")
    for path in ("/me/", "/moderation/", "/accounts/login/", "/admin/login/", "/notifications/"):
        assert_no_store(client.get(path), path)
    for path in ("/api/v1/me/", "/api/v1/moderation/queue/"):
        assert_no_store(client.get(path), path)


def test_health_check_and_login_page_send_the_headers(world):
    client = client_for(None)
    for path in ("/healthz", reverse("login"), "/admin/login/"):
        response = client.get(path)
        assert_security_headers(response, path)
        assert_no_store(response, path)


def test_api_answers_to_a_token_caller_are_never_stored(world):
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {world['secret']}"}
    for path in (
        "/api/v1/me/",
        "/api/v1/groups/",
        "/api/v1/forums/categories/",
        "/api/v1/stories/",
    ):
        response = client.get(path, **auth)
        assert response.status_code == 200, path
        assert_security_headers(response, path)
        assert_no_store(response, path)
    bad = client.get("/api/v1/groups/", HTTP_AUTHORIZATION="Bearer sg_not-a-real-token")
    assert bad.status_code == 401
    assert_no_store(bad, "bad token")


def test_error_answers_send_the_headers(world):
    # 403: a form posted without its CSRF token.
    strict = Client(enforce_csrf_checks=True)
    forbidden = strict.post(reverse("login"), {"username": "x", "password": "y"})
    assert forbidden.status_code == 403
    assert_security_headers(forbidden, "403")
    assert_no_store(forbidden, "403")
    # 400: malformed JSON to the API from a signed-in member.
    member = client_for(world["member"])
    bad = member.post("/api/v1/me/tokens/", "{not json", content_type="application/json")
    assert bad.status_code == 400
    assert_security_headers(bad, "400")
    assert_no_store(bad, "400")
    # 404 for a visitor on a public prefix.
    missing = client_for(None).get("/forums/threads/999999/")
    assert missing.status_code == 404
    assert_security_headers(missing, "404")


def test_answers_made_before_the_view_send_the_headers_too(world):
    # The added-slash redirect comes from CommonMiddleware, before sign-in is read: a member's
    # session cookie is enough to keep it out of caches.
    redirect = client_for(world["member"]).get("/me")
    assert redirect.status_code == 301
    assert_security_headers(redirect, "301")
    assert_no_store(redirect, "301")
    # A host the site doesn't serve.
    refused = client_for(world["member"]).get("/", headers={"host": "elsewhere.example"})
    assert refused.status_code == 400
    assert_no_store(refused, "400 bad host")


def test_a_view_that_set_its_own_no_store_keeps_it(world):
    response = client_for(world["member"]).post(reverse("me-tokens"), {"name": "laptop"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_every_top_level_prefix_is_decided_public_or_private():
    undecided = sorted(
        {
            top_level_prefix(route)
            for route in all_routes()
            if not is_private_path(route) and top_level_prefix(route) not in PUBLIC_PREFIXES
        }
    )
    assert undecided == [], (
        "New top-level paths: add them to PRIVATE_PREFIXES in community/privacy_middleware.py "
        "(their answers are never cached) or to PUBLIC_PREFIXES here if anyone may read them."
    )
