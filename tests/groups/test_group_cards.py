"""`{% group_card %}` (groups/templatetags/group_cards.py), the group list's cards written in
Python for speed: names and purposes are escaped, each standing gets its one action, the join
form works with CSRF checks on, and a visitor gets no CSRF cookie."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from groups.models import Membership
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def settled(**extra):
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **extra)


def card(page: str, slug: str) -> str:
    match = re.search(
        rf'<li class="group-card"><h2 class="group-card__name"><a href="/groups/{slug}/">.*?</li>',
        page,
        re.S,
    )
    assert match, f"no card for {slug}"
    return match.group(0)


def test_names_and_purposes_are_escaped_and_line_breaks_kept(client):
    GroupFactory(
        slug="tom-and-jerry",
        name="<script>alert(1)</script> & friends",
        purpose="First line\nSecond <b>line</b>",
    )
    page = client.get("/groups/").content.decode()

    assert "<script>alert(1)" not in page
    shown = card(page, "tom-and-jerry")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends</a></h2>" in shown
    assert "<p>First line<br>Second &lt;b&gt;line&lt;/b&gt;</p>" in shown


def test_each_standing_gets_its_own_action():
    member = settled()
    groups = {
        state: GroupFactory(slug=f"group-{state}", name=f"Group {state}")
        for state in ("active", "facilitator", "requested", "removed", "open", "private")
    }
    groups["private"].visibility = "private"
    groups["private"].save()
    MembershipFactory(group=groups["active"], member=member)
    MembershipFactory(group=groups["facilitator"], member=member, role="facilitator")
    MembershipFactory(group=groups["requested"], member=member, state="requested")
    MembershipFactory(group=groups["removed"], member=member, state="removed")
    client = Client()
    client.force_login(member)
    page = client.get("/groups/").content.decode()

    assert '<a class="button" href="/groups/group-active/room/">Go to the room' in card(
        page, "group-active"
    )
    assert "You facilitate this group" in card(page, "group-facilitator")
    assert "See your request" in card(page, "group-requested")
    assert "About this group" in card(page, "group-removed")
    assert 'action="/groups/group-open/join/"' in card(page, "group-open")
    assert 'href="/groups/group-private/#join">Ask to join' in card(page, "group-private")
    for url in ("/groups/group-active/room/", "/groups/group-requested/", "/groups/group-private/"):
        assert client.get(url).status_code == 200, url


def test_the_join_form_works_with_csrf_checks_on():
    member = settled()
    group = GroupFactory(slug="open-door", name="Open door")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    shown = card(client.get("/groups/").content.decode(), "open-door")
    form = re.search(
        r'<form method="post" action="(/groups/open-door/join/)" class="inline-form">'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)">',
        shown,
    )
    assert form, shown

    client.post(form.group(1), {"csrfmiddlewaretoken": form.group(2)})

    assert Membership.objects.get(group=group, member=member).state == "active"


def test_a_visitor_gets_read_more_links_and_no_csrf_cookie(client):
    GroupFactory(slug="quiet-room", name="Quiet room")
    response = client.get("/groups/")

    shown = card(response.content.decode(), "quiet-room")
    assert '<a class="button button--quiet" href="/groups/quiet-room/">Read more' in shown
    assert "csrftoken" not in response.cookies
