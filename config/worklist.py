"""The staff desk's worklist: what waits for the signed-in member of staff, as counts that link
to the filtered lists where the work is done (the admin's first page).

Each app declares its own items in `<app>/worklist.py` with `@register`: a function of the
user that yields `Entry` rows, scoped by the app's own permissions module (an operator counts
only their kecamatan's rows). The home knows no app: a new app (mentors, owners) adds a module
and its queue joins the list. Modules are found by `autodiscover_modules("worklist")`.

A provider yields nothing for a user who may not see its rows, and an entry of 0 is left off
(the desk lists what waits, not every table). Each count is one query.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Entry:
    label: str  # what waits, in the user's language ("Lamaran menunggu keputusan: Bazar X")
    count: int
    url: str  # the filtered list (or page) where it is done
    urgent: bool = False  # overdue: shown first, marked


@dataclass(frozen=True)
class Section:
    title: str
    entries: list[Entry]


@dataclass(frozen=True)
class _Provider:
    key: str
    title: object  # a lazy translation
    order: int
    entries: Callable[..., Iterable[Entry]]


_providers: dict[str, _Provider] = {}
_discovered = False


def register(key: str, *, title, order: int = 100):
    """Declare a worklist section: `@register("bazaars.applications", title=_("..."))` on a
    function `(user) -> Iterable[Entry]`. Registering a key again replaces it (module reloads)."""

    def decorator(function):
        _providers[key] = _Provider(key, title, order, function)
        return function

    return decorator


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("worklist")
        _discovered = True


def sections_for(user) -> list[Section]:
    """The user's worklist, section by section (sections with nothing waiting are left off)."""
    _discover()
    sections = []
    for provider in sorted(_providers.values(), key=lambda p: (p.order, p.key)):
        entries = [e for e in provider.entries(user) if e.count]
        if entries:
            entries.sort(key=lambda e: not e.urgent)  # overdue first, else as declared
            sections.append(Section(str(provider.title), entries))
    return sections


def registered_keys() -> list[str]:
    _discover()
    return sorted(_providers)
