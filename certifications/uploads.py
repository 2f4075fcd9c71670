"""Checking an uploaded document by its content, never by its name or the browser's claim.

Accepted: PDF, JPEG and PNG up to 5 MB. The type is read from the file's first bytes (the
`filetype` package's magic numbers); an image must then open and verify with Pillow, a PDF must
start with "%PDF-" and end with "%%EOF" (within its last 2 KB, as trailing whitespace or a
linearised tail allows). A PNG uploaded as "x.pdf" is accepted as the PNG it is and stored with
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


def _check_pdf(upload, size: int) -> None:
    upload.seek(0)
    if not upload.read(5) == b"%PDF-":
        raise ValidationError({"file": _("The PDF file is damaged.")}, code="bad_pdf")
    upload.seek(max(0, size - 2048))
    if b"%%EOF" not in upload.read():
        raise ValidationError(
            {"file": _("The PDF file is incomplete or damaged (no end marker).")},
            code="bad_pdf",
        )


def _check_image(upload, content_type: str) -> None:
    from PIL import Image

    expected = {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except Exception as exc:  # Pillow raises many kinds for a broken image
        raise ValidationError(
            {"file": _("The image file is damaged or not a real image.")}, code="bad_image"
        ) from exc
    if image_format != expected:
        raise ValidationError(
            {"file": _("The image file is damaged or not a real image.")}, code="bad_image"
        )
