"""The review dashboard's HTML door: the queue at /moderation/ and one item at
/moderation/items/<id>/, with every form on them.

Who may do what: moderators everything; facilitators only items of the groups they facilitate
(anything else is a 404, the same as for an item that does not exist); members and visitors get
404 from every page and every form. Every action goes through a moderation service and comes
back as POST-redirect-GET with a message, or as the item page with the refusal next to its form
(400 for what was typed, 403 for what the actor may not do, 409 for a conflict)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from community.models import Notification, ProfileText
from groups import services as group_services
from groups.models import ChatMessage, next_seq
from moderation import services
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
    SupportMessage,
)
from tests.community.forum_helpers import join, make_category, make_post, make_thread
from tests.community.story_helpers import make_story
from tests.factories import GroupFactory, MemberFactory
from tests.moderation.conftest import URGENT_TEXT

pytestmark = pytest.mark.django_db

R = QueueItem.Reason
QUEUE = "/moderation/"
ROWS = "/moderation/rows/"
BULK = "/moderation/bulk/"
ITEM_ACTIONS = (
    "claim/",
    "release/",
    "resolve/",
    "approve/",
    "remove/",
    "restore/",
    "sanction/",
    "notes/",
    "support/",
    "crisis/signpost/",
    "crisis/follow-up/",
    "crisis/escalate/",
    "appeal/",
)
REASON = "We took this down because it could hurt another member."


# --- people, places and things -------------------------------------------------------------------


def settled(pseudonym: str, **extra):
    extra.setdefault("date_joined", timezone.now() - timedelta(days=30))
    return MemberFactory(pseudonym=pseudonym, **extra)


@pytest.fixture
def group_a(db):
    return GroupFactory(name="Calm Harbour", slug="calm-harbour")


@pytest.fixture
def group_b(db):
    return GroupFactory(name="Other Shore", slug="other-shore")


@pytest.fixture
def writer(group_a, group_b):
    person = settled("Wren Writer", country="GB")
    join(group_a, person)
    join(group_b, person)
    return person


@pytest.fixture
def facilitator(group_a):
    person = settled("Fay Facilitator")
    join(group_a, person, role="facilitator")
    return person


@pytest.fixture
def second_moderator(db):
    return MemberFactory(pseudonym="Sam Second", is_moderator=True)


def client_for(person) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


@pytest.fixture
def mod(moderator):
    return client_for(moderator)


def chat(author, group, body="Breathing through it today.", *, status=ContentStatus.PUBLISHED):
    return ChatMessage.objects.create(
        author=author,
        group=group,
        body=body,
        body_html=f"<p>{body}</p>",
        status=status,
        seq=next_seq(group.pk) if status == ContentStatus.PUBLISHED else None,
    )


def profile(author, body="Learning to trust slowly."):
    return ProfileText.objects.create(author=author, body=body, body_html=f"<p>{body}</p>")


def queued(content, reason=R.REPORT, *, age=None, snapshot=None, **extra) -> QueueItem:
    """A queue item stored directly, as the pipeline or a report would leave it."""
    return QueueItem.objects.create(
        content_type=ContentType.objects.get_for_model(content),
        object_id=content.pk,
        reason=reason,
        priority=QueueItem.PRIORITY[reason],
        group=content.moderation_group(),
        member=content.author,
        snapshot=content.body if snapshot is None else snapshot,
        created_at=timezone.now() - (age or timedelta(minutes=1)),
        **extra,
    )


def item_url(item, action: str = "") -> str:
    return f"/moderation/items/{item.pk}/{action}"


def text_of(response) -> str:
    """The page's words, without tags, on one line each run of whitespace."""
    page = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def urgent_item(writer, group) -> QueueItem:
    """An urgent message through the real pipeline: held, queued first, the author signposted."""
    result = group_services.chat_message_post(actor=writer, group=group, body=URGENT_TEXT)
    return QueueItem.objects.get(
        content_type=ContentType.objects.get_for_model(ChatMessage),
        object_id=result.message.pk,
        reason=R.CRISIS_URGENT,
    )


def reported_post(reporter, author, *, category=None):
    category = category or make_category()
    thread = make_thread(category, author)
    post = make_post(thread, author, body="You're overreacting, just get over it.")
    services.content_report(actor=reporter, content=post, reason=Report.Reason.HARASSMENT)
    return post, QueueItem.objects.get(
        content_type=ContentType.objects.get_for_model(post), object_id=post.pk
    )


def removal_template(title="Unkind to another member") -> ReplyTemplate:
    return ReplyTemplate.objects.get(kind=ReplyTemplate.Kind.REMOVAL, title=title)


def support_template(title="Checking in after an urgent post") -> ReplyTemplate:
    return ReplyTemplate.objects.get(kind=ReplyTemplate.Kind.SUPPORT, title=title)


# --- who may open what -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_members_and_visitors_get_404_from_every_page_and_form(who, member, writer, group_a):
    item = queued(chat(writer, group_a), R.REPORT)
    client = client_for(member if who == "member" else None)
    for url in (QUEUE, ROWS, f"{QUEUE}?tab=crisis", item_url(item)):
        assert client.get(url).status_code == 404, url
    assert client.post(BULK, {"items": [item.pk], "action": "resolve"}).status_code == 404
    for action in ITEM_ACTIONS:
        response = client.post(item_url(item, action), {"note": "x", "text": "x"})
        assert response.status_code == 404, action
    item.refresh_from_db()
    assert item.state == QueueItem.State.OPEN
    assert not QueueNote.objects.exists()


def test_a_member_is_not_shown_the_moderation_link_or_urgent_count(member, writer, group_a):
    urgent_item(writer, group_a)
    response = client_for(member).get("/")
    assert 'href="/moderation/"' not in response.content.decode()


def test_facilitator_sees_only_their_own_groups_items(facilitator, writer, group_a, group_b):
    mine = queued(chat(writer, group_a, "A word in my group"), R.REPORT)
    theirs = queued(chat(writer, group_b, "A word in another group"), R.REPORT)
    nobodys = queued(profile(writer, "About me, in no group"), R.REPORT)
    response = client_for(facilitator).get(QUEUE)
    assert response.status_code == 200
    page = response.content.decode()
    assert item_url(mine) in page
    assert "A word in another group" not in page and item_url(theirs) not in page
    assert "About me, in no group" not in page and item_url(nobodys) not in page
    # The group filter offers only their own groups.
    assert "Calm Harbour" in page and "Other Shore" not in page


def test_facilitator_gets_404_for_other_groups_items_on_every_page_and_form(
    facilitator, writer, group_b
):
    client = client_for(facilitator)
    for item in (
        queued(chat(writer, group_b), R.REPORT),
        queued(profile(writer), R.REPORT),
    ):
        assert client.get(item_url(item)).status_code == 404
        for action in ITEM_ACTIONS:
            response = client.post(
                item_url(item, action),
                {"note": "x", "text": "x", "resolution": "no_action", "reason": "x"},
            )
            assert response.status_code == 404, action
        item.refresh_from_db()
        assert item.state == QueueItem.State.OPEN
    assert not QueueNote.objects.exists()
    assert not ModerationAction.objects.filter(actor=facilitator).exists()


def test_facilitator_bulk_leaves_other_groups_items_alone(facilitator, writer, group_b):
    theirs = queued(chat(writer, group_b), R.REPORT)
    response = client_for(facilitator).post(
        BULK, {"items": [theirs.pk], "action": "resolve"}, follow=True
    )
    assert "couldn&#x27;t find this item" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.state == QueueItem.State.OPEN


def test_moderator_sees_every_groups_items_and_group_less_ones(mod, writer, group_a, group_b):
    items = [
        queued(chat(writer, group_a), R.REPORT),
        queued(chat(writer, group_b), R.REPORT),
        queued(profile(writer), R.REPORT),
    ]
    page = mod.get(QUEUE).content.decode()
    for item in items:
        assert item_url(item) in page
    for item in items:
        assert mod.get(item_url(item)).status_code == 200


# --- the queue page --------------------------------------------------------------------------


def test_queue_shows_urgent_first_with_labels_age_and_the_header_count(
    mod, writer, group_a, settings
):
    old_report = queued(chat(writer, group_a, "An old report"), R.REPORT, age=timedelta(days=2))
    urgent = urgent_item(writer, group_a)
    page = mod.get(QUEUE).content.decode()
    assert page.index(item_url(urgent)) < page.index(item_url(old_report))
    header = re.search(r'id="mod-urgent" data-urgent-count="(\d+)"', page)
    assert header and header.group(1) == "1"
    assert "1 urgent item waiting" in text_of(mod.get(QUEUE))
    row = re.search(rf'<li class="queue-row[^"]*" id="row-{urgent.pk}"', page).group(0)
    assert "queue-row--urgent" in row
    report_row = re.search(rf'<li class="queue-row[^"]*" id="row-{old_report.pk}"', page).group(0)
    assert "queue-row--overdue" in report_row
    words = text_of(mod.get(QUEUE))
    assert "Urgent" in words and "Overdue" in words
    assert "2 days ago" in words
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', page)
    assert "1 item overdue" in words


def test_queue_shows_reason_kind_group_member_excerpt_and_claimer(mod, moderator, writer, group_a):
    item = queued(
        chat(writer, group_a, "Waiting for his reply"),
        R.WATCHED_WORD,
        state=QueueItem.State.CLAIMED,
        claimed_by=moderator,
    )
    words = text_of(mod.get(QUEUE))
    assert f"Watched word #{item.pk}" in words
    assert "Kind Chat message" in words
    assert "Group Calm Harbour" in words
    assert "Member Wren Writer" in words
    assert "Waiting for his reply" in words
    assert "Claimed by Mo Moderator" in words


def test_excerpt_is_plain_text_and_never_markup(mod, writer, group_a):
    queued(
        chat(writer, group_a),
        R.REPORT,
        snapshot='<script>alert("x")</script><img src=x onerror=alert(1)>',
    )
    page = mod.get(QUEUE).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_tabs_show_their_counts(mod, moderator, writer, group_a):
    urgent_item(writer, group_a)
    queued(chat(writer, group_a), R.REPORT)
    queued(chat(writer, group_a), R.REPORT, state=QueueItem.State.CLAIMED, claimed_by=moderator)
    queued(chat(writer, group_a, status=ContentStatus.HELD), R.NEW_MEMBER)
    queued(
        chat(writer, group_a),
        R.REPORT,
        state=QueueItem.State.RESOLVED,
        resolved_at=timezone.now(),
        resolution=QueueItem.Resolution.NO_ACTION,
    )
    page = mod.get(QUEUE).content.decode()
    counts = dict(re.findall(r'data-tab-count="(\w+)">(\d+)<', page))
    assert counts == {
        "open": "4",
        "crisis": "1",
        "reports": "2",
        "held": "1",
        "appeals": "0",
        "mine": "1",
        "resolved": "1",
    }
    assert 'aria-current="page">Everything open' in page


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"tab": "crisis"}, {"urgent"}),
        ({"tab": "reports"}, {"report", "post"}),
        ({"reason": "new_member"}, {"held"}),
        ({"kind": "community.post"}, {"post"}),
        ({"group": "other-shore"}, {"other"}),
        ({"state": "claimed"}, {"claimed"}),
        ({"tab": "mine"}, {"claimed"}),
        ({"tab": "resolved"}, {"resolved"}),
    ],
)
def test_filters_and_tabs_choose_what_is_shown(
    params, shown, mod, moderator, writer, group_a, group_b
):
    items = {
        "urgent": urgent_item(writer, group_a),
        "report": queued(chat(writer, group_a), R.REPORT),
        "post": queued(make_post(make_thread(make_category(), writer), writer), R.REPORT),
        "held": queued(chat(writer, group_a, status=ContentStatus.HELD), R.NEW_MEMBER),
        "other": queued(chat(writer, group_b), R.WATCHED_WORD),
        "claimed": queued(
            chat(writer, group_a), R.REVIEW, state=QueueItem.State.CLAIMED, claimed_by=moderator
        ),
        "resolved": queued(
            chat(writer, group_a),
            R.REPORT,
            state=QueueItem.State.RESOLVED,
            resolved_at=timezone.now(),
            resolution=QueueItem.Resolution.NO_ACTION,
        ),
    }
    response = mod.get(QUEUE, params)
    assert response.status_code == 200
    page = response.content.decode()
    found = {name for name, item in items.items() if f'id="row-{item.pk}"' in page}
    assert found == shown


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "community.nonsense"}, "Please choose a kind of content from the list."),
        ({"reason": "because"}, "Please choose a reason from the list."),
        ({"state": "sleeping"}, "Please choose open, claimed or resolved."),
        ({"tab": "everything"}, "Please choose one of the tabs."),
        ({"group": "g" * 101}, "Please choose a group from the list."),
    ],
)
def test_an_invalid_filter_gets_a_kind_message_and_400(params, message, mod, writer, group_a):
    queued(chat(writer, group_a), R.REPORT)
    response = mod.get(QUEUE, params)
    assert response.status_code == 400
    words = text_of(response)
    assert message in words
    assert "Please fix the filter above" in words
    assert mod.get(ROWS, params).status_code == 400


def test_invalid_filter_error_is_shown_next_to_its_field(mod):
    page = mod.get(QUEUE, {"reason": "because"}).content.decode()
    assert 'id="filter_reason_errors"' in page
    assert 'aria-invalid="true"' in page


def test_filter_form_works_without_javascript_and_keeps_the_tab(mod, writer, group_a):
    page = mod.get(QUEUE, {"tab": "reports", "group": "calm-harbour"}).content.decode()
    assert '<form method="get" action="/moderation/"' in page
    assert '<input type="hidden" name="tab" value="reports"' in page
    assert '<option value="calm-harbour" selected>' in page
    # Tabs keep the filters.
    assert 'href="?tab=crisis&amp;group=calm-harbour"' in page


def test_queue_pages_through_many_items(mod, writer, group_a):
    for _n in range(27):
        queued(chat(writer, group_a), R.REPORT)
    first = mod.get(QUEUE).content.decode()
    assert first.count('<li class="queue-row') == 25
    assert "Page 1 of 2" in first
    assert 'href="?tab=open&amp;page=2"' in first
    second = mod.get(QUEUE, {"tab": "open", "page": "2"}).content.decode()
    assert second.count('<li class="queue-row') == 2


def test_rows_fragment_has_the_rows_and_counts_for_the_live_refresh(mod, writer, group_a):
    urgent = urgent_item(writer, group_a)
    report = queued(chat(writer, group_a), R.REPORT)
    response = mod.get(ROWS)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "<html" not in page and "mod-nav" not in page
    assert f'id="row-{urgent.pk}"' in page and f'id="row-{report.pk}"' in page
    assert 'data-urgent="1"' in page and 'data-tab-open="2"' in page
    assert 'data-tab-crisis="1"' in page


def test_crisis_rows_have_no_bulk_checkbox(mod, writer, group_a):
    urgent = urgent_item(writer, group_a)
    report = queued(chat(writer, group_a), R.REPORT)
    page = mod.get(QUEUE).content.decode()
    assert f'name="items" value="{report.pk}"' in page
    assert f'name="items" value="{urgent.pk}"' not in page


def test_queue_page_loads_its_script_without_inline_code(mod):
    page = mod.get(QUEUE).content.decode()
    assert re.search(r'<script src="[^"]*moderation/dashboard\.js" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert 'data-rows-url="/moderation/rows/"' in page
    assert 'data-ws-path="/ws/moderation/"' in page


# --- query counts ------------------------------------------------------------------------------

# Session, member, the urgent count in the header, the tab counts, the page's item count, one
# page of items (with kind, group, member and claimer), the groups the filter offers, the bell.
QUEUE_PAGE_QUERIES = 8
# A facilitator's groups are read five times more: to open the page, for the groups the filter
# offers, for the queue's scope, and twice for the header's urgent count.
QUEUE_PAGE_QUERIES_FACILITATOR = QUEUE_PAGE_QUERIES + 5


def _mixed_items(count: int, writer, group, claimer) -> None:
    """Items of four kinds, three reasons, members of their own and some claimed."""
    category = make_category()
    thread = make_thread(category, writer)
    makers = (
        lambda n: chat(writer, group, f"Chat {n}"),
        lambda n: make_post(thread, writer, body=f"Reply {n}"),
        lambda n: make_story(writer, body=f"Story {n}"),
        lambda n: profile(MemberFactory(), f"About {n}"),
    )
    for n in range(count):
        claimed = {"state": QueueItem.State.CLAIMED, "claimed_by": claimer} if n % 5 == 0 else {}
        queued(
            makers[n % len(makers)](n),
            (R.REPORT, R.NEW_MEMBER, R.CRISIS_URGENT)[n % 3],
            **claimed,
        )


@pytest.mark.parametrize("count", [3, 30])
def test_queue_page_costs_the_same_queries_for_3_and_30_items(
    count, mod, writer, group_a, second_moderator, django_assert_num_queries
):
    _mixed_items(count, writer, group_a, second_moderator)
    with django_assert_num_queries(QUEUE_PAGE_QUERIES):
        response = mod.get(QUEUE)
    assert response.status_code == 200
    assert response.content.decode().count('<li class="queue-row') == min(count, 25)


@pytest.mark.parametrize("count", [3, 30])
def test_facilitators_queue_page_costs_the_same_queries_for_3_and_30_items(
    count, facilitator, writer, group_a, second_moderator, django_assert_num_queries
):
    _mixed_items(count, writer, group_a, second_moderator)
    client = client_for(facilitator)
    with django_assert_num_queries(QUEUE_PAGE_QUERIES_FACILITATOR):
        response = client.get(QUEUE)
    # Only the chat messages belong to their group; forum replies, stories and profiles here don't.
    assert response.content.decode().count('<li class="queue-row') == len(range(0, count, 4))


@pytest.mark.parametrize("count", [3, 30])
def test_rows_fragment_costs_the_same_queries_for_3_and_30_items(
    count, mod, writer, group_a, second_moderator, django_assert_num_queries
):
    _mixed_items(count, writer, group_a, second_moderator)
    # The page without its header count and bell.
    with django_assert_num_queries(QUEUE_PAGE_QUERIES - 2):
        assert mod.get(ROWS).status_code == 200


# --- one item: what it shows -------------------------------------------------------------------


def test_item_page_shows_the_content_in_its_context(mod, writer, group_a, other_member):
    join(group_a, other_member)
    chat(other_member, group_a, "Before it")
    subject = chat(writer, group_a, "The reported words")
    chat(other_member, group_a, "After it")
    item = queued(subject, R.REPORT, snapshot="The reported words, as first written")
    response = mod.get(item_url(item))
    assert response.status_code == 200
    page = response.content.decode()
    words = text_of(response)
    assert "Chat room of Calm Harbour" in words
    assert 'href="/groups/calm-harbour/room/"' in page
    around = words[words.index("Around it") :]
    assert around.index("Before it") < around.index("The reported words") < around.index("After it")
    assert re.search(r'neighbour--subject" aria-current="true">.*?The reported words', page, re.S)
    assert "The reported words, as first written" in words


def test_item_page_shows_only_sanitised_html_and_plain_text(mod, writer, group_a):
    message = chat(writer, group_a)
    message.body = "<script>alert(1)</script>"
    message.body_html = "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    message.save()
    item = queued(message, R.REPORT, snapshot="<b>bold?</b>", detail="<i>detail</i>")
    page = mod.get(item_url(item)).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;b&gt;bold?&lt;/b&gt;" in page
    assert "&lt;i&gt;detail&lt;/i&gt;" in page


def test_item_page_shows_every_report_with_the_reporter_for_moderators_only(
    mod, writer, member, other_member, group_a, facilitator
):
    join(group_a, member)
    join(group_a, other_member)
    message = chat(writer, group_a)
    services.content_report(
        actor=member, content=message, reason=Report.Reason.HARASSMENT, note="It felt cruel."
    )
    services.content_report(actor=other_member, content=message, reason=Report.Reason.SPAM)
    item = QueueItem.objects.get(reason=R.REPORT)
    words = text_of(mod.get(item_url(item)))
    assert "2 reports" in words
    assert "Harassment or bullying · reported by Robin Test" in words
    assert "It felt cruel." in words
    assert "reported by Kit Other" in words
    facilitator_words = text_of(client_for(facilitator).get(item_url(item)))
    assert "It felt cruel." in facilitator_words
    assert "Robin Test" not in facilitator_words and "Kit Other" not in facilitator_words


def test_item_page_shows_the_authors_history(mod, moderator, writer, group_a):
    earlier = queued(chat(writer, group_a), R.REPORT)
    services.content_remove(actor=moderator, content=earlier.content, reason=REASON)
    services.member_sanction(
        actor=moderator,
        member=writer,
        kind=Sanction.Kind.MUTE,
        reason="Please take a breather.",
        group=group_a,
        ends_at=timezone.now() + timedelta(days=1),
    )
    item = urgent_item(writer, group_a)
    words = text_of(mod.get(item_url(item)))
    assert "About Wren Writer" in words
    assert "Member for 4 weeks, 2 days" in words
    assert "Reports about their posts 1" in words
    assert "Posts removed 1" in words
    assert "Active Mute in Calm Harbour" in words
    assert f"Reported by a member #{earlier.pk}" in words
    assert "Urgent help" in words  # the signpost shown when they wrote it


def test_facilitator_sees_the_authors_history_in_their_own_groups_only(
    facilitator, moderator, writer, group_a, group_b
):
    elsewhere = queued(chat(writer, group_b, "Elsewhere"), R.CRISIS_CONCERN)
    services.member_sanction(
        actor=moderator,
        member=writer,
        kind=Sanction.Kind.WARN,
        reason="A warning in another group.",
        group=group_b,
    )
    here = queued(chat(writer, group_a), R.REPORT)
    words = text_of(client_for(facilitator).get(item_url(here)))
    assert f"#{elsewhere.pk}" not in words
    assert "A warning in another group." not in words


def test_item_page_header_shows_the_urgent_count(mod, writer, group_a):
    urgent = urgent_item(writer, group_a)
    page = mod.get(item_url(urgent)).content.decode()
    assert 'data-urgent-count="1"' in page
    assert f'data-item-id="{urgent.pk}"' in page


def test_an_item_that_does_not_exist_is_404(mod):
    assert mod.get("/moderation/items/999999/").status_code == 404
    assert mod.post("/moderation/items/999999/claim/").status_code == 404


def test_only_get_and_post_where_each_belongs(mod, writer, group_a):
    item = queued(chat(writer, group_a), R.REPORT)
    assert mod.post(QUEUE).status_code == 405
    assert mod.get(BULK).status_code == 405
    assert mod.get(item_url(item, "claim/")).status_code == 405


# --- claiming, releasing, resolving ---------------------------------------------------------------


def test_claim_release_and_resolve_through_the_pages(mod, moderator, writer, group_a):
    item = queued(chat(writer, group_a), R.REPORT)

    response = mod.post(item_url(item, "claim/"))
    assert response.status_code == 302 and response["Location"] == item_url(item)
    item.refresh_from_db()
    assert (item.state, item.claimed_by) == (QueueItem.State.CLAIMED, moderator)
    assert "You&#x27;re working on this now." in mod.get(item_url(item)).content.decode()

    mod.post(item_url(item, "release/"))
    item.refresh_from_db()
    assert (item.state, item.claimed_by) == (QueueItem.State.OPEN, None)

    response = mod.post(
        item_url(item, "resolve/"), {"resolution": "no_action", "note": "Within the guidelines."}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == QueueItem.State.RESOLVED
    assert item.resolution == QueueItem.Resolution.NO_ACTION
    assert item.resolution_note == "Within the guidelines."
    words = text_of(mod.get(item_url(item)))
    assert "Resolved: no action needed, by Mo Moderator" in words
    assert "Claim: I'll work on this" not in words


def test_resolve_without_a_resolution_is_refused_kindly(mod, writer, group_a):
    item = queued(chat(writer, group_a), R.REPORT)
    response = mod.post(item_url(item, "resolve/"), {"resolution": "everything_is_fine"})
    assert response.status_code == 400
    assert "Select a valid choice" in text_of(response)
    assert mod.post(item_url(item, "resolve/"), {}).status_code == 400
    item.refresh_from_db()
    assert item.state == QueueItem.State.OPEN


def test_a_second_moderator_claiming_is_told_who_is_working_on_it(
    mod, moderator, second_moderator, writer, group_a
):
    item = queued(chat(writer, group_a), R.REPORT)
    mod.post(item_url(item, "claim/"))
    second = client_for(second_moderator)
    response = second.post(item_url(item, "claim/"))
    assert response.status_code == 409
    words = text_of(response)
    assert "Mo Moderator is already working on this." in words
    assert "That didn't work." in words
    item.refresh_from_db()
    assert item.claimed_by == moderator


def test_others_cannot_resolve_an_item_someone_is_working_on(
    mod, second_moderator, writer, group_a
):
    item = queued(chat(writer, group_a), R.REPORT)
    mod.post(item_url(item, "claim/"))
    second = client_for(second_moderator)
    page = text_of(second.get(item_url(item)))
    assert "Mo Moderator is working on this" in page
    assert "Close this item" not in page
    response = second.post(item_url(item, "resolve/"), {"resolution": "no_action"})
    assert response.status_code == 409
    assert "Mo Moderator is working on this; ask them, or release it first." in text_of(response)


def test_crisis_item_is_not_closed_without_a_human_answer(mod, writer, group_a):
    item = urgent_item(writer, group_a)
    response = mod.post(item_url(item, "resolve/"), {"resolution": "support_offered"})
    # The urgent message is still held: approve or remove it first.
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.state == QueueItem.State.OPEN


# --- deciding about the content ---------------------------------------------------------------


def test_approve_publishes_held_content_and_closes_the_item(mod, writer, group_a):
    message = chat(writer, group_a, status=ContentStatus.HELD)
    item = queued(message, R.NEW_MEMBER)
    assert "Approve: publish it" in text_of(mod.get(item_url(item)))
    response = mod.post(item_url(item, "approve/"), {"note": ""})
    assert response.status_code == 302
    message.refresh_from_db()
    item.refresh_from_db()
    assert message.status == ContentStatus.PUBLISHED and message.seq is not None
    assert (item.state, item.resolution) == (QueueItem.State.RESOLVED, "approved")


def test_remove_with_a_template_tells_the_author_and_the_reporter_never_the_moderator(
    mod, moderator, member, writer
):
    post, item = reported_post(member, writer)
    template = removal_template()
    response = mod.post(item_url(item, "remove/"), {"template": template.pk, "reason": ""})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == ContentStatus.REMOVED
    assert post.removal_reason == template.body
    report = Report.objects.get()
    assert report.outcome == Report.Outcome.REMOVED
    # The author sees the reason; the reporter sees the outcome; neither sees who.
    author_page = text_of(client_for(writer).get("/me/moderation/"))
    assert template.body in author_page
    reporter_page = text_of(client_for(member).get("/me/moderation/"))
    assert "A moderator took it down." in reporter_page
    assert "Mo Moderator" not in author_page and "Mo Moderator" not in reporter_page


def test_remove_in_own_words_wins_over_the_template(mod, member, writer):
    post, item = reported_post(member, writer)
    mod.post(
        item_url(item, "remove/"),
        {"template": removal_template().pk, "reason": "  In my own kind words.  "},
    )
    post.refresh_from_db()
    assert post.removal_reason == "In my own kind words."


def test_remove_without_a_reason_is_refused_next_to_the_form(mod, member, writer):
    post, item = reported_post(member, writer)
    response = mod.post(item_url(item, "remove/"), {"template": "", "reason": " "})
    assert response.status_code == 409
    page = response.content.decode()
    assert re.search(
        r'id="remove-errors">\s*<p>Please give a reason; the member will see it.', page
    )
    post.refresh_from_db()
    assert post.status == ContentStatus.PUBLISHED


def test_remove_with_an_unknown_template_is_400(mod, member, writer):
    post, item = reported_post(member, writer)
    response = mod.post(item_url(item, "remove/"), {"template": "999999", "reason": ""})
    assert response.status_code == 400
    post.refresh_from_db()
    assert post.status == ContentStatus.PUBLISHED


def test_restore_publishes_removed_content_again(mod, moderator, member, writer):
    post, item = reported_post(member, writer)
    services.content_remove(actor=moderator, content=post, reason=REASON)
    words = text_of(mod.get(item_url(item)))
    assert "Restore it" in words and "Approve" not in words
    response = mod.post(item_url(item, "restore/"), {"note": "Removed by mistake."})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == ContentStatus.PUBLISHED and post.removal_reason == ""


def test_restoring_published_content_is_a_conflict(mod, member, writer):
    _post, item = reported_post(member, writer)
    response = mod.post(item_url(item, "restore/"), {})
    assert response.status_code == 409
    assert "Only content a moderator removed can be restored." in text_of(response)


# --- sanctions ---------------------------------------------------------------------------------


def test_moderator_mutes_the_member_for_a_day_in_the_group(mod, moderator, writer, group_a):
    item = queued(chat(writer, group_a), R.REPORT)
    before = timezone.now()
    response = mod.post(
        item_url(item, "sanction/"),
        {"kind": "mute", "reason": "Please take a breather.", "duration": "1d", "where": "group"},
    )
    assert response.status_code == 302
    sanction = Sanction.objects.get()
    assert (sanction.member, sanction.kind, sanction.group) == (writer, "mute", group_a)
    assert sanction.created_by == moderator
    assert timedelta(hours=23) < sanction.ends_at - before < timedelta(hours=25)
    assert "Mute recorded for Wren Writer." in text_of(mod.get(item_url(item)))


def test_moderator_bans_everywhere_without_an_end(mod, writer, group_a):
    item = queued(chat(writer, group_a), R.REPORT)
    mod.post(
        item_url(item, "sanction/"),
        {"kind": "ban", "reason": "Repeated threats.", "duration": "", "where": "everywhere"},
    )
    sanction = Sanction.objects.get()
    assert (sanction.kind, sanction.group, sanction.ends_at) == ("ban", None, None)


def test_a_warning_with_an_end_is_refused_kindly(mod, writer, group_a):
    item = queued(chat(writer, group_a), R.REPORT)
    response = mod.post(
        item_url(item, "sanction/"),
        {"kind": "warn", "reason": "Gently now.", "duration": "7d", "where": "everywhere"},
    )
    assert response.status_code == 409
    assert "Warnings and bans don&#x27;t have an end date." in response.content.decode()
    assert not Sanction.objects.exists()


def test_facilitator_is_offered_warn_and_mute_in_their_group_only(facilitator, writer, group_a):
    item = queued(chat(writer, group_a), R.REPORT)
    client = client_for(facilitator)
    page = client.get(item_url(item)).content.decode()
    form = page[page.index('id="form-sanction"') :]
    form = form[: form.index("</form>")]
    assert 'value="warn"' in form and 'value="mute"' in form
    assert 'value="ban"' not in form and 'value="suspend"' not in form
    assert 'value="everywhere"' not in form
    response = client.post(
        item_url(item, "sanction/"), {"kind": "ban", "reason": "No.", "where": "group"}
    )
    assert response.status_code == 403
    assert "You can&#x27;t moderate here." in response.content.decode()
    response = client.post(
        item_url(item, "sanction/"),
        {"kind": "mute", "reason": "A pause.", "duration": "1h", "where": "group"},
    )
    assert response.status_code == 302
    assert Sanction.objects.get().group == group_a


# --- notes and supportive messages --------------------------------------------------------------


def test_an_internal_note_is_added_and_shown(mod, moderator, writer, group_a):
    item = queued(chat(writer, group_a), R.REPORT)
    response = mod.post(item_url(item, "notes/"), {"text": "Checked their earlier posts."})
    assert response.status_code == 302
    note = QueueNote.objects.get()
    assert (note.queue_item, note.author, note.text) == (
        item,
        moderator,
        "Checked their earlier posts.",
    )
    words = text_of(mod.get(item_url(item)))
    assert "Mo Moderator, 0 minutes ago Checked their earlier posts." in words
    assert "Your note is added." in words


def test_an_empty_note_is_refused_next_to_its_field(mod, writer, group_a):
    item = queued(chat(writer, group_a), R.REPORT)
    response = mod.post(item_url(item, "notes/"), {"text": "  "})
    assert response.status_code == 400
    assert re.search(
        r'id="note_text_errors">\s*<li>Please write the note first.', response.content.decode()
    )
    assert not QueueNote.objects.exists()


def test_support_template_prefills_the_message_without_javascript(mod, writer, group_a):
    item = urgent_item(writer, group_a)
    template = support_template()
    page = mod.get(item_url(item), {"support_template": template.pk}).content.decode()
    textarea = re.search(
        r'<textarea name="text"[^>]*id="support_text"[^>]*>(.*?)</textarea>', page, re.S
    )
    assert textarea and "we&#x27;re really glad you shared it" in textarea.group(1)
    assert f'<option value="{template.pk}" data-body=' in page


def test_a_supportive_message_reaches_the_member_and_ticks_the_checklist(
    mod, writer, group_a, django_capture_on_commit_callbacks
):
    item = urgent_item(writer, group_a)
    text = "Hi, this is the moderation team. We're glad you told us."
    with django_capture_on_commit_callbacks(execute=True):
        response = mod.post(item_url(item, "support/"), {"text": text})
    assert response.status_code == 302
    message = SupportMessage.objects.get()
    assert (message.member, message.text, message.queue_item) == (writer, text, item)
    assert Notification.objects.filter(
        recipient=writer, kind=Notification.Kind.SUPPORT_MESSAGE
    ).exists()
    assert CrisisStep.objects.filter(queue_item=item, step="support_sent").exists()
    words = text_of(mod.get(item_url(item)))
    assert "Sent by Mo Moderator" in words and text in words


def test_an_empty_supportive_message_is_refused(mod, writer, group_a):
    item = urgent_item(writer, group_a)
    response = mod.post(item_url(item, "support/"), {"text": ""})
    assert response.status_code == 400
    assert "Please write the message, or start from a template." in text_of(response)


# --- the crisis checklist ------------------------------------------------------------------------


def test_the_crisis_checklist_is_worked_through_the_page(mod, moderator, writer, group_a):
    item = urgent_item(writer, group_a)
    words = text_of(mod.get(item_url(item)))
    assert "Crisis checklist" in words
    assert "Confirm help was shown" in words
    assert "Call the emergency services for United Kingdom: 999 or 112 (Emergency services)" in (
        words
    )

    assert mod.post(item_url(item, "crisis/signpost/")).status_code == 302
    assert (
        mod.post(
            item_url(item, "crisis/follow-up/"), {"note": "Check in tomorrow morning."}
        ).status_code
        == 302
    )
    assert (
        mod.post(
            item_url(item, "crisis/escalate/"),
            {"note": "Called 999 at 21:10 with what they shared."},
        ).status_code
        == 302
    )
    steps = {row.step: row for row in CrisisStep.objects.filter(queue_item=item)}
    assert set(steps) == {"signpost_confirmed", "follow_up", "escalated"}
    assert steps["follow_up"].note == "Check in tomorrow morning."
    assert all(row.done_by == moderator for row in steps.values())
    words = text_of(mod.get(item_url(item)))
    assert "Done Help was shown to the member By Mo Moderator" in words
    assert "Help had been shown when they wrote it." in words
    assert "Record the escalation" not in words

    # A step is recorded once: a second try is a conflict.
    response = mod.post(item_url(item, "crisis/follow-up/"), {"note": "Again."})
    assert response.status_code == 409
    assert "Someone has already recorded this step" in text_of(response)


def test_a_follow_up_needs_a_note(mod, writer, group_a):
    item = urgent_item(writer, group_a)
    response = mod.post(item_url(item, "crisis/follow-up/"), {"note": ""})
    assert response.status_code == 400
    assert "Please note the follow-up" in text_of(response)


def test_facilitators_are_asked_to_get_a_moderator_to_escalate(facilitator, writer, group_a):
    item = urgent_item(writer, group_a)
    client = client_for(facilitator)
    words = text_of(client.get(item_url(item)))
    assert "Only moderators escalate." in words
    assert "Record the escalation" not in words
    response = client.post(item_url(item, "crisis/escalate/"), {"note": "Worried."})
    assert response.status_code == 403
    assert "Please ask a moderator to escalate" in text_of(response)
    assert not CrisisStep.objects.filter(step="escalated").exists()


def test_the_checklist_is_not_shown_on_other_items(mod, writer, group_a):
    item = queued(chat(writer, group_a), R.REPORT)
    assert "Crisis checklist" not in text_of(mod.get(item_url(item)))
    response = mod.post(item_url(item, "crisis/signpost/"))
    assert response.status_code == 409
    assert "The crisis checklist is only for crisis items." in text_of(response)


def test_an_urgent_item_worked_end_to_end_is_resolved_support_offered(mod, writer, group_a):
    item = urgent_item(writer, group_a)
    message = item.content
    mod.post(item_url(item, "claim/"))
    mod.post(item_url(item, "crisis/signpost/"))
    mod.post(item_url(item, "support/"), {"text": support_template().body})
    mod.post(item_url(item, "crisis/follow-up/"), {"note": "Check in tonight."})
    # The urgent words are held: a decision about them comes first.
    words = text_of(mod.get(item_url(item)))
    assert "This is held. Approve it or remove it first" in words
    assert "Close this item" not in words
    template = removal_template("Details of self-harm or methods")
    assert mod.post(item_url(item, "remove/"), {"template": template.pk}).status_code == 302
    message.refresh_from_db()
    item.refresh_from_db()
    assert message.status == ContentStatus.REMOVED  # kept for the record, never deleted
    assert item.state == QueueItem.State.CLAIMED  # the person still needs a human answer
    assert "Close this item" in text_of(mod.get(item_url(item)))
    response = mod.post(item_url(item, "resolve/"), {"resolution": "support_offered", "note": ""})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.resolution) == (QueueItem.State.RESOLVED, "support_offered")
    assert CrisisStep.objects.filter(queue_item=item).count() == 3


def test_a_concern_item_is_resolved_support_offered_after_a_message(mod, writer, group_a):
    message = chat(writer, group_a, "Everyone would be better off without me.")
    item = queued(message, R.CRISIS_CONCERN)
    response = mod.post(item_url(item, "resolve/"), {"resolution": "support_offered"})
    assert response.status_code == 409
    assert "Please send the member a supportive message" in text_of(response)
    mod.post(item_url(item, "support/"), {"text": support_template().body})
    response = mod.post(item_url(item, "resolve/"), {"resolution": "support_offered"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.resolution) == (QueueItem.State.RESOLVED, "support_offered")


# --- appeals -------------------------------------------------------------------------------------


def _appeal_item(moderator, author):
    content = profile(author)
    services.content_remove(actor=moderator, content=content, reason=REASON)
    appeal = services.appeal_submit(
        actor=author, content=content, text="It was my own story, told kindly."
    )
    return content, appeal, appeal.queue_item


def test_another_moderator_grants_an_appeal_through_the_page(moderator, second_moderator, writer):
    content, appeal, item = _appeal_item(moderator, writer)
    client = client_for(second_moderator)
    words = text_of(client.get(item_url(item)))
    assert "The appeal" in words and "It was my own story, told kindly." in words
    assert "Decided by Mo Moderator" in words
    response = client.post(item_url(item, "appeal/"), {"decision": "grant", "note": ""})
    assert response.status_code == 302
    appeal.refresh_from_db()
    content.refresh_from_db()
    assert appeal.state == Appeal.State.GRANTED
    assert content.status == ContentStatus.PUBLISHED


def test_upholding_needs_a_note_for_the_member(moderator, second_moderator, writer):
    _content, appeal, item = _appeal_item(moderator, writer)
    client = client_for(second_moderator)
    response = client.post(item_url(item, "appeal/"), {"decision": "uphold", "note": ""})
    assert response.status_code == 409
    client.post(item_url(item, "appeal/"), {"decision": "uphold", "note": "It named someone."})
    appeal.refresh_from_db()
    assert (appeal.state, appeal.decision_note) == (Appeal.State.UPHELD, "It named someone.")


def test_the_moderator_who_decided_cannot_decide_the_appeal(mod, moderator, writer):
    _content, appeal, item = _appeal_item(moderator, writer)
    words = text_of(mod.get(item_url(item)))
    assert "a different moderator needs to decide it" in words
    assert "Decide the appeal" not in words
    response = mod.post(item_url(item, "appeal/"), {"decision": "grant"})
    assert response.status_code == 403
    appeal.refresh_from_db()
    assert appeal.state == Appeal.State.OPEN


# --- bulk decisions ----------------------------------------------------------------------------


def test_bulk_resolve_closes_three_report_items_and_says_so(mod, writer, group_a):
    items = [queued(chat(writer, group_a), R.REPORT) for _n in range(3)]
    response = mod.post(
        BULK,
        {
            "items": [item.pk for item in items],
            "action": "resolve",
            "note": "Fine.",
            "tab": "reports",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/moderation/?tab=reports"
    for item in items:
        item.refresh_from_db()
        assert (item.state, item.resolution) == (QueueItem.State.RESOLVED, "no_action")
    words = text_of(mod.get(response["Location"]))
    numbers = ", ".join(f"#{item.pk}" for item in items)
    assert f"Closed 3 items as no action needed: {numbers}." in words


def test_crisis_items_are_refused_in_bulk_and_stay_open(mod, writer, group_a):
    urgent = urgent_item(writer, group_a)
    report = queued(chat(writer, group_a), R.REPORT)
    response = mod.post(BULK, {"items": [urgent.pk, report.pk], "action": "resolve"}, follow=True)
    words = text_of(response)
    assert f"Closed 1 item as no action needed: #{report.pk}." in words
    assert "1 item was left as it was:" in words
    assert f"#{urgent.pk}: Crisis items are never decided in bulk; please open this one." in words
    urgent.refresh_from_db()
    assert urgent.state == QueueItem.State.OPEN


def test_bulk_approve_publishes_held_content(mod, writer, group_a):
    messages_ = [chat(writer, group_a, status=ContentStatus.HELD) for _n in range(2)]
    items = [queued(message, R.NEW_MEMBER) for message in messages_]
    response = mod.post(
        BULK, {"items": [item.pk for item in items], "action": "approve"}, follow=True
    )
    assert "Approved 2 items" in text_of(response)
    for message in messages_:
        message.refresh_from_db()
        assert message.status == ContentStatus.PUBLISHED


def test_bulk_with_nothing_chosen_is_refused_next_to_the_form(mod, writer, group_a):
    queued(chat(writer, group_a), R.REPORT)
    response = mod.post(BULK, {"action": "resolve"})
    assert response.status_code == 400
    assert re.search(
        r'id="bulk-errors">\s*<p>Please choose at least one item.', response.content.decode()
    )
    response = mod.post(BULK, {"items": ["1"], "action": "delete"})
    assert response.status_code == 400


def test_bulk_skips_junk_ids_with_a_reason(mod, writer, group_a):
    report = queued(chat(writer, group_a), R.REPORT)
    response = mod.post(BULK, {"items": ["nonsense", report.pk], "action": "resolve"}, follow=True)
    words = text_of(response)
    assert "#nonsense: We couldn't find this item." in words
    report.refresh_from_db()
    assert report.state == QueueItem.State.RESOLVED
