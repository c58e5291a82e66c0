"""Shared fixtures: one per role, plus real servers (see tests/fixtures/)."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from community import ratelimit
from tests.factories import MemberFactory

pytest_plugins = ["tests.fixtures.servers"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


class FakeClock:
    """Replaces `time` inside community.ratelimit only, so the cache keeps real time."""

    def __init__(self, monkeypatch, start: float = 1_900_000_000.0) -> None:
        self.now = start
        monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: self.now))

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    return FakeClock(monkeypatch)


@pytest.fixture
def member(db):
    return MemberFactory(pseudonym="Robin Test", country="GB")


@pytest.fixture
def other_member(db):
    return MemberFactory(pseudonym="Kit Other", country="US")


@pytest.fixture
def moderator(db):
    return MemberFactory(pseudonym="Mo Moderator", is_moderator=True, is_staff=True)


@pytest.fixture
def visitor_client(client):
    return client


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client
