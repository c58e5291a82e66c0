"""Reads for the forums. Fetch-and-check helpers raise Http404 for what the actor may not see,
the same answer as for what does not exist; lists make a fixed number of queries however many
posts, reactions or authors they show."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet, Value
from django.http import Http404
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from community.forum_permissions import (
    Reader,
    is_member,
    readable_categories_q,
    reader_for,
    visible_content_q,
)
from community.ids import db_id_or_404, not_found
from community.models import (
    Category,
    Notification,
    Post,
    Reaction,
    Story,
    Subscription,
    Thread,
)
from moderation.member_support import SupportMessageView, support_message_view
from moderation.models import ContentStatus
from moderation.permissions import is_moderator

THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 20
NOTIFICATIONS_PER_PAGE = 30
SEARCH_PER_PAGE = 20
SEARCH_MAX_RESULTS = 200
SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 200
MAX_PAGE = 100_000


def page_number(raw) -> int:
    """A page number from a query string; absent means 1, anything else unusable is a 404."""
    if raw in (None, ""):
        return 1
    try:
        number = int(str(raw))
    except ValueError:
        raise Http404(_("There is no page with that number here.")) from None
    if not 1 <= number <= MAX_PAGE:
        raise Http404(_("There is no page with that number here."))
    return number


def rows_page(rows, per_page: int, number: int) -> Page:
    """Page `number` of `rows`; Http404 when there is no such page."""
    try:
        return Paginator(rows, per_page).page(number)
    except EmptyPage:
        raise Http404(_("There is no page with that number here.")) from None


# --- categories -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryListing:
    category: Category
    thread_count: int
    last_activity_at: datetime | None


def categories_for_list(actor) -> list[CategoryListing]:
    """Every category `actor` may read, with its number of threads and latest activity.
    One query."""
    live = Q(threads__status=ContentStatus.PUBLISHED)
    rows = (
        Category.objects.filter(readable_categories_q(actor))
        .select_related("group")
        .annotate(
            thread_count=Count("threads", filter=live),
            latest=Max("threads__last_activity_at", filter=live),
        )
        .order_by("order", "name")
    )
    return [
        CategoryListing(category=row, thread_count=row.thread_count, last_activity_at=row.latest)
        for row in rows
    ]


def get_category_for(actor, slug: str) -> Reader:
    """The category at `slug` with `actor`'s standing in it; 404 if they may not read it."""
    category = Category.objects.select_related("group").filter(slug=slug).first()
    if category is None:
        raise not_found()
    reader = reader_for(actor, category)
    if not reader.can_read:
        raise not_found()
    return reader


# --- threads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadListing:
    thread: Thread
    author_label: str
    reply_count: int
    notice: str  # "awaiting review" and the like, for the few who may see such a thread


def _status_notice(reader: Reader, content: Thread | Post) -> str:
    if content.status == ContentStatus.HELD:
        return _("Awaiting review: only you and the moderators can see this for now.")
    if content.status == ContentStatus.DELETED:
        return _("Deleted by its author.")
    if content.status == ContentStatus.REMOVED:
        if reader.is_author(content) or reader.moderating:
            reason = content.removal_reason or _("it didn't fit our community guidelines")
            return _("Removed by a moderator: %(reason)s") % {"reason": reason}
        return _("Removed by a moderator.")
    return ""


def _listed_threads(reader: Reader) -> QuerySet[Thread]:
    rows = Thread.objects.filter(category=reader.category).filter(
        visible_content_q(reader.actor, moderating=reader.moderating)
    )
    if not reader.moderating:
        # An author's own deleted thread has nothing left to show in a list.
        rows = rows.exclude(status=ContentStatus.DELETED)
    return rows


def threads_page(reader: Reader, number: int) -> Page:
    """One page of the category's threads, pinned first, then by latest activity. Two queries
    (count and page); the page's object_list holds ThreadListing rows."""
    rows = (
        _listed_threads(reader)
        .select_related("author")
        .annotate(
            replies=Count("posts", filter=Q(posts__status=ContentStatus.PUBLISHED)),
        )
        .order_by("-is_pinned", "-last_activity_at", "-pk")
    )
    page = rows_page(rows, THREADS_PER_PAGE, number)
    page.object_list = [
        ThreadListing(
            thread=thread,
            author_label=reader.author_label(thread),
            reply_count=thread.replies,
            notice=_status_notice(reader, thread),
        )
        for thread in page.object_list
    ]
    return page


def get_thread_for(actor, thread_id) -> tuple[Thread, Reader]:
    """The thread with this id and `actor`'s standing in its category; 404 unless they may
    see it."""
    thread = (
        Thread.objects.select_related("category", "category__group", "author")
        .filter(pk=db_id_or_404(thread_id))
        .first()
    )
    if thread is None:
        raise not_found()
    reader = reader_for(actor, thread.category)
    if not reader.sees(thread):
        raise not_found()
    return thread, reader


def get_post_for(actor, post_id) -> tuple[Post, Reader]:
    """A reply by id with `actor`'s standing; 404 unless they may see it and its thread."""
    post = (
        Post.objects.select_related(
            "author", "thread", "thread__author", "thread__category", "thread__category__group"
        )
        .filter(pk=db_id_or_404(post_id))
        .first()
    )
    if post is None:
        raise not_found()
    reader = reader_for(actor, post.thread.category)
    if not (reader.sees(post) and reader.sees(post.thread)):
        raise not_found()
    return post, reader


@dataclass(frozen=True)
class ReactionCount:
    kind: str
    label: str
    count: int
    mine: bool


@dataclass(frozen=True)
class ItemView:
    """The opening post or a reply as one reader sees it."""

    item: Thread | Post
    is_opening: bool
    author_label: str
    author_visible: bool
    show_text: bool
    notice: str
    reactions: tuple[ReactionCount, ...]
    may_edit: bool
    may_delete: bool
    may_react: bool
    may_report: bool
    may_see_history: bool
    may_remove: bool

    @property
    def anchor(self) -> str:
        return "opening" if self.is_opening else f"post-{self.item.pk}"

    # For the thread page, which shows every post: computed here, once, rather than with
    # filters and {% url %} tags in the per-post template, its most expensive part.

    @property
    def created_iso(self) -> str:
        return self.item.created_at.astimezone(UTC).isoformat()

    @property
    def created_label(self) -> str:
        """e.g. "7 March 2026, 18:05" (UTC), as the date filter's "j F Y, H:i"."""
        moment = self.item.created_at.astimezone(UTC)
        return f"{moment.day} {MONTHS[moment.month]} {moment.year}, {moment:%H:%M}"

    def _url(self, action: str) -> str:
        kind = "thread" if self.is_opening else "post"
        return reverse(f"forums:{kind}-{action}", args=[self.item.pk])

    @cached_property  # one form per kind of reaction
    def react_url(self) -> str:
        return self._url("react")

    @property
    def edit_url(self) -> str:
        return self._url("edit")

    @property
    def delete_url(self) -> str:
        return self._url("delete")

    @property
    def report_url(self) -> str:
        return self._url("report")

    @property
    def history_url(self) -> str:
        return self._url("history")

    @property
    def remove_url(self) -> str:
        return self._url("remove")


@dataclass(frozen=True)
class ThreadView:
    reader: Reader
    thread: Thread
    opening: ItemView
    page: Page  # object_list holds ItemView rows for replies
    subscribed: bool
    may_reply: bool
    may_lock_or_pin: bool


def _visible_posts(reader: Reader, thread: Thread) -> QuerySet[Post]:
    return thread.posts.filter(visible_content_q(reader.actor, moderating=reader.moderating))


def _reaction_counts(reader: Reader, thread: Thread, post_ids: list[int]) -> dict:
    """{("thread"|"post", id): {kind: (count, mine)}} in one query."""
    mine = (
        Count("pk", filter=Q(member=reader.actor)) if reader.is_member else Value(0)
    )  # a visitor has given no reactions
    rows = (
        Reaction.objects.filter(Q(thread=thread) | Q(post_id__in=post_ids))
        .values("thread_id", "post_id", "kind")
        .annotate(count=Count("pk"), mine=mine)
        .order_by()
    )
    counts: dict = {}
    for row in rows:
        key = ("thread", row["thread_id"]) if row["thread_id"] else ("post", row["post_id"])
        counts.setdefault(key, {})[row["kind"]] = (row["count"], bool(row["mine"]))
    return counts


def reaction_kinds() -> list[tuple[str, str]]:
    """(kind, translated label) of every reaction, in order: read once per page."""
    return [(kind, str(label)) for kind, label in Reaction.Kind.choices]


def _reactions(
    counts: dict, show_all: bool, kinds: list[tuple[str, str]]
) -> tuple[ReactionCount, ...]:
    rows = []
    for kind, label in kinds:
        count, mine = counts.get(kind, (0, False))
        if count or show_all:
            rows.append(ReactionCount(kind=kind, label=label, count=count, mine=mine))
    return tuple(rows)


def item_view(
    reader: Reader,
    item: Thread | Post,
    thread: Thread,
    counts: dict,
    kinds: list[tuple[str, str]] | None = None,
) -> ItemView:
    may_react = reader.may_react(item)
    return ItemView(
        item=item,
        is_opening=isinstance(item, Thread),
        author_label=reader.author_label(item),
        author_visible=reader.author_visible(item),
        show_text=reader.sees_text(item),
        notice=_status_notice(reader, item),
        reactions=_reactions(counts, may_react, kinds or reaction_kinds()),
        may_edit=reader.may_edit(item, thread),
        may_delete=reader.may_delete(item),
        may_react=may_react,
        may_report=reader.may_report(item),
        may_see_history=reader.may_see_history(),
        may_remove=reader.may_remove(item),
    )


def thread_view(reader: Reader, thread: Thread, number: int) -> ThreadView:
    """A page of a thread's replies with reactions and the reader's own standing: four queries
    for a member (count, replies with authors, reactions, follow), whatever the page holds."""
    page = rows_page(
        _visible_posts(reader, thread).select_related("author").order_by("created_at", "pk"),
        POSTS_PER_PAGE,
        number,
    )
    posts = list(page.object_list)
    counts = _reaction_counts(reader, thread, [post.pk for post in posts])
    kinds = reaction_kinds()
    page.object_list = [
        item_view(reader, post, thread, counts.get(("post", post.pk), {}), kinds) for post in posts
    ]
    subscribed = (
        reader.is_member
        and Subscription.objects.filter(member=reader.actor, thread=thread).exists()
    )
    return ThreadView(
        reader=reader,
        thread=thread,
        opening=item_view(reader, thread, thread, counts.get(("thread", thread.pk), {}), kinds),
        page=page,
        subscribed=subscribed,
        may_reply=reader.may_reply(thread),
        may_lock_or_pin=reader.may_lock_or_pin(),
    )


def quote_text(actor, reader: Reader, thread: Thread, raw) -> str:
    """The reply box's starting text for ?quote=<reply id or "opening">: that post's words as a
    Markdown quote, if the reader may read them. Anything else quotes nothing."""
    if not raw:
        return ""
    if raw == "opening":
        item = thread
    else:
        try:
            item, _post_reader = get_post_for(actor, raw)
        except Http404:
            return ""
        if item.thread_id != thread.pk:
            return ""
    if not reader.sees_text(item):
        return ""
    quoted = "\n".join(f"> {line}".rstrip() for line in item.body.splitlines())
    return _("%(name)s wrote:") % {"name": reader.public_label(item)} + f"\n\n{quoted}\n\n"


def post_page_number(reader: Reader, post: Post) -> int:
    """The page of its thread a reply is on, for the reader (one query)."""
    before = (
        _visible_posts(reader, post.thread)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
        .count()
    )
    return before // POSTS_PER_PAGE + 1


def recent_threads(actor, *, limit: int = 5) -> list[ThreadListing]:
    """The latest active published threads `actor` may read, for the home page. One query."""
    rows = (
        Thread.objects.filter(status=ContentStatus.PUBLISHED)
        .filter(readable_categories_q(actor, prefix="category__"))
        .select_related("author", "category")
        .annotate(replies=Count("posts", filter=Q(posts__status=ContentStatus.PUBLISHED)))
        .order_by("-last_activity_at", "-pk")[:limit]
    )
    moderator = is_moderator(actor)
    return [
        ThreadListing(
            thread=thread,
            author_label=_public_label(actor, thread, moderator),
            reply_count=thread.replies,
            notice="",
        )
        for thread in rows
    ]


def _public_label(actor, content: Thread | Post, moderator: bool) -> str:
    """The author's name outside a category page, where a facilitator's standing is not
    worked out: anonymity holds for everyone but the author and moderators."""
    if not content.is_anonymous:
        return content.author.pseudonym
    if is_member(actor) and content.author_id == actor.pk:
        return _("You (anonymous to others)")
    if moderator:
        return _("%(pseudonym)s (posted anonymously)") % {"pseudonym": content.author.pseudonym}
    return _("Anonymous member")


# --- search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    thread: Thread
    post: Post | None
    title: str
    snippet: str  # plain text; empty behind a content warning
    content_warning: str
    author_label: str
    created_at: datetime


class SearchQueryInvalid(ValueError):
    """The search words can't be used; the message says what to do."""


def clean_search_query(raw) -> str:
    query = " ".join(str(raw or "").split())
    if len(query) < SEARCH_MIN_LENGTH:
        raise SearchQueryInvalid(
            _("Please type at least %(n)s characters to search.") % {"n": SEARCH_MIN_LENGTH}
        )
    if not re.search(r"\w", query):
        raise SearchQueryInvalid(_("Please search for words or numbers."))
    if len(query) > SEARCH_MAX_LENGTH:
        raise SearchQueryInvalid(
            _("Please keep your search under %(n)s characters.") % {"n": SEARCH_MAX_LENGTH}
        )
    return query


def _uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def _matching(rows: QuerySet, query: str, fields: tuple[str, ...]) -> QuerySet:
    if _uses_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*fields, config=settings.FORUM_SEARCH_CONFIG)
        search = SearchQuery(query, search_type="websearch", config=settings.FORUM_SEARCH_CONFIG)
        # Match with the @@ operator: ts_rank is above zero even for rows without the words.
        return (
            rows.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .order_by("-rank", "-created_at")
        )
    # SQLite: every word must appear somewhere (case-insensitive for ASCII letters).
    for word in re.findall(r"\w+", query)[:10]:
        match = Q()
        for name in fields:
            match |= Q(**{f"{name}__icontains": word})
        rows = rows.filter(match)
    return rows.order_by("-created_at")


def _snippet(content: Thread | Post) -> str:
    if content.content_warning:
        return ""
    # Plain text: entities are decoded here and escaped again wherever the snippet is shown.
    return Truncator(" ".join(html.unescape(strip_tags(content.body_html)).split())).chars(240)


def forum_search(actor, raw_query) -> list[SearchHit]:
    """Published threads and replies `actor` may read that match the words, best first:
    PostgreSQL full-text search there, every-word matching on SQLite. Held, removed and deleted
    items never appear, even to their author. Two queries; at most SEARCH_MAX_RESULTS hits.
    Raises SearchQueryInvalid."""
    query = clean_search_query(raw_query)
    readable = readable_categories_q(actor, prefix="category__")
    threads = _matching(
        # Nothing of a member who deleted their account is found, even what they chose to
        # keep readable in its thread (its author is then "Former member", erased too).
        Thread.objects.filter(status=ContentStatus.PUBLISHED, author__erased_at__isnull=True)
        .filter(readable)
        .select_related("author", "category"),
        query,
        ("title", "body"),
    )[:SEARCH_MAX_RESULTS]
    posts = _matching(
        Post.objects.filter(
            status=ContentStatus.PUBLISHED,
            thread__status=ContentStatus.PUBLISHED,
            author__erased_at__isnull=True,
        )
        .filter(readable_categories_q(actor, prefix="thread__category__"))
        .select_related("author", "thread", "thread__category"),
        query,
        ("body",),
    )[:SEARCH_MAX_RESULTS]
    moderator = is_moderator(actor)
    hits = [
        (
            getattr(thread, "rank", 0.0),
            SearchHit(
                thread=thread,
                post=None,
                title=thread.title,
                snippet=_snippet(thread),
                content_warning=thread.content_warning,
                author_label=_public_label(actor, thread, moderator),
                created_at=thread.created_at,
            ),
        )
        for thread in threads
    ] + [
        (
            getattr(post, "rank", 0.0),
            SearchHit(
                thread=post.thread,
                post=post,
                title=post.thread.title,
                snippet=_snippet(post),
                content_warning=post.content_warning,
                author_label=_public_label(actor, post, moderator),
                created_at=post.created_at,
            ),
        )
        for post in posts
    ]
    hits.sort(key=lambda pair: (pair[0], pair[1].created_at), reverse=True)
    return [hit for _rank, hit in hits[:SEARCH_MAX_RESULTS]]


def search_page(actor, raw_query, number: int) -> Page:
    return rows_page(forum_search(actor, raw_query), SEARCH_PER_PAGE, number)


# --- notifications ----------------------------------------------------------------------------


def _notifications(actor) -> QuerySet[Notification]:
    """What `actor` may still see: a reply removed since, or a group forum they have left,
    drops out of the list instead of leaking."""
    if not is_member(actor):
        return Notification.objects.none()
    replies = Q(
        kind=Notification.Kind.REPLY,
        thread__status=ContentStatus.PUBLISHED,
        post__status=ContentStatus.PUBLISHED,
    ) & readable_categories_q(actor, prefix="thread__category__")
    # News about the member's own stories (published, returned to revise).
    stories = Q(story__author=actor) & ~Q(story__status=ContentStatus.DELETED)
    # Supportive messages from the moderation team, only ever to the member they were for.
    support = Q(support_message__member=actor)
    return Notification.objects.filter(recipient=actor).filter(replies | stories | support)


def unread_notification_count(actor) -> int:
    """The number on the bell. One query (none for a visitor)."""
    if not is_member(actor):
        return 0
    return _notifications(actor).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class NotificationView:
    """One line of the bell's list: a reply in a followed thread (thread and post set), news
    about the member's own story (story set) or a message from the moderation team."""

    notification: Notification
    thread: Thread | None
    post: Post | None
    story: Story | None
    author_label: str
    unread: bool
    support_message: SupportMessageView | None = None


def notifications_page(actor, number: int) -> Page:
    """The member's notifications, newest first. Two queries."""
    rows = _notifications(actor).select_related(
        "thread", "post", "post__author", "story", "support_message"
    )
    page = rows_page(rows, NOTIFICATIONS_PER_PAGE, number)
    moderator = is_moderator(actor)
    page.object_list = [
        NotificationView(
            notification=row,
            thread=row.thread,
            post=row.post,
            story=row.story,
            author_label=_public_label(actor, row.post, moderator) if row.post else "",
            unread=row.read_at is None,
            support_message=(
                support_message_view(row.support_message) if row.support_message else None
            ),
        )
        for row in page.object_list
    ]
    return page


def subscribers_to_notify(thread: Thread, post: Post) -> list[int]:
    """Members following `thread` who should hear of `post`: not its author, and only those
    who may read the category now."""
    return list(
        Subscription.objects.filter(thread=thread, member__is_active=True)
        .exclude(member_id=post.author_id)
        .filter(readable_categories_q_for_subscriber(thread.category))
        .values_list("member_id", flat=True)
    )


def readable_categories_q_for_subscriber(category: Category) -> Q:
    """Subscribers who may read `category` (moderators always may)."""
    if category.visibility != Category.Visibility.GROUP:
        return Q()
    from groups.models import Membership

    return Q(member__is_moderator=True) | Q(
        member__in=Membership.objects.filter(
            group=category.group_id, state=Membership.State.ACTIVE
        ).values("member_id")
    )
