"""A kept value (bazaars.cache.kept_value) is computed once per change, however many requests
ask for it at the same moment; the others wait for it, for a bounded time."""

import threading
import time

import pytest

from bazaars import cache as public_cache


def _ask_together(n: int, compute) -> list:
    barrier, found = threading.Barrier(n), []

    def ask():
        barrier.wait()
        found.append(public_cache.kept_value("directory-starts:test", compute))

    threads = [threading.Thread(target=ask) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return found


def test_many_requests_at_once_compute_a_kept_value_once():
    public_cache.bump_public_version()
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.05)  # a slow query
        return [("Anyaman", 1), ("Batik", 7)]

    found = _ask_together(8, compute)
    assert found == [[("Anyaman", 1), ("Batik", 7)]] * 8
    assert len(calls) == 1
    public_cache.bump_public_version()  # a change: computed afresh, once
    assert _ask_together(4, compute) == [[("Anyaman", 1), ("Batik", 7)]] * 4
    assert len(calls) == 2


def test_a_computation_that_hangs_holds_the_others_for_a_bounded_wait(monkeypatch):
    monkeypatch.setattr(public_cache, "KEPT_VALUE_WAIT", 0.2)
    public_cache.bump_public_version()
    release, calls = threading.Event(), []

    def compute():
        calls.append(threading.get_ident())
        if len(calls) == 1:
            release.wait(5)  # the first one hangs
        return 42

    first = threading.Thread(target=lambda: public_cache.kept_value("slow", compute))
    first.start()
    while not calls:
        time.sleep(0.001)
    started = time.monotonic()
    assert public_cache.kept_value("slow", compute) == 42  # computed itself after the wait
    assert 0.2 <= time.monotonic() - started < 1.5
    release.set()
    first.join(5)


def test_a_failed_computation_lets_the_next_request_compute():
    public_cache.bump_public_version()

    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        public_cache.kept_value("fails", broken)
    started = time.monotonic()
    assert public_cache.kept_value("fails", lambda: 7) == 7
    assert time.monotonic() - started < 0.1  # the lock went with the failure: no wait
