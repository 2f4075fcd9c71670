"""System checks of the printed reports' settings: `manage.py check` warns when the PDF would
go out with "belum diisi" in its signature block, or without the letterhead it was given."""

import re
from pathlib import Path

from django.conf import settings
from django.core import checks

from reports.pdf import LOGO_SUFFIXES, font_paths


@checks.register("reports")
def office_settings(app_configs=None, **kwargs):
    found = []
    if not settings.OFFICE_HEAD_NAME.strip():
        found.append(
            checks.Warning(
                "OFFICE_HEAD_NAME is not set: the signature block of every PDF report prints "
                '"belum diisi" instead of the name of the head of the office.',
                hint="Set OFFICE_HEAD_NAME (and OFFICE_HEAD_NIP) in the environment.",
                id="reports.W001",
            )
        )
    nip = settings.OFFICE_HEAD_NIP.strip()
    if not nip:
        found.append(
            checks.Warning(
                'OFFICE_HEAD_NIP is not set: the PDF reports print "NIP belum diisi".',
                hint="Set OFFICE_HEAD_NIP to the head's 18-digit NIP.",
                id="reports.W002",
            )
        )
    elif not re.fullmatch(r"\d{18}", nip.replace(" ", "")):
        found.append(
            checks.Warning(
                f"OFFICE_HEAD_NIP {nip!r} is not an 18-digit NIP.",
                hint="A civil servant's NIP has 18 digits (birth date, appointment, serial).",
                id="reports.W003",
            )
        )
    logo = settings.OFFICE_LOGO.strip()
    if logo:
        path = Path(logo)
        if path.suffix.lower() not in LOGO_SUFFIXES:
            problem = "is not a PNG or JPEG file"
        elif not path.is_file():
            problem = "does not exist"
        else:
            try:
                path.open("rb").close()
                problem = ""
            except OSError:
                problem = "cannot be read"
        if problem:
            found.append(
                checks.Warning(
                    f"OFFICE_LOGO {logo!r} {problem}: the PDF reports are printed without a logo.",
                    hint="Give the absolute path of a PNG or JPEG file, or leave it empty.",
                    id="reports.W004",
                )
            )
    if not settings.OFFICE_ADDRESS.strip():
        found.append(
            checks.Warning(
                "OFFICE_ADDRESS is not set: the letterhead of the PDF reports has no address.",
                hint="Set OFFICE_ADDRESS to the office's postal address (one line).",
                id="reports.W005",
            )
        )
    missing = [str(path) for path in font_paths().values() if not path.is_file()]
    if missing:
        found.append(
            checks.Error(
                f"The PDF reports' font is missing: {', '.join(missing)}.",
                hint="Install Debian's fonts-dejavu-core, or set PDF_FONT_DIR to a folder "
                "holding DejaVu Sans (regular, bold, oblique, bold oblique).",
                id="reports.E001",
            )
        )
    return found
