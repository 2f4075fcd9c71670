"""The report's tables: one row generator per table, rendered by the dashboard template, the
XLSX, the CSV and the PDF alike (the pattern of pretix's ListExporter)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from config import formats
from exports.columns import CODE, DATE, INT, MONTH, PERCENT, RUPIAH, TEXT, YEAR, Column
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
    # What the table's figures count, in words, shown under it (DEFINITIONS).
    note: str = ""
    # For the summary only: the definition of each row's figure, by row key.
    notes: dict[str, str] = field(default_factory=dict)

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

    def cards(self) -> Iterator[tuple[str, object, object, str, str]]:
        """For the summary's figure cards: (row key, label, value, kind, definition)."""
        for r, (key, values) in enumerate(self.rows):
            yield key, values[0], values[1], self.kind(r, 1), self.notes.get(key, "")

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
            Column("cohort", _("Cohort (year)"), YEAR, 10),
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


# What each figure counts, in words: under the figure on the page and in its files (the module
# docstring of reports.selectors says the same). "{on}" is the reference day.
DEFINITIONS = {
    "active": _(
        "Businesses in the register on {on} (first mentored on or before it) whose status on "
        "that day was active, counted in the kelurahan they were in on that day."
    ),
    "new": _("Businesses first mentored from the period's first day to {on}, whatever status."),
    "target": _(
        "Each kecamatan's yearly target (18 unless set) pro-rated by days: a year's target "
        "times the share of that year's days in the period; a whole year gets its full target."
    ),
    "target_pct": _("New businesses as a percentage of the target."),
    "naik_kelas": _(
        "Businesses whose status changed into moved up (naik kelas) from the period's first "
        "day to {on}."
    ),
    "trainings": _(
        "Trainings starting in the period, held in the area (for the city also city-wide "
        "ones) or attended by its businesses."
    ),
    "trainees": _(
        "Distinct people (business owners) enrolled in those trainings for the area's businesses."
    ),
    "trainee_businesses": _("Distinct businesses of the area with an enrolment in them."),
    "enrolments": _("Enrolments in them: a person in two trainings counts twice."),
    "passed": _("Distinct people who passed at least one of them."),
    "sessions": _("Mentoring sessions dated from the period's first day to {on}."),
    "mentored": _("Distinct businesses with at least one such session."),
    "omzet": _(
        "Median monthly omzet of the mentored businesses: each business's average of the "
        "monthly omzet reported in its sessions, then the middle value over the businesses."
    ),
    "omzet_before": _("The same median for the same days a year earlier."),
    "omzet_change": _("Change of the median against a year earlier, in percent."),
}
TABLE_NOTES = {
    "wilayah": _(
        "Active on {on}, new in the period, its pro-rated target and moved up in the period, "
        "each business in the area of its kelurahan on {on}."
    ),
    "wilayah_program": _(
        "Trainees (people, businesses, enrolments, passed) of the trainings starting in the "
        "period; mentoring sessions to {on} and the median monthly omzet, against a year "
        "earlier."
    ),
    "peringkat": _("The city's kecamatan by new businesses against their target, highest first."),
    "tren": _(
        "Each calendar year's part of the period, counted on its own last day (or today): "
        "active on that day, new, moved up and the pro-rated target of that part."
    ),
    "sektor": _("Active businesses on {on} and new businesses in the period, by sector."),
    "skala": _("The same, by each business's scale on {on}."),
    "tahap": _("The same, by the highest 7P stage each business had reached on or before {on}."),
    "gender": _(
        "Distinct owners of active businesses on {on} and of new businesses, by gender. "
        "Counts only: no person is listed."
    ),
    "usia": _("The same owners by their age on {on}, from the birth date recorded. Counts only."),
    "omzet": _(
        "Per month: mentoring sessions, businesses mentored and their median monthly omzet."
    ),
    "pelatihan": _(
        "Trainees and passed count enrolments of the area's businesses in each training."
    ),
}


def _words(text, report: Report) -> str:
    return str(text).replace("{on}", formats.date_short(report.on))


def summary_rows(report: Report) -> list[tuple[str, str, object, str]]:
    """(key, label, value, kind) of every headline figure; extended by later sections."""
    t = report.total
    rows = [
        ("active", _("Active businesses"), t.active, INT),
        ("new", _("New businesses in the period"), t.new, INT),
        ("target", _("Target of new businesses (pro-rated)"), t.target, INT),
        ("target_pct", _("Target reached (%)"), t.target_pct, PERCENT),
        ("naik_kelas", _("Businesses moved up (naik kelas)"), t.naik_kelas, INT),
        ("trainings", _("Trainings held"), report.trainings_held, INT),
        ("trainees", _("Trainees (people)"), t.trainees, INT),
        ("trainee_businesses", _("Trainees (businesses)"), t.trainee_businesses, INT),
        ("enrolments", _("Training enrolments"), t.enrolments, INT),
        ("passed", _("Trainees passed (people)"), t.passed, INT),
        ("sessions", _("Mentoring sessions"), t.sessions, INT),
        ("mentored", _("Businesses mentored"), t.mentored, INT),
        ("omzet", _("Median monthly omzet of mentored businesses"), t.omzet, RUPIAH),
        ("omzet_before", _("Median monthly omzet a year earlier"), t.omzet_before, RUPIAH),
        ("omzet_change", _("Change of the median omzet (%)"), t.omzet_change, PERCENT),
    ]
    for key, label, value, kind in report.extra.get("summary", []):
        rows.append((key, label, value, kind))
    return rows


def definition_items(report: Report) -> list[tuple[str, str]]:
    """The list "How the figures are counted", as the dashboard and the PDF show it: (key,
    words) of the reference day, of every headline figure (key: its row in the summary) and of
    what the sections add."""
    day = _(
        "Every figure is counted on the reference day, %(day)s: the period's last day, or "
        "today while the period runs. A business counts for the kelurahan and kecamatan it "
        "was in on that day (one that moved is counted where it was), from the day it was "
        "first mentored; its status, scale and 7P stage are those of that day, from the "
        "register's dated history."
    ) % {"day": formats.date_short(report.on)}
    return [
        ("", day),
        *definitions(report).items(),
        *(("", str(text)) for text in report.extra.get("definitions", [])),
    ]


def definitions(report: Report) -> dict[str, str]:
    """Every figure's definition in words, with the report's reference day."""
    return {key: _words(text, report) for key, text in DEFINITIONS.items()}


def build_tables(report: Report) -> list[Table]:
    """Every table of the report, in the order of the dashboard and the XLSX sheets."""
    summary = summary_rows(report)
    is_city = report.scope.is_city
    area_label = _("Kecamatan") if is_city else _("Kelurahan")
    head = [Column("code", _("Code"), CODE, 14), Column("name", area_label, TEXT, 24)]
    area_columns = [*head, Column("active", _("Active"), INT), Column("new", _("New"), INT)]
    if is_city:
        area_columns += [
            Column("target", _("Target"), INT),
            Column("target_pct", _("Target reached (%)"), PERCENT),
        ]
    area_columns += [Column("naik_kelas", _("Naik kelas"), INT)]
    program_columns = [
        *head,
        Column("trainees", _("Trainees (people)"), INT),
        Column("trainee_businesses", _("Trainees (businesses)"), INT),
        Column("enrolments", _("Enrolments"), INT),
        Column("passed", _("Passed (people)"), INT),
        Column("sessions", _("Mentoring sessions"), INT),
        Column("mentored", _("Businesses mentored"), INT),
        Column("omzet", _("Median monthly omzet"), RUPIAH, 18),
        Column("omzet_before", _("A year earlier"), RUPIAH, 18),
        Column("omzet_change", _("Change (%)"), PERCENT),
    ]

    def values_of(row, columns):
        return tuple(getattr(row, c.key) for c in columns)

    total_row = selectors.AreaRow(**{**report.total.__dict__})
    total_row.name = str(_("Total"))

    def note(key):
        return _words(TABLE_NOTES.get(key, ""), report)

    counts = [Column("active", _("Active"), INT), Column("new", _("New"), INT)]
    owners = [
        Column("active", _("Owners of active businesses"), INT),
        Column("new", _("Owners of new businesses"), INT),
    ]

    def breakdown(key, title, label, rows, columns=counts):
        return Table(
            key,
            title,
            [Column("label", label, TEXT, 26), *columns],
            [(r.key, (r.label, r.active, r.new)) for r in rows],
            note=note(key),
        )

    tables = [
        Table(
            "ringkasan",
            _("Summary"),
            [Column("figure", _("Figure"), TEXT, 44), Column("value", _("Value"), INT, 18)],
            [(key, (label, value)) for key, label, value, _kind in summary],
            row_kinds=[kind for *_rest, kind in summary],
            notes=definitions(report),
        ),
        Table(
            "wilayah",
            _("Per kecamatan") if is_city else _("Per kelurahan"),
            area_columns,
            [(a.code, values_of(a, area_columns)) for a in report.areas]
            + [("total", values_of(total_row, area_columns))],
            note=note("wilayah"),
        ),
        Table(
            "wilayah_program",
            _("Trainings and mentoring per kecamatan")
            if is_city
            else _("Trainings and mentoring per kelurahan"),
            program_columns,
            [(a.code, values_of(a, program_columns)) for a in report.areas]
            + [("total", values_of(total_row, program_columns))],
            note=note("wilayah_program"),
        ),
    ]
    if is_city:
        tables.append(
            Table(
                "peringkat",
                _("Kecamatan ranked by progress to target"),
                [
                    Column("rank", _("Rank"), INT, 8),
                    *head,
                    Column("new", _("New"), INT),
                    Column("target", _("Target"), INT),
                    Column("target_pct", _("Target reached (%)"), PERCENT),
                ],
                [
                    (a.code, (i, a.code, a.name, a.new, a.target, a.target_pct))
                    for i, a in enumerate(report.ranking, start=1)
                ],
                note=note("peringkat"),
            )
        )
    if report.trend:
        tables.append(
            Table(
                "tren",
                _("Year by year"),
                [
                    Column("year", _("Year"), CODE, 8),
                    Column("on", _("Counted on"), DATE, 12),
                    Column("active", _("Active"), INT),
                    Column("new", _("New"), INT),
                    Column("target", _("Target"), INT),
                    Column("target_pct", _("Target reached (%)"), PERCENT),
                    Column("naik_kelas", _("Naik kelas"), INT),
                ],
                [
                    (
                        str(y.year),
                        (str(y.year), y.on, y.active, y.new, y.target, y.target_pct, y.naik_kelas),
                    )
                    for y in report.trend
                ],
                note=note("tren"),
            )
        )
    tables += [
        breakdown("sektor", _("By sector"), _("Sector"), report.sectors),
        breakdown("skala", _("By scale"), _("Scale"), report.scales),
        breakdown("tahap", _("By 7P stage on the reference day"), _("7P stage"), report.stages),
        breakdown("gender", _("Owners by gender"), _("Gender"), report.genders, owners),
        breakdown("usia", _("Owners by age group"), _("Age group"), report.ages, owners),
        Table(
            "omzet",
            _("Mentoring and omzet per month"),
            [
                Column("month", _("Month"), MONTH, 14),
                Column("sessions", _("Mentoring sessions"), INT),
                Column("mentored", _("Businesses mentored"), INT),
                Column("omzet", _("Median monthly omzet"), RUPIAH, 18),
            ],
            [
                (m.month.strftime("%Y-%m"), (m.month, m.sessions, m.mentored, m.omzet))
                for m in report.months
            ],
            note=note("omzet"),
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
            note=note("pelatihan"),
        ),
    ]
    tables.extend(report.extra.get("tables", []))
    return tables
