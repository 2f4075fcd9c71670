"""The report's tables: one row generator per table, rendered by the dashboard template, the
XLSX, the CSV and the PDF alike (the pattern of pretix's ListExporter)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from exports.columns import CODE, DATE, INT, MONTH, PERCENT, RUPIAH, TEXT, Column
from reports import selectors
from reports.selectors import Period, Report, Scope

__all__ = ["CODE", "DATE", "INT", "MONTH", "PERCENT", "RUPIAH", "TEXT", "Column"]


@dataclass
class Table:
    """`rows` are (row key, values) pairs; the key names the row in the dashboard's cells."""

    key: str
    title: str
    columns: list[Column]
    rows: list[tuple[str, tuple]] = field(default_factory=list)
    # For the summary only: the kind of each row's value (rupiah, percent, ...).
    row_kinds: list[str] | None = None
    # How the figures are counted, shown under the table.
    note: str = ""

    def kind(self, row_index: int, column_index: int) -> str:
        if self.row_kinds is not None and column_index == 1:
            return self.row_kinds[row_index]
        return self.columns[column_index].kind

    def headers(self) -> list[str]:
        return [str(c.header) for c in self.columns]

    def values(self) -> Iterator[tuple]:
        """The raw values: the export layer makes each cell safe as it writes it."""
        for _key, values in self.rows:
            yield values

    def row_kinds_at(self, row_index: int) -> list[str]:
        return [self.kind(row_index, c) for c in range(len(self.columns))]

    def display_rows(self) -> Iterator[tuple[str, list[tuple[str, object, str]]]]:
        """For templates: (row key, [(column key, value, kind), ...])."""
        for r, (key, values) in enumerate(self.rows):
            yield key, [(self.columns[c].key, v, self.kind(r, c)) for c, v in enumerate(values)]


@dataclass
class QueryTable:
    """A long list (businesses, certificate cases): never held in memory, streamed from one
    values_list queryset whose text columns are formula-safe in SQL (exports.sql). The XLSX iterates
    it; the CSV hands its SQL to Postgres' COPY."""

    scope: Scope
    period: Period
    key: str = ""
    title: str = ""
    columns: list[Column] = field(default_factory=list)

    def queryset(self):
        raise NotImplementedError

    def kind(self, row_index: int, column_index: int) -> str:
        return self.columns[column_index].kind

    def headers(self) -> list[str]:
        return [str(c.header) for c in self.columns]

    def values(self) -> Iterable[tuple]:
        return self.queryset().iterator(chunk_size=5000)


@dataclass
class BusinessTable(QueryTable):
    key: str = "umkm"
    title: str = _("Businesses")
    columns: list[Column] = field(
        default_factory=lambda: [
            Column("name", _("Business name"), TEXT, 36),
            Column("sector", _("Sector"), TEXT, 18),
            Column("kelurahan", _("Kelurahan"), TEXT, 20),
            Column("kecamatan", _("Kecamatan"), TEXT, 20),
            Column("scale", _("Scale"), TEXT, 12),
            Column("status", _("Status"), TEXT, 14),
            Column("stage", _("7P stage"), TEXT, 18),
            Column("cohort", _("Cohort (year)"), INT, 10),
            Column("binaan_since", _("Mentored since"), DATE, 14),
            Column("nib", _("NIB"), CODE, 16),
        ]
    )

    def queryset(self):
        return selectors.business_rows(self.scope, self.period)


@dataclass
class CertificateCaseTable(QueryTable):
    key: str = "sertifikat_kasus"
    title: str = _("Certificate cases")
    columns: list[Column] = field(
        default_factory=lambda: [
            Column("business", _("Business name"), TEXT, 36),
            Column("kelurahan", _("Kelurahan"), TEXT, 20),
            Column("kecamatan", _("Kecamatan"), TEXT, 20),
            Column("type", _("Certificate"), TEXT, 24),
            Column("product", _("Product"), TEXT, 24),
            Column("status", _("Status"), TEXT, 18),
            Column("number", _("Certificate number"), CODE, 22),
            Column("issued_on", _("Issued on"), DATE, 12),
            Column("expires_on", _("Expires on"), DATE, 12),
        ]
    )

    def queryset(self):
        return selectors.certificate_case_rows(self.scope, self.period)


def long_tables(scope: Scope, period: Period) -> list[QueryTable]:
    return [BusinessTable(scope, period), CertificateCaseTable(scope, period)]


def summary_rows(report: Report) -> list[tuple[str, str, object, str]]:
    """(key, label, value, kind) of every headline figure; extended by later sections."""
    t = report.total
    rows = [
        ("active", _("Active businesses"), t.active, INT),
        ("new", _("New businesses in the period"), t.new, INT),
        ("target", _("Target of new businesses"), t.target, INT),
        ("target_pct", _("Target reached (%)"), t.target_pct, PERCENT),
        ("naik_kelas", _("Businesses moved up (naik kelas)"), t.naik_kelas, INT),
        ("trainings", _("Trainings held"), report.trainings_held, INT),
        ("trainees", _("Trainees"), t.trainees, INT),
        ("passed", _("Trainees passed"), t.passed, INT),
        ("sessions", _("Mentoring sessions"), t.sessions, INT),
        ("mentored", _("Businesses mentored"), t.mentored, INT),
        ("omzet", _("Monthly omzet reported (sum)"), t.omzet, RUPIAH),
    ]
    for key, label, value, kind in report.extra.get("summary", []):
        rows.append((key, label, value, kind))
    return rows


def build_tables(report: Report) -> list[Table]:
    """Every table of the report, in the order of the dashboard and the XLSX sheets."""
    summary = summary_rows(report)
    area_label = _("Kecamatan") if report.scope.is_city else _("Kelurahan")
    area_columns = [
        Column("code", _("Code"), CODE, 14),
        Column("name", area_label, TEXT, 24),
        Column("active", _("Active"), INT),
        Column("new", _("New"), INT),
    ]
    if report.scope.is_city:
        area_columns += [
            Column("target", _("Target"), INT),
            Column("target_pct", _("Target reached (%)"), PERCENT),
        ]
    area_columns += [
        Column("naik_kelas", _("Naik kelas"), INT),
        Column("trainees", _("Trainees"), INT),
        Column("passed", _("Passed"), INT),
        Column("sessions", _("Mentoring sessions"), INT),
        Column("mentored", _("Businesses mentored"), INT),
        Column("omzet", _("Omzet reported"), RUPIAH, 18),
    ]
    area_keys = [c.key for c in area_columns]

    def area_values(row):
        return tuple(getattr(row, k) for k in area_keys)

    total_row = selectors.AreaRow(**{**report.total.__dict__})
    total_row.name = str(_("Total"))
    counts = [Column("active", _("Active"), INT), Column("new", _("New"), INT)]
    tables = [
        Table(
            "ringkasan",
            _("Summary"),
            [Column("figure", _("Figure"), TEXT, 44), Column("value", _("Value"), INT, 18)],
            [(key, (label, value)) for key, label, value, _kind in summary],
            row_kinds=[kind for *_rest, kind in summary],
        ),
        Table(
            "wilayah",
            _("Per kecamatan") if report.scope.is_city else _("Per kelurahan"),
            area_columns,
            [(a.code, area_values(a)) for a in report.areas] + [("total", area_values(total_row))],
        ),
        Table(
            "sektor",
            _("By sector"),
            [Column("label", _("Sector"), TEXT, 26), *counts],
            [(r.key, (r.label, r.active, r.new)) for r in report.sectors],
        ),
        Table(
            "skala",
            _("By scale"),
            [Column("label", _("Scale"), TEXT, 26), *counts],
            [(r.key, (r.label, r.active, r.new)) for r in report.scales],
        ),
        Table(
            "tahap",
            _("By current 7P stage"),
            [Column("label", _("7P stage"), TEXT, 26), *counts],
            [(r.key, (r.label, r.active, r.new)) for r in report.stages],
        ),
        Table(
            "omzet",
            _("Mentoring and omzet per month"),
            [
                Column("month", _("Month"), MONTH, 14),
                Column("sessions", _("Mentoring sessions"), INT),
                Column("mentored", _("Businesses mentored"), INT),
                Column("omzet", _("Omzet reported"), RUPIAH, 18),
            ],
            [
                (m.month.strftime("%Y-%m"), (m.month, m.sessions, m.mentored, m.omzet))
                for m in report.months
            ],
        ),
        Table(
            "pelatihan",
            _("Trainings"),
            [
                Column("title", _("Title"), TEXT, 36),
                Column("topic", _("Topic"), TEXT, 24),
                Column("organiser", _("Organiser"), TEXT, 24),
                Column("start_date", _("Start"), DATE, 12),
                Column("end_date", _("End"), DATE, 12),
                Column("place", _("Place"), TEXT, 24),
                Column("kecamatan", _("Held in"), TEXT, 20),
                Column("capacity", _("Capacity"), INT),
                Column("trainees", _("Trainees"), INT),
                Column("passed", _("Passed"), INT),
            ],
            [
                (
                    str(t.id),
                    (
                        t.title,
                        t.topic,
                        t.organiser,
                        t.start_date,
                        t.end_date,
                        t.place,
                        t.kecamatan,
                        t.capacity,
                        t.trainees,
                        t.passed,
                    ),
                )
                for t in report.trainings
            ],
        ),
    ]
    tables.extend(report.extra.get("tables", []))
    return tables
