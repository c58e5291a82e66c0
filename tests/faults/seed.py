"""Run in a child process with a fault stack's environment (Django on its database): a peer
group with `members` active members and a session cookie for each.

    python -m tests.faults.seed '{"slug": "faults-1", "members": 6}'

prints one JSON line: {"slug": ..., "group_id": ..., "cookies": ["sessionid=...", ...]}.
"""

from __future__ import annotations

import json
import sys


def seed(slug: str, members: int) -> dict:
    from datetime import timedelta

    import django

    django.setup()
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from community.models import Member
    from groups.models import Membership, PeerGroup

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
    return {"slug": slug, "group_id": group.pk, "cookies": cookies}


if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    print(json.dumps(seed(spec["slug"], int(spec["members"]))))
