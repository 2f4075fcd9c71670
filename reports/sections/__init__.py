"""The report's sections from the apps built on the register: bazaars and certificates.

Every figure is counted on the period's *reference day* D (its last day, never after today:
reports.asof.reference_day) and each business counts for the area (kelurahan, kecamatan) it
was in on D, as the register's dated states say (reports.asof.register_on_sql): a business
that moved is counted where it was.

Bazaars: reports.sections.bazaars; certificates: reports.sections.certificates (each
module's docstring holds its definitions).
"""

from reports.sections.bazaars import add_bazaars, held_bazaars
from reports.sections.certificates import add_certificates, certificate_counts, certificate_sql

__all__ = [
    "add_bazaars",
    "add_certificates",
    "add_sections",
    "certificate_counts",
    "certificate_sql",
    "held_bazaars",
]


def add_sections(report) -> None:
    """Add the bazaar and certificate sections (their apps are part of the project)."""
    add_bazaars(report)
    add_certificates(report)
