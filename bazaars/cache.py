"""The public schedule is the same for every visitor, so its pages are cached whole.

Every cached entry's key carries a version number; any save or delete of a bazaar, its days,
booths, participations, venue or a business bumps the version (signals in apps.py, plus the
services after bulk writes), so the next public request renders afresh. Old entries simply age
out. With several app processes the cache must be shared (CACHE_URL=redis://...): a
per-process cache (the development default, local memory) cannot see another process's bump,
so there pages are kept only a few seconds.
"""

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

VERSION_KEY = "bazaars:public:version"
PAGE_TIMEOUT = 60 * 60  # an hour with a shared cache; the version shows staff changes at once
PER_PROCESS_TIMEOUT = 5  # seconds, with a per-process cache: bounded staleness across workers


def page_timeout() -> int:
    return PER_PROCESS_TIMEOUT if isinstance(caches["default"], LocMemCache) else PAGE_TIMEOUT


def public_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # add() so that two processes starting together agree on the first version.
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there yet (or evicted): any new number will do
        cache.set(VERSION_KEY, 2, timeout=None)


def bump_public_version() -> None:
    """Invalidate every cached public page: now, and again once the transaction commits (so a
    request served between the two cannot keep a page rendered from uncommitted-old data)."""
    _bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump)
