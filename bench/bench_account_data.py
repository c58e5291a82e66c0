"""A member's data export and account deletion at scale (issue 10).

A child process (a fresh interpreter with its own settings) migrates a throwaway SQLite database
and makes one long-standing member: N chat messages in two groups (N = 40,000, or 10,000 with
--quick), 500 forum threads with a reply each, reactions, 200 notifications. Each repeat:

- builds their data export (community.export_services: every section, gzip JSON) and reports
  the seconds, the peak Python memory (tracemalloc, in a second export: tracing slows Python
  down) and the archive size; the baseline is the
  least any export must do, one SELECT of the chat messages serialised with json.dumps;
- deletes the account (community.account_services.member_erase, default choices: chat messages
  deleted, forum posts kept under "Former member") and reports the seconds and the number of
  queries, which must not depend on N (deletion works by set, not by row).

Nothing is checked against a target: there is none in the issue. The figures say what a
member waits (the export runs in the background, with progress) and what deletion costs.

Run alone: .venv/bin/python bench/bench_account_data.py [--repeats N] [--quick]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import harness  # noqa: E402

PASSWORD = "a-calm-bench-password-42"


def _member_with_history(number: int, tag: str):
    """One member with `number` chat messages and a forum history, written in bulk."""
    from django.utils import timezone

    from community.models import Category, Member, Notification, Post, Thread
    from community.models.forums import Reaction
    from groups.models import ChatMessage, Membership, PeerGroup

    member = Member.objects.create_user(
        pseudonym=f"Bench Member {tag}", email=f"bench-{tag}@example.org", password=PASSWORD
    )
    other = Member.objects.create_user(
        pseudonym=f"Bench Other {tag}", email=f"other-{tag}@example.org", password=PASSWORD
    )
    now = timezone.now()
    for half in range(2):
        group = PeerGroup.objects.create(
            name=f"Bench {tag} {half}", slug=f"bench-{tag}-{half}", purpose="x", created_by=other
        )
        Membership.objects.create(group=group, member=member, state="active")
        ChatMessage.objects.bulk_create(
            [
                ChatMessage(
                    group=group,
                    author=member,
                    body=f"Message {i}: waiting for a reply again, and breathing.",
                    body_html=f"<p>Message {i}: waiting for a reply again, and breathing.</p>",
                    status="published",
                    seq=i + 1,
                    created_at=now,
                )
                for i in range(number // 2)
            ],
            batch_size=2000,
        )
        PeerGroup.objects.filter(pk=group.pk).update(last_seq=number // 2)
    category = Category.objects.create(name=f"Bench {tag}", slug=f"bench-{tag}")
    threads = Thread.objects.bulk_create(
        [
            Thread(
                category=category,
                author=member,
                title=f"Thread {i}",
                body="Some words.",
                body_html="<p>Some words.</p>",
            )
            for i in range(500)
        ]
    )
    Post.objects.bulk_create(
        [
            Post(thread=t, author=member, body="A reply.", body_html="<p>A reply.</p>")
            for t in threads
        ]
    )
    Reaction.objects.bulk_create(
        [Reaction(member=member, thread=t, kind="hug") for t in threads[:200]]
    )
    Notification.objects.bulk_create(
        [Notification(recipient=member, kind="reply", thread=t) for t in threads[:200]]
    )
    return member


def _worker(repeats: int, quick: bool) -> dict:
    import gzip
    import tracemalloc

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from community import export_services
    from community.account_services import ErasureChoices, member_erase
    from groups.models import ChatMessage

    number = 10_000 if quick else 40_000
    out = {"number": number, "export": [], "baseline": [], "memory": [], "archive": []}
    out.update({"json": [], "erase": [], "erase_queries": [], "small_erase_queries": []})
    # A first deletion warms the caches (content types) and makes the shared "Former member"
    # account, so every counted deletion starts alike.
    member_erase(actor=_member_with_history(5, "warm"), password=PASSWORD, choices=ErasureChoices())
    for repeat in range(repeats):
        small = _member_with_history(20, f"s{repeat}")
        with CaptureQueriesContext(connection) as queries:
            member_erase(actor=small, password=PASSWORD, choices=ErasureChoices())
        out["small_erase_queries"].append(len(queries))
        member = _member_with_history(number, f"r{repeat}")

        started = time.perf_counter()
        rows = list(
            ChatMessage.objects.filter(author=member).values("id", "group_id", "body", "created_at")
        )
        json.dumps(rows, default=str)
        out["baseline"].append(time.perf_counter() - started)

        started = time.perf_counter()
        export = export_services.data_export_request(actor=member)  # inline: built on commit
        out["export"].append(time.perf_counter() - started)
        # Memory in a second export: tracing slows Python several times over.
        tracemalloc.start()
        export_services.data_export_request(actor=member)
        out["memory"].append(tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
        export.refresh_from_db()
        assert export.state == "ready", export.state
        out["archive"].append(len(export.payload) / 1e6)
        out["json"].append(len(gzip.decompress(export.payload)) / 1e6)

        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            member_erase(actor=member, password=PASSWORD, choices=ErasureChoices())
        out["erase"].append(time.perf_counter() - started)
        out["erase_queries"].append(len(queries))
    return out


def _child(repeats: int, quick: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-account-") as directory:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "community.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
            "DJANGO_VAR_DIR": directory,
            "DATA_EXPORT_RUNNER": "inline",
        }
        env.pop("REDIS_URL", None)
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(repeats), "1" if quick else "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if out.returncode != 0:
        raise RuntimeError(f"account worker exited with {out.returncode}:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(repeats: int, quick: bool) -> harness.BenchResult:
    data = _child(repeats, quick)
    number = data["number"]
    figures = [
        harness.Figure(
            name=f"data export of a member with {number:,} chat messages and 1,000 posts",
            unit="s",
            better="lower",
            runs=[round(value, 2) for value in data["export"]],
            baseline_runs=[round(value, 3) for value in data["baseline"]],
        ),
        harness.Figure(
            name="peak Python memory while exporting",
            unit="MB",
            better="lower",
            runs=[round(value, 1) for value in data["memory"]],
        ),
        harness.Figure(
            name="account deletion (chat deleted, forum kept as Former member)",
            unit="s",
            better="lower",
            runs=[round(value, 2) for value in data["erase"]],
        ),
    ]
    flat = (
        set(data["erase_queries"])
        and max(data["erase_queries"]) <= max(data["small_erase_queries"]) + 2
    )
    table = harness.Table(
        title="Per repeat",
        columns=["archive (MB gzip)", "JSON (MB)", "deletion queries", "for 20 messages"],
        rows=[
            [round(a, 2), round(j, 1), q, s]
            for a, j, q, s in zip(
                data["archive"],
                data["json"],
                data["erase_queries"],
                data["small_erase_queries"],
                strict=True,
            )
        ],
    )
    return harness.BenchResult(
        name="account_data",
        title="Data export and account deletion at scale",
        what=(
            f"One member with {number:,} chat messages in two groups, 500 threads with a reply "
            "each, 200 reactions and 200 notifications (SQLite, one process): the seconds and "
            "peak memory to build their whole export, and the seconds and queries to delete "
            "their account."
        ),
        baseline=(
            "one SELECT of the same chat messages serialised with json.dumps: the least any "
            "export must do."
        ),
        figures=figures,
        tables=[table],
        notes=[
            "Deletion queries must not grow with the member's history: "
            + ("they do not." if flat else "THEY DO (a per-row loop crept in)."),
        ],
        ok=bool(flat),
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(_worker(int(sys.argv[2]), sys.argv[3] == "1")))
    else:
        harness.main(run)
