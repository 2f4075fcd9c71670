"""Reads for bazaars, one module per subject; `bazaars.selectors` is their one address."""

from bazaars.selectors.directory import DirectoryFilters, public_directory
from bazaars.selectors.public import (
    FIRST_YEAR,
    KECAMATAN_CODE,
    PER_PAGE,
    Card,
    Page,
    ScheduleFilters,
    SectorGroup,
    ical_bazaars,
    public_bazaar,
    public_business,
    public_schedule,
    whatsapp_contact_url,
    whatsapp_share_url,
)
from bazaars.selectors.selection import (
    Proposal,
    propose_participants,
)
from bazaars.selectors.staff import (
    participant_rows,
    permissions_filter,
)

__all__ = [
    "FIRST_YEAR",
    "KECAMATAN_CODE",
    "PER_PAGE",
    "Card",
    "DirectoryFilters",
    "Page",
    "Proposal",
    "ScheduleFilters",
    "SectorGroup",
    "ical_bazaars",
    "participant_rows",
    "permissions_filter",
    "propose_participants",
    "public_bazaar",
    "public_business",
    "public_directory",
    "public_schedule",
    "whatsapp_contact_url",
    "whatsapp_share_url",
]
