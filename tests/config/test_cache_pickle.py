"""The shared cache's serializer (config.cache_pickle): a lazy translation read back is still
lazy and follows the reader's language, and reading it makes no new class each time."""

import pickle

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from config.cache_pickle import LazyStringPickleSerializer


def _serializer():
    return LazyStringPickleSerializer({})


def test_a_lazy_translation_comes_back_lazy_and_in_the_readers_language():
    kept = {"title": gettext_lazy("Summary"), "headers": [gettext_lazy("Active"), "Kode"]}
    data = _serializer().dumps(kept)
    back = _serializer().loads(data)
    assert isinstance(back["title"], Promise)
    with translation.override("id"):
        assert str(back["title"]) == "Ringkasan"
        assert [str(h) for h in back["headers"]] == ["Aktif", "Kode"]
    with translation.override("en"):
        assert str(back["title"]) == "Summary"


def test_reading_lazy_strings_makes_no_new_class_each_time():
    data = _serializer().dumps([gettext_lazy("Summary"), gettext_lazy("Active")])
    first, second = _serializer().loads(data), _serializer().loads(data)
    assert type(first[0]) is type(second[0]) is type(first[1])
    # Django's own pickle builds a class per string per load: what this serializer avoids.
    # (Trusted bytes made here: S301 is about untrusted ones.)
    plain = pickle.loads(pickle.dumps(gettext_lazy("Summary")))  # noqa: S301
    again = pickle.loads(pickle.dumps(gettext_lazy("Summary")))  # noqa: S301
    assert type(plain) is not type(again)


def test_values_an_older_release_wrote_still_load():
    old = pickle.dumps({"title": gettext_lazy("Summary"), "n": 3})  # Django's own pickle
    back = _serializer().loads(old)
    with translation.override("id"):
        assert str(back["title"]) == "Ringkasan" and back["n"] == 3


def test_other_promises_keep_their_own_pickling():
    """A lazy plural with a named number (what Django's length validators use) is not a
    lazy() proxy of the usual shape: it is pickled as Django pickles it, and reads back."""
    from django.utils.translation import ngettext_lazy

    plural = ngettext_lazy("%(limit)d item", "%(limit)d items", "limit")
    back = _serializer().loads(_serializer().dumps({"message": plural}))
    assert back["message"] % {"limit": 3} == "3 items"
