"""Peer groups in a real browser: joining, the live room between two people, a facilitator
taking a message down, the keyboard, crisis signposting, phones and axe. Every context reports
anything the strict CSP blocked (see conftest.new_context)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from groups.models import ChatMessage, GroupSession, next_seq
from tests.e2e.conftest import PHONE_VIEWPORT, assert_accessible, log_in
from tests.factories import GroupFactory, MemberFactory, MembershipFactory
from tests.moderation.conftest import URGENT_TEXT

SLUG = "waiting"


def settled(pseudonym: str):
    """A member who joined a while ago, so new-member rules don't hold their messages."""
    return MemberFactory(pseudonym=pseudonym, date_joined=timezone.now() - timedelta(days=30))


@pytest.fixture
def group(transactional_db):
    group = GroupFactory(
        name="Waiting for a reply: texting anxiety",
        slug=SLUG,
        purpose="For the long minutes after you press send.",
        guidelines="Share from your own experience. No advice unless someone asks for it.",
    )
    return group


@pytest.fixture
def ash(group):
    person = settled("Ash Speaker")
    MembershipFactory(group=group, member=person)
    return person


@pytest.fixture
def bo(group):
    person = settled("Bo Listener")
    MembershipFactory(group=group, member=person)
    return person


@pytest.fixture
def fi(group):
    person = settled("Fi Facilitator")
    MembershipFactory(group=group, member=person, role="facilitator")
    return person


def publish(author, group, html: str, content_warning: str = "") -> ChatMessage:
    """A published message stored directly (the services would broadcast from Playwright's
    event loop, and the pipeline would rightly rate-limit a test's bulk history)."""
    return ChatMessage.objects.create(
        author=author,
        group=group,
        body=html,
        body_html=f"<p>{html}</p>",
        content_warning=content_warning,
        status="published",
        seq=next_seq(group.pk),
    )


def browser_for(new_context, site: str, person, **options) -> Page:
    context: BrowserContext = new_context(**options)
    page = context.new_page()
    log_in(page, site, person.pseudonym)
    return page


def open_room(page: Page, site: str) -> None:
    page.goto(f"{site}/groups/{SLUG}/room/")
    expect(page.locator("#chat-connection-text")).to_have_text("Connected")


def messages(page: Page):
    return page.locator("#chat-messages > li.msg:not([hidden])")


def send(page: Page, text: str) -> None:
    page.get_by_role("textbox", name="Your message").fill(text)
    page.get_by_role("textbox", name="Your message").press("Enter")


# --- pages -----------------------------------------------------------------------------------


def test_member_finds_a_group_joins_it_and_enters_the_room(new_context, site: str, group, fi):
    person = settled("Robin New")
    page = browser_for(new_context, site, person)

    page.goto(f"{site}/groups/")
    expect(page.get_by_role("heading", name="Waiting for a reply: texting anxiety")).to_be_visible()
    page.get_by_role("button", name="Join Waiting for a reply: texting anxiety").click()

    expect(page).to_have_url(f"{site}/groups/{SLUG}/")
    expect(page.get_by_role("status")).to_contain_text("Welcome to Waiting for a reply")
    page.get_by_role("link", name="Go to the room").click()
    expect(page.locator("#chat-connection-text")).to_have_text("Connected")
    expect(page.locator("#chat-presence")).to_contain_text("Robin New (you)")


def test_group_page_shows_the_next_session_in_the_members_own_time_zone(
    new_context, site: str, group
):
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(days=2)
    starts = starts.replace(hour=18, minute=0)
    GroupSession.objects.create(group=group, starts_at=starts, topic="Sitting with the silence")
    context = new_context(timezone_id="America/New_York")
    page = context.new_page()

    page.goto(f"{site}/groups/{SLUG}/")

    when = page.locator("time[data-local-time]")
    expect(when).to_have_attribute("data-localized", "true")
    # 18:00 UTC is 13:00 or 14:00 in New York, depending on daylight saving time.
    expect(when).to_contain_text(re.compile(r"\b(13|14):00\b"))
    expect(when).to_contain_text("(your time)")


def test_facilitator_approves_a_request_from_the_requests_page(new_context, site: str, fi):
    group = GroupFactory(name="Partners and family", slug="family", visibility="private")
    MembershipFactory(group=group, member=fi, role="facilitator")
    asker = settled("Quinn Asks")

    asking = browser_for(new_context, site, asker)
    asking.goto(f"{site}/groups/family/")
    asking.get_by_label("A note for the facilitator (optional)").fill("My partner is anxious.")
    asking.get_by_role("button", name="Ask to join").click()
    expect(asking.locator("#join")).to_contain_text("A facilitator will look at your request")

    facilitating = browser_for(new_context, site, fi)
    facilitating.goto(f"{site}/groups/family/requests/")
    expect(facilitating.get_by_text("My partner is anxious.")).to_be_visible()
    facilitating.get_by_role("button", name="Approve").click()
    expect(facilitating.get_by_role("status")).to_contain_text("Quinn Asks is now a member.")

    asking.goto(f"{site}/groups/family/room/")
    expect(asking.locator("#chat-connection-text")).to_have_text("Connected")


# --- the live room ---------------------------------------------------------------------------


def test_two_members_chat_live_and_see_every_message_in_order(new_context, site: str, ash, bo):
    ash_page = browser_for(new_context, site, ash)
    bo_page = browser_for(new_context, site, bo)
    open_room(ash_page, site)
    open_room(bo_page, site)
    expect(ash_page.locator("#chat-presence")).to_contain_text("Bo Listener")

    send(ash_page, "Hello from Ash")
    expect(messages(bo_page).last).to_contain_text("Hello from Ash")
    send(bo_page, "Hi Ash, Bo here")
    expect(messages(ash_page).last).to_contain_text("Hi Ash, Bo here")

    for n in range(1, 6):
        send(ash_page, f"Quick thought {n}")
    expected = [
        "Hello from Ash",
        "Hi Ash, Bo here",
        *(f"Quick thought {n}" for n in range(1, 6)),
    ]
    for page in (ash_page, bo_page):
        expect(messages(page).locator(".msg__body")).to_have_text(expected)
        seqs = [int(s) for s in messages(page).evaluate_all("els => els.map(e => e.dataset.seq)")]
        assert seqs == sorted(seqs) == list(range(seqs[0], seqs[0] + len(expected)))
        expect(page.locator("#chat-pending > li")).to_have_count(0)


def test_a_dropped_connection_comes_back_with_every_missed_message_once_and_in_order(
    new_context, site: str, ash, bo
):
    ash_page = browser_for(new_context, site, ash)
    sockets = []
    blocked = {"now": False}

    def through_the_network(route) -> None:
        if blocked["now"]:
            route.close(code=1012, reason="network down")
            return
        route.connect_to_server()
        sockets.append(route)

    ash_page.route_web_socket(re.compile(r"/ws/groups/"), through_the_network)
    bo_page = browser_for(new_context, site, bo)
    open_room(ash_page, site)
    open_room(bo_page, site)
    send(bo_page, "Before the drop")
    expect(messages(ash_page).last).to_contain_text("Before the drop")

    blocked["now"] = True
    sockets[-1].close(code=1012, reason="network down")
    expect(ash_page.locator("#chat-connection-text")).to_contain_text("Reconnecting in")
    for n in range(1, 4):
        send(bo_page, f"While you were away {n}")
    send(ash_page, "Typed while offline")
    expect(ash_page.locator("#chat-pending > li")).to_contain_text("Sending…")
    blocked["now"] = False

    expect(ash_page.locator("#chat-connection-text")).to_have_text("Connected", timeout=20_000)
    expected = [
        "Before the drop",
        "While you were away 1",
        "While you were away 2",
        "While you were away 3",
        "Typed while offline",
    ]
    for page in (ash_page, bo_page):
        expect(messages(page).locator(".msg__body")).to_have_text(expected)
    expect(ash_page.locator("#chat-pending > li")).to_have_count(0)
    assert ChatMessage.objects.filter(body="Typed while offline").count() == 1


def test_a_message_from_someone_else_is_announced_to_screen_readers(
    new_context, site: str, ash, bo
):
    ash_page = browser_for(new_context, site, ash)
    bo_page = browser_for(new_context, site, bo)
    open_room(ash_page, site)
    open_room(bo_page, site)

    send(ash_page, "Is anyone around tonight?")

    announcer = bo_page.locator("#chat-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text("Ash Speaker says: Is anyone around tonight?")


def test_typing_is_shown_to_the_other_member(new_context, site: str, ash, bo):
    ash_page = browser_for(new_context, site, ash)
    bo_page = browser_for(new_context, site, bo)
    open_room(ash_page, site)
    open_room(bo_page, site)

    ash_page.get_by_role("textbox", name="Your message").press_sequentially("I was wondering")

    expect(bo_page.locator("#chat-typing")).to_have_text("Ash Speaker is typing…")


def test_facilitator_removes_a_message_and_it_disappears_for_the_other_member(
    new_context, site: str, ash, bo, fi
):
    ash_page = browser_for(new_context, site, ash)
    bo_page = browser_for(new_context, site, bo)
    fi_page = browser_for(new_context, site, fi)
    for page in (ash_page, bo_page, fi_page):
        open_room(page, site)

    send(ash_page, "Something that should not stay up")
    expect(messages(bo_page).last).to_contain_text("Something that should not stay up")
    target = messages(fi_page).filter(has_text="Something that should not stay up")
    target.get_by_text("Options").click()
    target.get_by_role("button", name="Remove message").click()
    dialog = fi_page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Remove message").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        "Please give a reason; the member will see it."
    )
    dialog.get_by_label("Reason").fill("This shares details about someone else.")
    dialog.get_by_role("button", name="Remove message").click()
    expect(dialog).to_be_hidden()

    for page in (bo_page, ash_page, fi_page):
        expect(page.locator("#chat-messages")).not_to_contain_text(
            "Something that should not stay up"
        )
        expect(messages(page).last).to_have_text("This message was removed by a moderator")


def test_facilitator_mutes_a_member_whose_composer_then_says_until_when_and_keeps_the_text(
    new_context, site: str, ash, fi
):
    ash_page = browser_for(new_context, site, ash)
    fi_page = browser_for(new_context, site, fi)
    open_room(ash_page, site)
    open_room(fi_page, site)
    send(ash_page, "Everyone here is wrong")
    target = messages(fi_page).filter(has_text="Everyone here is wrong")
    ash_page.get_by_role("textbox", name="Your message").fill(
        "But I only wanted to say one more thing"
    )
    target.get_by_text("Options").click()
    target.get_by_role("button", name="Mute Ash Speaker").click()
    dialog = fi_page.get_by_role("dialog")
    dialog.get_by_label("For how long").select_option("60")
    dialog.get_by_label("Reason").fill("Let's take a breather.")
    dialog.get_by_role("button", name="Mute Ash Speaker").click()
    # The mute is a form post and a broadcast; on a loaded machine both can take a while.
    expect(dialog).to_be_hidden(timeout=15_000)
    expect(fi_page.locator("#chat-announcer")).to_contain_text(
        "Ash Speaker is muted until", timeout=15_000
    )

    # The mute reaches Ash's open room at once: the composer says until when and keeps the
    # draft Ash was writing.
    expect(ash_page.locator("#chat-composer-status")).to_contain_text(
        "You are muted in this room until", timeout=15_000
    )
    composer = ash_page.get_by_role("textbox", name="Your message")
    expect(composer).to_be_disabled()
    expect(composer).to_have_value("But I only wanted to say one more thing")
    expect(ash_page.get_by_role("button", name="Send")).to_be_disabled()


def test_member_ignores_another_and_no_longer_sees_their_messages(new_context, site: str, ash, bo):
    ash_page = browser_for(new_context, site, ash)
    bo_page = browser_for(new_context, site, bo)
    open_room(ash_page, site)
    open_room(bo_page, site)
    send(ash_page, "Something Bo would rather not read")
    target = messages(bo_page).filter(has_text="Something Bo would rather not read")
    expect(target.get_by_role("button", name="Remove message")).to_have_count(0)
    target.get_by_text("Options").click()
    target.get_by_role("button", name="Ignore Ash Speaker").click()
    bo_page.get_by_role("dialog").get_by_role("button", name="Ignore Ash Speaker").click()

    expect(bo_page.locator("#chat-messages")).not_to_contain_text("Something Bo would rather")
    send(ash_page, "And another thing")
    expect(messages(ash_page).last).to_contain_text("And another thing")
    bo_page.wait_for_timeout(500)
    expect(bo_page.locator("#chat-messages")).not_to_contain_text("And another thing")
    bo_page.reload()
    expect(bo_page.locator("#chat-connection-text")).to_have_text("Connected")
    expect(bo_page.locator("#chat-messages")).not_to_contain_text("Ash")


def test_member_sends_a_message_with_the_keyboard_only(new_context, site: str, ash, bo):
    bo_page = browser_for(new_context, site, bo)
    open_room(bo_page, site)
    page = browser_for(new_context, site, ash)
    open_room(page, site)

    page.locator("body").focus()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "chat-input":
            break
    assert page.evaluate("document.activeElement.id") == "chat-input"
    page.keyboard.type("First line")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")
    page.keyboard.press("Enter")

    mine = messages(page).last
    expect(mine).to_contain_text("First line")
    expect(mine).to_contain_text("second line")
    expect(page.locator("#chat-pending > li")).to_have_count(0)
    expect(page.get_by_role("textbox", name="Your message")).to_have_value("")
    assert page.evaluate("document.activeElement.id") == "chat-input"
    expect(messages(bo_page).last).to_contain_text("second line")


def test_urgent_message_is_held_and_only_its_author_sees_the_signpost(
    new_context, site: str, ash, bo
):
    ash_page = browser_for(new_context, site, ash)
    bo_page = browser_for(new_context, site, bo)
    open_room(ash_page, site)
    open_room(bo_page, site)

    send(ash_page, URGENT_TEXT)

    panel = ash_page.locator("#chat-signpost .signpost")
    expect(panel.get_by_role("heading", name="You're not alone")).to_be_visible()
    expect(panel).to_be_focused()
    expect(panel.get_by_role("link", name="See all helplines")).to_have_attribute("href", "/help/")
    expect(ash_page.locator("#chat-pending > li").last).to_contain_text(
        "A moderator will read this before other members can see it."
    )
    expect(ash_page.get_by_role("banner").get_by_role("link", name="Get help now")).to_be_visible()
    send(bo_page, "Bo is still here")
    expect(messages(bo_page).last).to_contain_text("Bo is still here")
    expect(bo_page.locator("#chat-messages")).not_to_contain_text("pills")
    expect(bo_page.locator("#chat-signpost")).to_be_empty()


def test_earlier_messages_load_on_request(new_context, site: str, group, ash):
    for n in range(1, 56):
        publish(ash, group, f"Old message {n}")
    page = browser_for(new_context, site, ash)
    open_room(page, site)
    expect(messages(page)).to_have_count(50)
    expect(messages(page).first).to_contain_text("Old message 6")

    page.get_by_role("button", name="Load earlier messages").click()

    expect(messages(page)).to_have_count(55)
    expect(messages(page).first).to_contain_text("Old message 1")
    expect(page.locator("#chat-earlier-status")).to_have_text(
        "This is the start of the conversation."
    )


def test_room_fits_a_phone_and_keeps_get_help_now_in_reach(new_context, site: str, ash):
    page = browser_for(
        new_context, site, ash, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True
    )
    open_room(page, site)
    for n in range(12):
        send(page, f"A longer message number {n} to fill the room on a small screen")
    expect(page.locator("#chat-pending > li")).to_have_count(0)
    page.get_by_role("textbox", name="Your message").scroll_into_view_if_needed()

    help_now = page.get_by_role("banner").get_by_role("link", name="Get help now")
    expect(help_now).to_be_in_viewport()
    width = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert width == 0


# --- accessibility ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/groups/", f"/groups/{SLUG}/"])
def test_group_pages_have_no_serious_accessibility_violations_for_visitors(
    axe_page: Page, site: str, group, path
):
    GroupSession.objects.create(
        group=group, starts_at=timezone.now() + timedelta(days=1), topic="Check-in"
    )
    response = axe_page.goto(f"{site}{path}")
    assert response is not None and response.status == 200

    assert_accessible(axe_page)


@pytest.mark.parametrize(
    "path",
    ["/groups/", f"/groups/{SLUG}/", f"/groups/{SLUG}/room/", f"/groups/{SLUG}/requests/"],
)
def test_group_pages_have_no_serious_accessibility_violations_for_a_facilitator(
    axe_page: Page, site: str, group, fi, ash, path
):
    publish(ash, group, "Hello, <em>everyone</em>.")
    publish(ash, group, "It was a hard week.", content_warning="grief")
    MembershipFactory(group=group, member=settled("Quinn Asks"), state="requested")
    log_in(axe_page, site, fi.pseudonym)
    response = axe_page.goto(f"{site}{path}")
    assert response is not None and response.status == 200
    if path.endswith("/room/"):
        expect(axe_page.locator("#chat-connection-text")).to_have_text("Connected")
        axe_page.locator("#chat-messages .msg__options summary").first.click()

    assert_accessible(axe_page)


def test_room_with_the_moderation_dialog_open_has_no_serious_accessibility_violations(
    axe_page: Page, site: str, group, fi, ash
):
    publish(ash, group, "Hello there.")
    log_in(axe_page, site, fi.pseudonym)
    axe_page.goto(f"{site}/groups/{SLUG}/room/")
    expect(axe_page.locator("#chat-connection-text")).to_have_text("Connected")
    axe_page.locator("#chat-messages .msg__options summary").first.click()
    axe_page.get_by_role("button", name="Mute Ash Speaker").click()
    expect(axe_page.get_by_role("dialog")).to_be_visible()

    assert_accessible(axe_page)
