"""The public schedule is the same for every visitor, so its pages are cached whole.

Every cached entry's key carries a version number; any save or delete of a bazaar, its days,
booths, participations, venue or a business bumps the version (signals in apps.py, plus the
services after bulk writes), so the next public request renders afresh. Old entries simply age
out. With several app processes the cache must be shared (CACHE_URL=redis://...): a
per-process cache (the development default, local memory) cannot see another process's bump,
so there pages are kept only a few seconds.

The cache may be away (Redis stopped, the network cut): every call is then a miss (django-redis
ignores the error, settings.py) and pages are built from the database. A bump made while it is
away is lost, and the entries cached before the outage would come back with Redis, a withdrawn
consent among them. So a process that has seen the cache fail bumps the version once it
answers again.
"""

import hashlib
import os
import threading
import time
from collections import OrderedDict

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

from config.compute_once import compute_once

VERSION_KEY = "bazaars:public:version"
PAGE_TIMEOUT = 60 * 60  # an hour with a shared cache; the version shows staff changes at once
PER_PROCESS_TIMEOUT = 5  # seconds, with a per-process cache: bounded staleness across workers

# Set when this process saw the cache fail; cleared by the bump made once it is back.
_cache_failed = threading.Event()


def page_timeout() -> int:
    return PER_PROCESS_TIMEOUT if isinstance(caches["default"], LocMemCache) else PAGE_TIMEOUT


def public_version() -> int:
    """The current version; 0 while the cache is away (nothing is found or kept under it)."""
    try:
        version = _read_version()
    except _CacheAway:
        _cache_failed.set()  # bumped once it answers again, as after any failed cache call
        return 0
    if version is not None and _cache_failed.is_set():
        if _bump():
            _cache_failed.clear()
        version = cache.get(VERSION_KEY)
    if version is None:
        # add() so that two processes starting together agree on the first version; a number
        # no earlier version had (not 1), so that after the cache lost its keys (a Redis
        # restart) no page a process still holds (local_pages) can match a key again.
        if cache.add(VERSION_KEY, int(time.time() * 1000), timeout=None) is None:
            _cache_failed.set()
            return 0
        version = cache.get(VERSION_KEY) or 1
    return version


# The version is read on every public request, a kept page's replay included, where it was
# half the CPU time: redis-py's pool checks every connection it lends for unread data (four more
# system calls) before the GET itself. So with django-redis the GET goes over a connection of
# this thread's own, made with the cache client's own pool settings (server, database,
# password, timeouts, TCP keepalive): the same key on the same server the bumps go to (the
# primary, never a Redis replica that may lag), read as often. Other backends (local memory in
# development and tests) use cache.get.
_direct = threading.local()


class _CacheAway(Exception):
    """The version could not be read: the cache is away (refused, timed out, broken)."""


def _read_version():
    backend = caches["default"]
    state = getattr(_direct, "state", None)
    # A thread's cache handle lasts as long as the settings do under WSGI (gunicorn); a new one
    # (a test's other CACHES) or a forked process makes a new connection.
    if state is None or state[0] is not backend or state[1] != os.getpid():
        if state is not None and state[2] is not None:
            state[2].disconnect()
        state = _direct.state = (backend, os.getpid(), *_direct_connection(backend))
    connection, key = state[2], state[3]
    if connection is None:
        return cache.get(VERSION_KEY)
    for attempt in (1, 2):
        try:
            connection.send_command("GET", key)
            value = connection.read_response()
        except Exception as error:  # redis-py's errors, and the socket's
            connection.disconnect()  # connects again on the next command
            # One more try on a fresh connection: one the server closed while idle, or a
            # network dropped silently, is no outage (marking one bumps every page). A hung
            # Redis costs two socket timeouts, as the GET and then add() of cache.get did.
            if attempt == 2:
                raise _CacheAway from error
            continue
        try:
            return None if value is None else int(value)
        except (TypeError, ValueError):
            return cache.get(VERSION_KEY)  # not what this module writes: django-redis decides
    raise AssertionError("unreachable")  # pragma: no cover


def _direct_connection(backend):
    """(a connection of this thread's own, the version's key in Redis), or (None, None)."""
    try:
        from django_redis.cache import RedisCache
        from django_redis.client import DefaultClient
    except ImportError:  # pragma: no cover - a deployment without django-redis
        return None, None
    if not isinstance(backend, RedisCache) or type(backend.client) is not DefaultClient:
        return None, None
    try:
        pool = backend.client.get_client(write=True).connection_pool
    except Exception:  # the cache is away: the ordinary path says so
        return None, None
    # Made as the pool makes its own, outside its count (the pool never lends this one).
    return pool.connection_class(**pool.connection_kwargs), backend.make_key(VERSION_KEY)


# A copy of the pages this process served lately, under the same keys (which carry the
# version, read from the shared cache on every request): a hit then costs one round trip to
# the shared cache instead of two, and no unpickling of the page. A bump anywhere changes the
# keys, so a copy is never served after a change; old ones fall out (least recently used).
LOCAL_PAGES = 256
_local_pages: OrderedDict = OrderedDict()
_local_lock = threading.Lock()


def _local_copies() -> bool:
    return not isinstance(caches["default"], LocMemCache)  # that one is local already


def get_page(key: str):
    if _local_copies():
        with _local_lock:
            entry = _local_pages.get(key)
            if entry is not None and entry[0] > time.monotonic():
                _local_pages.move_to_end(key)
                return entry[1]
    page = cache.get(key)
    if page is not None:
        _keep_locally(key, page)
    return page


def set_page(key: str, page) -> None:
    cache.set(key, page, page_timeout())
    _keep_locally(key, page)


def _keep_locally(key: str, page) -> None:
    if not _local_copies():
        return
    with _local_lock:
        _local_pages[key] = (time.monotonic() + page_timeout(), page)
        _local_pages.move_to_end(key)
        while len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


# The replays of bazaars.middleware.PublicPageReplayMiddleware: whole anonymous responses of
# this process, under what the visitor sent (address, host, language cookie), each with the
# version it was made under. Kept here only, never in the shared cache: a visitor's extra
# ?x=... makes a new entry, which must not fill Redis.
REPLAYS = 256
_replays: OrderedDict = OrderedDict()


def get_replay(key):
    with _local_lock:
        entry = _replays.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del _replays[key]
            return None
        _replays.move_to_end(key)
        return entry[1]


def keep_replay(key, replay) -> None:
    with _local_lock:
        _replays[key] = (time.monotonic() + page_timeout(), replay)
        _replays.move_to_end(key)
        while len(_replays) > REPLAYS:
            _replays.popitem(last=False)


def forget_replays(**kwargs) -> None:
    """Every replay of this process (connected to setting_changed: a test's other settings
    make other headers)."""
    with _local_lock:
        _replays.clear()


def _bump() -> bool:
    """True when the cache took the new version."""
    try:
        return cache.incr(VERSION_KEY) is not None  # None: django-redis ignored an error
    except ValueError:  # not there yet (or evicted): a number no earlier entry can have
        cache.set(VERSION_KEY, int(time.time() * 1000), timeout=None)
        return cache.get(VERSION_KEY) is not None


def _bump_or_remember() -> None:
    if not _bump():
        _cache_failed.set()


def bump_public_version() -> None:
    """Invalidate every cached public page: now, and again once the transaction commits (so a
    request served between the two cannot keep a page rendered from uncommitted-old data)."""
    _bump_or_remember()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump_or_remember)


# After a change every page's first request asks for the same kept values at once (the
# directory's counts, the first row of each page): one request computes a value, the others
# wait for it this long at most, then compute it themselves.
KEPT_VALUE_WAIT = 0.5  # seconds
KEPT_VALUE_POLL = 0.005
KEPT_VALUE_LOCK = 10  # seconds a computing request holds the value's lock at most


def kept_value(name: str, compute):
    """A figure derived from the public data (the directory's count of one filter set), kept
    under the current version like the pages: every page of a listing shares one count, and
    any change makes it afresh. `name` may hold what a visitor typed: it is hashed. Computed
    once per change, not by every request that arrives before the first one is done: the
    minute after a change, twelve threads computed the same 2,400 rows together."""
    version = public_version()
    if not version:
        return compute()
    key = f"bazaars:value:{version}:{hashlib.sha256(name.encode()).hexdigest()}"
    value = cache.get(key)
    if value is not None:
        return value
    value, _computed = compute_once(
        key,
        compute,
        lambda value: cache.set(key, value, page_timeout()),
        mark_seconds=KEPT_VALUE_LOCK,
        wait_seconds=KEPT_VALUE_WAIT,
        step=KEPT_VALUE_POLL,
    )
    return value
