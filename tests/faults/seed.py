"""Run in a child process with a fault stack's environment (Django on its database): a peer
group with `members` active members and a session cookie for each, and `messages` stored
messages (optional).

    python -m tests.faults.seed '{"slug": "faults-1", "members": 6}'

prints one JSON line: {"slug": ..., "group_id": ..., "cookies": ["sessionid=...", ...]}.
"""

from __future__ import annotations

import json
import sys


def seed(slug: str, members: int, messages: int = 0) -> dict:
    from datetime import timedelta

    import django

    django.setup()
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from community.models import Member
    from groups.models import ChatMessage, Membership, PeerGroup, next_seq

    now = timezone.now()
    cookies = []
    with transaction.atomic():
        group = PeerGroup.objects.create(
            name=f"Fault room {slug}", slug=slug, purpose="A room for fault tests."
        )
        for number in range(members):
            name = f"{slug}-{number + 1}"
            member = Member.objects.create_user(
                pseudonym=name,
                email=f"{name}@example.org",
                password=None,
                country="GB",
                date_joined=now - timedelta(days=30),
                guidelines_accepted_at=now,
                adult_confirmed_at=now,
            )
            Membership.objects.create(group=group, member=member, state="active")
            client = Client()
            client.force_login(member)
            cookies.append(f"sessionid={client.cookies['sessionid'].value}")
        # History, stored as the pipeline would have stored it (for replay-heavy tests).
        text = "An earlier message, long enough to weigh something. " * 30
        for number in range(messages):
            ChatMessage.objects.create(
                author=member,
                group=group,
                body=text,
                body_html=f"<p>{number}: {text}</p>",
                status="published",
                seq=next_seq(group.pk),
                local_id=f"history-{number}",
            )
    return {"slug": slug, "group_id": group.pk, "cookies": cookies}


if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    print(json.dumps(seed(spec["slug"], int(spec["members"]), int(spec.get("messages", 0)))))
