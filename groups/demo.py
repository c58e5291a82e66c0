"""Demo peer groups for `seed_demo`: four groups, a facilitator, sessions and a short
conversation. Idempotent: groups are found by slug and messages by their local_id."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from groups import services
from groups.models import GroupSession, PeerGroup

DEMO_GROUPS = [
    {
        "slug": "healing-circle",
        "name": "Anxious Attachment Healing Circle",
        "purpose": "A weekly circle for noticing the anxious pull and practising steadier "
        "responses, together.",
        "guidelines": "Speak from your own experience. No advice unless someone asks for it. "
        "What is shared in the circle stays in the circle.",
        "visibility": PeerGroup.Visibility.OPEN,
    },
    {
        "slug": "waiting-for-a-reply",
        "name": "Waiting for a reply: texting anxiety",
        "purpose": "For the long minutes after you hit send. Share what you feel while you wait "
        "and what helps you put the phone down.",
        "guidelines": "Please don't share screenshots of other people's messages.",
        "visibility": PeerGroup.Visibility.OPEN,
    },
    {
        "slug": "boundaries-practice",
        "name": "Boundaries practice",
        "purpose": "Practise saying what you need, in small, low-stakes steps, with people who "
        "are practising too.",
        "guidelines": "Celebrate attempts, not outcomes. Be gentle with each other's wording.",
        "visibility": PeerGroup.Visibility.OPEN,
    },
    {
        "slug": "partners-and-family",
        "name": "Partners and family of anxiously attached people",
        "purpose": "Support for people who love someone with an anxious attachment style.",
        "guidelines": "Talk about your own experience; keep your loved one's details private.",
        "visibility": PeerGroup.Visibility.PRIVATE,
    },
]

CONVERSATION = [
    ("Sam Facilitator", "Welcome, everyone. How is the waiting going for you today?"),
    ("Robin", "He hasn't answered since this morning and my mind keeps writing stories."),
    ("Sam Facilitator", "That's such a familiar feeling here. What story is it telling you?"),
    ("Robin", "That I said something wrong. Probably he's just at work."),
    ("Alex Moderator", "Noticing the story is already a big step. Be kind to yourself."),
    ("Robin", "I'm going to put the phone in the other room for an hour. Wish me luck!"),
]


def seed_groups(*, moderator, facilitator, members_by_name: dict) -> list[PeerGroup]:
    groups = []
    for spec in DEMO_GROUPS:
        group, _created = PeerGroup.objects.get_or_create(
            slug=spec["slug"], defaults={**spec, "created_by": moderator}
        )
        services.membership_appoint_facilitator(actor=moderator, group=group, member=facilitator)
        if not GroupSession.objects.filter(group=group).exists():
            start = timezone.now().replace(minute=0, second=0, microsecond=0)
            for days in (1, 8, 15):
                services.group_session_schedule(
                    actor=facilitator,
                    group=group,
                    starts_at=start + timedelta(days=days, hours=1),
                    topic="Check-in and one small practice",
                )
        groups.append(group)
    waiting = groups[1]
    for member in members_by_name.values():
        if member.pk != facilitator.pk and not member.is_moderator:
            services.group_join(actor=member, group=waiting)
    for number, (name, text) in enumerate(CONVERSATION, start=1):
        services.chat_message_post(
            actor=members_by_name[name], group=waiting, body=text, local_id=f"demo-{number}"
        )
    return groups
