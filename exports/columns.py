"""Column specs: the one place an export's headers, cell kinds and widths are written."""

from dataclasses import dataclass

# Kinds of cell. They decide the format in XLSX and on screen; CODE is for identity numbers and
# codes (NIK, NIB, PIRT, phone, kode wilayah), which are always text; YEAR is a number written
# without thousands separators (a cohort year is 2019, never 2.019).
TEXT = "text"
CODE = "code"
INT = "int"
YEAR = "year"
RUPIAH = "rupiah"
PERCENT = "percent"
DATE = "date"
DATETIME = "datetime"
MONTH = "month"
KINDS = (TEXT, CODE, INT, YEAR, RUPIAH, PERCENT, DATE, DATETIME, MONTH)


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # a gettext_lazy string: translated when the file is written
    kind: str = TEXT
    width: int = 14

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


def headers(columns) -> list[str]:
    return [str(c.header) for c in columns]
