"""One small community in which every write operation under /api/v1/ can be done by someone,
and the table of those operations: who may do each, a body that would be accepted, and what
kind each field is. The bad-input tests break one thing at a time in an otherwise good request,
so a refusal is about that one thing and not about who asks."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from community import selfcheck
from community.models import JournalEntry, Milestone, MoodCheckIn, ProfileText, SelfCheck, Story
from community.tokens import api_token_create
from groups.models import ChatMessage, PeerGroup
from moderation import services as moderation_services
from moderation.models import ContentStatus, QueueItem, ReplyTemplate, SupportMessage
from tests.community.forum_helpers import make_category, make_post, make_thread
from tests.community.story_helpers import make_story
from tests.factories import TEST_PASSWORD, GroupFactory, MemberFactory, MembershipFactory

API = "/api/v1"
SELF_CHECK_ANSWERS = dict.fromkeys(selfcheck.ITEM_KEYS, 3)
REMOVAL = "This shares someone else's private details, which isn't safe here."
APPEAL = "I had their permission to share this; it was my sister's story, told with her blessing."


def _settled(**extra):
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30), **extra)


def _held_chat(group, author, body, reason, status=ContentStatus.HELD) -> QueueItem:
    message = ChatMessage.objects.create(
        group=group, author=author, body=body, body_html=f"<p>{body}</p>", status=status
    )
    return QueueItem.objects.create(
        content_type=ContentType.objects.get_for_model(ChatMessage),
        object_id=message.pk,
        reason=reason,
        priority=QueueItem.PRIORITY[reason],
        group=group,
        member=author,
        snapshot=body,
    )


def build_world() -> dict:
    """Everyone and everything the operations below need; returns the people by role and the
    values for the placeholders in the operations' paths."""
    member = _settled(pseudonym="Robin Author", country="GB")
    other = _settled(pseudonym="Kit Other", country="GB")
    requester = _settled(pseudonym="Ren Request")
    facilitator = _settled(pseudonym="Fi Facilitator")
    moderator = MemberFactory(pseudonym="Mo Moderator", is_moderator=True, is_staff=True)
    second_moderator = MemberFactory(pseudonym="Sam Second", is_moderator=True)

    group = GroupFactory(name="Waiting for a reply", slug="waiting", visibility="private")
    for person, role in ((member, "member"), (other, "member"), (facilitator, "facilitator")):
        MembershipFactory(group=group, member=person, role=role)
    request = MembershipFactory(group=group, member=requester, state="requested")
    open_group = GroupFactory(name="Open door", slug="open-door", visibility="open")
    chat = ChatMessage.objects.create(
        group=group,
        author=other,
        body="Breathing through the wait.",
        body_html="<p>Breathing through the wait.</p>",
        status=ContentStatus.PUBLISHED,
        seq=1,
    )
    PeerGroup.objects.filter(pk=group.pk).update(last_seq=1)

    category = make_category()
    thread = make_thread(category, member)
    own_post = make_post(thread, member)
    others_thread = make_thread(category, other, title="Another wait")
    others_post = make_post(others_thread, other)

    story = make_story(member)
    others_story = make_story(other)
    submitted = make_story(other, state=Story.State.SUBMITTED)

    held = _held_chat(group, other, "Thinking about texting him again.", QueueItem.Reason.REVIEW)
    crisis = _held_chat(
        group, other, "Held words from someone at risk.", QueueItem.Reason.CRISIS_URGENT
    )
    reported = _held_chat(
        group, other, "Reported words.", QueueItem.Reason.REPORT, status=ContentStatus.PUBLISHED
    )
    taken_down = _held_chat(group, other, "Words taken down.", QueueItem.Reason.REVIEW)
    claimed = _held_chat(group, other, "Words being looked at.", QueueItem.Reason.REVIEW)
    moderation_services.queue_item_claim(actor=moderator, item=claimed)
    moderation_services.content_remove(actor=moderator, content=taken_down.content, reason=REMOVAL)

    about = ProfileText.objects.create(
        author=member, body="About me.", body_html="<p>About me.</p>"
    )
    moderation_services.content_remove(actor=moderator, content=about, reason=REMOVAL)
    appeal = moderation_services.appeal_submit(actor=member, content=about, text=APPEAL)
    removed_post = make_post(thread, member, body="A reply that was taken down.")
    moderation_services.content_remove(actor=moderator, content=removed_post, reason=REMOVAL)

    template = ReplyTemplate.objects.create(
        kind=ReplyTemplate.Kind.REMOVAL, title="Kindness", body="Please keep replies kind."
    )
    token, _secret = api_token_create(owner=member, name="My phone")
    mood = MoodCheckIn.objects.create(member=member, mood=3, feelings=["calm"])
    check = SelfCheck.objects.create(
        member=member, answers=SELF_CHECK_ANSWERS, anxiety="3.00", avoidance="3.00"
    )
    support = SupportMessage.objects.create(
        member=member, text="We're glad you're here.", sent_by=moderator
    )
    entry = JournalEntry.objects.create(
        member=member, body="I waited.", body_html="<p>I waited.</p>"
    )
    milestone = Milestone.objects.create(member=member, title="Waited an hour")

    return {
        "people": {
            "member": member,
            "facilitator": facilitator,
            "moderator": moderator,
            "second_moderator": second_moderator,
        },
        "values": {
            "category": category.slug,
            "thread": thread.pk,
            "others_thread": others_thread.pk,
            "own_post": own_post.pk,
            "others_post": others_post.pk,
            "group": group.slug,
            "open_group": open_group.slug,
            "other": other.pseudonym,
            "request": request.pk,
            "chat": chat.pk,
            "story": story.pk,
            "others_story": others_story.pk,
            "submitted": submitted.pk,
            "held": held.pk,
            "crisis": crisis.pk,
            "reported": reported.pk,
            "taken_down": taken_down.pk,
            "claimed": claimed.pk,
            "appeal": appeal.pk,
            "appeal_item": appeal.queue_item_id,
            "removed_post": removed_post.pk,
            "template": template.pk,
            "token": token.pk,
            "support": support.pk,
            "mood": mood.pk,
            "entry": entry.pk,
            "milestone": milestone.pk,
            "self_check": check.pk,
            "kind": "hug",
        },
    }


# --- the operations -------------------------------------------------------------------------

# Path placeholders that are database ids (the rest are slugs, pseudonyms or names).
ID_PLACEHOLDERS = {
    "thread",
    "others_thread",
    "own_post",
    "others_post",
    "request",
    "chat",
    "story",
    "others_story",
    "submitted",
    "held",
    "crisis",
    "reported",
    "taken_down",
    "claimed",
    "appeal",
    "appeal_item",
    "template",
    "token",
    "mood",
    "entry",
    "milestone",
    "self_check",
}


@dataclass(frozen=True)
class Op:
    """One write operation, as someone allowed to do it would send it.

    `text` are free-text fields (any length limit applies), `choices` text fields with a fixed
    set of values, `ints`/`bools` what they say, `body_ids` integer ids of other things, and
    `required` the fields an empty body lacks."""

    method: str
    path: str
    actor: str
    body: dict | None = None
    text: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    ints: tuple[str, ...] = ()
    bools: tuple[str, ...] = ()
    body_ids: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, values: dict, **override) -> str:
        return API + self.path.format(**{**values, **override})

    @property
    def placeholders(self) -> list[str]:
        return [name for _text, name, _spec, _conv in string.Formatter().parse(self.path) if name]


NOTE = "Checked, and it's fine."
OPS = [
    # forums
    Op(
        "POST",
        "/forums/categories/{category}/threads/",
        "member",
        {"title": "Waiting again", "body": "I noticed the panic and breathed."},
        text=("title", "body", "content_warning"),
        bools=("is_anonymous",),
        required=("title", "body"),
    ),
    Op(
        "PATCH",
        "/forums/posts/{own_post}/",
        "member",
        {"body": "Edited: you're not alone."},
        text=("body", "content_warning"),
    ),
    Op("DELETE", "/forums/posts/{own_post}/", "member"),
    Op("POST", "/forums/search/", "member", {"q": "waiting"}, text=("q",), required=("q",)),
    Op("PUT", "/forums/posts/{others_post}/reactions/{kind}/", "member"),
    Op("DELETE", "/forums/posts/{others_post}/reactions/{kind}/", "member"),
    Op(
        "POST",
        "/forums/posts/{others_post}/remove/",
        "moderator",
        {"reason": REMOVAL},
        text=("reason",),
        required=("reason",),
    ),
    Op(
        "POST",
        "/forums/posts/{others_post}/report/",
        "member",
        {"reason": "spam", "note": "Selling something."},
        text=("note",),
        choices=("reason",),
    ),
    Op(
        "PATCH",
        "/forums/threads/{thread}/",
        "member",
        {"title": "Waiting, edited"},
        text=("title", "body", "content_warning"),
    ),
    Op("DELETE", "/forums/threads/{thread}/", "member"),
    Op("PUT", "/forums/threads/{others_thread}/follow/", "member"),
    Op("DELETE", "/forums/threads/{others_thread}/follow/", "member"),
    Op(
        "POST",
        "/forums/threads/{thread}/lock/",
        "moderator",
        {"locked": True},
        bools=("locked",),
        required=("locked",),
    ),
    Op(
        "POST",
        "/forums/threads/{thread}/pin/",
        "moderator",
        {"pinned": True},
        bools=("pinned",),
        required=("pinned",),
    ),
    Op(
        "POST",
        "/forums/threads/{others_thread}/posts/",
        "member",
        {"body": "Me too. Breathing with you."},
        text=("body", "content_warning"),
        bools=("is_anonymous",),
        required=("body",),
    ),
    Op("PUT", "/forums/threads/{others_thread}/reactions/{kind}/", "member"),
    Op("DELETE", "/forums/threads/{others_thread}/reactions/{kind}/", "member"),
    Op(
        "POST",
        "/forums/threads/{others_thread}/remove/",
        "moderator",
        {"reason": REMOVAL},
        text=("reason",),
        required=("reason",),
    ),
    Op(
        "POST",
        "/forums/threads/{others_thread}/report/",
        "member",
        {"reason": "spam"},
        text=("note",),
        choices=("reason",),
    ),
    # groups
    Op("POST", "/groups/{open_group}/join/", "member", {"note": "Hello."}, text=("note",)),
    Op(
        "POST",
        "/groups/{group}/members/{other}/remove/",
        "facilitator",
        {"reason": REMOVAL},
        text=("reason",),
    ),
    Op("DELETE", "/groups/{group}/membership/", "member"),
    Op(
        "POST",
        "/groups/{group}/messages/",
        "member",
        {"body": "Breathing with you.", "local_id": "abc-1"},
        text=("body", "local_id", "content_warning"),
        required=("body",),
    ),
    Op(
        "POST",
        "/groups/{group}/messages/{chat}/remove/",
        "facilitator",
        {"reason": REMOVAL},
        text=("reason",),
    ),
    Op(
        "POST",
        "/groups/{group}/mutes/",
        "facilitator",
        {"member": "Kit Other", "minutes": 30, "reason": "A pause to cool down."},
        text=("reason",),
        choices=("member",),
        ints=("minutes",),
        required=("member", "minutes"),
    ),
    Op("POST", "/groups/{group}/requests/{request}/approve/", "facilitator"),
    Op("POST", "/groups/{group}/requests/{request}/decline/", "facilitator"),
    Op("PUT", "/ignores/{other}/", "member"),
    Op("DELETE", "/ignores/{other}/", "member"),
    # me
    Op("PATCH", "/me/", "member", {"country": "US"}, choices=("country",)),
    Op(
        "PUT",
        "/me/about/",
        "member",
        {"text": "Practising saying what I need."},
        text=("text",),
        required=("text",),
    ),
    Op("DELETE", "/me/about/", "member"),
    Op(
        "POST",
        "/me/appeals/",
        "member",
        {"content_kind": "community.post", "content_id": "{removed_post}", "text": APPEAL},
        text=("text",),
        choices=("content_kind",),
        ints=("content_id", "sanction_id"),
        body_ids=("content_id", "sanction_id"),
        required=("text",),
        extra={"instead_of": {"sanction_id": ("content_kind", "content_id")}},
    ),
    Op("POST", "/me/tokens/", "member", {"name": "Laptop"}, text=("name",), required=("name",)),
    Op("DELETE", "/me/tokens/{token}/", "member"),
    Op("POST", "/me/logout/", "member"),
    Op(
        "POST",
        "/me/password/",
        "member",
        {"old_password": TEST_PASSWORD, "new_password": "a quiet harbour at dawn"},
        text=("old_password", "new_password"),
        required=("old_password", "new_password"),
    ),
    Op(
        "POST",
        "/me/delete/",
        "member",
        {
            "password": TEST_PASSWORD,
            "group_messages": "delete",
            "forum_posts": "anonymise",
            "stories": "delete",
        },
        text=("password",),
        choices=("group_messages", "forum_posts", "stories"),
        required=("password",),
    ),
    Op("POST", "/me/exports/", "member"),
    Op(
        "POST",
        "/me/mood/",
        "member",
        {"mood": 2, "feelings": ["anxious", "hopeful"], "note": "Waited before replying."},
        text=("note",),
        ints=("mood",),
        required=("mood",),
    ),
    Op("DELETE", "/me/mood/{mood}/", "member"),
    Op(
        "PUT",
        "/me/mood/reminder/",
        "member",
        {"enabled": True, "hour": 19},
        ints=("hour",),
        bools=("enabled",),
        required=("enabled", "hour"),
    ),
    Op(
        "POST",
        "/me/self-check/",
        "member",
        {"answers": SELF_CHECK_ANSWERS},
        required=("answers",),
    ),
    Op("DELETE", "/me/self-check/{self_check}/", "member"),
    Op(
        "POST",
        "/me/support-messages/read/",
        "member",
        {"ids": ["{support}"]},
        body_ids=("ids",),
    ),
    # the private journal and milestones
    Op(
        "POST",
        "/me/journal/",
        "member",
        {"body": "I noticed the panic and breathed.", "prompt_key": "waiting"},
        text=("body",),
        choices=("prompt_key",),
        required=("body",),
    ),
    Op(
        "PATCH",
        "/me/journal/{entry}/",
        "member",
        {"body": "Edited: I breathed.", "prompt_key": ""},
        text=("body",),
        choices=("prompt_key",),
    ),
    Op("DELETE", "/me/journal/{entry}/", "member"),
    Op("POST", "/me/journal/search/", "member", {"q": "waited"}, text=("q",), required=("q",)),
    Op(
        "POST",
        "/me/milestones/",
        "member",
        {"title": "Set a boundary", "note": "With my sister."},
        text=("title", "note"),
        required=("title",),
    ),
    Op(
        "PATCH",
        "/me/milestones/{milestone}/",
        "member",
        {"title": "Set two boundaries", "note": ""},
        text=("title", "note"),
    ),
    Op("DELETE", "/me/milestones/{milestone}/", "member"),
    Op(
        "POST",
        "/me/milestones/{milestone}/achieve/",
        "member",
        {"achieved": True},
        bools=("achieved",),
        required=("achieved",),
    ),
    Op("POST", "/me/milestones/{milestone}/story/", "member"),
    Op(
        "POST",
        "/notifications/read/",
        "member",
        {"ids": [1]},
        body_ids=("ids",),
    ),
    # moderation
    Op(
        "POST",
        "/moderation/appeals/{appeal}/decide/",
        "second_moderator",
        {"grant": False, "note": "The decision stands; thank you for explaining."},
        text=("note",),
        bools=("grant",),
        required=("grant",),
    ),
    Op(
        "POST",
        "/moderation/queue/{appeal_item}/appeal/",
        "second_moderator",
        {"grant": False, "note": "The decision stands; thank you for explaining."},
        text=("note",),
        bools=("grant",),
        required=("grant",),
    ),
    Op("POST", "/moderation/queue/{held}/approve/", "moderator", {"note": NOTE}, text=("note",)),
    Op("POST", "/moderation/queue/{held}/claim/", "moderator"),
    Op(
        "POST",
        "/moderation/queue/{crisis}/crisis/escalate/",
        "moderator",
        {"note": "Called emergency services with what they shared."},
        text=("note",),
        required=("note",),
    ),
    Op(
        "POST",
        "/moderation/queue/{crisis}/crisis/follow-up/",
        "moderator",
        {"note": "Check in tomorrow."},
        text=("note",),
        required=("note",),
    ),
    Op("POST", "/moderation/queue/{crisis}/crisis/signpost/", "moderator"),
    Op(
        "POST",
        "/moderation/queue/{held}/notes/",
        "moderator",
        {"text": "Looks fine to me."},
        text=("text",),
        required=("text",),
    ),
    Op("POST", "/moderation/queue/{claimed}/release/", "moderator"),
    Op(
        "POST",
        "/moderation/queue/{held}/remove/",
        "moderator",
        {"reason": REMOVAL},
        text=("reason",),
        ints=("template",),
        body_ids=("template",),
        extra={"instead_of": {"template": ("reason",)}},
    ),
    Op(
        "POST",
        "/moderation/queue/{reported}/resolve/",
        "moderator",
        {"resolution": "no_action", "note": NOTE},
        text=("note",),
        choices=("resolution",),
        required=("resolution",),
    ),
    Op(
        "POST",
        "/moderation/queue/{taken_down}/restore/",
        "moderator",
        {"note": NOTE},
        text=("note",),
    ),
    Op(
        "POST",
        "/moderation/queue/{held}/sanction/",
        "moderator",
        {"kind": "warn", "reason": "Please keep replies kind."},
        text=("reason",),
        choices=("kind",),
        ints=("duration_hours",),
        bools=("in_group",),
        required=("kind", "reason"),
    ),
    Op(
        "POST",
        "/moderation/queue/{crisis}/support/",
        "moderator",
        {"text": "We're thinking of you."},
        text=("text",),
        ints=("template",),
        body_ids=("template",),
        extra={"instead_of": {"template": ("text",)}},
    ),
    Op(
        "POST",
        "/moderation/queue/bulk/",
        "moderator",
        {"action": "approve", "items": ["{held}"]},
        choices=("action",),
        body_ids=("items",),
        required=("action", "items"),
    ),
    Op(
        "POST",
        "/moderation/templates/",
        "moderator",
        {"kind": "support", "title": "Thinking of you", "body": "We're glad you're here."},
        text=("title", "body"),
        choices=("kind",),
        ints=("order",),
        bools=("is_active",),
        required=("kind", "title", "body"),
    ),
    Op(
        "PATCH",
        "/moderation/templates/{template}/",
        "moderator",
        {"title": "Kindness first"},
        text=("title", "body"),
        choices=("kind",),
        ints=("order",),
        bools=("is_active",),
    ),
    Op("DELETE", "/moderation/templates/{template}/", "moderator"),
    # stories
    Op(
        "POST",
        "/stories/",
        "member",
        {"title": "I went for a walk", "body": "I noticed the panic, breathed, and walked."},
        text=("title", "body", "content_warning"),
        choices=("audience",),
        bools=("is_anonymous", "send_for_review"),
        required=("title", "body"),
    ),
    Op(
        "PATCH",
        "/stories/{story}/",
        "member",
        {"title": "I went for a long walk"},
        text=("title", "body", "content_warning"),
        choices=("audience",),
        bools=("is_anonymous", "send_for_review"),
    ),
    Op("DELETE", "/stories/{story}/", "member"),
    Op("POST", "/stories/{submitted}/approve/", "moderator", {"note": NOTE}, text=("note",)),
    Op(
        "POST",
        "/stories/{others_story}/feature/",
        "moderator",
        {"featured": True},
        bools=("featured",),
        required=("featured",),
    ),
    Op("PUT", "/stories/{others_story}/hope/", "member"),
    Op("DELETE", "/stories/{others_story}/hope/", "member"),
    Op(
        "POST",
        "/stories/{others_story}/remove/",
        "moderator",
        {"reason": REMOVAL},
        text=("reason",),
        required=("reason",),
    ),
    Op(
        "POST",
        "/stories/{submitted}/return/",
        "moderator",
        {"note": "Could you soften the ending?"},
        text=("note",),
        required=("note",),
    ),
]
