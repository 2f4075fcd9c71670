"""The shared cache's pickle (django-redis's serializer), with Django's lazy strings cheap to
read back.

A kept report holds ~50 lazy translations (table titles, column headers). Django pickles
each as `_lazy_proxy_unpickle(func, args, kwargs, *resultclasses)`, which calls `lazy()`
again on every load, and `lazy()` builds a new proxy class each time: 8-9 ms of a 27 ms
kept-report request went to making classes. Here a lazy string is written as a call to
`_lazy`, which makes the proxy class once per function and keeps it; the object read back is
the same lazy translation (it still follows the language of the request that reads it).

Values written by Django's own pickle (an older release's) load as before.
"""

import functools
import io
import pickle

from django.utils.functional import Promise, _lazy_proxy_unpickle, lazy
from django_redis.serializers.pickle import PickleSerializer


@functools.cache
def _proxy_class(func, resultclasses: tuple):
    return lazy(func, *resultclasses)


def _lazy(func, args, kwargs, resultclasses):
    return _proxy_class(func, resultclasses)(*args, **kwargs)


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, Promise):
            unpickle, arguments = obj.__reduce__()[:2]
            # Only what lazy() itself makes; a lazy number (ngettext_lazy with a named number)
            # and any other promise keep their own way of being pickled.
            if unpickle is _lazy_proxy_unpickle:
                func, args, kwargs, *resultclasses = arguments
                return _lazy, (func, args, kwargs, tuple(resultclasses))
        return NotImplemented


class LazyStringPickleSerializer(PickleSerializer):
    def dumps(self, value) -> bytes:
        buffer = io.BytesIO()
        _Pickler(buffer, protocol=self._pickle_version).dump(value)
        return buffer.getvalue()
