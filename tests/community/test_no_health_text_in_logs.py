"""What members write never reaches a log: not in a message, its arguments or its extra fields.

Every logger is opened to DEBUG (including those that do not propagate to the root), then a
chat message, a forum thread and reply, a story and a search are written through the services,
the HTML pages and the API, ordinary and in crisis (held, queued and signposted). The unique
phrase in them must appear in no log record."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from community import forum_services
from community.tokens import api_token_create
from groups import services as group_services
from moderation.kinds import ContentKind
from moderation.models import QueueItem, Signpost
from moderation.pipeline import rate_window
from tests.community.forum_helpers import join, make_category, make_thread, reader
from tests.community.story_helpers import settled, write
from tests.factories import GroupFactory
from tests.moderation.conftest import URGENT_TEXT

pytestmark = pytest.mark.django_db

PHRASE = "quillon marmalade hush"
CRISIS = f"{URGENT_TEXT} {PHRASE}"


@pytest.fixture
def every_log_record(caplog):
    """caplog at DEBUG on every logger that exists, and on those that do not propagate."""
    manager = logging.root.manager
    changed = []
    for name in ["", *list(manager.loggerDict)]:
        logger = logging.getLogger(name)
        changed.append((logger, logger.level, logger.disabled))
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if not logger.propagate and name:
            logger.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    yield caplog
    for logger, level, disabled in changed:
        logger.setLevel(level)
        logger.disabled = disabled
        if caplog.handler in logger.handlers and logger is not logging.root:
            logger.removeHandler(caplog.handler)


def record_text(record: logging.LogRecord) -> str:
    """Everything a record carries: its message, arguments, extra fields and traceback."""
    parts = [record.getMessage(), repr(record.args), record.exc_text or ""]
    parts += [f"{key}={value!r}" for key, value in vars(record).items()]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def assert_phrase_never_logged(caplog) -> None:
    leaks = [
        f"{record.name}:{record.levelname}: {record.getMessage()[:200]}"
        for record in caplog.records
        if PHRASE.lower() in record_text(record).lower()
    ]
    assert leaks == []


def fresh(member):
    for kind in (ContentKind.CHAT, ContentKind.FORUM_THREAD, ContentKind.FORUM_POST):
        rate_window(member, kind).clear()
    rate_window(member, ContentKind.STORY).clear()


def test_writing_through_the_services_logs_no_member_text(every_log_record):
    author = settled(pseudonym="Lio Logless", country="GB")
    group = GroupFactory(slug="log-circle")
    join(group, author)
    category = make_category()
    open_thread = make_thread(category, author, title="Evenings")

    for body in (f"Today was calmer. {PHRASE}", CRISIS):
        fresh(author)
        group_services.chat_message_post(actor=author, group=group, body=body, local_id="")
        fresh(author)
        forum_services.thread_start(
            reader=reader(author, category), title=f"About {PHRASE}", body=body
        )
        fresh(author)
        forum_services.post_reply(reader=reader(author, category), thread=open_thread, body=body)
        fresh(author)
        write(author, title=f"Story {PHRASE}", body=body)

    # The crisis texts really were held, queued and signposted, so those paths ran too.
    assert QueueItem.objects.filter(reason=QueueItem.Reason.CRISIS_URGENT).count() >= 3
    assert Signpost.objects.filter(member=author).exists()
    assert_phrase_never_logged(every_log_record)


def test_writing_through_the_pages_and_the_api_logs_no_member_text(every_log_record):
    author = settled(pseudonym="Pax Pages", country="GB")
    category = make_category()
    client = Client()
    client.force_login(author)

    thread = make_thread(category, author, title="Small wins")

    for body in (f"A small win today. {PHRASE}", CRISIS):
        fresh(author)
        client.post(f"/forums/{category.slug}/new/", {"title": f"On {PHRASE}", "body": body})
        fresh(author)
        client.post(f"/forums/threads/{thread.pk}/reply/", {"body": body})
        fresh(author)
        client.post(
            f"/api/v1/forums/threads/{thread.pk}/posts/",
            {"body": body},
            content_type="application/json",
        )
    client.post("/forums/search/", {"q": PHRASE})
    client.get("/forums/search/", {"q": PHRASE})

    _, secret = api_token_create(owner=author, name="log test")
    fresh(author)
    Client().post(
        f"/api/v1/forums/categories/{category.slug}/threads/",
        {"title": f"Token {PHRASE}", "body": CRISIS},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    assert category.threads.count() >= 4
    assert thread.posts.count() >= 3
    assert_phrase_never_logged(every_log_record)


def test_the_check_itself_would_catch_a_leak(every_log_record):
    logging.getLogger("django.server").info("echo %s", f"text {PHRASE}")
    logging.getLogger("community.example").debug("saved", extra={"body": PHRASE})
    with pytest.raises(AssertionError):
        assert_phrase_never_logged(every_log_record)
