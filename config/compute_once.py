"""A value kept in the shared cache, computed by one asker at a time (every process, every
thread): the one door of that rule, for the kept reports (reports.selectors) and the public
pages' kept values (bazaars.cache.kept_value).

The first asker marks the key (`<key>:computing`, cache.add: one wins across processes) and
computes; the others wait for the value instead of computing it again at the same moment,
which on a shared machine only halves each one's share of the cores. A waiter computes it
itself once the mark is gone without a value (the computing one failed) or its wait is over.
"""

import time

from django.core.cache import cache


def compute_once(key: str, compute, keep, *, mark_seconds: float, wait_seconds: float, step):
    """(value, computed here): the caller found nothing under `key`; `keep(value)` stores
    what this asker computed (the caller's own timeout)."""
    computing = f"{key}:computing"
    marked = cache.add(computing, True, mark_seconds)
    if not marked:
        value = _wait_for(key, computing, wait_seconds, step)
        if value is not None:
            return value, False
        # The other gave up or took too long: compute here, exactly as without it.
    try:
        value = compute()
        keep(value)
    finally:
        if marked:
            cache.delete(computing)
    return value, True


def _wait_for(key: str, computing: str, wait_seconds: float, step: float):
    """The value kept under `key` once the asker marked in `computing` has kept it; None when
    that mark goes without a value (the other failed) or after `wait_seconds`."""
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        time.sleep(step)
        value = cache.get(key)
        if value is not None:
            return value
        if cache.get(computing) is None:
            return cache.get(key)
    return None
