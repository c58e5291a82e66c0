"""The review dashboard's other pages: queue health (/moderation/health/), the audit log
(/moderation/audit/) and the message templates (/moderation/templates/...).

Who may open what: moderators everything; facilitators only the health page, counting only
their own groups; members and visitors get 404 from every page, for every method."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst

from community.models import ProfileText
from moderation import services
from moderation.models import (
    AuditLogIsAppendOnly,
    ModerationAction,
    QueueItem,
    ReplyTemplate,
)
from moderation.queue_selectors import AUDIT_ROWS_PER_PAGE
from tests.factories import GroupFactory, MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db

R = QueueItem.Reason
V = ModerationAction.Verb
HEALTH = "/moderation/health/"
AUDIT = "/moderation/audit/"
TEMPLATES = "/moderation/templates/"
NEW_TEMPLATE = "/moderation/templates/new/"
SIZES = (5, 50)

# Health page, moderator: session, member, open counts, waiting times, the two daily series,
# the urgent count in the header, the bell.
HEALTH_PAGE_MODERATOR = 8
# A facilitator also pays for their groups: once to open the page, twice for the header.
HEALTH_PAGE_FACILITATOR = HEALTH_PAGE_MODERATOR + 3
# Audit page: session, member, urgent count, entry count, one page of entries (with who acted,
# whom it concerned and the kind of content), the bell.
AUDIT_PAGE = 6


# --- people and things ---------------------------------------------------------------------------


@pytest.fixture
def group_a(db):
    return GroupFactory(name="Calm Harbour", slug="calm-harbour")


@pytest.fixture
def group_b(db):
    return GroupFactory(name="Other Shore", slug="other-shore")


@pytest.fixture
def facilitator(group_a):
    person = MemberFactory(pseudonym="Fay Facilitator")
    MembershipFactory(group=group_a, member=person, role="facilitator")
    return person


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


@pytest.fixture
def mod_client(moderator):
    return client_for(moderator)


@pytest.fixture
def fac_client(facilitator):
    return client_for(facilitator)


class Items:
    """Queue items pointing at real profile texts (a fresh one per item, so open items never
    repeat a content and reason)."""

    def __init__(self) -> None:
        self.content_type = ContentType.objects.get_for_model(ProfileText)

    def make(self, reason=R.REVIEW, *, age=timedelta(minutes=1), group=None, **times):
        author = MemberFactory()
        content = ProfileText.objects.create(
            author=author, body="About me", body_html="<p>About me</p>"
        )
        now = timezone.now()
        created_at = now - age
        claimed_at = created_at + times["claimed_after"] if "claimed_after" in times else None
        resolved_at = created_at + times["resolved_after"] if "resolved_after" in times else None
        state = QueueItem.State.OPEN
        if resolved_at is not None:
            state = QueueItem.State.RESOLVED
        elif claimed_at is not None:
            state = QueueItem.State.CLAIMED
        return QueueItem.objects.create(
            content_type=self.content_type,
            object_id=content.pk,
            reason=reason,
            priority=QueueItem.PRIORITY[reason],
            created_at=created_at,
            claimed_at=claimed_at,
            resolved_at=resolved_at,
            state=state,
            group=group,
            member=author,
            snapshot="About me",
        )


@pytest.fixture
def items(db) -> Items:
    return Items()


@pytest.fixture
def a_template(db):
    return ReplyTemplate.objects.create(
        kind=ReplyTemplate.Kind.REMOVAL, title="Off topic", body="This belongs elsewhere."
    )


def all_page_urls(template: ReplyTemplate) -> list[str]:
    return [
        HEALTH,
        AUDIT,
        TEMPLATES,
        NEW_TEMPLATE,
        NEW_TEMPLATE + "?kind=support",
        f"/moderation/templates/{template.pk}/",
        f"/moderation/templates/{template.pk}/delete/",
    ]


def band_cells(page: str, band: str) -> tuple[str, str]:
    """The open and overdue cells of one priority band's row on the health page."""
    match = re.search(
        rf'<tr class="mod-band mod-band--{band}[^"]*">\s*<th scope="row">[^<]*</th>\s*'
        r"<td>(.*?)</td>\s*<td>(.*?)</td>",
        page,
        re.S,
    )
    assert match, f"no row for {band}"
    return match.group(1).strip(), re.sub(r"<[^>]+>", "", match.group(2)).strip()


# --- addresses and scope ------------------------------------------------------------------------


def test_pages_are_named_in_the_moderation_namespace(a_template):
    assert reverse("moderation:health") == HEALTH
    assert reverse("moderation:audit") == AUDIT
    assert reverse("moderation:templates") == TEMPLATES
    assert reverse("moderation:template-new") == NEW_TEMPLATE
    assert reverse("moderation:template-edit", args=[a_template.pk]) == all_page_urls(a_template)[5]
    assert (
        reverse("moderation:template-delete", args=[a_template.pk]) == all_page_urls(a_template)[6]
    )


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_visitors_and_members_get_404_from_every_page_and_method(role, member, a_template):
    client = client_for(member if role == "member" else None)
    for url in all_page_urls(a_template):
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"title": "x", "body": "y", "kind": "removal"})
            assert response.status_code == 404, (role, method, url)
    assert ReplyTemplate.objects.get(pk=a_template.pk).title == "Off topic"
    assert not ModerationAction.objects.exists()


def test_former_facilitator_gets_404(group_a, a_template):
    person = MemberFactory()
    MembershipFactory(group=group_a, member=person, role="facilitator", state="left")
    client = client_for(person)
    for url in all_page_urls(a_template):
        assert client.get(url).status_code == 404, url


def test_facilitators_may_see_health_but_not_the_audit_log_or_templates(fac_client, a_template):
    assert fac_client.get(HEALTH).status_code == 200
    for url in all_page_urls(a_template)[1:]:
        assert fac_client.get(url).status_code == 404, url
        assert fac_client.post(url, {"title": "T", "body": "B", "kind": "removal"}).status_code == (
            404
        ), url
    assert ReplyTemplate.objects.filter(pk=a_template.pk).exists()
    assert not ModerationAction.objects.exists()


def test_facilitators_menu_has_no_links_to_moderator_only_pages(fac_client):
    page = fac_client.get(HEALTH).content.decode()
    assert AUDIT not in page
    assert TEMPLATES not in page


def test_moderators_menu_links_every_page(mod_client):
    page = mod_client.get(HEALTH).content.decode()
    for url in (AUDIT, TEMPLATES, HEALTH):
        assert f'href="{url}"' in page


# --- queue health ---------------------------------------------------------------------------------


def test_health_counts_open_items_per_band_and_says_which_are_overdue(mod_client, items):
    items.make(R.CRISIS_URGENT, age=timedelta(minutes=6))  # overdue after 5 minutes
    items.make(R.CRISIS_URGENT, age=timedelta(minutes=2))
    items.make(R.CRISIS_CONCERN, age=timedelta(hours=1))
    items.make(R.REPORT, age=timedelta(hours=25))  # overdue after 24 hours
    items.make(R.REPORT, age=timedelta(hours=2), claimed_after=timedelta(minutes=5))
    items.make(R.REVIEW, age=timedelta(hours=30), resolved_after=timedelta(hours=1))  # resolved

    response = mod_client.get(HEALTH)

    assert response.status_code == 200
    page = response.content.decode()
    assert band_cells(page, "urgent") == ("2", "1 overdue")
    assert band_cells(page, "concern") == ("1", "none overdue")
    assert band_cells(page, "reports") == ("2", "1 overdue")
    assert band_cells(page, "holds") == ("0", "none overdue")
    assert 'class="mod-band mod-band--urgent mod-band--overdue"' in page
    assert "Everything in the community is counted here." in page


def test_health_says_the_thresholds_in_words(mod_client):
    page = mod_client.get(HEALTH).content.decode()
    assert "more than 5 minutes" in page
    assert "more than 24 hours" in page


@override_settings(MODERATION_AGEING_URGENT_MINUTES=1, MODERATION_AGEING_OTHER_HOURS=2)
def test_health_thresholds_follow_settings(mod_client, items):
    items.make(R.REPORT, age=timedelta(hours=3))
    page = mod_client.get(HEALTH).content.decode()
    assert "more than 1 minute;" in page
    assert "more than 2 hours." in page
    assert band_cells(page, "reports") == ("1", "1 overdue")


def test_health_shows_median_and_p90_waiting_times_over_the_last_week(mod_client, items):
    for minutes in (10, 10, 30):
        items.make(
            R.REPORT,
            age=timedelta(hours=3),
            claimed_after=timedelta(minutes=minutes),
            resolved_after=timedelta(hours=2),
        )
    items.make(R.REPORT, age=timedelta(days=8), claimed_after=timedelta(days=1))  # too old

    page = mod_client.get(HEALTH).content.decode()

    first_action = re.search(
        r"Time to first action</th><td>(.*?)</td><td>(.*?)</td><td>(\d+)", page
    )
    assert first_action.groups() == ("10 min", "30 min", "3")
    resolution = re.search(r"Time to resolution</th><td>(.*?)</td><td>(.*?)</td><td>(\d+)", page)
    assert resolution.groups() == ("2 h", "2 h", "3")
    assert "3 items came in over this time." in page


def test_health_with_an_empty_queue_says_there_is_no_data(mod_client):
    page = mod_client.get(HEALTH).content.decode()
    assert page.count("no data") == 4
    assert band_cells(page, "urgent") == ("0", "none overdue")


def test_health_draws_the_chart_with_the_same_numbers_in_a_table(mod_client, items):
    items.make(R.REPORT, age=timedelta(minutes=30), resolved_after=timedelta(minutes=10))
    items.make(R.REVIEW, age=timedelta(minutes=20))

    page = mod_client.get(HEALTH).content.decode()

    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'role="img"' in page and 'aria-labelledby="health-chart-title health-chart-desc"' in page
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    table = page.split('class="mod-chart-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><th scope=\"row\">.*?</th><td>(\d+)</td><td>(\d+)</td></tr>", table)
    assert len(rows) == 14
    assert sum(int(opened) for opened, _resolved in rows) == 2
    assert sum(int(resolved) for _opened, resolved in rows) == 1


def test_facilitator_health_counts_only_their_groups(
    fac_client, mod_client, items, group_a, group_b
):
    items.make(R.CRISIS_URGENT, age=timedelta(minutes=9), group=group_a)
    items.make(R.REPORT, group=group_a, age=timedelta(hours=1), claimed_after=timedelta(minutes=4))
    for _ in range(3):
        items.make(R.CRISIS_URGENT, age=timedelta(minutes=9), group=group_b)
    items.make(R.REPORT, age=timedelta(hours=1), claimed_after=timedelta(hours=20))  # no group

    page = fac_client.get(HEALTH).content.decode()

    assert "Only the groups you facilitate are counted here." in page
    assert band_cells(page, "urgent") == ("1", "1 overdue")
    assert band_cells(page, "reports") == ("1", "none overdue")
    assert re.search(r"Time to first action</th><td>4 min</td><td>4 min</td><td>1<", page)
    table = page.split('class="mod-chart-table"', 1)[1]
    assert sum(map(int, re.findall(r"<td>(\d+)</td><td>\d+</td></tr>", table))) == 2
    assert 'data-urgent-count="1"' in page

    everything = mod_client.get(HEALTH).content.decode()
    assert band_cells(everything, "urgent") == ("4", "4 overdue")
    assert 'data-urgent-count="4"' in everything


def test_health_page_only_answers_get(mod_client):
    assert mod_client.post(HEALTH).status_code == 405


# --- the audit log ----------------------------------------------------------------------------


def log(verb=V.CONTENT_REMOVED, **fields) -> ModerationAction:
    return ModerationAction.objects.create(verb=verb, **fields)


def test_audit_lists_entries_newest_first_with_everything_a_moderator_needs(
    mod_client, moderator, member
):
    content = ProfileText.objects.create(author=member, body="Hello", body_html="<p>Hello</p>")
    content_type = ContentType.objects.get_for_model(ProfileText)
    log(
        V.CONTENT_HELD,
        member=member,
        content_type=content_type,
        object_id=content.pk,
        created_at=timezone.now() - timedelta(hours=2),
    )
    log(
        V.CONTENT_REMOVED,
        actor=moderator,
        member=member,
        content_type=content_type,
        object_id=content.pk,
        reason="It named another member.",
        details={"resolution": "removed"},
    )

    page = mod_client.get(AUDIT).content.decode()

    rows = re.findall(r'<tr id="entry-\d+">(.*?)</tr>', page, re.S)
    assert len(rows) == 2
    newest, oldest = rows
    assert "Content removed" in newest and moderator.pseudonym in newest
    assert member.pseudonym in newest
    assert f"Profile text #{content.pk}" in newest or f"#{content.pk}" in newest
    assert "It named another member." in newest
    assert "<dt>resolution</dt><dd>removed</dd>" in newest
    assert "the pipeline" in oldest and "Content held by the pipeline" in oldest


def test_audit_shows_actions_written_by_the_services(mod_client, moderator, a_template):
    services.member_sanction(
        actor=moderator,
        member=MemberFactory(pseudonym="Sam Sanctioned"),
        kind="warn",
        reason="Please be gentle.",
    )
    page = mod_client.get(AUDIT).content.decode()
    assert "Member sanctioned" in page
    assert "Sam Sanctioned" in page
    assert "Please be gentle." in page


def test_audit_filters_by_moderator_member_and_action(mod_client, moderator, member):
    other_mod = MemberFactory(pseudonym="Oli Othermod", is_moderator=True)
    log(V.CONTENT_REMOVED, actor=moderator, member=member, reason="first")
    log(V.CONTENT_APPROVED, actor=other_mod, member=member, reason="second")
    log(V.CONTENT_REMOVED, actor=other_mod, reason="third")

    def reasons(query: str) -> list[str]:
        page = mod_client.get(AUDIT + query).content.decode()
        return re.findall(r"<td>(first|second|third)</td>", page)

    assert reasons("") == ["third", "second", "first"]
    assert reasons("?moderator=oli+othermod") == ["third", "second"]
    assert reasons(f"?member={member.pseudonym}") == ["second", "first"]
    assert reasons("?action=content_removed") == ["third", "first"]
    assert reasons("?moderator=Oli+Othermod&action=content_removed") == ["third"]
    assert reasons("?member=nobody") == []
    page = mod_client.get(AUDIT + "?member=nobody").content.decode()
    assert "No entries match these filters." in page
    assert 'value="nobody"' in page


def test_audit_with_an_unknown_action_answers_400_kindly(mod_client):
    log(reason="kept private")
    response = mod_client.get(AUDIT + "?action=rewrite_history&member=Sky")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please choose an action from the list." in page
    assert 'id="id_action_errors"' in page
    assert 'value="Sky"' in page
    assert "kept private" not in page


def test_audit_action_filter_offers_every_action(mod_client):
    page = mod_client.get(AUDIT).content.decode()
    for value, label in V.choices:
        assert f'<option value="{value}">{capfirst(label)}</option>' in page


def test_audit_is_paginated_and_links_keep_the_filters(mod_client, moderator):
    ModerationAction.objects.bulk_create(
        ModerationAction(actor=moderator, verb=V.NOTE_ADDED, reason=f"entry {n}")
        for n in range(AUDIT_ROWS_PER_PAGE + 3)
    )
    query = f"?moderator={moderator.pseudonym.replace(' ', '+')}&action=note_added"
    first = mod_client.get(AUDIT + query).content.decode()
    assert first.count('<tr id="entry-') == AUDIT_ROWS_PER_PAGE
    assert f"entry {AUDIT_ROWS_PER_PAGE + 2}<" in first  # the newest
    assert "moderator=Mo+Moderator&amp;action=note_added&amp;page=2" in first
    second = mod_client.get(AUDIT + query + "&page=2").content.decode()
    assert second.count('<tr id="entry-') == 3
    assert "entry 0<" in second


def test_audit_log_cannot_be_changed_through_the_page(mod_client, moderator):
    row = log(actor=moderator, reason="as it happened")
    for method in ("post", "put", "patch", "delete"):
        response = getattr(mod_client, method)(AUDIT, {"reason": "rewritten"})
        assert response.status_code == 405, method
    page = mod_client.get(AUDIT).content.decode()
    post_forms = re.findall(r'<form[^>]*method="post"[^>]*>', page)
    assert post_forms == [f'<form method="post" action="{reverse("logout")}" class="inline-form">']
    for url in (f"{AUDIT}{row.pk}/", f"{AUDIT}{row.pk}/delete/", f"{AUDIT}{row.pk}/edit/"):
        assert mod_client.post(url).status_code == 404, url
    assert ModerationAction.objects.get(pk=row.pk).reason == "as it happened"


def test_no_address_edits_or_deletes_audit_entries():
    for name in ("audit-edit", "audit-delete", "audit-entry", "audit-detail"):
        with pytest.raises(NoReverseMatch):
            reverse(f"moderation:{name}", args=[1])


def test_audit_log_rows_cannot_be_updated_or_deleted(moderator):
    row = log(actor=moderator, reason="as it happened")
    with pytest.raises(AuditLogIsAppendOnly):
        ModerationAction.objects.filter(pk=row.pk).update(reason="rewritten")
    with pytest.raises(AuditLogIsAppendOnly):
        ModerationAction.objects.filter(pk=row.pk).delete()
    with pytest.raises(AuditLogIsAppendOnly):
        ModerationAction.objects.all().delete()
    row.reason = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        row.save()
    with pytest.raises(AuditLogIsAppendOnly):
        row.delete()
    assert ModerationAction.objects.get(pk=row.pk).reason == "as it happened"


# --- message templates --------------------------------------------------------------------------


def template_changes() -> list[dict]:
    return [
        row.details
        for row in ModerationAction.objects.filter(verb=V.TEMPLATE_CHANGED).order_by("pk")
    ]


def test_templates_page_lists_removal_reasons_and_supportive_messages(mod_client, a_template):
    ReplyTemplate.objects.create(
        kind=ReplyTemplate.Kind.SUPPORT, title="Resting", body="Quietly kept", is_active=False
    )
    page = mod_client.get(TEMPLATES).content.decode()
    assert "Reasons for removal" in page and "Supportive messages" in page
    removal, support = page.split('id="templates-support-heading"', 1)
    assert "Off topic" in removal and "This belongs elsewhere." in removal
    assert "Resting" in support and "not offered" in support
    assert f"/moderation/templates/{a_template.pk}/" in page
    assert f"/moderation/templates/{a_template.pk}/delete/" in page
    assert "/moderation/templates/new/?kind=support" in page
    # The seeded templates are there too.
    assert "Unkind to another member" in removal


def test_template_text_is_escaped(mod_client):
    ReplyTemplate.objects.create(
        kind=ReplyTemplate.Kind.REMOVAL, title="<b>Bold</b>", body="<script>alert(1)</script>"
    )
    page = mod_client.get(TEMPLATES).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page


def test_new_template_form_starts_with_the_kind_asked_for(mod_client):
    page = mod_client.get(NEW_TEMPLATE + "?kind=support").content.decode()
    assert '<option value="support" selected>' in page
    page = mod_client.get(NEW_TEMPLATE + "?kind=nonsense").content.decode()
    assert '<option value="removal" selected>' in page


def test_moderator_writes_a_template_and_it_is_audited(mod_client, moderator):
    response = mod_client.post(
        NEW_TEMPLATE,
        {
            "kind": "support",
            "title": "After a hard night",
            "body": "Thank you for telling us.",
            "is_active": "on",
            "order": "3",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == TEMPLATES
    template = ReplyTemplate.objects.get(title="After a hard night")
    assert (template.kind, template.body, template.is_active, template.order) == (
        "support",
        "Thank you for telling us.",
        True,
        3,
    )
    assert template.updated_by == moderator
    row = ModerationAction.objects.get(verb=V.TEMPLATE_CHANGED)
    assert row.actor == moderator
    assert row.details == {
        "template": template.pk,
        "kind": "support",
        "title": "After a hard night",
        "change": "created",
    }
    listing = mod_client.get(TEMPLATES).content.decode()
    assert "The template “After a hard night” is saved." in listing


def test_moderator_edits_a_template_and_it_is_audited(mod_client, moderator, a_template):
    url = f"/moderation/templates/{a_template.pk}/"
    page = mod_client.get(url).content.decode()
    assert 'value="Off topic"' in page and "This belongs elsewhere." in page

    response = mod_client.post(
        url,
        {
            "kind": "removal",
            "title": "Off topic here",
            "body": "Try the other forum.",
            "order": "7",
        },
    )

    assert response.status_code == 302
    a_template.refresh_from_db()
    assert (a_template.title, a_template.body, a_template.is_active, a_template.order) == (
        "Off topic here",
        "Try the other forum.",
        False,
        7,
    )
    assert template_changes() == [
        {
            "template": a_template.pk,
            "kind": "removal",
            "title": "Off topic here",
            "change": "changed",
        }
    ]


def test_a_refused_template_shows_the_problem_next_to_the_field_and_keeps_the_text(
    mod_client, a_template
):
    response = mod_client.post(
        NEW_TEMPLATE,
        {"kind": "removal", "title": "   ", "body": "Words I took care over.", "order": "2"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert '<ul class="errors" id="id_title_errors">' in page
    assert "Please give the template a title." in page
    assert "Words I took care over." in page
    assert 'aria-invalid="true"' in page
    assert not template_changes()


def test_a_template_title_already_used_in_another_case_is_refused(mod_client, a_template):
    response = mod_client.post(
        NEW_TEMPLATE, {"kind": "removal", "title": "OFF TOPIC", "body": "Another body."}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A template with this title already exists." in page
    assert 'value="OFF TOPIC"' in page
    assert ReplyTemplate.objects.filter(title__iexact="off topic").count() == 1


def test_a_template_that_is_too_long_or_badly_ordered_is_refused(mod_client):
    response = mod_client.post(
        NEW_TEMPLATE,
        {"kind": "removal", "title": "Long", "body": "x" * 1001, "order": "-1"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please keep this to 1000 characters or fewer; it has 1001." in page
    response = mod_client.post(
        NEW_TEMPLATE, {"kind": "removal", "title": "Order", "body": "Fine.", "order": "first"}
    )
    assert response.status_code == 400
    assert "Please enter a whole number, for example 10." in response.content.decode()
    response = mod_client.post(NEW_TEMPLATE, {"kind": "gossip", "title": "Kind", "body": "Fine."})
    assert response.status_code == 400
    assert "Please choose removal reason or supportive message." in response.content.decode()
    assert not template_changes()


def test_deleting_a_template_asks_first_then_deletes_and_audits(mod_client, moderator, a_template):
    url = f"/moderation/templates/{a_template.pk}/delete/"
    confirm = mod_client.get(url)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Delete “Off topic”?" in page
    assert "Yes, delete it" in page
    assert ReplyTemplate.objects.filter(pk=a_template.pk).exists()

    response = mod_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == TEMPLATES
    assert not ReplyTemplate.objects.filter(pk=a_template.pk).exists()
    assert template_changes() == [
        {"template": a_template.pk, "kind": "removal", "title": "Off topic", "change": "deleted"}
    ]
    assert mod_client.get(url).status_code == 404


@pytest.mark.parametrize("bad_id", ["999999", "99999999999999999999999"])
def test_unknown_templates_are_404(mod_client, bad_id):
    assert mod_client.get(f"/moderation/templates/{bad_id}/").status_code == 404
    assert mod_client.post(f"/moderation/templates/{bad_id}/delete/").status_code == 404


# --- query counts ---------------------------------------------------------------------------------


def build_queue(items: Items, size: int, group) -> None:
    reasons = itertools.cycle([R.CRISIS_URGENT, R.CRISIS_CONCERN, R.REPORT, R.REVIEW, R.APPEAL])
    for number in range(size):
        times = {}
        if number % 3 == 0:
            times["claimed_after"] = timedelta(minutes=number + 1)
        if number % 4 == 0:
            times["resolved_after"] = timedelta(hours=1)
        items.make(next(reasons), age=timedelta(days=number % 13, hours=2), group=group, **times)


@pytest.mark.parametrize("size", SIZES)
def test_health_page_queries_do_not_grow_with_items(
    items, size, moderator, facilitator, group_a, django_assert_num_queries
):
    build_queue(items, size, group_a)
    for person, expected in (
        (moderator, HEALTH_PAGE_MODERATOR),
        (facilitator, HEALTH_PAGE_FACILITATOR),
    ):
        client = client_for(person)
        with django_assert_num_queries(expected):
            response = client.get(HEALTH)
        assert response.status_code == 200


def build_log(size: int, people: list) -> None:
    content_type = ContentType.objects.get_for_model(ProfileText)
    actors = itertools.cycle([*people[:3], None])
    members = itertools.cycle(people[3:])
    verbs = itertools.cycle(V.values)
    ModerationAction.objects.bulk_create(
        ModerationAction(
            actor=next(actors),
            member=next(members),
            verb=next(verbs),
            content_type=content_type if number % 2 else None,
            object_id=number if number % 2 else None,
            reason=f"reason {number}",
            details={"n": number},
        )
        for number in range(size)
    )


@pytest.mark.parametrize("size", SIZES)
def test_audit_page_queries_do_not_grow_with_entries(
    size, moderator, mod_client, django_assert_num_queries
):
    people = [MemberFactory() for _ in range(8)]
    build_log(size, people)
    with django_assert_num_queries(AUDIT_PAGE):
        response = mod_client.get(AUDIT)
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="entry-') == size
    with django_assert_num_queries(AUDIT_PAGE):
        response = mod_client.get(AUDIT + f"?member={people[3].pseudonym}")
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="entry-') == len(range(0, size, 5))
    # Nothing matches: the count is 0, so no page of entries is read.
    with django_assert_num_queries(AUDIT_PAGE - 1):
        response = mod_client.get(AUDIT + "?action=content_removed&member=nobody")
    assert response.status_code == 200
