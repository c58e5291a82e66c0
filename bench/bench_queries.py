"""Database queries per page as the community grows (issue 9): they must not grow with the data.

A child process (a fresh interpreter with its own settings) migrates a throwaway SQLite
database, runs `manage.py seed_demo` (1x), then adds data until every kind of row is about 10x
and then 100x the demo's: members, peer groups (with memberships, sessions and group forums),
chat messages in the demo room, forum threads, replies in the demo thread, reactions, follows,
notifications, success stories (with tags and "this gave me hope"), and open review-queue items
(flagged and held chat messages, reported replies, more reports and notes on the demo's
reported reply). The extra rows are written with bulk_create (the services would take minutes
at 100x), with the fields the services would set (rendered HTML, status, seq, keys).

At each size it requests every main page and API list with Django's test client, as the demo
member Robin (or the demo moderator for the review dashboard), once to warm up and once
counted with django.test.utils.CaptureQueriesContext. A count that is higher at 10x or 100x than
at 1x is an N+1 query (or an unbounded list) and fails the benchmark.

Run alone: .venv/bin/python bench/bench_queries.py [--quick]   (quick: 1x and 10x only)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import harness  # noqa: E402

MEMBER = "Robin"
MODERATOR = "Alex Moderator"
ROOM = "waiting-for-a-reply"


# --- the child process ----------------------------------------------------------------------


class World:
    """Grows the seeded demo database to `scale` times its size, in place."""

    def __init__(self) -> None:
        from django.contrib.contenttypes.models import ContentType

        from community.models import Member, Notification, Post, Story, Thread
        from groups.models import ChatMessage, PeerGroup
        from moderation.models import QueueItem, Report

        self.robin = Member.objects.get(pseudonym=MEMBER)
        self.moderator = Member.objects.get(pseudonym=MODERATOR)
        self.facilitator = Member.objects.get(pseudonym="Sam Facilitator")
        self.room = PeerGroup.objects.get(slug=ROOM)
        public = Thread.objects.filter(category__visibility="public", status="published")
        # The demo thread with the most replies, and the reported reply's queue item.
        self.thread = max(public, key=lambda thread: thread.posts.count())
        self.story = Story.objects.filter(state="published").order_by("pk").first()
        self.report_item = (
            QueueItem.objects.filter(reason=QueueItem.Reason.REPORT)
            .exclude(state=QueueItem.State.RESOLVED)
            .order_by("pk")
            .first()
        )
        self.types = {
            model: ContentType.objects.get_for_model(model) for model in (ChatMessage, Post)
        }
        self.base = {
            "members": Member.objects.count(),
            "groups": PeerGroup.objects.count(),
            "messages": ChatMessage.objects.filter(group=self.room).count(),
            "threads": Thread.objects.count(),
            "replies": self.thread.posts.count(),
            "notifications": max(Notification.objects.filter(recipient=self.robin).count(), 10),
            "stories": Story.objects.count(),
            "queue": QueueItem.objects.exclude(state=QueueItem.State.RESOLVED).count(),
            "reports": max(Report.objects.filter(queue_item=self.report_item).count(), 1),
        }
        self.scale = 1
        self.serial = 0
        self.members: list = []

    def _name(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix} {self.serial}"

    def grow(self, scale: int) -> None:
        from django.db import transaction

        extra = {kind: count * (scale - self.scale) for kind, count in self.base.items()}
        with transaction.atomic():
            self._members(extra["members"])
            self._groups(extra["groups"])
            self._messages(extra["messages"])
            new_posts = self._threads(extra["threads"], extra["replies"])
            self._notifications(extra["notifications"], new_posts)
            self._stories(extra["stories"])
            self._queue(extra["queue"], extra["reports"], new_posts)
        self.scale = scale

    def _members(self, count: int) -> None:
        from datetime import timedelta

        from django.conf import settings
        from django.utils import timezone

        from community.models import Member
        from community.models.members import identity_key
        from groups.models import Membership

        now = timezone.now()
        rows = []
        for _ in range(count):
            name = self._name("Bench member")
            email = f"{name.replace(' ', '-').lower()}@example.org"
            rows.append(
                Member(
                    pseudonym=name,
                    pseudonym_key=identity_key(name),
                    email=email,
                    email_key=identity_key(email),
                    password="!",  # unusable
                    country="GB",
                    date_joined=now - timedelta(days=60),
                    guidelines_accepted_at=now,
                    guidelines_version=settings.GUIDELINES_VERSION,
                    adult_confirmed_at=now,
                )
            )
        created = Member.objects.bulk_create(rows)
        self.members += created
        Membership.objects.bulk_create(
            Membership(group=self.room, member=member, state=Membership.State.ACTIVE)
            for member in created
        )

    def _author(self, number: int):
        return self.members[number % len(self.members)] if self.members else self.robin

    def _groups(self, count: int) -> None:
        from datetime import timedelta

        from django.utils import timezone

        from community.models import Category
        from groups.models import GroupSession, Membership, PeerGroup

        now = timezone.now()
        groups = PeerGroup.objects.bulk_create(
            PeerGroup(
                name=(name := self._name("Bench group")),
                slug=name.replace(" ", "-").lower(),
                purpose="A peer group for practising steadier replies, together.",
                guidelines="Speak from your own experience.",
                visibility=(
                    PeerGroup.Visibility.PRIVATE if number % 4 == 3 else PeerGroup.Visibility.OPEN
                ),
                created_by=self.moderator,
            )
            for number in range(count)
        )
        memberships, sessions, forums = [], [], []
        for number, group in enumerate(groups):
            memberships.append(
                Membership(
                    group=group,
                    member=self.facilitator,
                    role=Membership.Role.FACILITATOR,
                    state=Membership.State.ACTIVE,
                )
            )
            if number % 2 == 0:  # Robin is in half of them (asked to join the private ones)
                state = Membership.State.REQUESTED if group.is_private else Membership.State.ACTIVE
                memberships.append(Membership(group=group, member=self.robin, state=state))
            memberships += [
                Membership(group=group, member=self._author(number + n), state="active")
                for n in range(3)
                if self.members
            ]
            sessions += [
                GroupSession(
                    group=group,
                    starts_at=now + timedelta(days=days),
                    topic="Check-in and one small practice",
                    facilitator=self.facilitator,
                )
                for days in (1, 8, 15)
            ]
            if number % 4 == 0:
                forums.append(
                    Category(
                        name=f"{group.name} forum",
                        slug=f"{group.slug}-forum",
                        visibility=Category.Visibility.GROUP,
                        group=group,
                    )
                )
        Membership.objects.bulk_create(memberships, ignore_conflicts=True)
        GroupSession.objects.bulk_create(sessions)
        Category.objects.bulk_create(forums)

    def _messages(self, count: int, *, status: str = "published", group=None) -> list:
        from django.db.models import F

        from community.markup import render_markdown
        from groups.models import ChatMessage, PeerGroup

        group = group or self.room
        texts = [
            "He still hasn't answered and I'm trying not to spiral.",
            "Putting the phone in the other room for an hour. **Wish me luck.**",
            "Noticing the story my mind writes is already a big step.",
        ]
        html = {text: render_markdown(text) for text in texts}
        published = status == "published"
        last = PeerGroup.objects.get(pk=group.pk).last_seq
        rows = [
            ChatMessage(
                group=group,
                author=self._author(number),
                body=texts[number % len(texts)],
                body_html=html[texts[number % len(texts)]],
                status=status,
                seq=last + 1 + number if published else None,
                screening={"risk": "none", "reasons": []},
            )
            for number in range(count)
        ]
        created = ChatMessage.objects.bulk_create(rows)
        if published:
            PeerGroup.objects.filter(pk=group.pk).update(last_seq=F("last_seq") + count)
        return created

    def _threads(self, threads: int, replies: int) -> list:
        from community.markup import render_markdown
        from community.models import Category, Post, Reaction, Subscription, Thread

        body = "What helps you while you wait for a reply? *Small things count.*"
        reply = "I put the phone in another room and **breathe**. It helps a little more each time."
        body_html, reply_html = render_markdown(body), render_markdown(reply)
        categories = list(Category.objects.filter(visibility=Category.Visibility.PUBLIC))
        new_threads = Thread.objects.bulk_create(
            Thread(
                category=categories[number % len(categories)],
                author=self._author(number),
                title=self._name("What helps while you wait, part"),
                body=body,
                body_html=body_html,
            )
            for number in range(threads)
        )
        posts = [
            Post(thread=thread, author=self._author(number + 1), body=reply, body_html=reply_html)
            for number, thread in enumerate(new_threads)
        ]
        posts += [
            Post(thread=self.thread, author=self._author(number), body=reply, body_html=reply_html)
            for number in range(replies)
        ]
        new_posts = Post.objects.bulk_create(posts)
        kinds = [kind for kind, _label in Reaction.Kind.choices]
        reactions = [
            Reaction(member=self._author(number + n), kind=kinds[n], post=post)
            for number, post in enumerate(new_posts)
            for n in range(2)
        ]
        reactions += [
            Reaction(member=member, kind=kinds[number % len(kinds)], thread=self.thread)
            for number, member in enumerate(self.members[-replies:])
        ]
        Reaction.objects.bulk_create(reactions, ignore_conflicts=True)
        Subscription.objects.bulk_create(
            [Subscription(member=self.robin, thread=thread) for thread in new_threads],
            ignore_conflicts=True,
        )
        return new_posts

    def _notifications(self, count: int, posts: list) -> None:
        from community.models import Notification

        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=self.robin,
                    kind=Notification.Kind.REPLY,
                    thread_id=post.thread_id,
                    post=post,
                    read_at=None if number % 3 else post.created_at,
                )
                for number, post in enumerate(posts[:count])
            ],
            ignore_conflicts=True,
        )

    def _stories(self, count: int) -> None:
        from django.utils import timezone

        from community.markup import render_markdown
        from community.models import Story, StoryReaction, StoryTag

        body = (
            "Six months ago I would have sent five messages by now. Today I sent one, then "
            "went for a walk. **Small, steady steps.**"
        )
        body_html = render_markdown(body)
        now = timezone.now()
        stories = []
        for number in range(count):
            published = number % 8 < 6
            stories.append(
                Story(
                    author=self._author(number),
                    title=self._name("A small win"),
                    body=body,
                    body_html=body_html,
                    status="published" if published else "held",
                    state=Story.State.PUBLISHED if published else Story.State.SUBMITTED,
                    audience=Story.Audience.EVERYONE if number % 2 else Story.Audience.MEMBERS,
                    submitted_at=now,
                    published_at=now if published else None,
                )
            )
        created = Story.objects.bulk_create(stories)
        tags = list(StoryTag.objects.all())
        Story.tags.through.objects.bulk_create(
            [
                Story.tags.through(story=story, storytag=tags[(number + n) % len(tags)])
                for number, story in enumerate(created)
                for n in range(2)
            ],
            ignore_conflicts=True,
        )
        StoryReaction.objects.bulk_create(
            [
                StoryReaction(member=self._author(number + n), story=story)
                for number, story in enumerate(created)
                for n in range(2)
            ]
            + [StoryReaction(member=member, story=self.story) for member in self.members[-count:]],
            ignore_conflicts=True,
        )

    def _queue(self, count: int, reports: int, posts: list) -> None:
        from community.models import Post
        from groups.models import ChatMessage
        from moderation.models import QueueItem, QueueNote, Report

        third = max(count // 3, 1)
        flagged = self._messages(third)
        held = self._messages(third, status="held")
        reported = posts[-third:]
        items = [
            QueueItem(
                content_type=self.types[ChatMessage],
                object_id=message.pk,
                reason=QueueItem.Reason.CRISIS_CONCERN,
                priority=QueueItem.PRIORITY[QueueItem.Reason.CRISIS_CONCERN],
                snapshot=message.body,
                group=self.room,
                member=message.author,
            )
            for message in flagged
        ]
        items += [
            QueueItem(
                content_type=self.types[ChatMessage],
                object_id=message.pk,
                reason=QueueItem.Reason.CRISIS_URGENT,
                priority=QueueItem.PRIORITY[QueueItem.Reason.CRISIS_URGENT],
                snapshot=message.body,
                group=self.room,
                member=message.author,
            )
            for message in held
        ]
        report_items = [
            QueueItem(
                content_type=self.types[Post],
                object_id=post.pk,
                reason=QueueItem.Reason.REPORT,
                priority=QueueItem.PRIORITY[QueueItem.Reason.REPORT],
                snapshot=post.body,
                member=post.author,
            )
            for post in reported
        ]
        QueueItem.objects.bulk_create(items)
        report_items = QueueItem.objects.bulk_create(report_items)
        rows = [
            Report(
                reporter=self._author(number + 1),
                content_type=self.types[Post],
                object_id=item.object_id,
                reason=Report.Reason.OTHER,
                note="This reads a bit harsh to me.",
                queue_item=item,
            )
            for number, item in enumerate(report_items)
        ]
        item = self.report_item
        if item is not None:
            rows += [
                Report(
                    reporter=member,
                    content_type=item.content_type,
                    object_id=item.object_id,
                    reason=Report.Reason.HARASSMENT,
                    note="Please take a look.",
                    queue_item=item,
                )
                for member in self.members[-reports:]
            ]
            QueueNote.objects.bulk_create(
                QueueNote(queue_item=item, author=self.moderator, text="Looked; asking the author.")
                for _ in range(reports)
            )
        Report.objects.bulk_create(rows, ignore_conflicts=True)


def _pages(world: World) -> list[tuple[str, str, str]]:
    """(label, path, who) for every page counted."""
    room, thread, story = world.room.slug, world.thread, world.story
    category = thread.category.slug
    item = world.report_item
    pages = [
        ("home", "/", "member"),
        ("groups list", "/groups/", "member"),
        ("group page", f"/groups/{room}/", "member"),
        ("group room", f"/groups/{room}/room/", "member"),
        ("forum index", "/forums/", "member"),
        ("forum category", f"/forums/{category}/", "member"),
        ("forum thread", f"/forums/threads/{thread.pk}/", "member"),
        ("stories list", "/stories/", "member"),
        ("story", f"/stories/{story.pk}/", "member"),
        ("notifications", "/notifications/", "member"),
        ("moderation queue", "/moderation/", "moderator"),
        ("moderation item", f"/moderation/items/{item.pk}/", "moderator"),
        ("API groups", "/api/v1/groups/", "member"),
        ("API room messages", f"/api/v1/groups/{room}/messages/", "member"),
        ("API forum categories", "/api/v1/forums/categories/", "member"),
        ("API category threads", f"/api/v1/forums/categories/{category}/threads/", "member"),
        ("API thread posts", f"/api/v1/forums/threads/{thread.pk}/posts/", "member"),
        ("API stories", "/api/v1/stories/", "member"),
        ("API notifications", "/api/v1/notifications/", "member"),
        ("API moderation queue", "/api/v1/moderation/queue/", "moderator"),
    ]
    return pages


def _count(world: World) -> tuple[dict[str, int | str], dict[str, int]]:
    """Queries per page (or "HTTP <status>"), and each response's size in bytes."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {"member": Client(), "moderator": Client()}
    clients["member"].force_login(world.robin)
    clients["moderator"].force_login(world.moderator)
    counts: dict[str, int | str] = {}
    sizes: dict[str, int] = {}
    for label, path, who in _pages(world):
        cache.clear()  # no rate limit or cached fragment carries over between sizes
        client = clients[who]
        client.get(path)  # warm-up: content types, sessions, lazy imports
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        ok = response.status_code == 200
        counts[label] = len(captured) if ok else f"HTTP {response.status_code}"
        sizes[label] = len(response.content)
    return counts, sizes


def _worker(scales: list[int]) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    world = World()
    paths = {label: path for label, path, _who in _pages(world)}
    counts, sizes = {}, {}
    for scale in scales:
        world.grow(scale)
        counts[scale], sizes[scale] = _count(world)
    return {"counts": counts, "sizes": sizes, "paths": paths, "base": world.base}


def _child(scales: list[int]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-queries-") as directory:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "community.settings",
            # seed_demo runs only with debug on; query counts do not depend on it.
            "DJANGO_DEBUG": "1",
            "DJANGO_VAR_DIR": directory,  # the throwaway SQLite database lives here
        }
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        out = subprocess.run(
            [sys.executable, __file__, "--worker", ",".join(map(str, scales))],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if out.returncode != 0:
        raise RuntimeError(f"queries worker exited with {out.returncode}:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(repeats: int, quick: bool) -> harness.BenchResult:
    # Query counts are deterministic: one run is enough whatever `repeats` says.
    scales = [1, 10] if quick else [1, 10, 100]
    data = _child(scales)
    counts = {int(scale): row for scale, row in data["counts"].items()}
    sizes = {int(scale): row for scale, row in data["sizes"].items()}
    top = scales[-1]
    figures, rows, grew, failed = [], [], [], []
    for label, path in data["paths"].items():
        values = [counts[scale][label] for scale in scales]
        kib = [round(sizes[scale][label] / 1024, 1) for scale in (scales[0], scales[-1])]
        rows.append([label, f"`{path}`", *values, *kib])
        if any(isinstance(value, str) for value in values):
            failed.append(f"{label} ({', '.join(str(v) for v in values)})")
            continue
        if max(values) > values[0]:
            grew.append(f"{label}: {' -> '.join(str(v) for v in values)}")
        figures.append(
            harness.Figure(
                name=f"{label}: queries at {top}x",
                unit="queries",
                runs=[values[-1]],
                better="lower",
                baseline_runs=[values[0]],
                target="no more than at 1x",
                meets_target=values[-1] <= values[0],
            )
        )
    base = data["base"]
    notes = [
        "Demo data (1x): "
        + ", ".join(f"{count} {kind}" for kind, count in base.items())
        + " (members, groups; messages in the demo room; threads; replies in the counted "
        "thread; Robin's notifications; stories; open queue items; reports on the counted "
        "item). Each size multiplies every one of these.",
        "The KiB columns (response size) show that the extra data reached each page; lists "
        "that are paginated stop growing at a page.",
        "Counted on SQLite; PostgreSQL runs the same queries. One run: counts are exact, so "
        "the runs column has one value whatever --repeats says.",
    ]
    if grew:
        notes.append("**Grows with the data (N+1 or unbounded):** " + "; ".join(grew))
    if failed:
        notes.append("**Did not answer 200:** " + "; ".join(failed))
    return harness.BenchResult(
        name="queries",
        title="Database queries per page as the data grows",
        what=(
            "Queries each main page and API list makes (Django test client, counted with "
            "CaptureQueriesContext, after one warm-up request) on the demo data and on "
            f"{', '.join(f'{s}x' for s in scales[1:])} as much of it, as a member (the review "
            "dashboard as a moderator)."
        ),
        baseline=(
            "The same page's queries on the demo data (1x), in the same run: ours / baseline "
            "is 100% when the count does not grow."
        ),
        figures=figures,
        tables=[
            harness.Table(
                title="Queries per page",
                columns=[
                    "page",
                    "path",
                    *(f"queries {scale}x" for scale in scales),
                    f"KiB {scales[0]}x",
                    f"KiB {top}x",
                ],
                rows=rows,
            )
        ],
        notes=notes,
        ok=not grew and not failed,
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(_worker([int(scale) for scale in sys.argv[2].split(",")])))
    else:
        harness.main(run)
