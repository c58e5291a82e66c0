"""Fixtures of tests/deploy: the stack of deploy/ running on this machine (see stack.py)."""

from collections.abc import Iterator

import pytest
import redis

from tests.deploy.stack import Stack, running_stack


@pytest.fixture(scope="module")
def _stack(redis_server, django_db_setup, django_db_blocker) -> Iterator[Stack]:
    with running_stack(redis_server.url, django_db_blocker) as stack:
        yield stack


@pytest.fixture
def stack(_stack, transactional_db) -> Stack:
    """The running stack, with Redis emptied of earlier tests' throttles and presence."""
    dead = [backend.port for backend in _stack.backends if backend.process.poll() is not None]
    if dead:
        pytest.fail(
            f"daphne on {dead} is down: the crash test must stay the last to use the stack",
            pytrace=False,
        )
    redis.Redis.from_url(_stack.redis_url).flushdb()
    return _stack
