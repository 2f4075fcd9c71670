"""Every export of the portal, in one list.

Each app's `exports` module registers what it writes: a name, the URL names and admin actions
that serve it (so that tests/exports/test_every_export.py can tell an unregistered export from a
registered one), and a `produce(user=..., business=...)` callable that writes the files in which
that business appears. The test feeds each export a business named like a formula and opens
every file; a new export is covered as soon as it registers, and fails the test until it does.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Export:
    name: str
    routes: tuple[str, ...]  # "app:url_name" of its URLs, "admin-action:app.model.action"
    produce: Callable[..., Iterable[ExportFile]]


_EXPORTS: dict[str, Export] = {}


def register(name: str, *, routes: Iterable[str]):
    """Decorator for the `produce(*, user, business)` callable of an export."""

    def decorate(produce):
        _EXPORTS[name] = Export(name, tuple(routes), produce)
        return produce

    return decorate


def all_exports() -> list[Export]:
    autodiscover_modules("exports")
    return sorted(_EXPORTS.values(), key=lambda e: e.name)


def admin_action_route(model, action_name: str) -> str:
    return f"admin-action:{model._meta.label_lower}.{action_name}"


def content_bytes(content) -> bytes:
    """A file's content, whether written at once or streamed (str or bytes chunks)."""
    if isinstance(content, bytes):
        return content
    return b"".join(c.encode() if isinstance(c, str) else c for c in content)
