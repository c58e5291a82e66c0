"""Demo success stories for `seed_demo`: small, real-sounding wins in every milestone tag, a few
featured on the home page, one waiting for review and one draft, so every page has something
to show.

Everything is written through `community.story_services`, so it passes the moderation pipeline
and the review like any member's story: the author sends it in, the demo moderator publishes it.
Idempotent: a story is found by (author, title); approving, featuring and "this gave me hope"
happen only when they are still to do."""

from __future__ import annotations

from dataclasses import dataclass

from community import story_services
from community.models import Story
from moderation.kinds import ContentKind
from moderation.pipeline import rate_window

MODERATOR = "Alex Moderator"

PUBLISHED = "published"
SUBMITTED = "submitted"
DRAFT = "draft"


@dataclass(frozen=True)
class DemoStory:
    author: str
    title: str
    body: str
    tags: tuple[str, ...]
    audience: str = Story.Audience.EVERYONE
    is_anonymous: bool = False
    content_warning: str = ""
    outcome: str = PUBLISHED  # published, submitted (awaiting review) or draft
    featured: bool = False
    hopes: tuple[str, ...] = ()  # members for whom this story "gave hope"


STORIES = (
    DemoStory(
        author="Juniper",
        title="I said no to a midnight call, kindly",
        tags=("setting-a-boundary",),
        body=(
            "My friend used to ring me after midnight whenever her evening went wrong, and I "
            "always picked up. I was afraid that if I didn't, she'd decide I wasn't a real "
            "friend.\n\n"
            "Last month I sent her a message in the afternoon instead: *I love talking with "
            "you, and I need my sleep. Can we talk before ten, or first thing tomorrow?* My "
            "hands were shaking when I pressed send.\n\n"
            "She replied with a thumbs up and rang me at half past eight the next day. That "
            "was it. The friendship I was so scared of losing was fine, and I'm sleeping "
            "better than I have in years."
        ),
        featured=True,
        hopes=("Robin", "Maya K", "Noor"),
    ),
    DemoStory(
        author="Theo",
        title="I asked for a goodnight text, and got one",
        tags=("asked-for-what-i-need",),
        is_anonymous=True,
        body=(
            'For two years I hinted. I\'d say things like "must be nice to have time to text" '
            "and then feel hurt when my partner didn't get it.\n\n"
            "After a session of the Tuesday group I tried saying it straight: \"When you're "
            'out late, a quick goodnight text helps me settle. Would you be up for that?"\n\n'
            "He said yes, easily, as if it were the smallest thing in the world. For him it "
            "was. What surprised me most was how little courage it took once I'd said it "
            "once. Asking plainly is now something I practise, a bit like a stretch."
        ),
        hopes=("Juniper", "Priya"),
    ),
    DemoStory(
        author="Priya",
        title="Boring, in the best way",
        tags=("first-secure-relationship", "calmer-when-waiting"),
        content_warning="mentions a past breakup",
        body=(
            "After my last breakup I promised myself I'd notice what calm felt like, instead "
            "of mistaking the rollercoaster for love.\n\n"
            "I've been seeing someone for eight months now. He says when he'll call, and then "
            "he calls. When we disagree, we talk it through the same evening. At first it felt "
            "almost boring, and I caught myself looking for the catch.\n\n"
            "There isn't one. I'm learning that steady isn't dull; it's restful. Some evenings "
            "I still feel the old flutter of worry, and I tell him, and he listens. That's new "
            "too."
        ),
        featured=True,
        hopes=("Robin", "Juniper", "Theo", "Maya K"),
    ),
    DemoStory(
        author="Noor",
        title="The first appointment was the hardest part",
        tags=("started-therapy", "kinder-self-talk"),
        audience=Story.Audience.MEMBERS,
        is_anonymous=True,
        body=(
            "I had the counsellor's number saved in my phone for five months before I "
            "rang it. I kept telling myself other people had real problems.\n\n"
            "In the end a friend sat with me while I made the call. The first session was "
            "mostly me apologising for taking up her time. By the third, I was talking about "
            "my dad, and about why a late reply feels like the ground tipping.\n\n"
            "If you're holding a number like I was: it's allowed to be for you. Going once "
            "doesn't commit you to anything, and it might be the kindest thing you do this "
            "year."
        ),
        hopes=("Priya", "Robin"),
    ),
    DemoStory(
        author="Robin",
        title="I talked to myself like I'd talk to a friend",
        tags=("kinder-self-talk",),
        audience=Story.Audience.MEMBERS,
        body=(
            "When a date cancelled on me last week, the old voice started straight away: "
            "*of course, you're too much, you always scare people off.*\n\n"
            "This time I noticed it. I asked myself what I'd say to Juniper if it had happened "
            "to her, and wrote that down instead: *plans change, it isn't a verdict on you, "
            "and you're allowed to be disappointed.*\n\n"
            "It didn't make the evening perfect. I was still sad for an hour. But it was an "
            "hour, not a week, and I went to bed feeling on my own side."
        ),
        hopes=("Juniper", "Maya K"),
    ),
    DemoStory(
        author="Maya K",
        title="I went for a walk instead",
        tags=("calmer-when-waiting",),
        body=(
            "Six months ago I sent ten texts when he did not reply within an hour. Each one "
            "made the waiting worse, and by the end I barely recognised myself.\n\n"
            "Last week it happened again: message sent, no reply, that familiar tightness in "
            "my chest. I noticed the panic, breathed, put my phone in a drawer and went for a "
            "walk round the park.\n\n"
            "When I got back he'd replied. He'd been in a meeting. Nothing had been wrong, "
            "and this time I hadn't spent the hour convincing myself it had. A small thing, "
            "maybe, but it felt like a new beginning."
        ),
        featured=True,
        hopes=("Robin", "Theo", "Noor", "Priya"),
    ),
    DemoStory(
        author="Robin",
        title="A whole weekend without checking when he was online",
        tags=("calmer-when-waiting", "setting-a-boundary"),
        outcome=SUBMITTED,
        body=(
            'I turned off "last seen" on Friday evening and moved the messaging app off my '
            "home screen. I told myself: this is a boundary with my own habit, not with him.\n\n"
            "Saturday was twitchy. Sunday was easier. I read a whole book and saw my sister. "
            "On Monday he asked how my weekend was, and I had plenty to tell him."
        ),
    ),
    DemoStory(
        author="Robin",
        title="Asking my sister for help (notes)",
        tags=("asked-for-what-i-need",),
        outcome=DRAFT,
        body=(
            "Still writing this one. The short version: I asked my sister to come with me to "
            "view flats, instead of pretending I could do it all alone, and she said she'd "
            "been waiting for me to ask."
        ),
    ),
)


@dataclass
class _Seeder:
    members: dict[str, object]

    @property
    def moderator(self):
        return self.members[MODERATOR]

    def story(self, spec: DemoStory) -> Story:
        author = self.members[spec.author]
        story = Story.objects.filter(author=author, title=spec.title).first()
        if story is None:
            # The demo writes months of stories in a second; the posting rate limit is for
            # people, so each demo author's window starts empty.
            rate_window(author, ContentKind.STORY).clear()
            story = story_services.story_save(
                actor=author,
                title=spec.title,
                body=spec.body,
                tags=spec.tags,
                audience=spec.audience,
                is_anonymous=spec.is_anonymous,
                content_warning=spec.content_warning,
                send_for_review=spec.outcome != DRAFT,
            ).story
        if spec.outcome != PUBLISHED:
            return story
        if story.state == Story.State.SUBMITTED:
            story = story_services.story_approve(actor=self.moderator, story=story)
        if story.state != Story.State.PUBLISHED:
            return story  # returned, removed or deleted since: leave it be
        if spec.featured and not story.is_featured:
            story = story_services.story_feature(actor=self.moderator, story=story, featured=True)
        for name in spec.hopes:
            story_services.story_hope_add(actor=self.members[name], story=story)
        return story


def seed_stories(members) -> list[Story]:
    """Write the demo stories and take each as far as its spec says: published (approved by
    the demo moderator, some featured, with "this gave me hope"), awaiting review, or a draft.
    `members` are the demo members (the moderator and the forum voices among them)."""
    seeder = _Seeder(members={member.pseudonym: member for member in members})
    return [seeder.story(spec) for spec in STORIES]
