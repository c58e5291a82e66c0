"""Sliding-window counters behind every throttle (community.ratelimit)."""

from community.ratelimit import SlidingWindow


def window(subject: str = "someone", limit: int = 3, seconds: int = 60) -> SlidingWindow:
    return SlidingWindow(scope="test", subject=subject, limit=limit, window_seconds=seconds)


def test_a_new_window_is_empty_and_allows_now():
    assert window().count() == 0
    assert window().retry_after() == 0


def test_events_are_counted(clock):
    w = window()
    w.add()
    clock.advance(1)
    w.add()
    assert w.count() == 2
    assert w.retry_after() == 0


def test_reaching_the_limit_asks_to_wait_until_the_oldest_event_leaves_the_window(clock):
    w = window(limit=3, seconds=60)
    for _ in range(3):
        w.add()
        clock.advance(10)
    # Events at 0, 10, 20; now 30: the one at 0 leaves the window at 60.
    assert w.count() == 3
    assert w.retry_after() == 30


def test_retry_after_is_at_least_one_second_while_limited(clock):
    w = window(limit=1, seconds=60)
    w.add()
    clock.advance(59.9)
    assert w.retry_after() == 1


def test_retry_after_rounds_up_to_whole_seconds(clock):
    w = window(limit=1, seconds=60)
    w.add()
    clock.advance(0.5)
    assert w.retry_after() == 60


def test_events_leave_the_window_when_it_slides_past_them(clock):
    w = window(limit=2, seconds=60)
    w.add()
    clock.advance(30)
    w.add()
    assert w.retry_after() == 30
    clock.advance(30)
    assert w.count() == 1
    assert w.retry_after() == 0
    clock.advance(30)
    assert w.count() == 0


def test_more_events_than_the_limit_keep_the_wait_tied_to_the_most_recent_ones(clock):
    w = window(limit=2, seconds=60)
    for _ in range(5):
        w.add()
        clock.advance(5)
    # Events at 0..20; the two most recent are at 15 and 20; now 25.
    assert w.retry_after() == 50


def test_clear_forgets_every_event():
    w = window(limit=1)
    w.add()
    assert w.retry_after() > 0
    w.clear()
    assert w.count() == 0
    assert w.retry_after() == 0


def test_windows_for_different_subjects_are_separate():
    window("alice", limit=1).add()
    assert window("alice", limit=1).retry_after() > 0
    assert window("bob", limit=1).retry_after() == 0


def test_windows_for_different_scopes_are_separate():
    SlidingWindow(scope="login", subject="x", limit=1, window_seconds=60).add()
    assert SlidingWindow(scope="signup", subject="x", limit=1, window_seconds=60).count() == 0


def test_cache_key_does_not_contain_the_subject():
    """Subjects can be email addresses or IP addresses; keys are hashed so they stay private and
    always valid cache keys, whatever was typed."""
    key = window("Robin.Test@example.org / with spaces\n").cache_key
    assert "Robin" not in key
    assert "example" not in key
    assert key.startswith("ratelimit:test:")
    assert len(key) < 100
    assert " " not in key


def test_stored_history_stays_bounded(clock):
    w = window(limit=3, seconds=3600)
    for _ in range(100):
        w.add()
        clock.advance(1)
    assert w.count() <= 6
    assert w.retry_after() > 0
