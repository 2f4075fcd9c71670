"""Checking an uploaded document by its content, never by its name or the browser's claim.

Accepted: PDF, JPEG and PNG up to 5 MB. The type is read from the file's first bytes (the
`filetype` package's magic numbers); then the file is parsed, not just sniffed: an image must
be within the pixel cap of config/images.py and decode whole with Pillow; a PDF must start
with "%PDF-", end with "%%EOF" (within its last 2 KB, as trailing whitespace or a linearised
tail allows), and open with pypdf: its page tree read, 1 to 200 pages, no password.
A PNG uploaded as "x.pdf" is accepted as the PNG it is and stored with
".png"; text or an executable is refused whatever it is called.
"""

from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int


def check_document(upload) -> CheckedUpload:
    """Raise ValidationError (in Indonesian, naming the field "file") unless acceptable."""
    size = upload.size
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s: larger than 5 MB, the most a document may be.")
                % {"size": filesizeformat(size)}
            },
            code="too_large",
        )
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")}, code="empty")
    upload.seek(0)
    head = upload.read(262)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else None
    if content_type not in ALLOWED:
        raise ValidationError(
            {
                "file": _(
                    "Only PDF, JPEG or PNG documents are accepted; the content of this file "
                    "is not one of them (whatever its name says)."
                )
            },
            code="bad_type",
        )
    if content_type == "application/pdf":
        _check_pdf(upload, size)
    else:
        _check_image(upload, content_type)
    upload.seek(0)
    return CheckedUpload(content_type=content_type, extension=ALLOWED[content_type], size=size)


MAX_PDF_PAGES = 200  # a certificate or an application is a few pages


def _check_pdf(upload, size: int) -> None:
    """Magic bytes and end marker first (cheap), then parsed by pypdf: its cross-reference
    table and page tree must read, it must have 1 to MAX_PDF_PAGES pages and no password."""
    from pypdf import PdfReader

    upload.seek(0)
    if not upload.read(5) == b"%PDF-":
        raise ValidationError({"file": _("The PDF file is damaged.")}, code="bad_pdf")
    upload.seek(max(0, size - 2048))
    if b"%%EOF" not in upload.read():
        raise ValidationError(
            {"file": _("The PDF file is incomplete or damaged (no end marker).")},
            code="bad_pdf",
        )
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
        if pages:
            reader.pages[0].mediabox  # noqa: B018 - the first page's object must parse
    except Exception as exc:  # pypdf raises many kinds for a broken file
        raise ValidationError({"file": _("The PDF file is damaged.")}, code="bad_pdf") from exc
    if encrypted:
        raise ValidationError(
            {"file": _("The PDF file is protected by a password; upload it without one.")},
            code="encrypted_pdf",
        )
    if not 1 <= pages <= MAX_PDF_PAGES:
        raise ValidationError(
            {
                "file": _("A document may have 1 to %(limit)s pages; this PDF has %(pages)s.")
                % {"limit": MAX_PDF_PAGES, "pages": pages}
            },
            code="pdf_pages",
        )


def _check_image(upload, content_type: str) -> None:
    """Within the public images' pixel cap (config/images.py, read from the header before
    decoding), of the type its bytes said, and decoded whole by Pillow."""
    from PIL import Image

    from config.images import open_checked

    expected = {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
    damaged = ValidationError(
        {"file": _("The image file is damaged or not a real image.")}, code="bad_image"
    )
    image = open_checked(upload, max_bytes=MAX_DOCUMENT_BYTES, field="file")
    if image.format not in {expected, "MPO" if expected == "JPEG" else expected}:
        raise damaged
    try:
        image.verify()
        upload.seek(0)
        with Image.open(upload) as decoded:
            decoded.load()
    except Exception as exc:  # Pillow raises many kinds for a broken image
        raise damaged from exc
