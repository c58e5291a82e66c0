"""Every API list that can grow is paged the same way, `{count, next, previous, results}` with
`?page=N`, a page past the end is 404, and reading a page costs the same number of queries
however many rows there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from community import api_pages
from community.models import ProfileText
from groups.models import MemberIgnore, Membership
from moderation import services
from moderation.models import Report
from tests.community.forum_helpers import make_category, make_thread
from tests.community.story_helpers import make_story
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

PER_PAGE = 2


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(api_pages, "API_PAGE_SIZE", PER_PAGE)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _about(author):
    body = f"Some words about {author.pseudonym}."
    return ProfileText.objects.create(author=author, body=body, body_html=f"<p>{body}</p>")


# Each case: (url, who reads it, a function adding `n` rows that reader sees).


def _groups(reader, n):
    for _ in range(n):
        GroupFactory()
    return "/api/v1/groups/"


def _ignores(reader, n):
    for _ in range(n):
        MemberIgnore.objects.create(member=reader, ignored=MemberFactory())
    return "/api/v1/ignores/"


def _join_requests(reader, n):
    group = GroupFactory()
    MembershipFactory(group=group, member=reader, role=Membership.Role.FACILITATOR)
    for _ in range(n):
        MembershipFactory(group=group, state=Membership.State.REQUESTED)
    return f"/api/v1/groups/{group.slug}/requests/"


def _my_stories(reader, n):
    for number in range(n):
        make_story(reader, title=f"Story {number}")
    return "/api/v1/stories/mine/"


def _my_reports(reader, n):
    for _ in range(n):
        services.content_report(
            actor=reader, content=_about(MemberFactory()), reason=Report.Reason.SPAM
        )
    return "/api/v1/me/reports/"


def _removed_threads(author, moderator, n):
    category = make_category()
    return [
        services.content_remove(
            actor=moderator, content=make_thread(category, author), reason="Not here."
        )
        for _ in range(n)
    ]


def _my_appeals(reader, n):
    moderator = MemberFactory(is_moderator=True)
    for content in _removed_threads(reader, moderator, n):
        services.appeal_submit(actor=reader, content=content, text="Please look again.")
    return "/api/v1/me/appeals/"


def _appeals_to_decide(reader, n):
    acting = MemberFactory(is_moderator=True)
    for _ in range(n):
        author = MemberFactory()
        [content] = _removed_threads(author, acting, 1)
        services.appeal_submit(actor=author, content=content, text="Please look again.")
    return "/api/v1/moderation/appeals/"


# name: (seed, reader is a moderator, queries to read a page with a token-less client)
LISTS = {
    "groups": (_groups, False, 2),
    "ignores": (_ignores, False, 2),
    "join requests": (_join_requests, True, 3),
    "my stories": (_my_stories, False, 2),
    "my reports": (_my_reports, False, 2),
    "my appeals": (_my_appeals, False, 2),
    "appeals to decide": (_appeals_to_decide, True, 2),
}


def _reader(moderator: bool):
    return MemberFactory(is_moderator=moderator)


@pytest.mark.parametrize("name", LISTS)
def test_lists_come_in_pages_with_links_and_a_count(name):
    seed, as_moderator, _queries = LISTS[name]
    reader = _reader(as_moderator)
    url = seed(reader, 5)
    client = _client(reader)
    first = client.get(url)
    assert first.status_code == 200, first.content[:300]
    body = first.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] >= 5
    assert len(body["results"]) == PER_PAGE
    assert body["previous"] is None and "page=2" in body["next"]
    pages = [body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        pages.append(body["results"])
    rows = [row for page in pages for row in page]
    assert len(rows) == body["count"]
    assert len({str(sorted(row.items())) for row in rows}) == len(rows)  # no row twice
    assert client.get(f"{url}?page={len(pages) + 1}").status_code == 404
    assert client.get(f"{url}?page=0").status_code == 404
    assert client.get(f"{url}?page=two").status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_a_page_costs_the_same_queries_at_any_length(name):
    seed, as_moderator, expected = LISTS[name]
    counts = []
    for rows in (3, 12):
        reader = _reader(as_moderator)
        url = seed(reader, rows)
        client = _client(reader)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
        for model in (MemberIgnore, Report):
            model.objects.all().delete()
    assert counts == [expected, expected]
