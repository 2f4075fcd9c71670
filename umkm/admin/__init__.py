"""Django admin of the register, where Sudin staff and kecamatan operators work every day.

Thin on purpose: every queryset, form choice and autocomplete goes through umkm.permissions,
every write through umkm.services. What is here is presentation and speed at DKI scale:
an estimated/capped count instead of COUNT(*) over 370,000 rows, `list_select_related` limited
to the columns shown, and searches that hit the trigram indexes without OR across a join.
One module per subject; importing them registers their ModelAdmins.
"""

from umkm.admin import areas, businesses, owners, staff, trainings  # noqa: F401
from umkm.admin.base import (
    ReadOnlyAdmin,
    ScopedAdmin,
    ScopedStackedInline,
    ScopedTabularInline,
    scope_foreignkey,
)

__all__ = [
    "ReadOnlyAdmin",
    "ScopedAdmin",
    "ScopedStackedInline",
    "ScopedTabularInline",
    "scope_foreignkey",
]
