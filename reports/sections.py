"""Report sections of the apps built on the register (bazaars, certificates): each adds its
headline figures to the summary and its tables to the report (report.extra)."""


def add_sections(report) -> None:
    """Add the bazaar and certificate sections where those apps are installed and ready."""
