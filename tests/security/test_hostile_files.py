import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from umkm.safe_files import check_xlsx_archive


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    wb = Workbook()
    wb.active.append(["NIK", "Nama lengkap"])
    wb.save(buffer)
    return buffer.getvalue()


def _zip_bomb(size: int = 512 * 1024**2) -> io.BytesIO:
    """A valid-looking XLSX whose sheet inflates to `size` bytes of zeros (about 0.5 MB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (16 * 1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    buffer.seek(0)
    return buffer


def test_a_real_xlsx_passes():
    check_xlsx_archive(io.BytesIO(_xlsx_bytes()))


@pytest.fixture(scope="module")
def bomb():
    return _zip_bomb()


def test_zip_bomb_is_refused_quickly_without_unpacking(bomb):
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="jauh lebih besar"):
        check_xlsx_archive(bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2
    assert peak < 5 * 1024 * 1024


@pytest.mark.parametrize(
    "payload", [b"", b"MZ\x90\x00not a zip", b"%PDF-1.7\n", b"NIK;Nama\n317302...;Budi\n"]
)
def test_non_xlsx_bytes_are_refused_with_a_clear_message(payload):
    with pytest.raises(ValidationError, match="bukan spreadsheet XLSX"):
        check_xlsx_archive(io.BytesIO(payload))


def test_openpyxl_refuses_xml_entity_bombs():
    """defusedxml is installed, so openpyxl refuses a 'billion laughs' document."""
    import openpyxl
    from defusedxml.common import DefusedXmlException

    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;</workbook>'
    )
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = laughs.encode()
            target.writestr(item, data)
    buffer.seek(0)
    assert openpyxl.DEFUSEDXML
    with pytest.raises(ValueError) as refused:
        openpyxl.load_workbook(buffer, read_only=True)
    assert isinstance(refused.value.__cause__ or refused.value.__context__, DefusedXmlException)
