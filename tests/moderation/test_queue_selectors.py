"""moderation.queue_selectors: who sees which queue items, the tabs and their counts, ordering
and filters, the query cost of the queue page, and everything one item's page shows.

Content and queue items are made directly (as the pipeline stores them) so each test controls
kinds, ages and states exactly; the other dashboard test modules import these helpers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from community import forum_services
from community.models import Category, Post, ProfileText, Story, Thread
from groups.models import ChatMessage, Membership
from moderation import dashboard_services, queue_selectors
from moderation import services as moderation_services
from moderation.models import (
    Appeal,
    ContentStatus,
    CrisisStep,
    ModerationAction,
    QueueItem,
    QueueNote,
    ReplyTemplate,
    Report,
    Sanction,
    Signpost,
)
from moderation.queue_selectors import QueueFilterInvalid, QueueFilters
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import URGENT_TEXT

pytestmark = pytest.mark.django_db

Reason = QueueItem.Reason
State = QueueItem.State


# --------------------------------------------------------------------------------- helpers


def settled(pseudonym: str, **extra):
    """A member who joined a month ago."""
    return MemberFactory(
        pseudonym=pseudonym, date_joined=timezone.now() - timedelta(days=30), **extra
    )


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def _html(text: str) -> str:
    return f"<p>{text}</p>"


def chat(author, group, body: str = "Breathing through it today.", *, status=None, at=None):
    return ChatMessage.objects.create(
        author=author,
        group=group,
        body=body,
        body_html=_html(body),
        status=status or ContentStatus.PUBLISHED,
        created_at=at or timezone.now(),
    )


def public_category(slug: str = "everyday") -> Category:
    return Category.objects.get_or_create(slug=slug, defaults={"name": slug.title()})[0]


def thread(
    author,
    category,
    title: str = "Mornings",
    body: str = "How do you start the day?",
    *,
    status=None,
    at=None,
):
    return Thread.objects.create(
        author=author,
        category=category,
        title=title,
        body=body,
        body_html=_html(body),
        status=status or ContentStatus.PUBLISHED,
        created_at=at or timezone.now(),
    )


def reply(author, in_thread, body: str = "Slowly, with tea.", *, status=None, at=None):
    return Post.objects.create(
        author=author,
        thread=in_thread,
        body=body,
        body_html=_html(body),
        status=status or ContentStatus.PUBLISHED,
        created_at=at or timezone.now(),
    )


def story(author, title: str = "What helped me", body: str = "Naming the fear out loud."):
    return Story.objects.create(
        author=author,
        title=title,
        body=body,
        body_html=_html(body),
        status=ContentStatus.HELD,
        state=Story.State.SUBMITTED,
        submitted_at=timezone.now(),
    )


def profile(author, body: str = "Learning to trust slowly."):
    return ProfileText.objects.create(author=author, body=body, body_html=_html(body))


def queue(
    content,
    reason: str,
    *,
    at=None,
    state=State.OPEN,
    claimed_by=None,
    resolved_by=None,
    resolved_at=None,
    resolution="",
    member=None,
):
    """A queue item as `_queue_item_open` stores it, with the age and state wanted."""
    if claimed_by is not None and state == State.OPEN:
        state = State.CLAIMED
    if state == State.RESOLVED:
        resolved_at = resolved_at or timezone.now()
        resolution = resolution or QueueItem.Resolution.NO_ACTION
    return QueueItem.objects.create(
        content_type=ContentType.objects.get_for_model(content, for_concrete_model=True),
        object_id=content.pk,
        reason=reason,
        priority=QueueItem.PRIORITY[reason],
        group=content.moderation_group(),
        member=member or content.author,
        snapshot=content.snapshot_text(),
        created_at=at or timezone.now(),
        state=state,
        claimed_by=claimed_by,
        claimed_at=timezone.now() if claimed_by else None,
        resolved_by=resolved_by,
        resolved_at=resolved_at,
        resolution=resolution,
    )


def facilitate(member, group, *, state: str = Membership.State.ACTIVE) -> Membership:
    return MembershipFactory(
        group=group, member=member, role=Membership.Role.FACILITATOR, state=state
    )


def ids(rows) -> list[int]:
    return [row.item.pk for row in rows]


def page_ids(actor, **params) -> list[int]:
    return ids(queue_selectors.queue_page(actor, QueueFilters.from_params(params)).rows)


# -------------------------------------------------------------------------------- fixtures


@pytest.fixture
def group_a(db):
    return GroupFactory(slug="anxious-mornings", name="Anxious mornings")


@pytest.fixture
def group_b(db):
    return GroupFactory(slug="after-the-breakup", name="After the breakup")


@pytest.fixture
def writer(group_a, group_b):
    """Writes in both groups and has profile text, so scoping has something to leave out."""
    member = settled("Ash Writer", country="GB")
    MembershipFactory(group=group_a, member=member)
    MembershipFactory(group=group_b, member=member)
    return member


@pytest.fixture
def facilitator_a(group_a):
    member = settled("Fran Facilitator")
    facilitate(member, group_a)
    return member


@pytest.fixture
def second_moderator(db):
    return settled("Max Moderator", is_moderator=True)


@pytest.fixture
def world(writer, group_a, group_b):
    """One item in group A's room, one in its forum, one in group B, one with no group."""
    forum_a = forum_services.category_for_group(group_a)
    return {
        "chat_a": queue(chat(writer, group_a, status=ContentStatus.HELD), Reason.CRISIS_URGENT),
        "post_a": queue(reply(writer, thread(writer, forum_a)), Reason.REPORT),
        "chat_b": queue(chat(writer, group_b, status=ContentStatus.HELD), Reason.CRISIS_URGENT),
        "profile": queue(profile(writer), Reason.CRISIS_CONCERN),
    }


# ---------------------------------------------------------------------------------- scope


def test_moderator_sees_every_item_in_every_state(moderator, world, second_moderator):
    resolved = queue(profile(MemberFactory()), Reason.REVIEW, state=State.RESOLVED)
    claimed = queue(
        chat(MemberFactory(), world["chat_a"].group), Reason.REPORT, claimed_by=second_moderator
    )

    scope = set(queue_selectors.queue_scope(moderator).values_list("pk", flat=True))

    assert scope == {item.pk for item in world.values()} | {resolved.pk, claimed.pk}
    for item in (*world.values(), resolved, claimed):
        assert queue_selectors.get_queue_item_for(moderator, item.pk) == item
        assert queue_selectors.queue_item_payload(moderator, item.pk)["id"] == item.pk


def test_facilitator_sees_only_their_own_groups_items(facilitator_a, world):
    scope = set(queue_selectors.queue_scope(facilitator_a).values_list("pk", flat=True))

    assert scope == {world["chat_a"].pk, world["post_a"].pk}
    assert set(page_ids(facilitator_a)) == scope
    assert queue_selectors.queue_counts(facilitator_a).tabs["open"] == 2
    assert queue_selectors.queue_counts(facilitator_a).urgent == 1
    assert queue_selectors.urgent_count_for_header(facilitator_a) == 1


@pytest.mark.parametrize("outside", ["chat_b", "profile"])
def test_facilitator_gets_404_for_items_of_other_groups_and_group_less_items(
    facilitator_a, world, outside
):
    item = world[outside]

    with pytest.raises(Http404):
        queue_selectors.get_queue_item_for(facilitator_a, item.pk)
    with pytest.raises(Http404):
        queue_selectors.queue_item_detail(facilitator_a, item.pk)
    assert queue_selectors.queue_item_payload(facilitator_a, item.pk) is None
    assert page_ids(facilitator_a, group=world["chat_b"].group.slug) == []


def test_facilitator_of_two_groups_sees_both(facilitator_a, world, group_b):
    facilitate(facilitator_a, group_b)

    scope = set(queue_selectors.queue_scope(facilitator_a).values_list("pk", flat=True))

    assert scope == {world["chat_a"].pk, world["post_a"].pk, world["chat_b"].pk}


@pytest.mark.parametrize(
    "state", [Membership.State.LEFT, Membership.State.REMOVED, Membership.State.REQUESTED]
)
def test_facilitator_whose_membership_ended_sees_nothing(world, group_a, state):
    former = settled("Former Facilitator")
    facilitate(former, group_a, state=state)

    _assert_sees_no_queue(former, world["chat_a"])


def test_facilitator_removed_after_the_fact_loses_the_queue_at_once(facilitator_a, world):
    item = world["chat_a"]
    assert queue_selectors.get_queue_item_for(facilitator_a, item.pk) == item

    Membership.objects.filter(member=facilitator_a).update(state=Membership.State.LEFT)

    _assert_sees_no_queue(facilitator_a, item)


def test_plain_group_member_sees_no_queue(writer, world):
    _assert_sees_no_queue(writer, world["chat_a"])


def test_visitor_sees_no_queue(world):
    _assert_sees_no_queue(AnonymousUser(), world["chat_a"])


def test_deactivated_moderator_and_facilitator_see_no_queue(moderator, facilitator_a, world):
    for person in (moderator, facilitator_a):
        person.is_active = False
        person.save()
        _assert_sees_no_queue(person, world["chat_a"])


def _assert_sees_no_queue(actor, item: QueueItem) -> None:
    assert queue_selectors.may_use_queue(actor) is False
    with pytest.raises(Http404):
        queue_selectors.queue_scope(actor)
    with pytest.raises(Http404):
        queue_selectors.queue_page(actor, QueueFilters())
    with pytest.raises(Http404):
        queue_selectors.queue_counts(actor)
    with pytest.raises(Http404):
        queue_selectors.get_queue_item_for(actor, item.pk)
    with pytest.raises(Http404):
        queue_selectors.queue_item_detail(actor, item.pk)
    with pytest.raises(Http404):
        queue_selectors.audit_log(actor)
    assert queue_selectors.queue_item_payload(actor, item.pk) is None
    assert queue_selectors.urgent_count_for_header(actor) is None


@pytest.mark.parametrize("junk", ["abc", "", None, 0, -3, "1.5", 2**70, True, "9999999"])
def test_junk_or_missing_ids_are_404_and_no_payload(moderator, world, junk):
    with pytest.raises(Http404):
        queue_selectors.get_queue_item_for(moderator, junk)
    assert queue_selectors.queue_item_payload(moderator, junk) is None


def test_payload_describes_the_item_without_its_content(moderator, writer, group_a):
    item = queue(
        chat(writer, group_a, "A long day. " * 30, status=ContentStatus.HELD),
        Reason.CRISIS_URGENT,
        at=ago(minutes=2),
    )

    payload = queue_selectors.queue_item_payload(moderator, item.pk)

    assert payload["id"] == item.pk
    assert payload["reason"] == "crisis_urgent"
    assert payload["priority"] == 0
    assert payload["state"] == "open"
    assert payload["kind"] == "groups.chatmessage"
    assert payload["member"] == "Ash Writer"
    assert payload["group"] == "anxious-mornings"
    assert payload["is_crisis"] is True
    assert payload["overdue"] is False
    assert payload["claimed_by"] is None
    assert len(payload["excerpt"]) <= queue_selectors.EXCERPT_LENGTH
    assert payload["excerpt"].endswith("…")


# ----------------------------------------------------------------------------- tabs, counts


@pytest.fixture
def every_tab(moderator, second_moderator, writer, group_a):
    """One open item of every reason, items claimed by me and by someone else, and items
    resolved an hour and two days ago."""
    make = {
        Reason.CRISIS_URGENT: lambda: chat(writer, group_a, status=ContentStatus.HELD),
        Reason.CRISIS_CONCERN: lambda: chat(writer, group_a),
        Reason.SOMEONE_ELSE: lambda: chat(writer, group_a),
        Reason.REPORT: lambda: chat(writer, group_a),
        Reason.WATCHED_WORD: lambda: chat(writer, group_a, status=ContentStatus.HELD),
        Reason.NEW_MEMBER: lambda: chat(writer, group_a, status=ContentStatus.HELD),
        Reason.NEW_MEMBER_LINK: lambda: chat(writer, group_a, status=ContentStatus.HELD),
        Reason.REVIEW: lambda: chat(writer, group_a, status=ContentStatus.HELD),
    }
    items = {reason: queue(build(), reason) for reason, build in make.items()}
    removed = chat(writer, group_a, status=ContentStatus.REMOVED)
    appeal = Appeal.objects.create(
        appellant=writer,
        text="Please look again.",
        content_type=ContentType.objects.get_for_model(ChatMessage),
        object_id=removed.pk,
    )
    items[Reason.APPEAL] = QueueItem.objects.create(
        content_type=ContentType.objects.get_for_model(Appeal),
        object_id=appeal.pk,
        reason=Reason.APPEAL,
        priority=QueueItem.PRIORITY[Reason.APPEAL],
        group=group_a,
        member=writer,
        snapshot="Appeal",
    )
    items["mine"] = queue(chat(writer, group_a), Reason.REPORT, claimed_by=moderator)
    items["theirs"] = queue(chat(writer, group_a), Reason.REPORT, claimed_by=second_moderator)
    items["resolved_recently"] = queue(
        chat(writer, group_a), Reason.REPORT, state=State.RESOLVED, resolved_at=ago(hours=1)
    )
    items["resolved_long_ago"] = queue(
        chat(writer, group_a), Reason.REPORT, state=State.RESOLVED, resolved_at=ago(days=2)
    )
    items["resolved_crisis"] = queue(
        chat(writer, group_a), Reason.CRISIS_URGENT, state=State.RESOLVED, resolved_at=ago(hours=2)
    )
    return items


def test_each_tab_holds_what_its_name_says(moderator, every_tab):
    items = every_tab
    open_items = {
        pk for key, item in items.items() if not str(key).startswith("resolved") for pk in [item.pk]
    }
    expected = {
        "open": open_items,
        "crisis": {
            items[Reason.CRISIS_URGENT].pk,
            items[Reason.CRISIS_CONCERN].pk,
            items[Reason.SOMEONE_ELSE].pk,
        },
        "reports": {items[Reason.REPORT].pk, items["mine"].pk, items["theirs"].pk},
        "held": {
            items[Reason.WATCHED_WORD].pk,
            items[Reason.NEW_MEMBER].pk,
            items[Reason.NEW_MEMBER_LINK].pk,
            items[Reason.REVIEW].pk,
        },
        "appeals": {items[Reason.APPEAL].pk},
        "mine": {items["mine"].pk},
        "resolved": {items["resolved_recently"].pk, items["resolved_crisis"].pk},
    }

    counts = queue_selectors.queue_counts(moderator)

    for tab, wanted in expected.items():
        assert set(page_ids(moderator, tab=tab)) == wanted, tab
        assert counts.tabs[tab] == len(wanted), tab
    assert set(counts.tabs) == set(queue_selectors.TABS)


def test_the_other_moderators_claim_is_not_in_my_tab_but_in_theirs(
    moderator, second_moderator, every_tab
):
    assert page_ids(moderator, tab="mine") == [every_tab["mine"].pk]
    assert page_ids(second_moderator, tab="mine") == [every_tab["theirs"].pk]


def test_resolved_tab_is_newest_first(moderator, every_tab):
    assert page_ids(moderator, tab="resolved") == [
        every_tab["resolved_recently"].pk,
        every_tab["resolved_crisis"].pk,
    ]


def test_urgent_count_is_open_and_claimed_urgent_crisis_items_only(
    moderator, second_moderator, every_tab, writer, group_a
):
    queue(chat(writer, group_a), Reason.CRISIS_URGENT, claimed_by=second_moderator)

    assert queue_selectors.queue_counts(moderator).urgent == 2
    assert queue_selectors.urgent_count_for_header(moderator) == 2


def test_counts_payload_shape(moderator, every_tab):
    payload = queue_selectors.queue_counts(moderator).as_payload()

    assert set(payload) == {"tabs", "urgent", "overdue"}
    assert payload["tabs"]["crisis"] == 3


def test_overdue_follows_the_ageing_settings(moderator, writer, group_a, settings):
    settings.MODERATION_AGEING_URGENT_MINUTES = 10
    settings.MODERATION_AGEING_OTHER_HOURS = 2
    late_urgent = queue(chat(writer, group_a), Reason.CRISIS_URGENT, at=ago(minutes=11))
    queue(chat(writer, group_a), Reason.CRISIS_URGENT, at=ago(minutes=9))
    late_report = queue(chat(writer, group_a), Reason.REPORT, at=ago(hours=3))
    # Past the urgent threshold but not the other: a concern is not urgent.
    queue(chat(writer, group_a), Reason.CRISIS_CONCERN, at=ago(hours=1))
    queue(chat(writer, group_a), Reason.REPORT, at=ago(hours=1))
    queue(chat(writer, group_a), Reason.REPORT, at=ago(days=3), state=State.RESOLVED)

    page = queue_selectors.queue_page(moderator, QueueFilters())

    assert page.counts.overdue == 2
    assert {row.item.pk for row in page.rows if row.overdue} == {late_urgent.pk, late_report.pk}

    settings.MODERATION_AGEING_OTHER_HOURS = 24
    assert queue_selectors.queue_counts(moderator).overdue == 1


def test_an_item_exactly_at_its_threshold_is_not_yet_overdue(moderator, writer, group_a):
    now = timezone.now()
    queue(chat(writer, group_a), Reason.CRISIS_URGENT, at=now - timedelta(minutes=5))
    queue(chat(writer, group_a), Reason.REPORT, at=now - timedelta(hours=24))

    assert queue_selectors.queue_counts(moderator, now=now).overdue == 0
    later = now + timedelta(seconds=1)
    assert queue_selectors.queue_counts(moderator, now=later).overdue == 2


def test_facilitator_overdue_and_urgent_counts_leave_other_groups_out(
    facilitator_a, writer, group_a, group_b
):
    queue(chat(writer, group_b), Reason.CRISIS_URGENT, at=ago(hours=1))
    queue(profile(writer), Reason.CRISIS_URGENT, at=ago(hours=1))
    queue(chat(writer, group_a), Reason.REPORT, at=ago(days=2))

    counts = queue_selectors.queue_counts(facilitator_a)

    assert (counts.urgent, counts.overdue, counts.tabs["open"]) == (0, 1, 1)
    assert queue_selectors.urgent_count_for_header(facilitator_a) == 0


# ---------------------------------------------------------------------------------- order


def test_urgent_first_then_by_priority_oldest_first(moderator, writer, group_a):
    someone_else = queue(chat(writer, group_a), Reason.SOMEONE_ELSE, at=ago(days=3))
    old_review = queue(chat(writer, group_a), Reason.REVIEW, at=ago(hours=5))
    new_review = queue(chat(writer, group_a), Reason.REVIEW, at=ago(hours=1))
    report = queue(chat(writer, group_a), Reason.REPORT, at=ago(days=2))
    concern = queue(chat(writer, group_a), Reason.CRISIS_CONCERN, at=ago(days=1))
    new_urgent = queue(chat(writer, group_a), Reason.CRISIS_URGENT, at=ago(minutes=1))
    old_urgent = queue(chat(writer, group_a), Reason.CRISIS_URGENT, at=ago(minutes=30))

    assert page_ids(moderator) == [
        old_urgent.pk,
        new_urgent.pk,
        concern.pk,
        report.pk,
        old_review.pk,
        new_review.pk,
        someone_else.pk,
    ]


def test_items_created_at_the_same_moment_keep_a_stable_order(moderator, writer, group_a):
    at = ago(minutes=3)
    first = queue(chat(writer, group_a), Reason.REPORT, at=at)
    second = queue(chat(writer, group_a), Reason.REPORT, at=at)

    assert page_ids(moderator) == [first.pk, second.pk]


def test_queue_pages_hold_25_items(moderator, writer, group_a):
    for minutes in range(30):
        queue(chat(writer, group_a), Reason.REPORT, at=ago(minutes=60 - minutes))

    first = queue_selectors.queue_page(moderator, QueueFilters(), 1)
    second = queue_selectors.queue_page(moderator, QueueFilters(), 2)
    beyond = queue_selectors.queue_page(moderator, QueueFilters(), "999")

    assert len(first.rows) == queue_selectors.ITEMS_PER_PAGE == 25
    assert len(second.rows) == 5
    assert ids(beyond.rows) == ids(second.rows)
    assert not set(ids(first.rows)) & set(ids(second.rows))
    assert first.counts.tabs["open"] == 30


# -------------------------------------------------------------------------------- filters


@pytest.fixture
def mixed(writer, group_a, group_b, second_moderator):
    forum_a = forum_services.category_for_group(group_a)
    return {
        "chat_a": queue(chat(writer, group_a), Reason.REPORT),
        "chat_b": queue(chat(writer, group_b), Reason.REPORT, claimed_by=second_moderator),
        "thread_a": queue(thread(writer, forum_a), Reason.CRISIS_CONCERN),
        "post_a": queue(reply(writer, thread(writer, forum_a)), Reason.REPORT),
        "post_public": queue(reply(writer, thread(writer, public_category())), Reason.WATCHED_WORD),
        "story": queue(story(writer), Reason.REVIEW),
        "profile": queue(profile(writer), Reason.CRISIS_URGENT),
    }


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({"kind": "groups.chatmessage"}, {"chat_a", "chat_b"}),
        ({"kind": "community.post"}, {"post_a", "post_public"}),
        ({"kind": "community.thread"}, {"thread_a"}),
        ({"kind": "community.story"}, {"story"}),
        ({"kind": "Community.ProfileText"}, {"profile"}),
        ({"reason": "report"}, {"chat_a", "chat_b", "post_a"}),
        ({"group": "anxious-mornings"}, {"chat_a", "thread_a", "post_a"}),
        ({"group": "no-such-group"}, set()),
        ({"state": "claimed"}, {"chat_b"}),
        ({"state": "open", "reason": "report"}, {"chat_a", "post_a"}),
        ({"kind": "community.post", "group": "anxious-mornings"}, {"post_a"}),
        ({"tab": "crisis", "kind": "community.thread"}, {"thread_a"}),
        ({"tab": "held", "reason": "report"}, set()),
        ({"kind": "", "reason": "", "group": "", "state": ""}, None),
    ],
)
def test_filters_narrow_the_queue(moderator, mixed, params, keys):
    expected = set(mixed) if keys is None else keys

    assert set(page_ids(moderator, **params)) == {mixed[key].pk for key in expected}


def test_filters_do_not_change_the_tab_counts(moderator, mixed):
    page = queue_selectors.queue_page(
        moderator, QueueFilters.from_params({"kind": "community.story"})
    )

    assert len(page.rows) == 1
    assert page.counts.tabs["open"] == len(mixed)


def test_filters_read_from_params_and_back():
    filters = QueueFilters.from_params(
        {
            "tab": " reports ",
            "kind": "groups.chatmessage",
            "reason": "report",
            "group": "g",
            "state": "open",
        }
    )

    assert filters == QueueFilters(
        tab="reports", kind="groups.chatmessage", reason="report", group="g", state="open"
    )
    assert filters.as_params() == {
        "kind": "groups.chatmessage",
        "reason": "report",
        "group": "g",
        "state": "open",
    }
    assert QueueFilters.from_params({}) == QueueFilters()
    assert QueueFilters().as_params() == {}


def test_every_kind_offered_in_the_filter_is_accepted():
    kinds = {name for name, _label in queue_selectors.content_kind_choices()}

    assert {
        "groups.chatmessage",
        "community.thread",
        "community.post",
        "community.story",
        "community.profiletext",
        "moderation.appeal",
    } <= kinds
    for kind in kinds:
        assert QueueFilters.from_params({"kind": kind}).kind == kind


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"tab": "everything"}, "tab"),
        ({"reason": "spam"}, "reason"),
        ({"state": "closed"}, "state"),
        ({"kind": "community.member"}, "kind"),
        ({"kind": "chatmessage"}, "kind"),
        ({"group": "g" * 101}, "group"),
    ],
)
def test_unknown_filter_values_are_refused_naming_the_field(params, field):
    with pytest.raises(QueueFilterInvalid) as refused:
        QueueFilters.from_params(params)

    assert refused.value.field == field
    assert str(refused.value)


@pytest.mark.parametrize("value", [["report"], 5, {"a": 1}])
def test_filter_values_that_are_not_text_are_refused_not_crashed_on(value):
    """A JSON body or a repeated parameter can hand the door a list or a number."""
    with pytest.raises(QueueFilterInvalid) as refused:
        QueueFilters.from_params({"reason": value})

    assert refused.value.field == "reason"


# ---------------------------------------------------------------------------- query counts


def _mixed_items(count: int, writer, group_a, moderator) -> None:
    forum_a = forum_services.category_for_group(group_a)
    opening = thread(writer, forum_a)
    makers = [
        lambda: (chat(writer, group_a, status=ContentStatus.HELD), Reason.CRISIS_URGENT),
        lambda: (reply(writer, opening), Reason.REPORT),
        lambda: (thread(writer, forum_a), Reason.CRISIS_CONCERN),
        lambda: (chat(writer, group_a), Reason.REVIEW),
        lambda: (reply(writer, opening), Reason.WATCHED_WORD),
    ]
    for index in range(count):
        content, reason = makers[index % len(makers)]()
        queue(content, reason, claimed_by=moderator if index % 4 == 0 else None)


@pytest.mark.parametrize("role", ["moderator", "facilitator"])
def test_queue_page_costs_the_same_queries_for_3_and_30_items(
    role, moderator, facilitator_a, writer, group_a, django_assert_num_queries
):
    actor = moderator if role == "moderator" else facilitator_a
    expected = QUEUE_PAGE_QUERIES[role]

    _mixed_items(3, writer, group_a, moderator)
    with django_assert_num_queries(expected):
        page = queue_selectors.queue_page(actor, QueueFilters())
        payloads = [row.as_payload() for row in page.rows]
    assert len(payloads) == 3

    _mixed_items(27, writer, group_a, moderator)
    with django_assert_num_queries(expected):
        page = queue_selectors.queue_page(actor, QueueFilters())
        payloads = [row.as_payload() for row in page.rows]
    assert len(payloads) == 25


# Measured: the counts aggregate, the paginator's count and the page's rows; a facilitator adds
# the lookup of their groups.
QUEUE_PAGE_QUERIES = {"moderator": 3, "facilitator": 4}


# --------------------------------------------------------------------------- one item: context


def test_chat_message_is_shown_with_five_messages_either_side(moderator, writer, group_a, group_b):
    start = ago(hours=1)
    others = [settled(f"Room Member {n}") for n in range(3)]
    messages = []
    for n in range(12):
        author = writer if n == 6 else others[n % 3]
        status = {3: ContentStatus.HELD, 6: ContentStatus.HELD, 9: ContentStatus.REMOVED}.get(n)
        messages.append(
            chat(author, group_a, f"message {n}", status=status, at=start + timedelta(seconds=n))
        )
        chat(others[0], group_b, f"elsewhere {n}", at=start + timedelta(seconds=n))
    item = queue(messages[6], Reason.CRISIS_URGENT)

    detail = queue_selectors.queue_item_detail(moderator, item.pk)

    context = detail.context
    assert "Anxious mornings" in context.place
    assert context.url == reverse("groups:room", args=["anxious-mornings"])
    assert [n.body_html for n in context.neighbours] == [
        f"<p>message {n}</p>" for n in range(1, 12)
    ]
    assert [n.is_subject for n in context.neighbours] == [n == 6 for n in range(1, 12)]
    statuses = {n.body_html: n.status for n in context.neighbours}
    assert statuses["<p>message 3</p>"] == "held"
    assert statuses["<p>message 9</p>"] == "removed"
    assert statuses["<p>message 5</p>"] == "published"
    assert context.neighbours[5].author == "Ash Writer"
    assert detail.content == messages[6]
    assert detail.content_status == "held"
    assert detail.awaits_decision is True


def test_chat_message_at_the_start_of_the_room_has_only_later_neighbours(
    moderator, writer, group_a
):
    start = ago(hours=1)
    messages = [chat(writer, group_a, f"m{n}", at=start + timedelta(seconds=n)) for n in range(8)]
    item = queue(messages[0], Reason.REPORT)

    neighbours = queue_selectors.queue_item_detail(moderator, item.pk).context.neighbours

    assert [n.body_html for n in neighbours] == [f"<p>m{n}</p>" for n in range(6)]
    assert neighbours[0].is_subject


def test_forum_reply_is_shown_with_the_opening_post_and_replies_around_it(
    moderator, writer, group_a
):
    forum_a = forum_services.category_for_group(group_a)
    start = ago(hours=2)
    opening = thread(writer, forum_a, "Sleepless", "Anyone else awake?", at=start)
    replies = [
        reply(
            writer,
            opening,
            f"reply {n}",
            at=start + timedelta(minutes=n + 1),
            status=ContentStatus.HELD if n == 5 else None,
        )
        for n in range(9)
    ]
    item = queue(replies[4], Reason.REPORT)

    context = queue_selectors.queue_item_detail(moderator, item.pk).context

    assert "Sleepless" in context.place
    assert context.url == reverse("forums:post", args=[replies[4].pk])
    assert [n.body_html for n in context.neighbours] == [
        "<p>Anyone else awake?</p>",
        *[f"<p>reply {n}</p>" for n in range(1, 8)],
    ]
    assert [n.is_subject for n in context.neighbours] == [False, *[n == 4 for n in range(1, 8)]]
    assert context.neighbours[5].status == "held"


def test_forum_thread_is_shown_with_its_first_replies(moderator, writer, group_a):
    forum_a = forum_services.category_for_group(group_a)
    start = ago(hours=2)
    opening = thread(writer, forum_a, "Sleepless", "Anyone else awake?", at=start)
    for n in range(5):
        reply(writer, opening, f"reply {n}", at=start + timedelta(minutes=n + 1))
    item = queue(opening, Reason.CRISIS_CONCERN)

    context = queue_selectors.queue_item_detail(moderator, item.pk).context

    assert forum_a.name in context.place
    assert context.url == reverse("forums:thread", args=[opening.pk])
    assert [n.body_html for n in context.neighbours] == [
        "<p>Anyone else awake?</p>",
        "<p>reply 0</p>",
        "<p>reply 1</p>",
        "<p>reply 2</p>",
    ]
    assert [n.is_subject for n in context.neighbours] == [True, False, False, False]


def test_story_is_shown_as_itself(moderator, writer):
    told = story(writer, "Three months of calm")
    item = queue(told, Reason.REVIEW)

    detail = queue_selectors.queue_item_detail(moderator, item.pk)

    assert "Three months of calm" in detail.context.place
    assert detail.context.url == reverse("stories:detail", args=[told.pk])
    assert detail.context.neighbours == []
    assert detail.awaits_decision is True


def test_profile_text_is_shown_with_its_place_only(moderator, writer):
    item = queue(profile(writer), Reason.CRISIS_CONCERN)

    context = queue_selectors.queue_item_detail(moderator, item.pk).context

    assert context.place == "About Ash Writer"
    assert (context.url, context.neighbours) == ("", [])


def test_appeal_item_carries_the_appeal_and_no_content_context(
    moderator, second_moderator, writer, group_a
):
    message = chat(writer, group_a, "You are all idiots")
    moderation_services.content_remove(actor=moderator, content=message, reason="Unkind.")
    appeal = moderation_services.appeal_submit(
        actor=writer, content=message, text="I was upset; I'm sorry. Please restore it."
    )

    detail = queue_selectors.queue_item_detail(second_moderator, appeal.queue_item_id)

    assert detail.item.reason == Reason.APPEAL
    assert detail.appeal == appeal
    assert detail.content == appeal
    assert detail.context is None
    assert detail.checklist == []
    assert detail.author.member == writer
    assert detail.content_status == ""
    assert detail.awaits_decision is False


def test_detail_of_content_deleted_from_the_database_still_opens(moderator, writer):
    item = queue(profile(writer), Reason.CRISIS_CONCERN)
    ProfileText.objects.all().delete()

    detail = queue_selectors.queue_item_detail(moderator, item.pk)

    assert (detail.content, detail.context) == (None, None)
    assert detail.row.excerpt == "Learning to trust slowly."


# ---------------------------------------------------------------------- one item: the author


def test_author_history_lists_earlier_items_reports_removals_sanctions_and_signposts(
    moderator, writer, group_a
):
    older = queue(
        chat(writer, group_a),
        Reason.REPORT,
        at=ago(days=3),
        state=State.RESOLVED,
        resolution=QueueItem.Resolution.REMOVED,
    )
    newer = queue(chat(writer, group_a), Reason.REVIEW, at=ago(days=1))
    queue(chat(writer, group_a), Reason.REPORT, at=ago(hours=5))
    someone = queue(chat(MemberFactory(), group_a), Reason.REPORT, at=ago(hours=4))
    Sanction.objects.create(
        member=writer, kind=Sanction.Kind.WARN, reason="Be kind.", created_by=moderator
    )
    Signpost.objects.create(member=writer, tier="concern", text="You matter.", resources=[])
    item = queue(chat(writer, group_a), Reason.CRISIS_CONCERN)

    author = queue_selectors.queue_item_detail(moderator, item.pk).author

    assert author.member == writer
    assert author.joined == writer.date_joined
    earlier = [row.pk for row in author.earlier_items]
    assert item.pk not in earlier and someone.pk not in earlier
    assert earlier[-2:] == [newer.pk, older.pk], "newest first"
    assert len(earlier) == 3
    assert author.reports_against == 2
    assert author.removed_count == 1
    assert [row.kind for row in author.sanctions] == ["warn"]
    assert [row.text for row in author.signposts] == ["You matter."]
    assert author.active_sanctions == author.sanctions


def test_author_history_shows_at_most_ten_earlier_items(moderator, writer, group_a):
    for hours in range(14):
        queue(chat(writer, group_a), Reason.REPORT, at=ago(hours=hours + 1))
    item = queue(chat(writer, group_a), Reason.REPORT)

    author = queue_selectors.queue_item_detail(moderator, item.pk).author

    assert len(author.earlier_items) == queue_selectors.AUTHOR_HISTORY_ITEMS == 10
    assert author.reports_against == 15


def test_facilitator_sees_the_authors_history_only_inside_their_groups(
    facilitator_a, moderator, writer, group_a, group_b
):
    """A facilitator must not learn what the member wrote, or what happened to it, in a group
    they don't facilitate or outside groups (their profile text)."""
    inside = queue(chat(writer, group_a), Reason.REPORT, at=ago(days=2))
    queue(
        chat(writer, group_b, "private to group B"),
        Reason.REPORT,
        at=ago(days=1),
        state=State.RESOLVED,
        resolution=QueueItem.Resolution.REMOVED,
    )
    queue(profile(writer, "my profile words"), Reason.CRISIS_URGENT, at=ago(hours=3))
    item = queue(chat(writer, group_a), Reason.REPORT)

    author = queue_selectors.queue_item_detail(facilitator_a, item.pk).author

    assert [row.pk for row in author.earlier_items] == [inside.pk]
    assert all(row.group_id == group_a.pk for row in author.earlier_items)
    assert author.reports_against == 2
    assert author.removed_count == 0


def test_facilitator_sees_no_sanctions_or_signposts_from_outside_their_groups(
    facilitator_a, moderator, writer, group_a, group_b
):
    Sanction.objects.create(
        member=writer,
        kind=Sanction.Kind.MUTE,
        group=group_b,
        reason="Group B only",
        created_by=moderator,
        ends_at=timezone.now() + timedelta(days=1),
    )
    in_a = Sanction.objects.create(
        member=writer, kind=Sanction.Kind.WARN, group=group_a, reason="In A", created_by=moderator
    )
    everywhere = Sanction.objects.create(
        member=writer, kind=Sanction.Kind.WARN, reason="Everywhere", created_by=moderator
    )
    outside = profile(writer, "my profile words")
    moderation_services.signpost_record(
        member=writer,
        offer=dashboard_services.signpost_for(writer, "urgent"),
        content=outside,
    )
    item = queue(chat(writer, group_a), Reason.REPORT)

    author = queue_selectors.queue_item_detail(facilitator_a, item.pk).author

    assert {row.pk for row in author.sanctions} == {in_a.pk, everywhere.pk}
    assert author.signposts == []


# -------------------------------------------------------------- one item: reports and notes


def test_reports_notes_and_support_messages_are_listed(
    moderator, second_moderator, writer, group_a
):
    message = chat(writer, group_a, "Nobody would care if I vanished")
    reporters = [settled(f"Reporter {n}") for n in range(3)]
    for reporter in reporters:
        MembershipFactory(group=group_a, member=reporter)
        moderation_services.content_report(
            actor=reporter, content=message, reason="harassment", note=f"note from {reporter}"
        )
    item = QueueItem.objects.get(reason=Reason.REPORT)
    dashboard_services.queue_note_add(actor=moderator, item=item, text="Known to us.")
    dashboard_services.queue_note_add(actor=second_moderator, item=item, text="Agreed.")
    dashboard_services.support_message_send(actor=moderator, item=item, text="Thinking of you.")

    detail = queue_selectors.queue_item_detail(moderator, item.pk)

    assert [report.reporter for report in detail.reports] == reporters
    assert detail.reports[0].note == "note from Reporter 0"
    assert [(note.author, note.text) for note in detail.notes] == [
        (moderator, "Known to us."),
        (second_moderator, "Agreed."),
    ]
    assert [row.text for row in detail.support_messages] == ["Thinking of you."]
    assert detail.checklist == []


def test_crisis_item_has_the_four_step_checklist(moderator, writer, group_a):
    item = queue(chat(writer, group_a, status=ContentStatus.HELD), Reason.CRISIS_URGENT)

    before = queue_selectors.queue_item_detail(moderator, item.pk).checklist
    dashboard_services.crisis_follow_up_note(actor=moderator, item=item, note="Check in Friday.")
    after = queue_selectors.queue_item_detail(moderator, item.pk).checklist

    assert [step.step for step in before] == [
        CrisisStep.Step.SIGNPOST_CONFIRMED,
        CrisisStep.Step.SUPPORT_SENT,
        CrisisStep.Step.FOLLOW_UP,
        CrisisStep.Step.ESCALATED,
    ]
    assert all(step.done is None and step.label for step in before)
    done = {step.step: step.done for step in after}
    assert done[CrisisStep.Step.FOLLOW_UP].note == "Check in Friday."
    assert done[CrisisStep.Step.FOLLOW_UP].done_by == moderator
    assert done[CrisisStep.Step.ESCALATED] is None


@pytest.mark.parametrize(
    ("reason", "has_checklist"),
    [
        (Reason.CRISIS_URGENT, True),
        (Reason.CRISIS_CONCERN, True),
        (Reason.SOMEONE_ELSE, True),
        (Reason.REPORT, False),
        (Reason.REVIEW, False),
        (Reason.WATCHED_WORD, False),
    ],
)
def test_only_crisis_items_have_a_checklist(moderator, writer, group_a, reason, has_checklist):
    item = queue(chat(writer, group_a), reason)

    detail = queue_selectors.queue_item_detail(moderator, item.pk)

    assert bool(detail.checklist) is has_checklist
    assert detail.is_crisis is has_checklist


def test_detail_offers_the_active_templates_of_each_kind(moderator, writer, group_a):
    ReplyTemplate.objects.create(kind="removal", title="Retired", body="Old.", is_active=False)
    item = queue(chat(writer, group_a), Reason.REPORT)

    detail = queue_selectors.queue_item_detail(moderator, item.pk)

    removal = [row.title for row in detail.removal_templates]
    support = [row.title for row in detail.support_templates]
    assert "Unkind to another member" in removal
    assert "Checking in after an urgent post" in support
    assert "Retired" not in removal
    assert {row.kind for row in detail.removal_templates} == {"removal"}
    assert {row.kind for row in detail.support_templates} == {"support"}


def test_detail_says_who_may_sanction_and_whether_someone_else_is_working_on_it(
    moderator, second_moderator, facilitator_a, writer, group_a
):
    item = queue(chat(writer, group_a), Reason.REPORT, claimed_by=second_moderator)

    as_moderator = queue_selectors.queue_item_detail(moderator, item.pk)
    as_facilitator = queue_selectors.queue_item_detail(facilitator_a, item.pk)
    as_claimer = queue_selectors.queue_item_detail(second_moderator, item.pk)

    assert as_moderator.may_sanction == {"warn": True, "mute": True, "suspend": True, "ban": True}
    assert as_facilitator.may_sanction == {
        "warn": True,
        "mute": True,
        "suspend": False,
        "ban": False,
    }
    assert as_moderator.claimed_by_other and as_facilitator.claimed_by_other
    assert not as_claimer.claimed_by_other
    assert as_moderator.is_open


def test_nobody_opens_an_item_about_themselves(moderator, group_a):
    """So nobody sanctions, notes or decides about themselves from it either."""
    item = queue(chat(moderator, group_a), Reason.REPORT)

    with pytest.raises(Http404):
        queue_selectors.queue_item_detail(moderator, item.pk)


# ------------------------------------------------------------------- one item: query counts


def _busy_item(moderator, writer, group_a, extra: int) -> QueueItem:
    """A reported chat message with `extra` reports, notes and earlier items of its author."""
    message = chat(writer, group_a, status=ContentStatus.PUBLISHED)
    for n in range(extra):
        queue(chat(writer, group_a), Reason.REPORT, at=ago(days=1, minutes=n))
        Sanction.objects.create(member=writer, kind="warn", reason=f"{n}", created_by=moderator)
        Signpost.objects.create(member=writer, tier="concern", text=f"{n}", resources=[])
    item = queue(message, Reason.CRISIS_CONCERN)
    for n in range(extra):
        reporter = MemberFactory()
        Report.objects.create(
            reporter=reporter,
            content_type=item.content_type,
            object_id=message.pk,
            reason="harassment",
            queue_item=item,
        )
        QueueNote.objects.create(queue_item=item, author=moderator, text=f"note {n}")
    for n in range(extra):
        chat(MemberFactory(), group_a, f"around {n}")
    return item


@pytest.mark.parametrize("role", ["moderator", "facilitator"])
def test_item_detail_costs_the_same_queries_whatever_the_history(
    role, moderator, facilitator_a, writer, group_a, django_assert_num_queries
):
    actor = moderator if role == "moderator" else facilitator_a
    small = _busy_item(moderator, writer, group_a, 1)
    big = _busy_item(moderator, writer, group_a, 8)
    expected = DETAIL_QUERIES[role]

    with django_assert_num_queries(expected):
        detail = queue_selectors.queue_item_detail(actor, small.pk)
        _touch(detail)
    with django_assert_num_queries(expected):
        detail = queue_selectors.queue_item_detail(actor, big.pk)
        _touch(detail)
    assert len(detail.reports) == 8 and len(detail.notes) == 8


def _touch(detail) -> None:
    """Read what the item page shows, so lazy loads would be counted."""
    for report in detail.reports:
        str(report.reporter)
    for note in detail.notes:
        str(note.author)
    for row in detail.author.sanctions:
        str(row.created_by), row.group
    for row in detail.author.earlier_items:
        row.content_type.model_class()
    for step in detail.checklist:
        step.done and str(step.done.done_by)
    [n.author for n in detail.context.neighbours]


# Measured: the item, its content, the room's messages before and after, the room and the
# author, the templates, the author's history (earlier items, tallies, sanctions, signposts),
# reports, notes, supportive messages and checklist steps; a facilitator adds the lookup of
# their groups (three times) and the two warn/mute permission checks.
DETAIL_QUERIES = {"moderator": 15, "facilitator": 20}


# ---------------------------------------------------------------------------- the audit log


def test_audit_log_is_for_moderators_and_filters_by_who_whom_and_what(
    moderator, second_moderator, facilitator_a, writer, group_a
):
    item = queue(chat(writer, group_a), Reason.REPORT)
    dashboard_services.queue_note_add(actor=moderator, item=item, text="One.")
    moderation_services.queue_item_claim(actor=second_moderator, item=item)

    everything = list(queue_selectors.audit_log(moderator))
    notes = list(queue_selectors.audit_log(moderator, verb="note_added"))
    by_max = list(queue_selectors.audit_log(moderator, moderator=" max moderator "))
    about_writer = list(queue_selectors.audit_log(moderator, member="ash writer"))

    assert [row.verb for row in everything] == ["queue_claimed", "note_added"]
    assert [row.actor for row in notes] == [moderator]
    assert [row.verb for row in by_max] == ["queue_claimed"]
    assert [row.verb for row in about_writer] == ["note_added"]
    with pytest.raises(Http404):
        queue_selectors.audit_log(facilitator_a)
    with pytest.raises(QueueFilterInvalid) as refused:
        queue_selectors.audit_log(moderator, verb="deleted_everything")
    assert refused.value.field == "verb"
    assert ModerationAction.objects.count() == 2


# ------------------------------------------------------------------ an appeal written in crisis


def test_an_appeal_written_in_urgent_crisis_counts_and_ages_as_urgent(
    moderator, second_moderator, writer, group_a
):
    """The appeal is queued at crisis priority; the header's urgent count and the 5-minute
    ageing must not miss it just because its reason is "appeal"."""
    message = chat(writer, group_a, "You are all idiots")
    moderation_services.content_remove(actor=moderator, content=message, reason="Unkind.")
    appeal = moderation_services.appeal_submit(actor=writer, content=message, text=URGENT_TEXT)
    item = QueueItem.objects.get(pk=appeal.queue_item_id)
    assert item.priority == QueueItem.PRIORITY[Reason.CRISIS_URGENT]
    QueueItem.objects.filter(pk=item.pk).update(created_at=ago(minutes=6))

    counts = queue_selectors.queue_counts(second_moderator)
    [row] = queue_selectors.queue_page(second_moderator, QueueFilters()).rows

    assert counts.urgent == 1
    assert queue_selectors.urgent_count_for_header(second_moderator) == 1
    assert counts.overdue == 1
    assert row.overdue and row.is_urgent
