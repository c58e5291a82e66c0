"""Create demo content for local development. Safe to run again: nothing is duplicated."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from community import services as community_services
from community.forum_demo import FORUM_MEMBERS, seed_forums
from community.models import Member, ProfileText, Story
from community.story_demo import seed_stories
from groups.demo import seed_groups
from moderation import services as moderation_services
from moderation.demo import seed_moderation
from moderation.models import WatchedWord

# Development-only accounts. The command refuses to run with debug off unless forced.
DEMO_MEMBERS = [
    {
        "pseudonym": "Robin",
        "email": "robin@example.org",
        "password": "demo-robin-steady-2026",
        "country": "GB",
        "role": "member",
    },
    {
        "pseudonym": "Sam Facilitator",
        "email": "sam@example.org",
        "password": "demo-sam-steady-2026",
        "country": "US",
        "role": "facilitator",
    },
    {
        "pseudonym": "Alex Moderator",
        "email": "alex@example.org",
        "password": "demo-alex-steady-2026",
        "country": "AU",
        "role": "moderator",
    },
]


# Demo accounts are backdated so the pipeline treats them as the established members they play.
DEMO_MEMBER_AGE = timedelta(days=60)

DEMO_WATCHED_WORDS = [
    ("buy now", "block", "Selling isn't allowed here."),
    ("phone number", "flag", "Sharing contact details can put members at risk."),
]
DEMO_ABOUT = (
    "Learning that a slow reply is not a verdict on me. Here for the Tuesday group and the "
    "*small wins* thread."
)


class Command(BaseCommand):
    help = "Create demo members, peer groups, forum threads and success stories."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. Demo accounts have published passwords.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with published passwords, so it only runs with "
                "DJANGO_DEBUG=1. Use --force if you really mean to seed this database."
            )
        with transaction.atomic():
            members = [self._member(spec) for spec in DEMO_MEMBERS]
            moderator = next(m for m in members if m.is_moderator)
            for phrase, action, reason in DEMO_WATCHED_WORDS:
                if not WatchedWord.objects.filter(phrase__iexact=phrase).exists():
                    word = WatchedWord(phrase=phrase, action=action, reason=reason)
                    moderation_services.watched_word_save(actor=moderator, word=word)
            robin = members[0]
            if not ProfileText.objects.filter(author=robin).exists():
                community_services.member_about_update(actor=robin, text=DEMO_ABOUT)
            facilitator = next(m for m in members if m.pseudonym == "Sam Facilitator")
            groups = seed_groups(
                moderator=moderator,
                facilitator=facilitator,
                members_by_name={m.pseudonym: m for m in members},
            )
            voices = [self._member(spec) for spec in FORUM_MEMBERS]
            threads = seed_forums([*members, *voices])
            stories = seed_stories([*members, *voices])
            open_items = seed_moderation(
                members_by_name={m.pseudonym: m for m in [*members, *voices]},
                group=next(g for g in groups if g.slug == "waiting-for-a-reply"),
            )
        self.stdout.write(
            self.style.SUCCESS(f"Demo groups: {', '.join(group.name for group in groups)}")
        )
        self.stdout.write(self.style.SUCCESS(f"Demo forum threads: {len(threads)}"))
        states = [story.state for story in stories]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo success stories: {states.count(Story.State.PUBLISHED)} published, "
                f"{states.count(Story.State.SUBMITTED)} awaiting review, "
                f"{states.count(Story.State.DRAFT)} draft"
            )
        )
        self.stdout.write(
            self.style.SUCCESS(f"Review queue: {len(open_items)} open items at /moderation/")
        )
        self.stdout.write(
            f"Other demo voices (no password): {', '.join(v.pseudonym for v in voices)}"
        )
        self.stdout.write(self.style.SUCCESS("Demo members (development only):"))
        for spec, member in zip(DEMO_MEMBERS, members, strict=True):
            self.stdout.write(
                f"  {spec['role']:<12} {member.pseudonym:<16} password: {spec['password']}"
            )

    def _member(self, spec: dict) -> Member:
        now = timezone.now()
        member = Member.objects.filter(pseudonym__iexact=spec["pseudonym"]).first()
        if member is None:
            member = Member.objects.create_user(
                pseudonym=spec["pseudonym"],
                email=spec["email"],
                password=spec.get("password"),
                country=spec["country"],
                date_joined=now - DEMO_MEMBER_AGE,
                guidelines_accepted_at=now,
                guidelines_version=settings.GUIDELINES_VERSION,
                adult_confirmed_at=now,
            )
        member.is_moderator = spec["role"] == "moderator"
        member.is_staff = spec["role"] == "moderator"
        member.save(update_fields=["is_moderator", "is_staff"])
        return member
