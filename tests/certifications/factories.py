"""Helpers for certificate tests: types by code, cases through the services, real files."""

import datetime
import functools
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from certifications import services
from certifications.models import CertificateType
from config.actors import SYSTEM

VALID_NUMBERS = {
    "halal": "ID31110000123450623",
    "pirt": "206317301000128",
    "bpom-md": "MD224509001234",
    "bpom-kosmetik": "NA18230100123",
    "nib": "9120001234567",
    "merek": "IDM000987654",
}


def cert_type(code: str) -> CertificateType:
    return CertificateType.objects.get(code=code)


def open_case(business, code: str = "pirt", *, product: str = "", actor=SYSTEM, **kwargs):
    cert = cert_type(code)
    if cert.per_product and not product:
        product = "Keripik singkong"
    return services.case_open(
        actor=actor, business=business, cert_type=cert, product=product, **kwargs
    )


def submitted_case(business, code: str = "pirt", **kwargs):
    case = open_case(business, code, **kwargs)
    services.case_transition(actor=SYSTEM, case=case, to_status="referred")
    services.case_transition(actor=SYSTEM, case=case, to_status="submitted")
    return case


def issued_case(business, code: str = "pirt", *, number=None, issued_on=None, **kwargs):
    """An issued certificate recorded directly (as the business already holds it)."""
    cert = cert_type(code)
    if cert.per_product and "product" not in kwargs:
        kwargs["product"] = "Keripik singkong"
    return services.case_record_issued(
        actor=SYSTEM,
        business=business,
        cert_type=cert,
        number=number or VALID_NUMBERS[code],
        issued_on=issued_on or datetime.date(2023, 3, 15),
        **kwargs,
    )


@functools.cache
def pdf_bytes() -> bytes:
    """A real one-page PDF (documents are parsed with pypdf), the same bytes on every call."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 200, 30)).save(out, format="JPEG")
    return out.getvalue()


def elf_bytes() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + struct.pack("<HH", 2, 62) + b"\x00" * 200


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 300


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def broken_png_bytes() -> bytes:
    # A PNG signature and header chunk, then garbage: the magic bytes lie.
    header = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR"
    body = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return header + body + struct.pack(">I", zlib.crc32(b"IHDR" + body)) + b"garbage" * 20
