"""Demo forum content for `seed_demo`: a few kind, everyday threads in every category and one
in a peer group's private forum.

Everything is written through `community.forum_services`, so it passes the moderation pipeline
like any member's words. Idempotent: a thread is found by (category, title), a reply by
(thread, author, text), and reactions, follows and pins are no-ops when already there."""

from __future__ import annotations

from dataclasses import dataclass, field

from community import forum_services
from community.forum_permissions import reader_for
from community.models import Category, Post, Thread
from groups import services as group_services
from groups.models import PeerGroup
from moderation.kinds import ContentKind
from moderation.pipeline import rate_window

# Extra voices for the forums, created by seed_demo like its other demo members. They have no
# password: nobody signs in as them.
FORUM_MEMBERS = [
    {"pseudonym": "Juniper", "email": "juniper@example.org", "country": "GB", "role": "member"},
    {"pseudonym": "Maya K", "email": "maya@example.org", "country": "US", "role": "member"},
    {"pseudonym": "Theo", "email": "theo@example.org", "country": "AU", "role": "member"},
    {"pseudonym": "Priya", "email": "priya@example.org", "country": "GB", "role": "member"},
    {"pseudonym": "Noor", "email": "noor@example.org", "country": "US", "role": "member"},
]

# The peer group whose private forum gets a thread, and the demo members who belong to it.
GROUP_FORUM_SLUG = "waiting-for-a-reply"
GROUP_FORUM_JOINERS = ("Maya K",)

WELCOME_TITLE = "Welcome: how this category works"
MODERATOR = "Alex Moderator"


@dataclass(frozen=True)
class Reply:
    author: str
    body: str
    reactions: tuple[tuple[str, str], ...] = ()  # (member, kind)


@dataclass(frozen=True)
class DemoThread:
    category: str  # a category slug, or "group" for the demo group's private forum
    author: str
    title: str
    body: str
    replies: tuple[Reply, ...]
    reactions: tuple[tuple[str, str], ...] = ()
    followers: tuple[str, ...] = ()  # besides the author and repliers, who follow anyway
    content_warning: str = ""
    is_anonymous: bool = False
    is_pinned: bool = False


THREADS = (
    # --- Understanding attachment (public) ------------------------------------------------
    DemoThread(
        category="understanding-attachment",
        author=MODERATOR,
        title=WELCOME_TITLE,
        is_pinned=True,
        body=(
            "This is a place to talk about what anxious attachment is, where it might come from "
            "for you, and how it shows up day to day. A few things that help here:\n\n"
            '- Speak from your own experience. "What helped me was..." goes a long way.\n'
            "- No diagnosing each other, or the people in your life.\n"
            "- If a post touches something heavy, add a content warning so others can choose "
            "when to read it.\n\n"
            "Introduce yourself below if you like. Reading quietly for a while is welcome too."
        ),
        replies=(
            Reply(
                "Robin",
                "Thank you for making this space. I've been reading for a week and this is my "
                "first post. Hello, everyone.",
            ),
            Reply(
                "Juniper",
                "Hello Robin, I'm glad you're here. Reading for a while first is exactly what I "
                "did too.",
                reactions=(("Robin", "hug"),),
            ),
        ),
        reactions=(("Robin", "thank_you"), ("Juniper", "thank_you")),
    ),
    DemoThread(
        category="understanding-attachment",
        author="Juniper",
        title="Does anyone else catch their own protest behaviour?",
        body=(
            'I read the phrase "protest behaviour" in a book last month and it stopped me in '
            "my tracks. Going quiet on purpose, checking when someone was last online, sending "
            "a flat \"fine\" so they'll ask what's wrong. I do all of these when I feel someone "
            "pulling away.\n\n"
            "Noticing it hasn't made it stop yet, but sometimes I can name it while it's "
            "happening: *this is me asking for reassurance sideways*. Does anyone else catch "
            "themselves mid-protest? What do you do next?"
        ),
        replies=(
            Reply(
                "Robin",
                "Yes. Mine is going very chatty and cheerful in the group chat so he'll notice "
                "I'm fine without him. Naming it helps me too. Sometimes I write it down instead "
                "of doing it.",
            ),
            Reply(
                "Theo",
                "I used to hide my read receipts and then check whether he'd been online. "
                "Exhausting. What helped me was asking myself: what am I actually asking for? "
                "Usually it's \"tell me we're okay\", and now I can sometimes ask for that "
                "directly. Not always, but more often.",
                reactions=(("Juniper", "thank_you"), ("Robin", "me_too")),
            ),
            Reply(
                "Sam Facilitator",
                "Catching it mid-protest is a real skill, and you're all describing it. In our "
                "Tuesday circle we call it the pause: notice, name the need, then choose. "
                "There's no need to get it right every time.",
            ),
            Reply(
                "Juniper",
                '"What am I actually asking for" is going on a sticky note by my desk. Thank '
                "you, all of you.",
            ),
        ),
        reactions=(("Robin", "me_too"), ("Theo", "me_too"), ("Noor", "me_too")),
        followers=("Maya K",),
    ),
    # --- Texting and waiting (public) -----------------------------------------------------
    DemoThread(
        category="texting-and-waiting",
        author=MODERATOR,
        title=WELCOME_TITLE,
        is_pinned=True,
        body=(
            "The unanswered message, the read receipt, the urge to send one more. This "
            "category is for the waiting, and for what helps while you wait.\n\n"
            "Please don't post screenshots of other people's messages: describe what happened "
            "in your own words instead. And if you're in the middle of a hard wait right now, "
            "you're welcome to just say so. Someone here will understand."
        ),
        replies=(
            Reply(
                "Maya K",
                "Thank you. Saving this for the next time I'm staring at those three dots.",
            ),
        ),
        reactions=(("Maya K", "thank_you"),),
    ),
    DemoThread(
        category="texting-and-waiting",
        author="Theo",
        title="What do you do with the urge to double-text?",
        body=(
            "Collecting ideas, because mine is strong. What I have so far:\n\n"
            "1. Write the message in my notes app instead, and read it again in an hour.\n"
            "2. Message a friend about something else entirely.\n"
            "3. Go for a walk and leave the phone at home.\n\n"
            "What works for you?"
        ),
        replies=(
            Reply(
                "Priya",
                "I set a kitchen timer for 45 minutes. If I still want to send it when it rings, "
                "I'm allowed to. I almost never still want to.",
                reactions=(("Theo", "thank_you"),),
            ),
            Reply(
                "Robin",
                "The notes app trick! I have a whole folder of unsent messages now. Reading them "
                "a day later is strangely comforting.",
            ),
        ),
        followers=("Noor",),
    ),
    DemoThread(
        category="texting-and-waiting",
        author="Robin",
        title="He read my message three hours ago and hasn't replied",
        body=(
            "I asked if he wanted to get dinner on Friday. Read at 2pm, nothing since. My mind "
            "has already written five stories about what I did wrong.\n\n"
            "I know he's at work. I do know that. But my thumb keeps hovering over the keyboard "
            'to send "no pressure if you\'re busy!", which would be my third message today. '
            "Can someone talk me out of the double-text?"
        ),
        replies=(
            Reply(
                "Maya K",
                'Been exactly here. The "no pressure!" text is my signature move and it never '
                "once made me feel better. Could you put the phone in another room for half an "
                "hour and see how the urge feels after?",
            ),
            Reply(
                "Theo",
                "Three hours on a workday is really normal, even though it doesn't feel normal. "
                "For me the urge rises and then fades, like a wave. You don't have to act on it "
                "while it's high.",
                reactions=(("Robin", "thank_you"),),
            ),
            Reply(
                "Juniper",
                "Sending you a hug. The stories our minds write are so convincing. What would "
                "you say to a friend in your place?",
                reactions=(("Robin", "thank_you"),),
            ),
            Reply(
                "Robin",
                "Update: the phone went in the kitchen drawer. I made tea and finished an "
                'episode. He replied at 6: "Friday sounds great, sorry, busy day". I didn\'t '
                "send the double-text. Thank you all so much.",
                reactions=(
                    ("Maya K", "proud"),
                    ("Theo", "proud"),
                    ("Juniper", "proud"),
                    ("Sam Facilitator", "proud"),
                ),
            ),
        ),
        reactions=(("Maya K", "hug"), ("Juniper", "hug"), ("Priya", "me_too")),
    ),
    # --- Dating and relationships (members only) -------------------------------------------
    DemoThread(
        category="dating-and-relationships",
        author="Priya",
        title="The third date went well and now I'm more anxious, not less",
        body=(
            "Everything went well. We laughed, he walked me to the station, he said he'd like "
            "to see me again. And since then my chest has been tight and I keep rereading our "
            "messages for signs he's losing interest.\n\n"
            "Is it normal that good things make it worse? I thought feeling safe would feel... "
            "safe."
        ),
        replies=(
            Reply(
                "Juniper",
                "So normal. When something matters, the part of us that's scared of losing it "
                "wakes up. It doesn't mean the date went badly. It means you care.",
                reactions=(("Priya", "thank_you"),),
            ),
            Reply(
                "Sam Facilitator",
                "Something that helps some people: write down the evidence you actually have "
                "(he said he'd like to see you again) next to what the worry offers. Both can be "
                "there. You don't have to argue with the worry, just notice it.",
            ),
            Reply(
                "Priya",
                'Writing both lists down really helped. The worry list was all "what ifs".',
                reactions=(("Juniper", "proud"),),
            ),
        ),
        reactions=(("Robin", "me_too"), ("Maya K", "me_too")),
    ),
    DemoThread(
        category="dating-and-relationships",
        author="Noor",
        title="I noticed my protest behaviour during a disagreement",
        is_anonymous=True,
        body=(
            "Posting anonymously because my partner reads here sometimes. We had a small "
            "disagreement about weekend plans, and instead of saying I felt left out, I went "
            'quiet and then said "do whatever you want". Classic me.\n\n'
            'An hour later I went back and said: "I think I went quiet because I felt left '
            "out, and I'd like us to plan the weekend together.\" He thanked me for telling "
            "him. It felt awkward and a bit wonderful."
        ),
        replies=(
            Reply(
                "Robin",
                "That repair is huge. Going back after the quiet is so much harder than never "
                "going quiet, and you did it.",
            ),
            Reply(
                "Theo",
                '"Awkward and a bit wonderful" is exactly how it felt the first time I did that '
                "too.",
            ),
        ),
        reactions=(("Robin", "proud"), ("Theo", "proud"), ("Priya", "proud")),
    ),
    # --- Friendship, family and work (members only) ----------------------------------------
    DemoThread(
        category="friendship-family-work",
        author="Maya K",
        title="When a close friend takes days to reply",
        body=(
            "It isn't only dating for me. My closest friend sometimes takes days to answer, and "
            "I start to wonder whether I'm too much, whether she's tired of me.\n\n"
            "Today I reminded myself that she has replied slowly for ten years and we're still "
            "close. That helped a little. Does anyone else feel this with friends?"
        ),
        replies=(
            Reply(
                "Juniper",
                "Yes, and with my sister too. I've started keeping a little list of the times "
                "people came back to me after a slow reply. It's a long list.",
                reactions=(("Maya K", "thank_you"),),
            ),
            Reply(
                "Noor",
                "Ten years of slow replies and still close is good evidence. I hope she gets "
                "back to you soon.",
            ),
        ),
        reactions=(("Juniper", "me_too"), ("Noor", "hug")),
    ),
    DemoThread(
        category="friendship-family-work",
        author="Theo",
        title='The vague "can we have a quick chat?" message from my manager',
        body=(
            'My manager wrote "can we have a quick chat tomorrow?" with no context and I spent '
            "the evening convinced I'd done something wrong. It was about the holiday rota.\n\n"
            "Next time I'm going to answer \"sure, anything I should prepare?\" so I'm not "
            "left guessing overnight. Any other ways to handle the vague-message dread at work?"
        ),
        replies=(
            Reply(
                "Priya",
                "I do exactly that and it helps a lot. Most people are happy to give a one-line "
                "heads-up.",
            ),
            Reply(
                "Sam Facilitator",
                "Asking for the context you need is a kind thing to do for yourself. It's a "
                "boundary, a gentle one.",
                reactions=(("Theo", "thank_you"),),
            ),
        ),
        reactions=(("Priya", "me_too"), ("Robin", "me_too")),
    ),
    # --- Healing practices (public) --------------------------------------------------------
    DemoThread(
        category="healing-practices",
        author="Juniper",
        title="Journaling prompts that actually helped me",
        body=(
            "My therapist suggested journaling and I resisted for months, because a blank page "
            "made me feel worse. What finally worked was having a few questions to answer. "
            "Sharing in case they help someone:\n\n"
            "- What am I feeling right now, and where in my body?\n"
            "- What story is my mind telling me about this?\n"
            "- What else could be true?\n"
            "- What do I need, and who could I ask for it?\n\n"
            "Five minutes, no rereading allowed. Do you have prompts of your own?"
        ),
        replies=(
            Reply(
                "Robin",
                '"What else could be true" is the one I needed. Trying this tonight.',
            ),
            Reply(
                "Maya K",
                "I add one at the end: what is one kind thing I can do for myself in the next "
                "hour?",
                reactions=(("Juniper", "thank_you"), ("Robin", "thank_you")),
            ),
            Reply(
                "Priya",
                "I do mine as voice notes on walks. Same questions. It works for me when writing "
                "feels like homework.",
            ),
        ),
        reactions=(("Robin", "thank_you"), ("Theo", "thank_you"), ("Noor", "thank_you")),
        followers=("Theo",),
    ),
    DemoThread(
        category="healing-practices",
        author="Noor",
        title="A grounding exercise my therapist suggested",
        content_warning="mentions of a panic attack",
        body=(
            "Last month I had a panic attack after a long silence from my partner: racing "
            "heart, shaky hands, the whole thing. It passed, and I'm okay now.\n\n"
            "At my next session my therapist suggested something simple for when I notice the "
            "first signs: name five things I can see, four I can hear, three I can touch. It "
            "felt silly the first time. The second time it slowed things down enough for me to "
            "breathe out properly.\n\n"
            "Sharing because I wish someone had told me sooner."
        ),
        replies=(
            Reply(
                "Theo",
                "Thank you for sharing this, and I'm glad you're okay. I use the same exercise "
                "on the bus.",
            ),
            Reply(
                "Juniper",
                "Saving this. A long slow breath out helps me too, longer out than in.",
                reactions=(("Noor", "thank_you"),),
            ),
        ),
        reactions=(("Theo", "hug"), ("Juniper", "thank_you"), ("Maya K", "thank_you")),
    ),
    # --- Celebrating small wins (public) ---------------------------------------------------
    DemoThread(
        category="small-wins",
        author=MODERATOR,
        title=WELCOME_TITLE,
        is_pinned=True,
        body=(
            'This is the place for wins of any size. Waited an hour before replying? Said "I '
            'need a minute" instead of going quiet? Went to bed without checking one last '
            "time? Tell us.\n\n"
            "Small wins count here, and so do tries that didn't go to plan. Reactions are "
            'the best part: a "proud of you" means a lot.'
        ),
        replies=(
            Reply(
                "Sam Facilitator",
                "I'll start: I left my phone at home for a whole walk on Sunday. It was lovely.",
                reactions=(("Robin", "proud"),),
            ),
        ),
    ),
    DemoThread(
        category="small-wins",
        author="Robin",
        title="I said what I needed instead of going quiet",
        body=(
            'I told my friend "I felt a bit let down when the plan changed without asking me" '
            "instead of sulking for two days. My voice shook. She apologised and we made a new "
            "plan together.\n\n"
            "Writing it here so I remember that I can do it."
        ),
        replies=(
            Reply(
                "Juniper",
                "Your voice shook and you said it anyway. That's what courage looks like.",
                reactions=(("Robin", "thank_you"),),
            ),
            Reply(
                "Sam Facilitator",
                "Lovely. Thank you for letting us celebrate with you.",
            ),
        ),
        reactions=(("Juniper", "proud"), ("Sam Facilitator", "proud"), ("Noor", "proud")),
    ),
    DemoThread(
        category="small-wins",
        author="Maya K",
        title="Waited an hour before replying!",
        body=(
            'He texted "hey, how was your day?" and normally I would answer within ten seconds, '
            "then wait anxiously for the reply to my reply.\n\n"
            "Today I finished my lunch, went back to work and answered an hour later. Nothing "
            "bad happened. He wrote back, we chatted, it was nice. Tiny, but it felt like a big "
            "deal."
        ),
        replies=(
            Reply("Robin", "Not tiny at all! Proud of you."),
            Reply(
                "Theo",
                "This is the kind of win that changes things over time. Well done.",
            ),
            Reply(
                "Noor",
                "Love this. Finishing your lunch first is such a good detail.",
                reactions=(("Maya K", "hug"),),
            ),
        ),
        reactions=(
            ("Robin", "proud"),
            ("Theo", "proud"),
            ("Noor", "proud"),
            ("Juniper", "proud"),
            ("Priya", "hug"),
        ),
    ),
    # --- The "Waiting for a reply" group's private forum -------------------------------------
    DemoThread(
        category="group",
        author="Sam Facilitator",
        title="Between sessions: one thing to practise this week",
        body=(
            "A small thread for our group between Tuesdays. Share one thing you'd like to "
            "practise this week, however small. We'll check in on it together at the next "
            "session."
        ),
        replies=(
            Reply(
                "Robin",
                "Putting my phone in the kitchen drawer for the first hour after I send a "
                "message. It worked once already, so let's see if it works twice.",
                reactions=(("Sam Facilitator", "proud"),),
            ),
            Reply(
                "Maya K",
                "Writing my reply in my notes first and sending it after lunch, not before.",
                reactions=(("Robin", "hug"),),
            ),
        ),
    ),
)


@dataclass
class _Seeder:
    members: dict[str, object]
    group_category: Category
    categories: dict[str, Category] = field(default_factory=dict)

    def category(self, slug: str) -> Category:
        if slug == "group":
            return self.group_category
        if slug not in self.categories:
            self.categories[slug] = Category.objects.get(slug=slug)
        return self.categories[slug]

    def reader(self, name: str, category: Category):
        return reader_for(self.members[name], category)

    def unhurried(self, name: str) -> None:
        """The demo writes weeks of conversation in a second; the posting rate limit is for
        people, so each demo author's window starts empty."""
        rate_window(self.members[name], ContentKind.FORUM_POST).clear()

    def thread(self, spec: DemoThread) -> Thread:
        category = self.category(spec.category)
        thread = Thread.objects.filter(category=category, title=spec.title).first()
        if thread is None:
            self.unhurried(spec.author)
            thread = forum_services.thread_start(
                reader=self.reader(spec.author, category),
                title=spec.title,
                body=spec.body,
                content_warning=spec.content_warning,
                is_anonymous=spec.is_anonymous,
            ).content
        if spec.is_pinned:
            forum_services.thread_pin(
                reader=self.reader(MODERATOR, category), thread=thread, pinned=True
            )
        for name, kind in spec.reactions:
            forum_services.reaction_add(
                reader=self.reader(name, category), content=thread, kind=kind
            )
        for name in spec.followers:
            forum_services.thread_follow(reader=self.reader(name, category), thread=thread)
        for reply in spec.replies:
            self.reply(thread, category, reply)
        return thread

    def reply(self, thread: Thread, category: Category, spec: Reply) -> Post:
        author = self.members[spec.author]
        post = Post.objects.filter(thread=thread, author=author, body=spec.body).first()
        if post is None:
            self.unhurried(spec.author)
            post = forum_services.post_reply(
                reader=self.reader(spec.author, category), thread=thread, body=spec.body
            ).content
        for name, kind in spec.reactions:
            forum_services.reaction_add(reader=self.reader(name, category), content=post, kind=kind)
        return post


def seed_forums(members) -> list[Thread]:
    """Fill every forum category with a few demo threads, and the demo group's private forum
    with one. `members` are the demo members (with FORUM_MEMBERS among them)."""
    by_name = {member.pseudonym: member for member in members}
    group = PeerGroup.objects.get(slug=GROUP_FORUM_SLUG)
    for name in GROUP_FORUM_JOINERS:
        group_services.group_join(actor=by_name[name], group=group)
    seeder = _Seeder(members=by_name, group_category=forum_services.category_for_group(group))
    # Welcome threads first, so the members' conversations are the most recent.
    return [seeder.thread(spec) for spec in sorted(THREADS, key=lambda spec: not spec.is_pinned)]
