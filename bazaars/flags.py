"""What other apps know about a business that matters when staff choose a bazaar's
participants: the mentors' monthly reports say "wants a bazaar", for one.

bazaars knows no app above it, so such an app registers a `Flag` from its AppConfig.ready().
The fair selection (selectors.propose_participants) and the participation list in admin show
each flag a business carries, and the list offers a filter per flag.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Flag:
    key: str
    label: object  # a lazy translation: the column's words
    flagged: Callable[[Collection[int]], set[int]]  # of these business ids, the flagged ones
    business_ids: Callable[[], QuerySet]  # every flagged business's id (a subquery: filters)


_flags: dict[str, Flag] = {}


def register(flag: Flag) -> None:
    """Declare a flag (registering its key again replaces it)."""
    _flags[flag.key] = flag


def registered() -> list[Flag]:
    return [_flags[key] for key in sorted(_flags)]


def labels_for(business_ids: Collection[int]) -> dict[int, list[str]]:
    """Each business's flags, by label: one query per registered flag, whatever the rows."""
    labels: dict[int, list[str]] = {}
    ids = list(business_ids)
    if not ids:
        return labels
    for flag in registered():
        for pk in flag.flagged(ids):
            labels.setdefault(pk, []).append(str(flag.label))
    return labels
