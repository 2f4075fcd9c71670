"""Reads other apps use (bazaars' eligibility, reports' coverage) and the reminders' lists.

Contract (bazaars relies on the first two):

- businesses_holding_food_certificate(qs, *, on=None) -> QuerySet[Business]
    The businesses of `qs` that hold a food certificate (PIRT or halal: types with
    is_food=True) that is issued and not expired on `on` (today by default), or in process
    (referred or submitted). Still a lazy QuerySet: chain, count or paginate it.
- holds_food_certificate(business, *, on=None) -> bool
    The same question for one business (one query).
- coverage_by_type(businesses_qs, *, on) -> dict[type_code, dict[str, int]]
    Per certificate type, counts of businesses of `businesses_qs`:
    total, issued (a valid certificate on `on`), in_process (no valid one, but a referred or
    submitted case), expiring_30 (valid, expiring within 30 days), expired (an expired one and
    nothing valid or in process), needed (only a "needed" case), missing (total - issued -
    in_process: everyone still without).
- coverage_by_kecamatan(businesses_qs, *, on) -> list[dict]
    Per kecamatan (code, name): businesses, food_businesses (Sector.is_food),
    food_certified (food businesses holding a food certificate as above), food_missing.

As of a day (reports, coverage_by_type): a case's state on day D is read from its transitions,
never from its status today (a figure for a past day must not change because of what was done
since). The rule is stated once, as SQL (`cases_on_day_sql`): the report's one scan reads it
and the ORM selectors (`cases_held_on`, `cases_in_process_on`, `cases_with_status_on`,
`cases_expiring_on`) filter through it (tests/certifications/test_case_on_day.py):
- *held valid on D*: a transition to "issued" whose certificate was issued on or before D and
  has not expired on D (expires_on empty or on/after D), of a case not rejected on or before
  D. *Expiring*: held, and the latest of its valid certificates expires within 30 days after
  D. The issue date counts, not the day it was recorded: a certificate issued on 20 December
  and entered on 10 January was held on 31 December.
- *status on D*: the status the case's last transition recorded on or before D (Asia/Jakarta)
  gave it; a case opened after D has none. *In process on D*: that status is referred or
  submitted.
- *issued in a period*: the certificates (transitions to "issued") with an issue date in the
  period, up to D.
- *rejected in a period*: cases whose rejection was recorded in the period, up to D.
"""

import datetime
import re

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from certifications import rules
from certifications.models import CaseStatus, CaseTransition, CertificateCase, CertificateType
from umkm.models import Business

EXPIRING_DAYS = 30


def food_holding_cases(on: datetime.date | None = None) -> QuerySet[CertificateCase]:
    """The PIRT/halal cases that make a business hold a food certificate on `on` (issued and
    not expired, or in process): for an Exists() on the business, as bazaar eligibility does."""
    return _food_holding_cases(on or timezone.localdate())


def _food_holding_cases(on: datetime.date) -> QuerySet:
    return CertificateCase.objects.food().filter(
        Q(status__in=rules.IN_PROCESS)
        | Q(status=rules.ISSUED, expires_on__isnull=True)
        | Q(status=rules.ISSUED, expires_on__gte=on)
    )


def businesses_holding_food_certificate(
    qs: QuerySet[Business], *, on: datetime.date | None = None
) -> QuerySet[Business]:
    """See the module docstring."""
    on = on or timezone.localdate()
    return qs.filter(Exists(_food_holding_cases(on).filter(business=OuterRef("pk"))))


def businesses_without_food_certificate(
    qs: QuerySet[Business], *, on: datetime.date | None = None
) -> QuerySet[Business]:
    """The complement: businesses of `qs` with no valid or in-process PIRT/halal."""
    on = on or timezone.localdate()
    return qs.filter(~Exists(_food_holding_cases(on).filter(business=OuterRef("pk"))))


def holds_food_certificate(business: Business, *, on: datetime.date | None = None) -> bool:
    """See the module docstring."""
    on = on or timezone.localdate()
    return _food_holding_cases(on).filter(business=business).exists()


# --- As of a day (see the module docstring) ---------------------------------------------------


def day_end(day: datetime.date) -> datetime.datetime:
    """The first moment after `day` in the office's time zone: a transition recorded before it
    was recorded on `day` or earlier."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_default_timezone()
    )


# A case's state on %(on)s from its transitions: the one statement of the rule (module
# docstring) that both the report's scan (reports.sections.certificates) and this module's ORM
# selectors read (`cases_on_day_sql`). The aggregates of a SELECT that binds the case's
# transitions as `t` and groups by the case, in one pass of hash aggregation (no sort per
# case); parameters from `case_on_day_params`. held_until: the latest expiry among the
# certificates valid on the day ('infinity' for one that does not expire), NULL when none is;
# the status on the day is the last transition's, found as the greatest [moment, id, status
# position] array of those recorded by the end of the day.
_CASE_ON_DAY_AGGREGATES = """
max(coalesce(t.expires_on, 'infinity'::date)) FILTER (
    WHERE t.to_status = %(cert_issued)s AND t.issued_on <= %(on)s
      AND (t.expires_on IS NULL OR t.expires_on >= %(on)s)) AS held_until,
(%(cert_statuses)s::text[])[
    ((max(ARRAY[extract(epoch FROM t.at), t.id,
                array_position(%(cert_statuses)s::text[], t.to_status::text)])
      FILTER (WHERE t.at < %(until)s))[3])::int] AS status_on_day,
count(*) FILTER (
    WHERE t.to_status = %(cert_issued)s
      AND t.issued_on BETWEEN %(start)s AND %(on)s) AS issued_in_period,
coalesce(bool_or(t.to_status = %(cert_rejected)s AND t.at < %(until)s), false)
    AS rejected_by_day,
coalesce(bool_or(t.to_status = %(cert_rejected)s
                 AND t.at >= %(since)s AND t.at < %(until)s), false) AS rejected_in_period
"""

_CASES_ON_DAY = """
SELECT case_id{extra_names},
       held_until IS NOT NULL AND NOT rejected_by_day AS held,
       held_until IS NOT NULL AND held_until <= %(soon)s AND NOT rejected_by_day AS expiring,
       coalesce(status_on_day = ANY(%(cert_in_process)s), false) AS in_process,
       status_on_day, issued_in_period, rejected_in_period
FROM (SELECT t.case_id{extra}, {aggregates}
      FROM {source}
      GROUP BY t.case_id{extra}) case_on_day"""


def cases_on_day_sql(source: str = "", extra: tuple[str, ...] = ()) -> str:
    """A SELECT of each case's state on %(on)s (parameters: case_on_day_params): case_id;
    held (a certificate valid on the day, the case not rejected by then); expiring (held, and
    the latest of its valid certificates expires within EXPIRING_DAYS after the day);
    in_process (its status on the day is referred or submitted); status_on_day (NULL for a
    case opened after the day); issued_in_period (certificates issued from %(start)s to the
    day); rejected_in_period (its rejection recorded then). `source` is the FROM clause, which
    binds the transitions as `t` (every transition by default); `extra`, more columns of it
    to group by and return, e.g. ("c.type_id", "c.business_id")."""
    return _CASES_ON_DAY.format(
        extra="".join(f", {column}" for column in extra),
        extra_names="".join(f", {column.rsplit('.', 1)[-1]}" for column in extra),
        aggregates=_CASE_ON_DAY_AGGREGATES,
        source=source or f"{CaseTransition._meta.db_table} t",
    )


def case_on_day_params(*, start: datetime.date, on: datetime.date) -> dict:
    return {
        "cert_issued": rules.ISSUED,
        "cert_rejected": rules.REJECTED,
        "cert_in_process": list(rules.IN_PROCESS),
        "cert_statuses": [status for status, _label in CaseStatus.choices],
        "on": on,
        "soon": on + datetime.timedelta(days=EXPIRING_DAYS),
        "until": day_end(on),
        "since": day_end(start - datetime.timedelta(days=1)),
        "start": start,
    }


_NAMED_PARAMETER = re.compile(r"%\(([a-z_]+)\)s")


def _cases_where(
    day: datetime.date, condition: str, cases: QuerySet | None, **values: object
) -> QuerySet:
    """The cases of `cases` whose state on `day` (cases_on_day_sql) meets `condition`, an SQL
    condition on its columns (values as %(name)s from `values`): one uncorrelated subquery,
    which Postgres hashes once."""
    cases = CertificateCase.objects.all() if cases is None else cases
    named = {**case_on_day_params(start=day, on=day), **values}
    sql = f"SELECT case_id FROM ({cases_on_day_sql()}) s WHERE {condition}"  # noqa: S608
    params = [named[name] for name in _NAMED_PARAMETER.findall(sql)]
    # Only this module's SQL and the names' values as parameters: nothing a caller typed.
    return cases.filter(pk__in=RawSQL(_NAMED_PARAMETER.sub("%s", sql), params))  # noqa: S611


def cases_held_on(day: datetime.date, cases: QuerySet | None = None) -> QuerySet:
    return _cases_where(day, "held", cases)


def cases_in_process_on(day: datetime.date, cases: QuerySet | None = None) -> QuerySet:
    return _cases_where(day, "in_process", cases)


def cases_with_status_on(
    day: datetime.date, status: str, cases: QuerySet | None = None
) -> QuerySet:
    """Cases whose last transition recorded by the end of `day` gave them `status`."""
    return _cases_where(day, "status_on_day = %(wanted_status)s", cases, wanted_status=status)


def cases_expiring_on(day: datetime.date, cases: QuerySet | None = None) -> QuerySet:
    """Cases holding on `day` a certificate whose validity ends within EXPIRING_DAYS after it."""
    return _cases_where(day, "expiring", cases)


def applies_sql(cert_type: str, sector: str) -> str:
    """SQL: the certificate type aliased `cert_type` applies to a business of the sector
    aliased `sector` (CertificateType.applies_to)."""
    return (
        f"(CASE {cert_type}.applies_to WHEN '{rules.APPLIES_ALL}' THEN true"
        f" WHEN '{rules.APPLIES_FOOD}' THEN {sector}.is_food"
        f" ELSE {sector}.id = {cert_type}.applies_to_sector_id END)"
    )


def applies_q(cert_type: CertificateType, business: str = "") -> Q:
    """For a queryset reaching a business by the path `business` ("" for businesses): the
    businesses that need a certificate of `cert_type` (applies_sql in the ORM)."""
    prefix = f"{business}__" if business else ""
    if cert_type.applies_to == rules.APPLIES_FOOD:
        return Q(**{f"{prefix}sector__is_food": True})
    if cert_type.applies_to == rules.APPLIES_SECTOR:
        return Q(**{f"{prefix}sector_id": cert_type.applies_to_sector_id})
    return Q(**{f"{prefix}pk__isnull": False})


def coverage_by_type(
    businesses_qs: QuerySet[Business], *, on: datetime.date
) -> dict[str, dict[str, int]]:
    """See the module docstring: every count as of `on`, from the cases' transitions. One
    query per certificate type."""
    result = {}
    for cert_type in CertificateType.objects.all():
        cases = CertificateCase.objects.filter(type=cert_type, business=OuterRef("pk"))
        valid = Exists(cases_held_on(on, cases))
        in_process = Exists(cases_in_process_on(on, cases))
        expiring = Exists(cases_expiring_on(on, cases))
        ever_issued = CaseTransition.objects.filter(
            case__type=cert_type,
            case__business=OuterRef("pk"),
            to_status=rules.ISSUED,
            expires_on__lt=on,
        )
        expired = Exists(ever_issued)
        needed = Exists(cases_with_status_on(on, rules.NEEDED, cases))
        applies = applies_q(cert_type)
        counts = businesses_qs.order_by().aggregate(
            total=Count("pk"),
            issued=Count("pk", filter=valid),
            in_process=Count("pk", filter=~valid & in_process),
            expiring_30=Count("pk", filter=expiring),
            expired=Count("pk", filter=expired & ~valid & ~in_process),
            needed=Count("pk", filter=needed & ~valid & ~in_process),
            applicable=Count("pk", filter=applies),
            applicable_covered=Count("pk", filter=applies & (valid | in_process)),
        )
        counts["missing"] = counts["total"] - counts["issued"] - counts["in_process"]
        counts["still_needed"] = counts.pop("applicable") - counts.pop("applicable_covered")
        result[cert_type.code] = counts
    return result


def coverage_by_kecamatan(businesses_qs: QuerySet[Business], *, on: datetime.date) -> list[dict]:
    """See the module docstring. One query."""
    holding = Exists(_food_holding_cases(on).filter(business=OuterRef("pk")))
    rows = (
        businesses_qs.order_by()
        .values("kelurahan__kecamatan_id", "kelurahan__kecamatan__name")
        .annotate(
            businesses=Count("pk"),
            food_businesses=Count("pk", filter=Q(sector__is_food=True)),
            food_certified=Count("pk", filter=Q(sector__is_food=True) & holding),
        )
        .order_by("kelurahan__kecamatan_id")
    )
    return [
        {
            "kecamatan_code": row["kelurahan__kecamatan_id"],
            "kecamatan_name": row["kelurahan__kecamatan__name"],
            "businesses": row["businesses"],
            "food_businesses": row["food_businesses"],
            "food_certified": row["food_certified"],
            "food_missing": row["food_businesses"] - row["food_certified"],
        }
        for row in rows
    ]


def expiring_cases(*, on: datetime.date, days: int = EXPIRING_DAYS) -> QuerySet[CertificateCase]:
    """Issued certificates expiring within `days` of `on`, soonest first, for lists/reminders."""
    return (
        CertificateCase.objects.expiring_within(days, on=on)
        .select_related("type", "business", "kecamatan")
        .order_by("expires_on", "id")
    )


def food_gap(qs: QuerySet[Business], *, on: datetime.date) -> QuerySet[Business]:
    """The active Kuliner (food sector) businesses of `qs` without a valid or in-process
    PIRT/halal: the reminders' list, and the business admin's filter that its links open."""
    return businesses_without_food_certificate(qs.active().filter(sector__is_food=True), on=on)


def food_businesses_without_certificate(*, on: datetime.date) -> QuerySet[Business]:
    """Active Kuliner (food sector) businesses without a valid or in-process PIRT/halal."""
    return (
        food_gap(Business.objects.all(), on=on)
        .select_related("kelurahan__kecamatan")
        .order_by("kelurahan__kecamatan_id", "name", "id")
    )
