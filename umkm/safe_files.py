"""Uploaded spreadsheets are hostile until proven otherwise.

An XLSX is a zip of XML files. openpyxl parses the XML with defusedxml when it is installed
(it is: entity-expansion "billion laughs" bombs are refused); a zip bomb — a few kilobytes that
inflate to gigabytes — is refused here, from the zip's central directory alone, before anything
is unpacked.
"""

import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # a 10,000-row trainee sheet is a few MB
MAX_COMPRESSION_RATIO = 100
MAX_MEMBERS = 1000


def check_xlsx_archive(fileobj) -> None:
    """Raise ValidationError unless `fileobj` is a zip whose declared sizes are sane."""
    position = fileobj.tell() if hasattr(fileobj, "tell") else 0
    try:
        try:
            archive = zipfile.ZipFile(fileobj)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ValidationError(
                _("The file is not a valid XLSX spreadsheet."), code="not_xlsx"
            ) from exc
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ValidationError(_("The spreadsheet has too many parts to be read safely."))
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > MAX_COMPRESSION_RATIO or total > MAX_UNCOMPRESSED_BYTES:
                raise ValidationError(
                    _("The spreadsheet unpacks to far more data than it holds; it was refused.")
                )
        if "[Content_Types].xml" not in archive.namelist():
            raise ValidationError(_("The file is not a valid XLSX spreadsheet."), code="not_xlsx")
    finally:
        if hasattr(fileobj, "seek"):
            fileobj.seek(position)
