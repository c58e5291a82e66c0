"""`python manage.py screen`: one JSON decision per input line, the pipeline's own."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from moderation.models import WatchedWord
from tests.moderation.conftest import CONCERN_TEXT, EVERYDAY_TEXT, SOMEONE_ELSE_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def screen(monkeypatch, *lines: str, **options) -> list[dict]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    out = io.StringIO()
    call_command("screen", stdout=out, **options)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_json_object_per_line_with_the_agreed_keys(monkeypatch):
    results = screen(monkeypatch, URGENT_TEXT, CONCERN_TEXT, SOMEONE_ELSE_TEXT, EVERYDAY_TEXT)
    assert len(results) == 4
    for result in results:
        assert set(result) == {"risk", "action", "signpost", "reasons"}
    urgent, concern, someone_else, everyday = results
    assert (urgent["risk"], urgent["action"], urgent["signpost"]) == ("urgent", "hold", True)
    assert urgent["reasons"]
    assert (concern["risk"], concern["action"], concern["signpost"]) == (
        "concern",
        "publish",
        True,
    )
    assert (someone_else["risk"], someone_else["action"], someone_else["signpost"]) == (
        "none",
        "publish",
        True,
    )
    assert everyday == {"risk": "none", "action": "publish", "signpost": False, "reasons": []}


def test_watched_words_apply(monkeypatch):
    WatchedWord.objects.create(phrase="spamword", action="block", reason="No adverts.")
    WatchedWord.objects.create(phrase="meet up", action="hold")
    blocked, held = screen(monkeypatch, "spamword here", "let's meet up")
    assert blocked["action"] == "block"
    assert held["action"] == "hold"
    assert any("meet up" in reason for reason in held["reasons"])


def test_empty_line_and_kind_limits(monkeypatch):
    empty, long_chat = screen(monkeypatch, "", "a" * 2001, kind="chat")
    assert empty["action"] == "block"
    assert long_chat["action"] == "block"
    [long_post] = screen(monkeypatch, "a" * 2001)
    assert long_post["action"] == "publish"


def test_command_runs_as_a_process_reading_stdin(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": f"sqlite:///{tmp_path}/screen.sqlite3"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [sys.executable, "manage.py", "screen"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": f"sqlite:///{tmp_path}/screen.sqlite3"},
        input="i want to kms tonight\nthis homework is killing me\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["risk"] == "urgent"
    assert second["risk"] == "none"
