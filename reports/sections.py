"""The report's sections from the apps built on the register: bazaars and certificates.

Definitions (also on the dashboard):
- *bazaars held*: published bazaars whose first day falls in the period, held in the area
  (venue's kelurahan) or with an accepted participant from it; *participants*: the area's
  accepted participations in them; *attended*: those checked in at least one day; *omzet*: the
  daily sales they recorded; *per participant*: omzet / participants;
- *never in a bazaar*: active businesses of the area (mentored by the period's end) without an
  accepted participation in any published bazaar starting on or before the period's end;
- certificates, per type, of the area's active businesses: *issued in the period* (cases with
  an issue date in the period), and on the reference day (the period's end, or today when that
  is later): *valid*, *in process* (referred or submitted, nothing valid), *expiring* within
  30 days, *missing* (neither valid nor in process), as certifications.selectors counts them.
"""

import datetime
from dataclasses import dataclass

from django.db import connections
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.routers import read_alias
from reports.selectors import Period, Report, Scope, percent
from reports.tables import CODE, DATE, INT, PERCENT, RUPIAH, TEXT, Column, Table
from umkm.models import Business, BusinessStatus


@dataclass
class BazaarAreaRow:
    code: str
    name: str
    participants: int = 0
    attended: int = 0
    omzet: int = 0
    never: int = 0

    @property
    def per_participant(self) -> int | None:
        return self.omzet // self.participants if self.participants else None


def _fetch(sql: str, params: dict) -> list[tuple]:
    # Raw SQL does not pass the database router: ask it which database a report read uses
    # (the replica inside config.routers.report_reads(), when configured).
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in_scope(scope: Scope) -> str:
    return (
        "b.kelurahan_id LIKE %(prefix)s" if scope.is_city else "b.kelurahan_id = ANY(%(kelurahan)s)"
    )


def _params(report: Report) -> dict:
    period = report.period
    return {
        "n": report.scope.area_code_length,
        "prefix": report.scope.prefix + "%",
        "kelurahan": [a.code for a in report.areas],
        "start": period.start,
        "end": period.end,
        "active": BusinessStatus.AKTIF,
    }


# --- Bazaars -------------------------------------------------------------------------------

_PARTICIPANTS_SQL = """
SELECT GROUPING(area, bazaar_id) AS g, area, bazaar_id, count(*) AS participants,
       count(*) FILTER (WHERE attended) AS attended, coalesce(sum(omzet), 0) AS omzet
FROM (SELECT left(b.kelurahan_id, %(n)s) AS area, p.bazaar_id,
             EXISTS (SELECT 1 FROM {attendance} a WHERE a.participation_id = p.id) AS attended,
             (SELECT sum(s.omzet) FROM {sales} s WHERE s.participation_id = p.id) AS omzet
      FROM {participation} p JOIN {business} b ON b.id = p.business_id
      WHERE p.bazaar_id = ANY(%(bazaars)s) AND p.status = %(accepted)s AND {in_scope}) x
GROUP BY GROUPING SETS ((area), (bazaar_id))
"""

_NEVER_SQL = """
SELECT left(b.kelurahan_id, %(n)s) AS area, count(*)
FROM {business} b
WHERE {in_scope} AND b.binaan_since <= %(end)s AND b.status = %(active)s
  AND NOT EXISTS (
    SELECT 1 FROM {participation} p JOIN {bazaar} z ON z.id = p.bazaar_id
    WHERE p.business_id = b.id AND p.status = %(accepted)s AND z.status = %(published)s
      AND z.start_date <= %(end)s)
GROUP BY 1
"""


def _bazaar_sql(template: str, scope: Scope) -> str:
    from bazaars.models import Attendance, Bazaar, DailySales, Participation

    return template.format(
        attendance=Attendance._meta.db_table,
        sales=DailySales._meta.db_table,
        participation=Participation._meta.db_table,
        bazaar=Bazaar._meta.db_table,
        business=Business._meta.db_table,
        in_scope=_in_scope(scope),
    )


def add_bazaars(report: Report) -> None:
    from bazaars.models import Bazaar, BazaarStatus, ParticipationStatus

    scope, period = report.scope, report.period
    params = {
        **_params(report),
        "accepted": ParticipationStatus.ACCEPTED,
        "published": BazaarStatus.PUBLISHED,
    }
    bazaars = list(
        Bazaar.objects.filter(
            status=BazaarStatus.PUBLISHED, start_date__range=(period.start, period.end)
        )
        .annotate(venue_name=F("venue__name"), venue_kelurahan=F("venue__kelurahan_id"))
        .order_by("start_date", "title", "id")
    )
    params["bazaars"] = [b.pk for b in bazaars]
    rows = {a.code: BazaarAreaRow(a.code, a.name) for a in report.areas}
    per_bazaar = {}
    for g, area, bazaar_id, participants, attended, omzet in _fetch(
        _bazaar_sql(_PARTICIPANTS_SQL, scope), params
    ):
        if g == 0b01:
            row = rows[area]
            row.participants, row.attended, row.omzet = participants, attended, int(omzet)
        else:
            per_bazaar[bazaar_id] = (participants, attended, int(omzet))
    for area, never in _fetch(_bazaar_sql(_NEVER_SQL, scope), params):
        rows[area].never = never
    total = BazaarAreaRow(scope.code, str(_("Total")))
    for name in ("participants", "attended", "omzet", "never"):
        setattr(total, name, sum(getattr(r, name) for r in rows.values()))

    held = [
        b
        for b in bazaars
        if b.pk in per_bazaar or (b.venue_kelurahan or "").startswith(scope.prefix)
    ]
    summary = [
        ("bazaars", _("Bazaars held"), len(held), INT),
        ("bazaar_participants", _("Bazaar participants"), total.participants, INT),
        ("bazaar_attended", _("Participants who attended"), total.attended, INT),
        ("bazaar_omzet", _("Bazaar omzet"), total.omzet, RUPIAH),
        ("bazaar_omzet_each", _("Bazaar omzet per participant"), total.per_participant, RUPIAH),
        ("never_bazaar", _("Active businesses never yet in a bazaar"), total.never, INT),
    ]

    def area_values(r):
        return (r.code, r.name, r.participants, r.attended, r.omzet, r.per_participant, r.never)

    area_table = Table(
        "bazar_wilayah",
        _("Bazaars per kecamatan") if scope.is_city else _("Bazaars per kelurahan"),
        [
            Column("code", _("Code"), CODE, 14),
            Column("name", _("Kecamatan") if scope.is_city else _("Kelurahan"), TEXT, 24),
            Column("participants", _("Participants"), INT),
            Column("attended", _("Attended"), INT),
            Column("omzet", _("Omzet"), RUPIAH, 18),
            Column("per_participant", _("Omzet per participant"), RUPIAH, 18),
            Column("never", _("Never in a bazaar"), INT),
        ],
        [(r.code, area_values(r)) for r in rows.values()] + [("total", area_values(total))],
    )

    def bazaar_values(b):
        participants, attended, omzet = per_bazaar.get(b.pk, (0, 0, 0))
        return (
            b.title,
            b.start_date,
            b.end_date,
            b.venue_name,
            participants,
            attended,
            omzet,
            omzet // participants if participants else None,
        )

    bazaar_table = Table(
        "bazar",
        _("Bazaars"),
        [
            Column("title", _("Title"), TEXT, 36),
            Column("start_date", _("First day"), DATE, 12),
            Column("end_date", _("Last day"), DATE, 12),
            Column("venue", _("Venue"), TEXT, 28),
            Column("participants", _("Participants"), INT),
            Column("attended", _("Attended"), INT),
            Column("omzet", _("Omzet"), RUPIAH, 18),
            Column("per_participant", _("Omzet per participant"), RUPIAH, 18),
        ],
        [(str(b.pk), bazaar_values(b)) for b in held],
    )
    report.extra.setdefault("summary", []).extend(summary)
    report.extra.setdefault("tables", []).extend([area_table, bazaar_table])


# --- Certificates --------------------------------------------------------------------------

_CERTIFICATES_SQL = """
SELECT type_id,
       count(*) FILTER (WHERE valid) AS valid,
       count(*) FILTER (WHERE NOT valid AND in_process) AS in_process,
       count(*) FILTER (WHERE expiring) AS expiring,
       sum(issued_in_period) AS issued_in_period
FROM (SELECT c.type_id, c.business_id,
             bool_or(c.status = %(issued)s AND (c.expires_on IS NULL OR c.expires_on >= %(on)s))
               AS valid,
             bool_or(c.status = ANY(%(in_process)s)) AS in_process,
             bool_or(c.status = %(issued)s AND c.expires_on BETWEEN %(on)s AND %(soon)s)
               AS expiring,
             count(*) FILTER (WHERE c.status = %(issued)s
                              AND c.issued_on BETWEEN %(start)s AND %(end)s) AS issued_in_period
      FROM {case} c JOIN {business} b ON b.id = c.business_id
      WHERE {in_scope} AND b.binaan_since <= %(end)s AND b.status = %(active)s
      GROUP BY c.type_id, c.business_id) per_business
GROUP BY type_id
"""


def certificate_reference_day(period: Period) -> datetime.date:
    """Holdings are counted on the period's last day, or today while the period runs."""
    return min(period.end, timezone.localdate())


def add_certificates(report: Report) -> None:
    """Per certificate type, in one scan of the cases (the same counts as
    certifications.selectors.coverage_by_type, which runs one query per type)."""
    from certifications import rules
    from certifications.models import CertificateCase, CertificateType
    from certifications.selectors import EXPIRING_DAYS

    on = certificate_reference_day(report.period)
    params = {
        **_params(report),
        "issued": rules.ISSUED,
        "in_process": list(rules.IN_PROCESS),
        "on": on,
        "soon": on + datetime.timedelta(days=EXPIRING_DAYS),
    }
    sql = _CERTIFICATES_SQL.format(
        case=CertificateCase._meta.db_table,
        business=Business._meta.db_table,
        in_scope=_in_scope(report.scope),
    )
    counts = {row[0]: row[1:] for row in _fetch(sql, params)}
    businesses = report.total.active
    rows = []
    for type_id, code, name in CertificateType.objects.order_by("order", "name").values_list(
        "pk", "code", "name"
    ):
        valid, in_process, expiring, issued = counts.get(type_id, (0, 0, 0, 0))
        missing = businesses - valid - in_process
        rows.append(
            (
                code,
                (
                    name,
                    int(issued),
                    valid,
                    percent(valid, businesses),
                    in_process,
                    expiring,
                    missing,
                ),
            )
        )
    table = Table(
        "sertifikat",
        _("Certificates by type"),
        [
            Column("type", _("Certificate"), TEXT, 28),
            Column("issued_in_period", _("Issued in the period"), INT),
            Column("valid", _("Businesses holding one"), INT),
            Column("valid_pct", _("Share of active businesses (%)"), PERCENT),
            Column("in_process", _("In process"), INT),
            Column("expiring", _("Expiring within 30 days"), INT),
            Column("missing", _("Missing"), INT),
        ],
        rows,
    )
    summary = [
        ("cert_issued", _("Certificates issued in the period"), sum(r[1][1] for r in rows), INT),
        ("cert_in_process", _("Certificates in process"), sum(r[1][4] for r in rows), INT),
        (
            "cert_expiring",
            _("Certificates expiring within 30 days"),
            sum(r[1][5] for r in rows),
            INT,
        ),
    ]
    report.extra.setdefault("summary", []).extend(summary)
    report.extra.setdefault("tables", []).append(table)
    report.extra["certificate_day"] = on


def add_sections(report) -> None:
    """Add the bazaar and certificate sections (their apps are part of the project)."""
    add_bazaars(report)
    add_certificates(report)
