"""Builders for forum tests. Content made here is stored directly, without the pipeline, so a
test can set up any status cheaply; tests of the pipeline itself call the services."""

from __future__ import annotations

import itertools

from django.contrib.contenttypes.models import ContentType

from community.forum_permissions import Reader, reader_for
from community.models import Category, Post, Thread
from moderation.models import ContentStatus, QueueItem
from tests.factories import GroupFactory, MembershipFactory

_numbers = itertools.count(1)


def make_category(visibility: str = Category.Visibility.PUBLIC, *, group=None, **extra) -> Category:
    """A category of its own (the six from the migration are left alone). A group category
    gets a new peer group unless one is given."""
    number = next(_numbers)
    if visibility == Category.Visibility.GROUP and group is None:
        group = GroupFactory()
    return Category.objects.create(
        name=extra.pop("name", f"Test category {number}"),
        slug=extra.pop("slug", f"test-category-{number}"),
        visibility=visibility,
        group=group,
        **extra,
    )


def join(group, member, *, role: str = "member", state: str = "active"):
    return MembershipFactory(group=group, member=member, role=role, state=state)


def make_thread(
    category: Category,
    author,
    *,
    title: str = "Waiting for a reply",
    body: str = "I keep checking my phone and it's hard.",
    status: str = ContentStatus.PUBLISHED,
    **extra,
) -> Thread:
    return Thread.objects.create(
        category=category,
        author=author,
        title=title,
        body=body,
        body_html=f"<p>{body}</p>",
        status=status,
        **extra,
    )


def make_post(
    thread: Thread,
    author,
    *,
    body: str = "Me too, you're not alone in this.",
    status: str = ContentStatus.PUBLISHED,
    **extra,
) -> Post:
    return Post.objects.create(
        thread=thread,
        author=author,
        body=body,
        body_html=f"<p>{body}</p>",
        status=status,
        **extra,
    )


def reader(actor, category: Category) -> Reader:
    return reader_for(actor, category)


def queue_reasons(content) -> set[str]:
    """The reasons of the open queue items about `content`."""
    return set(
        QueueItem.objects.filter(
            content_type=ContentType.objects.get_for_model(content),
            object_id=content.pk,
        )
        .exclude(state=QueueItem.State.RESOLVED)
        .values_list("reason", flat=True)
    )


# --- one of every kind of reader, for visibility matrices ------------------------------------

# Who may read each kind of category (see the docstring of community.forum_permissions).
ACTORS = (
    "visitor",
    "member",
    "group_member",
    "left_member",
    "requested_member",
    "facilitator",
    "moderator",
    "inactive_member",
)
READERS = {
    "public": set(ACTORS),
    "members": {
        "member",
        "group_member",
        "left_member",
        "requested_member",
        "facilitator",
        "moderator",
    },
    "group": {"group_member", "facilitator", "moderator"},
}


def forum_world():
    """A peer group with its forum, a public and a members-only category, one reader of every
    kind, and in each category a published thread with a published reply by `author` (an
    active member of the group). Each thread and reply carries a word found nowhere else:
    `words[category]` and `reply_words[category]`."""
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser

    from community.forum_services import category_for_group
    from tests.factories import MemberFactory

    group = GroupFactory(name="Texting anxiety circle", slug="texting-circle")
    actors = {
        "visitor": AnonymousUser(),
        "member": MemberFactory(pseudonym="Mel Member"),
        "group_member": MemberFactory(pseudonym="Gus Groupmember"),
        "left_member": MemberFactory(pseudonym="Lee Left"),
        "requested_member": MemberFactory(pseudonym="Rae Requested"),
        "facilitator": MemberFactory(pseudonym="Fay Facilitator"),
        "moderator": MemberFactory(pseudonym="Max Moderator", is_moderator=True),
        # Still an active member of the group: a closed account reads like a visitor anyway.
        "inactive_member": MemberFactory(pseudonym="Ina Inactive", is_active=False),
    }
    author = MemberFactory(pseudonym="Ari Author")
    join(group, author)
    join(group, actors["group_member"])
    join(group, actors["left_member"], state="left")
    join(group, actors["requested_member"], state="requested")
    join(group, actors["facilitator"], role="facilitator")
    join(group, actors["inactive_member"])
    categories = {
        "public": make_category(Category.Visibility.PUBLIC),
        "members": make_category(Category.Visibility.MEMBERS),
        "group": category_for_group(group),
    }
    words = {"public": "marigold", "members": "juniper", "group": "heliotrope"}
    reply_words = {"public": "lavender", "members": "rosemary", "group": "chamomile"}
    threads, posts = {}, {}
    for name, category in categories.items():
        threads[name] = make_thread(
            category,
            author,
            title=f"Thread about {words[name]}",
            body=f"Some days the {words[name]} helps me wait.",
        )
        posts[name] = make_post(
            threads[name], author, body=f"Thank you, the {reply_words[name]} tea helped."
        )
    return SimpleNamespace(
        group=group,
        actors=actors,
        author=author,
        categories=categories,
        threads=threads,
        posts=posts,
        words=words,
        reply_words=reply_words,
    )
